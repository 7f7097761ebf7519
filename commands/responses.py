"""/responses [actor]: international reactions, all or by one actor."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option
from commands.ui.host import Host
from commands.ui.shared import TEXT_OPTION_MAX, add_capped_cog, complete, public, send_answer
from knowledge.engine import AnswerEngine
from knowledge.models import Answer


def answer(engine: AnswerEngine, actor: str | None = None) -> Answer:
    return engine.responses(clean_option(actor))


TEXT = TextCommand(
    name="responses",
    summary="international responses, all or by one actor",
    options=("actor",),
    answer=answer,
)


class Responses(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    @app_commands.command(name="responses", description="International responses, all or by one actor")
    @public
    @app_commands.describe(actor="A country, body or person (autocomplete lists them)")
    async def responses(
        self,
        interaction: discord.Interaction,
        actor: app_commands.Range[str, 1, TEXT_OPTION_MAX] | None = None,
    ) -> None:
        result = answer(self.bot.service.engine, actor)
        await send_answer(
            interaction, result, asked=actor, logged_question=TEXT.logged_question({"actor": actor})
        )

    @responses.autocomplete("actor")
    async def _actor(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "actor", current)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Responses(bot))
