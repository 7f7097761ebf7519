"""Who says each quotation of an article (for ``kb draft``), by rules over sentence structure.

The knowledge base's names and aliases are found in the text (``NameIndex``); a quotation goes to the
subject of the reporting verb around it ("..., X said", "X told reporters "..."", "according to X"),
to the person a pronoun stands for (the latest speaker or named subject of a reporting verb since the
previous paragraph began), to the previous paragraph's speaker when a paragraph opens with a quotation
and no cue, and to a name the article gives in full when it later uses a surname alone. Only general
English is used; everything about the story comes from the knowledge base.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

from knowledge.draft_text import ABBREV, Quotation, body_paragraphs, norm, quotations, sentences
from knowledge.text import fold_quotes_space

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

CUE_AFTER = re.compile(
    r"\b(said|says|tweeted|wrote|told|added|stated|announced|declared|urged|stressed|warned|noted|"
    r"explained|insisted|claimed|read|posted|continued|clarified|assured|affirmed|insisted|concluded|"
    r"informed|specified|according to)\b",
    re.IGNORECASE,
)
CUE_BEFORE = re.compile(
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
CUE_KIND = {
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
ORG_WORDS = re.compile(
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


def entity_mentions(index: NameIndex, text: str, start: int, end: int) -> list[Mention]:
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
        if m.group()[0] == "." and (re.search(r"(?:^|[\s.])[A-Z]\.$", before) or ABBREV.search(before)):
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
                for cue in CUE_BEFORE.finditer(t, sa, sb):
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
        ments = entity_mentions(self.index, self.norm, start, end)
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
            ments = entity_mentions(self.index, t, start, end)
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
        m = CUE_AFTER.search(t, q.end + 1, min(stop, q.end + 160))
        if not m:
            return None
        phrase = t[q.end + 1 : m.start()]
        if len(phrase.split()) > 14 or _breaks_sentence(phrase):
            return None
        cue = m.group(1).lower()
        if cue == "according to" and any(
            c.group(1).lower() != "according to" and not self._inside_quote(c.start())
            for c in CUE_BEFORE.finditer(t, sent_start, q.start)
        ):
            return None
        clean = _FILLER.sub("", phrase.strip(" ,[]\"'"))
        if not clean:
            after = entity_mentions(self.index, t, m.end(), min(stop, m.end() + 80))
            if after:
                return Speaker(after[0].ref, how="inverted"), cue
            name = _unknown_name(t[m.end() : min(stop, m.end() + 60)])
            return (Speaker(name=name, how="inverted"), cue) if name else None
        rel = phrase.rfind(",", 0, len(phrase.rstrip(" ,")))
        ments = entity_mentions(self.index, t, q.end + 1 + rel + 1 if rel >= 0 else q.end + 1, m.start())
        ments = ments or entity_mentions(self.index, t, q.end + 1, m.start())
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
        cues = list(CUE_BEFORE.finditer(t, lo, q.start))
        if not cues:
            return None
        m = cues[-1]
        cue = m.group(1).lower()
        if cue == "according to":
            after = entity_mentions(self.index, t, m.end(), q.start)
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
                ments = entity_mentions(self.index, t, comma + 1, end)
                people = [x for x in ments if getattr(self.index.items[x.ref], "kind", "") == "person"]
                if people or ments:
                    return Speaker((people or ments)[0].ref, how="main-clause"), cue
        slot_start, slot = _slot(t, lo, m.start())
        slot = _FILLER.sub("", slot)
        if _PRONOUN.match(slot) or (
            _GENERIC.match(slot) and not entity_mentions(self.index, t, slot_start, m.start())
        ):
            if _GENERIC.match(slot):
                prev = self._previous_subject(par_start, sent_start)
                if prev:
                    return prev, cue
                return Speaker(self.last.ref, self.last.name, how="pronoun"), cue
            return self._antecedent(q.start, slot.split()[0]), cue
        ments = entity_mentions(self.index, t, slot_start, m.start())
        clause = max(lo, t.rfind(",", lo, m.start()) + 1)
        if joint := self.index.joint_speaker(t, clause, m.start()):  # "A and B agreed to "...""
            return Speaker(joint, how="before-joint"), cue
        if ments:
            # "UN Secretary General Jane Doe on Tuesday called": a name after a known one that
            # only qualifies it is the speaker
            name = _unknown_name(t[ments[-1].end : m.start()])
            if name and " " in name and not ORG_WORDS.search(name):
                return Speaker(name=name, how="before-new"), cue
            return Speaker(ments[-1].ref, how="before"), cue
        if not slot and prev_end > sent_start and self.last:  # '"...," X said, adding "..."'
            return Speaker(self.last.ref, self.last.name, how="continues"), cue
        if not slot:  # "..., adding that", "and affirmed": the sentence's subject speaks
            ments = entity_mentions(self.index, t, sent_start, m.start())
            if ments:
                return Speaker(ments[0].ref, how="subject"), cue
        ments = entity_mentions(self.index, t, lo, m.start())
        if ments:
            return Speaker(ments[-1].ref, how="before"), cue
        name = _unknown_name(slot)
        return (Speaker(name=name, how="before-new"), cue) if name else None

    def _previous_subject(self, par_start: int, sent_start: int) -> Speaker | None:
        spans = sentences(self.norm, par_start, sent_start) or sentences(
            self.norm, max(0, par_start - 800), par_start
        )
        if spans:
            ments = entity_mentions(self.index, self.norm, *spans[-1])
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
                    ments = entity_mentions(self.index, self.norm, s_start, q.start)
                    prev = self._previous_subject(par[0], s_start)
                    if ments:
                        found = (Speaker(ments[0].ref, how="subject"), "said")
                    elif prev:
                        found = (prev, "said")
                    else:  # no cue, no name near: the curator says who (a guess would read as known)
                        found = (Speaker(how="unattributed"), "said")
            if found[0].name and not found[0].ref:
                found[0].name = self._full_name(found[0].name, q.start)
            if found[0]:
                self.last = found[0]
                self.said.append((q.start, found[0]))
            out.append(found)
        return out
