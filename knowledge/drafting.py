"""Draft curated items for a new article: ``python -m bot kb draft ARTICLE.txt``.

Pure functions over the article's text and the knowledge base already curated; nothing here loads
the draft or talks to a transport. The draft holds, each with its verbatim evidence:

- the article's ``[[source]]`` entry (the loader accepts it in any knowledge file, so the draft placed in
  the folder, with its article in ``corpus/``, passes ``kb check`` as it is);
- every direct quotation (``[[quote]]``) with its speaker, resolved against the known entities' names
  and aliases where the article names one, else a proposed new ``[[entity]]``; its cue and context;
- every figure of people killed, dead, wounded, injured, missing or displaced (``[[casualty]]``) with
  what it counts, its qualifier and who reported it;
- sentences that date something (``[[timeline]]``: dates, times, years, weekdays), and the event the
  figures belong to (``[[event]]``) when the knowledge base knows none;
- places the article names that the knowledge base does not know (``[[place]]``), and the spellings
  it uses for the entities it does know (a comment: new spellings belong in their ``aliases``).

Only general English is used: quotation marks, attribution verbs ("said", "told", "tweeted",
"according to"...), number patterns with their qualifiers ("at least", "nearly", "more than"...) and
counted outcomes. Everything about the story comes from the knowledge base passed in.
"""

from __future__ import annotations

import json
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel
from rapidfuzz import fuzz
from text_to_num import text2num

from knowledge.models import KIND_OF_TABLE, Casualty, Quote, Source
from knowledge.text import fold_quotes_space

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
_ABBREV = re.compile(
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
        if _ABBREV.search(head) or re.search(r"(?:^|[\s.])[A-Z]\.$", head):  # "Mr.", "J.R. Doe"
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


# --- names: the knowledge base's spellings, found in a text ------------------------------------------


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ref: str  # an item id
    kind: str  # "entity" or "place"
    spelling: str


class NameIndex:
    """Every name and alias of the known entities and places, longest first, matched on word edges.

    All-capital aliases (acronyms) match with their case; others ignore case, except single lower-case
    words, which must match exactly (a generic word is a name only where the curator wrote it so)."""

    def __init__(self, entities: list, places: list) -> None:
        self.kind_of: dict[str, str] = {}
        self.items: dict[str, typing.Any] = {}
        spellings: dict[tuple[str, bool], tuple[str, str]] = {}
        for kind, items in (("entity", entities), ("place", places)):
            for it in items:
                self.items[it.id] = it
                self.kind_of[it.id] = kind
                for name in [it.name, *it.aliases]:
                    name = norm(fold_quotes_space(name))
                    if len(name) < 2 or "(" in name:
                        continue
                    exact = name.isupper() or (name.islower() and " " not in name)
                    spellings.setdefault((name, exact), (it.id, kind))
        self._entries = sorted(spellings.items(), key=lambda kv: -len(kv[0][0]))
        pats = []
        for (name, exact), _ in self._entries:
            body = re.escape(name)
            pats.append(f"(?:{body})" if exact else f"(?i:{body})")
        self._regex = (
            re.compile(r"(?<![\w-])(?:" + "|".join(f"({p})" for p in pats) + r")(?![\w-]|'\w\w)")
            if pats
            else None
        )
        # entities that stand for two others together ("A and B" as a name or alias): who they join
        self.joint: dict[frozenset[str], str] = {}
        for it in entities:
            for name in [it.name, *it.aliases]:
                parts = re.split(r"\s+and\s+", norm(name))
                if len(parts) == 2:
                    refs = [self.mentions(part) for part in parts]
                    if all(
                        len(r) == 1 and r[0].end - r[0].start == len(p)
                        for r, p in zip(refs, parts, strict=True)
                    ):
                        self.joint.setdefault(frozenset(r[0].ref for r in refs), it.id)

    def joint_speaker(self, text: str, start: int, end: int) -> str | None:
        """The known entity for "A and B" in text[start:end] when A and B are two known people."""
        people = [
            m for m in self.mentions(text, start, end) if getattr(self.items[m.ref], "kind", "") == "person"
        ]
        refs = {m.ref for m in people}
        if len(refs) == 2 and re.search(r"\sand\s", text[people[0].end : people[-1].start]):
            return self.joint.get(frozenset(refs))
        return None

    def mentions(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        if self._regex is None:
            return []
        end = len(text) if end is None else end
        out = []
        for m in self._regex.finditer(text, start, end):
            idx = m.lastindex - 1 if m.lastindex else 0
            ref, kind = self._entries[idx][1]
            out.append(Mention(m.start(), m.end(), ref, kind, m.group()))
        return out


# --- attribution -------------------------------------------------------------------------------------

_CUE_AFTER = re.compile(
    r"\b(said|says|tweeted|wrote|told|added|stated|announced|declared|urged|stressed|warned|noted|"
    r"explained|insisted|claimed|read|posted|continued|clarified|assured|affirmed|insisted|concluded|"
    r"informed|specified|according to)\b",
    re.IGNORECASE,
)
_CUE_BEFORE = re.compile(
    r"\b(said|says|saying|told|telling|tweeted|tweeting|wrote|writing|added|adding|stated|stating|"
    r"announced|announcing|declared|declaring|urged|urging|stressed|stressing|warned|warning|noted|"
    r"explained|insisted|claimed|claiming|claims|accused|accusing|accuses|denounced|denouncing|"
    r"called (?:on|for)|calling (?:on|for)|calls (?:on|for)|read|reads|clarified|assured|affirmed|"
    r"agreed to|described|describing|recogni[sz]ed|expressed|expressing|"
    r"reported|specifying|specified|condemned|condemning|informed|according to)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"^(?:he|she|it|they|we|i|his|her|its|their)\b", re.IGNORECASE)
_GENERIC = re.compile(
    r"^(?:the|a|an|this|that|its|his|her|their)\s+(?:\w+\s+){0,2}?(?:statement|ministry|minister|president|"
    r"office|spokes(?:man|woman|person)|government|cabinet|agency|army|council|leader|official|officials|"
    r"latter|former|communiqu\w*|release|note)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:also|then|later|again|further|in turn|for (?:its|his|her|their) part|"
    r"however|meanwhile|but|and|while|today|on \w+)\s*,?\s*)+",
    re.IGNORECASE,
)
_CUE_KIND = {
    "tweeted": "tweeted",
    "tweeting": "tweeted",
    "wrote": "wrote",
    "writing": "wrote",
    "told": "told",
    "telling": "told",
    "announced": "announced",
    "announcing": "announced",
    "read": "statement",
    "reads": "statement",
}
_NAME = re.compile(r"(?:[A-Z][\w'.-]+\s+){0,3}[A-Z][\w'.-]+")
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Council|Office|Agency|Government|Union|Organi[sz]ation|Committee|"
    r"Army|Forces|Service|Department|Parliament|Assembly|Party|Bank|Court|Commission|"
    r"Embassy|Police|News|Press|Times|Post)\b"
)
_TITLE_WORDS = {
    "president",
    "prime",
    "minister",
    "secretary",
    "foreign",
    "defense",
    "defence",
    "general",
    "mr",
    "mrs",
    "ms",
    "dr",
    "spokesman",
    "spokeswoman",
    "chief",
    "head",
    "leader",
    "state",
    "the",
    "of",
    "us",
    "un",
    "eu",
    "deputy",
    "premier",
    "chancellor",
    "king",
    "queen",
    # role nouns an article puts before a name ("Passenger Jane Doe", "Another senior official X")
    "passenger",
    "witness",
    "resident",
    "survivor",
    "student",
    "official",
    "spokesperson",
    "another",
    "senior",
    "former",
    "acting",
    "additional",
    "on",
    "in",
    "a",
    "an",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}


@dataclass
class Speaker:
    ref: str | None = None  # a known entity id
    name: str | None = None  # a name the article gives, for a proposed new entity
    how: str = ""

    def __bool__(self) -> bool:
        return bool(self.ref or self.name)


def _entity_mentions(index: NameIndex, text: str, start: int, end: int) -> list[Mention]:
    return [m for m in index.mentions(text, start, end) if m.kind == "entity"]


def _unknown_name(phrase: str, first: bool = False) -> str | None:
    """A capitalised name in an attribution phrase that the knowledge base does not know: the last one
    ("the minister X said"), or the first (a sentence's subject: "X from Y's office told")."""
    best = None
    for m in _NAME.finditer(phrase):
        if first and best:
            break
        words = [w for w in m.group().split() if w.lower().strip(".'") not in _TITLE_WORDS]
        while len(words) > 2 and re.fullmatch(r"[A-Z]{1,4}", words[0]):  # "DGP Jane Doe": a rank
            words = words[1:]
        if words:
            best = " ".join(words).rstrip(".,'")
    return best


def _breaks_sentence(phrase: str) -> bool:
    """Whether a phrase holds a sentence end (not the dot of an initial or an abbreviation: "S.K.", "Mr.")."""
    for m in re.finditer(r"[.;!?]\s", phrase):
        before = phrase[: m.start() + 1]
        if m.group()[0] == "." and (re.search(r"(?:^|[\s.])[A-Z]\.$", before) or _ABBREV.search(before)):
            continue
        return True
    return False


_UNNAMED = re.compile(r"(?:a|an|one|another)\s+[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}")
_PERSON_PRONOUN = {"he", "she", "his", "her", "him"}


def _slot(text: str, start: int, cue_start: int) -> tuple[int, str]:
    """The subject slot before a cue: from the last clause edge (comma, 'that', 'and') to the cue."""
    before = text[start:cue_start]
    cut = max(before.rfind(","), before.rfind(":"), before.rfind(" that "), before.rfind(" and "))
    slot_start = start + cut + 1 if cut >= 0 else start
    return slot_start, text[slot_start:cue_start].strip(" ,[]\"'")


class Attributor:
    """Who said each quotation of an article, from the cue around it, else the quotation before."""

    def __init__(self, text: str, index: NameIndex) -> None:
        self.text = text
        self.norm = norm(text)
        self.index = index
        self.last: Speaker = Speaker()
        self.paras = body_paragraphs(text)
        self.quoted = [(q.start - 1, q.end + 1) for a, b in self.paras for q in quotations(text, a, b)]
        self.said: list[tuple[int, Speaker]] = []  # (where, who) of each quotation attributed so far
        self.subjects = self._reporting_subjects()  # (where, who) of each "X said/told ..." outside quotes

    def _inside_quote(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.quoted)

    def _reporting_subjects(self) -> list[tuple[int, Speaker]]:
        """Who reports in each sentence with a reporting verb outside quotation marks: "Jane Doe, a
        student ..., said images ..." names a speaker the next paragraph's quotation may go on from."""
        t, out = self.norm, []
        for pa, pb in self.paras:
            for sa, sb in sentences(t, pa, pb):
                for cue in _CUE_BEFORE.finditer(t, sa, sb):
                    if self._inside_quote(cue.start()):
                        continue
                    who = None
                    inverted = (
                        re.search(r"[,:]\s*$", t[sa : cue.start()]) and len(t[cue.end() : sb].split()) <= 10
                    )
                    if cue.group(1).lower() == "according to" or inverted:
                        who = self._named_after(cue.end(), sb)  # "..., announced the head of X, Y."
                    if who is None and cue.group(1).lower() != "according to":
                        who = self._subject_of(sa, cue.start())
                    if who:
                        out.append((cue.start(), who))
        return out

    def _named_after(self, start: int, end: int) -> Speaker | None:
        """Who an inverted cue names after it, up to the next quotation: a person first."""
        end = min([end, *(a for a, b in self.quoted if start <= a < end)])
        ments = _entity_mentions(self.index, self.norm, start, end)
        people = [m for m in ments if getattr(self.index.items[m.ref], "kind", "") == "person"]
        if people or ments:
            return Speaker((people or ments)[0].ref, how="reporting")
        name = _unknown_name(self.norm[start:end])
        return Speaker(name=name, how="reporting") if name and " " in name else None

    def _subject_of(self, sent_start: int, cue_start: int) -> Speaker | None:
        """The named subject of a reporting verb: the last name right before it ("... official Jane
        Doe told"), else the sentence's first name ("X, a student from Y, said"; "X has condoled
        ... and said"). None when a pronoun is the subject."""
        t = self.norm
        lo = max([sent_start, *(b for a, b in self.quoted if sent_start <= b <= cue_start)])
        cuts = [lo] + [m.end() for m in re.finditer(r",|\band\b|\bthat\b|\bwho\b", t[lo:cue_start])]
        last_piece = lo + cuts[-1] if len(cuts) > 1 else lo
        piece = t[last_piece:cue_start].strip(" ,")
        if _PRONOUN.match(_FILLER.sub("", piece)):
            return None
        for start, pick_last in ((last_piece, True), (lo, False)):
            end = cue_start if pick_last else (lo + cuts[1] if len(cuts) > 1 else cue_start)
            ments = _entity_mentions(self.index, t, start, end)
            if ments:
                return Speaker(ments[-1 if pick_last else 0].ref, how="reporting")
            text = t[start:end]
            for m in self.index.mentions(t, start, end):  # a known place is not a speaker
                text = text[: m.start - start] + " " * (m.end - m.start) + text[m.end - start :]
            name = _unknown_name(text, first=not pick_last)
            if name and not (" " not in name and re.search(rf"\b{re.escape(name.lower())}\b", t)):
                return Speaker(name=self._full_name(name, cue_start), how="reporting")
        return None

    def _antecedent(self, pos: int, pronoun: str) -> Speaker:
        """Whom a pronoun before or after a quotation stands for: the latest speaker or reporting subject
        since the previous paragraph began (a person for he/she), else the last speaker."""
        starts = [a for a, b in self.paras if a <= pos]
        lo = starts[-2] if len(starts) > 1 else 0
        person = pronoun.lower() in _PERSON_PRONOUN
        for _, sp in sorted(
            (c for c in [*self.said, *self.subjects] if lo <= c[0] < pos), key=lambda c: -c[0]
        ):
            if person and sp.ref and getattr(self.index.items[sp.ref], "kind", "person") != "person":
                continue
            return Speaker(sp.ref, sp.name, how="pronoun")
        return Speaker(self.last.ref, self.last.name, how="pronoun")

    def _full_name(self, name: str, pos: int) -> str:
        """A surname alone ("said Doe", "Mr. Doe") as the article first gave it in full."""
        if " " in name:
            return name
        best = None
        for m in re.finditer(r"(?:[A-Z][\w'.-]*[ ]+){1,3}[A-Z][\w'-]+", self.norm):
            full = _unknown_name(m.group())
            if full and " " in full and full.split()[-1] == name and (best is None or m.start() < pos):
                best = full
        return best or name

    def _after(
        self, q: Quotation, sent_end: int, next_start: int, sent_start: int = 0
    ) -> tuple[Speaker, str] | None:
        """'"...," X said' or '"...", said X' or '"...", according to X' (when no verb before the
        quotation says who speaks: 'X said "..." ..., according to a reading of the call' names a source)."""
        t = self.norm
        stop = min(sent_end, next_start)
        m = _CUE_AFTER.search(t, q.end + 1, min(stop, q.end + 160))
        if not m:
            return None
        phrase = t[q.end + 1 : m.start()]
        if len(phrase.split()) > 14 or _breaks_sentence(phrase):
            return None
        cue = m.group(1).lower()
        if cue == "according to" and any(
            c.group(1).lower() != "according to" and not self._inside_quote(c.start())
            for c in _CUE_BEFORE.finditer(t, sent_start, q.start)
        ):
            return None
        clean = _FILLER.sub("", phrase.strip(" ,[]\"'"))
        if not clean:
            after = _entity_mentions(self.index, t, m.end(), min(stop, m.end() + 80))
            if after:
                return Speaker(after[0].ref, how="inverted"), cue
            name = _unknown_name(t[m.end() : min(stop, m.end() + 60)])
            return (Speaker(name=name, how="inverted"), cue) if name else None
        rel = phrase.rfind(",", 0, len(phrase.rstrip(" ,")))
        ments = _entity_mentions(self.index, t, q.end + 1 + rel + 1 if rel >= 0 else q.end + 1, m.start())
        ments = ments or _entity_mentions(self.index, t, q.end + 1, m.start())
        if ments:
            return Speaker(ments[0].ref, how="after"), cue
        tail = clean.rsplit(",", 1)[-1].strip()
        if _PRONOUN.match(clean) or _PRONOUN.match(tail):
            return self._antecedent(q.start, (clean if _PRONOUN.match(clean) else tail).split()[0]), cue
        if _GENERIC.match(clean) or _GENERIC.match(tail):  # "the statement said": the latest named source
            return self._antecedent(q.start, ""), cue
        head = clean.split(",", 1)[0]  # "X, the ministry's spokesman, said": X, before its apposition
        name = _unknown_name(head) or _unknown_name(clean)
        if name:
            return Speaker(name=name, how="after-new"), cue
        if _UNNAMED.fullmatch(head):  # "a passenger told reporters": a speaker the article does not name
            return Speaker(name=head, how="unnamed"), cue
        return None

    def _before(
        self, q: Quotation, sent_start: int, prev_end: int, par_start: int
    ) -> tuple[Speaker, str] | None:
        """'X said "..."', 'X accused Y of "..."', 'According to X, "..."'."""
        t = self.norm
        lo = max(sent_start, prev_end)
        cues = list(_CUE_BEFORE.finditer(t, lo, q.start))
        if not cues:
            return None
        m = cues[-1]
        cue = m.group(1).lower()
        if cue == "according to":
            after = _entity_mentions(self.index, t, m.end(), q.start)
            if after:
                return Speaker(after[0].ref, how="according"), "said"
            name = _unknown_name(t[m.end() : q.start])
            return (Speaker(name=name, how="according-new"), "said") if name else None
        if cue.endswith("ing") and not t[sent_start : m.start()].strip(" \"'"):
            # "Denouncing an "aggression" by X, Prime Minister Y called ...": the main clause's subject
            comma = t.find(",", q.end, min(q.end + 200, len(t)))
            if comma >= 0:
                end = min(
                    [i for i in (t.find(",", comma + 1), t.find(".", comma + 1)) if i > comma]
                    or [comma + 120]
                )
                ments = _entity_mentions(self.index, t, comma + 1, end)
                people = [x for x in ments if getattr(self.index.items[x.ref], "kind", "") == "person"]
                if people or ments:
                    return Speaker((people or ments)[0].ref, how="main-clause"), cue
        slot_start, slot = _slot(t, lo, m.start())
        slot = _FILLER.sub("", slot)
        if _PRONOUN.match(slot) or (
            _GENERIC.match(slot) and not _entity_mentions(self.index, t, slot_start, m.start())
        ):
            if _GENERIC.match(slot):
                prev = self._previous_subject(par_start, sent_start)
                if prev:
                    return prev, cue
                return Speaker(self.last.ref, self.last.name, how="pronoun"), cue
            return self._antecedent(q.start, slot.split()[0]), cue
        ments = _entity_mentions(self.index, t, slot_start, m.start())
        clause = max(lo, t.rfind(",", lo, m.start()) + 1)
        if joint := self.index.joint_speaker(t, clause, m.start()):  # "A and B agreed to "...""
            return Speaker(joint, how="before-joint"), cue
        if ments:
            # "UN Secretary General Jane Doe on Tuesday called": a name after a known one that
            # only qualifies it is the speaker
            name = _unknown_name(t[ments[-1].end : m.start()])
            if name and " " in name and not _ORG_WORDS.search(name):
                return Speaker(name=name, how="before-new"), cue
            return Speaker(ments[-1].ref, how="before"), cue
        if not slot and prev_end > sent_start and self.last:  # '"...," X said, adding "..."'
            return Speaker(self.last.ref, self.last.name, how="continues"), cue
        if not slot:  # "..., adding that", "and affirmed": the sentence's subject speaks
            ments = _entity_mentions(self.index, t, sent_start, m.start())
            if ments:
                return Speaker(ments[0].ref, how="subject"), cue
        ments = _entity_mentions(self.index, t, lo, m.start())
        if ments:
            return Speaker(ments[-1].ref, how="before"), cue
        name = _unknown_name(slot)
        return (Speaker(name=name, how="before-new"), cue) if name else None

    def _previous_subject(self, par_start: int, sent_start: int) -> Speaker | None:
        spans = sentences(self.norm, par_start, sent_start) or sentences(
            self.norm, max(0, par_start - 800), par_start
        )
        if spans:
            ments = _entity_mentions(self.index, self.norm, *spans[-1])
            if ments:
                return Speaker(ments[0].ref, how="previous-sentence")
        return None

    def attribute(
        self,
        quotes: list[Quotation],
        sents: list[tuple[int, int]],
        par: tuple[int, int],
        starts_paragraph_with_quote: bool,
    ) -> list[tuple[Speaker, str]]:
        """(speaker, cue word) for each quotation of one paragraph, in order."""

        def sentence_of(pos: int) -> tuple[int, int]:
            for a, b in sents:
                if a <= pos <= b:
                    return a, b
            return par

        results: list[tuple[Speaker, str] | None] = []
        for i, q in enumerate(quotes):
            _, e_end = sentence_of(q.end)
            next_start = quotes[i + 1].start - 1 if i + 1 < len(quotes) else par[1]
            results.append(self._after(q, e_end, next_start, sentence_of(q.start - 1)[0]))
        # a later quotation's "X said" in the same sentence names the speaker of earlier ones too
        for i in range(len(quotes) - 2, -1, -1):
            later = results[i + 1]
            if results[i] is None and later is not None and later[0].how in ("after", "inverted"):
                if sentence_of(quotes[i].start) == sentence_of(quotes[i + 1].start):
                    results[i] = results[i + 1]
        out: list[tuple[Speaker, str]] = []
        for i, q in enumerate(quotes):
            s_start, _ = sentence_of(q.start - 1)
            prev_end = quotes[i - 1].end + 1 if i else par[0]
            found = results[i] or self._before(q, s_start, prev_end, par[0])
            if found is None:
                # a quotation with no cue: it goes on from the one before (in this paragraph, or the
                # previous one when this paragraph opens with a quote), else the sentence's first name
                if i and self.last:
                    found = (Speaker(self.last.ref, self.last.name, how="continues"), "said")
                elif starts_paragraph_with_quote and (before := self._antecedent(q.start, "")):
                    found = (Speaker(before.ref, before.name, how="continues"), "said")
                else:
                    ments = _entity_mentions(self.index, self.norm, s_start, q.start)
                    prev = self._previous_subject(par[0], s_start)
                    if ments:
                        found = (Speaker(ments[0].ref, how="subject"), "said")
                    elif prev:
                        found = (prev, "said")
                    else:
                        found = (Speaker(self.last.ref, self.last.name, how="last"), "said")
            if found[0].name and not found[0].ref:
                found[0].name = self._full_name(found[0].name, q.start)
            if found[0]:
                self.last = found[0]
                self.said.append((q.start, found[0]))
            out.append(found)
        return out


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
    # at least 49 Armenian soldiers were killed / 49 (soldiers) killed / 14 wounded
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
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?|"
    rf"(?:in|since|until|till|by|from|of)\s+(?:(?:the\s+)?(?:early|mid|late|fall|autumn|spring|summer|winter)\s*(?:of\s+)?)?"
    rf"(?:{_MONTH}\s+)?(?:1[89]|20)\d0?s?\b|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"(?:in|since|on|last|this|next)\s+{_MONTH}\b|"
    rf"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|evening|night|afternoon))?|"
    rf"(?:last|this|next)\s+(?:week|month|year))",
)
_TIME = re.compile(
    r"\b(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.m\.|\d{1,2}\s+hours|midnight|"
    r"(?:early|late)\s+(?:morning|evening|night|hours)|overnight)\b",
    re.I,
)


# --- the draft ---------------------------------------------------------------------------------------


@dataclass
class Draft:
    source: dict
    items: list[tuple[str, dict]] = field(default_factory=list)  # (table, fields), in output order
    notes: list[str] = field(default_factory=list)

    def of(self, table: str) -> list[dict]:
        return [it for t, it in self.items if t == table]


def _slug(text: str, words: int = 4) -> str:
    toks = re.findall(r"[a-z0-9]+", fold_quotes_space(text).lower())
    stop = {"the", "a", "an", "of", "to", "and", "in", "on", "for", "is", "are", "we", "it", "that", "this"}
    picked = [t for t in toks if t not in stop][:words] or toks[:words] or ["item"]
    return "-".join(picked)


def _evidence_text(text: str, start: int, end: int, limit: int = 600) -> str:
    passage = re.sub(r"\s+", " ", text[start:end]).strip()
    if len(passage) > limit:
        passage = passage[:limit].rsplit(" ", 1)[0]
    return passage


class _Ids:
    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken)

    def new(self, base: str) -> str:
        base = re.sub(r"[^a-z0-9_.-]+", "-", base.lower()).strip("-.") or "item"
        base = base[:60].rstrip("-.")
        cand, n = base, 2
        while cand in self.taken:
            cand, n = f"{base}-{n}", n + 1
        self.taken.add(cand)
        return cand


def _allowed(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The literal values a model's field accepts (so the draft follows the schema it is checked against)."""
    ann = model.model_fields[name].annotation
    for arg in (ann, *typing.get_args(ann)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return ()


def guess_source(text: str, source_id: str) -> dict:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else source_id
    entry: dict = {"id": source_id}
    title = first if len(first) <= 160 and not first.endswith(".") else None
    entry["label"] = f'{source_id}: "{title}"' if title else source_id
    if title:
        entry["title"] = title
    head = "\n".join(lines[:6])
    if m := re.search(r"https?://\S+", head):
        entry["url"] = m.group().rstrip(").,")
    if m := re.search(r"\b(\d{4}-\d{2}-\d{2})\b", head):
        entry["date"] = m.group(1)
    return entry


def draft_article(text: str, source_id: str, kb=None) -> Draft:
    """Draft curated items for one article. ``kb``: the knowledge base already curated (a
    ``KnowledgeBase``, or anything with ``entities``, ``places``, ``events`` and ``items``), whose
    entities and places speakers and names are resolved against and whose ids the draft avoids."""
    entities = list(getattr(kb, "entities", []) or [])
    places = list(getattr(kb, "places", []) or [])
    events = list(getattr(kb, "events", []) or [])
    ids = _Ids(set(getattr(kb, "items", {}) or {}))
    index = NameIndex(entities, places)
    t = norm(text)
    draft = Draft(source=guess_source(text, source_id))
    new_entities: dict[str, dict] = {}  # folded name -> entity fields

    def ev(start: int, end: int) -> list[dict]:
        return [{"source": source_id, "quote": _evidence_text(text, start, end)}]

    def speaker_id(sp: Speaker, start: int, end: int) -> str:
        if sp.ref:
            return sp.ref
        name = sp.name or "Unattributed (review: who is speaking?)"
        key = name.lower()
        if key not in new_entities:
            kind = "organisation" if _ORG_WORDS.search(name) else ("person" if sp.name else "group")
            new_entities[key] = {
                "id": ids.new(_slug(name, 3)),
                "name": name,
                "kind": kind,
                "description": "Drafted: named as a speaker in the article; say who it is.",
                "evidence": ev(start, end),
            }
        return new_entities[key]["id"]

    def on_behalf(ref: str) -> str | None:
        it = index.items.get(ref)
        seen = set()
        while it is not None and it.id not in seen:
            seen.add(it.id)
            if getattr(it, "kind", None) == "country":
                return it.id
            nxt = getattr(it, "part_of", None) or getattr(it, "country", None)
            it = index.items.get(nxt) if nxt else None
        return None

    # quotations
    attributor = Attributor(text, index)
    quote_items: list[dict] = []
    quote_spans: list[tuple[int, int, str]] = []  # quotation span -> speaker id (for figures inside quotes)
    seen_quotes: dict[tuple[str, str], dict] = {}
    cue_kinds = _allowed(Quote, "cue")
    for p_start, p_end in body_paragraphs(text):
        sents = sentences(t, p_start, p_end)
        quotes = quotations(text, p_start, p_end)
        if not quotes:
            continue
        opens = t[p_start:p_end].lstrip()[:1] in ('"', "'")
        for q, (sp, cue_word) in zip(
            quotes, attributor.attribute(quotes, sents, (p_start, p_end), opens), strict=True
        ):
            s_start = next((a for a, b in sents if a <= q.start - 1 <= b), p_start)
            s_end = next((b for a, b in sents if a <= q.end <= b), p_end)
            # evidence: the sentence(s) holding the quotation and its cue
            e_start, e_end = s_start, s_end
            if e_end - e_start < 40 and e_end < p_end:
                e_end = next((b for a, b in sents if a > e_end), e_end)
            sid = speaker_id(sp, e_start, e_end)
            quote_spans.append((q.start, q.end, sid))
            key = (fold_quotes_space(q.text).lower(), sid)
            if key in seen_quotes:
                continue
            sentence = re.sub(r"\s+", " ", text[e_start:e_end]).strip()
            cue = _CUE_KIND.get(cue_word, "said")
            if "statement" in sentence.lower() and cue == "said":
                cue = "statement"
            elif "speech" in sentence.lower() and cue == "said":
                cue = "speech"
            if cue_kinds and cue not in cue_kinds:
                cue = "said"
            who = (
                index.items[sid].name
                if sid in index.items
                else new_entities.get(
                    next((k for k, v in new_entities.items() if v["id"] == sid), ""), {}
                ).get("name", sid)
            )
            item: dict[str, typing.Any] = {
                "id": ids.new(f"quote-{sid}-{_slug(q.text)}"),
                "speaker": sid,
                "on_behalf_of": on_behalf(sid) if sid in index.items else None,
                "text": re.sub(r"\s+", " ", q.text),
                "cue": cue,
                "context": f"Drafted ({sp.how or 'cue'}): {who}, as the article reports it: {sentence[:300]}",
                "topics": sorted(
                    {m.spelling.lower() for m in index.mentions(t, e_start, e_end) if m.kind == "place"}
                ),
                "evidence": ev(e_start, e_end),
            }
            seen_quotes[key] = item
            quote_items.append(item)

    # figures
    outcomes = _allowed(Casualty, "outcome")
    qualifiers = _allowed(Casualty, "qualifier")
    # the knowledge base's events, only when the article is of its story: never another story's event
    story_events = events if _of_this_story(t, index, events) else []
    main_event = story_events[0].id if story_events else None
    new_event: dict | None = None
    casualty_items: list[dict] = []
    seen_cas: dict[tuple, dict] = {}
    for p_start, p_end in body_paragraphs(text):
        last_subject = ""
        for s_start, s_end in sentences(t, p_start, p_end):
            for f in figures(text, s_start, s_end):
                reporter = next((sid for a, b, sid in quote_spans if a <= f.start < b), None)
                if reporter is None:
                    cues = list(_CUE_BEFORE.finditer(t, s_start, f.start))
                    if cues:
                        c = cues[-1]
                        if c.group(1).lower() == "according to":
                            ments = _entity_mentions(index, t, c.end(), s_end)
                        else:
                            ments = _entity_mentions(index, t, s_start, c.start())[-1:]
                        reporter = ments[0].ref if ments else None
                    else:
                        after = _CUE_AFTER.search(t, f.end, s_end) or re.search(
                            r"\bannounced\b", t[f.end : s_end]
                        )
                        if after:
                            a_end = (
                                f.end + after.start()
                                if isinstance(after, re.Match) and after.re.pattern == r"\bannounced\b"
                                else after.start()
                            )
                            ments = _entity_mentions(index, t, max(f.end, a_end - 60), a_end)
                            reporter = ments[-1].ref if ments else None
                # whose dead: a country or group named in the counted phrase, or 'its/our' -> the reporter
                phrase = t[f.start : f.end]
                side = None
                for m in _entity_mentions(index, t, f.start, f.end):
                    if getattr(index.items[m.ref], "kind", "") in ("country", "group"):
                        side = m.ref
                        break
                if (
                    side is None
                    and reporter
                    and re.search(r"\b(?:its|our|we|it)\b", t[max(s_start, f.start - 12) : f.end], re.I)
                ):
                    side = on_behalf(reporter) or reporter
                event = _event_for(t[s_start:s_end], story_events) or main_event
                if event is None:
                    if new_event is None:
                        new_event = {
                            "id": ids.new(f"event-{_slug(draft.source.get('title') or source_id)}"),
                            "name": draft.source.get("title") or f"The events of {source_id}",
                            "description": "Drafted: the event this article's figures belong to.",
                            "evidence": ev(s_start, s_end),
                        }
                    event = new_event["id"]
                outcome = (
                    f.outcome
                    if (not outcomes or f.outcome in outcomes)
                    else ("wounded" if f.outcome == "injured" and "wounded" in outcomes else "casualties")
                )
                qualifier = f.qualifier if (not qualifiers or f.qualifier in qualifiers) else "unspecified"
                subject = f.subject or last_subject or "people"
                last_subject = subject
                cas_key = (f.number, qualifier, subject.lower(), outcome, side, reporter)
                if cas_key in seen_cas:
                    continue
                same = _same_figure(
                    casualty_items, f.number, outcome, side, event, subject, qualifier, reporter
                )
                if same is not None:  # the figure told again ("death toll rises to 96"): one item
                    _merge_figure(same, ev(s_start, s_end), subject, qualifier, f.figure_text, reporter)
                    seen_cas[cas_key] = same
                    continue
                who = index.items[reporter].name if reporter in index.items else "The article"
                item = {
                    "id": ids.new(f"cas-{side or 'total'}-{_slug(f.figure_text, 3)}-{f.outcome}"),
                    "event": event,
                    "side": side,
                    "subject": subject,
                    "outcome": outcome,
                    "figure": f.number,
                    "figure_text": f.figure_text,
                    "qualifier": qualifier,
                    "reported_by": reporter,
                    "status": None if outcome == f.outcome else f"{f.outcome} (as stated)",
                    "summary": f'{who}: {f.figure_text} {subject} {f.outcome} ("{re.sub(chr(92) + "s+", " ", phrase)}").',
                    "evidence": ev(s_start, s_end),
                }
                seen_cas[cas_key] = item
                casualty_items.append(item)

    # dated sentences
    event_items: list[dict] = []
    order = 0
    for p_start, p_end in body_paragraphs(text):
        for s_start, s_end in sentences(t, p_start, p_end):
            sentence = t[s_start:s_end]
            dates = [m.group().strip() for m in _DATE.finditer(sentence)]
            times = [m.group().strip() for m in _TIME.finditer(sentence)]
            if not dates and not times:
                continue
            ments = index.mentions(t, s_start, s_end)
            order += 10
            summary = re.sub(r"\s+", " ", text[s_start:s_end]).strip()
            event_items.append(
                {
                    "id": ids.new(f"ev-{_slug(dates[0] if dates else times[0], 3)}-{_slug(summary, 3)}"),
                    "date": dates[0] if dates else None,
                    "time": times[0] if times else None,
                    "places": sorted({m.ref for m in ments if m.kind == "place"}),
                    "actors": sorted({m.ref for m in ments if m.kind == "entity"}),
                    "order": order,
                    "summary": f"Drafted: {summary[:400]}",
                    "evidence": ev(s_start, s_end),
                }
            )

    # places the knowledge base does not know ("the towns of A, B and C", "A district")
    place_kinds = _allowed(KIND_OF_TABLE["place"], "kind")
    known = {
        norm(fold_quotes_space(s)).lower() for it in [*entities, *places] for s in [it.name, *it.aliases]
    }
    place_items: list[dict] = []
    seen_places: set[str] = set()
    for pm in re.finditer(
        r"\b(towns?|cit(?:y|ies)|villages?|districts?|regions?|provinces?|states?|countries)\s+"
        r"(?:of|such as|including|like|near)\s+((?:[A-Z][\w'-]+(?:,\s*|\s+and\s+|\s+)?)+)",
        t,
    ):
        noun = pm.group(1).lower()
        kind = {"cities": "city", "countries": "country"}.get(noun, noun.rstrip("s"))
        if place_kinds and kind not in place_kinds:
            kind = "town" if "town" in place_kinds else place_kinds[0]
        for name in re.split(r",\s*|\s+and\s+", pm.group(2)):
            name = name.strip()
            if not name or not name[0].isupper() or name.lower() in known or name.lower() in seen_places:
                continue
            seen_places.add(name.lower())
            s_start, s_end = next(
                (
                    (a, b)
                    for pa, pb in body_paragraphs(text)
                    for a, b in sentences(t, pa, pb)
                    if a <= pm.start() <= b
                ),
                (pm.start(), pm.end()),
            )
            place_items.append(
                {
                    "id": ids.new(_slug(name, 3)),
                    "name": name,
                    "kind": kind,
                    "description": f"Drafted: one of the {noun} the article names.",
                    "evidence": ev(s_start, s_end),
                }
            )

    # spellings of known entities (and near misses: a spelling to add to an item's aliases)
    used: dict[str, set[str]] = {}
    for m in index.mentions(t):
        used.setdefault(m.ref, set()).add(m.spelling)
    alias_words: dict[str, str] = {}
    for it in [*entities, *places]:
        for s in [it.name, *it.aliases]:
            for w in re.findall(r"[A-Z][\w'-]{4,}", norm(s)):
                alias_words.setdefault(w, it.id)
    spelled = {w for m in index.mentions(t) for w in m.spelling.split()}
    near: dict[str, str] = {}
    for w in set(re.findall(r"\b[A-Z][a-z][\w'-]{3,}\b", t)) - spelled - set(alias_words):
        if w.lower() in known:
            continue
        best = max(alias_words, key=lambda a: fuzz.ratio(w, a), default=None)
        if best and fuzz.ratio(w, best) >= 85:
            near[w] = alias_words[best]
    for ref in sorted(used):
        draft.notes.append(f"{ref}: " + ", ".join(f'"{s}"' for s in sorted(used[ref])))
    for w, ref in sorted(near.items()):
        draft.notes.append(f'{ref}: possibly also spelled "{w}" (add to its aliases if so)')

    draft.items = (
        [("entity", e) for e in new_entities.values()]
        + [("place", p) for p in place_items]
        + ([("event", new_event)] if new_event else [])
        + [("quote", q) for q in quote_items]
        + [("casualty", c) for c in casualty_items]
        + [("timeline", e) for e in event_items]
    )
    draft.items = [(table, _validated(table, fields)) for table, fields in draft.items]
    return draft


_GENERIC_SUBJECT = {"people", "dead (people)", "dead", "deaths", "victims", "persons"}


def _same_figure(
    items: list[dict], number, outcome: str, side, event, subject: str, qualifier: str, reporter
) -> dict | None:
    """A drafted figure this one repeats: same number, outcome, side and event, no other qualifier
    ("more than 200" and "around 200" are two reports) nor another reporter, and the same subject or
    one of the two only says "people"."""
    if number is None:
        return None
    for it in items:
        if (it.get("figure"), it["outcome"], it.get("side"), it.get("event")) != (
            number,
            outcome,
            side,
            event,
        ):
            continue
        if "exact" not in (qualifier, it["qualifier"]) and qualifier != it["qualifier"]:
            continue
        if reporter and it.get("reported_by") and reporter != it["reported_by"]:
            continue
        a, b = it["subject"].lower(), subject.lower()
        if a == b or a in _GENERIC_SUBJECT or b in _GENERIC_SUBJECT:
            return it
    return None


def _merge_figure(
    item: dict, evidence: list[dict], subject: str, qualifier: str, text: str, reporter
) -> None:
    """Fold a repeated figure into the item: its passage as more evidence, the more telling subject,
    qualifier and reporter."""
    item["evidence"] += [e for e in evidence if e not in item["evidence"]]
    if item["subject"].lower() in _GENERIC_SUBJECT and subject.lower() not in _GENERIC_SUBJECT:
        item["subject"] = subject
    if item["qualifier"] == "exact" and qualifier != "exact":
        item["qualifier"], item["figure_text"] = qualifier, text
    if item.get("reported_by") is None and reporter:
        item["reported_by"] = reporter


def _of_this_story(text: str, index: NameIndex, events: list) -> bool:
    """Whether an article is about the story the knowledge base holds: it names one of its events, or
    a place it knows (other than a whole country, which many stories share)."""
    low = fold_quotes_space(text).lower()
    for c in events:
        for s in [c.name, *c.aliases]:
            if re.search(rf"(?<!\w){re.escape(fold_quotes_space(s).lower())}(?!\w)", low):
                return True
    return any(
        m.kind == "place" and getattr(index.items[m.ref], "kind", "") != "country"
        for m in index.mentions(text)
    )


def _event_for(sentence: str, events: list) -> str | None:
    """The known event a sentence's figure belongs to: one whose name or alias it uses, else one whose
    name or period holds a year the sentence gives."""
    low = fold_quotes_space(sentence).lower()
    best, best_len = None, 0
    for c in events:
        for s in [c.name, *c.aliases]:
            s_low = fold_quotes_space(s).lower()
            if len(s_low) > best_len and re.search(rf"(?<!\w){re.escape(s_low)}(?!\w)", low):
                best, best_len = c.id, len(s_low)
    if best:
        return best
    years = set(re.findall(r"\b(?:1[89]|20)\d\d", sentence))
    for c in events:
        if years & set(re.findall(r"\b(?:1[89]|20)\d\d", " ".join([c.name, *c.aliases, c.period or ""]))):
            return c.id
    return None


def _validated(table: str, fields: dict) -> dict:
    """Fields the schema knows, without empty values; checked against the model."""
    model = KIND_OF_TABLE[table]
    clean = {k: v for k, v in fields.items() if k in model.model_fields and v not in (None, [], "")}
    model.model_validate(clean)
    return clean


# --- TOML output ---------------------------------------------------------------------------------------

_KEY_ORDER = [
    "id",
    "name",
    "kind",
    "speaker",
    "on_behalf_of",
    "event",
    "side",
    "subject",
    "outcome",
    "figure",
    "figure_text",
    "qualifier",
    "reported_by",
    "status",
    "date",
    "time",
    "order",
    "places",
    "actors",
    "text",
    "cue",
    "aliases",
    "role",
    "country",
    "part_of",
    "period",
    "context",
    "topics",
    "summary",
    "description",
]


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(draft: Draft) -> str:
    src = draft.source
    counts: dict[str, int] = {}
    for table, _ in draft.items:
        counts[table] = counts.get(table, 0) + 1
    lines = [
        f"# DRAFT for review: items proposed by `python -m bot kb draft` for corpus/{src['id']}.txt.",
        "# Nothing here is curated yet and the bot never loads this file by itself. To use it:",
        f"#  1. put the article in corpus/ as {src['id']}.txt (its [[source]] entry is below);",
        "#  2. check every item against the article: speakers, figures, subjects, sides, summaries and",
        "#     contexts (each says 'Drafted'); merge items that repeat curated ones; delete what is wrong;",
        "#  3. put this file (or its items) into the knowledge folder and run `python -m bot kb check`.",
        "# Drafted: " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".",
    ]
    if draft.notes:
        lines += ["#", "# Known entities and places the article names, with the spellings it uses:"]
        lines += [f"#   {n}" for n in draft.notes]
    lines.append(source_entry_toml(draft).rstrip("\n"))
    for table, fields in draft.items:
        lines += ["", f"[[{table}]]"]
        for k in sorted(fields, key=lambda k: (_KEY_ORDER.index(k) if k in _KEY_ORDER else 99, k)):
            if k == "evidence":
                continue
            lines.append(f"{k} = {_toml_value(fields[k])}")
        lines.append("evidence = [")
        lines += [f"  {_toml_value(e)}," for e in fields["evidence"]]
        lines.append("]")
    return "\n".join(lines) + "\n"


def source_entry_toml(draft: Draft) -> str:
    """The draft's ``[[source]]`` entry (valid in sources.toml or in any other knowledge file)."""
    Source.model_validate(draft.source)
    return "\n[[source]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in draft.source.items())


def draft_file(article: Path, kb=None, source_id: str | None = None) -> tuple[str, str]:
    """(source id, TOML text) of the draft for an article file."""
    sid = source_id or article.stem
    text = article.read_text(encoding="utf-8")
    return sid, to_toml(draft_article(text, sid, kb))
