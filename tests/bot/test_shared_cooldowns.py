"""Per-user cooldowns shared through PostgreSQL (knowledge.cooldowns, commands.ui.cooldowns): the local check decides
at once; what other processes let through arrives within a sync interval; a database that is down changes
nothing but the sharing."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest

from commands.ui.cooldowns import SharedCooldown, SharedCooldownMapping
from knowledge.cooldowns import CooldownBoard
from knowledge.store import Store

PER = 3.0


def bucket(board: CooldownBoard, user: int = 7) -> SharedCooldown:
    return SharedCooldown(1, PER, board=board, scope="ask", user=user)


def test_without_sharing_it_is_the_local_cooldown() -> None:
    """Unshared: one question per window per person, as discord.py's own Cooldown; nothing is queued."""
    board = CooldownBoard()
    mine, other = bucket(board), bucket(board, user=8)
    now = time.time()
    assert mine.update_rate_limit(now) is None
    assert mine.update_rate_limit(now + 1) == pytest.approx(PER - 1)
    assert other.update_rate_limit(now + 1) is None
    assert mine.update_rate_limit(now + PER + 0.1) is None
    assert board._pending == {}


def test_the_free_text_mapping_makes_one_shared_bucket_per_author() -> None:
    """The message listener's mapping hands out SharedCooldowns keyed by the message's author."""
    board = CooldownBoard()
    mapping = SharedCooldownMapping(board, "free-text", PER)
    message = SimpleNamespace(author=SimpleNamespace(id=42), guild=None, channel=None)
    first = mapping.get_bucket(message)
    assert isinstance(first, SharedCooldown) and first.user == 42 and first.scope == "free-text"
    assert first.update_rate_limit() is None
    assert mapping.get_bucket(message).update_rate_limit() is not None


@pytest.mark.postgres
async def test_a_question_let_through_in_one_process_is_refused_in_the_other(pg_url: str) -> None:
    """Process a lets a person through; within a sync interval process b refuses them until a's window ends,
    and a never waits on the database to decide."""
    await (await Store.open(pg_url)).close()  # the schema, as the first process would create it
    a, b = CooldownBoard(process="a"), CooldownBoard(process="b")
    a.share(pg_url, interval=0.05)
    b.share(pg_url, interval=0.05)
    try:
        started = time.perf_counter()
        assert bucket(a).update_rate_limit() is None
        assert time.perf_counter() - started < 0.005  # decided in memory
        deadline = time.monotonic() + 5
        while b.blocked("ask", 7) is None:
            assert time.monotonic() < deadline, "b never heard of a's cooldown"
            await asyncio.sleep(0.02)
        retry = bucket(b).update_rate_limit()
        assert retry is not None and 0 < retry <= PER
        assert bucket(b, user=8).update_rate_limit() is None  # someone else is not held up
        assert b.blocked("free-text", 7) is None  # nor another scope
    finally:
        await a.close()
        await b.close()


async def test_a_database_that_is_down_leaves_the_local_cooldown_working() -> None:
    """Sharing with a server that does not answer: questions are decided locally, nothing raises."""
    board = CooldownBoard(process="a")
    board.share("postgresql://nobody@127.0.0.1:9/nothing", interval=0.05)
    try:
        mine = bucket(board)
        assert mine.update_rate_limit() is None
        assert mine.update_rate_limit() is not None
        await asyncio.sleep(0.3)  # a few failed syncs
        assert board.synced_at is None and ("ask", "7") in board._pending
        assert bucket(board, user=8).update_rate_limit() is None
    finally:
        await board.close()
