"""Question and item text analysis: tokens, light stemming, synonyms and concepts.

Everything in code is general English, not tied to one story. A story's own words
(war: "troops" and "servicemen" are soldiers; a rail crash: "commuters" are passengers)
come from its knowledge folder (``vocabulary.toml``): an ``Analyser`` joins them to the
general ones, and item texts and questions of that story pass through the same one, so
that "killed", "deaths" and "died" meet everywhere, and "troops" and "servicemen" where
the story says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lemminflect import getAllLemmas
from text_to_num import alpha2digit

from knowledge.lexicon import (
    CONCEPT_AGE,
    CONCEPT_COUNT,
    CONCEPT_DURATION,
    CONCEPT_PLACE,
    CONCEPT_TIME,
    CONCEPT_YEAR,
    IRREGULAR,
    NUMBER_WORDS,
    PHRASE_RULES,
    QUANTITY,
    SPELLING,
    STOP,
    SYNONYM_GROUPS,
)
from knowledge.text import normalise

_SYNONYMS: dict[str, str] = {}


def _quantity_forms(words: frozenset[str]) -> frozenset[str]:
    return words | {canon(w) for w in words}


_BRITISH = re.compile(r"is(ation|ations|e|es|ed|ing)$")


def _verb_base(token: str) -> str:
    """The base form of an irregular verb form ("risen" -> "rise", "thrown" -> "throw") where lemminflect's
    dictionary reads the token only as a verb form, with one base; else the token."""
    if token in IRREGULAR:
        return IRREGULAR[token]
    lemmas = getAllLemmas(token)
    verb = lemmas.get("VERB", ())
    # a participle that is also an adjective ("dated", "used") is still its verb's form
    reading = {"VERB"} | ({"ADJ"} if token.endswith(("ed", "ing")) else set())
    return verb[0] if "VERB" in lemmas and set(lemmas) <= reading and len(verb) == 1 else token


@lru_cache(maxsize=1 << 18)
def stem(token: str) -> str:
    """A light suffix stripper: enough for plural, past and -ing forms (and British spellings) to meet;
    irregular verb forms go to their base first."""
    token = SPELLING.get(token, token)
    token = _verb_base(token)
    if len(token) > 6:  # consistent on both sides, so "promise" -> "promize" does no harm
        token = _BRITISH.sub(lambda m: "iz" + m.group(1), token)
    if len(token) <= 3 or token.isdigit():
        return token
    for suffix, repl, min_len in (
        ("ies", "y", 5),
        ("ied", "y", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 5),
        ("s", "", 4),
        ("ly", "", 6),
    ):
        if token.endswith(suffix) and len(token) >= min_len:
            if suffix == "es" and not re.search(r"(ss|x|ch|sh|z)es$", token):
                continue
            if suffix == "s" and token.endswith(("ss", "us", "is")):
                continue
            if suffix == "ly" and not _adverb(token):
                continue  # "family", "assembly" are no adverbs of "fami", "assemb"
            base = token[: len(token) - len(suffix)] + repl
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]
            # the same rule as for a bare word below, so "sites" meets "site" and "fares" misses "far"
            return base.rstrip("e") if len(base) > 4 else base
    return token.rstrip("e") if len(token) > 4 else token


def _adverb(token: str) -> bool:
    """Whether a word in -ly is an adverb by lemminflect's dictionary (and no noun or verb), or a word it
    does not know (a typo: "offically")."""
    lemmas = getAllLemmas(token)
    return not lemmas or ("ADV" in lemmas and not {"NOUN", "VERB"} & set(lemmas))


def _add_groups(table: dict[str, str], groups: Iterable[tuple[str, Iterable[str]]]) -> None:
    for head, words in groups:
        for w in words:
            table[w] = head
            table.setdefault(stem(w), head)


_add_groups(_SYNONYMS, SYNONYM_GROUPS)


class Analyser:
    """Canonical content tokens for one story: the general English synonyms of ``lexicon`` and the
    story's own word groups (``groups``: canonical word -> the words that mean it in this story)."""

    def __init__(
        self, groups: Iterable[tuple[str, Iterable[str]]] = (), subjects: Iterable[str] = ()
    ) -> None:
        """``subjects``: who the story counts (soldiers, passengers), kept in canonical form."""
        groups = [(head, tuple(words)) for head, words in groups]
        self.synonyms = dict(_SYNONYMS)
        _add_groups(self.synonyms, groups)
        self.canon = lru_cache(maxsize=1 << 18)(self._canon)
        # a group's words of several tokens ("lay down arms", "cease-fire") become its head where they stand
        # in a text, matched word by word in canonical form ("lays down arms" too)
        self.phrases: dict[tuple[str, ...], list[str]] = {}
        for head, words in groups:
            for w in words:
                seq = tuple(self.canon(t) for t in normalise(w.lower()).replace("-", " ").split())
                if len(seq) > 1:
                    self.phrases[seq] = [head]
        self._phrase_len: dict[str, int] = {}
        for seq in self.phrases:
            self._phrase_len[seq[0]] = max(self._phrase_len.get(seq[0], 0), len(seq))
        self.subjects = frozenset(self.canon(w) for w in subjects)

    def _canon(self, token: str) -> str:
        """Stem, then fold synonyms onto one canonical token."""
        table = self.synonyms
        if token in table:
            return table[token]
        s = stem(token)
        if s in table:
            return table[s]
        s2 = stem(s)  # "fightings" -> "fighting" -> "fight"
        return table.get(s2, s)

    def _joined(self, tokens: list[str]) -> list[str]:
        """``tokens`` with the story's phrases replaced by their group's head, longest first."""
        return _replaced(tokens, [self.canon(t) for t in tokens], self.phrases, self._phrase_len, shortest=2)

    def analyse_tokens(self, tokens: list[str]) -> list[str]:
        if self.phrases:
            tokens = self._joined(tokens)
        out = []
        for tok in tokens:
            if tok in STOP:
                continue
            c = self.canon(tok)
            # a stopword's inflection stems to it less its "e": giving -> giv (give), taking -> tak (take)
            if c not in STOP and c + "e" not in STOP:
                out.append(c)
        return out

    def analyse(self, text: str) -> list[str]:
        """Canonical content tokens of a passage (stopwords dropped, order kept)."""
        return self.analyse_tokens(prepare(text))

    def counted_nouns(self, toks: list[str]) -> frozenset[str]:
        """Canonical words that follow a number closely ("2,000 foreign peacekeepers" -> peacekeeper, foreign)."""
        out: set[str] = set()
        for i, tok in enumerate(toks):
            # a year ("the 2020 war") dates a thing, it does not count it; "2,000 peacekeepers" (its
            # separator gone by now) counts: a year-like number counts only before a plural
            after = toks[i + 1 : i + 4]
            year_like = len(tok) == 4 and tok[:2] in ("19", "20") and not any(_plural(t) for t in after)
            if (tok.isdigit() and not year_like) or tok in NUMBER_WORDS:
                out.update(self.canon(t) for t in toks[i + 1 : i + 4] if t not in STOP)
        return frozenset(out)


GENERAL = Analyser()
"""General English alone: what code-level word lists are analysed with."""
canon = GENERAL.canon


_DURATION = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)[- ]"
    r"(?:hour|day|week|month|year)s?\b"
)
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# a day of a month, either way round ("13 September", "September 13"): groups day, month, month, day
DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b|\b({_MONTH})\s+(\d{{1,2}})\b")
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}\b|\bmidnight\b|\bmorning\b|\bovernight\b|\bnight\b|\bevening\b|"
    rf"\b{WEEKDAY}\b|"
    r"\b\d{1,2} (?:a\.?m|p\.?m)\b|\b\d+ hours\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)? (?:of )?" + _MONTH + r"\b|\b" + _MONTH + r" \d{1,2}(?:st|nd|rd|th)?\b"
)
_AGE = re.compile(r"\b\d+[- ]years?[- ]old\b|\baged? \d+\b|\bborn in\b")
_NUMBER = re.compile(r"\b\d[\d,]*\b|\b(?:dozen|dozens|hundred|hundreds|thousand|thousands)\b")


_MONTH_SHORT = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?"
# what holds digits without counting anything: citation marks, times ("9:30", "9.30", "9pm"), dates, years
# ("the 1990s", "2020-22")
_NOT_A_COUNT = re.compile(
    rf"\[\d+\]|{DATE.pattern}|\b{_MONTH_SHORT}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH_SHORT}|"
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b\.?|"
    r"\b(?:1[5-9]|20)\d\d(?:s|-\d\d)?\b"
)


def holds_count(text: str) -> bool:
    """Whether ``text`` states a count, in digits or in words ("Fourteen of its coaches", "dozens"); a
    time, a date or a year is no count."""
    text = _NOT_A_COUNT.sub(" ", alpha2digit(text, "en").lower())
    return any(c.isdigit() for c in text) or not NUMBER_WORDS.isdisjoint(re.findall(r"[a-z]+", text))


_Q_DURATION = re.compile(r"\bhow long\b|\bduration\b|\blast(?:ed)? for\b|\bhow many (?:days|weeks|months)\b")
_Q_TIME = re.compile(
    r"\bwhen\b|\bwhat time\b|\bwhich time\b|\bat what hour\b|\bwhat hour\b|\bwhich hour\b|"
    r"\bwhat day\b|\bwhat date\b|\btime of\b"
)
_Q_PLACE = re.compile(
    r"\bwhere\b|\bwhich (?:towns?|cities|city|places?|districts?|areas?|regions?|villages?)\b|"
    r"\bwhat (?:towns?|cities|places?|districts?|areas?|regions?|locations?)\b|\blocation"
)
_Q_AGE = re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b|\bwhen was .+ born\b|\bbirthday\b")
_Q_COUNT = re.compile(r"\bhow many\b|\bhow much\b|\bnumber of\b|\bfigure\b|\btoll\b|\bcount\b")

# What a passage carries, and what a question asks for: the two sides of each concept.
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_Q_YEAR = re.compile(r"\b(?:which|what) year\b|\bin what year\b|\bwhat decade\b")
_TEXT_CONCEPTS = (
    (_DURATION, CONCEPT_DURATION),
    (_TIME, CONCEPT_TIME),
    (_NUMBER, CONCEPT_COUNT),
    (_AGE, CONCEPT_AGE),
    (_YEAR, CONCEPT_YEAR),
)
_QUESTION_CONCEPTS = (
    (_Q_DURATION, CONCEPT_DURATION),
    (_Q_TIME, CONCEPT_TIME),
    (_Q_PLACE, CONCEPT_PLACE),
    (_Q_COUNT, CONCEPT_COUNT),
    (_Q_AGE, CONCEPT_AGE),
    (_Q_YEAR, CONCEPT_YEAR),
)


def concepts_of_text(text: str) -> list[str]:
    """Concept tokens a passage carries: a duration, a time of day, a count, an age."""
    low = text.lower()
    return [concept for rx, concept in _TEXT_CONCEPTS if rx.search(low)]


def question_concepts(question: str) -> list[str]:
    """Concept tokens a question asks for: a duration, a time, a place, a count, an age."""
    low = " " + question.lower() + " "
    return [concept for rx, concept in _QUESTION_CONCEPTS if rx.search(low)]


# Question words a concept replaces: "how long did it last" asks for a duration, not for "long".
CONCEPT_TRIGGERS = {
    CONCEPT_DURATION: {"long", "last"},
    CONCEPT_AGE: {"old", "age"},
    CONCEPT_COUNT: {"number"},
    CONCEPT_PLACE: {"place", "location", "locat"},
    CONCEPT_TIME: {"date", "day"},
    CONCEPT_YEAR: {"year"},
}


def _token_table() -> dict[tuple[str, ...], list[str]]:
    table: dict[tuple[str, ...], list[str]] = {}
    for words, repl in PHRASE_RULES:
        seqs: list[tuple[str, ...]] = [()]
        for alternatives in words:
            seqs = [seq + (alt,) for seq in seqs for alt in alternatives.split("|")]
        for seq in seqs:
            table[seq] = repl.split()
    return table


_PHRASE_TOKENS = _token_table()
_PHRASE_STARTS: dict[str, int] = {}
for _seq in _PHRASE_TOKENS:
    _PHRASE_STARTS[_seq[0]] = max(_PHRASE_STARTS.get(_seq[0], 0), len(_seq))
_SPACE = r"\s+"
_PHRASE_REGEX = re.compile(
    "|".join(
        rf"(?P<r{i}>\b{_SPACE.join(f'(?:{alt})' for alt in words)}\b)"
        for i, (words, _) in enumerate(PHRASE_RULES)
    )
    + r"|\b(?P<qword>who|what|where|when|how|why)'s\b|'(?=\d0s\b)"
)


def _phrase(m: re.Match[str]) -> str:
    if m.group("qword"):
        return f"{m.group('qword')} is"
    if m.lastgroup is None or not m.lastgroup.startswith("r"):
        return ""
    return PHRASE_RULES[int(m.lastgroup[1:])][1]


def rewrite_phrases(text: str) -> str:
    """The question form of the phrase rules ("who's the PM" -> "who is the prime minister")."""
    return _PHRASE_REGEX.sub(_phrase, text.lower())


def _replaced(
    tokens: list[str],
    keys: list[str],
    table: dict[tuple[str, ...], list[str]],
    longest: dict[str, int],
    shortest: int = 1,
) -> list[str]:
    """``tokens`` with each run whose ``keys`` (the tokens as matched: themselves, or canonical) are in
    ``table`` replaced by its entry, the longest run first; ``longest``: the longest run from each key."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        for length in range(min(longest.get(keys[i], 0), n - i), shortest - 1, -1):
            repl = table.get(tuple(keys[i : i + length]))
            if repl is not None:
                out.extend(repl)
                i += length
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def rewrite_tokens(tokens: list[str]) -> list[str]:
    """The token form of the phrase rules, for long texts."""
    return _replaced(tokens, tokens, _PHRASE_TOKENS, _PHRASE_STARTS)


def prepare(text: str) -> list[str]:
    """Lower-case, phrase-rewritten, normalised word tokens: the input of every analysis below."""
    return rewrite_tokens(normalise(text).replace("-", " ").split())


analyse_tokens = GENERAL.analyse_tokens
analyse = GENERAL.analyse
counted_nouns = GENERAL.counted_nouns


QUANTITY = _quantity_forms(QUANTITY)


def _plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "was", "has"))
