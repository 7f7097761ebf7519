"""Load: 500 interactions dispatched at once, every one answered within Discord's 3-second deadline."""

from __future__ import annotations

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.loadbench import dispatch_burst, settle

BURST = 500


async def test_burst_of_500_interactions_all_answered_in_time(fake: FakeDiscord, cited: RunningBot) -> None:
    """500 slash commands from 500 users at once: each gets exactly one accepted initial response."""
    records = await dispatch_burst(fake, BURST)
    await settle(records, fake, within=fake.deadline + 30)
    # The fake refuses (and records) any initial response that arrives after the deadline.
    assert not [v for v in fake.violations if v.kind == "deadline"]
    assert all(r.initial is not None for r in records)
    assert all(r.bodies() and r.bodies()[0].get("embeds") for r in records)
    assert_discord_accepted_everything(fake)
