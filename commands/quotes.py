"""/who-said <words or speaker>: who said some words and where, or what a speaker said."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option
from commands.ui.host import Host
from commands.ui.shared import TEXT_OPTION_MAX, add_capped_cog, complete, public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer


def answer(engine: AnswerEngine, query: str = "") -> Answer:
    return engine.who_said(clean_option(query) or "")


TEXT = TextCommand(
    name="who-said",
    summary="who said some words, or what a person or body said",
    options=("query",),
    answer=answer,
    required=("query",),
)


class Quotes(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="who-said", description="Who said some words, or what a person or body said")
    @public
    @app_commands.describe(query="Some of the quoted words, or a speaker (autocomplete lists them)")
    async def who_said(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, TEXT_OPTION_MAX]
    ) -> None:
        result = answer(self.bot.service.engine, query)
        await send_answer(
            interaction, result, asked=query, logged_question=TEXT.logged_question({"query": query})
        )

    @who_said.autocomplete("query")
    async def _query(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "speaker_or_quote", current)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Quotes(bot))
