"""/casualties [side] [conflict]: figures by side and conflict, each with its sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option
from commands._discord import TEXT_OPTION_MAX, add_capped_cog, complete, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer

if TYPE_CHECKING:
    from bot.client import CitedBot


def answer(engine: AnswerEngine, side: str | None = None, conflict: str | None = None) -> Answer:
    return engine.casualties(side=clean_option(side), conflict=clean_option(conflict))


TEXT = TextCommand(
    name="casualties",
    summary="casualty figures by side and conflict, with sources",
    options=("side", "conflict"),
    answer=answer,
)


class Casualties(commands.Cog):
    def __init__(self, bot: CitedBot) -> None:
        self.bot = bot

    @app_commands.command(name="casualties", description="Casualty figures by side and conflict")
    @app_commands.describe(
        side="Whose losses: a side, country or group (autocomplete lists them)",
        conflict="Which conflict (e.g. the 2022 clashes, the 2020 war)",
    )
    async def casualties(
        self,
        interaction: discord.Interaction,
        side: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
        conflict: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    ) -> None:
        options = {"side": side, "conflict": conflict}
        result = answer(self.bot.service.engine, side, conflict)
        asked = " ".join(v for v in (side, conflict) if v) or None
        await send_answer(interaction, result, asked=asked, logged_question=TEXT.logged_question(options))

    @casualties.autocomplete("side")
    async def _side(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "side", current)

    @casualties.autocomplete("conflict")
    async def _conflict(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "conflict", current)


async def setup(bot: CitedBot) -> None:
    await add_capped_cog(bot, Casualties(bot))
