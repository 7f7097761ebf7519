"""Runtime state in SQLite: reload history, the question log with outcomes, feedback votes.

A repository over an injected ``aiosqlite.Connection``; the schema is applied
when the store opens. Every public method raises ``StoreError`` (never a raw
sqlite error), so a transport can log the failure and keep answering.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

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

P = ParamSpec("P")
R = TypeVar("R")


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


def normalise_question(text: str) -> str:
    """The form unanswered questions are grouped by: lower case, single spaces, no trailing punctuation."""
    return re.sub(r"\s+", " ", text).strip().lower().rstrip("?!.,;: ")


def _now() -> datetime:
    return datetime.now(UTC)


def _wrapped(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turn any database failure into StoreError, naming the operation."""

    @wraps(fn)
    async def inner(*args: P.args, **kwargs: P.kwargs) -> R:
        store = args[0]
        # One operation at a time: on a shared connection another coroutine's commit or rollback
        # would otherwise commit or discard this one's half-done write.
        async with store.lock:  # type: ignore[attr-defined]
            try:
                return await fn(*args, **kwargs)
            except StoreError:
                await _roll_back(store)
                raise
            except (sqlite3.Error, ValueError, OSError) as exc:
                await _roll_back(store)
                raise StoreError(f"{fn.__name__} failed: {exc}") from exc

    return inner


async def _roll_back(store: object) -> None:
    """End a transaction a failed write left open, so it neither holds a lock nor joins the next commit."""
    conn = getattr(store, "conn", None)
    if not isinstance(conn, aiosqlite.Connection):
        return
    try:
        if conn.in_transaction:
            await conn.rollback()
    except (sqlite3.Error, ValueError) as exc:  # closed, or the database itself is gone
        log.debug("rollback after a failed operation failed too: %s", exc)


class Store:
    """Repository of the bot's runtime state."""

    conn: aiosqlite.Connection
    lock: asyncio.Lock

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        """Connect to ``path`` (created if missing) and apply the schema."""
        try:
            conn = await aiosqlite.connect(str(path))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        store = cls(conn)
        try:
            await store.apply_schema()
        except StoreError:
            await conn.close()
            raise
        return store

    @_wrapped
    async def apply_schema(self) -> None:
        await self.conn.execute("PRAGMA busy_timeout = 5000")
        await self.conn.execute("PRAGMA foreign_keys = ON")
        await self.conn.execute("PRAGMA journal_mode = WAL")
        await self.conn.executescript(SCHEMA)
        async with self.conn.execute("SELECT version FROM schema_version") as cur:
            row = await cur.fetchone()
        if row is None:
            await self.conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        await self.conn.commit()

    async def close(self) -> None:
        try:
            await self.conn.close()
        except (sqlite3.Error, ValueError) as exc:  # closing twice, or after the file went away
            log.warning("closing the database failed: %s", exc)

    # --- reload history --------------------------------------------------------

    @_wrapped
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
        cur = await self.conn.execute(
            "INSERT INTO reloads (at, who, ok, counts, digest, problems, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_now().isoformat(), who, int(ok), json.dumps(counts), digest, json.dumps(problems), source),
        )
        await self.conn.commit()
        return int(cur.lastrowid)

    @_wrapped
    async def last_reload(self, *, ok_only: bool = True) -> ReloadRecord | None:
        sql = "SELECT * FROM reloads" + (" WHERE ok = 1" if ok_only else "") + " ORDER BY id DESC LIMIT 1"
        rows = await self._reloads(sql, ())
        return rows[0] if rows else None

    @_wrapped
    async def reload_history(self, limit: int = 10) -> list[ReloadRecord]:
        return await self._reloads("SELECT * FROM reloads ORDER BY id DESC LIMIT ?", (limit,))

    async def _reloads(self, sql: str, params: tuple) -> list[ReloadRecord]:
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

    @_wrapped
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
        question = question[:2000]
        cur = await self.conn.execute(
            "INSERT INTO questions (at, question, normalised, answered, kind, confidence, transport, user_id,"
            " guild_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now().isoformat(),
                question,
                normalise_question(question),
                int(answered),
                kind,
                float(confidence),
                transport,
                user_id,
                guild_id,
            ),
        )
        await self.conn.commit()
        return int(cur.lastrowid)

    @_wrapped
    async def question(self, question_id: int) -> QuestionRecord | None:
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

    @_wrapped
    async def unanswered(self, *, limit: int = 10, days: int = 30) -> list[UnansweredQuestion]:
        """The most frequent unanswered questions of the last ``days`` days, most recent first on ties
        (small talk is not a question the sources failed to answer)."""
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

    @_wrapped
    async def record_feedback(self, *, question_id: int, user_id: str, vote: int) -> None:
        """One vote per user per question; a new vote replaces the old one."""
        if vote not in (-1, 1):
            raise StoreError(f"a vote is +1 or -1, not {vote!r}")
        try:
            await self.conn.execute(
                "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
                (question_id, user_id, vote, _now().isoformat()),
            )
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"no question {question_id} to vote on") from exc
        await self.conn.commit()

    @_wrapped
    async def feedback_counts(self, question_id: int) -> tuple[int, int]:
        async with self.conn.execute(
            "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0)"
            " FROM feedback WHERE question_id = ?",
            (question_id,),
        ) as cur:
            up, down = await cur.fetchone()
        return int(up), int(down)
