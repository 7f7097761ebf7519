"""Two questions in one message ("how many died and who did the prime minister call?"): each part is
answered on its own, and the answers are joined into one, cited once per passage.

A message is taken apart only where a conjunction, a semicolon or a question mark is followed by a
question word, so "Armenia and Azerbaijan" or "killed and wounded" stay whole. The joined answer is given
only when every part is answered: a part the sources do not answer leaves the whole message refused, as
it was, rather than half answered as if whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.conversation import QUESTION_WORDS
from knowledge.models import Answer, Citation

# where a second question starts: "… and who …", "… + what …", "…; when …", "…? how …"
_JOINT = re.compile(rf"(?:,?\s+(?:and|&|\+|plus)\s+(?:also\s+)?|\s*;\s*|\?\s+)(?={QUESTION_WORDS})", re.I)
PART_WORDS_MIN = 3  # a shorter piece ("and who?") is a follow-up or a tag, not a question of its own
PARTS_MAX = 3
_MARK = re.compile(r"\[(\d+)\]")


def parts_of(plain: str) -> list[str]:
    """The questions ``plain`` asks, in order, when it asks two or three; else an empty list."""
    parts = [p.strip(" ,;?") for p in _JOINT.split(plain.strip())]
    parts = [p for p in parts if p]
    if not 2 <= len(parts) <= PARTS_MAX or any(len(p.split()) < PART_WORDS_MIN for p in parts):
        return []
    return parts


def joined(question: str, answers: Sequence[Answer]) -> Answer:
    """One answer of the answered parts ``answers``: their texts one after another, their citations
    numbered in order of first use, a passage cited by two parts listed once."""
    numbers: dict[tuple[str, str], int] = {}
    citations: list[Citation] = []
    texts: list[str] = []
    items: list[str] = []
    for answer in answers:
        renumber: dict[int, int] = {}
        for c in answer.citations:
            key = (c.source, c.quote)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(c.model_copy(update={"n": numbers[key]}))
            renumber[c.n] = numbers[key]
        texts.append(_renumbered(answer.answer, renumber))
        items += [i for i in answer.items if i not in items]
    return Answer(
        question=question,
        answered=True,
        kind=answers[0].kind,
        answer="\n".join(texts),
        citations=citations,
        confidence=min(a.confidence for a in answers),
        items=items,
    )


def _renumbered(text: str, renumber: dict[int, int]) -> str:
    def mark(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[{renumber.get(n, n)}]"

    return _MARK.sub(mark, text)
