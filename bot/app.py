"""Wiring: settings in, database and knowledge base opened, then Discord or the console.

Nothing here is configured at import time; ``bot.cli`` calls these functions.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from knowledge.errors import StoreError
from knowledge.service import KnowledgeService

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from bot.client import CitedBot
    from bot.settings import Settings
    from knowledge.store import Store

log = logging.getLogger(__name__)

REDACTED = "[redacted]"


class TokenRedactingFilter(logging.Filter):
    """Defence in depth: whatever a library logs, the token itself never reaches a log handler."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret and self.secret in record.getMessage():
            record.msg = record.getMessage().replace(self.secret, REDACTED)
            record.args = None
        return True


def protect_token(secret: str) -> None:
    """Attach the redacting filter to every handler logging was configured with."""
    handlers = logging.getLogger().handlers
    for handler in handlers:
        handler.addFilter(TokenRedactingFilter(secret))


async def open_store(settings: Settings) -> Store | None:
    """The runtime database; when it can't be opened the bot still answers, without history."""
    from knowledge.store import Store, describe_target

    try:
        # retry: a database locked by another process, in a folder not there yet, or a server not answering
        # yet, is opened later
        return await Store.open(
            settings.database,
            retry=True,
            queue_size=settings.store_queue_size,
            flush_timeout=settings.shutdown_grace_seconds,
        )
    except (StoreError, OSError) as exc:  # not a database of ours: nothing is written to it
        log.error(
            "database %s refused, running without history, feedback or question log: %s",
            describe_target(settings.database),
            exc,
        )
        return None


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[KnowledgeService | None]:
    """The store and the loaded knowledge service, or None (after printing why) when the KB is invalid."""
    store = await open_store(settings)
    service = KnowledgeService(
        settings.knowledge_dir,
        store,
        max_upload_bytes=settings.max_upload_bytes,
        vector_cache=settings.vector_cache,
        time_limit=settings.kb_time_limit_seconds,
        history_versions=settings.kb_history_versions,
    )
    sync = None
    try:
        outcome = await service.reload("startup", action="startup")
        if outcome.ok and store is not None and store.engine == "postgresql":
            # processes sharing the database share the knowledge version too (knowledge.cluster)
            from knowledge.cluster import KnowledgeSync

            sync = KnowledgeSync(str(settings.database), service, shards=settings.shard_ids)
            await sync.start()
        if not outcome.ok:
            print(
                f"The knowledge base in {settings.knowledge_dir} is invalid; nothing was loaded:",
                file=sys.stderr,
            )
            for problem in outcome.problems:
                print(f"  {problem}", file=sys.stderr)
            yield None
        else:
            yield service
    finally:
        if sync is not None:
            await sync.close()
        if store is not None:
            try:
                await store.close()
            except StoreError as exc:
                log.warning("closing the database failed: %s", exc)


async def run_console(settings: Settings) -> int:
    from bot.console import Console

    async with opened(settings) as service:
        if service is None:
            return 2
        return await Console(service, max_question_chars=settings.max_question_chars).run()


async def run_discord(settings: Settings) -> int:
    import aiohttp
    import discord

    from bot.client import CitedBot

    assert settings.token is not None
    token = settings.token.get_secret_value().strip()
    protect_token(token)
    if settings.shard_ids is not None and settings.shard_count is None:
        print("BOT_SHARD_IDS needs BOT_SHARD_COUNT as well.", file=sys.stderr)
        return 2
    async with opened(settings) as service:
        if service is None:
            return 2
        # The bot owns the store from here: CitedBot.close() closes it (closing twice is harmless).
        bot = CitedBot(settings=settings, service=service, store=service.store)
        if service.store is not None and service.store.engine == "postgresql":
            from knowledge.cluster import process_name

            bot.cooldowns.process = process_name()
            bot.cooldowns.share(str(settings.database))  # per-user cooldowns across processes
        try:
            async with bot:
                await bot.start(token)
        except discord.LoginFailure:
            print(
                "Discord refused the token (DISCORD_TOKEN): check it in the developer portal.",
                file=sys.stderr,
            )
            return 1
        except (aiohttp.ClientConnectionError, OSError) as exc:
            print(f"Could not reach Discord ({type(exc).__name__}): check the network.", file=sys.stderr)
            return 1
    return 0


def run(settings: Settings) -> int:
    """Discord when a token is configured, the local console otherwise."""
    try:
        return asyncio.run(run_discord(settings) if settings.has_token else run_console(settings))
    except KeyboardInterrupt:
        return 0


def _offline_bot(settings: Settings) -> CitedBot:
    """A bot with its command tree built, for payloads: no knowledge, no database, no connection."""
    from bot.client import CitedBot

    return CitedBot(settings=settings, service=KnowledgeService(settings.knowledge_dir), store=None)


async def build_payloads(settings: Settings) -> list[dict[str, Any]]:
    from bot.client import EXTENSIONS

    bot = _offline_bot(settings)
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    try:
        return [cmd.to_dict(bot.tree) for cmd in bot.tree.get_commands()]
    finally:
        for extension in EXTENSIONS:
            await bot.unload_extension(extension)


def command_payloads(settings: Settings) -> list[dict[str, Any]]:
    """The JSON a global sync would send, built from the real command tree without connecting."""
    return asyncio.run(build_payloads(settings))


async def _sync(settings: Settings, guild: int | None) -> int:
    import discord

    if not settings.has_token:
        print("Set DISCORD_TOKEN to sync commands.", file=sys.stderr)
        return 2
    assert settings.token is not None
    token = settings.token.get_secret_value().strip()
    protect_token(token)
    bot = _offline_bot(settings)
    async with bot:
        await bot.login(token)  # runs setup_hook, which loads the command families
        target = discord.Object(id=guild) if guild else None
        if target is not None:
            bot.tree.copy_global_to(guild=target)
        synced = await bot.tree.sync(guild=target)
    scope = f"guild {guild}" if guild else "global"
    print(f"synced {len(synced)} commands ({scope}): {', '.join(c.name for c in synced)}")
    return 0


def sync_commands(settings: Settings, guild: int | None) -> int:
    """Explicit sync (never on start), to one guild (immediate) or globally."""
    return asyncio.run(_sync(settings, guild if guild is not None else settings.sync_guild))
