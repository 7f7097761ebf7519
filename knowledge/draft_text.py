"""The text ``kb draft`` reads: paragraphs (without a page's furniture), sentences and quotations.

Offsets are kept: ``norm`` changes quote marks, dashes and spaces one character for one, so a span found
in the normalised text is the same span of the article as received (evidence stays verbatim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- text: one-to-one normalisation, paragraphs, sentences, quotations ------------------------------

_ONE_TO_ONE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\n": " ",
        "\r": " ",
        "\t": " ",
    }
)
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|;\s+")
ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|U\.S|U\.N|E\.U|Gen|Col|Lt|Sgt|No|vs|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.$"
)


def norm(text: str) -> str:
    """Quote marks, dashes and whitespace unified, character for character (offsets are kept)."""
    return text.translate(_ONE_TO_ONE)


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines broken at a fixed width (every line short, most not ending a sentence)."""
    body = [ln.rstrip() for ln in lines if ln.strip()]
    if len(body) < 5 or max(len(ln) for ln in body) > 100:
        return False
    unended = sum(1 for ln in body if not re.search(r"[.!?:\"'\u201d\u2019)]$", ln))
    return unended / len(body) >= 0.5


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: every line, unless the text is hard-wrapped (then blank lines part them)."""
    if not _hard_wrapped(text.splitlines()):
        return [
            (m.start(), m.start() + len(m.group().rstrip())) for m in re.finditer(r"[^\n]*\S[^\n]*", text)
        ]
    spans, start = [], 0
    for m in _PARAGRAPH.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


_BULLET = re.compile(r"\s*(?:[-*\u2022\u25aa\u25cf\u2013\u2014]|\d{1,2}[.)])\s+\S")


def body_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs without the page's furniture: the list of headlines (related links) that ends a
    page, and metadata lines ("date | Updated date - PLACE") that hold no sentence."""
    spans = paragraphs(text)
    end = len(spans)
    while (
        end
        and _BULLET.match(text, spans[end - 1][0])
        and not re.search(r"[.!?][\"'\u201d\u2019)]?$", text[slice(*spans[end - 1])])
    ):
        end -= 1
    if len(spans) - end < 2:  # one bullet line is not a list of links
        end = len(spans)
    return [
        (a, b)
        for a, b in spans[:end]
        if not (re.search(r"\s\|\s", text[a:b]) and not re.search(r"[.!?]\s*$", text[a:b]))
    ]


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; a semicolon ends a clause that is treated as a sentence."""
    spans, s = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        head = text[s : m.start() + 1].rstrip("\"'\u201d\u2019)] ")
        if ABBREV.search(head) or re.search(r"(?:^|[\s.])[A-Z]\.$", head):  # "Mr.", "J.R. Doe"
            continue
        spans.append((s, m.start() + len(m.group().rstrip()) if m.group().startswith(";") else m.start()))
        s = m.end()
    if text[s:end].strip():
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


@dataclass
class Quotation:
    start: int  # first character inside the marks
    end: int  # the closing mark (or the paragraph's end)
    text: str


def _closes_single(text: str, i: int) -> bool:
    return i + 1 >= len(text) or not text[i + 1].isalnum()


def quotations(text: str, start: int, end: int) -> list[Quotation]:
    """Passages between quote marks in text[start:end] (one paragraph): curly or straight marks, an
    opening mark glued to the word before, a closing ’ for ”, an unclosed quotation running to the end."""
    found: list[Quotation] = []
    open_at: int | None = None
    kind = ""
    for i in range(start, end):
        ch = text[i]
        if open_at is None:
            if ch == "\u201c":
                open_at, kind = i + 1, "curly"
            elif ch == '"':
                open_at, kind = i + 1, "straight"
            elif ch == "\u2018" and (i == start or not text[i - 1].isalnum()):
                open_at, kind = i + 1, "single"
            continue
        closes = (
            (kind == "curly" and (ch == "\u201d" or (ch == "\u2019" and _closes_single(text, i))))
            or (kind == "straight" and ch == '"')
            or (kind == "single" and ch == "\u2019" and _closes_single(text, i))
        )
        if closes:
            found.append(Quotation(open_at, i, text[open_at:i]))
            open_at = None
        elif kind == "curly" and ch == "\u201c":
            found.append(Quotation(open_at, i, text[open_at:i]))
            open_at = i + 1
    cut_off = not text[end:].strip() and not re.search(r"[.!?]$", text[start:end].rstrip())
    if open_at is not None and not cut_off:  # a quotation the page's end cuts off is not drafted
        found.append(Quotation(open_at, end, text[open_at:end]))
    out = []
    for q in found:
        stripped = q.text.strip().rstrip(",").strip()
        if len(re.findall(r"\w+", stripped)) >= 1 and len(stripped) >= 4:
            out.append(Quotation(q.start, q.end, stripped))
    return out
