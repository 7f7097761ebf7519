"""The same question gets the same answer in every process, however the process hashes strings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECOND = ROOT / "knowledge" / "stories" / "pukhrayan-derailment"

# questions whose answer once followed the order of a set of strings: tokens as rare as each other walked
# in hash order (the lexical candidates), a speaker's quotations gathered over a set of ids (two bodies named)
_ASK = """
import json, sys
from knowledge.engine import AnswerEngine
from knowledge.loader import load_knowledge
folder, questions = sys.argv[1], json.loads(sys.argv[2])
engine = AnswerEngine(load_knowledge(folder) if folder else load_knowledge())
out = []
for q in questions:
    a = engine.converse(q, None).answer
    out.append([round(a.confidence, 6), a.items, a.brief])
print(json.dumps(out))
"""


def _answers(seed: str, folder: str, questions: list[str]) -> list:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _ASK, folder, json.dumps(questions)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_answers_do_not_depend_on_string_hashing() -> None:
    cases = [
        ("", ["What did the Kremlin / Russian foreign ministry actually say, did they take any side?"]),
        (str(SECOND), ["which gaon, which village was it near, I'm hearing some P name?"]),
    ]
    for folder, questions in cases:
        first = _answers("1", folder, questions)
        assert first == _answers("3", folder, questions), questions
