"""/kb reload|check|status|unanswered|upload: the moderators' tools.

Moderators only: hidden from others by default permissions (Manage Server) and
checked again at run time (Manage Server, or the configured moderator role), since
server admins can override default permissions per channel and role.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.tree import NotModerator
from commands._discord import send_lines
from knowledge.errors import StoreError
from knowledge.service import KnowledgeService, ReloadOutcome

log = logging.getLogger(__name__)

MAX_LISTED_IDS = 40


@dataclass(frozen=True)
class Report:
    """A moderator report as plain lines: the console prints it, Discord paginates it."""

    title: str
    lines: list[str]
    ok: bool = True


# --- who is a moderator -----------------------------------------------------------

def is_moderator(*, manage_guild: bool, roles: Iterable[tuple[int, str]], moderator_role: str | None) -> bool:
    """Manage Server, or the configured role (by id, or by name ignoring case)."""
    if manage_guild:
        return True
    if not moderator_role:
        return False
    wanted = moderator_role.strip()
    for role_id, role_name in roles:
        if wanted == str(role_id) or wanted.casefold() == role_name.casefold():
            return True
    return False


def member_is_moderator(user: Any, permissions: Any, moderator_role: str | None) -> bool:
    """The same decision from discord objects: a Member (roles, guild permissions) or a plain User."""
    manage = bool(getattr(permissions, "manage_guild", False))
    guild_permissions = getattr(user, "guild_permissions", None)
    manage = manage or bool(getattr(guild_permissions, "manage_guild", False))
    roles = [(role.id, role.name) for role in getattr(user, "roles", ())]
    return is_moderator(manage_guild=manage, roles=roles, moderator_role=moderator_role)


# --- transport-agnostic reports -------------------------------------------------------

def _ids(label: str, ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED_IDS])
    more = f" … and {len(ids) - MAX_LISTED_IDS} more" if len(ids) > MAX_LISTED_IDS else ""
    return f"{label} ({len(ids)}): {shown}{more}"


def describe_outcome(outcome: ReloadOutcome) -> Report:
    verb = {"reload": "Reload", "upload": "Upload", "check": "Check", "startup": "Load"}[outcome.action]
    if not outcome.ok:
        if outcome.refused:
            return Report(f"{verb} refused", [outcome.refused, "Nothing was changed."], ok=False)
        lines = [f"{len(outcome.problems)} problem(s) found; nothing was changed."]
        if outcome.action != "check":
            lines.append(f"Still answering from knowledge base {outcome.version or '(none)'}.")
        lines += [f"• {p}" for p in outcome.problems]
        return Report(f"{verb} refused" if outcome.action != "check" else "Check failed", lines, ok=False)
    lines = []
    if outcome.written:
        lines.append(f"Wrote {outcome.written}.")
    if outcome.action == "check":
        lines.append(f"The knowledge directory is valid (version {outcome.version}); nothing was loaded.")
        if outcome.previous_version:
            lines.append(f"The live knowledge base is {outcome.previous_version}. Compared with it:")
    else:
        lines.append(f"Now answering from knowledge base {outcome.version} (was {outcome.previous_version}).")
    lines.append("Counts: " + ", ".join(f"{k} {v}" for k, v in outcome.counts.items()))
    if outcome.unchanged:
        lines.append("No change in content.")
    for kind, (before, after) in outcome.count_changes.items():
        lines.append(f"{kind}: {before} → {after}")
    for label, ids in (("Added", outcome.added), ("Removed", outcome.removed), ("Changed", outcome.changed)):
        if ids:
            lines.append(_ids(label, ids))
    return Report(f"{verb} done" if outcome.action != "check" else "Check passed", lines)


async def status_report(service: KnowledgeService) -> Report:
    status = await service.status()
    lines = [f"Knowledge base {status.version}, from {status.directory}",
             "Counts: " + ", ".join(f"{k} {v}" for k, v in status.counts.items())]
    if status.last_reload_at or status.last_reload_by:
        result = "" if status.last_reload_ok is None else (" (ok)" if status.last_reload_ok else " (refused)")
        lines.append(f"Last reload: {status.last_reload_at or '?'} by {status.last_reload_by or '?'}{result}")
    elif status.store_available:
        lines.append("Last reload: none recorded.")
    if not status.store_available:
        lines.append("The database is unavailable: reload history can't be shown.")
    return Report("Knowledge base status", lines)


async def unanswered_report(service: KnowledgeService, *, limit: int = 10, days: int = 30) -> Report:
    if service.store is None:
        return Report("Unanswered questions", ["The database is unavailable."], ok=False)
    try:
        rows = await service.store.unanswered(limit=limit, days=days)
    except StoreError as exc:
        log.error("could not read unanswered questions: %s", exc)
        return Report("Unanswered questions", ["The database is unavailable right now."], ok=False)
    if not rows:
        return Report("Unanswered questions", [f"No unanswered questions in the last {days} days."])
    lines = [f"Most frequent in the last {days} days:"]
    lines += [f"{row.count}× {row.question} (last {row.last_asked:%Y-%m-%d %H:%M})" for row in rows]
    return Report("Unanswered questions", lines)


# --- Discord -----------------------------------------------------------------------------

def _who(interaction: discord.Interaction) -> str:
    return f"{interaction.user.name} ({interaction.user.id})"


async def _send(interaction: discord.Interaction, report: Report, *, user_text: bool = False) -> None:
    lines = report.lines
    if user_text:  # question texts typed by users: no markdown tricks either
        lines = [discord.utils.escape_markdown(line) for line in lines]
    await send_lines(interaction, report.title, lines, ok=report.ok)


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class KbAdmin(commands.GroupCog, group_name="kb", group_description="Moderators: manage the knowledge base"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        role = self.bot.settings.moderator_role
        if not member_is_moderator(interaction.user, interaction.permissions, role):
            raise NotModerator()
        return True

    @app_commands.command(name="reload", description="Re-read the knowledge files; swap if all valid")
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await _send(interaction, describe_outcome(await self.bot.service.reload(_who(interaction))))

    @app_commands.command(name="check", description="Validate the files on disk without loading them")
    async def check(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await _send(interaction, describe_outcome(await self.bot.service.check(_who(interaction))))

    @app_commands.command(name="status", description="Knowledge base version, counts and last reload")
    async def status(self, interaction: discord.Interaction) -> None:
        await _send(interaction, await status_report(self.bot.service))

    @app_commands.command(name="unanswered", description="The most frequent recent unanswered questions")
    @app_commands.describe(days="How many days back (default 30)", limit="How many questions (default 10)")
    async def unanswered(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30,
                         limit: app_commands.Range[int, 1, 50] = 10) -> None:
        report = await unanswered_report(self.bot.service, limit=limit, days=days)
        await _send(interaction, report, user_text=True)

    @app_commands.command(name="upload", description="Add or replace a .toml knowledge file")
    @app_commands.describe(file="A .toml knowledge file")
    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        service: KnowledgeService = self.bot.service
        await interaction.response.defer(ephemeral=True, thinking=True)
        if file.size > service.max_upload_bytes:
            outcome = await service.refuse_upload(
                file.filename, f"the file is {file.size:,} bytes; the limit is {service.max_upload_bytes:,}",
                _who(interaction))
        else:
            outcome = await service.upload(file.filename, await file.read(), _who(interaction))
        await _send(interaction, describe_outcome(outcome))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(KbAdmin(bot))
