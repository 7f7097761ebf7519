"""Runtime state in SQLite: reload history, the question log with outcomes, feedback votes.

Writes never make a caller wait. ``record_question``, ``record_feedback`` and
``record_reload`` put the record on a bounded in-memory queue and return at once;
one writer task drains it in batches, one transaction per batch. Question and
reload ids are assigned in the process (increasing, seeded from the clock and from
the database when it opens), so a vote can name a question whose record is still
queued. When the database is locked by another process, missing or unwritable, the
writer keeps the records and retries with backoff in the background; when the queue
is full, new records are dropped and counted (never blocking the caller). Before
each batch the writer checks that the file at the path is still the one it has open,
so records are not written into a deleted or replaced file. A file that is not ours
(tables the bot does not know, or a newer schema) is refused after a read-only look,
without writing anything to it. ``close`` drains the queue within a time limit.

Reads (``unanswered``, ``last_reload``, ...) have a short time limit and raise
``StoreBusy`` rather than waiting past an interaction's deadline. Every public
method raises ``StoreError`` (never a raw sqlite error), so a transport can log the
failure and keep answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import re
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Concatenate, Literal, ParamSpec, TypeVar

import aiosqlite
from pydantic import BaseModel

from knowledge.errors import StoreError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    ok INTEGER NOT NULL,
    counts TEXT NOT NULL,
    digest TEXT,
    problems TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    question TEXT NOT NULL,
    normalised TEXT NOT NULL,
    answered INTEGER NOT NULL,
    kind TEXT NOT NULL,
    confidence REAL NOT NULL,
    transport TEXT NOT NULL,
    user_id TEXT,
    guild_id TEXT
);
CREATE INDEX IF NOT EXISTS questions_unanswered ON questions (answered, at);
-- groups unanswered() by text without sorting the whole log: 100k questions 820 ms -> 14 ms
CREATE INDEX IF NOT EXISTS questions_unanswered_by_text ON questions (answered, normalised, at);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
"""
# What a database of ours holds (sqlite's own tables, sqlite_sequence and sqlite_stat*, aside).
OUR_TABLES = frozenset({"schema_version", "reloads", "questions", "feedback"})
OUR_INDEXES = frozenset({"questions_unanswered", "questions_unanswered_by_text"})

DEFAULT_QUEUE_SIZE = 10_000  # records held while the database can't take them (a few MB at most)
DEFAULT_FLUSH_TIMEOUT_S = 10.0  # how long close() keeps writing what is queued
DEFAULT_READ_TIMEOUT_S = 1.5  # a read answers or says "busy" well within Discord's 3-second deadline
BUSY_TIMEOUT_MS = 200  # per statement; longer waits happen as backoff in the writer, off every caller's path
RETRY_MIN_S = 0.05
RETRY_MAX_S = 5.0
BATCH_MAX = 500

P = ParamSpec("P")
R = TypeVar("R")


class StoreBusy(StoreError):
    """The database did not answer in time: another process holds it, or it is being reopened."""


class ForeignDatabase(StoreError):
    """The file is a SQLite database that is not the bot's (other tables, or a newer schema)."""


class ReloadRecord(BaseModel):
    id: int
    at: datetime
    who: str
    ok: bool
    counts: dict[str, int]
    digest: str | None
    problems: list[str]
    source: str


class QuestionRecord(BaseModel):
    id: int
    at: datetime
    question: str
    answered: bool
    kind: str
    confidence: float
    transport: str
    user_id: str | None
    guild_id: str | None


class UnansweredQuestion(BaseModel):
    question: str
    count: int
    last_asked: datetime


StoreState = Literal["ok", "busy", "unavailable", "closed"]


@dataclass(frozen=True)
class QueueStatus:
    """How the write-behind queue is doing, for /kb status."""

    state: StoreState
    waiting: int  # records queued, not written yet
    dropped: int  # records dropped since start because the queue was full
    problem: str | None = None  # why the database is busy or unavailable


@dataclass(frozen=True)
class _Record:
    kind: Literal["question", "feedback", "reload"]
    sql: str
    params: tuple
    seq: int


def normalise_question(text: str) -> str:
    """The form unanswered questions are grouped by: lower case, single spaces, no trailing punctuation."""
    return re.sub(r"\s+", " ", text).strip().lower().rstrip("?!.,;: ")


def _now() -> datetime:
    return datetime.now(UTC)


def _is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock; retrying later will do."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


# A single record the database refuses (a vote on an unknown question, a bad value): dropped alone.
_RECORD_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError, sqlite3.ProgrammingError)


def _reading(fn: Callable[Concatenate[Store, P], Awaitable[R]]) -> Callable[Concatenate[Store, P], Awaitable[R]]:
    """A read: within the read time limit (StoreBusy past it), every failure a StoreError."""

    @wraps(fn)
    async def inner(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        if store.closed:
            raise StoreError(f"{fn.__name__} failed: the store is closed")
        try:
            return await asyncio.wait_for(store._read(fn, store, *args, **kwargs), store.read_timeout)
        except TimeoutError:
            raise StoreBusy(f"{fn.__name__}: the database is busy (no answer within {store.read_timeout:g} s)"
                            ) from None
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusy(f"{fn.__name__}: the database is busy ({exc})") from exc
            raise StoreError(f"{fn.__name__} failed: {exc}") from exc
        except (sqlite3.Error, ValueError, OSError) as exc:
            raise StoreError(f"{fn.__name__} failed: {exc}") from exc

    return inner


class Store:
    """Repository of the bot's runtime state, written behind through a bounded queue."""

    conn: aiosqlite.Connection | None
    lock: asyncio.Lock

    def __init__(self, conn: aiosqlite.Connection | None = None, *, path: str | Path | None = None,
                 queue_size: int = DEFAULT_QUEUE_SIZE, flush_timeout: float = DEFAULT_FLUSH_TIMEOUT_S,
                 read_timeout: float = DEFAULT_READ_TIMEOUT_S, retry_max: float = RETRY_MAX_S) -> None:
        """``conn``: an open connection (its schema already there); ``path``: the file, reopened when needed.

        With a path, the store can open the file later (it was locked or missing) and reopen it when it is
        deleted or replaced; with only a connection it writes there or nowhere.
        """
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.conn = conn
        self.path = Path(path) if path is not None else None
        self.lock = asyncio.Lock()  # one operation at a time on the connection
        self.queue_size = queue_size
        self.flush_timeout = flush_timeout
        self.read_timeout = read_timeout
        self.retry_max = retry_max
        self.closed = False
        self.dropped = 0  # since start, because the queue was full
        self._queue: deque[_Record] = deque()
        self._seq = itertools.count(1)
        self._enqueued = 0  # seq of the last record queued
        self._written = 0  # seq of the last record written (or refused by the database) and off the queue
        self._last_id = 0
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file conn has open
        self._state: StoreState = "ok" if conn is not None else "unavailable"
        self._problem: str | None = None
        self._dropping = 0  # dropped in the current overflow episode (logged when it ends)
        self._wake = asyncio.Event()
        self._tick = asyncio.Event()  # set (and replaced) whenever the writer finishes an attempt
        self._reconnect = False  # a reader asked the writer to open the database
        self._retry_now = asyncio.Event()  # a reader cuts the writer's backoff short (once)
        self._reconnect_after_failure = False
        self._closing = False
        self._close_deadline = 0.0
        self._writer: asyncio.Task[None] | None = None

    # --- opening and closing ------------------------------------------------------------

    @classmethod
    async def open(cls, path: str | Path, *, retry: bool = False, **options: float | int) -> Store:
        """Open ``path`` (created if missing; the schema is created only in an empty database).

        A file that is not a database of ours raises StoreError without anything written to it. With
        ``retry``, a database that can't be opened now (locked by another process, its folder missing)
        gives a store that keeps records queued and opens it in the background when it can; without,
        that raises StoreError too.
        """
        store = cls(path=path, **options)  # type: ignore[arg-type]
        try:
            await store._connect()
        except (ForeignDatabase, sqlite3.DatabaseError) as exc:
            if retry and isinstance(exc, sqlite3.OperationalError):
                store._unavailable(exc)
                return store
            raise _as_store_error(path, exc) from exc
        except OSError as exc:
            if retry:
                store._unavailable(exc)
                return store
            raise _as_store_error(path, exc) from exc
        return store

    def _unavailable(self, exc: BaseException) -> None:
        self._state = "busy" if _is_busy(exc) else "unavailable"
        self._problem = str(exc)
        log.warning("database %s can't be opened now (%s): records are kept (up to %d) and written when it can",
                    self.path, exc, self.queue_size)

    async def _connect(self) -> None:
        """Look at the file read-only, then open it, creating the schema only in an empty database."""
        assert self.path is not None
        needs_schema = await asyncio.to_thread(_inspect, self.path)
        conn = await aiosqlite.connect(str(self.path), isolation_level=None)
        try:
            identity = _identity(self.path)
            await _run(conn, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _run(conn, "PRAGMA foreign_keys = ON")
            if needs_schema:
                await _run(conn, "PRAGMA journal_mode = WAL")
                await conn.executescript(
                    "BEGIN IMMEDIATE;" + SCHEMA
                    + f"INSERT INTO schema_version (version) SELECT {SCHEMA_VERSION}"
                    " WHERE NOT EXISTS (SELECT 1 FROM schema_version);COMMIT;")
            async with conn.execute("SELECT MAX(id) FROM questions UNION ALL SELECT MAX(id) FROM reloads") as cur:
                highest = [r[0] or 0 for r in await cur.fetchall()]
        except BaseException:
            with contextlib.suppress(sqlite3.Error, ValueError):
                if conn.in_transaction:
                    await conn.rollback()
            await conn.close()
            raise
        self.conn, self._identity = conn, identity
        self._last_id = max([self._last_id, *highest])
        if self._state == "unavailable" and self._problem is None:  # opened first time round
            self._state = "ok"

    async def close(self, within: float | None = None) -> None:
        """Write what is queued (for at most ``within`` seconds, default the store's flush timeout), then close.

        Records still queued after that are reported in the log as lost. Closing twice is harmless.
        """
        if self.closed:
            return
        loop = asyncio.get_running_loop()
        within = self.flush_timeout if within is None else within
        self._closing = True
        self._close_deadline = deadline = loop.time() + within
        while True:  # records may still arrive while the queue drains: they are written too
            if self._queue and loop.time() < deadline:
                self._start_writer()
            writer = self._writer
            if writer is None or writer.done():
                break
            self._wake.set()
            self._retry_now.set()
            done, _ = await asyncio.wait({writer}, timeout=max(0.0, deadline - loop.time()) + 1.0)
            if not done:
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writer
                break
        self.closed = True  # from here on (no await in between) nothing more is queued
        self._end_overflow()
        if self._queue:
            log.error("database %s: %d record(s) could not be written before closing (%s); they are lost",
                      self.path, len(self._queue), self._problem or "time limit reached")
            self._queue.clear()
        async with self.lock:
            if self.conn is not None:
                try:
                    await self.conn.close()
                except (sqlite3.Error, ValueError) as exc:  # closing after the file went away
                    log.warning("closing the database failed: %s", exc)
        self._notify()

    # --- the queue ---------------------------------------------------------------------

    def status(self) -> QueueStatus:
        state: StoreState = "closed" if self.closed else self._state
        return QueueStatus(state=state, waiting=len(self._queue), dropped=self.dropped,
                           problem=None if state == "ok" else self._problem)

    async def flush(self, within: float | None = None) -> bool:
        """Wait until every record queued before this call is written; False if the time ran out first."""
        target = self._enqueued
        self._start_writer()
        self._retry_now.set()  # now, not after the backoff
        return await self._wait(lambda: self._written >= target or self.closed, within)

    def _next_id(self) -> int:
        # increasing within a run and across runs (the clock, in microseconds), and above what the database
        # holds when it was opened; a 63-bit integer either way
        self._last_id = max(self._last_id + 1, time.time_ns() // 1000)
        return self._last_id

    def _enqueue(self, kind: Literal["question", "feedback", "reload"], sql: str, params: tuple) -> bool:
        if self.closed:
            raise StoreError(f"record_{kind} failed: the store is closed")
        if len(self._queue) >= self.queue_size:
            self.dropped += 1
            self._dropping += 1
            if self._dropping == 1:
                log.warning("database %s: the record queue is full (%d waiting: %s); dropping new records until it "
                            "catches up", self.path, len(self._queue), self._problem or "writing is slow")
            return False
        seq = next(self._seq)
        self._queue.append(_Record(kind, sql, params, seq))
        self._enqueued = seq
        self._start_writer()
        self._wake.set()
        return True

    def _end_overflow(self) -> None:
        if self._dropping:
            log.warning("database %s: the record queue was full; %d record(s) dropped (%d since start)",
                        self.path, self._dropping, self.dropped)
            self._dropping = 0

    def _start_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_behind(), name="store-writer")

    def _notify(self) -> None:
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()

    async def _wait(self, done: Callable[[], bool], within: float | None) -> bool:
        loop = asyncio.get_running_loop()
        deadline = None if within is None else loop.time() + within
        while not done():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._tick.wait(), remaining)
            except TimeoutError:
                return done()
        return True

    # --- the writer -----------------------------------------------------------------------

    async def _write_behind(self) -> None:
        loop = asyncio.get_running_loop()
        delay = RETRY_MIN_S
        while True:
            if not self._queue and not self._reconnect:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                await self._ensure_connected()
                self._reconnect = False
                if self._queue:
                    await self._write_batch()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - whatever it was, the records stay queued for the next try
                self._reconnect = False
                self._failed(exc)
                self._notify()
                if self._closing and loop.time() >= self._close_deadline:
                    return
                pause = delay if not self._closing else min(delay, max(0.0, self._close_deadline - loop.time()))
                self._retry_now.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._retry_now.wait(), pause)
                delay = min(delay * 2, self.retry_max)
                continue
            if self._state != "ok":
                log.warning("database %s is writable again; %d record(s) still waiting", self.path,
                            len(self._queue))
            self._state, self._problem = "ok", None
            delay = RETRY_MIN_S
            self._notify()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ForeignDatabase):
            state: StoreState = "unavailable"
        elif isinstance(exc, sqlite3.Error | OSError):
            state = "busy" if _is_busy(exc) else "unavailable"
        else:
            state = "unavailable"
            log.exception("database %s: unexpected failure while writing", self.path, exc_info=exc)
        problem = str(exc)
        if (state, problem) != (self._state, self._problem):
            what = "is busy (another process holds it?)" if state == "busy" else "can't be written"
            log.error("database %s %s: %s; %d record(s) kept, retrying in the background", self.path, what,
                      problem, len(self._queue))
        self._state, self._problem = state, problem
        if not isinstance(exc, sqlite3.OperationalError) or not _is_busy(exc):
            # the file may have gone, been replaced or turned read-only: start afresh on the next try
            self._reconnect_after_failure = True

    async def _ensure_connected(self) -> None:
        """An open connection to the file that is at the path now; reopened if the file was deleted or replaced."""
        async with self.lock:
            if self.conn is not None and self.path is not None:
                now = _identity_or_none(self.path)
                if now != self._identity or self._reconnect_after_failure:
                    if now != self._identity:
                        what = "deleted" if now is None else "replaced by another file"
                        log.warning("database %s was %s while the bot was running; reopening it (%d record(s) "
                                    "waiting go to the file now at that path)", self.path, what, len(self._queue))
                    await self._drop_connection(orphaned=now is None)
            self._reconnect_after_failure = False
            if self.conn is None:
                if self.path is None:
                    raise StoreError("the database connection is closed")
                await self._connect()
                log.info("database %s opened", self.path)

    async def _drop_connection(self, *, orphaned: bool) -> None:
        conn, self.conn, self._identity = self.conn, None, None
        assert conn is not None
        with contextlib.suppress(sqlite3.Error, ValueError):
            if conn.in_transaction:
                await conn.rollback()
            # empty the write-ahead log into the file we had open, so it can't be replayed into a new file
            await _run(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
        with contextlib.suppress(sqlite3.Error, ValueError):
            await conn.close()
        if orphaned and self.path is not None and not self.path.exists():
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")

    async def _write_batch(self) -> None:
        batch = list(itertools.islice(self._queue, BATCH_MAX))
        async with self.lock:
            conn = self.conn
            assert conn is not None
            try:
                refused = await _write(conn, batch, one_by_one=False)
            except _RECORD_ERRORS:
                await _roll_back(conn)
                refused = await _write(conn, batch, one_by_one=True)
            except BaseException:
                await _roll_back(conn)
                raise
        for _ in batch:
            self._queue.popleft()
        self._written = batch[-1].seq
        self._end_overflow()
        for record, exc in refused:
            log.warning("database %s refused a %s record, dropped: %s %s", self.path, record.kind, exc,
                        _describe(record))

    # --- reads -----------------------------------------------------------------------------

    async def _read(self, fn: Callable[..., Awaitable[R]], *args: object, **kwargs: object) -> R:
        # read what was recorded just before, unless the writer is stuck (then read what is there)
        target = self._enqueued
        await self._wait(lambda: self._written >= target or self._state != "ok" or self.closed, None)
        if self.path is not None and (self.conn is None or _identity_or_none(self.path) != self._identity):
            # not open yet, or the file changed: the writer (re)opens it, this read waits for one attempt
            self._reconnect = True
            self._start_writer()
            self._wake.set()
            self._retry_now.set()
            tick = self._tick
            await tick.wait()
        async with self.lock:
            if self.conn is None:
                raise StoreError(f"the database is unavailable ({self._problem or 'not open'})")
            return await fn(*args, **kwargs)

    # --- reload history --------------------------------------------------------

    async def record_reload(
        self,
        *,
        who: str,
        ok: bool,
        counts: dict[str, int],
        digest: str | None,
        problems: list[str],
        source: str = "reload",
    ) -> int:
        """Queue a reload record and return its id."""
        try:
            params = (_now().isoformat(), who, int(ok), json.dumps(counts), digest, json.dumps(problems), source)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"record_reload failed: {exc}") from exc
        rid = self._next_id()
        self._enqueue("reload", "INSERT INTO reloads (id, at, who, ok, counts, digest, problems, source)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (rid, *params))
        return rid

    @_reading
    async def last_reload(self, *, ok_only: bool = True) -> ReloadRecord | None:
        sql = "SELECT * FROM reloads" + (" WHERE ok = 1" if ok_only else "") + " ORDER BY id DESC LIMIT 1"
        rows = await self._reloads(sql, ())
        return rows[0] if rows else None

    @_reading
    async def reload_history(self, limit: int = 10) -> list[ReloadRecord]:
        return await self._reloads("SELECT * FROM reloads ORDER BY id DESC LIMIT ?", (limit,))

    async def _reloads(self, sql: str, params: tuple) -> list[ReloadRecord]:
        assert self.conn is not None
        async with self.conn.execute(sql, params) as cur:
            rows = await cur.fetchall()
        return [
            ReloadRecord(
                id=r[0],
                at=r[1],
                who=r[2],
                ok=bool(r[3]),
                counts=json.loads(r[4]),
                digest=r[5],
                problems=json.loads(r[6]),
                source=r[7],
            )
            for r in rows
        ]

    # --- questions -------------------------------------------------------------

    async def record_question(
        self,
        *,
        question: str,
        answered: bool,
        kind: str,
        confidence: float,
        transport: str,
        user_id: str | None = None,
        guild_id: str | None = None,
    ) -> int:
        """Queue a question record and return its id (votes may name it before it is written)."""
        question = str(question)[:2000]
        try:
            confidence = float(confidence)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"record_question failed: {exc}") from exc
        qid = self._next_id()
        self._enqueue(
            "question",
            "INSERT INTO questions (id, at, question, normalised, answered, kind, confidence, transport, user_id,"
            " guild_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (qid, _now().isoformat(), question, normalise_question(question), int(answered), kind, confidence,
             transport, user_id, guild_id),
        )
        return qid

    @_reading
    async def question(self, question_id: int) -> QuestionRecord | None:
        assert self.conn is not None
        async with self.conn.execute(
            "SELECT id, at, question, answered, kind, confidence, transport, user_id, guild_id"
            " FROM questions WHERE id = ?",
            (question_id,),
        ) as cur:
            r = await cur.fetchone()
        if r is None:
            return None
        return QuestionRecord(
            id=r[0],
            at=r[1],
            question=r[2],
            answered=bool(r[3]),
            kind=r[4],
            confidence=r[5],
            transport=r[6],
            user_id=r[7],
            guild_id=r[8],
        )

    @_reading
    async def unanswered(self, *, limit: int = 10, days: int = 30) -> list[UnansweredQuestion]:
        """The most frequent unanswered questions of the last ``days`` days, most recent first on ties
        (small talk is not a question the sources failed to answer)."""
        assert self.conn is not None
        since = (_now() - timedelta(days=days)).isoformat()
        async with self.conn.execute(
            "SELECT normalised, COUNT(*) AS n, MAX(at) AS last,"
            " (SELECT q2.question FROM questions q2 WHERE q2.normalised = q.normalised AND q2.answered = 0"
            "  ORDER BY q2.id DESC LIMIT 1)"
            " FROM questions q WHERE answered = 0 AND kind != 'chat' AND at >= ? AND normalised != ''"
            " GROUP BY normalised ORDER BY n DESC, last DESC LIMIT ?",
            (since, limit),
        ) as cur:
            rows = await cur.fetchall()
        return [UnansweredQuestion(question=r[3], count=r[1], last_asked=r[2]) for r in rows]

    # --- feedback --------------------------------------------------------------

    async def record_feedback(self, *, question_id: int, user_id: str, vote: int) -> None:
        """Queue a vote: one per user per question, a new vote replacing the old one.

        A vote on a question that never gets written (unknown id) is dropped by the writer, with a log line.
        """
        if vote not in (-1, 1):
            raise StoreError(f"a vote is +1 or -1, not {vote!r}")
        try:
            question_id = int(question_id)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"record_feedback failed: {exc}") from exc
        self._enqueue(
            "feedback",
            "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
            (question_id, str(user_id), vote, _now().isoformat()),
        )

    @_reading
    async def feedback_counts(self, question_id: int) -> tuple[int, int]:
        assert self.conn is not None
        async with self.conn.execute(
            "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0)"
            " FROM feedback WHERE question_id = ?",
            (question_id,),
        ) as cur:
            up, down = await cur.fetchone()
        return int(up), int(down)


# --- helpers -----------------------------------------------------------------------------------

async def _write(conn: aiosqlite.Connection, batch: list[_Record], *, one_by_one: bool
                 ) -> list[tuple[_Record, Exception]]:
    """Write ``batch`` in one transaction; one by one (each in a savepoint), a refused record is skipped."""
    refused: list[tuple[_Record, Exception]] = []
    await _run(conn, "BEGIN IMMEDIATE")
    if one_by_one:
        for record in batch:
            await _run(conn, "SAVEPOINT record")
            try:
                await _run(conn, record.sql, record.params)
            except _RECORD_ERRORS as exc:
                await _run(conn, "ROLLBACK TO record")
                refused.append((record, exc))
            await _run(conn, "RELEASE record")
    else:
        for sql, run in itertools.groupby(batch, key=lambda r: r.sql):
            await conn.executemany(sql, [r.params for r in run])
    await _run(conn, "COMMIT")
    return refused


async def _run(conn: aiosqlite.Connection, sql: str, params: tuple = ()) -> None:
    """Execute one statement and close its cursor (an unread PRAGMA result would keep a statement open)."""
    async with conn.execute(sql, params):
        pass


async def _roll_back(conn: aiosqlite.Connection) -> None:
    """End a transaction a failed batch left open, so it neither holds a lock nor joins the next commit."""
    try:
        if conn.in_transaction:
            await conn.rollback()
    except (sqlite3.Error, ValueError) as exc:  # closed, or the database itself is gone
        log.debug("rollback after a failed batch failed too: %s", exc)


def _describe(record: _Record) -> str:
    if record.kind == "feedback":
        return f"(vote on question {record.params[0]})"
    return f"(id {record.params[0]})"


def _identity(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _identity_or_none(path: Path) -> tuple[int, int] | None:
    try:
        return _identity(path)
    except OSError:
        return None


def _inspect(path: Path) -> bool:
    """Whether the database at ``path`` needs its schema created; ForeignDatabase if it is not ours.

    Read-only (a ``mode=ro`` connection that can't write or checkpoint): a file that is not ours is
    refused exactly as it was found.
    """
    try:
        if path.stat().st_size == 0:
            return True  # a new (or empty) file: the schema is created
    except FileNotFoundError:
        return True
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        tables = {name for kind, name in rows if kind == "table"}
        indexes = {name for kind, name in rows if kind == "index"}
        if not rows:
            return True  # an empty database: ours to set up
        foreign = sorted(tables - OUR_TABLES)
        if foreign or "schema_version" not in tables:
            shown = ", ".join(foreign[:5] or sorted(tables)[:5])
            raise ForeignDatabase(f"{path} is a SQLite database that is not the bot's (tables: {shown}); "
                                  "nothing was written to it: point BOT_DATABASE_PATH at another file")
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
        if any(not isinstance(v, int) or v > SCHEMA_VERSION for v in versions):
            raise ForeignDatabase(f"{path} has schema version {max(versions, key=str)}, newer than this bot's "
                                  f"({SCHEMA_VERSION}); nothing was written to it")
        return not (OUR_TABLES <= tables and OUR_INDEXES <= indexes and versions)
    finally:
        conn.close()


def _as_store_error(path: str | Path, exc: BaseException) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return StoreError(f"cannot open database {path}: it is not a SQLite database of the bot's ({exc})")
    return StoreError(f"cannot open database {path}: {exc}")
