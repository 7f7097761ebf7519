"""/timeline: what happened when and where."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand
from commands.ui.host import Host
from commands.ui.shared import public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer


def answer(engine: AnswerEngine) -> Answer:
    return engine.timeline()


TEXT = TextCommand(name="timeline", summary="what happened when and where", options=(), answer=answer)


class Timeline(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="timeline", description="What happened when and where")
    @public
    async def timeline(self, interaction: discord.Interaction) -> None:
        result = answer(self.bot.service.engine)
        await send_answer(interaction, result, asked=None, logged_question=TEXT.logged_question({}))


async def setup(bot: Host) -> None:
    await bot.add_cog(Timeline(bot))
