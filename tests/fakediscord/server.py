"""FakeDiscord: a loopback aiohttp server speaking enough of Discord's REST API and gateway for a bot.

It records every request, answers broken ones the way Discord does (HTTP 400
with an error body, 404 for a late interaction response) and keeps a list of
violations for tests to assert on. Point discord.py at it with ``pointed_at``.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import web

from tests.fakediscord import openapi, rest
from tests.fakediscord.gateway import Gateway
from tests.fakediscord.interactions import (
    BOT_DM_CONTEXT,
    CHAT_INPUT,
    GUILD_CONTEXT,
    MESSAGE_COMMAND,
    PRIVATE_CHANNEL_CONTEXT,
    USER_INSTALL,
    InteractionRecord,
    click_payload,
    message_command_payload,
    now,
    slash_payload,
)
from tests.fakediscord.payloads import (
    FakeFile,
    FakeUser,
    default_guild,
    iso_now,
    message_object,
    snowflake,
    stored,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
INTERACTION_DEADLINE = 3.0


def _is_message_path(path: str) -> bool:
    return path.startswith("/webhooks/") or (path.startswith("/channels/") and "/messages" in path)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float
    status: int = 0
    response: Any = None


@dataclass
class Violation:
    """A request Discord would have refused, with the error it answered."""

    kind: str
    method: str
    path: str
    status: int
    error: dict[str, Any]
    body: Any = None


@dataclass
class FakeDiscord:
    token: str = "fake-token"
    deadline: float = INTERACTION_DEADLINE
    heartbeat_interval_ms: int = 41_250
    application_id: str = field(default_factory=snowflake)
    bot_user: FakeUser = field(default_factory=lambda: FakeUser(snowflake(), "CitedBot", bot=True))

    def __post_init__(self) -> None:
        self.guild, self.moderator, self.reader = default_guild()
        self.guild.members.append(self.bot_user)
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.interactions: dict[str, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.channel_messages: list[dict[str, Any]] = []
        self.dm_channels: dict[str, str] = {}
        self.group_dm_channel = snowflake()  # a group DM of people, without the bot
        self.files: dict[str, FakeFile] = {}
        self.commands: dict[str | None, list[dict[str, Any]]] = {None: []}
        self.gateway = Gateway(self, heartbeat_interval_ms=self.heartbeat_interval_ms)
        self.port = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._record], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get(Gateway.RESUME_PATH, self.gateway.handle)
        app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        rest.add_routes(app, self, API_PREFIX)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # the ephemeral port the OS chose
        return self

    async def _attachment(self, request: web.Request) -> web.Response:
        file = self.files.get(request.match_info["id"])
        if file is None or file.filename != request.match_info["filename"]:
            return web.Response(status=404)
        return web.Response(body=file.data, content_type=file.content_type)

    async def close(self) -> None:
        for conn in self.gateway.connections:
            if not conn.ws.closed:
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @contextlib.contextmanager
    def pointed_at(self) -> Iterator[None]:
        """Send discord.py's REST calls and its default gateway to this fake, then restore them."""
        import discord.gateway
        import discord.http

        old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- recording -------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/" or request.path == Gateway.RESUME_PATH or request.path.startswith("/attach"):
            return await handler(request)
        arrived = request[rest.ARRIVED] = now()
        body: Any = None
        uploaded: list[tuple[str, bytes]] = []
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:  # files[n]: what the bot attached
                    uploaded.append((getattr(part, "filename", None) or "", bytes(await part.read())))
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        request[rest.BODY] = body
        request[rest.FILES] = uploaded
        record = RecordedRequest(
            request.method, request.path.removeprefix(API_PREFIX), dict(request.query), body, arrived
        )
        self.requests.append(record)
        response = self._refused_by_spec(request, record, has_body=body is not None or request.can_read_body)
        if response is None:
            response = await handler(request)
        record.status = response.status
        if isinstance(response, web.Response) and response.body:
            record.response = json.loads(response.body)
        self._check_response_against_spec(
            record, has_body=isinstance(response, web.Response) and bool(response.body)
        )
        return response

    def _refused_by_spec(
        self, request: web.Request, record: RecordedRequest, *, has_body: bool
    ) -> web.Response | None:
        """Discord's published spec refuses this request: answer as Discord would, record the violation."""
        problems = openapi.validate_request(
            request.method, record.path, record.query, record.json, has_body=has_body
        )
        if not problems:
            return None
        if problems[0].code == "UNKNOWN_ROUTE":
            return self.refuse(request, "spec_unknown_route", 404, rest.NOT_FOUND)
        return self.refuse(request, "spec_request", 400, openapi.form_error(problems))

    def _check_response_against_spec(self, record: RecordedRequest, *, has_body: bool) -> None:
        """A response the fake built that the spec refuses is the fake's bug: recorded as a violation."""
        problems = openapi.validate_response(
            record.method, record.path, record.status, record.response, has_body=has_body
        )
        if problems:
            error = openapi.form_error(problems)
            self.violations.append(
                Violation("spec_response", record.method, record.path, record.status, error, record.response)
            )
            log.warning("fake discord answered %s %s against the spec: %s", record.method, record.path, error)

    def refuse(self, request: web.Request, kind: str, status: int, error: dict[str, Any]) -> web.Response:
        """Answer like Discord refusing the request, and remember it as a violation."""
        violation = Violation(
            kind, request.method, request.path.removeprefix(API_PREFIX), status, error, request.get(rest.BODY)
        )
        self.violations.append(violation)
        log.warning("fake discord refused %s %s: %s %s", request.method, request.path, status, error)
        return rest.discord_json(error, status=status)

    def forget(self) -> None:
        """Drop what was recorded so far (requests, interactions, messages, the gateway's replay log):
        a long benchmark keeps only its current round, so the fake's memory doesn't weigh on the bot's
        garbage collections in the same process."""
        self.requests.clear()
        self.violations.clear()
        self.interactions.clear()
        self.by_token.clear()
        self.messages.clear()
        self.channel_messages.clear()
        for session in self.gateway.sessions.values():
            session.sent.clear()

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def message_bodies(self) -> list[tuple[RecordedRequest, dict[str, Any]]]:
        """Every request that created or changed a message, with its message body."""
        out = []
        for r in self.requests:
            if not isinstance(r.json, dict):
                continue
            if r.path.endswith("/callback"):
                if r.json.get("type") in (4, 7) and isinstance(r.json.get("data"), dict):
                    out.append((r, r.json["data"]))
            elif r.method in ("POST", "PATCH") and _is_message_path(r.path):
                out.append((r, r.json))
        return out

    # -- what a user does --------------------------------------------------------------------------

    def _command(self, name: str, kind: int = CHAT_INPUT) -> dict[str, Any]:
        for scope in (self.guild.id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", CHAT_INPUT) == kind:
                    return command
        raise LookupError(
            f"{name!r} (type {kind}) was never synced to the fake; synced: "
            f"{[c['name'] for cs in self.commands.values() for c in cs]}"
        )

    def _where(
        self, command: dict[str, Any], user: FakeUser, *, dm: bool, group_dm: bool, user_install: bool
    ) -> dict[str, Any]:
        """Where the command is used and through which install, refused where Discord would not offer it
        (a command's ``contexts`` and ``integration_types``; unset: Discord's defaults, every context of a
        server install)."""
        context = PRIVATE_CHANNEL_CONTEXT if group_dm else BOT_DM_CONTEXT if dm else GUILD_CONTEXT
        contexts = command.get("contexts")
        refused_in_dm = dm and command.get("dm_permission") is False
        if refused_in_dm or (contexts is not None and context not in contexts):
            raise PermissionError(f"Discord does not offer {command['name']!r} in context {context}")
        installs = command.get("integration_types") or [0]
        if (user_install or group_dm) and USER_INSTALL not in installs:
            raise PermissionError(f"{command['name']!r} cannot be used through a user install")
        return {
            "dm_channel_id": self.dm_channel_for(user) if dm else None,
            "private_channel_id": self.group_dm_channel if group_dm else None,
            "user_install": user_install,
        }

    async def dispatch_interaction(self, payload: dict[str, Any]) -> InteractionRecord:
        record = InteractionRecord(
            id=payload["id"], token=payload["token"], type=payload["type"], payload=payload
        )
        self.interactions[record.id] = record
        self.by_token[record.token] = record
        record.dispatched_at = now()
        await self._session().dispatch("INTERACTION_CREATE", payload)
        return record

    def _session(self) -> Any:
        if self.gateway.current is None:
            raise RuntimeError("no client has identified with the fake gateway")
        return self.gateway.current

    def _user(self, user: FakeUser | None) -> FakeUser:
        return user or self.reader

    def dm_channel_for(self, user: FakeUser) -> str:
        return self.dm_channels.setdefault(user.id, snowflake())

    def build_slash(
        self,
        name: str,
        *sub: str,
        user: FakeUser | None = None,
        dm: bool = False,
        focused: str | None = None,
        overridden: bool = False,
        group_dm: bool = False,
        user_install: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        """The INTERACTION_CREATE a Discord client would produce, refusing what it would not let a user run.

        ``overridden`` stands for a server admin's command-permission override, which lets
        members without the default permissions run the command anyway. ``group_dm``: used in a
        group DM the bot is not in; ``user_install``: through the app installed to the user's account.
        """
        user = self._user(user)
        command = self._command(name)
        where = self._where(command, user, dm=dm, group_dm=group_dm, user_install=user_install)
        required = int(command.get("default_member_permissions") or 0)
        if not (dm or group_dm) and not overridden and required & ~user.permissions:
            raise PermissionError(f"Discord hides /{name} from {user.name} (needs permissions {required})")
        attachments = {}
        for key, value in list(options.items()):
            if isinstance(value, FakeFile):
                attachment_id = snowflake()
                self.files[attachment_id] = value
                url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{value.filename}"
                attachments[attachment_id] = {
                    "id": attachment_id,
                    "filename": value.filename,
                    "size": len(value.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": value.content_type,
                }
                options[key] = attachment_id
        payload = slash_payload(
            command,
            list(sub),
            options,
            guild=self.guild,
            application_id=self.application_id,
            user=user,
            focused=focused,
            **where,
        )
        if attachments:
            payload["data"]["resolved"] = {"attachments": attachments}
        return payload

    async def slash(
        self,
        name: str,
        *sub: str,
        user: FakeUser | None = None,
        dm: bool = False,
        overridden: bool = False,
        group_dm: bool = False,
        user_install: bool = False,
        **options: Any,
    ) -> InteractionRecord:
        """A user runs ``/name [sub...] option:value ...``."""
        payload = self.build_slash(
            name,
            *sub,
            user=user,
            dm=dm,
            overridden=overridden,
            group_dm=group_dm,
            user_install=user_install,
            **options,
        )
        return await self.dispatch_interaction(payload)

    async def message_command(
        self,
        name: str,
        message: dict[str, Any],
        *,
        user: FakeUser | None = None,
        group_dm: bool = False,
        user_install: bool = False,
    ) -> InteractionRecord:
        """A user picks the message command ``name`` (Apps > name) on ``message``."""
        user = self._user(user)
        command = self._command(name, MESSAGE_COMMAND)
        in_dm = not group_dm and "guild_id" not in message
        where = self._where(command, user, dm=in_dm, group_dm=group_dm, user_install=user_install)
        payload = message_command_payload(
            command, message, guild=self.guild, application_id=self.application_id, user=user, **where
        )
        return await self.dispatch_interaction(payload)

    async def autocomplete(
        self, name: str, *sub: str, focused: str, user: FakeUser | None = None, **options: Any
    ) -> InteractionRecord:
        """A user types into option ``focused`` of ``/name``; other options as already filled in."""
        payload = self.build_slash(name, *sub, user=user, focused=focused, **options)
        return await self.dispatch_interaction(payload)

    async def click(
        self,
        message: dict[str, Any] | str,
        custom_id: str,
        *,
        user: FakeUser | None = None,
        values: list[str] | None = None,
    ) -> InteractionRecord:
        """A user clicks a button (or picks select values) on a message the bot sent."""
        message = self.messages[message] if isinstance(message, str) else message
        user = self._user(user)
        in_dm = "guild_id" not in message
        payload = click_payload(
            message,
            custom_id,
            guild=self.guild,
            application_id=self.application_id,
            user=user,
            values=values,
            dm_channel_id=message["channel_id"] if in_dm else None,
        )
        return await self.dispatch_interaction(payload)

    async def say(self, content: str, *, user: FakeUser | None = None, dm: bool = False) -> dict[str, Any]:
        """A user posts a message in the guild channel (or a DM to the bot); returns the message."""
        user = self._user(user)
        channel_id = self.dm_channel_for(user) if dm else self.guild.channel_id
        mentions_bot = f"<@{self.bot_user.id}>" in content or f"<@!{self.bot_user.id}>" in content
        message = message_object(
            message_id=snowflake(),
            channel_id=channel_id,
            author=user.user(),
            body={"content": content},
            guild_id=None if dm else self.guild.id,
        )
        message["mentions"] = [self.bot_user.user()] if mentions_bot else []
        message["mention_everyone"] = "@everyone" in content
        message["mention_roles"] = [
            r for r in (self.guild.moderator_role_id, self.guild.member_role_id) if f"<@&{r}>" in content
        ]
        if not dm:
            message["member"] = user.member(with_user=False)
        delivered, with_content = self.gateway.delivers(guild=not dm, mentions_bot=mentions_bot)
        if delivered:
            event = (
                dict(message)
                if with_content
                else {**message, "content": "", "embeds": [], "components": [], "attachments": []}
            )
            await self._session().dispatch("MESSAGE_CREATE", event)
        self.messages[message["id"]] = message
        return message

    def bot_messages(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted to channels (not interaction responses)."""
        return [m for m in self.channel_messages if channel_id is None or m["channel_id"] == channel_id]

    async def drop_gateway(self) -> None:
        await self.gateway.drop()

    def new_message(
        self,
        channel_id: str,
        body: dict[str, Any],
        *,
        interaction_id: str | None = None,
        webhook: bool = False,
    ) -> dict[str, Any]:
        guild_id = self.guild.id if channel_id == self.guild.channel_id else None
        message = message_object(
            message_id=snowflake(),
            channel_id=channel_id,
            author=self.bot_user.user(),
            body=body,
            guild_id=guild_id,
            webhook_id=self.application_id if webhook else None,
            interaction_id=interaction_id,
        )
        self.messages[message["id"]] = message
        return message

    @staticmethod
    def edit_message(message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = stored(key, body[key]) if key != "content" else body[key] or ""
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message.get("flags", 0) & ~4) | (int(body["flags"]) & 4)  # suppress embeds
        message["flags"] = message.get("flags", 0) & ~128  # no longer "thinking"
        message["edited_timestamp"] = iso_now()
        return message
