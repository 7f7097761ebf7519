"""The fake's REST routes: login calls, command sync, interaction callbacks, webhooks, channel messages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakediscord import rules
from tests.fakediscord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    EPHEMERAL,
    MESSAGE_COMPONENT,
    MESSAGE_WITH_SOURCE,
    MODAL,
    UPDATE_MESSAGE,
    InteractionRecord,
)
from tests.fakediscord.payloads import snowflake

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

# Per-request storage set by the recording middleware (typed keys where aiohttp has them, >= 3.12).
if hasattr(web, "RequestKey"):
    BODY: Any = web.RequestKey("fake_json_body", object)
    ARRIVED: Any = web.RequestKey("fake_arrived_at", float)
    FILES: Any = web.RequestKey("fake_files", list)
else:  # pragma: no cover - older aiohttp
    BODY, ARRIVED, FILES = "fake_json_body", "fake_arrived_at", "fake_files"

ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {MESSAGE_WITH_SOURCE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {MESSAGE_WITH_SOURCE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
}
UNKNOWN_INTERACTION = {"message": "Unknown interaction", "code": 10062}
ALREADY_ACKNOWLEDGED = {"message": "Interaction has already been acknowledged.", "code": 40060}
UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}
EMPTY_MESSAGE = {"message": "Cannot send an empty message", "code": 50006}
UNAUTHORIZED = {"message": "401: Unauthorized", "code": 0}
NOT_FOUND = {"message": "404: Not Found", "code": 0}


def add_routes(app: web.Application, fake: FakeDiscord, prefix: str) -> None:
    h = RestHandlers(fake)
    r = app.router
    r.add_get(prefix + "/users/@me", h.me)
    r.add_get(prefix + "/oauth2/applications/@me", h.application)
    r.add_get(prefix + "/applications/@me", h.application)
    r.add_get(prefix + "/gateway", h.gateway)
    r.add_get(prefix + "/gateway/bot", h.gateway)
    for path in ("/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands"):
        r.add_put(prefix + path, h.put_commands)
        r.add_get(prefix + path, h.get_commands)
    r.add_post(prefix + "/interactions/{id}/{token}/callback", h.callback)
    r.add_post(prefix + "/webhooks/{app}/{token}", h.followup)
    r.add_route("*", prefix + "/webhooks/{app}/{token}/messages/{message}", h.webhook_message)
    r.add_post(prefix + "/channels/{channel}/messages", h.channel_message)
    r.add_patch(prefix + "/channels/{channel}/messages/{message}", h.edit_channel_message)
    r.add_post(prefix + "/channels/{channel}/typing", h.typing)
    r.add_post(prefix + "/users/@me/channels", h.dm_channel)
    r.add_route("*", prefix + "/{tail:.*}", h.unknown)


def discord_json(data: Any, status: int = 200) -> web.Response:
    """JSON as Discord sends it: discord.py parses a body only if content-type is exactly application/json."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _form_error(errors: rules.FormErrors) -> dict[str, Any]:
    return errors.body()


class RestHandlers:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.fake.token}"

    def _unauthorized(self, request: web.Request) -> web.Response:
        return self.fake.refuse(request, "unauthorized", 401, UNAUTHORIZED)

    # -- login ---------------------------------------------------------------------------------

    async def me(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        return discord_json(
            {
                **self.fake.bot_user.user(),
                "verified": True,
                "mfa_enabled": False,
                "locale": "en-US",
                "email": None,
                "bio": "",
            }
        )

    async def application(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        fake = self.fake
        return discord_json(
            {
                "id": fake.application_id,
                "name": fake.bot_user.name,
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": fake.moderator.user(),
                "team": None,
                "flags": 0,
                "summary": "",
                "rpc_origins": [],
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
                "bot": fake.bot_user.user(),
                "approximate_guild_count": 1,
                # fields the spec requires of an application (PrivateApplicationResponse)
                "type": None,
                "flags_new": "0",
                "role_connections_verification_url": None,
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "eligible_oauth2_scopes": ["applications.commands", "bot"],
                "integration_types_config": {"0": {}, "1": {}},
            }
        )

    async def gateway(self, request: web.Request) -> web.Response:
        return discord_json(
            {
                "url": self.fake.gateway_url.rstrip("/"),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    # -- application commands ------------------------------------------------------------------

    async def put_commands(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        if request.match_info["app"] != self.fake.application_id:
            return self.fake.refuse(
                request, "unknown_application", 404, {"message": "Unknown Application", "code": 10002}
            )
        body = request[BODY]
        errors = rules.FormErrors()
        if not isinstance(body, list):
            errors.add((), "BASE_TYPE_ARRAY_TYPE", "Must be an array.")
            return self.fake.refuse(request, "invalid_commands", 400, _form_error(errors))
        rules.check_command_counts(body, errors)
        if errors:
            return self.fake.refuse(request, "invalid_commands", 400, _form_error(errors))
        seen: set[tuple[int, str]] = set()
        for i, command in enumerate(body):
            rules.check_command(command, errors, i)
            key = (command.get("type", 1), command.get("name", ""))
            if key in seen:
                errors.add(
                    (i, "name"),
                    "APPLICATION_COMMAND_ALREADY_EXISTS",
                    "Application command names must be unique",
                )
            seen.add(key)
        if errors:
            return self.fake.refuse(request, "invalid_commands", 400, _form_error(errors))
        guild = request.match_info.get("guild")
        stored = [self._stored_command(c, guild) for c in body]
        self.fake.commands[guild] = stored
        return discord_json(stored)

    def _stored_command(self, command: dict[str, Any], guild: str | None) -> dict[str, Any]:
        """A command as Discord stores and echoes it: defaults filled in, unset fields left out, the
        permissions as a decimal string, the installs it may be used through (a server install by
        default) and the contexts as sent (null: Discord's default, every context)."""
        permissions = command.get("default_member_permissions")
        return {
            "type": 1,
            "options": [],
            "dm_permission": True,
            "nsfw": False,
            "description": "",
            **{k: v for k, v in command.items() if v is not None},
            "default_member_permissions": None if permissions is None else str(permissions),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],
            "id": snowflake(),
            "application_id": self.fake.application_id,
            "version": snowflake(),
            **({"guild_id": guild} if guild else {}),
        }

    async def get_commands(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        return discord_json(self.fake.commands.get(request.match_info.get("guild"), []))

    # -- interactions --------------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        arrived = request[ARRIVED]
        fake = self.fake
        record = fake.interactions.get(request.match_info["id"])
        if record is None or record.token != request.match_info["token"]:
            return fake.refuse(request, "unknown_interaction", 404, UNKNOWN_INTERACTION)
        if record.initial is not None:
            return fake.refuse(request, "double_response", 400, ALREADY_ACKNOWLEDGED)
        if arrived - record.dispatched_at > fake.deadline:
            return fake.refuse(request, "deadline", 404, UNKNOWN_INTERACTION)
        body = request[BODY] or {}
        kind, data = body.get("type"), body.get("data")
        errors = rules.FormErrors()
        if kind not in ALLOWED_CALLBACKS.get(record.type, set()):
            errors.add(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Response type {kind} is not valid for interaction type {record.type}",
            )
        elif kind == AUTOCOMPLETE_RESULT:
            rules.check_choices((data or {}).get("choices"), errors)
        elif kind in (MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
            if kind == MESSAGE_WITH_SOURCE and rules.is_empty_message(data or {}):
                record.rejected.append((400, EMPTY_MESSAGE))
                return fake.refuse(request, "empty_message", 400, EMPTY_MESSAGE)
            rules.check_message(data or {}, errors, prefix=("data",))
        if errors:
            record.rejected.append((400, errors.body()))
            return fake.refuse(request, "invalid_response", 400, _form_error(errors))
        record.initial, record.initial_at = body, arrived
        message = self._message_for_callback(record, kind, data or {})
        record.touch(answered_at=arrived if kind in (MESSAGE_WITH_SOURCE, UPDATE_MESSAGE) else None)
        if request.query.get("with_response", "").lower() not in ("true", "1"):
            return web.Response(status=204)
        interaction = {
            "id": record.id,
            "type": record.type,
            "response_message_id": record.original_message_id,
            "response_message_loading": kind == DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(message and message.get("flags", 0) & EPHEMERAL),
        }
        answer: dict[str, Any] = {"interaction": {k: v for k, v in interaction.items() if v is not None}}
        if kind in (MESSAGE_WITH_SOURCE, UPDATE_MESSAGE) and message is not None:
            # the resource is the message made or changed; the docs say nothing else has one to show
            answer["resource"] = {"type": kind, "message": message}
        return discord_json(answer)

    def _message_for_callback(
        self, record: InteractionRecord, kind: int, data: dict[str, Any]
    ) -> dict[str, Any] | None:
        fake = self.fake
        if kind in (MESSAGE_WITH_SOURCE, DEFERRED_MESSAGE):
            shown = data if kind == MESSAGE_WITH_SOURCE else {}
            channel_id = record.payload["channel_id"]
            message = fake.new_message(channel_id, shown, interaction_id=record.id, webhook=True)
            loading = 128 if kind == DEFERRED_MESSAGE else 0  # the "Bot is thinking..." placeholder
            message["flags"] = (int(data.get("flags") or 0) & EPHEMERAL) | loading
            record.original_message_id = message["id"]
            return message
        if kind in (UPDATE_MESSAGE, DEFERRED_UPDATE):
            message = fake.messages.get(record.payload["message"]["id"]) or record.payload["message"]
            record.original_message_id = message["id"]
            return fake.edit_message(message, data) if kind == UPDATE_MESSAGE else message
        return None

    def _webhook_record(self, request: web.Request) -> InteractionRecord | None:
        record = self.fake.by_token.get(request.match_info["token"])
        if record is None or request.match_info["app"] != self.fake.application_id:
            return None
        if record.initial is None or record.callback_type == AUTOCOMPLETE_RESULT:
            return None  # Discord only opens the webhook once the interaction was acknowledged
        return record

    def _check_body(self, request: web.Request, body: Any, *, creating: bool) -> web.Response | None:
        if not isinstance(body, dict):
            return self.fake.refuse(request, "invalid_body", 400, {"message": "400: Bad Request", "code": 0})
        if creating and rules.is_empty_message(body):
            return self.fake.refuse(request, "empty_message", 400, EMPTY_MESSAGE)
        errors = rules.FormErrors()
        rules.check_message(body, errors)
        if errors:
            return self.fake.refuse(request, "invalid_message", 400, _form_error(errors))
        return None

    async def followup(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return self.fake.refuse(request, "unknown_webhook", 404, UNKNOWN_WEBHOOK)
        body = request[BODY]
        if (refused := self._check_body(request, body, creating=True)) is not None:
            return refused
        channel_id = record.payload["channel_id"]
        message = self.fake.new_message(channel_id, body, interaction_id=record.id, webhook=True)
        record.followups.append(body)
        record.followup_message_ids.append(message["id"])
        record.files += request.get(FILES, [])
        record.touch(answered_at=request[ARRIVED])
        if request.query.get("wait") in ("true", "1", "True"):
            return discord_json(message)
        return web.Response(status=204)

    async def webhook_message(self, request: web.Request) -> web.StreamResponse:
        record = self._webhook_record(request)
        if record is None:
            return self.fake.refuse(request, "unknown_webhook", 404, UNKNOWN_WEBHOOK)
        message_id = request.match_info["message"]
        if message_id == "@original":
            message_id = record.original_message_id or ""
        message = self.fake.messages.get(message_id)
        if message is None:
            return self.fake.refuse(request, "unknown_message", 404, UNKNOWN_MESSAGE)
        if request.method == "GET":
            return discord_json(message)
        if request.method == "DELETE":
            self.fake.messages.pop(message_id, None)
            return web.Response(status=204)
        if request.method != "PATCH":
            return self.fake.refuse(
                request, "method_not_allowed", 405, {"message": "405: Method Not Allowed", "code": 0}
            )
        body = request[BODY]
        if (refused := self._check_body(request, body, creating=False)) is not None:
            return refused
        record.edits.append(body)
        record.touch(answered_at=request[ARRIVED])
        return discord_json(self.fake.edit_message(message, body))

    # -- channels and DMs ----------------------------------------------------------------------

    def _known_channel(self, channel_id: str) -> bool:
        return channel_id == self.fake.guild.channel_id or channel_id in self.fake.dm_channels.values()

    async def channel_message(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        channel_id = request.match_info["channel"]
        if not self._known_channel(channel_id):
            return self.fake.refuse(request, "unknown_channel", 404, UNKNOWN_CHANNEL)
        body = request[BODY]
        if (refused := self._check_body(request, body, creating=True)) is not None:
            return refused
        message = self.fake.new_message(channel_id, body)
        self.fake.channel_messages.append(message)
        return discord_json(message)

    async def edit_channel_message(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        message = self.fake.messages.get(request.match_info["message"])
        if message is None or message["channel_id"] != request.match_info["channel"]:
            return self.fake.refuse(request, "unknown_message", 404, UNKNOWN_MESSAGE)
        if message["author"]["id"] != self.fake.bot_user.id:
            error = {"message": "Cannot edit a message authored by another user", "code": 50005}
            return self.fake.refuse(request, "not_author", 403, error)
        body = request[BODY]
        if (refused := self._check_body(request, body, creating=False)) is not None:
            return refused
        return discord_json(self.fake.edit_message(message, body))

    async def typing(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        return web.Response(status=204)

    async def dm_channel(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized(request)
        recipient = str((request[BODY] or {}).get("recipient_id"))
        user = next((m for m in self.fake.guild.members if m.id == recipient), None)
        if user is None:
            return self.fake.refuse(request, "unknown_user", 404, {"message": "Unknown User", "code": 10013})
        return discord_json(
            {
                "id": self.fake.dm_channel_for(user),
                "type": 1,
                "recipients": [user.user()],
                "last_message_id": None,
                "flags": 0,
            }
        )

    async def unknown(self, request: web.Request) -> web.Response:
        return self.fake.refuse(request, "unimplemented", 404, NOT_FOUND)
