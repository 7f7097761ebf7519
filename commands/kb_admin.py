"""/kb reload|check|status|unanswered|upload|rollback: the moderators' tools.

Moderators only: hidden from others by default permissions (Manage Server) and
checked again at run time (Manage Server, or the configured moderator role), since
server admins can override default permissions per channel and role.
"""

from __future__ import annotations

import asyncio
import io
import logging
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render_discord import render_lines
from bot.tree import NotModerator
from commands._discord import NO_MENTIONS, defer_private, send_lines
from knowledge.errors import StoreError
from knowledge.service import KnowledgeService, KnowledgeStatus, ReloadOutcome, is_article
from knowledge.store import StoreBusy

if TYPE_CHECKING:
    from bot.client import CitedBot

log = logging.getLogger(__name__)

MAX_LISTED_IDS = 40
SILENT_AFTER_S = 30.0  # a process that has not reported for this long may be gone
MAX_CONFIRM_IDS = 15  # per kind, so that a confirmation fits on one page with its buttons
CONFIRM_TIMEOUT_S = 300.0  # within the 15 minutes an interaction's token lasts


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


def _ids(label: str, ids: list[str], limit: int = MAX_LISTED_IDS) -> str:
    shown = ", ".join(ids[:limit])
    more = f" … and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"{label} ({len(ids)}): {shown}{more}"


def describe_confirmation(outcome: ReloadOutcome, hint: str) -> Report:
    """An upload held back because it removes items: what it would remove and change, and how to apply it."""
    live = f" {outcome.version}" if outcome.version else ""
    lines = [
        f"{outcome.file} would remove {len(outcome.removed)} item(s) from the live knowledge base{live}:"
    ]
    lines += ["• " + _ids(kind, ids, MAX_CONFIRM_IDS) for kind, ids in outcome.removed_by_kind.items()]
    for kind, (before, after) in outcome.count_changes.items():
        lines.append(f"{kind}: {before} → {after}")
    for label, ids in (("Added", outcome.added), ("Changed", outcome.changed)):
        if ids:
            lines.append(_ids(label, ids, MAX_CONFIRM_IDS))
    lines += ["Nothing was written yet.", hint]
    return Report("Upload needs confirmation", [line for line in lines if line], ok=False)


def describe_outcome(outcome: ReloadOutcome, *, confirm_hint: str = "") -> Report:
    verb = {
        "reload": "Reload",
        "upload": "Upload",
        "check": "Check",
        "startup": "Load",
        "rollback": "Rollback",
    }[outcome.action]
    if outcome.needs_confirmation:
        return describe_confirmation(outcome, confirm_hint)
    if not outcome.ok:
        if outcome.refused:  # every refusal names the file and the reason
            reasons = [str(p) for p in outcome.problems] or [outcome.refused]
            return Report(f"{verb} refused", [*reasons, "Nothing was changed."], ok=False)
        lines = [f"{len(outcome.problems)} problem(s) found; nothing was changed."]
        if outcome.action != "check":
            lines.append(f"Still answering from knowledge base {outcome.version or '(none)'}.")
        lines += [f"• {p}" for p in outcome.problems]
        return Report(f"{verb} refused" if outcome.action != "check" else "Check failed", lines, ok=False)
    if outcome.draft_path is not None:
        return describe_article(outcome)
    lines = []
    if outcome.written:
        lines.append(f"Wrote {outcome.written}.")
    if outcome.action == "check":
        lines.append(f"The knowledge directory is valid (version {outcome.version}); nothing was loaded.")
        if outcome.previous_version:
            lines.append(f"The live knowledge base is {outcome.previous_version}. Compared with it:")
    else:
        lines.append(f"Now answering from knowledge base {outcome.version} (was {outcome.previous_version}).")
    lines += outcome.notes
    lines.append("Counts: " + ", ".join(f"{k} {v}" for k, v in outcome.counts.items()))
    if outcome.unchanged:
        lines.append("No change in content.")
    for kind, (before, after) in outcome.count_changes.items():
        lines.append(f"{kind}: {before} → {after}")
    for label, ids in (("Added", outcome.added), ("Removed", outcome.removed), ("Changed", outcome.changed)):
        if ids:
            lines.append(_ids(label, ids))
    return Report(f"{verb} done" if outcome.action != "check" else "Check passed", lines)


def describe_article(outcome: ReloadOutcome) -> Report:
    """A new article waiting beside its draft: where the draft is; the live knowledge is unchanged."""
    lines = [
        f"Wrote {outcome.written}.",
        f"Still answering from knowledge base {outcome.version} (unchanged).",
        *outcome.notes,
        f"Draft written to {outcome.draft_path}.",
    ]
    return Report("Article added", lines)


async def status_report(service: KnowledgeService) -> Report:
    status = await service.status()
    lines = [
        f"Knowledge base {status.version}, from {status.directory}",
        "Counts: " + ", ".join(f"{k} {v}" for k, v in status.counts.items()),
    ]
    if status.last_reload_at or status.last_reload_by:
        result = "" if status.last_reload_ok is None else (" (ok)" if status.last_reload_ok else " (refused)")
        lines.append(f"Last reload: {status.last_reload_at or '?'} by {status.last_reload_by or '?'}{result}")
    elif status.store_available:
        lines.append("Last reload: none recorded.")
    if not status.store_available:
        lines.append(
            "The database is busy (held by another process?): reload history can't be shown right now."
            if status.store_busy
            else "The database is unavailable: reload history can't be shown."
        )
    elif status.store_busy:
        lines.append("The database is busy (held by another process?): new records wait to be written.")
    if status.records_waiting or status.records_dropped:
        lines.append(
            f"Records waiting to be written: {status.records_waiting}; "
            f"dropped since start (queue full): {status.records_dropped}"
        )
    lines += process_lines(status)
    return Report("Knowledge base status", lines)


def process_lines(status: KnowledgeStatus) -> list[str]:
    """The processes sharing the database: each one's knowledge version and when it last reported."""
    if status.processes_problem is not None:
        return ["Processes: the database did not list them in time."]
    if not status.processes:
        return []
    lines = [f"Processes ({len(status.processes)}):"]
    for p in status.processes:
        age = p.heartbeat_age_s
        heard = f"silent for {age:.0f} s" if age > SILENT_AFTER_S else f"reported {age:.0f} s ago"
        mark = " (this one)" if p.this else ""
        same = "" if p.version == status.version else " (differs)"
        line = f"- {p.name}{mark}, shards {p.shards}: {p.version or '?'}{same}, {heard}"
        lines.append(line + (f"; {p.problem}" if p.problem else ""))
    return lines


async def unanswered_report(service: KnowledgeService, *, limit: int = 10, days: int = 30) -> Report:
    if service.store is None:
        return Report("Unanswered questions", ["The database is unavailable."], ok=False)
    try:
        rows = await service.store.unanswered(limit=limit, days=days)
    except StoreBusy as exc:  # the read gave up in time rather than miss the interaction's deadline
        log.warning("could not read unanswered questions in time: %s", exc)
        return Report(
            "Unanswered questions",
            ["The database is busy right now (held by another process?); try again in a moment."],
            ok=False,
        )
    except StoreError as exc:
        log.error("could not read unanswered questions: %s", exc)
        return Report("Unanswered questions", ["The database is unavailable right now."], ok=False)
    if not rows:
        return Report("Unanswered questions", [f"No unanswered questions in the last {days} days."])
    lines = [f"Most frequent in the last {days} days:"]
    for row in rows:
        link = jump_link(row.guild_id, row.channel_id, row.message_id)
        lines.append(
            f"{row.count}× {row.question} (last {row.last_asked:%Y-%m-%d %H:%M})"
            + (f" {link}" if link else "")
        )
    return Report("Unanswered questions", lines)


def jump_link(guild_id: str | None, channel_id: str | None, message_id: str | None) -> str | None:
    """Discord's link to a message (``@me`` for a direct message), or None without a channel and message."""
    ids = (channel_id, message_id)
    if not all(i is not None and i.isdigit() for i in ids) or (
        guild_id is not None and not guild_id.isdigit()
    ):
        return None
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


async def upload_from_path(
    service: KnowledgeService, path_text: str, *, yes: bool, who: str = "console"
) -> Report:
    """The console's ``/kb upload PATH [--yes]``: a local file, refused (naming it) unless it is a regular
    file within the size limit; one that removes items is applied only with ``--yes``. A ``.txt`` is a new
    article: written into the corpus, its draft written for review (the report says where)."""
    name = Path(path_text).name

    def read() -> bytes | str:
        path = Path(path_text).expanduser()
        try:
            info = path.stat()
        except OSError as exc:
            return f"cannot read {path_text}: {exc.strerror or exc}"
        if not stat.S_ISREG(info.st_mode):
            return f"{path_text} is not a regular file"
        if info.st_size > service.max_upload_bytes:
            return f"the file is {info.st_size:,} bytes; the limit is {service.max_upload_bytes:,}"
        try:
            with path.open("rb") as fh:
                return fh.read(service.max_upload_bytes + 1)
        except OSError as exc:
            return f"cannot read {path_text}: {exc.strerror or exc}"

    data = await asyncio.to_thread(read)
    if isinstance(data, str):
        outcome = await service.refuse_upload(name, data, who)
    elif is_article(name):
        outcome = await service.upload_article(name, data, who)
    else:
        outcome = await service.upload(name, data, who, confirmed=yes)
    return describe_outcome(outcome, confirm_hint=f"To apply it anyway: /kb upload {path_text} --yes")


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
@app_commands.allowed_installs(guilds=True, users=False)  # moderators' commands: a server install only
class KbAdmin(commands.GroupCog, group_name="kb", group_description="Moderators: manage the knowledge base"):
    def __init__(self, bot: CitedBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        role = self.bot.settings.moderator_role
        if not member_is_moderator(interaction.user, interaction.permissions, role):
            raise NotModerator()
        return True

    @app_commands.command(name="reload", description="Re-read the knowledge files; swap if all valid")
    async def reload(self, interaction: discord.Interaction) -> None:
        await defer_private(interaction)
        await _send(interaction, describe_outcome(await self.bot.service.reload(_who(interaction))))

    @app_commands.command(name="check", description="Validate the files on disk without loading them")
    async def check(self, interaction: discord.Interaction) -> None:
        await defer_private(interaction)
        await _send(interaction, describe_outcome(await self.bot.service.check(_who(interaction))))

    @app_commands.command(name="status", description="Knowledge base version, counts and last reload")
    async def status(self, interaction: discord.Interaction) -> None:
        await _send(interaction, await status_report(self.bot.service))

    @app_commands.command(name="unanswered", description="The most frequent recent unanswered questions")
    @app_commands.describe(days="How many days back (default 30)", limit="How many questions (default 10)")
    async def unanswered(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, 365] = 30,
        limit: app_commands.Range[int, 1, 50] = 10,
    ) -> None:
        report = await unanswered_report(self.bot.service, limit=limit, days=days)
        await _send(interaction, report, user_text=True)

    @app_commands.command(
        name="upload", description="Add or replace a .toml knowledge file, or add a .txt article (drafted)"
    )
    @app_commands.describe(file="A .toml knowledge file, or a new article as .txt (its draft is attached)")
    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        service: KnowledgeService = self.bot.service
        await defer_private(interaction)
        if file.size > service.max_upload_bytes:
            outcome = await service.refuse_upload(
                file.filename,
                f"the file is {file.size:,} bytes; the limit is {service.max_upload_bytes:,}",
                _who(interaction),
            )
            await _send(interaction, describe_outcome(outcome))
            return
        data = await file.read()
        if is_article(file.filename):
            outcome = await service.upload_article(file.filename, data, _who(interaction))
        else:
            outcome = await service.upload(file.filename, data, _who(interaction))
        if outcome.needs_confirmation:
            await ConfirmUpload(service, file.filename, data, outcome, owner_id=interaction.user.id).ask(
                interaction
            )
        elif outcome.draft is not None and outcome.draft_path is not None:
            await _send(interaction, describe_outcome(outcome))
            draft = discord.File(io.BytesIO(outcome.draft.encode("utf-8")), Path(outcome.draft_path).name)
            await interaction.followup.send(
                f"The draft of {file.filename}, for review:",
                file=draft,
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
        else:
            await _send(interaction, describe_outcome(outcome))

    @app_commands.command(name="rollback", description="Restore the previous version of the knowledge files")
    async def rollback(self, interaction: discord.Interaction) -> None:
        await defer_private(interaction)
        await _send(interaction, describe_outcome(await self.bot.service.rollback(_who(interaction))))


CONFIRM_HINT = (
    "Apply anyway writes it and loads it (checked again first); Cancel, or no answer within "
    "5 minutes, leaves everything as it is."
)


class ConfirmUpload(discord.ui.View):
    """ "Apply anyway" / "Cancel" under an upload that would remove items; only its uploader may click.

    Apply uploads the same bytes again, confirmed for the removals shown (re-validated against the
    folder as it is then; if it would now remove more, it asks again). A timeout applies nothing.
    """

    def __init__(
        self,
        service: KnowledgeService,
        filename: str,
        data: bytes,
        outcome: ReloadOutcome,
        *,
        owner_id: int,
        timeout: float | None = None,
    ) -> None:
        super().__init__(timeout=timeout or CONFIRM_TIMEOUT_S)
        self.service = service
        self.filename = filename
        self.data = data
        self.outcome = outcome
        self.owner_id = owner_id
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None
        self.settled = False

    def _embed(self, report: Report) -> discord.Embed:
        return render_lines(report.title, report.lines, ok=report.ok)[0]

    async def ask(self, interaction: discord.Interaction) -> None:
        """Show the confirmation with its buttons: in place of the "thinking" reply, or as a follow-up."""
        embed = self._embed(describe_outcome(self.outcome, confirm_hint=CONFIRM_HINT))
        if interaction.response.is_done() and interaction.type is discord.InteractionType.application_command:
            self.message = await interaction.edit_original_response(
                embed=embed, view=self, allowed_mentions=NO_MENTIONS
            )
        else:
            self.message = await interaction.followup.send(
                embed=embed, view=self, ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
            )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "Only the moderator who uploaded this file can apply or cancel it.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return False
        if self.settled:  # a second click that arrived before the buttons were removed
            await interaction.response.send_message(
                "This upload was already applied or cancelled.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return False
        return True

    @discord.ui.button(label="Apply anyway", style=discord.ButtonStyle.danger, custom_id="kb:upload:apply")
    async def apply(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.settled = True
        self.stop()
        await interaction.response.edit_message(
            embed=self._embed(Report("Upload confirmed", [f"Applying {self.filename}…"])), view=None
        )
        outcome = await self.service.upload(
            self.filename, self.data, _who(interaction), confirmed=frozenset(self.outcome.removed)
        )
        if outcome.needs_confirmation:  # the folder changed meanwhile: it would now remove more
            await ConfirmUpload(
                self.service, self.filename, self.data, outcome, owner_id=self.owner_id, timeout=self.timeout
            ).ask(interaction)
        else:
            await _send(interaction, describe_outcome(outcome))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="kb:upload:cancel")
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.settled = True
        self.stop()
        log.info("upload of %s by %s cancelled", self.filename, _who(interaction))
        report = Report("Upload cancelled", [f"{self.filename} was not written; nothing was changed."])
        await interaction.response.edit_message(embed=self._embed(report), view=None)

    async def on_timeout(self) -> None:
        if self.settled or self.message is None:
            return
        self.settled = True
        report = Report(
            "Upload not applied",
            [f"No answer within {self.timeout:g} s: {self.filename} was not written; nothing was changed."],
            ok=False,
        )
        try:
            await self.message.edit(embed=self._embed(report), view=None)
        except discord.HTTPException as exc:  # the message is gone or the token expired: nothing to undo
            log.info("could not mark the expired upload confirmation: %s", exc)


async def setup(bot: CitedBot) -> None:
    await bot.add_cog(KbAdmin(bot))
