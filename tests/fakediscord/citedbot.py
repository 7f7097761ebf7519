"""The project's real bot (CitedBot, KnowledgeService, Store on a SQLite file) running against the fake.

Shared by the e2e fixtures and the load benchmark so both start the bot the way
the entry point does: settings built once, store opened, knowledge loaded, then
the client started with the token.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.fakediscord.harness import running
from tests.fakediscord.server import FakeDiscord

if TYPE_CHECKING:
    from bot.client import CitedBot
    from bot.settings import Settings
    from knowledge.service import KnowledgeService
    from knowledge.store import Store


@dataclass
class RunningBot:
    """What a test needs to reach: the bot, its service and store, and where its files are."""

    bot: CitedBot
    service: KnowledgeService
    store: Store
    settings: Settings
    knowledge_dir: Path
    database_path: Path


def copy_knowledge(target: Path) -> Path:
    """A private copy of the shipped knowledge base, so a test may break it."""
    from knowledge.loader import DEFAULT_DIR

    shutil.copytree(DEFAULT_DIR, target, ignore=shutil.ignore_patterns(".history"))
    return target


@contextlib.asynccontextmanager
async def running_bot(fake: FakeDiscord, workdir: Path, **overrides: Any) -> AsyncIterator[RunningBot]:
    """Start CitedBot against ``fake`` with its state in ``workdir``; sync its commands to the fake."""
    from bot.client import CitedBot
    from bot.settings import Settings
    from knowledge.service import KnowledgeService
    from knowledge.store import Store

    knowledge_dir = copy_knowledge(workdir / "knowledge")
    values: dict[str, Any] = {
        "DISCORD_TOKEN": fake.token,  # the token field is read through its alias
        "database_path": workdir / "bot.sqlite3",
        "knowledge_dir": knowledge_dir,
        "moderator_role": fake.guild.moderator_role_name,
        "log_level": "INFO",
    }
    settings = Settings(_env_file=None, **(values | overrides))
    store = await Store.open(settings.database_path)
    service = KnowledgeService(
        settings.knowledge_dir,
        store,
        max_upload_bytes=settings.max_upload_bytes,
        time_limit=settings.kb_time_limit_seconds,
        history_versions=settings.kb_history_versions,
    )
    outcome = await service.reload("startup", action="startup")
    if not outcome.ok:
        await store.close()
        raise RuntimeError(f"the shipped knowledge base did not load: {outcome.problems}")
    bot = CitedBot(settings=settings, service=service, store=store)
    async with running(bot, fake):
        await bot.tree.sync()  # as `python -m bot sync` would; the fake now knows the commands
        yield RunningBot(
            bot=bot,
            service=service,
            store=store,
            settings=settings,
            knowledge_dir=knowledge_dir,
            database_path=settings.database_path,
        )
