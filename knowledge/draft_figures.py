"""The figures of an article's sentences (for ``kb draft``): people killed, injured, missing... with the
counted, the qualifier ("at least", "more than") and the outcome; tolls ("the death toll rose to 96"),
parts of a figure ("72 of them seriously"); and the patterns of dates and times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from knowledge.draft_text import norm

# --- figures -----------------------------------------------------------------------------------------

_QUALIFIERS = {
    "at least": "at least",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "about": "about",
    "around": "about",
    "some": "about",
    "approximately": "about",
    "roughly": "about",
    "an estimated": "about",
    "more than": "more than",
    "over": "more than",
    "upwards of": "more than",
    "up to": "unspecified",
    "fewer than": "unspecified",
    "less than": "unspecified",
}
_QUAL = "|".join(sorted(map(re.escape, _QUALIFIERS), key=len, reverse=True))
_WORDNUM = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|a dozen|a hundred|dozens|hundreds|thousands"
)
_NUM = rf"(?:\d{{1,3}}(?:[, \u00a0\u202f]\d{{3}})+|\d+|(?:{_WORDNUM})(?:[- ](?:{_WORDNUM}))*)"
_OUTCOME_WORDS = {
    "killed": "killed",
    "killing": "killed",
    "kills": "killed",
    "kill": "killed",
    "died": "killed",
    "dead": "killed",
    "deaths": "killed",
    "lost": "killed",
    "lose": "killed",
    "losing": "killed",
    "wounded": "wounded",
    "injured": "injured",
    "injuring": "injured",
    "wounding": "wounded",
    "missing": "missing",
    "displaced": "displaced",
    "rescued": "rescued",
    "evacuated": "evacuated",
}
_OUTCOME = r"(?:killed|died|dead|deaths|wounded|injured|missing|displaced|rescued|evacuated)"
_AUX = (
    r"(?:(?:were|was|are|is|have|has|had|been|being|reportedly|also|now|confirmed|reported|feared|"
    r"believed|presumed|found|officially|already)\s+)*"
)
_SUBJ = r"(?P<subj>(?:\(|\[)?[A-Za-z][\w'-]*(?:\)|\])?(?:\s+(?:of\s+)?(?:the\s+|its\s+|their\s+|his\s+|our\s+)?(?:\(|\[)?[A-Za-z][\w'-]*(?:\)|\])?){0,5}?)"
# "96 passengers, most of whom were sleeping, were killed": an aside between the counted and the verb
_ASIDE = r"(?:\s*,\s*(?:most|many|some|all|several|none|one|who|which|including|among)\b[^,.;]{0,60},)"
# "the death toll rose to 96", "the number of dead ... climbed to 145", "put the toll at 63"
_TOLL = re.compile(
    rf"\b(?P<head>(?:death )?toll|number of (?:the )?(?:dead|deaths|fatalities|victims|injured|wounded))\b"
    rf"(?:\s+[\w'-]+){{0,8}}?\s+(?:to|at|of)\s+(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUM})\b"
    r"(?![:.]\d|\s*(?:[ap]\.?m\b|hours?\b|%|percent\b|per cent\b))",
    re.I,
)
# "72 of them seriously", "78 of the injured remained in hospital": part of a figure just given
_PARTITIVE = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUM})\s+of\s+(?:(?P<them>them|those|whom)|the\s+"
    r"(?P<out>injured|wounded|dead|missing|displaced|rescued))\b(?P<rest>[^,.;:()\[\]\"]{0,50})",
    re.I,
)
_FIGURE_PATTERNS = [
    # at least 49 Freedonian soldiers were killed / 49 (soldiers) killed / 14 wounded
    re.compile(
        rf"(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUM})\s+{_SUBJ}?{_ASIDE}?\s*,?\s*{_AUX}(?P<out>{_OUTCOME})\b",
        re.I,
    ),
    # killing at least 49 soldiers / killed more than 6,600 people / lost one soldier / it lost 50
    re.compile(
        rf"\b(?P<out>killing|killed|kills|kill|lost|lose|losing|injuring|wounding)\s+"
        rf"(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUM})\b(?:\s+{_SUBJ})?",
        re.I,
    ),
    # more than 30 000 deaths / left 6,500 dead
    re.compile(rf"(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUM})\s+(?P<out>dead|deaths)\b", re.I),
]
_NOT_SUBJECT = {
    "were",
    "was",
    "have",
    "has",
    "had",
    "been",
    "are",
    "is",
    "and",
    "in",
    "on",
    "the",
    "a",
    "by",
    "at",
    "during",
    "since",
    "after",
    "of",
    "its",
    "their",
    "his",
    "our",
    "we",
    "who",
    "that",
    "people's",
    "years",
    "year",
    "days",
    "hours",
    "minutes",
    "km",
    "kilometres",
    "kilometers",
    "miles",
    "per",
    "percent",
    "times",
    "weeks",
    "months",
    "still",
    "now",
    "also",
}
_UNIT_WORDS = re.compile(
    r"^(?:years?|days?|hours?|minutes?|weeks?|months?|km|miles?|kilomet\w+|percent|%|"
    r"metres?|meters?|times|points?|countries|nations|fronts?)$",
    re.I,
)


_STOP_WORDS = re.compile(
    r"^(?:in|on|at|during|as|and|or|since|while|although|after|before|but|with|from|by|"
    r"for|near|when|who|which|that|to|into|over|across|along)$",
    re.I,
)


def _following_noun_phrase(t: str, pos: int, end: int) -> str:
    """The words after a number up to a comma, a preposition or a conjunction (at most five)."""
    words: list[str] = []
    for m in re.finditer(r"[\w'()\[\]-]+|[,;:.!?]", t[pos:end]):
        w = m.group()
        if not w[0].isalnum() and w[0] not in "([" or _STOP_WORDS.match(w) or len(words) >= 5:
            break
        words.append(w)
    return " ".join(words)


def parse_number(text: str) -> int | None:
    t = text.lower().strip()
    if re.fullmatch(r"[\d, \u00a0\u202f]+", t):
        return int(re.sub(r"\D", "", t))
    if t in ("a dozen",):
        return 12
    if t in ("a hundred", "hundred"):
        return 100
    if t in ("dozens", "hundreds", "thousands"):
        return None
    try:
        return int(text2num(t.replace("-", " "), "en"))
    except ValueError:
        return None


@dataclass
class Figure:
    start: int
    end: int
    number: int | None
    figure_text: str
    qualifier: str
    subject: str
    outcome: str
    demonym_span: tuple[int, int] = (0, 0)


def figures(text: str, start: int, end: int) -> list[Figure]:
    """Figures of people killed, wounded, injured, missing... in one sentence, in order."""
    found: dict[int, Figure] = {}
    t = norm(text)
    parts: set[int] = set()  # "N of them": counted among the figure before it
    for m in _TOLL.finditer(t, start, end):
        number = parse_number(m.group("num"))
        if number is None or re.fullmatch(r"(?:1[89]|20)\d\d", m.group("num")):
            continue
        head = m.group("head").lower()
        outcome = next((o for o in ("injured", "wounded") if o in head), "killed")
        text_ = (f"{m.group('qual')} " if m.group("qual") else "") + m.group("num")
        qual = _QUALIFIERS.get((m.group("qual") or "").lower(), "exact")
        found[m.start("num")] = Figure(m.start(), m.end(), number, text_, qual, "people", outcome)
    for m in _PARTITIVE.finditer(t, start, end):
        number = parse_number(m.group("num"))
        if number is None or m.start("num") in found:
            continue
        rest = re.sub(r"^\s*(?:were|was|are|is|remained|remain|still)?\s*", "", m.group("rest")).strip()
        rest = " ".join(rest.split()[:6])
        out_word = (m.group("out") or "").lower()
        base = out_word or ""
        qual = _QUALIFIERS.get((m.group("qual") or "").lower(), "exact")
        text_ = (f"{m.group('qual')} " if m.group("qual") else "") + m.group("num")
        subject = f"{base} ({rest})" if base and rest else (base or rest)
        outcome = _OUTCOME_WORDS.get(out_word, "") if out_word else ""
        found[m.start("num")] = Figure(m.start(), m.end(), number, text_, qual, subject, outcome)
        if m.group("them"):
            parts.add(m.start("num"))
    for pat in _FIGURE_PATTERNS:
        for m in pat.finditer(t, start, end):
            num_text = m.group("num")
            number = parse_number(num_text)
            if number is None and not re.search(r"dozens|hundreds|thousands", num_text, re.I):
                continue
            if re.fullmatch(r"(?:1[89]|20)\d\d", num_text.strip()) and not m.groupdict().get("qual"):
                continue  # a year, not a count
            subj = (m.groupdict().get("subj") or "").strip()
            if m.re is _FIGURE_PATTERNS[1]:  # the counted after the number, or after a range's end
                after = re.match(rf"\s*(?:to|-)\s*{_NUM}\b", t[m.end("num") : end])
                subj = _following_noun_phrase(t, m.end("num") + (after.end() if after else 0), end)
            words = [w for w in subj.split() if w.lower().strip("()[]") not in _NOT_SUBJECT]
            if words and _UNIT_WORDS.match(words[-1].strip("()[]")):
                continue
            out_word = m.group("out").lower()
            outcome = _OUTCOME_WORDS[out_word]
            qual = _QUALIFIERS.get(re.sub(r"\s+", " ", (m.group("qual") or "").lower()), "exact")
            subject = " ".join(w.strip("()[]") for w in subj.split()).strip() if words else ""
            subject = re.sub(r"^(?:of\s+)?(?:the|its|their|his|our)\s+", "", subject)
            subject = re.sub(r"\s+(?:were|was|are|is|have|has|had|been)$", "", subject)
            if out_word in ("dead", "deaths") and not subject:
                subject = "dead (people)"
            figure_text = (f"{m.group('qual')} " if m.group("qual") else "") + num_text
            pos = m.start("num")
            if pos in found:
                continue
            found[pos] = Figure(m.start(), m.end(), number, figure_text.strip(), qual, subject, outcome)
    out = sorted(found.values(), key=lambda f: f.start)
    for i, f in enumerate(out):
        if f.start in parts or (not f.outcome):  # "N of them ...": the figure before says of whom
            prev = next((g for g in reversed(out[:i]) if g.outcome), None)
            if prev is None:
                continue
            base = re.sub(r"\s*\(.*\)$", "", prev.subject) or prev.outcome
            f.subject = f"{base} ({f.subject})" if f.subject and f.subject != base else base
            f.outcome = f.outcome or prev.outcome
        elif not f.subject and i:  # "49 soldiers were killed and 14 wounded", "it lost 50"
            f.subject = out[i - 1].subject
    return [f for f in out if f.outcome]


# --- dates and times ---------------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?|"
    rf"(?:in|since|until|till|by|from|of)\s+(?:(?:the\s+)?(?:early|mid|late|fall|autumn|spring|summer|winter)\s*(?:of\s+)?)?"
    rf"(?:{_MONTH}\s+)?(?:1[89]|20)\d0?s?\b|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"(?:in|since|on|last|this|next)\s+{_MONTH}\b|"
    rf"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|evening|night|afternoon))?|"
    rf"(?:last|this|next)\s+(?:week|month|year))",
)
TIME = re.compile(
    r"\b(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.m\.|\d{1,2}\s+hours|midnight|"
    r"(?:early|late)\s+(?:morning|evening|night|hours)|overnight)\b",
    re.I,
)
