"""The store's write-behind queue on real SQLite files: nobody waits for the database.

Another process's lock is simulated by a second connection holding ``BEGIN IMMEDIATE``
(or ``BEGIN EXCLUSIVE`` on a rollback-journal file, which also shuts readers out).
Limits are generous: a call that returns "at once" is held to a second, where the
store before the queue waited five (its busy timeout) per record.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from knowledge.errors import StoreError
from knowledge.store import SCHEMA_VERSION, Store, StoreBusy

AT_ONCE_S = 1.0  # far below the 5 s a locked write used to wait, far above a queued call's microseconds

ALL_VERSIONS = [(v,) for v in range(1, SCHEMA_VERSION + 1)]  # one row per migration applied


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path, retry_max=0.2)
    yield opened
    await opened.close(5)


@contextlib.contextmanager
def locked(path: Path, how: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """Another process's writer lock on ``path``, held until the block ends."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute(f"BEGIN {how}")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


async def ask(store: Store, question: str) -> int:
    return await store.record_question(
        question=question, answered=False, kind="none", confidence=0.1, transport="test"
    )


def rows(path: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 1. the queue ----------------------------------------------------------------------------------


async def test_records_and_votes_return_at_once_while_locked_and_land_after(
    store: Store, db_path: Path
) -> None:
    """With another process holding the writer lock, 50 questions and a vote on each are queued at once
    (votes naming questions not written yet); when the lock goes, all of them land."""
    with locked(db_path):
        started = time.monotonic()
        ids = []
        for i in range(50):
            qid = await asyncio.wait_for(ask(store, f"question {i}"), AT_ONCE_S)
            await asyncio.wait_for(store.record_feedback(question_id=qid, user_id="u", vote=1), AT_ONCE_S)
            ids.append(qid)
        await asyncio.wait_for(
            store.record_reload(who="mod", ok=True, counts={}, digest=None, problems=[]), AT_ONCE_S
        )
        assert time.monotonic() - started < AT_ONCE_S
        assert ids == sorted(set(ids))  # distinct and increasing, known before anything is written
        assert not await store.flush(0.3)  # nothing can be written meanwhile
        assert store.status().waiting == 101 and store.status().state == "busy"
    assert await store.flush(30)
    assert rows(db_path, "SELECT COUNT(*) FROM questions") == [(50,)]
    assert sorted(r[0] for r in rows(db_path, "SELECT question_id FROM feedback")) == ids
    assert rows(db_path, "SELECT who FROM reloads") == [("mod",)]
    assert store.status().state == "ok" and store.status().waiting == 0


async def test_a_burst_is_written_in_few_transactions(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 records queued while the writer is held back go in one batch (one transaction), not 300."""
    import knowledge.store as store_module

    batches: list[int] = []
    real_write = store_module._write

    async def counting_write(conn, batch, *, one_by_one):  # noqa: ANN001, ANN202
        batches.append(len(batch))
        return await real_write(conn, batch, one_by_one=one_by_one)

    monkeypatch.setattr(store_module, "_write", counting_write)
    async with store.lock:  # the writer waits for the connection, as during a read
        for i in range(300):
            await ask(store, f"q{i}")
    assert await store.flush(30)
    assert sum(batches) == 300 and len(batches) <= 2


async def test_a_full_queue_drops_counts_and_logs_without_blocking(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A queue of 5 with the database locked: the next 3 records are dropped at once, counted, logged."""
    caplog.set_level(logging.WARNING, logger="knowledge.store")
    store = await Store.open(db_path, queue_size=5, retry_max=0.2)
    try:
        with locked(db_path):
            for i in range(8):
                await asyncio.wait_for(ask(store, f"q{i}"), AT_ONCE_S)
            status = store.status()
            assert (status.waiting, status.dropped) == (5, 3)
        assert await store.flush(30)
        assert rows(db_path, "SELECT question FROM questions ORDER BY id") == [(f"q{i}",) for i in range(5)]
        assert store.status().dropped == 3
        messages = [r.getMessage() for r in caplog.records]
        assert any("queue is full" in m for m in messages)
        assert any("3 record(s) dropped" in m for m in messages)
    finally:
        await store.close(5)


async def test_ids_keep_increasing_across_a_reopen(db_path: Path) -> None:
    """Question ids are assigned in the process, above what the database already holds."""
    first = await Store.open(db_path)
    old = await ask(first, "first run")
    await first.close()
    second = await Store.open(db_path)
    try:
        new = await ask(second, "second run")
        assert new > old
        assert await second.flush(30)
        assert (await second.question(new)) is not None
    finally:
        await second.close()


# --- 2. a locked database -------------------------------------------------------------------------------


async def test_reads_answer_in_time_while_another_process_writes(store: Store, db_path: Path) -> None:
    """Under another process's writer lock (WAL) the reads /kb status and /kb unanswered use still answer,
    in time, with what is written; the queued records don't hold them up."""
    await ask(store, "written before")
    assert await store.flush(30)
    with locked(db_path):
        await ask(store, "queued meanwhile")
        started = time.monotonic()
        listed = await asyncio.wait_for(store.unanswered(), 2.5)
        await asyncio.wait_for(store.last_reload(ok_only=False), 2.5)
        assert time.monotonic() - started < 2.5
        assert [u.question for u in listed] == ["written before"]


async def test_a_read_shut_out_says_busy_within_its_time_limit(db_path: Path) -> None:
    """A process holding an exclusive lock shuts readers out: the read raises StoreBusy well within
    Discord's 3 s, and the reports say "busy" rather than time out."""
    from commands.kb_reports import unanswered_report
    from knowledge.service import KnowledgeService

    first = await Store.open(db_path)
    await first.close()
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # rollback journal: an exclusive lock blocks readers
    store = await Store.open(db_path, retry_max=0.2)
    try:
        with locked(db_path, "EXCLUSIVE"):
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="busy"):
                await asyncio.wait_for(store.unanswered(), 2.5)
            assert time.monotonic() - started < 2.0
            report = await asyncio.wait_for(unanswered_report(KnowledgeService(db_path.parent, store)), 2.5)
            assert not report.ok and "busy" in report.lines[0]
    finally:
        await store.close(5)


async def test_a_database_locked_at_start_is_opened_later(db_path: Path, tmp_path: Path) -> None:
    """The bot's own open (bot.app.open_store) with the new database locked by another process: it runs
    with a store that keeps the records and writes them once the lock is released (not disabled)."""
    from bot.app import open_store
    from bot.settings import Settings

    os.close(os.open(db_path, os.O_CREAT | os.O_WRONLY))  # an empty file, as another process made it
    with locked(db_path, "EXCLUSIVE"):  # an empty file: creating the schema needs the lock
        started = time.monotonic()
        store = await open_store(Settings(_env_file=None, database_path=db_path))
        assert store is not None
        assert time.monotonic() - started < 3.0
        qid = await asyncio.wait_for(ask(store, "asked while locked"), AT_ONCE_S)
        assert store.status().state in ("busy", "unavailable")
    try:
        assert await store.flush(30)
        assert (await store.question(qid)).question == "asked while locked"
    finally:
        await store.close()


async def test_a_database_folder_missing_at_start_is_opened_when_it_appears(tmp_path: Path) -> None:
    """A database path in a folder that is not there yet: records wait, and land once the folder exists."""
    from bot.app import open_store
    from bot.settings import Settings

    path = tmp_path / "later" / "state.sqlite3"
    store = await open_store(Settings(_env_file=None, database_path=path))
    assert store is not None
    try:
        await ask(store, "asked before the folder existed")
        assert not await store.flush(0.3)
        path.parent.mkdir()
        assert await store.flush(30)
        assert rows(path, "SELECT question FROM questions") == [("asked before the folder existed",)]
    finally:
        await store.close()


# --- 3. a database file deleted or replaced while running ---------------------------------------------


async def test_a_deleted_database_is_recreated_and_written(
    store: Store, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Deleting the file while running: the next records go to a new file at the path (logged)."""
    caplog.set_level(logging.WARNING, logger="knowledge.store")
    await ask(store, "into the old file")
    assert await store.flush(30)
    os.unlink(db_path)
    qid = await ask(store, "after the delete")
    await store.record_reload(who="mod", ok=True, counts={}, digest=None, problems=[])
    assert await store.flush(30)
    assert rows(db_path, "SELECT question FROM questions") == [("after the delete",)]
    assert rows(db_path, "SELECT who FROM reloads") == [("mod",)]
    assert rows(db_path, "SELECT version FROM schema_version ORDER BY version") == ALL_VERSIONS
    assert (await store.question(qid)) is not None  # reads follow the new file too
    assert any("was deleted" in r.getMessage() for r in caplog.records)


async def test_a_replaced_database_is_reopened(store: Store, db_path: Path, tmp_path: Path) -> None:
    """A file moved over the database (a restored backup) receives the next records."""
    backup = tmp_path / "backup.sqlite3"
    other = await Store.open(backup)
    await ask(other, "in the backup")
    await other.close()
    await ask(store, "in the original")
    assert await store.flush(30)
    os.replace(backup, db_path)
    await ask(store, "after the restore")
    assert await store.flush(30)
    assert rows(db_path, "SELECT question FROM questions ORDER BY id") == [
        ("in the backup",),
        ("after the restore",),
    ]


async def test_a_database_replaced_by_a_foreign_file_is_not_written(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    """Replaced by a database that is not ours: nothing is written into it, the records wait."""
    foreign = tmp_path / "foreign.sqlite3"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
        conn.commit()
    os.replace(foreign, db_path)
    before = digest(db_path)
    await ask(store, "must not land in the foreign file")
    assert not await store.flush(1.0)
    assert digest(db_path) == before
    assert store.status().state == "unavailable" and store.status().waiting == 1
    os.unlink(db_path)  # the operator puts it right: the records are written to a new file
    assert await store.flush(30)
    assert rows(db_path, "SELECT question FROM questions") == [("must not land in the foreign file",)]


# --- 4. a foreign SQLite file -----------------------------------------------------------------------------


def make_foreign(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
        conn.execute("INSERT INTO accounts (owner) VALUES ('someone')")
        conn.commit()


def make_newer(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute(f"INSERT INTO schema_version VALUES ({SCHEMA_VERSION + 1})")
        conn.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY)")
        conn.commit()


@pytest.mark.parametrize(("make", "reason"), [(make_foreign, "not the bot's"), (make_newer, "newer")])
async def test_a_foreign_database_is_refused_without_a_write(db_path: Path, make, reason: str) -> None:  # noqa: ANN001
    """Tables that are not ours, or a newer schema version: refused, the file byte for byte as it was."""
    make(db_path)
    before = digest(db_path)
    tables_before = rows(db_path, "SELECT name FROM sqlite_master ORDER BY name")
    with pytest.raises(StoreError, match=reason):
        await Store.open(db_path)
    with pytest.raises(StoreError, match=reason):
        await Store.open(db_path, retry=True)  # not a passing condition: refused even when retrying
    assert digest(db_path) == before
    assert rows(db_path, "SELECT name FROM sqlite_master ORDER BY name") == tables_before


async def test_the_bot_runs_without_a_store_on_a_foreign_database(db_path: Path) -> None:
    from bot.app import open_store
    from bot.settings import Settings

    make_foreign(db_path)
    before = digest(db_path)
    assert await open_store(Settings(_env_file=None, database_path=db_path)) is None
    assert digest(db_path) == before


# --- 5. flush on shutdown --------------------------------------------------------------------------------


async def test_close_writes_every_queued_record(db_path: Path) -> None:
    """Questions asked (as tasks, the way handlers do) while the database is locked, then the store is closed
    as the lock goes: every record is written before close returns."""
    store = await Store.open(db_path, retry_max=0.2)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    asks = [asyncio.ensure_future(ask(store, f"q{i}")) for i in range(200)]
    await asyncio.sleep(0)  # the handlers run up to their first wait
    asyncio.get_running_loop().call_later(0.3, lambda: (other.execute("ROLLBACK"), other.close()))
    await store.close(30)
    await asyncio.gather(*asks, return_exceptions=True)
    assert rows(db_path, "SELECT COUNT(*) FROM questions") == [(200,)]
    with pytest.raises(StoreError, match="closed"):
        await ask(store, "after close")


async def test_close_gives_up_after_its_time_limit_and_says_what_was_lost(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await Store.open(db_path, retry_max=0.2)
    with locked(db_path):
        for i in range(3):
            await ask(store, f"q{i}")
        started = time.monotonic()
        await store.close(0.5)
        assert time.monotonic() - started < 3.0
    assert any("3 record(s) could not be written" in r.getMessage() for r in caplog.records)


async def test_kb_status_says_busy_and_counts_waiting_and_dropped_records(
    tmp_path: Path, db_path: Path
) -> None:
    """/kb status under another process's lock: answered in time, naming the busy database, the records
    waiting and those dropped because the queue was full."""
    from commands.kb_reports import status_report
    from knowledge.service import KnowledgeService
    from tests.bot.kbfixture import write_kb

    store = await Store.open(db_path, queue_size=2, retry_max=0.2)
    service = KnowledgeService(write_kb(tmp_path / "kb"), store)
    try:
        assert (await service.reload("startup", action="startup")).ok
        assert await store.flush(30)
        with locked(db_path):
            for i in range(3):
                await ask(store, f"q{i}")
            assert not await store.flush(0.5)  # the writer has tried, and found the database locked
            report = await asyncio.wait_for(status_report(service), 2.5)
        text = "\n".join(report.lines)
        assert "Last reload:" in text and "by startup" in text
        assert "busy" in text
        assert "Records waiting to be written: 2; dropped since start (queue full): 1" in text
    finally:
        await store.close(5)
