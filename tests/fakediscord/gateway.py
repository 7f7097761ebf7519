"""The fake's gateway: a real websocket speaking Discord's gateway protocol (v10, JSON, zlib-stream).

One GatewaySession per IDENTIFY. Every dispatch gets the next sequence number
and is kept, so a client that RESUMEs after a dropped connection gets what it
missed replayed before RESUMED, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15


class Connection:
    """One websocket; serialises sends so the shared zlib stream stays in order."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: str | None) -> None:
        self.ws = ws
        self.path = request.path
        self.transport = request.transport
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = _zstd_stream() if compress == "zstd-stream" else None
        self._lock = asyncio.Lock()
        self.session: GatewaySession | None = None
        self.heartbeats = 0

    async def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, separators=(",", ":")).encode()
        async with self._lock:
            if self.ws.closed:
                return
            if self._zlib is not None:
                # Discord's transport compression: one deflate stream per connection, each message
                # ending in a sync flush (00 00 ff ff), which is how the client finds message ends.
                await self.ws.send_bytes(self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
            elif self._zstd is not None:
                await self.ws.send_bytes(self._zstd(data))  # one zstd stream, a flushed block per message
            else:
                await self.ws.send_str(data.decode())

    def abort(self) -> None:
        """Drop the TCP connection without a close frame, like a network failure."""
        if self.transport is not None:
            self.transport.abort()


def _zstd_stream() -> Callable[[bytes], bytes]:
    """discord.py asks for zstd-stream when a zstd module is importable (zstandard, or Python 3.14's)."""
    try:
        import zstandard

        stream = zstandard.ZstdCompressor().compressobj()
        return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    except ImportError:
        from compression.zstd import ZstdCompressor  # type: ignore[import-not-found]

        compressor = ZstdCompressor()
        return lambda data: compressor.compress(data, mode=ZstdCompressor.FLUSH_BLOCK)


@dataclass
class GatewaySession:
    id: str
    intents: int
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    resumes: int = 0

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        if self.connection is not None:
            await self.connection.send(payload)
        return self.seq


class Gateway:
    """Accepts gateway connections for one FakeDiscord."""

    RESUME_PATH = "/resume-gateway/"

    def __init__(self, fake: FakeDiscord, *, heartbeat_interval_ms: int) -> None:
        self.fake = fake
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, GatewaySession] = {}
        self.current: GatewaySession | None = None
        self.connections: list[Connection] = []
        self.ready = asyncio.Event()
        self.resumed = asyncio.Event()
        self.identify_payloads: list[dict[str, Any]] = []
        self.resume_payloads: list[dict[str, Any]] = []

    @property
    def heartbeats(self) -> int:
        return sum(c.heartbeats for c in self.connections)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        if request.query.get("encoding", "json") != "json" or request.query.get("v") != "10":
            await ws.close(code=4012, message=b"Invalid API version or encoding")
            return ws
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream", "zstd-stream"):
            await ws.close(code=4000, message=b"unsupported compression")
            return ws
        conn = Connection(ws, request, compress)
        self.connections.append(conn)
        await conn.send(
            {"op": HELLO, "s": None, "t": None, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
        )
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_payload(conn, json.loads(msg.data))
        finally:
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
        return ws

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            conn.heartbeats += 1
            await conn.send({"op": HEARTBEAT_ACK, "s": None, "t": None, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS and conn.session is not None:
            guild = self.fake.guild
            await conn.session.dispatch(
                "GUILD_MEMBERS_CHUNK",
                {
                    "guild_id": guild.id,
                    "members": [m.member() for m in guild.members],
                    "chunk_index": 0,
                    "chunk_count": 1,
                    "nonce": data.get("nonce"),
                },
            )
        elif op != PRESENCE:
            log.warning("fake gateway: unexpected op %s", op)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        self.identify_payloads.append(data)
        if data.get("token") != self.fake.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        session = GatewaySession(id=secrets.token_hex(16), intents=int(data.get("intents") or 0))
        session.connection = conn
        conn.session = session
        self.sessions[session.id] = session
        self.current = session
        fake = self.fake
        await session.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**fake.bot_user.user(), "verified": True, "mfa_enabled": False, "email": None},
                "guilds": [{"id": fake.guild.id, "unavailable": True}],
                "session_id": session.id,
                "resume_gateway_url": f"ws://127.0.0.1:{fake.port}{self.RESUME_PATH}",
                "application": {"id": fake.application_id, "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "session_type": "normal",
                "user_settings": {},
                "guild_join_requests": [],
                "shard": data.get("shard") or [0, 1],
            },
        )
        if session.intents & INTENT_GUILDS:
            await session.dispatch("GUILD_CREATE", fake.guild.create_event())
        self.ready.set()

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        self.resume_payloads.append({**data, "path": conn.path, "at": time.monotonic()})
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or data.get("token") != self.fake.token:
            await conn.send({"op": INVALID_SESSION, "s": None, "t": None, "d": False})
            return
        conn.session = session
        session.resumes += 1
        last_seen = int(data.get("seq") or 0)
        i = next((k for k, p in enumerate(session.sent) if p["s"] > last_seen), len(session.sent))
        while i < len(session.sent):  # events dispatched during the replay are caught by this loop
            await conn.send(session.sent[i])
            i += 1
        session.connection = conn
        await session.dispatch("RESUMED", {})
        self.resumed.set()

    async def drop(self) -> None:
        """Cut the current session's connection; later dispatches wait for a RESUME."""
        session = self.current
        if session is None or session.connection is None:
            raise RuntimeError("no connected gateway session to drop")
        conn, session.connection = session.connection, None
        self.resumed.clear()
        conn.abort()

    def delivers(self, *, guild: bool, mentions_bot: bool) -> tuple[bool, bool]:
        """(delivered at all, with content) for a message event under the session's intents."""
        intents = self.current.intents if self.current else 0
        needed = INTENT_GUILD_MESSAGES if guild else INTENT_DIRECT_MESSAGES
        with_content = bool(intents & INTENT_MESSAGE_CONTENT) or mentions_bot or not guild
        return bool(intents & needed), with_content
