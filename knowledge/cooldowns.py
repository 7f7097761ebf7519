"""Per-user cooldowns shared by the processes of one bot, without an interaction ever waiting on the database.

Decision: each process's own check stays authoritative and instant. A question let through here is noted
(``used``) and its cooldown's end pushed to PostgreSQL (table ``cooldowns``) by a background task every
``interval`` seconds, which also pulls the cooldowns the other processes noted (``blocked`` reads that copy,
in memory). So a person hopping between servers served by different processes gets at most one extra
question per ``interval`` (0.25 s by default) past the cooldown, and when the database is slow or down
the cooldowns are simply per process again: nothing waits, nothing fails. Times are wall-clock seconds
(epoch), the same on every machine as far as their clocks agree.

With SQLite (one process) nothing is shared and the board is only the local bookkeeping.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import asyncpg

from knowledge.aio import cancel_and_wait

log = logging.getLogger(__name__)

SYNC_INTERVAL_S = 0.25
CONNECT_TIMEOUT_S = 5.0
STATEMENT_TIMEOUT_S = 2.0
RETRY_MAX_S = 30.0
MAX_PENDING = 10_000  # cooldowns noted while the database can't take them; beyond, the oldest are dropped


class CooldownBoard:
    """Cooldowns other processes noted (pulled), and the ones noted here (pushed), by (scope, user)."""

    def __init__(self, *, process: str = "local") -> None:
        self.process = process
        self._remote: dict[tuple[str, str], float] = {}  # (scope, user) -> until (epoch seconds)
        self._pending: dict[tuple[str, str], float] = {}
        self._task: asyncio.Task[None] | None = None
        self.shared = False  # a database is being synced with
        self.synced_at: float | None = None  # when the last sync succeeded (monotonic)

    def blocked(self, scope: str, user: object, now: float | None = None) -> float | None:
        """Seconds until another process's cooldown for ``user`` ends, or None. Never waits."""
        until = self._remote.get((scope, str(user)))
        if until is None:
            return None
        left = until - (time.time() if now is None else now)
        return left if left > 0 else None

    def used(self, scope: str, user: object, until: float) -> None:
        """``user`` was let through here; their cooldown ends at ``until`` (epoch seconds). Never waits."""
        if not self.shared:
            return
        key = (scope, str(user))
        if len(self._pending) >= MAX_PENDING and key not in self._pending:
            self._pending.pop(next(iter(self._pending)))
        self._pending[key] = max(until, self._pending.get(key, 0.0))

    # --- sharing through PostgreSQL ---------------------------------------------------------

    def share(self, url: str, *, interval: float = SYNC_INTERVAL_S) -> None:
        """Sync with the processes using ``url`` in the background, from now on."""
        self.shared = True
        self._task = asyncio.get_running_loop().create_task(
            self._sync_forever(url, interval), name="cooldowns"
        )

    async def close(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _sync_forever(self, url: str, interval: float) -> None:
        conn: asyncpg.Connection | None = None
        delay = interval
        try:
            while True:
                try:
                    if conn is None or conn.is_closed():
                        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
                    await asyncio.wait_for(self._sync(conn), STATEMENT_TIMEOUT_S)
                    delay = interval
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - per process until the database answers again
                    if delay == interval:
                        log.warning("cooldowns: not shared for now (%s: %s)", type(exc).__name__, exc)
                    if conn is not None:
                        conn.terminate()
                        conn = None
                    delay = min(delay * 2, RETRY_MAX_S)
                await asyncio.sleep(delay)
        finally:
            if conn is not None:
                conn.terminate()

    async def _sync(self, conn: asyncpg.Connection) -> None:
        pending, self._pending = self._pending, {}
        try:
            if pending:
                await conn.executemany(
                    "INSERT INTO cooldowns (scope, user_id, until, process) VALUES ($1, $2, $3, $4)"
                    " ON CONFLICT (scope, user_id) DO UPDATE SET until = GREATEST(cooldowns.until, excluded.until),"
                    " process = excluded.process",
                    [(s, u, datetime.fromtimestamp(t, UTC), self.process) for (s, u), t in pending.items()],
                )
        except BaseException:
            for key, until in pending.items():  # pushed on the next round
                self._pending[key] = max(until, self._pending.get(key, 0.0))
            raise
        rows = await conn.fetch(
            "SELECT scope, user_id, until FROM cooldowns WHERE until > now() AND process <> $1", self.process
        )
        self._remote = {(r["scope"], r["user_id"]): r["until"].timestamp() for r in rows}
        if pending:
            await conn.execute("DELETE FROM cooldowns WHERE until < now() - interval '1 minute'")
        self.synced_at = time.monotonic()
