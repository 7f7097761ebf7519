"""Plain-text rendering of an Answer, for the console and ``python -m bot ask``.

The same pages as Discord (knowledge.presentation): the brief or a listing's first entries with the
passages they cite, then, on request, the rest.
"""

from __future__ import annotations

import textwrap

from knowledge.models import Answer, Citation
from knowledge.presentation import first_pages, more_pages

WIDTH = 100
LINES_PER_SCREEN = 40  # the console asks before printing more than this for one reply


def citation_lines(citation: Citation) -> list[str]:
    """``[n] label (outlet, date)`` and the passage shown for it, indented."""
    where = ", ".join(x for x in (citation.outlet, citation.date) if x)
    head = f"[{citation.n}] {citation.label or citation.source}" + (f" ({where})" if where else "")
    passage = citation.excerpt or citation.quote
    marks = "\"\u201c\u201d'\u2018\u2019\u2026"
    if passage[:1] not in marks and passage[-1:] not in marks:
        passage = f"\u201c{passage}\u201d"
    lines = [head, *textwrap.wrap(passage, WIDTH, initial_indent="    ", subsequent_indent="    ")]
    if citation.url:
        lines.append(f"    {citation.url}")
    return lines


def page_lines(text: str, citations: list[Citation]) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, WIDTH) or [""]
    if citations:
        lines.append("Sources:")
        for c in citations:
            lines += citation_lines(c)
    return lines


def _more_note(answer: Answer, hidden: int) -> str:
    """ "More: 3 more pages (12 more source passages)." or ""."""
    if not hidden:
        return ""
    rest = len(answer.citations) - answer.shown if answer.more else 0
    extra = f" ({rest} more source passage{'s' if rest > 1 else ''})" if rest > 0 else ""
    return f"More: {hidden} more page{'s' if hidden > 1 else ''}{extra}."


def screens(answer: Answer) -> list[str]:
    """The reply as screens of at most about LINES_PER_SCREEN lines: the first is shown at once, the console
    prints each next one on ``more``."""
    pages = [page_lines(text, cites) for text, cites in first_pages(answer)]
    pages += [page_lines(text, cites) for text, cites in more_pages(answer)]
    if answer.suggestions:
        pages[0] = pages[0] + ["", "Did you mean: " + " | ".join(s.question for s in answer.suggestions)]
    out: list[str] = []
    for lines in pages:
        for start in range(0, len(lines), LINES_PER_SCREEN):
            out.append("\n".join(lines[start : start + LINES_PER_SCREEN]))
    return out


def render_answer(answer: Answer, *, how: str = "type more") -> str:
    """The first screen of an answer, with a note of what else there is and ``how`` to see it."""
    shown = screens(answer)
    note = _more_note(answer, len(shown) - 1)
    return shown[0] + (f"\n{note[:-1]}; {how}." if note else "")


def render_full(answer: Answer) -> str:
    """Every screen at once (``python -m bot ask --full``)."""
    return "\n\n".join(screens(answer))
