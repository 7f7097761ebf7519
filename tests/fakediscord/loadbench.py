"""Load benchmark: N slash commands dispatched at once to the real bot through the Discord fake.

    .venv/bin/python -m tests.fakediscord.loadbench [--interactions 500] [--rounds 3] [--json]

Each interaction comes from a different user (so per-user cooldowns don't apply) and
the commands rotate over the question commands. Response time is measured by the
fake, from the moment it dispatched an interaction on the gateway to the moment the
bot's initial response reached it; Discord allows 3 seconds. Prints p50, p99 and max
per round, and how many responses the fake refused (late, invalid or duplicate).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakediscord.citedbot import running_bot
from tests.fakediscord.interactions import InteractionRecord
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


async def settle(records: list[InteractionRecord], fake: FakeDiscord, within: float) -> None:
    """Wait until every interaction got an initial response or the fake refused one for it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        refused = {v.path.split("/")[2] for v in fake.violations if v.path.startswith("/interactions/")}
        if all(r.initial is not None or r.id in refused for r in records):
            return
        await asyncio.sleep(0.02)


def summarise(records: list[InteractionRecord], fake: FakeDiscord, wall: float) -> dict[str, Any]:
    latencies = [r.latency for r in records if r.latency is not None]
    return {
        "interactions": len(records),
        "answered": len(latencies),
        "refused": len(fake.violations),
        "refusals": sorted({v.kind for v in fake.violations}),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "wall_s": round(wall, 2),
    }


async def bench(interactions: int, rounds: int) -> list[dict[str, Any]]:
    results = []
    fake = await FakeDiscord().start()
    try:
        with fake.pointed_at(), tempfile.TemporaryDirectory(prefix="loadbench-") as tmp:
            async with running_bot(fake, Path(tmp)):
                for _ in range(rounds):
                    fake.violations.clear()
                    started = time.monotonic()
                    records = await dispatch_burst(fake, interactions)
                    await settle(records, fake, within=fake.deadline + 30)
                    results.append(summarise(records, fake, time.monotonic() - started))
    finally:
        await fake.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object per round")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    results = asyncio.run(bench(args.interactions, args.rounds))
    for i, result in enumerate(results, 1):
        if args.json:
            print(json.dumps({"round": i, **result}))
        else:
            print(f"round {i}: {result['answered']}/{result['interactions']} answered, "
                  f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
                  f"refused {result['refused']} {result['refusals']}, wall {result['wall_s']} s")
    return 0 if all(r["refused"] == 0 and r["answered"] == r["interactions"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
