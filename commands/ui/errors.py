"""The one error path's words: what a user reads when a command fails or is refused (short, ephemeral, never
the exception's text), and the reply that tells them; the traceback goes to the log."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from commands.ui.host import Pacing

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
GENERIC_FAILURE = "Sorry, something went wrong on my side. It has been logged; please try again later."


class NotModerator(app_commands.CheckFailure):
    """The user may not run moderator commands."""


def friendly_text(error: Exception) -> tuple[str, bool]:
    """(what the user reads, whether it is an expected refusal rather than a bug)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s.", True
    if isinstance(error, NotModerator):
        return "Only moderators (Manage Server, or the moderator role) can use the /kb commands.", True
    if isinstance(
        error, (app_commands.MissingPermissions, app_commands.MissingRole, app_commands.MissingAnyRole)
    ):
        return "You don't have the permissions this command needs.", True
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server.", True
    if isinstance(error, app_commands.BotMissingPermissions):
        return "I am missing permissions in this channel to do that.", True
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here.", True
    if isinstance(error, app_commands.TransformerError):
        return "I couldn't understand one of the options; please check it and try again.", True
    return GENERIC_FAILURE, False


async def report_error(interaction: discord.Interaction, error: Exception, *, where: str) -> None:
    """Answer the interaction exactly once with a short ephemeral message; log the failure."""
    text, expected = friendly_text(error)
    admission: Pacing | None = getattr(getattr(interaction.client, "tree", None), "admission", None)
    if expected:
        log.info("refused %s for user %s: %s", where, interaction.user.id, type(error).__name__)
    else:
        original = getattr(error, "original", error)
        log.error("error in %s", where, exc_info=(type(original), original, original.__traceback__))
    if admission is not None and admission.past_deadline(interaction):
        log.warning("%s: too late to tell user %s about it", where, interaction.user.id)
        return
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("could not tell the user about an error in %s: %s", where, exc)
