"""The quote store covers every direct quotation in the corpus, and every quote is grounded.

The articles quote messily: curly and straight marks, an opening mark glued to the
previous word (``of“large-scale subversive acts”``), a closing ’ instead of ”, a
quotation that runs on into the next paragraph without a closing mark, and ‘ used
as an apostrophe (``L‘Azerbaijan``). The scanner below reads each paragraph on its
own and handles those cases; its own tests pin that behaviour.
"""

from __future__ import annotations

import re

import pytest

from knowledge.loader import load_knowledge
from knowledge.models import Entity, Quote
from knowledge.text import fold_quotes_space, is_verbatim, tokens, verbatim_parts

MIN_WORDS = 4
_PARAGRAPH = re.compile(r"\n\s*\n")
_BRACKETED = re.compile(r"\[[^\]]*\]")
_EDGE = " .,;:\"'"


# --- scanning the articles for quotations --------------------------------


def _closes_single(text: str, i: int) -> bool:
    """A ’ closes a quotation unless a letter or digit follows it (then it is an apostrophe)."""
    return i + 1 >= len(text) or not text[i + 1].isalnum()


def quotations_in_paragraph(par: str) -> list[str]:
    """Every passage between quote marks in one paragraph, in order."""
    found: list[str] = []
    start: int | None = None
    kind = ""
    last_end = 0
    for i, ch in enumerate(par):
        if start is None:
            if ch == "\u201c":
                start, kind = i + 1, "curly"
            elif ch == '"':
                start, kind = i + 1, "straight"
            elif ch == "\u2018" and (i == 0 or not par[i - 1].isalnum()):
                start, kind = i + 1, "single"
            elif ch == "\u201d":
                # a closing mark whose opening mark was lost (a heading such as `Deep Concern”`)
                found.append(par[last_end:i])
                last_end = i + 1
            continue
        closes = (
            (kind == "curly" and (ch == "\u201d" or (ch == "\u2019" and _closes_single(par, i))))
            or (kind == "straight" and ch == '"')
            or (kind == "single" and ch == "\u2019" and _closes_single(par, i))
        )
        if closes:
            found.append(par[start:i])
            start, last_end = None, i + 1
        elif kind == "curly" and ch == "\u201c":
            # reopened without a close: the first quotation ended here
            found.append(par[start:i])
            start = i + 1
    if start is not None:
        # no closing mark: the quotation runs to the end of the paragraph (and may continue in the next)
        found.append(par[start:])
    return [q.strip() for q in found if q.strip()]


def quotations(text: str, min_words: int = 1) -> list[str]:
    """Quotations of at least ``min_words`` words in a text, scanned paragraph by paragraph."""
    out: list[str] = []
    for par in _PARAGRAPH.split(text):
        out.extend(q for q in quotations_in_paragraph(par) if len(tokens(q)) >= min_words)
    return out


# --- comparing a quotation with curated quote texts ------------------------


def _parts(text: str) -> list[str]:
    """Verbatim parts of a passage: split at ellipses and [bracketed insertions], edges trimmed."""
    out: list[str] = []
    for part in verbatim_parts(text):
        for sub in _BRACKETED.split(part):
            sub = sub.strip(_EDGE)
            if sub:
                out.append(sub)
    return out


def covers(item_text: str, quotation: str) -> bool:
    """True when a curated quote text holds the quotation's words, or is the quotation minus its noise.

    The second case (the item's text inside the quotation) only counts when the
    item's text makes up nearly all of the quotation, so a one-word item never
    covers a long statement that merely contains that word.
    """
    text = fold_quotes_space(item_text)
    q_parts = _parts(quotation)
    if q_parts and all(p in text for p in q_parts):
        return True
    folded_q = fold_quotes_space(quotation)
    t_parts = _parts(item_text)
    q_len = sum(len(p) for p in q_parts)
    return bool(t_parts) and all(p in folded_q for p in t_parts) and sum(map(len, t_parts)) >= 0.8 * q_len


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


# --- the scanner itself ------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ('He said "stir the pot" and "calm the waters."', ["stir the pot", "calm the waters."]),
        ("accused Armenia of\u201clarge-scale subversive acts\u201d.", ["large-scale subversive acts"]),
        ("L\u2018Azerbaijan accused Armenia of \u201closses\u201d.", ["losses"]),
        (
            "saying: \u201cThe enemy is trying to advance (into Armenian territory).\u2019",
            ["The enemy is trying to advance (into Armenian territory)."],
        ),
        ("to \u201cAzerbaijan\u2019s aggressive acts.\u201d", ["Azerbaijan\u2019s aggressive acts."]),
        ("The Kremlin said: \u201cWe express our extreme concern.", ["We express our extreme concern."]),
        ("Deep Concern\u201d", ["Deep Concern"]),
        ("Armenia\u2019s ally, Russia", []),
    ],
)
def test_scanner_handles_messy_quoting(paragraph, expected):
    """The quotation scanner copes with glued, mismatched, unclosed and apostrophe-like marks."""
    assert quotations_in_paragraph(paragraph) == expected


def test_scanner_finds_quotations_in_every_article(kb):
    """Every article yields at least one long quotation, so the coverage test is not vacuous."""
    empty = [sid for sid, text in kb.corpus.items() if not quotations(text, MIN_WORDS)]
    assert not empty, f"no quotation of {MIN_WORDS}+ words found in: {empty}"


# --- coverage and grounding ------------------------------------------------


def test_every_long_quotation_is_curated(kb):
    """Every quotation of four or more words in every article is covered by a quote citing that article."""
    missing: list[str] = []
    for sid, text in sorted(kb.corpus.items()):
        texts = [q.text for q in kb.quotes if any(ev.source == sid for ev in q.evidence)]
        for quotation in quotations(text, MIN_WORDS):
            if not any(covers(t, quotation) for t in texts):
                missing.append(f"{sid}: {fold_quotes_space(quotation)!r}")
    assert not missing, f"{len(missing)} quotation(s) not in the quote store:\n" + "\n".join(missing)


def test_every_short_quotation_is_curated(kb):
    """Every quotation under four words ("losses", "stir the pot") is curated with evidence showing it."""
    # Short words are too common for a plain substring test, so the quotation must
    # appear between quote marks in an evidence passage of a quote item that covers it.
    # A paragraph that is nothing but the quotation is a section heading (`Deep Concern”`),
    # not a quotation of anyone.
    missing: list[str] = []
    for sid, text in sorted(kb.corpus.items()):
        shown = [
            (q.text, {fold_quotes_space(f) for f in quotations(ev.quote)})
            for q in kb.quotes
            for ev in q.evidence
            if ev.source == sid
        ]
        for par in _PARAGRAPH.split(text):
            for quotation in quotations_in_paragraph(par):
                if len(tokens(quotation)) >= MIN_WORDS or _parts(quotation) == _parts(par):
                    continue
                folded = fold_quotes_space(quotation)
                if not any(folded in found and covers(t, quotation) for t, found in shown):
                    missing.append(f"{sid}: {folded!r}")
    assert not missing, f"{len(missing)} short quotation(s) not in the quote store:\n" + "\n".join(missing)


def test_every_quote_has_known_speaker_and_verbatim_text(kb):
    """Every quote's speaker and on_behalf_of are known entities and its text is verbatim in its evidence."""
    problems: list[str] = []
    folded = {sid: fold_quotes_space(text) for sid, text in kb.corpus.items()}
    for q in kb.quotes:
        for field in ("speaker", "on_behalf_of"):
            ref = getattr(q, field)
            if ref is not None and not isinstance(kb.items.get(ref), Entity):
                problems.append(f"{q.id}: {field} {ref!r} is not a known entity")
        if not any(is_verbatim(q.text, folded[ev.source]) for ev in q.evidence if ev.source in folded):
            problems.append(f"{q.id}: text not verbatim in any cited source")
        if not any(is_verbatim(q.text, fold_quotes_space(ev.quote)) for ev in q.evidence):
            problems.append(f"{q.id}: text not inside any of its evidence passages")
    assert not problems, "\n".join(problems)


def test_every_quote_evidence_shows_its_words(kb):
    """Each evidence passage of a quote quotes (some of) that quote's words between quote marks."""
    problems: list[str] = []
    for q in kb.quotes:
        for ev in q.evidence:
            if not any(covers(q.text, found) for found in quotations(ev.quote)):
                problems.append(f"{q.id}: evidence from {ev.source} quotes none of its words")
    assert not problems, "\n".join(problems)


def test_quote_store_is_substantial(kb):
    """The store holds the forty-odd quoted passages of the five articles."""
    assert len([q for q in kb.quotes if isinstance(q, Quote)]) >= 40
