"""What a command family needs of the bot that loads it, declared here so that ``commands`` never imports
``bot/``: ``bot.client.CitedBot`` is a ``Host``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from knowledge.cooldowns import CooldownBoard
    from knowledge.service import KnowledgeService
    from knowledge.store import Store


class HostSettings(Protocol):
    """The settings command families read (``bot.settings.Settings`` has them all)."""

    @property
    def max_question_chars(self) -> int: ...

    @property
    def ask_cooldown_seconds(self) -> float: ...

    @property
    def moderator_role(self) -> str | None: ...


class Pacing(Protocol):
    """The command tree's admission (``bot.admission.Admission``), as far as replies need it."""

    def too_late(self, interaction: discord.Interaction, when: str) -> bool: ...

    def past_deadline(self, interaction: discord.Interaction) -> bool: ...


class Host(commands.AutoShardedBot):
    """The bot command families are loaded into: its settings, the live knowledge, the database and the
    cooldowns shared with other processes. It declares them; the bot that subclasses it sets them."""

    settings: HostSettings
    service: KnowledgeService
    store: Store | None
    cooldowns: CooldownBoard
