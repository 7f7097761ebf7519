"""A question in plain words: chat spellings expanded and numbers written as digits.

Runs before the handlers and the retrievers read a question, so every one of them meets
"how many people died" whether it was typed as that or as "hw many ppl died lol", and
"did 49 soldiers die" whether the number was written in digits or as "forty-nine".
Number words are read by ``text2num`` (a library), not a table of ours.
"""

from __future__ import annotations

import re

from text_to_num import alpha2digit

from knowledge.lexicon import CHAT_WORDS

_WORD = re.compile(r"(?<![\w/.])[a-z0-9/]+\??(?![\w/]|\.\w)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million)\b",
    re.IGNORECASE,
)


def _chat(m: re.Match[str]) -> str:
    word = m.group(0)
    plain = CHAT_WORDS.get(word.lower().rstrip("?"))
    if plain is None:
        return word
    return plain + ("?" if word.endswith("?") and plain else "")


def plain_question(text: str) -> str:
    """``text`` with chat spellings expanded and number words as digits; otherwise unchanged."""
    out = _WORD.sub(_chat, text)
    if _NUMBER_WORD.search(out):
        # "no one" and "the first one" stay words: text2num leaves lone small numbers alone
        out = alpha2digit(out, "en")
    return _SPACES.sub(" ", out).strip()


__all__ = ["plain_question"]
