"""Knowledge versions shared by processes on one PostgreSQL database (knowledge.cluster).

Two services, each with its own knowledge folder and store (as two processes on two machines would have),
share one database; every test needs the throwaway server (tests/pgserver.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from knowledge.cluster import KnowledgeSync
from knowledge.history import History
from knowledge.service import KnowledgeService
from knowledge.store import Store
from tests.bot.kbfixture import EXTRA_ENTITY, write_kb

pytestmark = pytest.mark.postgres

WITHIN_S = 5.0


@asynccontextmanager
async def process(url: str, folder: Path, name: str, *, poll: float = 0.5) -> AsyncIterator[KnowledgeSync]:
    """A service on ``folder`` with its store and its sync on ``url``, as one bot process has them."""
    store = await Store.open(url)
    service = KnowledgeService(folder, store, history_versions=3)
    assert (await service.reload("startup", action="startup")).ok
    sync = KnowledgeSync(url, service, name=name, shards=[0], poll_interval=poll, heartbeat_interval=0.2)
    await sync.start()
    try:
        yield sync
    finally:
        await sync.close()
        await store.close()


async def on_version(sync: KnowledgeSync, digest: str, within: float = WITHIN_S) -> float:
    """Seconds until ``sync``'s service answers from ``digest``; fails after ``within``."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while sync.service.engine.kb.digest != digest:
        assert loop.time() - start < within, f"{sync.name} still on {sync.service.engine.kb.version}"
        await asyncio.sleep(0.02)
    return loop.time() - start


async def test_a_reload_in_one_process_is_loaded_by_the_other(pg_url: str, tmp_path: Path) -> None:
    """A moderator's reload in A is published; B loads it within seconds, its folder now holds the new file."""
    a_dir, b_dir = write_kb(tmp_path / "a"), write_kb(tmp_path / "b")
    async with process(pg_url, a_dir, "a") as a, process(pg_url, b_dir, "b", poll=60) as b:
        (a_dir / "more.toml").write_text(EXTRA_ENTITY, encoding="utf-8")
        outcome = await a.service.reload("mod")
        assert outcome.ok and any("Shared with the other processes" in n for n in outcome.notes), (
            outcome.notes
        )
        # the poll is a minute away: only the notification can bring it this fast
        took = await on_version(b, a.service.engine.kb.digest, within=3.0)
        assert "kremlin" in b.service.engine.kb.items
        assert (b_dir / "more.toml").read_text(encoding="utf-8") == EXTRA_ENTITY
        assert took < 3.0


async def test_a_process_starting_later_loads_the_published_version(pg_url: str, tmp_path: Path) -> None:
    """The first process's knowledge is the cluster's: one starting with other files loads the published
    version; the version it started with stays in its history (for /kb rollback)."""
    a_dir, b_dir = write_kb(tmp_path / "a"), write_kb(tmp_path / "b")
    (b_dir / "more.toml").write_text(EXTRA_ENTITY, encoding="utf-8")
    async with process(pg_url, a_dir, "a") as a, process(pg_url, b_dir, "b") as b:
        await on_version(b, a.service.engine.kb.digest)
        assert "kremlin" not in b.service.engine.kb.items
        assert not (b_dir / "more.toml").exists()
        kept = History(b_dir, 3).versions()
        assert [v.action for v in kept] == ["startup", "adopt"]
        assert "more.toml" in kept[0].files and "more.toml" not in kept[1].files


async def test_a_version_that_cannot_be_loaded_is_reported_and_the_current_one_kept(
    pg_url: str, tmp_path: Path
) -> None:
    """A published version whose files do not load as it (here: a digest that is not theirs) is refused by
    the other process: it keeps answering from its own version and reports why in /kb status's list."""
    a_dir, b_dir = write_kb(tmp_path / "a"), write_kb(tmp_path / "b")
    async with process(pg_url, a_dir, "a") as a, process(pg_url, b_dir, "b") as b:
        live = b.service.engine
        files = {"entities.toml": b"garbage = [", **{"sources.toml": (a_dir / "sources.toml").read_bytes()}}
        assert await a.publish("f" * 64, files, who="mod", action="upload") is None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WITHIN_S
        while b.problem is None:
            assert loop.time() < deadline, "B never reported the version it could not load"
            await asyncio.sleep(0.05)
        assert b.service.engine is live
        assert "cannot load ffffffffffff" in b.problem
        await asyncio.sleep(0.5)  # a heartbeat or two
        states = {p.name: p for p in await a.processes()}
        assert set(states) == {"a", "b"} and states["a"].this and not states["b"].this
        assert states["b"].problem is not None and "cannot load" in states["b"].problem
        assert states["b"].version == live.kb.version and states["b"].heartbeat_age_s < 5
        assert states["b"].shards == "0"


async def test_status_lists_every_process_with_its_version(pg_url: str, tmp_path: Path) -> None:
    """/kb status (the service's status) shows each process's version and heartbeat."""
    from commands.kb_reports import status_report

    async with (
        process(pg_url, write_kb(tmp_path / "a"), "a") as a,
        process(pg_url, write_kb(tmp_path / "b"), "b"),
    ):
        await asyncio.sleep(0.5)
        report = await status_report(a.service)
    text = "\n".join(report.lines)
    assert "Processes (2):" in text
    assert f"- a (this one), shards 0: {a.service.engine.kb.version}, reported" in text
    assert "- b, shards 0:" in text


async def test_a_publication_while_the_database_is_down_is_retried(pg_url: str, tmp_path: Path) -> None:
    """A version made while the database can't take it is published by the background loop afterwards,
    and the process does not go back to the older published version meanwhile."""
    a_dir, b_dir = write_kb(tmp_path / "a"), write_kb(tmp_path / "b")
    async with process(pg_url, a_dir, "a", poll=0.2) as a, process(pg_url, b_dir, "b", poll=0.2) as b:
        admin = await asyncpg.connect(pg_url, command_timeout=10)  # a lock wait fails the test, not CI
        try:
            await admin.execute("ALTER TABLE knowledge_published RENAME TO knowledge_published_away")
            (a_dir / "more.toml").write_text(EXTRA_ENTITY, encoding="utf-8")
            outcome = await a.service.reload("mod")
            assert outcome.ok and any("Not shared" in n for n in outcome.notes), outcome.notes
            await asyncio.sleep(1.0)
            assert "kremlin" in a.service.engine.kb.items  # not rolled back to the published version
            await admin.execute("ALTER TABLE knowledge_published_away RENAME TO knowledge_published")
        finally:
            await admin.close()
        await on_version(b, a.service.engine.kb.digest, within=10.0)
