"""The Discord client: an AutoShardedBot that is handed everything it uses.

Built in-process by the entry point (and by tests against the local Discord fake):
``async with CitedBot(settings=..., service=..., store=...) as bot: await bot.start(token)``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord.ext import commands

from bot.tree import CitedCommandTree
from commands.ui.host import Host
from knowledge.cooldowns import CooldownBoard
from knowledge.errors import StoreError

if TYPE_CHECKING:
    from bot.settings import Settings
    from knowledge.service import KnowledgeService
    from knowledge.store import Store

log = logging.getLogger(__name__)

# The command families, loaded by name as extensions (each module's setup() adds its cog): the bot imports
# none of them; commands import nothing of the bot (they see it as a commands.ui.host.Host).
EXTENSIONS: tuple[str, ...] = (
    "commands.casualties",
    "commands.quotes",
    "commands.responses",
    "commands.background",
    "commands.timeline",
    "commands.ask",
    "commands.sources",
    "commands.help",
    "commands.kb_admin",
    "commands.owner",
)

# The tasks discord.py runs a slash command, a button click or a message listener in (their names are
# how it creates them): on shutdown they are given time to send their answer and queue their record.
IN_FLIGHT_TASKS = ("CommandTree-invoker", "discord-ui-view-dispatch-", "discord.py: on_message")
# Requests to Discord open at once; the rest wait their turn, in order, for a kept-alive connection. discord.py
# sets no limit, so a burst of 2,000 deferrals opened 2,000 connections together (a TLS handshake each against
# Discord; against a loopback server, a listen queue overflowed and connections retried after a second).
HTTP_CONNECTIONS = 50


def minimal_intents() -> discord.Intents:
    """Guilds (commands, roles), guild and direct messages (free text).

    No message_content: Discord sends the content of direct messages and of messages
    that mention the bot without that privileged intent, and those are the only
    messages the bot reads.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


class CitedBot(Host):
    settings: Settings
    service: KnowledgeService
    store: Store | None
    cooldowns: CooldownBoard  # shared with the other processes when the database is (bot.app)

    def __init__(self, *, settings: Settings, service: KnowledgeService, store: Store | None) -> None:
        # This bot never joins voice: don't warn about voice libraries on every start.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=minimal_intents(),
            tree_cls=CitedCommandTree,
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(settings.owner_ids),
            shard_count=settings.shard_count,
            # discord.py types shard_ids as list[int], but documents and takes None (the default: all shards)
            shard_ids=settings.shard_ids,  # type: ignore[arg-type]
            help_command=None,
        )
        self.settings = settings
        self.service = service
        self.store = store
        self.cooldowns = CooldownBoard()

    async def login(self, token: str) -> None:
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)
        await super().login(token)

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        log.info(
            "loaded %d command families; commands are synced only on request (python -m bot sync)",
            len(EXTENSIONS),
        )

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (%s) to %d server(s), %s shard(s)",
            self.user,
            getattr(self.user, "id", "?"),
            len(self.guilds),
            self.shard_count,
        )

    async def on_command_error(self, context: commands.Context, exception: commands.CommandError, /) -> None:
        # Free-text questions share the mention prefix with the owner's text commands: "@Bot how many
        # died?" is a question (the ask cog answers it), not an unknown command worth an error log.
        if isinstance(exception, commands.CommandNotFound):
            return
        await super().on_command_error(context, exception)

    async def close(self) -> None:
        """Let the answers being worked out go out (and their questions be queued), disconnect, then write
        what the store has queued: nothing asked before shutdown is lost, within the grace period."""
        if not self.is_closed():
            await self._finish_in_flight(self.settings.shutdown_grace_seconds)
        try:
            await self.cooldowns.close()
            await super().close()
        finally:
            if self.store is not None:
                try:
                    await self.store.close()
                except StoreError as exc:
                    log.warning("closing the database failed: %s", exc)

    async def _finish_in_flight(self, within: float) -> None:
        """Wait (at most ``within`` seconds) for the interaction and message handlers already running."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        me = asyncio.current_task()
        while (remaining := deadline - loop.time()) > 0:
            running = {
                t
                for t in asyncio.all_tasks()
                if t is not me and not t.done() and t.get_name().startswith(IN_FLIGHT_TASKS)
            }
            if not running:
                return
            log.info("shutting down: waiting for %d interaction(s) being answered", len(running))
            await asyncio.wait(running, timeout=remaining)
        log.warning("shutting down: interactions still being answered after %.0f s are cut off", within)
