"""Small asyncio helpers shared by the background loops (knowledge sync, shared cooldowns, the store)."""

from __future__ import annotations

import asyncio
import contextlib

RECANCEL_S = 0.5


async def cancel_and_wait(task: asyncio.Task | None) -> None:
    """Cancel ``task`` and wait until it has ended, cancelling again while it runs on.

    One ``cancel()`` followed by ``await task`` can wait forever: on Python 3.11 ``asyncio.wait_for``
    drops a cancellation that arrives just as the awaited operation finishes (fixed in 3.12), so a
    loop sleeping in ``wait_for`` may carry on as if never told to stop. Its error, if any, is dropped:
    the caller is shutting it down.
    """
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=RECANCEL_S)
    with contextlib.suppress(asyncio.CancelledError, Exception):
        task.result()
