"""/sources [source]: the articles, with outlet, title, author, date and link where known."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option
from commands.ui.host import Host
from commands.ui.shared import TEXT_OPTION_MAX, add_capped_cog, complete, public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer


def answer(engine: AnswerEngine, source: str | None = None) -> Answer:
    return engine.sources(clean_option(source))


TEXT = TextCommand(
    name="sources",
    summary="the articles: outlet, title, author, date, link",
    options=("source",),
    answer=answer,
)


class Sources(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="The articles: outlet, title, author, date and link")
    @public
    @app_commands.describe(source="One article (by outlet, title or id)")
    async def sources(
        self,
        interaction: discord.Interaction,
        source: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    ) -> None:
        result = answer(self.bot.service.engine, source)
        await send_answer(
            interaction, result, asked=source, logged_question=TEXT.logged_question({"source": source})
        )

    @sources.autocomplete("source")
    async def _source(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "source", current)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Sources(bot))
