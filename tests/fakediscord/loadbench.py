"""Load benchmark: N slash commands dispatched at once to the real bot through the Discord fake.

    .venv/bin/python -m tests.fakediscord.loadbench [--interactions 500] [--rounds 3] [--json]

Each interaction comes from a different user (so per-user cooldowns don't apply) and
the commands rotate over the question commands. Times are measured by the fake from
the moment it dispatched an interaction on the gateway: "ack" to the bot's initial
response (an answer or a deferral; Discord allows 3 seconds), "answer" to the first
message the user could read (after a deferral, its follow-up). Prints per round how
many were acknowledged in time, deferred, answered and answered out of arrival order,
p50/p99/max of both times, and what the fake refused (late, invalid or duplicate);
after the bot has shut down, how many question records reached the database.
Exits 1 unless every interaction was acknowledged in time and answered, no round was
worse than the one before, and no question record was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakediscord.citedbot import running_bot
from tests.fakediscord.interactions import DEFERRED_MESSAGE, InteractionRecord
from tests.fakediscord.payloads import FakeUser, snowflake
from tests.fakediscord.server import FakeDiscord

# (command, options): questions whose answers are certainly in the articles, and a few that are not.
WORKLOAD: list[tuple[str, dict[str, str]]] = [
    ("casualties", {}),
    ("casualties", {"side": "Armenia"}),
    ("who-said", {"query": "Blinken"}),
    ("responses", {"actor": "Russia"}),
    ("background", {"topic": "Nagorno-Karabakh"}),
    ("timeline", {}),
    ("sources", {}),
    ("ask", {"question": "how many Azerbaijani soldiers died?"}),
    ("ask", {"question": "what did the Kremlin say?"}),
    ("ask", {"question": "who won the 2018 world cup?"}),
]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


async def dispatch_burst(fake: FakeDiscord, n: int) -> list[InteractionRecord]:
    """Build n interactions first, then put them all on the gateway back to back."""
    payloads = []
    for i in range(n):
        name, options = WORKLOAD[i % len(WORKLOAD)]
        user = FakeUser(snowflake(), f"reader{i}", role_ids=[fake.guild.member_role_id])
        payloads.append(fake.build_slash(name, user=user, **options))
    return [await fake.dispatch_interaction(p) for p in payloads]


async def settle(
    records: list[InteractionRecord], fake: FakeDiscord, within: float, *, answers: bool = False
) -> None:
    """Wait until every interaction got an initial response (with ``answers``: an answer it can read)
    or the fake refused one for it."""
    deadline = time.monotonic() + within
    waiting, seen, refused = list(records), 0, set()
    while time.monotonic() < deadline:
        if len(fake.violations) != seen:  # cheap while nothing is refused: the bot shares this loop
            seen = len(fake.violations)
            refused = {v.path.split("/")[2] for v in fake.violations if v.path.startswith("/interactions/")}
        hopeless = time.monotonic() - fake.deadline - 1.0  # unacknowledged since: it can't be any more
        waiting = [
            r
            for r in waiting
            if (r.answered_at if answers else r.initial) is None
            and r.id not in refused
            and not (r.initial is None and r.dispatched_at < hopeless)
        ]
        if not waiting:
            return
        await asyncio.sleep(0.05)


def out_of_order(records: list[InteractionRecord]) -> int:
    """How many answers reached the fake before the answer to an interaction dispatched earlier."""
    count, latest = 0, float("-inf")
    for r in records:
        if r.answered_at is None:
            continue
        if r.answered_at < latest:
            count += 1
        latest = max(latest, r.answered_at)
    return count


def _ms(values: list[float], q: float | None = None) -> float | None:
    if not values:
        return None
    return round((max(values) if q is None else percentile(values, q)) * 1000, 1)


def summarise(records: list[InteractionRecord], fake: FakeDiscord, wall: float) -> dict[str, Any]:
    acks = [r.latency for r in records if r.latency is not None]
    answers = [r.answer_latency for r in records if r.answer_latency is not None]
    late = {v.path.split("/")[2] for v in fake.violations if v.kind == "deadline"}
    return {
        "interactions": len(records),
        "acknowledged": sum(1 for r in records if r.initial is not None and r.latency <= fake.deadline),
        "late": len(late | {r.id for r in records if r.initial is None}),
        "deferred": sum(1 for r in records if r.callback_type == DEFERRED_MESSAGE),
        "answered": len(answers),
        "out_of_order": out_of_order(records),
        "refused": len(fake.violations),
        "refusals": sorted({v.kind for v in fake.violations}),
        "ack_p50_ms": _ms(acks, 50),
        "ack_p99_ms": _ms(acks, 99),
        "ack_max_ms": _ms(acks),
        "answer_p50_ms": _ms(answers, 50),
        "answer_p99_ms": _ms(answers, 99),
        "answer_max_ms": _ms(answers),
        "wall_s": round(wall, 2),
    }


def worse(result: dict[str, Any], before: dict[str, Any]) -> bool:
    """A round is worse than the one before if more interactions were late or left unanswered."""

    def missed(r: dict[str, Any]) -> int:
        return r["late"] + r["interactions"] - r["answered"]

    return missed(result) > missed(before)


def question_records(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]


async def bench(interactions: int, rounds: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    results = []
    fake = await FakeDiscord().start()
    try:
        with fake.pointed_at(), tempfile.TemporaryDirectory(prefix="loadbench-") as tmp:
            async with running_bot(fake, Path(tmp)) as running:
                admission = running.bot.tree.admission
                for _ in range(rounds):
                    fake.forget()
                    expired_before = admission.stats.expired
                    started = time.monotonic()
                    records = await dispatch_burst(fake, interactions)
                    await settle(records, fake, within=fake.deadline + 120, answers=True)
                    results.append(
                        summarise(records, fake, time.monotonic() - started)
                        | {"expired": admission.stats.expired - expired_before}
                    )
                database = running.database_path
            answered = sum(r["answered"] for r in results)
            shutdown = {"answered": answered, "recorded": question_records(database)}
            shutdown["lost"] = max(0, answered - shutdown["recorded"])
    finally:
        await fake.close()
    return results, shutdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object per round, then the shutdown")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    results, shutdown = asyncio.run(bench(args.interactions, args.rounds))
    not_worse = all(not worse(r, before) for before, r in zip(results, results[1:], strict=False))
    for i, r in enumerate(results, 1):
        if args.json:
            print(json.dumps({"round": i, **r}))
            continue
        print(
            f"round {i}: {r['acknowledged']}/{r['interactions']} acknowledged within 3 s "
            f"({r['deferred']} deferred, {r['late']} late), {r['answered']} answered "
            f"({r['out_of_order']} out of order, {r['expired']} expired unanswered); "
            f"ack p50 {r['ack_p50_ms']} p99 {r['ack_p99_ms']} max {r['ack_max_ms']} ms; "
            f"answer p50 {r['answer_p50_ms']} p99 {r['answer_p99_ms']} max {r['answer_max_ms']} ms; "
            f"refused {r['refused']} {r['refusals']}; wall {r['wall_s']} s"
        )
    if args.json:
        print(json.dumps({"shutdown": shutdown, "rounds_not_worse": not_worse}))
    else:
        print(
            f"no round worse than the one before: {'yes' if not_worse else 'NO'}; "
            f"after shutdown {shutdown['recorded']} question records for {shutdown['answered']} answers "
            f"({shutdown['lost']} lost)"
        )
    ok = all(r["refused"] == 0 and r["late"] == 0 and r["answered"] == r["interactions"] for r in results)
    return 0 if ok and not_worse and shutdown["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
