"""Hostile questions and broken knowledge folders: the scripts' functional figures (their timings are
printed by the scripts, python -m tests.robustness.hostile_questions and ... .broken_folders)."""

from __future__ import annotations

from tests.robustness import hostile_questions


def test_200_hostile_questions_answered_or_refused_none_crashes_nothing_live() -> None:
    result = hostile_questions.run()
    assert result["questions"] == 200
    assert result["crashed"] == 0, result["crashes"]
    assert result["answered"] + result["refused"] == 200
    assert result["live_fields"] == 0, result["live_examples"]
    categories = result["by_category"]
    assert set(categories) >= {
        "control",
        "invalid-utf8",
        "nul",
        "bidi",
        "zero-width",
        "homoglyph",
        "mention",
        "markdown",
        "huge",
        "catastrophic",
    }


def test_hostile_questions_are_the_same_for_the_same_seed() -> None:
    assert hostile_questions.hostile_questions(5) == hostile_questions.hostile_questions(5)
    assert any(len(q) >= 100_000 for _, q in hostile_questions.hostile_questions())


SAMPLE = [
    "dotted keys 400 KB",
    "array nested 100,000 deep",
    "file is a link to /dev/zero",
    "file is a FIFO",
    "sources.toml is a folder",
    "byte-order mark, then a syntax error",
    "NUL bytes in casualties.toml",
    "corpus file is a link to /dev/urandom",
    "duplicate item id",
    "evidence with ellipsis pieces out of order",
    "negative figure",
    "an impossible date",
]


async def test_broken_folders_refused_naming_file_and_reason_while_the_live_knowledge_answers() -> None:
    """A sample of the 40 (the script runs them all and prints their times, memory and loop stalls)."""
    from tests.robustness import broken_folders

    assert len(broken_folders.breakages()) == 40
    result = await broken_folders.run(set(SAMPLE))
    assert result["folders"] == len(SAMPLE)
    not_refused = [r["folder"] for r in result["rows"] if not (r["refused"] and r["names_file_and_reason"])]
    assert not not_refused, result["rows"]
    assert result["live_unchanged"]
    assert result["questions_meanwhile"] > 0 and result["questions_failed"] == 0
