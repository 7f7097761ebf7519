"""Answer quality measured by the shared scorer, through the real batch CLI (``python -m bot ask --json``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"
SCORER = EVAL / "score.py"
CORPUS = ROOT / "knowledge" / "data" / "corpus"

needs_scorer = pytest.mark.skipif(
    not SCORER.is_file(),
    reason="the shared scorer (../shared/eval/score.py) is not beside this checkout; CI and developers have it",
)


def _score(cases: Path) -> dict[str, float]:
    cmd = [
        sys.executable,
        str(SCORER),
        "--cases",
        str(cases),
        "--corpus",
        str(CORPUS),
        "--show-fails",
        "--",
        sys.executable,
        "-m",
        "bot",
        "ask",
        "--json",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert last.startswith("SCORE"), proc.stdout[-3000:] + proc.stderr[-3000:]
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", last)}
    print(proc.stdout)
    return scores


@needs_scorer
def test_development_set_meets_the_bar() -> None:
    """The development question set scores at least 0.90 answer/abstain accuracy, fully grounded and cited."""
    s = _score(EVAL / "dev_cases.json")
    assert s["answer_acc"] >= 0.90 and s["abstain_acc"] >= 0.90, s
    assert s["grounded"] == 1.0 and s["cited"] == 1.0, s


@needs_scorer
@pytest.mark.parametrize(
    "name", [f"extra_cases{suffix}.json" for suffix in ("", "_2", "_3", "_4", "_5", "_6")]
)
def test_independent_sets_meet_the_bar(name: str) -> None:
    """Independently worded question sets (tests/data/, written without the dev set) meet the same bar."""
    s = _score(ROOT / "tests" / "data" / name)
    assert s["answer_acc"] >= 0.90 and s["abstain_acc"] >= 0.90, s
    assert s["grounded"] == 1.0 and s["cited"] == 1.0, s
