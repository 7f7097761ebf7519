"""The light stemmer: a word's forms meet, and different words stay apart."""

from __future__ import annotations

import pytest

from knowledge.analysis import stem


@pytest.mark.parametrize(
    "forms",
    [
        ("site", "sites"),  # a base of four letters in -e keeps its -e after the plural is taken off
        ("time", "times"),
        ("fare", "fares"),
        ("family", "families"),  # a noun in -ly is not an adverb
        ("supply", "supplies", "supplied"),
        ("date", "dates", "dated"),  # a participle that is also an adjective is still its verb's form
        ("use", "used"),
        ("control", "controlled"),
        ("report", "reports", "reported", "reporting"),
        ("kill", "killed", "killing", "kills"),
    ],
)
def test_forms_of_one_word_meet(forms: tuple[str, ...]) -> None:
    assert len({stem(w) for w in forms}) == 1, {w: stem(w) for w in forms}


@pytest.mark.parametrize(
    ("one", "other"),
    [("fares", "far"), ("notes", "not"), ("sites", "sit"), ("rates", "rat"), ("family", "fame")],
)
def test_different_words_stay_apart(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_an_adverb_in_ly_meets_its_adjective() -> None:
    assert stem("immediately") == stem("immediate")
    assert stem("completely") == stem("complete")


@pytest.mark.parametrize(
    "frame",
    [
        "is it the case that",
        "am I right that",
        "am i right in thinking",
        "was it true that",
        "so is it fair to say",
    ],
)
def test_the_words_framing_a_check_are_not_the_claims(frame: str) -> None:
    from knowledge.resolver import NameResolver
    from knowledge.understand import understand

    resolver = NameResolver({})
    claim = "the ceasefire held for the rest of the day"
    assert understand(f"{frame} {claim}?", resolver).tokens == understand(f"{claim}?", resolver).tokens
