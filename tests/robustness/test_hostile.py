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
    assert set(categories) >= {"control", "invalid-utf8", "nul", "bidi", "zero-width", "homoglyph", "mention",
                               "markdown", "huge", "catastrophic"}


def test_hostile_questions_are_the_same_for_the_same_seed() -> None:
    assert hostile_questions.hostile_questions(5) == hostile_questions.hostile_questions(5)
    assert any(len(q) >= 100_000 for _, q in hostile_questions.hostile_questions())
