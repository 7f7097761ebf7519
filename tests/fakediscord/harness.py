"""Running a real discord.py client against the fake, shared by the e2e tests and the load benchmark."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord

from tests.fakediscord.server import FakeDiscord

# discord.py waits this long after the last GUILD_CREATE before on_ready; the fake sends one guild.
GUILD_READY_TIMEOUT = 0.05
START_TIMEOUT = 15.0


@contextlib.asynccontextmanager
async def running(client: discord.Client, fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """Start ``client`` against the fake, wait for on_ready, and close it on the way out."""
    client._connection.guild_ready_timeout = GUILD_READY_TIMEOUT
    task = asyncio.create_task(client.start(fake.token), name="discord-client")
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    try:
        if task in done:
            task.result()  # raises why the client stopped
            raise RuntimeError("the client stopped before it was ready")
        if ready not in done:
            raise TimeoutError(f"the client was not ready within {START_TIMEOUT} s")
        yield client
    finally:
        ready.cancel()
        await client.close()
        with contextlib.suppress(discord.ConnectionClosed):  # the fake closed the socket as the client did
            await asyncio.wait_for(task, timeout=10)


async def eventually(condition: Callable[[], Any], within: float = 5.0, step: float = 0.01) -> Any:
    """Poll ``condition`` until it is truthy (and return it); fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := condition()):
        if loop.time() > deadline:
            raise AssertionError(f"condition still false after {within} s")
        await asyncio.sleep(step)
    return result
