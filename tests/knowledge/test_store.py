"""Store: the runtime state (reloads, question log, feedback) on both engines, SQLite on a real file and
PostgreSQL on the throwaway test server: every test taking ``store`` (or ``engine``) runs on each."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from knowledge.errors import StoreError
from knowledge.store import SCHEMA_VERSION, Store, normalise_question

ALL_VERSIONS = [(v,) for v in range(1, SCHEMA_VERSION + 1)]  # one row per migration applied


@dataclass
class Engine:
    """Where a test's database is, and a connection of its own to look at it (as another process would)."""

    name: str  # "sqlite" or "postgresql"
    target: str | Path  # what Store.open takes

    async def fetch(self, sql: str, *args: object) -> list[tuple]:
        """Run ``sql`` (``?`` placeholders for SQLite, ``$n`` for PostgreSQL) on a separate connection."""
        if self.name == "sqlite":
            with contextlib.closing(sqlite3.connect(self.target)) as conn, conn:
                return [tuple(r) for r in conn.execute(sql, args).fetchall()]
        conn = await asyncpg.connect(str(self.target))
        try:
            return [tuple(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()

    async def tables(self) -> set[str]:
        if self.name == "sqlite":
            return {r[0] for r in await self.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {r[0] for r in await self.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}

    async def indexes(self) -> set[str]:
        if self.name == "sqlite":
            return {r[0] for r in await self.fetch("SELECT name FROM sqlite_master WHERE type = 'index'")}
        return {
            r[0] for r in await self.fetch("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, db_path: Path) -> Engine:
    if request.param == "sqlite":
        return Engine("sqlite", db_path)
    return Engine("postgresql", request.getfixturevalue("pg_url"))


@pytest.fixture
async def store(engine: Engine) -> AsyncIterator[Store]:
    opened = await Store.open(engine.target)
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    yield opened
    await opened.close()


def in_transaction(store: Store) -> bool:
    assert store.conn is not None
    if store.engine == "sqlite":
        return store.conn.in_transaction
    return store.conn.is_in_transaction()


async def ask(store: Store, question: str, *, answered: bool = False) -> int:
    return await store.record_question(
        question=question, answered=answered, kind="none", confidence=0.1, transport="test"
    )


async def insert_old_question(engine: Engine, question: str, days_ago: int) -> None:
    """Write a question row dated ``days_ago`` days back, as the bot would have then."""
    at = datetime.now(UTC) - timedelta(days=days_ago)
    if engine.name == "sqlite":
        await engine.fetch(
            "INSERT INTO questions (at, question, normalised, answered, kind, confidence, transport)"
            " VALUES (?, ?, ?, 0, 'none', 0.0, 'test')",
            at.isoformat(),
            question,
            normalise_question(question),
        )
    else:
        await engine.fetch(
            "INSERT INTO questions (id, at, question, normalised, answered, kind, confidence,"
            " transport) VALUES (1, $1, $2, $3, false, 'none', 0.0, 'test')",
            at,
            question,
            normalise_question(question),
        )


async def test_open_applies_schema(store: Store, engine: Engine) -> None:
    """Opening a new database creates every table and records the schema version."""
    assert {"schema_version", "reloads", "questions", "feedback"} <= await engine.tables()
    assert await engine.fetch("SELECT version FROM schema_version ORDER BY version") == ALL_VERSIONS


async def test_reopening_keeps_data_and_one_schema_version(engine: Engine) -> None:
    """Data written before close is there after reopening; the schema is not applied twice."""
    first = await Store.open(engine.target)
    qid = await ask(first, "Who fired first?")
    await first.record_reload(who="mod", ok=True, counts={"quote": 3}, digest="abc", problems=[])
    await first.close()

    second = await Store.open(engine.target)
    try:
        record = await second.question(qid)
        last = await second.last_reload()
    finally:
        await second.close()
    assert record is not None and record.question == "Who fired first?"
    assert last is not None and last.counts == {"quote": 3}
    assert await engine.fetch("SELECT COUNT(*) FROM schema_version") == [(SCHEMA_VERSION,)]


async def test_record_reload_round_trips_every_field(store: Store) -> None:
    """A recorded reload comes back with who, ok, counts, digest, problems and source intact."""
    rid = await store.record_reload(
        who="alice", ok=False, counts={"entity": 2}, digest=None, problems=["a.toml: bad"], source="startup"
    )
    last = await store.last_reload(ok_only=False)
    assert last is not None
    assert (last.id, last.who, last.ok, last.counts, last.digest, last.problems, last.source) == (
        rid,
        "alice",
        False,
        {"entity": 2},
        None,
        ["a.toml: bad"],
        "startup",
    )
    assert last.at.tzinfo is not None


async def test_last_reload_ok_only_skips_failures(store: Store) -> None:
    """last_reload() returns the latest successful reload; ok_only=False the latest of any kind."""
    assert await store.last_reload() is None
    good = await store.record_reload(who="a", ok=True, counts={}, digest="d1", problems=[])
    bad = await store.record_reload(who="b", ok=False, counts={}, digest=None, problems=["x"])
    last_ok = await store.last_reload()
    last_any = await store.last_reload(ok_only=False)
    assert last_ok is not None and last_ok.id == good
    assert last_any is not None and last_any.id == bad


async def test_reload_history_newest_first_and_limited(store: Store) -> None:
    """reload_history lists the newest reloads first, at most ``limit`` of them."""
    ids = [
        await store.record_reload(who=f"u{i}", ok=True, counts={}, digest=None, problems=[]) for i in range(5)
    ]
    history = await store.reload_history(limit=3)
    assert [r.id for r in history] == ids[::-1][:3]
    assert [r.id for r in await store.reload_history()] == ids[::-1]


async def test_record_question_round_trips(store: Store) -> None:
    """A logged question comes back with its outcome, transport and ids; an unknown id gives None."""
    qid = await store.record_question(
        question="How many died?",
        answered=True,
        kind="casualties",
        confidence=0.87,
        transport="slash",
        user_id="42",
        guild_id="7",
    )
    record = await store.question(qid)
    assert record is not None
    assert (record.question, record.answered, record.kind) == ("How many died?", True, "casualties")
    assert record.confidence == 0.87
    assert (record.transport, record.user_id, record.guild_id) == ("slash", "42", "7")
    assert await store.question(qid + 1000) is None


async def test_record_question_truncates_long_text(store: Store) -> None:
    """An oversized question is stored cut to 2000 characters rather than refused."""
    qid = await ask(store, "x" * 5000)
    record = await store.question(qid)
    assert record is not None and len(record.question) == 2000


async def test_unanswered_groups_by_normalised_form(store: Store) -> None:
    """Case, spacing and trailing-punctuation variants are one unanswered question, shown as last asked."""
    await ask(store, "Who is Putin?")
    await ask(store, "who  is putin")
    await ask(store, "WHO IS PUTIN?!")
    await ask(store, "Who is Putin?", answered=True)
    rows = await store.unanswered()
    assert len(rows) == 1
    assert rows[0].count == 3
    assert rows[0].question == "WHO IS PUTIN?!"


async def test_small_talk_is_not_an_unanswered_question(store: Store) -> None:
    """'hi' and 'thanks' are logged but never listed as questions the sources failed to answer."""
    await store.record_question(question="hi", answered=False, kind="chat", confidence=1.0, transport="test")
    await ask(store, "what did putin say")
    assert [r.question for r in await store.unanswered()] == ["what did putin say"]


async def test_unanswered_orders_by_count_then_recency_and_limits(store: Store) -> None:
    """The most asked come first; equal counts put the most recently asked first; limit caps the list."""
    await ask(store, "alpha")
    await ask(store, "beta")
    await ask(store, "beta")
    await ask(store, "gamma")
    await ask(store, "delta")
    rows = await store.unanswered()
    assert [(r.question, r.count) for r in rows] == [("beta", 2), ("delta", 1), ("gamma", 1), ("alpha", 1)]
    assert [r.question for r in await store.unanswered(limit=2)] == ["beta", "delta"]


async def test_unanswered_respects_days_window(store: Store, engine: Engine) -> None:
    """Questions older than ``days`` are left out; a wider window includes them."""
    await insert_old_question(engine, "ancient question", days_ago=40)
    await ask(store, "fresh question")
    assert [r.question for r in await store.unanswered(days=30)] == ["fresh question"]
    assert {r.question for r in await store.unanswered(days=60)} == {"fresh question", "ancient question"}


async def test_feedback_one_vote_per_user_replaced(store: Store) -> None:
    """Each user has one vote per question; voting again replaces it; counts are (up, down)."""
    qid = await ask(store, "q", answered=True)
    other = await ask(store, "other", answered=True)
    assert await store.feedback_counts(qid) == (0, 0)
    await store.record_feedback(question_id=qid, user_id="u1", vote=1)
    await store.record_feedback(question_id=qid, user_id="u2", vote=1)
    await store.record_feedback(question_id=qid, user_id="u3", vote=-1)
    assert await store.feedback_counts(qid) == (2, 1)
    await store.record_feedback(question_id=qid, user_id="u1", vote=-1)
    await store.record_feedback(question_id=qid, user_id="u1", vote=-1)
    assert await store.feedback_counts(qid) == (1, 2)
    assert await store.feedback_counts(other) == (0, 0)


async def test_vote_on_unknown_question_is_dropped_alone(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A vote on a question id that was never logged is dropped (and logged) when written; the records
    queued beside it land."""
    before = await ask(store, "before")
    await store.record_feedback(question_id=999, user_id="u", vote=1)
    after = await ask(store, "after")
    await store.record_feedback(question_id=after, user_id="u", vote=-1)
    assert await store.flush(30)
    assert await store.feedback_counts(999) == (0, 0)
    assert await store.feedback_counts(after) == (0, 1)
    assert (await store.question(before)) is not None
    assert any("vote on question 999" in r.getMessage() for r in caplog.records)
    assert not in_transaction(store)


@pytest.mark.parametrize("vote", [0, 2, -2])
async def test_feedback_vote_must_be_plus_or_minus_one(store: Store, vote: int) -> None:
    """Only +1 and -1 are votes; anything else raises StoreError and stores nothing."""
    qid = await ask(store, "q")
    with pytest.raises(StoreError):
        await store.record_feedback(question_id=qid, user_id="u", vote=vote)
    assert await store.feedback_counts(qid) == (0, 0)


async def test_closed_connection_raises_store_error(engine: Engine) -> None:
    """Every method on a closed store raises StoreError instead of a raw driver error."""
    closed = await Store.open(engine.target)
    await closed.close()
    await closed.close()  # closing twice is harmless
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: closed.record_reload(who="a", ok=True, counts={}, digest=None, problems=[]),
        lambda: closed.last_reload(),
        lambda: closed.reload_history(),
        lambda: ask(closed, "q"),
        lambda: closed.question(1),
        lambda: closed.unanswered(),
        lambda: closed.record_feedback(question_id=1, user_id="u", vote=1),
        lambda: closed.feedback_counts(1),
    ]
    for call in calls:
        with pytest.raises(StoreError):
            await call()


async def test_read_only_database_keeps_writes_queued(db_path: Path) -> None:
    """On a read-only connection reads work; writes neither raise nor block: they wait in the queue."""
    writable = await Store.open(db_path)
    qid = await ask(writable, "before")
    await writable.close()

    conn = await aiosqlite.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    read_only = Store(conn)
    try:
        record = await read_only.question(qid)
        assert record is not None and record.question == "before"
        await read_only.record_question(
            question="after", answered=False, kind="none", confidence=0.1, transport="test"
        )
        await read_only.record_reload(who="a", ok=True, counts={}, digest=None, problems=[])
        assert not await read_only.flush(0.5)
        status = read_only.status()
        assert status.state == "unavailable" and status.waiting == 2 and "readonly" in (status.problem or "")
    finally:
        await read_only.close(0.1)


async def test_open_in_missing_directory_raises_store_error(tmp_path: Path) -> None:
    """A database path inside a directory that does not exist fails at open with StoreError."""
    with pytest.raises(StoreError):
        await Store.open(tmp_path / "no" / "such" / "dir" / "state.sqlite3")
    # aiosqlite stops its worker thread after a failed connect without awaiting it; let it finish while
    # this test's loop is open, or it reports "Event loop is closed" into a later test.
    for _ in range(200):
        if not any("_connection_worker_thread" in t.name for t in threading.enumerate()):
            break
        await asyncio.sleep(0.01)


async def test_open_sets_wal_foreign_keys_and_busy_timeout(sqlite_store: Store) -> None:
    """The connection runs in WAL mode, enforces foreign keys and waits on a locked database."""
    pragmas = {}
    for name in ("journal_mode", "foreign_keys", "busy_timeout"):
        async with sqlite_store.conn.execute(f"PRAGMA {name}") as cur:
            pragmas[name] = (await cur.fetchone())[0]
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] > 0


@pytest.fixture
def not_a_database(db_path: Path) -> Path:
    db_path.write_bytes(b"not a database, just text that happens to be here\n" * 200)
    return db_path


async def test_open_on_a_file_that_is_not_a_database_raises_store_error(not_a_database: Path) -> None:
    """A path holding something other than SQLite is refused with StoreError, and left as it was."""
    before = os.stat(not_a_database)
    with pytest.raises(StoreError, match="not a SQLite database"):
        await Store.open(not_a_database)
    after = os.stat(not_a_database)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("method", ["record_question", "record_feedback"])
async def test_failed_write_is_rolled_back_and_retried(store: Store, method: str) -> None:
    """A write the database refuses leaves no transaction open; the record stays queued and lands later."""
    qid = await ask(store, "voted on")
    assert await store.flush(30)
    assert store.conn is not None
    if store.engine == "sqlite":
        await store.conn.execute("PRAGMA query_only = ON")
    else:
        await store.conn.execute("SET default_transaction_read_only = on")
    if method == "record_question":
        await store.record_question(
            question="refused at first", answered=False, kind="none", confidence=0.1, transport="test"
        )
    else:
        await store.record_feedback(question_id=qid, user_id="u", vote=-1)
    # the writer's first try fails; it then reopens the database (read-only was per connection) and writes
    assert await store.flush(30)
    assert not in_transaction(store)
    if method == "record_question":
        assert [r.question for r in await store.unanswered()] == ["refused at first", "voted on"]
    else:
        assert await store.feedback_counts(qid) == (0, 1)


async def test_record_reload_source_defaults_to_reload(store: Store) -> None:
    """Without a source argument a reload is recorded as source 'reload'."""
    await store.record_reload(who="mod", ok=True, counts={}, digest="d", problems=[])
    last = await store.last_reload()
    assert last is not None and last.source == "reload"


async def test_unanswered_leaves_out_blank_questions(store: Store) -> None:
    """A question that normalises to nothing (only spaces or punctuation) is not listed."""
    await ask(store, "   ")
    await ask(store, "?!")
    assert await store.unanswered() == []


@pytest.mark.parametrize(
    ("asked", "normalised"),
    [
        ("How many  died?", "how many died"),
        ("  HOW many\tdied ?!  ", "how many died"),
        ("who is Blinken...", "who is blinken"),
        ("Who is Çavuşoğlu?", "who is çavuşoğlu"),
        ("what's 2+2?", "what's 2+2"),
    ],
)
def test_normalise_question(asked: str, normalised: str) -> None:
    """Unanswered questions group by lower case, collapsed whitespace and no trailing punctuation."""
    assert normalise_question(asked) == normalised


async def test_a_failing_operation_cannot_undo_a_concurrent_one(store: Store) -> None:
    """A refused vote written in the same batch as question records does not roll those back."""

    async def refused_vote() -> None:
        await store.record_feedback(question_id=10_000, user_id="u", vote=1)

    for i in range(20):
        _, qid = await asyncio.gather(refused_vote(), ask(store, f"question {i}"))
        record = await store.question(qid)
        assert record is not None and record.question == f"question {i}"
    assert len(await store.unanswered(limit=100)) == 20
    assert await store.feedback_counts(10_000) == (0, 0)


async def test_concurrent_writes_all_land(store: Store) -> None:
    """Many questions and votes written at once from one event loop are all stored."""
    qids = await asyncio.gather(*(ask(store, f"q{i}") for i in range(50)))
    assert len(set(qids)) == 50
    votes = [store.record_feedback(question_id=qids[0], user_id=f"u{i}", vote=1) for i in range(30)]
    await asyncio.gather(*votes)
    assert await store.feedback_counts(qids[0]) == (30, 0)


async def test_existing_database_gains_the_unanswered_index(engine: Engine) -> None:
    """A database made before the grouping index existed gets it when opened, keeping its rows."""
    first = await Store.open(engine.target)
    await ask(first, "kept")
    assert await first.flush(30)
    await first.close()
    await engine.fetch("DROP INDEX questions_unanswered_by_text")
    assert "questions_unanswered_by_text" not in await engine.indexes()
    second = await Store.open(engine.target)
    try:
        assert "questions_unanswered_by_text" in await engine.indexes()
        assert await engine.fetch("SELECT version FROM schema_version ORDER BY version") == ALL_VERSIONS
        assert [r.question for r in await second.unanswered()] == ["kept"]
    finally:
        await second.close()


async def test_a_question_keeps_where_it_was_asked_for_its_jump_link(store: Store) -> None:
    """Guild, channel and message ids are kept; an unanswered question carries those of the latest message it
    was asked in (a later asking without a message, say from the console, does not lose them)."""
    qid = await store.record_question(
        question="Who won?",
        answered=False,
        kind="none",
        confidence=0.1,
        transport="discord",
        guild_id="11",
        channel_id="22",
        message_id="33",
    )
    await ask(store, "who won")
    record = await store.question(qid)
    assert record is not None and (record.guild_id, record.channel_id, record.message_id) == (
        "11",
        "22",
        "33",
    )
    [row] = await store.unanswered()
    assert row.count == 2 and row.question == "who won"
    assert (row.guild_id, row.channel_id, row.message_id) == ("11", "22", "33")
    await ask(store, "never in a message")
    rows = {r.question: r for r in await store.unanswered()}
    assert rows["never in a message"].message_id is None and rows["never in a message"].channel_id is None


async def test_stores_sharing_a_database_never_assign_the_same_id(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two stores (two processes) on one database draw different lanes: even at the same microsecond on the
    clock their ids differ, and every record of both is written (none refused as a duplicate)."""
    first, second = await Store.open(engine.target), await Store.open(engine.target)
    try:
        monkeypatch.setattr("knowledge.store.time.time_ns", lambda: 1_700_000_000_000_000_000)
        ids = [await ask(s, f"same instant {i}") for i in range(50) for s in (first, second)]
        assert len(set(ids)) == len(ids)
        assert await first.flush(30) and await second.flush(30)
    finally:
        await first.close()
        await second.close()
    assert await engine.fetch("SELECT COUNT(*) FROM questions") == [(100,)]


async def test_stores_opening_a_new_sqlite_file_together_each_get_their_own_lane(db_path: Path) -> None:
    """Sixteen stores (processes starting together) open one new file at once: one migrates it, none fails
    on the migration another just made, and each draws a lane of its own."""
    stores = await asyncio.gather(*(Store.open(db_path) for _ in range(16)))
    try:
        lanes = [s.repo.lane for s in stores]  # type: ignore[attr-defined]
        assert len(set(lanes)) == 16
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall() == ALL_VERSIONS


async def test_a_question_and_changing_votes_in_one_batch_keep_the_last_vote(store: Store) -> None:
    """A question and several votes on it by one user, all queued before anything is written (one batch, one
    statement on PostgreSQL): the question is there and the user's last vote counts."""
    qid = await ask(store, "in one batch", answered=True)
    for vote in (1, -1, 1, -1):
        await store.record_feedback(question_id=qid, user_id="u1", vote=vote)
    await store.record_feedback(question_id=qid, user_id="u2", vote=1)
    assert await store.feedback_counts(qid) == (1, 1)
    assert (await store.question(qid)) is not None
