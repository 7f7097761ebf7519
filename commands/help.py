"""/help: what the bot answers, its commands, and example questions from the knowledge folder."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands.ui.host import Host
from commands.ui.shared import add_capped_cog, public, send_answer


class Help(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What the bot answers, with example questions")
    @public
    async def help(self, interaction: discord.Interaction) -> None:
        # the engine's reply to "help": the story's greeting, the commands, its example questions as buttons
        result = self.bot.service.engine.ask("help")
        await send_answer(interaction, result, asked=None, logged_question="/help", ephemeral=True)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Help(bot))
