"""Runtime state: reload history, the question log with outcomes, feedback votes.

One ``Store`` (the queue, the writer, the reads and their time limits) over one of two
engines, each a thin repository with its own SQL and versioned migrations: SQLite (the
default, a file; this module) or PostgreSQL (``postgresql://...``, through asyncpg;
``knowledge.store_postgres``), chosen by what ``Store.open`` is given.

Writes never make a caller wait. ``record_question``, ``record_feedback`` and
``record_reload`` put the record on a bounded in-memory queue and return at once;
one writer task drains it in batches, one transaction per batch. Question and
reload ids are assigned in the process (increasing, seeded from the clock and from
the database when it opens), so a vote can name a question whose record is still
queued. When the database is locked by another process, missing or unwritable, the
writer keeps the records and retries with backoff in the background; when the queue
is full, new records are dropped and counted (never blocking the caller). Before
each batch the writer checks that the database is still the one it has open (SQLite:
the file at the path, so records are not written into a deleted or replaced file;
PostgreSQL: the connection). A database that is not ours (tables the bot does not
know, or a newer schema) is refused after a read-only look, without writing anything
to it. ``close`` drains the queue within a time limit.

Reads (``unanswered``, ``last_reload``, ...) have a short time limit and raise
``StoreBusy`` rather than waiting past an interaction's deadline. Every public
method raises ``StoreError`` (never a raw driver error), so a transport can log the
failure and keep answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import random
import re
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, Protocol, TypedDict, TypeVar, Unpack
from urllib.parse import urlsplit, urlunsplit

import aiosqlite
from pydantic import BaseModel

from knowledge.aio import cancel_and_wait
from knowledge.errors import StoreError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
# Versioned migrations: version -> the script that takes a database from the version before to it.
# ``schema_version`` holds one row per version applied; a database whose highest version is above
# SCHEMA_VERSION is refused unwritten. Version 1 is written with IF NOT EXISTS, so a database at
# version 1 that lost an index is repaired by running it again.
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
# Version 2: where a question was asked (its channel and message, for a jump link), and the table id lanes
# are drawn from (one row per store opened: two processes writing one file never assign the same id).
SCHEMA_V2 = """
ALTER TABLE questions ADD COLUMN channel_id TEXT;
ALTER TABLE questions ADD COLUMN message_id TEXT;
CREATE TABLE IF NOT EXISTS store_lanes (lane INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
"""
SQLITE_MIGRATIONS: dict[int, str] = {1: SCHEMA, 2: SCHEMA_V2}
# What a database of ours holds (sqlite's own tables, sqlite_sequence and sqlite_stat*, aside).
OUR_TABLES = frozenset({"schema_version", "reloads", "questions", "feedback", "store_lanes"})
OUR_INDEXES = frozenset({"questions_unanswered", "questions_unanswered_by_text"})

DEFAULT_QUEUE_SIZE = 10_000  # records held while the database can't take them (a few MB at most)
DEFAULT_FLUSH_TIMEOUT_S = 10.0  # how long close() keeps writing what is queued
DEFAULT_READ_TIMEOUT_S = 1.5  # a read answers or says "busy" well within Discord's 3-second deadline
BUSY_TIMEOUT_MS = 200  # per statement; longer waits happen as backoff in the writer, off every caller's path
RETRY_MIN_S = 0.05
RETRY_MAX_S = 5.0
BATCH_MAX = 500
# Ids are assigned in the process (a vote can name a question not written yet). Each store draws a lane when
# it first opens the database (SQLite: a row of store_lanes; PostgreSQL: a sequence), and its ids are the clock
# in microseconds times LANES plus its lane: processes writing one database never assign the same id.
LANES = 1024
LANE_ATTEMPTS = 10
# Processes opening one new file together take turns for the lock (setting WAL mode, migrating): an open that
# finds the lock held tries again for this long before it says the file is busy (the bot then keeps records
# queued and opens it in the background; the 200 ms per statement alone is too short on a loaded machine).
OPEN_PATIENCE_S = 1.5

P = ParamSpec("P")
R = TypeVar("R")


class StoreOptions(TypedDict, total=False):
    """What ``Store.open`` passes on to the store (see ``Store.__init__``)."""

    queue_size: int
    flush_timeout: float
    read_timeout: float
    retry_max: float


RecordKind = Literal["question", "feedback", "reload"]
# Columns in the order every repository takes them (values as Python objects: datetimes, bools).
QUESTION_COLUMNS = (
    "id",
    "at",
    "question",
    "normalised",
    "answered",
    "kind",
    "confidence",
    "transport",
    "user_id",
    "guild_id",
    "channel_id",
    "message_id",
)
RELOAD_COLUMNS = ("id", "at", "who", "ok", "counts", "digest", "problems", "source")
FEEDBACK_COLUMNS = ("question_id", "user_id", "vote", "at")


class StoreBusy(StoreError):
    """The database did not answer in time: another process holds it, or it is being reopened."""


class ForeignDatabase(StoreError):
    """The database is not the bot's (other tables, or a newer schema)."""


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
    channel_id: str | None = None
    message_id: str | None = None


class UnansweredQuestion(BaseModel):
    question: str
    count: int
    last_asked: datetime
    # where it was last asked in a message (a mention or a DM), for a link to it; None where there was none
    guild_id: str | None = None
    channel_id: str | None = None
    message_id: str | None = None


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
    kind: RecordKind
    params: tuple  # in the order of the kind's columns above
    seq: int


class Repository(Protocol):
    """What the store needs from an engine: one connection, its SQL, and how to read its errors.

    Every method but ``changed`` and the classifiers is called with the store's lock held.
    """

    name: str  # for log lines: the file, or the URL without its password
    reopenable: bool  # it knows where the database is, so it can (re)open it itself

    @property
    def connected(self) -> bool: ...

    @property
    def conn(self) -> Any: ...

    def changed(self) -> tuple[str, bool] | None:
        """Why the open connection no longer reaches the database at its address: (what happened, orphaned)."""

    async def connect(self) -> int:
        """Look read-only, refuse a foreign or newer schema (ForeignDatabase), migrate, open; the highest id."""

    async def disconnect(self, *, orphaned: bool) -> None:
        """Let go of a connection that no longer reaches the database (or failed), before reopening."""

    async def close(self) -> None:
        """Close the connection for good (the store is closing)."""

    def next_id(self, last: int) -> int:
        """An id above ``last``, unique among the processes writing the same database."""

    async def write(self, batch: list[_Record]) -> list[tuple[_Record, Exception]]:
        """Write ``batch`` in one transaction; records the database refuses are left out and returned."""

    def failure(self, exc: BaseException) -> Literal["busy", "unavailable"] | None:
        """What a failure means: busy (try again later), unavailable, or None: not a database error."""

    def keeps_connection(self, exc: BaseException) -> bool:
        """After this write failure, whether the connection is still good (else reopened on the next try)."""

    def retryable_at_open(self, exc: BaseException) -> bool:
        """Whether a store opened with ``retry`` keeps records and opens the database later after ``exc``."""

    def open_error(self, exc: BaseException) -> StoreError:
        """``exc``, raised while opening, as the StoreError the caller sees."""

    async def reloads(self, ok_only: bool, limit: int) -> list[tuple]: ...

    async def question(self, question_id: int) -> tuple | None: ...

    async def unanswered(self, since: datetime, limit: int) -> list[tuple]: ...

    async def feedback_counts(self, question_id: int) -> tuple[int, int]: ...


def lane_id(last: int, lane: int) -> int:
    """The next id in ``lane`` above ``last``: increasing, from the clock, never another lane's."""
    base = max(last + 1, (time.time_ns() // 1000) * LANES)
    return base + (lane - base) % LANES


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.split(":", 1)[0].lower() in ("postgresql", "postgres")


def sqlite_path(target: str | Path) -> Path:
    """A file path, or ``sqlite:///relative`` / ``sqlite:////absolute``, as a path."""
    if isinstance(target, str) and target.lower().startswith("sqlite:///"):
        return Path(target[len("sqlite:///") :])
    return Path(target)


def redact_url(url: str) -> str:
    """A database URL fit for a log line: the password, if any, replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable database URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


def describe_target(target: str | Path) -> str:
    return redact_url(str(target)) if is_postgres_url(target) else str(sqlite_path(target))


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


def _reading(
    fn: Callable[Concatenate[Store, P], Awaitable[R]],
) -> Callable[Concatenate[Store, P], Awaitable[R]]:
    """A read: within the read time limit (StoreBusy past it), every failure a StoreError."""

    @wraps(fn)
    async def inner(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        if store.closed:
            raise StoreError(f"{fn.__name__} failed: the store is closed")
        try:
            return await asyncio.wait_for(store._read(fn, store, *args, **kwargs), store.read_timeout)
        except TimeoutError:
            raise StoreBusy(
                f"{fn.__name__}: the database is busy (no answer within {store.read_timeout:g} s)"
            ) from None
        except StoreError:
            raise
        except Exception as exc:
            failure = store.repo.failure(exc)
            if failure == "busy":
                raise StoreBusy(f"{fn.__name__}: the database is busy ({exc})") from exc
            if failure is not None or isinstance(exc, ValueError | OSError):
                raise StoreError(f"{fn.__name__} failed: {exc}") from exc
            raise

    return inner


class Store:
    """Repository of the bot's runtime state, written behind through a bounded queue."""

    lock: asyncio.Lock

    def __init__(
        self,
        conn: aiosqlite.Connection | None = None,
        *,
        path: str | Path | None = None,
        repo: Repository | None = None,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        flush_timeout: float = DEFAULT_FLUSH_TIMEOUT_S,
        read_timeout: float = DEFAULT_READ_TIMEOUT_S,
        retry_max: float = RETRY_MAX_S,
    ) -> None:
        """``repo``: an engine's repository; or, for SQLite, ``conn``: an open connection (its schema already
        there) and/or ``path``: the file, reopened when needed.

        With a path, the store can open the file later (it was locked or missing) and reopen it when it is
        deleted or replaced; with only a connection it writes there or nowhere.
        """
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.repo: Repository = repo if repo is not None else SqliteRepository(conn, path)
        self.path = self.repo.path if isinstance(self.repo, SqliteRepository) else None
        self.where = self.repo.name
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
        self._state: StoreState = "ok" if self.repo.connected else "unavailable"
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

    @property
    def conn(self) -> Any:
        """The engine's open connection (aiosqlite or asyncpg), or None."""
        return self.repo.conn

    @property
    def engine(self) -> str:
        return "sqlite" if isinstance(self.repo, SqliteRepository) else "postgresql"

    # --- opening and closing ------------------------------------------------------------

    @classmethod
    async def open(cls, target: str | Path, *, retry: bool = False, **options: Unpack[StoreOptions]) -> Store:
        """Open the database at ``target``: a SQLite file path (created if missing), or a ``postgresql://``
        URL. The schema is created only in an empty database and migrated only from an older version of ours.

        A database that is not ours raises StoreError without anything written to it. With ``retry``, a
        database that can't be opened now (locked by another process, its folder missing, the server not
        answering) gives a store that keeps records queued and opens it in the background when it can;
        without, that raises StoreError too.
        """
        repo: Repository
        if is_postgres_url(target):
            from knowledge.store_postgres import PostgresRepository

            repo = PostgresRepository(str(target))
        else:
            repo = SqliteRepository(None, sqlite_path(target))
        store = cls(repo=repo, **options)
        try:
            await store._connect()
        except ForeignDatabase:
            raise
        except Exception as exc:
            failure = repo.failure(exc)
            if failure is None and not isinstance(exc, OSError):
                raise
            if retry and (isinstance(exc, OSError) or repo.retryable_at_open(exc)):
                store._unavailable(exc)
                return store
            raise repo.open_error(exc) from exc
        return store

    def _unavailable(self, exc: BaseException) -> None:
        self._state = "busy" if self.repo.failure(exc) == "busy" else "unavailable"
        self._problem = str(exc)
        log.warning(
            "database %s can't be opened now (%s): records are kept (up to %d) and written when it can",
            self.where,
            exc,
            self.queue_size,
        )

    async def _connect(self) -> None:
        highest = await self.repo.connect()
        self._last_id = max(self._last_id, highest)
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
                await cancel_and_wait(writer)
                break
        self.closed = True  # from here on (no await in between) nothing more is queued
        self._end_overflow()
        if self._queue:
            log.error(
                "database %s: %d record(s) could not be written before closing (%s); they are lost",
                self.where,
                len(self._queue),
                self._problem or "time limit reached",
            )
            self._queue.clear()
        async with self.lock:
            if self.repo.connected:
                try:
                    await self.repo.close()
                except Exception as exc:  # noqa: BLE001 - closing after the database went away
                    log.warning("closing the database failed: %s", exc)
        self._notify()

    # --- the queue ---------------------------------------------------------------------

    def status(self) -> QueueStatus:
        state: StoreState = "closed" if self.closed else self._state
        return QueueStatus(
            state=state,
            waiting=len(self._queue),
            dropped=self.dropped,
            problem=None if state == "ok" else self._problem,
        )

    async def flush(self, within: float | None = None) -> bool:
        """Wait until every record queued before this call is written; False if the time ran out first."""
        target = self._enqueued
        self._start_writer()
        self._retry_now.set()  # now, not after the backoff
        return await self._wait(lambda: self._written >= target or self.closed, within)

    def _next_id(self) -> int:
        # increasing within a run and across runs (the clock), and above what the database held when it was
        # opened; a 63-bit integer either way (the engine decides how processes sharing it keep apart)
        self._last_id = self.repo.next_id(self._last_id)
        return self._last_id

    def _enqueue(self, kind: RecordKind, params: tuple) -> bool:
        if self.closed:
            raise StoreError(f"record_{kind} failed: the store is closed")
        if len(self._queue) >= self.queue_size:
            self.dropped += 1
            self._dropping += 1
            if self._dropping == 1:
                log.warning(
                    "database %s: the record queue is full (%d waiting: %s); dropping new records until it "
                    "catches up",
                    self.where,
                    len(self._queue),
                    self._problem or "writing is slow",
                )
            return False
        seq = next(self._seq)
        self._queue.append(_Record(kind, params, seq))
        self._enqueued = seq
        self._start_writer()
        self._wake.set()
        return True

    def _end_overflow(self) -> None:
        if self._dropping:
            log.warning(
                "database %s: the record queue was full; %d record(s) dropped (%d since start)",
                self.where,
                self._dropping,
                self.dropped,
            )
            self._dropping = 0

    def _start_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_behind(), name="store-writer")

    def _notify(self) -> None:
        tick, self._tick = self._tick, asyncio.Event()
        tick.set()

    async def _wait(self, done: Callable[[], bool], within: float | None) -> bool:
        if done():
            return True
        try:
            # one timer for the whole wait (wait_for would wrap every turn in a task of its own)
            async with asyncio.timeout(within):
                while not done():
                    await self._tick.wait()
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
                pause = (
                    delay if not self._closing else min(delay, max(0.0, self._close_deadline - loop.time()))
                )
                self._retry_now.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._retry_now.wait(), pause)
                delay = min(delay * 2, self.retry_max)
                continue
            if self._state != "ok":
                log.warning(
                    "database %s is writable again; %d record(s) still waiting", self.where, len(self._queue)
                )
            self._state, self._problem = "ok", None
            delay = RETRY_MIN_S
            self._notify()

    def _failed(self, exc: BaseException) -> None:
        failure = None if isinstance(exc, ForeignDatabase) else self.repo.failure(exc)
        if isinstance(exc, ForeignDatabase):
            state: StoreState = "unavailable"
        elif failure is not None or isinstance(exc, OSError):
            state = failure or "unavailable"
        else:
            state = "unavailable"
            log.exception("database %s: unexpected failure while writing", self.where, exc_info=exc)
        problem = str(exc)
        if (state, problem) != (self._state, self._problem):
            what = "is busy (another process holds it?)" if state == "busy" else "can't be written"
            log.error(
                "database %s %s: %s; %d record(s) kept, retrying in the background",
                self.where,
                what,
                problem,
                len(self._queue),
            )
        self._state, self._problem = state, problem
        if not self.repo.keeps_connection(exc):
            # the database may have gone, been replaced or turned read-only: start afresh on the next try
            self._reconnect_after_failure = True

    async def _ensure_connected(self) -> None:
        """An open connection to the database at its address now; reopened if it was deleted or replaced."""
        async with self.lock:
            if self.repo.connected and self.repo.reopenable:
                changed = self.repo.changed()
                if changed is not None or self._reconnect_after_failure:
                    if changed is not None:
                        log.warning(
                            "database %s %s; reopening it (%d record(s) waiting go to the database now "
                            "at that address)",
                            self.where,
                            changed[0],
                            len(self._queue),
                        )
                    await self.repo.disconnect(orphaned=changed is not None and changed[1])
            self._reconnect_after_failure = False
            if not self.repo.connected:
                if not self.repo.reopenable:
                    raise StoreError("the database connection is closed")
                await self._connect()
                log.info("database %s opened", self.where)

    async def _write_batch(self) -> None:
        batch = list(itertools.islice(self._queue, BATCH_MAX))
        async with self.lock:
            refused = await self.repo.write(batch)
        for _ in batch:
            self._queue.popleft()
        self._written = batch[-1].seq
        self._end_overflow()
        for record, exc in refused:
            log.warning(
                "database %s refused a %s record, dropped: %s %s",
                self.where,
                record.kind,
                exc,
                _describe(record),
            )

    # --- reads -----------------------------------------------------------------------------

    async def _read(self, fn: Callable[..., Awaitable[R]], *args: object, **kwargs: object) -> R:
        # read what was recorded just before, unless the writer is stuck (then read what is there)
        target = self._enqueued
        await self._wait(lambda: self._written >= target or self._state != "ok" or self.closed, None)
        if self.repo.reopenable and (not self.repo.connected or self.repo.changed() is not None):
            # not open yet, or the database changed: the writer (re)opens it, this read waits for one attempt
            self._reconnect = True
            self._start_writer()
            self._wake.set()
            self._retry_now.set()
            tick = self._tick
            await tick.wait()
        async with self.lock:
            if not self.repo.connected:
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
            params = (_now(), who, bool(ok), json.dumps(counts), digest, json.dumps(problems), source)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"record_reload failed: {exc}") from exc
        rid = self._next_id()
        self._enqueue("reload", (rid, *params))
        return rid

    @_reading
    async def last_reload(self, *, ok_only: bool = True) -> ReloadRecord | None:
        rows = await self._reloads(ok_only, 1)
        return rows[0] if rows else None

    @_reading
    async def reload_history(self, limit: int = 10) -> list[ReloadRecord]:
        return await self._reloads(False, limit)

    async def _reloads(self, ok_only: bool, limit: int) -> list[ReloadRecord]:
        rows = await self.repo.reloads(ok_only, limit)
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
        channel_id: str | None = None,
        message_id: str | None = None,
    ) -> int:
        """Queue a question record and return its id (votes may name it before it is written); ``channel_id`` and
        ``message_id``: where it was asked, when it was asked in a message."""
        question = str(question)[:2000]
        try:
            confidence = float(confidence)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"record_question failed: {exc}") from exc
        qid = self._next_id()
        self._enqueue(
            "question",
            (
                qid,
                _now(),
                question,
                normalise_question(question),
                bool(answered),
                str(kind),
                confidence,
                str(transport),
                None if user_id is None else str(user_id),
                None if guild_id is None else str(guild_id),
                None if channel_id is None else str(channel_id),
                None if message_id is None else str(message_id),
            ),
        )
        return qid

    @_reading
    async def question(self, question_id: int) -> QuestionRecord | None:
        r = await self.repo.question(int(question_id))
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
            channel_id=r[9],
            message_id=r[10],
        )

    @_reading
    async def unanswered(self, *, limit: int = 10, days: int = 30) -> list[UnansweredQuestion]:
        """The most frequent unanswered questions of the last ``days`` days, most recent first on ties
        (small talk is not a question the sources failed to answer)."""
        rows = await self.repo.unanswered(_now() - timedelta(days=days), limit)
        return [
            UnansweredQuestion(
                question=r[3], count=r[1], last_asked=r[2], guild_id=r[4], channel_id=r[5], message_id=r[6]
            )
            for r in rows
        ]

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
        self._enqueue("feedback", (question_id, str(user_id), int(vote), _now()))

    @_reading
    async def feedback_counts(self, question_id: int) -> tuple[int, int]:
        up, down = await self.repo.feedback_counts(int(question_id))
        return int(up), int(down)


# The most frequent unanswered questions since $1 ($2 of them), grouped by their normalised text: each with
# its count, when it was last asked, its latest wording, and where it was last asked in a message (if ever).
# The same for both engines (each puts in its own placeholders and its own false).
UNANSWERED_SQL = (
    "SELECT g.normalised, g.n, g.last, q.question, m.guild_id, m.channel_id, m.message_id FROM ("
    " SELECT normalised, COUNT(*) AS n, MAX(at) AS last, MAX(id) AS last_id,"
    "  MAX(CASE WHEN message_id IS NOT NULL THEN id END) AS linked_id"
    " FROM questions WHERE answered = FALSE AND kind <> 'chat' AND at >= $1 AND normalised <> ''"
    " GROUP BY normalised ORDER BY n DESC, last DESC LIMIT $2"
    ") g JOIN questions q ON q.id = g.last_id LEFT JOIN questions m ON m.id = g.linked_id"
    " ORDER BY g.n DESC, g.last DESC"
)

# --- SQLite -----------------------------------------------------------------------------------

_SQLITE_INSERTS: dict[str, str] = {
    "question": f"INSERT INTO questions ({', '.join(QUESTION_COLUMNS)}) VALUES ({', '.join('?' * len(QUESTION_COLUMNS))})",
    "reload": f"INSERT INTO reloads ({', '.join(RELOAD_COLUMNS)}) VALUES ({', '.join('?' * 8)})",
    "feedback": "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
}


class SqliteRepository:
    """The embedded engine: one file, opened with aiosqlite; noticed when deleted or replaced."""

    reopenable: bool

    def __init__(self, conn: aiosqlite.Connection | None, path: str | Path | None) -> None:
        self._conn = conn
        self.path = Path(path) if path is not None else None
        self.name = str(self.path) if self.path is not None else "(connection)"
        self.reopenable = self.path is not None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file conn has open
        self.lane: int | None = None  # drawn from store_lanes on the first connection (see LANES)
        if conn is not None and self.path is not None:
            self._identity = _identity_or_none(self.path)

    @property
    def conn(self) -> aiosqlite.Connection | None:
        return self._conn

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def changed(self) -> tuple[str, bool] | None:
        assert self.path is not None
        now = _identity_or_none(self.path)
        if now == self._identity:
            return None
        if now is None:
            return "was deleted while the bot was running", True
        return "was replaced by another file while the bot was running", False

    async def connect(self) -> int:
        """Look at the file read-only, then open it, migrating only a database of ours; while another
        connection holds the lock, try again with a random pause for up to OPEN_PATIENCE_S."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OPEN_PATIENCE_S
        while True:
            try:
                return await self._connect_once()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or loop.time() >= deadline:
                    raise
            await asyncio.sleep(random.uniform(0.02, 0.15))

    async def _connect_once(self) -> int:
        assert self.path is not None
        current, complete = await asyncio.to_thread(_inspect, self.path)
        conn = await aiosqlite.connect(str(self.path), isolation_level=None)
        try:
            identity = _identity(self.path)
            await _run(conn, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _run(conn, "PRAGMA foreign_keys = ON")
            if current < SCHEMA_VERSION or not complete:
                await _run(conn, "PRAGMA journal_mode = WAL")
                try:
                    await conn.executescript(
                        "BEGIN IMMEDIATE;" + _sqlite_migration_script(current, complete) + "COMMIT;"
                    )
                except sqlite3.OperationalError:
                    # another process opening the new file at the same time may have migrated it between our
                    # look and our lock (an added column is then a duplicate): fine if it is complete now
                    if conn.in_transaction:
                        await conn.rollback()
                    current, complete = await asyncio.to_thread(_inspect, self.path)
                    if current < SCHEMA_VERSION or not complete:
                        raise
            async with conn.execute(
                "SELECT MAX(id) FROM questions UNION ALL SELECT MAX(id) FROM reloads"
            ) as cur:
                highest = [r[0] or 0 for r in await cur.fetchall()]
            if self.lane is None:
                self.lane = await _draw_lane(conn)
        except BaseException:
            with contextlib.suppress(sqlite3.Error, ValueError):
                if conn.in_transaction:
                    await conn.rollback()
            await conn.close()
            raise
        self._conn, self._identity = conn, identity
        return max(highest)

    async def disconnect(self, *, orphaned: bool) -> None:
        conn, self._conn, self._identity = self._conn, None, None
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

    async def close(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.close()
            except (sqlite3.Error, ValueError) as exc:  # closing after the file went away
                log.warning("closing the database failed: %s", exc)

    def next_id(self, last: int) -> int:
        # before the first connection the lane is a guess; the file's store_lanes hands out the real one
        if self.lane is None:
            self.lane = random.randrange(LANES)
        return lane_id(last, self.lane)

    async def write(self, batch: list[_Record]) -> list[tuple[_Record, Exception]]:
        conn = self._conn
        assert conn is not None
        try:
            return await _write(conn, batch, one_by_one=False)
        except _RECORD_ERRORS:
            await _roll_back(conn)
            return await _write(conn, batch, one_by_one=True)
        except BaseException:
            await _roll_back(conn)
            raise

    def failure(self, exc: BaseException) -> Literal["busy", "unavailable"] | None:
        if isinstance(exc, sqlite3.Error | OSError):
            return "busy" if _is_busy(exc) else "unavailable"
        return None

    def keeps_connection(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and _is_busy(exc)

    def retryable_at_open(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError)

    def open_error(self, exc: BaseException) -> StoreError:
        return _as_store_error(self.name, exc)

    async def reloads(self, ok_only: bool, limit: int) -> list[tuple]:
        sql = "SELECT * FROM reloads" + (" WHERE ok = 1" if ok_only else "") + " ORDER BY id DESC LIMIT ?"
        return await self._fetch(sql, (limit,))

    async def question(self, question_id: int) -> tuple | None:
        rows = await self._fetch(
            "SELECT id, at, question, answered, kind, confidence, transport, user_id,"
            " guild_id, channel_id, message_id FROM questions WHERE id = ?",
            (question_id,),
        )
        return rows[0] if rows else None

    async def unanswered(self, since: datetime, limit: int) -> list[tuple]:
        return await self._fetch(
            UNANSWERED_SQL.replace("$1", "?").replace("$2", "?"), (since.isoformat(), limit)
        )

    async def feedback_counts(self, question_id: int) -> tuple[int, int]:
        rows = await self._fetch(
            "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0)"
            " FROM feedback WHERE question_id = ?",
            (question_id,),
        )
        return rows[0][0], rows[0][1]

    async def _fetch(self, sql: str, params: tuple) -> list[tuple]:
        assert self._conn is not None
        async with self._conn.execute(sql, params) as cur:
            return [tuple(r) for r in await cur.fetchall()]


async def _draw_lane(conn: aiosqlite.Connection) -> int:
    """A lane no other store opened on this file holds (see LANES); processes opening the file together take
    turns for the write lock, a little longer than one statement's busy timeout if need be."""
    for attempt in range(LANE_ATTEMPTS):
        try:
            async with conn.execute(
                "INSERT INTO store_lanes (at) VALUES (?) RETURNING lane", (_now().isoformat(),)
            ) as cur:
                row = await cur.fetchone()
            assert row is not None
            return int(row[0]) % LANES
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == LANE_ATTEMPTS - 1:
                raise
            await asyncio.sleep(random.uniform(0.01, 0.1))
    raise AssertionError("unreachable")


def _sqlite_migration_script(current: int, complete: bool) -> str:
    """The migrations after ``current`` (version 1 again when a version-1 database lost a table or an index),
    each recording its version."""
    versions = [v for v in sorted(SQLITE_MIGRATIONS) if v > current]
    script = "".join(SQLITE_MIGRATIONS[v] + _version_row(v) for v in versions)
    if not complete and 1 not in versions:
        script = SQLITE_MIGRATIONS[1] + _version_row(1) + script
    return script


def _version_row(version: int) -> str:
    return (
        f"INSERT INTO schema_version (version) SELECT {version}"
        f" WHERE NOT EXISTS (SELECT 1 FROM schema_version WHERE version >= {version});"
    )


# --- helpers -----------------------------------------------------------------------------------

_KIND_ORDER: tuple[RecordKind, ...] = ("reload", "question", "feedback")


def by_kind(batch: Sequence[_Record]) -> list[tuple[RecordKind, list[_Record]]]:
    """The batch as one run per kind (one executemany each, not one per alternation of question and vote),
    questions before the votes that name them; each kind keeps its order (a later vote replaces an earlier)."""
    runs = [(kind, [r for r in batch if r.kind == kind]) for kind in _KIND_ORDER]
    return [(kind, run) for kind, run in runs if run]


def _sqlite_params(params: tuple) -> tuple:
    """Datetimes as ISO 8601 text (the form the TEXT columns are compared in), the rest as they are."""
    return tuple(v.isoformat() if isinstance(v, datetime) else v for v in params)


async def _write(
    conn: aiosqlite.Connection, batch: Sequence[_Record], *, one_by_one: bool
) -> list[tuple[_Record, Exception]]:
    """Write ``batch`` in one transaction; one by one (each in a savepoint), a refused record is skipped."""
    refused: list[tuple[_Record, Exception]] = []
    await _run(conn, "BEGIN IMMEDIATE")
    if one_by_one:
        for record in batch:
            await _run(conn, "SAVEPOINT record")
            try:
                await _run(conn, _SQLITE_INSERTS[record.kind], _sqlite_params(record.params))
            except _RECORD_ERRORS as exc:
                await _run(conn, "ROLLBACK TO record")
                refused.append((record, exc))
            await _run(conn, "RELEASE record")
    else:
        for kind, run in by_kind(batch):
            await conn.executemany(_SQLITE_INSERTS[kind], [_sqlite_params(r.params) for r in run])
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


def _inspect(path: Path) -> tuple[int, bool]:
    """The schema version of the database at ``path`` (0: new or empty) and whether every table and index
    of ours is there; ForeignDatabase if it is not ours.

    Read-only (a ``mode=ro`` connection that can't write or checkpoint): a file that is not ours is
    refused exactly as it was found.
    """
    try:
        if path.stat().st_size == 0:
            return 0, False  # a new (or empty) file: the schema is created
    except FileNotFoundError:
        return 0, False
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        tables = {name for kind, name in rows if kind == "table"}
        indexes = {name for kind, name in rows if kind == "index"}
        if not rows:
            return 0, False  # an empty database: ours to set up
        foreign = sorted(tables - OUR_TABLES)
        if foreign or "schema_version" not in tables:
            shown = ", ".join(foreign[:5] or sorted(tables)[:5])
            raise ForeignDatabase(
                f"{path} is a SQLite database that is not the bot's (tables: {shown}); "
                "nothing was written to it: point BOT_DATABASE_PATH at another file"
            )
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
        if any(not isinstance(v, int) or v > SCHEMA_VERSION for v in versions):
            raise ForeignDatabase(
                f"{path} has schema version {max(versions, key=str)}, newer than this bot's "
                f"({SCHEMA_VERSION}); nothing was written to it"
            )
        return max(versions, default=0), OUR_TABLES <= tables and OUR_INDEXES <= indexes
    finally:
        conn.close()


def _as_store_error(path: str | Path, exc: BaseException) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return StoreError(f"cannot open database {path}: it is not a SQLite database of the bot's ({exc})")
    return StoreError(f"cannot open database {path}: {exc}")
