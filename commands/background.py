"""/background [topic]: the context behind the story, an overview or one topic."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option
from commands.ui.host import Host
from commands.ui.shared import TEXT_OPTION_MAX, add_capped_cog, complete, public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer


def answer(engine: AnswerEngine, topic: str | None = None) -> Answer:
    return engine.background(clean_option(topic))


TEXT = TextCommand(
    name="background", summary="background: an overview or one topic", options=("topic",), answer=answer
)


class Background(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="background", description="Background: an overview or one topic")
    @public
    @app_commands.describe(topic="A topic: a place, a body, an earlier event (autocomplete lists them)")
    async def background(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    ) -> None:
        result = answer(self.bot.service.engine, topic)
        await send_answer(
            interaction, result, asked=topic, logged_question=TEXT.logged_question({"topic": topic})
        )

    @background.autocomplete("topic")
    async def _topic(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "topic", current)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Background(bot))
