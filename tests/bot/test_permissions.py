"""Moderator gating: Manage Server, or the configured role by name or id; nobody else."""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest
from discord import app_commands

from commands.kb_admin import KbAdmin, is_moderator, member_is_moderator
from commands.ui.errors import NotModerator, friendly_text


def member(*, manage_guild: bool = False, roles: tuple[tuple[int, str], ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(
        id=7,
        name="someone",
        guild_permissions=discord.Permissions(manage_guild=manage_guild),
        roles=[SimpleNamespace(id=i, name=n) for i, n in roles],
    )


def test_manage_guild_is_enough() -> None:
    """Manage Server alone makes a moderator, with or without a configured role."""
    assert is_moderator(manage_guild=True, roles=[], moderator_role=None)
    assert is_moderator(manage_guild=True, roles=[], moderator_role="Curators")


def test_configured_role_by_name_or_id() -> None:
    """The configured role counts by name (any case) or by id."""
    roles = [(1111, "Curators"), (2222, "Everyone else")]
    assert is_moderator(manage_guild=False, roles=roles, moderator_role="curators")
    assert is_moderator(manage_guild=False, roles=roles, moderator_role="1111")
    assert not is_moderator(manage_guild=False, roles=roles, moderator_role="Admins")
    assert not is_moderator(manage_guild=False, roles=roles, moderator_role="3333")


def test_neither_permission_nor_role() -> None:
    """No Manage Server and no role configured: not a moderator."""
    assert not is_moderator(manage_guild=False, roles=[(1, "Curators")], moderator_role=None)
    assert not is_moderator(manage_guild=False, roles=[(1, "Curators")], moderator_role="")


def test_member_objects() -> None:
    """The same decision from member-shaped objects; a DM user without roles is never a moderator."""
    no_perms = discord.Permissions.none()
    assert member_is_moderator(member(manage_guild=True), no_perms, None)
    assert member_is_moderator(member(), discord.Permissions(manage_guild=True), None)
    assert member_is_moderator(member(roles=((5, "KB editors"),)), no_perms, "kb editors")
    assert not member_is_moderator(member(roles=((5, "KB editors"),)), no_perms, None)
    assert not member_is_moderator(SimpleNamespace(id=1, name="dm user"), no_perms, "KB editors")


@pytest.mark.parametrize(
    ("manage", "roles", "role_setting", "allowed"),
    [
        (True, (), None, True),
        (False, ((9, "Curators"),), "Curators", True),
        (False, ((9, "Curators"),), None, False),
        (False, (), "Curators", False),
    ],
)
async def test_kb_interaction_check(
    manage: bool, roles: tuple, role_setting: str | None, allowed: bool
) -> None:
    """The /kb group's run-time check admits moderators and raises NotModerator for others."""
    bot = SimpleNamespace(settings=SimpleNamespace(moderator_role=role_setting))
    cog = KbAdmin(bot)  # type: ignore[arg-type]
    interaction = SimpleNamespace(
        user=member(manage_guild=manage, roles=roles), permissions=discord.Permissions.none()
    )
    if allowed:
        assert await cog.interaction_check(interaction) is True  # type: ignore[arg-type]
    else:
        with pytest.raises(NotModerator):
            await cog.interaction_check(interaction)  # type: ignore[arg-type]


def test_refusals_have_friendly_text() -> None:
    """Refusals read as plain sentences; unexpected errors never show their raw text."""
    text, expected = friendly_text(NotModerator())
    assert expected and "moderators" in text
    cooldown = app_commands.CommandOnCooldown(app_commands.Cooldown(1, 5.0), 4.2)
    text, expected = friendly_text(cooldown)
    assert expected and "4 s" in text
    text, expected = friendly_text(RuntimeError("secret internals at /srv/x.py"))
    assert not expected and "secret" not in text
