"""The PostgreSQL engine of the store: a thin repository over one asyncpg connection.

``knowledge.store.Store`` keeps the queue, the writer, the time limits and the error
contract; this module only knows PostgreSQL: its schema and versioned migrations, a
read-only look before anything is written (a database, or a schema of one, that holds
tables of someone else's or a newer version of ours is refused untouched), its SQL, and
which of its errors mean "busy, try later", "one record refused" or "unavailable".

Several processes share one PostgreSQL database. Ids are still assigned in the process
(a vote can name a question not written yet), so each process draws a *lane* from a
sequence when it connects: ids are the clock in microseconds times ``LANES`` plus the
lane, so two processes never assign the same id.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import asyncpg

from knowledge.errors import StoreError
from knowledge.store import (
    BUSY_TIMEOUT_MS,
    FEEDBACK_COLUMNS,
    LANES,
    OUR_INDEXES,
    QUESTION_COLUMNS,
    RELOAD_COLUMNS,
    SCHEMA_VERSION,
    UNANSWERED_SQL,
    ForeignDatabase,
    _Record,
    by_kind,
    lane_id,
    redact_url,
)

if TYPE_CHECKING:
    from asyncpg import Connection

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
MIGRATION_LOCK_TIMEOUT_S = 30  # processes starting together wait for the one migrating
MIGRATION_LOCK = 0x626F7473746F7265  # pg_advisory_xact_lock key ("botstore")
# What a database (or schema) of ours holds; sequences (store_lanes, knowledge_published's) are not listed.
OUR_TABLES = frozenset(
    {
        "schema_version",
        "reloads",
        "questions",
        "feedback",
        "knowledge_blobs",
        "knowledge_versions",
        "knowledge_published",
        "processes",
        "cooldowns",
    }
)

# version -> the script that takes a database from the version before to it (run in one transaction,
# under the migration lock, with the version row inserted beside it). Each is written with
# IF NOT EXISTS, so a database that lost a table or an index is repaired by running them all again.
MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reloads (
    id BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    who TEXT NOT NULL,
    ok BOOLEAN NOT NULL,
    counts JSONB NOT NULL,
    digest TEXT,
    problems JSONB NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    id BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    question TEXT NOT NULL,
    normalised TEXT NOT NULL,
    answered BOOLEAN NOT NULL,
    kind TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    transport TEXT NOT NULL,
    user_id TEXT,
    guild_id TEXT
);
CREATE INDEX IF NOT EXISTS questions_unanswered ON questions (answered, at);
CREATE INDEX IF NOT EXISTS questions_unanswered_by_text ON questions (answered, normalised, at);
CREATE TABLE IF NOT EXISTS feedback (
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    vote SMALLINT NOT NULL CHECK (vote IN (-1, 1)),
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE SEQUENCE IF NOT EXISTS store_lanes;
""",
    # where a question was asked (a jump link in /kb unanswered); knowledge versions shared by every process
    # (knowledge.cluster): files content-addressed, each version a manifest of them, every publication in
    # order (the newest is the version all processes load), and each process's version and heartbeat
    2: """
ALTER TABLE questions ADD COLUMN IF NOT EXISTS channel_id TEXT;
ALTER TABLE questions ADD COLUMN IF NOT EXISTS message_id TEXT;
CREATE TABLE IF NOT EXISTS knowledge_blobs (sha TEXT PRIMARY KEY, data BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS knowledge_versions (
    digest TEXT PRIMARY KEY,
    files JSONB NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS knowledge_published (
    seq BIGSERIAL PRIMARY KEY,
    digest TEXT NOT NULL REFERENCES knowledge_versions (digest),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    origin TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS processes (
    name TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    shards TEXT NOT NULL,
    version TEXT,
    started TIMESTAMPTZ NOT NULL,
    heartbeat TIMESTAMPTZ NOT NULL,
    problem TEXT
);
-- per-user cooldowns noted by each process (knowledge.cooldowns), read by the others
CREATE TABLE IF NOT EXISTS cooldowns (
    scope TEXT NOT NULL,
    user_id TEXT NOT NULL,
    until TIMESTAMPTZ NOT NULL,
    process TEXT NOT NULL,
    PRIMARY KEY (scope, user_id)
);
""",
}
assert max(MIGRATIONS) == SCHEMA_VERSION


def _placeholders(n: int) -> str:
    return ", ".join(f"${i}" for i in range(1, n + 1))


INSERTS: dict[str, str] = {
    "question": f"INSERT INTO questions ({', '.join(QUESTION_COLUMNS)}) VALUES ({_placeholders(len(QUESTION_COLUMNS))})",
    "reload": f"INSERT INTO reloads ({', '.join(RELOAD_COLUMNS)}) VALUES ({_placeholders(8)})",
    "feedback": f"INSERT INTO feedback ({', '.join(FEEDBACK_COLUMNS)}) VALUES ({_placeholders(4)})"
    " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
}

# A batch of questions and the votes on them as one statement: one round trip to the server, where a
# transaction (begin, one insert per kind, commit) took four. Every column is an array; the votes' foreign key
# is checked at the end of the statement, so a vote may name a question inserted by the same statement.
QUESTIONS_AND_VOTES = (
    f"WITH q AS (INSERT INTO questions ({', '.join(QUESTION_COLUMNS)}) SELECT * FROM unnest("
    "$1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::boolean[], $6::text[],"
    " $7::double precision[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]))"
    f" INSERT INTO feedback ({', '.join(FEEDBACK_COLUMNS)})"
    " SELECT * FROM unnest($13::bigint[], $14::text[], $15::smallint[], $16::timestamptz[])"
    " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at"
)
assert len(QUESTION_COLUMNS) == 12 and len(FEEDBACK_COLUMNS) == 4


def _columns(run: Sequence[_Record], width: int) -> list[list]:
    """The records' parameters as one list per column (what unnest takes)."""
    return [[r.params[i] for r in run] for i in range(width)]


def _votes(runs: dict[str, list[_Record]]) -> list[list]:
    """The votes as columns, a later vote by the same user on the same question replacing an earlier one (one
    statement may not update a row twice)."""
    latest = {(r.params[0], r.params[1]): r for r in runs.get("feedback", [])}
    return _columns(list(latest.values()), len(FEEDBACK_COLUMNS))


# One record the database refuses (a vote on an unknown question, a value out of range): dropped alone.
RECORD_ERRORS = (
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.DataError,
    asyncpg.exceptions._base.DataError,
)
# Another session holds what we need, or the server is momentarily full or starting: retry later.
BUSY_ERRORS = (
    asyncpg.LockNotAvailableError,
    asyncpg.QueryCanceledError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
)


class PostgresRepository:
    """The shared engine: one asyncpg connection to ``url`` (reads and the writer take turns on it)."""

    reopenable = True
    path = None

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = redact_url(url)
        self._conn: Connection | None = None
        self.lane: int | None = None  # drawn from the database's sequence on the first connection

    @property
    def conn(self) -> Connection | None:
        return self._conn

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def changed(self) -> tuple[str, bool] | None:
        if self._conn is not None and self._conn.is_closed():
            return "lost its connection", False
        return None

    async def connect(self) -> int:
        conn = await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT_S)
        try:
            await conn.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
            async with conn.transaction(readonly=True):  # a look that cannot write
                current, complete = await _inspect(conn, self.name)
            if current < SCHEMA_VERSION or not complete:
                await _migrate(conn, self.name)
            highest = await conn.fetchval(
                "SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM questions),"
                " (SELECT COALESCE(MAX(id), 0) FROM reloads))"
            )
            if self.lane is None:
                self.lane = int(await conn.fetchval("SELECT nextval('store_lanes')")) % LANES
            # the batch statement planned once, now, not in the first writes (custom plans are made for the
            # first five executions of a prepared statement: a tail of slow writes at the start)
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute(QUESTIONS_AND_VOTES, *([[]] * 16))
        except BaseException:
            await _close(conn)
            raise
        self._conn = conn
        return int(highest)

    async def disconnect(self, *, orphaned: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close(conn)

    async def close(self) -> None:
        await self.disconnect(orphaned=False)

    def next_id(self, last: int) -> int:
        # before the first connection the lane is a guess; the database's sequence hands out the real one
        if self.lane is None:
            self.lane = random.randrange(LANES)
        return lane_id(last, self.lane)

    async def write(self, batch: list[_Record]) -> list[tuple[_Record, Exception]]:
        conn = self._conn
        assert conn is not None
        try:
            runs: dict[str, list[_Record]] = dict(by_kind(batch))
            if "reload" in runs:  # rare: a transaction of one statement per kind
                async with conn.transaction():
                    for kind, run in runs.items():
                        await conn.executemany(INSERTS[kind], [r.params for r in run])
            else:  # questions and votes: one statement, one round trip (its own transaction)
                await conn.execute(
                    QUESTIONS_AND_VOTES,
                    *_columns(runs.get("question", []), len(QUESTION_COLUMNS)),
                    *_votes(runs),
                )
            return []
        except RECORD_ERRORS:
            return await _write_one_by_one(conn, batch)

    def failure(self, exc: BaseException) -> Literal["busy", "unavailable"] | None:
        if isinstance(exc, BUSY_ERRORS):
            return "busy"
        if isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError | OSError | ValueError):
            return "unavailable"
        return None

    def keeps_connection(self, exc: BaseException) -> bool:
        return isinstance(exc, BUSY_ERRORS)

    def retryable_at_open(self, exc: BaseException) -> bool:
        # a server down, starting, full, or refusing these credentials for now may be there later;
        # a URL that can't be parsed won't be
        return not isinstance(exc, ValueError | asyncpg.ClientConfigurationError)

    def open_error(self, exc: BaseException) -> StoreError:
        if isinstance(exc, StoreError):
            return exc
        return StoreError(f"cannot open database {self.name}: {type(exc).__name__}: {exc}")

    # --- reads (same rows, in the same order, as the SQLite repository's) -----------------------

    async def reloads(self, ok_only: bool, limit: int) -> list[tuple]:
        rows = await self._need().fetch(
            "SELECT id, at, who, ok, counts::text, digest, problems::text, source FROM reloads"
            + (" WHERE ok" if ok_only else "")
            + " ORDER BY id DESC LIMIT $1",
            limit,
        )
        return [tuple(r) for r in rows]

    async def question(self, question_id: int) -> tuple | None:
        row = await self._need().fetchrow(
            "SELECT id, at, question, answered, kind, confidence, transport, user_id, guild_id, channel_id,"
            " message_id FROM questions WHERE id = $1",
            question_id,
        )
        return None if row is None else tuple(row)

    async def unanswered(self, since: datetime, limit: int) -> list[tuple]:
        rows = await self._need().fetch(UNANSWERED_SQL, since, limit)
        return [tuple(r) for r in rows]

    async def feedback_counts(self, question_id: int) -> tuple[int, int]:
        row = await self._need().fetchrow(
            "SELECT COUNT(*) FILTER (WHERE vote = 1), COUNT(*) FILTER (WHERE vote = -1)"
            " FROM feedback WHERE question_id = $1",
            question_id,
        )
        assert row is not None
        return row[0], row[1]

    def _need(self) -> Connection:
        if self._conn is None:
            raise StoreError("the database is not open")
        return self._conn


async def _write_one_by_one(conn: Connection, batch: Sequence[_Record]) -> list[tuple[_Record, Exception]]:
    """The batch again in one transaction, each record in a savepoint: a refused one is skipped."""
    refused: list[tuple[_Record, Exception]] = []
    async with conn.transaction():
        for record in batch:
            try:
                async with conn.transaction():
                    await conn.execute(INSERTS[record.kind], *record.params)
            except RECORD_ERRORS as exc:
                refused.append((record, exc))
    return refused


async def _inspect(conn: Connection, name: str) -> tuple[int, bool]:
    """The schema version of ours in the connection's schema (0: none of our tables yet) and whether every
    table and index of ours is there; ForeignDatabase if the schema holds anything else or a newer version.
    Reads only."""
    schema = await conn.fetchval("SELECT current_schema()")
    if schema is None:
        raise StoreError(
            f"database {name}: no schema to write to (the search_path names none that exists: CREATE SCHEMA it first)"
        )
    rows = await conn.fetch(
        "SELECT c.relname, c.relkind::text AS relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'i')"
    )
    tables = {r["relname"] for r in rows if r["relkind"] != "i"}
    indexes = {r["relname"] for r in rows if r["relkind"] == "i"}
    if not tables:
        return 0, False
    foreign = sorted(tables - OUR_TABLES)
    if foreign or "schema_version" not in tables:
        shown = ", ".join(foreign[:5] or sorted(tables)[:5])
        raise ForeignDatabase(
            f"{name} (schema {schema}) holds tables that are not the bot's ({shown}); nothing "
            "was written to it: give the bot a database of its own, or a schema of its own "
            "(?search_path=NAME in the URL)"
        )
    versions = [r[0] for r in await conn.fetch("SELECT version FROM schema_version")]
    if any(v > SCHEMA_VERSION for v in versions):
        raise ForeignDatabase(
            f"{name} (schema {schema}) has schema version {max(versions)}, newer than this "
            f"bot's ({SCHEMA_VERSION}); nothing was written to it"
        )
    return max(versions, default=0), OUR_TABLES <= tables and OUR_INDEXES <= indexes


async def _migrate(conn: Connection, name: str) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction, one process at a time (the others wait for
    the lock, then find nothing to do)."""
    async with conn.transaction():
        await conn.execute(f"SET LOCAL lock_timeout = '{MIGRATION_LOCK_TIMEOUT_S}s'")
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        current, complete = await _inspect(conn, name)  # again: another process may have migrated meanwhile
        # every script is idempotent (IF NOT EXISTS): a database that lost a table or an index gets them all again
        versions = sorted(MIGRATIONS) if not complete else [v for v in sorted(MIGRATIONS) if v > current]
        for version in versions:
            await conn.execute(MIGRATIONS[version])
            await conn.execute(
                "INSERT INTO schema_version (version) SELECT $1::int WHERE NOT EXISTS"
                " (SELECT 1 FROM schema_version WHERE version >= $1::int)",
                version,
            )
    if versions:
        log.info("database %s: schema brought to version %d", name, SCHEMA_VERSION)


async def _close(conn: Connection) -> None:
    try:
        await conn.close(timeout=2)
    except Exception:  # noqa: BLE001 - a connection already broken: drop it without the goodbye
        with contextlib.suppress(Exception):
            conn.terminate()
