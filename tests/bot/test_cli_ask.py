"""`python -m bot ask`: the batch contract (one question per line on stdin, one JSON answer per line on
stdout, in order), with the lines read as one asker's conversation, as the console reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def ask(*lines: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BOT_TOKEN")}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        cwd=REPO_ROOT,
        env=env,
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_a_line_that_leans_on_the_one_before_is_read_with_it() -> None:
    """ "who said that?" alone asks nothing the sources can answer; after a question it asks who gave
    that answer. Every line gets its own answer, in order."""
    alone = ask("who said that?")
    assert len(alone) == 1 and not alone[0]["answered"], alone
    answers = ask("how many Armenian soldiers were killed?", "who said that?")
    assert len(answers) == 2 and all(a["answered"] for a in answers), answers
    assert "Pashinyan" in answers[1]["answer"] or "Yerevan" in answers[1]["answer"], answers[1]["answer"]
