"""The owner-only sync command: ``@Bot sync`` (global), ``@Bot sync here`` (this server), ``@Bot sync <id>``.

Sync is explicit, never on start: Discord rate-limits it and global changes take a
while to spread. A text command (prefix: mentioning the bot) so it works before any
slash command exists.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from commands.ui.host import Host

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


class Owner(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot

    async def cog_check(self, ctx: commands.Context) -> bool:
        return await self.bot.is_owner(ctx.author)

    @commands.command(name="sync", hidden=True)
    async def sync(self, ctx: commands.Context, where: str | None = None) -> None:
        guild: discord.abc.Snowflake | None = None
        if where == "here":
            if ctx.guild is None:
                await ctx.reply("`sync here` only works in a server.", allowed_mentions=NO_MENTIONS)
                return
            guild = ctx.guild
        elif where is not None:
            if not where.isdigit():
                await ctx.reply("Usage: sync | sync here | sync <server id>", allowed_mentions=NO_MENTIONS)
                return
            guild = discord.Object(id=int(where))
        if guild is not None:
            self.bot.tree.copy_global_to(guild=guild)
        synced = await self.bot.tree.sync(guild=guild)
        scope = f"server {guild.id}" if guild else "all servers (global)"
        log.info("owner %s synced %d commands to %s", ctx.author.id, len(synced), scope)
        await ctx.reply(f"Synced {len(synced)} commands to {scope}.", allowed_mentions=NO_MENTIONS)

    async def cog_command_error(self, ctx: commands.Context, error: Exception) -> None:
        if isinstance(error, commands.CheckFailure):
            return  # not the owner: say nothing, the command stays hidden
        log.error("sync failed", exc_info=error)
        await ctx.reply("Sync failed; see the logs.", allowed_mentions=NO_MENTIONS)


async def setup(bot: Host) -> None:
    await bot.add_cog(Owner(bot))
