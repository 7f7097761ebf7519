"""Questions in plain words: chat spellings and number words, before anything reads them."""

from __future__ import annotations

import pytest

from knowledge.wording import plain_question


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("hw many ppl got killed lol", "how many people got killed"),
        ("wat did blinken say abt russia", "what did blinken say about russia"),
        ("r u a bot", "are you a bot"),
        ("did forty-nine soldiers die?", "did 49 soldiers die?"),
        ("about thirty thousand people died", "about 30000 people died"),
    ],
)
def test_chat_spellings_and_number_words_become_plain(typed: str, plain: str) -> None:
    """Chat abbreviations expand and number words (through text2num) become digits."""
    assert plain_question(typed) == plain


@pytest.mark.parametrize("text", ["who is the u.s. secretary of state", "no one was killed", "what about the US?",
                                  "Armenia's PM", "the first one"])
def test_ordinary_wording_is_left_alone(text: str) -> None:
    """Abbreviations inside dotted acronyms, lone small numbers and names stay as typed."""
    assert plain_question(text) == text
