"""Every process on the same knowledge version, when processes share a PostgreSQL database.

A reload, upload or rollback in one process publishes the version it loaded: its files,
content-addressed (``knowledge_blobs``), a manifest of them under the knowledge base's
digest (``knowledge_versions``), and a publication (``knowledge_published``, in order);
the newest publication is the version every process loads. The others hear of it at once
through ``LISTEN/NOTIFY`` and, should a notification be missed (a connection lost and
reopened), by polling the newest publication every ``poll_interval`` seconds. A process
loads a version with ``KnowledgeService.adopt``: validated staged apart, refused unless
its files load as that very digest, then written over its knowledge folder. One that
cannot load it keeps answering from its own version and reports why.

Each process reports its version and a heartbeat into ``processes``; ``/kb status``
lists them. The first process to start publishes the version it loaded; a process that
starts later loads the published one (the database, not a machine's folder, is the
cluster's knowledge). With SQLite there is one process and nothing here runs.

One connection of its own (LISTEN needs a session that stays): publishing, polling and
the heartbeat take turns on it. Nothing here is on an interaction's path but the
moderator's change (which publishes within a time limit) and ``/kb status`` (a read
within a time limit).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import asyncpg

from knowledge.aio import cancel_and_wait
from knowledge.errors import StoreError
from knowledge.history import read_folder, sha
from knowledge.service import KnowledgeService, ProcessState

if TYPE_CHECKING:
    from asyncpg import Connection

log = logging.getLogger(__name__)

CHANNEL = "bot_knowledge"  # NOTIFY channel; the payload is only a wake-up (the table says what is newest)
POLL_INTERVAL_S = 2.0  # the fallback when a notification is missed
HEARTBEAT_INTERVAL_S = 5.0
SILENT_AFTER_S = 30.0  # a process not heard from for this long is shown as silent
FORGET_AFTER = timedelta(days=1)  # rows of processes not heard from for this long are deleted
PUBLISH_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 1.5  # /kb status answers within an interaction's deadline
CONNECT_TIMEOUT_S = 5.0
# no statement of the sync waits longer than this (a lock held elsewhere, a stalled server): it fails,
# the connection is dropped and the background loop retries, instead of the loop hanging for good
COMMAND_TIMEOUT_S = 15.0
LOCK_TIMEOUT_MS = 5000
RETRY_MAX_S = 30.0


@dataclass(frozen=True)
class Publication:
    seq: int
    digest: str


@dataclass
class _Pending:
    """A version made here that could not be published yet (retried before anything is adopted)."""

    digest: str
    files: dict[str, bytes]
    who: str
    action: str


def process_name() -> str:
    """How this process names itself: host, process id (unique among the processes running now)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class KnowledgeSync:
    """Publishes this process's knowledge changes and loads the other processes'; implements SharedVersions."""

    def __init__(
        self,
        url: str,
        service: KnowledgeService,
        *,
        shards: Sequence[int] | None = None,
        name: str | None = None,
        poll_interval: float = POLL_INTERVAL_S,
        heartbeat_interval: float = HEARTBEAT_INTERVAL_S,
    ) -> None:
        self.url = url
        self.service = service
        self.name = name or process_name()
        self.shards = "all" if shards is None else ",".join(str(s) for s in shards)
        self.poll_interval = poll_interval
        self.heartbeat_interval = heartbeat_interval
        self.problem: str | None = None  # why the newest version could not be loaded here (reported)
        self._conn: Connection | None = None
        self._lock = asyncio.Lock()  # one operation at a time on the connection
        self._wake = asyncio.Event()
        self._seen = 0  # the newest publication this process is on (made here or adopted), or gave up on
        self._pending: _Pending | None = None
        self._started = datetime.now(UTC)
        self._task: asyncio.Task[None] | None = None
        self._closing = False  # the loop ends at its next turn even if a cancellation was lost
        self._last_heartbeat = 0.0
        self._last_published = 0

    # --- life ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Share the service's knowledge: load the published version (or publish ours if none is), then keep
        following it in the background. A database that can't be reached now is retried in the background."""
        self.service.shared = self
        try:
            await self._sync_once()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning(
                "knowledge versions: database not reachable yet (%s); retrying in the background", exc
            )
            await self._drop_connection()
        self._task = asyncio.get_running_loop().create_task(self._follow(), name="knowledge-sync")

    async def close(self) -> None:
        """Stop following; this process's row is removed (a clean stop is not a silent process)."""
        if self.service.shared is self:
            self.service.shared = None
        self._closing = True
        await cancel_and_wait(self._task)
        async with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        self._conn.execute("DELETE FROM processes WHERE name = $1", self.name), 2
                    )
        await self._drop_connection()

    async def _follow(self) -> None:
        loop = asyncio.get_running_loop()
        delay = self.poll_interval
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            self._wake.clear()
            try:
                await self._sync_once()
                delay = self.poll_interval
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database went away: answer on, try again later
                log.warning("knowledge versions: %s: %s; retrying in %.0f s", type(exc).__name__, exc, delay)
                await self._drop_connection()
                delay = min(delay * 2, RETRY_MAX_S)
            if loop.time() - self._last_heartbeat >= self.heartbeat_interval:
                with contextlib.suppress(Exception):
                    await self._heartbeat()

    async def _sync_once(self) -> None:
        """Publish what is pending, then load the newest publication if this process is not on it."""
        if self._pending is not None:
            pending = self._pending
            await self._publish(pending)
            if self._pending is pending:
                self._pending = None
        newest = await self._newest()
        if newest is None:  # nothing published yet: the first process's knowledge is the cluster's
            if self.service.loaded:
                kb = self.service.engine.kb
                files = await asyncio.to_thread(read_folder, self.service.directory)
                await self._publish(_Pending(kb.digest, files, "startup", "startup"))
        elif newest.seq > self._seen:
            await self._load(newest)
        await self._heartbeat()

    async def _load(self, newest: Publication) -> None:
        current = self.service.engine.kb.digest if self.service.loaded else None
        if current == newest.digest:
            self._seen, self.problem = newest.seq, None
            return
        try:
            files = await self._files(newest.digest)
        except StoreError as exc:
            self._gave_up(newest, str(exc))
            return
        outcome = await self.service.adopt(
            newest.digest,
            files,
            f"{self.name} (published #{newest.seq})",
            still_wanted=lambda: self._seen < newest.seq,
        )
        if outcome.ok:
            if self.service.engine.kb.digest == newest.digest:
                log.info("knowledge versions: now on %s (publication #%d)", newest.digest[:12], newest.seq)
                self._seen, self.problem = newest.seq, None
        else:
            self._gave_up(newest, "; ".join(str(p) for p in outcome.problems[:5]) or "refused")

    def _gave_up(self, newest: Publication, why: str) -> None:
        # not retried until a newer version is published: the same files would fail the same way
        self._seen = newest.seq
        self.problem = f"cannot load {newest.digest[:12]}: {why}"[:1000]
        log.error("knowledge versions: %s; still answering from %s", self.problem, self._version())

    def _version(self) -> str | None:
        return self.service.engine.kb.version if self.service.loaded else None

    # --- SharedVersions -------------------------------------------------------------------------

    async def publish(self, digest: str, files: dict[str, bytes], *, who: str, action: str) -> str | None:
        pending = _Pending(digest, files, who, action)
        try:
            await asyncio.wait_for(self._publish_now(pending), PUBLISH_TIMEOUT_S)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            self._pending = pending  # published by the background loop once the database answers
            await self._drop_connection()
            return (
                f"the database did not take it ({type(exc).__name__}: {exc}); it is retried in the background"
            )
        return None

    async def _publish_now(self, pending: _Pending) -> None:
        await self._publish(pending)
        self._pending = None

    async def processes(self) -> list[ProcessState]:
        try:
            rows = await asyncio.wait_for(self._processes(), READ_TIMEOUT_S)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise StoreError(f"the processes could not be read ({type(exc).__name__}: {exc})") from exc
        now = datetime.now(UTC)
        states = [
            ProcessState(
                name=r["name"],
                shards=r["shards"],
                version=r["version"],
                heartbeat_age_s=max(0.0, (now - r["heartbeat"]).total_seconds()),
                problem=r["problem"],
                this=r["name"] == self.name,
            )
            for r in rows
        ]
        return sorted(states, key=lambda p: (not p.this, p.name))

    # --- SQL --------------------------------------------------------------------------------------

    async def _connection(self) -> Connection:
        if self._conn is not None and not self._conn.is_closed():
            return self._conn
        conn = await asyncpg.connect(
            self.url,
            timeout=CONNECT_TIMEOUT_S,
            command_timeout=COMMAND_TIMEOUT_S,
            server_settings={"lock_timeout": str(LOCK_TIMEOUT_MS)},
        )
        try:
            await conn.add_listener(CHANNEL, self._notified)
        except BaseException:
            conn.terminate()
            raise
        self._conn = conn
        self._wake.set()  # a notification may have been missed while there was no connection
        return conn

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await asyncio.wait_for(conn.close(), 2)
            except Exception:  # noqa: BLE001 - already broken: drop it without the goodbye
                conn.terminate()

    async def _publish(self, pending: _Pending) -> None:
        hashes = {rel: sha(data) for rel, data in pending.files.items()}
        async with self._lock:
            conn = await self._connection()
            await self._insert(conn, pending, hashes)
        self._seen = max(self._seen, self._last_published)
        log.info(
            "knowledge versions: published %s (#%d, %s by %s)",
            pending.digest[:12],
            self._last_published,
            pending.action,
            pending.who,
        )

    async def _insert(self, conn: Connection, pending: _Pending, hashes: dict[str, str]) -> None:
        async with conn.transaction():
            have = {
                r[0]
                for r in await conn.fetch(
                    "SELECT sha FROM knowledge_blobs WHERE sha = ANY($1)", list(set(hashes.values()))
                )
            }
            missing = {h: data for rel, data in pending.files.items() if (h := hashes[rel]) not in have}
            if missing:
                await conn.executemany(
                    "INSERT INTO knowledge_blobs (sha, data) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    list(missing.items()),
                )
            await conn.execute(
                "INSERT INTO knowledge_versions (digest, files) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING",
                pending.digest,
                json.dumps(hashes, sort_keys=True),
            )
            seq = await conn.fetchval(
                "INSERT INTO knowledge_published (digest, who, action, origin) VALUES ($1, $2, $3, $4) RETURNING seq",
                pending.digest,
                pending.who,
                pending.action,
                self.name,
            )
            await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(seq))
        self._last_published = int(seq)

    async def _newest(self) -> Publication | None:
        async with self._lock:
            conn = await self._connection()
            row = await conn.fetchrow("SELECT seq, digest FROM knowledge_published ORDER BY seq DESC LIMIT 1")
        return None if row is None else Publication(int(row["seq"]), row["digest"])

    async def _files(self, digest: str) -> dict[str, bytes]:
        """The files of version ``digest``, each checked against its sha256."""
        async with self._lock:
            conn = await self._connection()
            manifest = await conn.fetchval("SELECT files FROM knowledge_versions WHERE digest = $1", digest)
            if manifest is None:
                raise StoreError("the version is not in the database")
            hashes: dict[str, str] = json.loads(manifest)
            rows = await conn.fetch(
                "SELECT sha, data FROM knowledge_blobs WHERE sha = ANY($1)", list(set(hashes.values()))
            )
        blobs = {r["sha"]: bytes(r["data"]) for r in rows}
        files: dict[str, bytes] = {}
        for rel, h in hashes.items():
            data = blobs.get(h)
            if data is None or sha(data) != h:
                raise StoreError(f"{rel}: its copy in the database is missing or damaged")
            files[rel] = data
        return files

    async def _heartbeat(self) -> None:
        async with self._lock:
            conn = await self._connection()
            await conn.execute(
                "INSERT INTO processes (name, host, pid, shards, version, started, heartbeat, problem)"
                " VALUES ($1, $2, $3, $4, $5, $6, now(), $7) ON CONFLICT (name) DO UPDATE SET"
                " shards = excluded.shards, version = excluded.version, heartbeat = now(), problem = excluded.problem",
                self.name,
                socket.gethostname(),
                os.getpid(),
                self.shards,
                self._version(),
                self._started,
                self.problem,
            )
            await conn.execute("DELETE FROM processes WHERE heartbeat < now() - $1::interval", FORGET_AFTER)
        self._last_heartbeat = asyncio.get_running_loop().time()

    async def _processes(self) -> list[asyncpg.Record]:
        async with self._lock:
            conn = await self._connection()
            return await conn.fetch("SELECT name, shards, version, heartbeat, problem FROM processes")
