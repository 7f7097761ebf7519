"""Overload control for slash commands: every interaction acknowledged in time, answers in arrival order.

Discord gives an interaction 3 seconds for its first response; after a deferral (type 5,
"Bot is thinking…") its token takes follow-ups for 15 minutes. Under a burst the event
loop is the scarce thing: if every interaction renders its answer before responding,
the whole burst misses the deadline together. So:

- Each interaction is stamped when it is parsed (``arrived``) and its age is the larger of
  the time since then and the time since Discord created it (its snowflake, corrected by
  the smallest lag seen, so a skewed clock can't age everything).
- Question commands wait in one FIFO line and are answered one at a time, in order.
  An interaction whose expected wait is long is deferred as soon as its task starts;
  any other is deferred when it reaches ``DEFER_AT_S`` while still waiting. Answering
  directly (no deferral) stays the normal case when the line is short.
- Other commands (the moderators' /kb) don't wait in the line; they are deferred early
  when the bot is busy.
- An interaction that is neither acknowledged nor still within its deadline is not
  rendered: it is logged with its question and counted (``stats.expired``), never
  answered into a 404 and then error-handled.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import discord

log = logging.getLogger(__name__)

DEADLINE_S = 3.0  # Discord's window for the first response
DEFER_AT_S = 1.5  # a queued interaction not answered by this age is deferred
EARLY_DEFER_S = 0.75  # expected age at its turn beyond which an interaction is deferred at once
EXPIRED_AT_S = 2.9  # unacknowledged and this old: too late to respond, not rendered
SERVICE_GUESS_S = 0.02  # the expected time to answer one queued interaction before any was measured
UNQUEUED = frozenset({"kb"})  # moderator commands: run at once (reloads are long), deferred if busy
PRIVATE = frozenset({"kb", "help"})  # commands whose answer (hence whose deferral) is ephemeral
MESSAGE_COMMAND = 3  # an application command's type: a message's context menu
LAG_WINDOW = 2000  # interactions over which the smallest creation-to-parse lag is taken
ACKS_FIRST_MAX_S = 2.0  # the longest a deferred answer waits for acknowledgements still being sent
GC_PAUSE_AT = 20  # acknowledgements outstanding at once from which the cyclic collector waits
GC_PAUSE_MAX_S = 3.0  # ... for at most this long


def answered_privately(data: Mapping[str, Any]) -> bool:
    """Whether a command's answer (hence its deferral) is ephemeral: /kb and /help, a message command, or a
    command asked with the option private:true."""
    if data.get("name", "") in PRIVATE or data.get("type") == MESSAGE_COMMAND:
        return True
    return any(o.get("name") == "private" and o.get("value") is True for o in data.get("options") or [])


@dataclass
class Ticket:
    """One application-command interaction from its parse to its answer."""

    interaction: discord.Interaction
    received: float  # loop time when parsed
    lag: float  # seconds it was already old when parsed (snowflake, corrected)
    queued: bool
    private: bool
    turn: asyncio.Future[None]
    number: int = 0  # its place among every queued interaction so far
    settled: bool = False  # acknowledged, or waiting its turn with time to spare
    deferred: bool = False
    expired: bool = False


@dataclass
class AdmissionStats:
    received: int = 0
    direct: int = 0  # answered without a deferral
    deferred: int = 0  # deferred first, answered by a follow-up
    expired: int = 0  # too old to respond to when reached: logged, not rendered
    longest_line: int = 0
    gc_pauses: int = 0
    service_s: float = SERVICE_GUESS_S  # moving average of one queued answer's time


class Admission:
    """The line of interactions waiting to be answered, and when each must be deferred."""

    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.line: collections.deque[Ticket] = collections.deque()
        self.serving: Ticket | None = None
        self.stats = AdmissionStats()
        self._started_at: float | None = None
        self._smallest_lags: collections.deque[tuple[int, float]] = collections.deque()
        self._arrivals = 0  # queued interactions that ever arrived
        self._turns = 0  # queued interactions that got (or gave up) their turn
        # Acknowledgements come first: while any is outstanding, deferred answers wait (ACKS_FIRST_MAX_S)
        # and, in a burst, so does the cyclic garbage collector, whose full collections of a heap full
        # of fresh interactions stall the loop for a large part of the 3 seconds (GC_PAUSE_MAX_S).
        self._acks_outstanding = 0
        self._acks_idle = asyncio.Event()
        self._acks_idle.set()
        self._gc_resume: asyncio.TimerHandle | None = None
        self._gc_paused_at = 0.0
        self._gc_next_pause = 0.0  # no new pause before this (loop time)

    # -- ages ------------------------------------------------------------------------------------

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def age(self, interaction: discord.Interaction) -> float:
        """Seconds since Discord created the interaction, as well as this process can tell."""
        ticket = self.tickets.get(interaction.id)
        if ticket is None:
            return 0.0
        return self._now() - ticket.received + ticket.lag

    def _lag_at_parse(self, interaction: discord.Interaction) -> float:
        """How old the interaction already was when parsed: its snowflake's age, less the smallest such
        age of recent interactions (the clock offset and the network's floor), never negative."""
        raw = time.time() - interaction.created_at.timestamp()
        n = self.stats.received
        smallest = self._smallest_lags  # (n, lag), lags increasing: the window's minimum is first
        while smallest and smallest[-1][1] >= raw:
            smallest.pop()
        smallest.append((n, raw))
        while smallest[0][0] <= n - LAG_WINDOW:
            smallest.popleft()
        return max(0.0, raw - smallest[0][1])

    def acknowledged(self, interaction: discord.Interaction) -> bool:
        return interaction.response.is_done()

    def past_deadline(self, interaction: discord.Interaction) -> bool:
        """Unacknowledged and too old for a first response: nothing may be rendered for it."""
        return not self.acknowledged(interaction) and self.age(interaction) >= EXPIRED_AT_S

    def time_to_defer(self, interaction: discord.Interaction) -> float:
        """Seconds left before this interaction must be deferred (0 when it is late already)."""
        return max(0.0, DEFER_AT_S - self.age(interaction))

    # -- the line --------------------------------------------------------------------------------

    def arrived(self, interaction: discord.Interaction) -> None:
        """Called as the interaction is parsed, in gateway order: stamp it and take its place in line."""
        data: Mapping[str, Any] = interaction.data or {}
        name = data.get("name", "")
        loop = asyncio.get_running_loop()
        ticket = Ticket(
            interaction=interaction,
            received=loop.time(),
            lag=self._lag_at_parse(interaction),
            queued=name not in UNQUEUED,
            private=answered_privately(data),
            turn=loop.create_future(),
        )
        self.tickets[interaction.id] = ticket
        self.stats.received += 1
        self._ack_work(+1)
        if ticket.queued:
            self._arrivals += 1
            ticket.number = self._arrivals
            self.line.append(ticket)
            self.stats.longest_line = max(self.stats.longest_line, len(self.line))
            self._next()

    def _next(self) -> None:
        """Hand the turn to the first one in line if nobody is being answered."""
        if self.serving is not None:
            return
        while self.line:
            ticket = self.line.popleft()
            self._turns = ticket.number
            if not ticket.turn.done():
                self.serving = ticket
                self._started_at = self._now()
                ticket.turn.set_result(None)
                return

    def waiting_ahead(self, ticket: Ticket) -> int:
        """How many are ahead of ``ticket`` (the one being answered included)."""
        if ticket.turn.done():
            return 0
        return max(0, ticket.number - self._turns - 1) + (self.serving is not None)

    async def admit(self, interaction: discord.Interaction) -> bool:
        """Wait for the interaction's turn, deferring it in time; False if it is already past its deadline."""
        ticket = self.tickets.get(interaction.id)
        if ticket is None:
            return True  # not stamped (an interaction the tree did not parse): nothing to pace
        try:
            if self._expire_if_late(ticket, "before it was started"):
                return False
            if not ticket.queued:
                if self.line or self.age(interaction) >= DEFER_AT_S - EARLY_DEFER_S:
                    await self._defer(ticket)
                return True
            expected = self.age(interaction) + self.waiting_ahead(ticket) * self.stats.service_s
            if not ticket.turn.done() and expected >= EARLY_DEFER_S:
                await self._defer(ticket)
        finally:
            self._settle(ticket)
        if not ticket.turn.done() and not ticket.deferred:
            await asyncio.wait({ticket.turn}, timeout=self.time_to_defer(interaction))
            if not ticket.turn.done():
                if self._expire_if_late(ticket, "while it waited in line"):
                    return False
                self._ack_work(+1)
                try:
                    await self._defer(ticket)
                finally:
                    self._ack_work(-1)
        await ticket.turn
        if self._expire_if_late(ticket, "when its turn came"):
            return False
        if self.acknowledged(interaction) and not self._acks_idle.is_set():
            # its user sees "thinking…" already; the acknowledgements still being sent can't wait
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._acks_idle.wait(), ACKS_FIRST_MAX_S)
            if ticket is self.serving:
                self._started_at = self._now()  # the service time measured is the answer's own
        return True

    def _settle(self, ticket: Ticket) -> None:
        if not ticket.settled:
            ticket.settled = True
            self._ack_work(-1)

    def _ack_work(self, change: int) -> None:
        self._acks_outstanding += change
        if self._acks_outstanding <= 0:
            self._acks_outstanding = 0
            self._acks_idle.set()
            self._resume_gc()
            return
        self._acks_idle.clear()
        if self._acks_outstanding >= GC_PAUSE_AT and self._gc_resume is None and gc.isenabled():
            loop = asyncio.get_running_loop()
            if loop.time() < self._gc_next_pause:
                return  # sustained overload: the collector runs between pauses, at least as long as one
            gc.disable()
            self.stats.gc_pauses += 1
            self._gc_paused_at = loop.time()
            self._gc_resume = loop.call_later(GC_PAUSE_MAX_S, self._resume_gc)

    def _resume_gc(self) -> None:
        if self._gc_resume is not None:
            self._gc_resume.cancel()
            self._gc_resume = None
            now = asyncio.get_running_loop().time()
            self._gc_next_pause = now + (now - self._gc_paused_at)
            gc.enable()

    async def _defer(self, ticket: Ticket) -> None:
        interaction = ticket.interaction
        if self.acknowledged(interaction) or self._expire_if_late(ticket, "before it could be deferred"):
            return
        try:
            await interaction.response.defer(thinking=True, ephemeral=ticket.private)
        except discord.NotFound:
            self._expire(ticket, "its deferral was refused as too late")
        except discord.InteractionResponded:
            pass
        else:
            ticket.deferred = True

    def too_late(self, interaction: discord.Interaction, when: str) -> bool:
        """True (logged and counted once) if the interaction is past its deadline unacknowledged."""
        ticket = self.tickets.get(interaction.id)
        return ticket is not None and self._expire_if_late(ticket, when)

    def _expire_if_late(self, ticket: Ticket, when: str) -> bool:
        if ticket.expired:
            return True
        if self.past_deadline(ticket.interaction):
            self._expire(ticket, when)
            return True
        return False

    def _expire(self, ticket: Ticket, when: str) -> None:
        ticket.expired = True
        self.stats.expired += 1
        interaction = ticket.interaction
        log.warning(
            "interaction %s (%s from user %s, %.1f s old) passed its deadline %s; not answered",
            interaction.id,
            describe(interaction),
            interaction.user.id,
            self.age(interaction),
            when,
        )

    def done(self, interaction: discord.Interaction) -> None:
        """The interaction's command finished (answered, refused or failed): the next one's turn."""
        ticket = self.tickets.pop(interaction.id, None)
        if ticket is None:
            return
        self._settle(ticket)
        if not ticket.expired:
            if ticket.deferred:
                self.stats.deferred += 1
            elif interaction.response.is_done():
                self.stats.direct += 1
        if ticket is self.serving:
            if self._started_at is not None:
                took = self._now() - self._started_at
                self.stats.service_s = 0.8 * self.stats.service_s + 0.2 * took
            self.serving = None
        elif not ticket.turn.done():
            ticket.turn.cancel()  # left the line without being served (cancelled, or refused early)
        self._next()

    def snapshot(self) -> dict[str, Any]:
        s = self.stats
        return {
            "received": s.received,
            "direct": s.direct,
            "deferred": s.deferred,
            "expired": s.expired,
            "waiting": len(self.line),
            "longest_line": s.longest_line,
            "service_ms": round(s.service_s * 1000, 1),
            "gc_pauses": s.gc_pauses,
        }


def describe(interaction: discord.Interaction) -> str:
    """``/name option:value …`` as typed, for a log line."""
    data: Mapping[str, Any] = interaction.data or {}
    parts = [f"/{data.get('name', '?')}"]
    options: list[Any] = list(data.get("options") or [])
    while options:
        option = options.pop(0)
        if option.get("type") in (1, 2):
            parts.append(str(option.get("name")))
            options = list(option.get("options") or [])
        else:
            parts.append(f"{option.get('name')}:{str(option.get('value'))[:100]!r}")
    return " ".join(parts)
