"""Discord API objects as the real API serialises them (v10), for the fake to send and return."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
_increment = itertools.count()

# Permission bits used by the fake's guild (discord.py reads them as decimal strings).
SEND_MESSAGES = 1 << 11
VIEW_CHANNEL = 1 << 10
EMBED_LINKS = 1 << 14
READ_HISTORY = 1 << 16
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_HISTORY | (1 << 31)  # + use app cmds
MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD


def snowflake() -> str:
    """A fresh, time-ordered snowflake, as a string like Discord sends them."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_increment) & 0x3FFFFF))


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


def user_object(user_id: str, username: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": username,
        "discriminator": "0",
        "global_name": username,
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "primary_guild": None,
    }


@dataclass
class FakeUser:
    id: str
    name: str
    role_ids: list[str] = field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS
    bot: bool = False

    def user(self) -> dict[str, Any]:
        return user_object(self.id, self.name, bot=self.bot)

    def member(self, *, with_user: bool = True, with_permissions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": list(self.role_ids),
            "joined_at": "2022-09-13T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "pending": False,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass
class FakeGuild:
    """One guild: a text channel, an @everyone and a moderator role, a bot member and two people."""

    id: str
    name: str
    channel_id: str
    moderator_role_id: str
    member_role_id: str
    members: list[FakeUser]
    moderator_role_name: str = "Moderators"

    def role_objects(self) -> list[dict[str, Any]]:
        def role(role_id: str, name: str, position: int, permissions: int) -> dict[str, Any]:
            return {
                "id": role_id,
                "name": name,
                "color": 0,
                "colors": {"primary_color": 0},
                "hoist": False,
                "icon": None,
                "unicode_emoji": None,
                "position": position,
                "permissions": str(permissions),
                "managed": False,
                "mentionable": True,
                "flags": 0,
            }

        return [
            role(self.id, "@everyone", 0, MEMBER_PERMISSIONS),
            role(self.member_role_id, "Readers", 1, MEMBER_PERMISSIONS),
            role(self.moderator_role_id, self.moderator_role_name, 2, MODERATOR_PERMISSIONS),
        ]

    def channel_object(self) -> dict[str, Any]:
        return {
            "id": self.channel_id,
            "type": 0,
            "guild_id": self.id,
            "name": "border-clashes",
            "position": 0,
            "permission_overwrites": [],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }

    def create_event(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": self.members[0].id,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": self.role_objects(),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": "2022-09-13T00:00:00+00:00",
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [m.member() for m in self.members],
            "channels": [self.channel_object()],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass
class FakeFile:
    """A file a user attaches to a slash command option; the fake serves it like Discord's CDN."""

    filename: str
    data: bytes
    content_type: str = "application/toml"


def _without_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_nulls(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_without_nulls(v) for v in node]
    return node


# What Discord fills in when a component leaves it unset (the fields its stored components always have).
_SELECT_DEFAULTS = {"min_values": 1, "max_values": 1}
_COMPONENT_DEFAULTS: dict[Any, dict[str, Any]] = {
    **{kind: _SELECT_DEFAULTS for kind in (3, 5, 6, 7, 8)},
    11: {"description": None, "spoiler": False},  # thumbnail
    14: {"spacing": 1, "divider": True},  # separator
    17: {"accent_color": None, "spoiler": False},  # container
}


def stored(key: str, value: Any) -> Any:
    """A message's ``embeds`` or ``components`` as Discord returns them once stored: unset fields left out,
    an embed's type "rich" by default, and every component numbered (depth first, from 1) unless the bot
    gave it an id."""
    if key == "embeds":
        return [{"type": "rich", **_without_nulls(e)} for e in value or []]
    if key != "components":
        return value
    components = _without_nulls(value or [])
    numbers = itertools.count(1)

    def number(component: dict[str, Any]) -> None:
        component.setdefault("id", next(numbers))
        for key, value in _COMPONENT_DEFAULTS.get(component.get("type"), {}).items():
            component.setdefault(key, value)
        for child in component.get("components") or []:
            number(child)
        if isinstance(component.get("accessory"), dict):
            number(component["accessory"])

    for component in components:
        number(component)
    return components


def message_object(
    *,
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    body: dict[str, Any],
    guild_id: str | None = None,
    webhook_id: str | None = None,
    interaction_id: str | None = None,
    flags: int = 0,
) -> dict[str, Any]:
    """The message Discord would create from a send/follow-up/edit body."""
    data: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "author": author,
        "content": body.get("content") or "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts")),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": stored("embeds", body.get("embeds")),
        "reactions": [],
        "pinned": False,
        "type": 0 if interaction_id is None else 20,
        "flags": flags | int(body.get("flags") or 0),
        "components": stored("components", body.get("components")),
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    if webhook_id is not None:
        data["webhook_id"] = webhook_id
    reference = body.get("message_reference")
    if reference:  # as Discord returns it: a type (0, a reply) and the ids as strings
        ids = {k: str(reference[k]) for k in ("message_id", "channel_id", "guild_id") if reference.get(k)}
        data["message_reference"] = {"type": reference.get("type") or 0, "channel_id": channel_id, **ids}
    return data


def default_guild() -> tuple[FakeGuild, FakeUser, FakeUser]:
    """A guild with a moderator ("mod") and an ordinary member ("reader")."""
    guild_id, moderator_role, member_role = snowflake(), snowflake(), snowflake()
    moderator = FakeUser(snowflake(), "mod", role_ids=[moderator_role], permissions=MODERATOR_PERMISSIONS)
    reader = FakeUser(snowflake(), "reader", role_ids=[member_role])
    guild = FakeGuild(
        id=guild_id,
        name="Caucasus Desk",
        channel_id=snowflake(),
        moderator_role_id=moderator_role,
        member_role_id=member_role,
        members=[moderator, reader],
    )
    return guild, moderator, reader
