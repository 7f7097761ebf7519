"""End-to-end fixtures: the Discord fake on loopback, and a real discord.py client running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakediscord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; discord.py's REST base and default gateway point at it meanwhile."""
    server = await FakeDiscord().start()
    with server.pointed_at():
        yield server
    await server.close()
