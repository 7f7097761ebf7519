"""Cleaning user input: undecodable bytes, invisible characters and mentions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from knowledge.text import clean_input

ROOT = Path(__file__).resolve().parents[2]


def test_lone_surrogates_become_replacement_characters() -> None:
    """Invalid UTF-8 read with surrogateescape can still be printed as JSON after cleaning."""
    cleaned = clean_input("\udcff\udcfe bad")
    assert cleaned == "\ufffd\ufffd bad"
    cleaned.encode("utf-8")


def test_a_mention_hidden_by_a_zero_width_character_is_still_neutralised() -> None:
    """'@\\u200beveryone' renders as @everyone, so it is removed like @everyone."""
    assert "@everyone" not in clean_input("@\u200beveryone hi")
    assert "@here" not in clean_input("@\u2060here hi")


def test_batch_cli_answers_every_line_despite_invalid_utf8() -> None:
    """A line of invalid UTF-8 in the batch gets its own answer; the lines after it are answered too."""
    data = b"how many armenian soldiers were killed?\n\xff\xfe bad\nwho said there is no military solution?\n"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"], input=data, cwd=ROOT, capture_output=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3 and '"answered":true' in lines[2]


def test_the_possessive_of_a_word_in_s_is_the_word() -> None:
    from knowledge.text import normalise

    assert normalise("Guterres's words") == normalise("Guterres' words") == "guterres words"
    assert normalise("the boss's call") == "the boss call"
    assert normalise("it's what's") == "its whats"  # contractions are not possessives
