"""/casualties [side] [event]: figures by side and event, each with its sources."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option
from commands.ui.host import Host
from commands.ui.shared import TEXT_OPTION_MAX, add_capped_cog, complete, public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer


def answer(engine: AnswerEngine, side: str | None = None, event: str | None = None) -> Answer:
    return engine.casualties(side=clean_option(side), event=clean_option(event))


TEXT = TextCommand(
    name="casualties",
    summary="casualty figures by side and event, with sources",
    options=("side", "event"),
    answer=answer,
)


class Casualties(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="casualties", description="Casualty figures by side and event")
    @public
    @app_commands.describe(
        side="Whose figures: a side, country, group or place (autocomplete lists them)",
        event="Which event (autocomplete lists them)",
    )
    async def casualties(
        self,
        interaction: discord.Interaction,
        side: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
        event: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    ) -> None:
        options = {"side": side, "event": event}
        result = answer(self.bot.service.engine, side, event)
        asked = " ".join(v for v in (side, event) if v) or None
        await send_answer(interaction, result, asked=asked, logged_question=TEXT.logged_question(options))

    @casualties.autocomplete("side")
    async def _side(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "side", current)

    @casualties.autocomplete("event")
    async def _event(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "event", current)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Casualties(bot))
