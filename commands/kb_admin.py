"""/kb reload|check|status|unanswered|upload|rollback: the moderators' tools.

Moderators only: hidden from others by default permissions (Manage Server) and
checked again at run time (Manage Server, or the configured moderator role), since
server admins can override default permissions per channel and role.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from commands.kb_reports import Report, describe_outcome, status_report, unanswered_report
from commands.ui.errors import NotModerator
from commands.ui.host import Host
from commands.ui.render import render_lines
from commands.ui.shared import NO_MENTIONS, defer_private, send_lines
from knowledge.service import KnowledgeService, ReloadOutcome, is_article

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_S = 300.0  # within the 15 minutes an interaction's token lasts


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


# --- Discord -----------------------------------------------------------------------------


def _who(interaction: discord.Interaction) -> str:
    return f"{interaction.user.name} ({interaction.user.id})"


async def _send(
    interaction: discord.Interaction, report: Report, *, user_text: bool = False, replace: bool = False
) -> None:
    lines = report.lines
    if user_text:  # question texts typed by users: no markdown tricks either
        lines = [discord.utils.escape_markdown(line) for line in lines]
    await send_lines(interaction, report.title, lines, ok=report.ok, replace=replace)


STAGE_WORDS = {"validating": "validating…", "indexing": "indexing…", "swapping": "swapping…"}


class StageReplies:
    """A moderator's deferred reply, edited with each stage of a reload or upload as it starts ("Reload:
    validating…", "indexing…", "swapping…"): the service's progress callback. Edits go out one at a time, in
    order; ``settled()`` waits for them, so the final answer, put in their place, always comes last."""

    def __init__(self, interaction: discord.Interaction, doing: str) -> None:
        self.interaction = interaction
        self.doing = doing
        self.shown: list[str] = []
        self._last: asyncio.Task[None] | None = None

    def __call__(self, stage: str) -> None:
        self._last = asyncio.create_task(self._show(stage, self._last), name=f"kb-progress-{stage}")

    async def _show(self, stage: str, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        try:
            await self.interaction.edit_original_response(
                content=f"{self.doing}: {STAGE_WORDS.get(stage, stage)}", allowed_mentions=NO_MENTIONS
            )
            self.shown.append(stage)
        except discord.HTTPException as exc:  # progress is a courtesy: the answer still comes
            log.info("could not show the %s stage of %s: %s", stage, self.doing, exc)

    async def settled(self) -> bool:
        """Wait for the edits under way; whether any stage was shown (the answer then goes in its place)."""
        if self._last is not None:
            await asyncio.wait([self._last])
        return bool(self.shown)


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # moderators' commands: a server install only
class KbAdmin(commands.GroupCog, group_name="kb", group_description="Moderators: manage the knowledge base"):
    def __init__(self, bot: Host) -> None:
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
        stages = StageReplies(interaction, "Reload")
        outcome = await self.bot.service.reload(_who(interaction), progress=stages)
        await _send(interaction, describe_outcome(outcome), replace=await stages.settled())

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
        stages = StageReplies(interaction, f"Upload of {file.filename}")
        if is_article(file.filename):
            outcome = await service.upload_article(file.filename, data, _who(interaction))
        else:
            outcome = await service.upload(file.filename, data, _who(interaction), progress=stages)
        replace = await stages.settled()
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
            await _send(interaction, describe_outcome(outcome), replace=replace)

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
            self.message = (
                await interaction.edit_original_response(  # content: the upload's progress, cleared
                    content=None, embed=embed, view=self, allowed_mentions=NO_MENTIONS
                )
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


async def setup(bot: Host) -> None:
    await bot.add_cog(KbAdmin(bot))
