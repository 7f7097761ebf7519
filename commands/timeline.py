"""/timeline: what happened when and where."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand
from commands._discord import public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer

if TYPE_CHECKING:
    from bot.client import CitedBot


def answer(engine: AnswerEngine) -> Answer:
    return engine.timeline()


TEXT = TextCommand(name="timeline", summary="what happened when and where", options=(), answer=answer)


class Timeline(commands.Cog):
    def __init__(self, bot: CitedBot) -> None:
        self.bot = bot

    @app_commands.command(name="timeline", description="What happened when and where")
    @public
    async def timeline(self, interaction: discord.Interaction) -> None:
        result = answer(self.bot.service.engine)
        await send_answer(interaction, result, asked=None, logged_question=TEXT.logged_question({}))


async def setup(bot: CitedBot) -> None:
    await bot.add_cog(Timeline(bot))
