"""Interactions as the fake dispatches them, and what the bot answered to each.

Payload builders follow Discord's INTERACTION_CREATE shape for slash and message commands
(type 2), component clicks (type 3) and autocomplete (type 4), in a server, in a DM with
the bot or in a private channel (a group DM the bot is not in, through a user install).
Options are typed from the commands the bot synced to the fake, as a Discord client would.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakediscord.payloads import FakeGuild, FakeUser, snowflake

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
# Interaction callback types.
MESSAGE_WITH_SOURCE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
EPHEMERAL = 1 << 6
# Where an interaction happens (its "context") and who installed the app it reaches.
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1
CHAT_INPUT, MESSAGE_COMMAND = 1, 3  # application command types

_OPTION_TYPES: dict[int, type | tuple[type, ...]] = {3: str, 4: int, 5: bool, 10: (int, float), 11: str}


@dataclass
class InteractionRecord:
    """One dispatched interaction: its payload, the initial response and every later message."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    dispatched_at: float = 0.0
    initial: dict[str, Any] | None = None
    initial_at: float | None = None
    answered_at: float | None = None  # when the user first saw an answer (a message, or a follow-up/edit)
    rejected: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    original_message_id: str | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    followup_message_ids: list[str] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (filename, bytes) the bot attached
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the initial response reaching the fake."""
        return None if self.initial_at is None else self.initial_at - self.dispatched_at

    @property
    def answer_latency(self) -> float | None:
        """Seconds from dispatch to the first answer the user could read (after a deferral: its follow-up)."""
        return None if self.answered_at is None else self.answered_at - self.dispatched_at

    @property
    def last_message_id(self) -> str | None:
        """The message the user saw last: the latest follow-up, else the response's own message."""
        return self.followup_message_ids[-1] if self.followup_message_ids else self.original_message_id

    @property
    def callback_type(self) -> int | None:
        return None if self.initial is None else self.initial.get("type")

    @property
    def ephemeral(self) -> bool:
        data = (self.initial or {}).get("data") or {}
        return bool(int(data.get("flags") or 0) & EPHEMERAL)

    @property
    def choices(self) -> list[dict[str, Any]]:
        if self.callback_type != AUTOCOMPLETE_RESULT:
            raise AssertionError(f"interaction {self.id} was not answered with choices: {self.initial}")
        return (self.initial or {}).get("data", {}).get("choices", [])

    def bodies(self) -> list[dict[str, Any]]:
        """Every message body the user was shown, in order (initial data, edits, follow-ups)."""
        out: list[dict[str, Any]] = []
        if self.callback_type in (MESSAGE_WITH_SOURCE, UPDATE_MESSAGE) and self.initial.get("data"):
            out.append(self.initial["data"])
        return out + self.edits + self.followups

    def text(self) -> str:
        """All visible text of the replies (content and embeds), for content assertions."""
        parts: list[str] = []
        for body in self.bodies():
            parts.append(body.get("content") or "")
            for embed in body.get("embeds") or []:
                parts += [
                    embed.get("title") or "",
                    embed.get("description") or "",
                    (embed.get("footer") or {}).get("text") or "",
                    (embed.get("author") or {}).get("name") or "",
                ]
                for f in embed.get("fields") or []:
                    parts += [f.get("name") or "", f.get("value") or ""]
        return "\n".join(p for p in parts if p)

    def custom_ids(self) -> list[str]:
        """custom_ids of every component on the replies, latest message last."""
        return [
            c["custom_id"]
            for body in self.bodies()
            for row in body.get("components") or []
            for c in row.get("components") or []
            if c.get("custom_id")
        ]

    async def answered(self, within: float = 10.0) -> InteractionRecord:
        """Wait until the user can see an answer: choices, a message, or an edit after a deferral."""

        async def until() -> None:
            while not (self.callback_type == AUTOCOMPLETE_RESULT or self.bodies()):
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), within)
        return self

    async def responded(self, within: float = 10.0) -> InteractionRecord:
        """Wait for the initial response only (any callback type)."""

        async def until() -> None:
            while self.initial is None:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), within)
        return self

    def touch(self, *, answered_at: float | None = None) -> None:
        if answered_at is not None and self.answered_at is None:
            self.answered_at = answered_at
        self.changed.set()


def _base(
    kind: int,
    data: dict[str, Any],
    guild: FakeGuild,
    application_id: str,
    user: FakeUser,
    dm_channel_id: str | None,
    *,
    private_channel_id: str | None = None,
    user_install: bool = False,
) -> dict[str, Any]:
    """``dm_channel_id``: in the user's DM with the bot; ``private_channel_id``: in a group DM the bot is not
    in (only a user install reaches it); ``user_install``: through the app installed to the user's account."""
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": application_id,
        "type": kind,
        "data": data,
        "token": "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
        "version": 1,
        "locale": "en-US",
        "app_permissions": "2251799813685247",
        "entitlements": [],
        "attachment_size_limit": 26214400,
    }
    if private_channel_id is not None:
        payload |= {
            "channel_id": private_channel_id,
            "user": user.user(),
            "context": PRIVATE_CHANNEL_CONTEXT,
            "channel": {"id": private_channel_id, "type": 3, "recipients": [user.user()], "flags": 0},
        }
    elif dm_channel_id is None:
        payload |= {
            "guild_id": guild.id,
            "guild_locale": "en-US",
            "channel_id": guild.channel_id,
            "channel": guild.channel_object(),
            "member": user.member(with_permissions=True),
            "authorizing_integration_owners": {"0": guild.id},
            "context": 0,
        }
    else:
        payload |= {
            "channel_id": dm_channel_id,
            "user": user.user(),
            "context": 1,
            "channel": {"id": dm_channel_id, "type": 1, "recipients": [user.user()], "flags": 0},
            "authorizing_integration_owners": {"0": guild.id},
        }
    if user_install or private_channel_id is not None:
        payload["authorizing_integration_owners"] = {str(USER_INSTALL): user.id}
    return payload


def command_options(
    command: dict[str, Any], path: list[str], values: dict[str, Any], focused: str | None
) -> list[dict[str, Any]]:
    """Typed options for ``/command [group] [sub] name:value ...``, checked like Discord's client would."""
    node = command
    for name in path:
        node = next(
            (o for o in node.get("options") or [] if o.get("name") == name and o["type"] in (1, 2)), None
        )
        if node is None:
            raise LookupError(f"/{command['name']} has no subcommand {name!r}")
    declared = {o["name"]: o for o in node.get("options") or [] if o["type"] not in (1, 2)}
    unknown = set(values) - set(declared)
    if unknown:
        raise LookupError(f"/{command['name']} has no option(s) {sorted(unknown)}; it has {sorted(declared)}")
    if focused is None:
        missing = [n for n, o in declared.items() if o.get("required") and n not in values]
        if missing:
            raise LookupError(f"/{command['name']} needs option(s) {missing}")
    options = []
    for name, value in values.items():
        spec = declared[name]
        if name == focused:  # what the user is typing arrives as a string, whatever the type
            options.append({"name": name, "type": spec["type"], "value": str(value), "focused": True})
            continue
        expected = _OPTION_TYPES.get(spec["type"])
        if expected is not None and not isinstance(value, expected):
            raise TypeError(f"option {name} of /{command['name']} takes type {spec['type']}, got {value!r}")
        if spec.get("choices") and value not in [c["value"] for c in spec["choices"]]:
            raise ValueError(f"{value!r} is not a choice of {name}")
        options.append({"name": name, "type": spec["type"], "value": value})
    for name in reversed(path):
        kind = 1 if name == path[-1] else 2
        options = [{"name": name, "type": kind, "options": options}]
    return options


def slash_payload(
    command: dict[str, Any],
    path: list[str],
    values: dict[str, Any],
    *,
    guild: FakeGuild,
    application_id: str,
    user: FakeUser,
    dm_channel_id: str | None,
    focused: str | None = None,
    **where: Any,
) -> dict[str, Any]:
    data = {
        "id": command.get("id") or snowflake(),
        "name": command["name"],
        "type": CHAT_INPUT,
        "options": command_options(command, path, values, focused),
    }
    kind = AUTOCOMPLETE if focused is not None else APPLICATION_COMMAND
    return _base(kind, data, guild, application_id, user, dm_channel_id, **where)


def message_command_payload(
    command: dict[str, Any],
    target: dict[str, Any],
    *,
    guild: FakeGuild,
    application_id: str,
    user: FakeUser,
    dm_channel_id: str | None,
    **where: Any,
) -> dict[str, Any]:
    """A user picks the message command ``command`` on message ``target``: Discord sends the whole message in
    ``resolved``, its content included whatever the app's intents."""
    data = {
        "id": command.get("id") or snowflake(),
        "name": command["name"],
        "type": MESSAGE_COMMAND,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return _base(APPLICATION_COMMAND, data, guild, application_id, user, dm_channel_id, **where)


def click_payload(
    message: dict[str, Any],
    custom_id: str,
    *,
    guild: FakeGuild,
    application_id: str,
    user: FakeUser,
    dm_channel_id: str | None,
    values: list[str] | None = None,
) -> dict[str, Any]:
    component = next(
        (
            c
            for row in message.get("components") or []
            for c in row.get("components") or []
            if c.get("custom_id") == custom_id
        ),
        None,
    )
    if component is None:
        raise LookupError(f"message {message['id']} has no component {custom_id!r}")
    if component.get("disabled"):
        raise ValueError(f"component {custom_id!r} is disabled and cannot be clicked")
    data = {"custom_id": custom_id, "component_type": component["type"]}
    if component["type"] != 2:  # a select menu: the chosen option values
        allowed = {o.get("value") for o in component.get("options") or []}
        if values is None or not set(values) <= allowed:
            raise ValueError(f"select {custom_id!r} offers {sorted(allowed)}, not {values!r}")
        data["values"] = list(values)
    payload = _base(MESSAGE_COMPONENT, data, guild, application_id, user, dm_channel_id)
    payload["message"] = message
    return payload


def now() -> float:
    return time.monotonic()
