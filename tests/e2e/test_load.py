"""Load: bursts of interactions dispatched at once; every one acknowledged within Discord's 3-second
deadline, answered, in order; an interaction already past its deadline is not rendered.

Speed is the load benchmark's business (python -m tests.fakediscord.loadbench prints the figures);
these tests assert the functional properties, with sizes well inside what the benchmark shows."""

from __future__ import annotations

import logging
import time

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.loadbench import bench, dispatch_burst, out_of_order, settle, worse
from tests.fakediscord.payloads import FakeUser, snowflake

BURST = 500


async def test_burst_of_500_interactions_all_answered_in_time(fake: FakeDiscord, cited: RunningBot) -> None:
    """500 slash commands from 500 users at once: each gets exactly one accepted initial response (an answer
    or a deferral) within the deadline, then its answer, and the answers come in the order asked."""
    records = await dispatch_burst(fake, BURST)
    await settle(records, fake, within=fake.deadline + 60, answers=True)
    # The fake refuses (and records) any initial response that arrives after the deadline.
    assert not [v for v in fake.violations if v.kind == "deadline"]
    assert all(r.initial is not None for r in records)
    assert all(r.bodies() and r.bodies()[0].get("embeds") for r in records)
    assert out_of_order(records) == 0
    assert cited.bot.tree.admission.stats.expired == 0
    assert_discord_accepted_everything(fake)


async def test_three_overload_rounds_each_acknowledged_answered_and_recorded() -> None:
    """1,000 at once, three times (the benchmark runs 2,000): none late, all answered in order, no round
    worse than the one before, and after shutdown every answered question has its record."""
    results, shutdown = await bench(1000, 3)
    for r in results:
        assert r["late"] == 0 and r["refused"] == 0, r
        assert r["acknowledged"] == r["answered"] == r["interactions"], r
        assert r["out_of_order"] == 0 and r["expired"] == 0, r
    assert not any(worse(r, before) for before, r in zip(results, results[1:], strict=False))
    assert shutdown["lost"] == 0 and shutdown["recorded"] == shutdown["answered"] == 3000, shutdown


async def test_an_interaction_past_its_deadline_is_not_rendered(
    fake: FakeDiscord, cited: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot's loop is blocked past the deadline right after an interaction is dispatched: when it gets
    to it, it renders nothing and sends nothing for it (no answer into a 404, no error message after
    it), logs the question, counts it, and answers the next one normally."""
    warm = await fake.dispatch_interaction(fake.build_slash("casualties"))  # a first one sets the clock
    await warm.answered()
    user = FakeUser(snowflake(), "late-reader", role_ids=[fake.guild.member_role_id])
    stale = await fake.dispatch_interaction(fake.build_slash("ask", user=user, question="who said what?"))
    with caplog.at_level(logging.WARNING, logger="bot.admission"):
        time.sleep(fake.deadline + 0.2)  # noqa: ASYNC251 - the point: nothing runs on the loop meanwhile
        fresh = await fake.dispatch_interaction(fake.build_slash("timeline"))
        await fresh.answered()
    assert stale.initial is None and not stale.bodies()
    assert not fake.requests_to("POST", f"/interactions/{stale.id}/")
    assert not [r for r in fake.requests if r.path.startswith("/webhooks/") and stale.token in r.path]
    assert cited.bot.tree.admission.stats.expired == 1
    assert any("who said what?" in m and "deadline" in m for m in caplog.messages), caplog.messages
    assert fresh.initial is not None
    assert_discord_accepted_everything(fake)
