"""discord.py cooldowns that also honour the other processes' (knowledge.cooldowns.CooldownBoard).

The /ask cooldown (``app_commands.checks.dynamic_cooldown``) and the free-text one (a ``CooldownMapping``)
go through these: the local bucket decides at once, as before; a person another process has just answered
is refused here too until that cooldown ends, as far as the board's last sync knows. Nothing awaits.
"""

from __future__ import annotations

import time
from typing import Any

from discord.ext import commands

from knowledge.cooldowns import CooldownBoard


class SharedCooldown(commands.Cooldown):
    """One person's cooldown in one scope: refused while another process's runs, else the local bucket's."""

    def __init__(self, rate: float, per: float, *, board: CooldownBoard, scope: str, user: object) -> None:
        super().__init__(rate, per)
        self.board = board
        self.scope = scope
        self.user = user

    def update_rate_limit(self, current: float | None = None, *, tokens: int = 1) -> float | None:
        current = current or time.time()
        elsewhere = self.board.blocked(self.scope, self.user, current)
        if elsewhere is not None:
            return elsewhere
        retry_after = super().update_rate_limit(current, tokens=tokens)
        if retry_after is None:
            self.board.used(self.scope, self.user, current + self.per)
        return retry_after

    def copy(self) -> SharedCooldown:
        return SharedCooldown(self.rate, self.per, board=self.board, scope=self.scope, user=self.user)


class SharedCooldownMapping(commands.CooldownMapping):
    """A per-user ``CooldownMapping`` whose buckets are SharedCooldowns (for message listeners)."""

    def __init__(self, board: CooldownBoard, scope: str, per: float) -> None:
        super().__init__(commands.Cooldown(1, per), commands.BucketType.user)
        self.board = board
        self.scope = scope
        self.per = per

    def create_bucket(self, message: Any) -> commands.Cooldown:
        return SharedCooldown(1, self.per, board=self.board, scope=self.scope, user=message.author.id)
