"""The command tree with the one error path: a short, friendly ephemeral reply; the traceback logged."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.admission import Admission
from commands.ui.errors import report_error


class CitedCommandTree(app_commands.CommandTree):
    """The tree, with every slash command paced by an Admission (see bot/admission.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # CommandTree's own arguments, passed on
        super().__init__(*args, **kwargs)
        self.admission = Admission()

    def _from_interaction(self, interaction: discord.Interaction) -> None:
        # Called as the gateway event is parsed, in arrival order: the interaction's age starts here.
        if interaction.type is discord.InteractionType.application_command:
            self.admission.arrived(interaction)
        super()._from_interaction(interaction)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True
        return await self.admission.admit(interaction)

    async def _call(self, interaction: discord.Interaction) -> None:
        try:
            await super()._call(interaction)
        except app_commands.AppCommandError as error:  # here rather than in discord.py's task wrapper,
            await self._dispatch_error(interaction, error)  # so the error path still knows the age
        finally:
            self.admission.done(interaction)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "an interaction"
        await report_error(interaction, error, where=f"/{name}")
