"""Item retrieval by weighted term coverage over the fuzzy index.

A question becomes weighted terms (canonical tokens, concepts, and names as
sets of ids). Candidates come from the index; each candidate is scored by the
share of the question's weight its own terms cover. Terms the knowledge base
has never seen weigh the most, so a question about something the articles do
not mention scores low and the engine abstains instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from knowledge.analysis import (
    CONCEPT_PLACE,
    CONCEPT_TRIGGERS,
    QUANTITY,
    STOP,
    concepts_of_text,
    prepare,
)
from knowledge.decision import question_type
from knowledge.index import FuzzyIndex
from knowledge.lexicon import SEASON_MONTHS, SOURCE_WORDS
from knowledge.models import Place, _Item
from knowledge.resolver import NameResolver
from knowledge.text import normalise
from knowledge.wording import english_word

_ID_CHARS = re.compile(r"[^a-z0-9]")


ANSWER_AT = 0.6  # share of a question's weight an item must cover to answer it
SUGGEST_AT = 0.3  # ... to be offered as "did you mean"

_LONG_STOP = [w for w in STOP if len(w) >= 5]


# a small number that only says how many are asked for ("which two cities", "what three demands"): no term
_DETERMINER_COUNT = re.compile(r"\b(which|what) (?:two|three|four|five)\b")
# "what time of night" asks what time: the day or night it names is the question's form, no term
_TIME_OF = re.compile(r"\b(what time) of (?:the )?(?:day|night)\b")


@lru_cache(maxsize=4096)
def _near_stopword(tok: str) -> bool:
    """A misspelt question word ("happend", "wich") is a stopword, not an unknown subject."""
    if len(tok) < 5:
        return False
    limit = 1 if len(tok) < 8 else 2
    return any(Levenshtein.distance(tok, w, score_cutoff=limit) <= limit for w in _LONG_STOP)


_NAME_PREFIX = "zz"  # item ids as tokens: no English word starts so, and the encoding stays in this module


def id_token(item_id: str) -> str:
    """The token an item's reference to ``item_id`` is indexed under."""
    return _NAME_PREFIX + _ID_CHARS.sub("", item_id.lower())


def names_something(term: Term) -> bool:
    """Whether a question term stands for named items (people, bodies, places) rather than a word."""
    return term.alts[0].startswith(_NAME_PREFIX)


_NOT_THE_STORYS = re.compile(
    r"\b(?:1[89]|20)\d\d\b|\b(?:next|this|last|coming|upcoming|will|won't|going to)\b|'ll\b", re.I
)


@dataclass(frozen=True, slots=True)
class Term:
    alts: tuple[str, ...]
    weight: float
    known: bool
    text: str


@dataclass(frozen=True, slots=True)
class Scored:
    item: _Item
    coverage: float
    matched: int
    focus: float = 0.0


class ItemRetriever:
    """Index of item texts with per-item token sets and IDF weights."""

    def __init__(
        self,
        items: Iterable[_Item],
        describe: Callable[[_Item], tuple[str, Iterable[str | None], list[str]]],
        names: NameResolver,
        places: dict[str, _Item],
        reuse: ItemRetriever | None = None,
        story_event: str | None = None,
        other_events: frozenset[str] = frozenset(),
    ) -> None:
        """Analyse every item (``describe`` gives its text, references and headlines).

        ``reuse``: a retriever built over the same names; an item that is the very same object
        there keeps its analysis, so a reload only analyses what changed.
        ``story_event``: the event the story is about. Every item that names no other event
        (``other_events``) is about it, said or not, so "how many coaches derailed in the crash?" is
        not held against the item on the coaches for not saying "crash".
        """
        self.names = names
        self.story_event, self.other_events = story_event, other_events
        if reuse is not None and (reuse.story_event, reuse.other_events) != (story_event, other_events):
            reuse = None
        an = self.analyser = names.analyser  # the story's words: items and questions read alike
        self._source_words = frozenset(an.canon(w) for w in SOURCE_WORDS)
        self.items: dict[str, _Item] = {}
        self.tokens: dict[str, frozenset[str]] = {}
        self.headlines: dict[str, tuple[frozenset[str], ...]] = {}
        self.counted: dict[str, frozenset[str]] = {}
        entries = []
        df: Counter[str] = Counter()
        for item in items:
            if reuse is not None and reuse.items.get(item.id) is item:
                frozen = reuse.tokens[item.id]
                self.items[item.id] = item
                self.tokens[item.id] = frozen
                self.headlines[item.id] = reuse.headlines[item.id]
                if item.id in reuse.counted:
                    self.counted[item.id] = reuse.counted[item.id]
                df.update(frozen)
                entries.append((item.id, " ".join(sorted(frozen))))
                continue
            text, refs, heads = describe(item)
            refs = list(refs)
            self.headlines[item.id] = tuple(
                frozenset(an.analyse(h)) | {id_token(i) for m in names.find(h, correct=False) for i in m.ids}
                for h in heads
                if h
            )
            words = prepare(text)  # normalised once, used three ways below
            counted = an.counted_nouns(words)
            if counted:
                self.counted[item.id] = counted
            toks = set(an.analyse_tokens(words)) | set(concepts_of_text(text))
            toks |= {id_token(r) for r in refs if r}
            found = {i for m in names.find_tokens(words, correct=False) for i in m.ids}
            toks |= {id_token(i) for i in found}
            named = found | {r for r in refs if r}
            if story_event and not named & other_events:
                toks.add(id_token(story_event))
            if any(isinstance(places.get(i), Place) for i in named):
                toks.add(CONCEPT_PLACE)
            frozen = frozenset(toks)
            self.items[item.id] = item
            self.tokens[item.id] = frozen
            df.update(frozen)
            entries.append((item.id, " ".join(sorted(frozen))))
        self.n = max(len(self.items), 1)
        self.idf = {t: math.log(1 + self.n / c) for t, c in df.items()}
        self.unknown_weight = math.log(1 + self.n) + 1.0
        # an ordinary word the articles never use ("possible", "houses") weighs like a rare known word;
        # a name or acronym nobody curated ("Biden", "GDP") weighs more: it is what the question is about
        self.plain_unknown_weight = math.log(1 + self.n)
        self._terms_cache: dict[tuple, tuple[Term, ...]] = {}
        self.index = FuzzyIndex(entries, normalised=True)

    def terms(
        self,
        text: str,
        *,
        extra_concepts: Iterable[str] = (),
        drop_quantity: bool = True,
        names: frozenset[str] = frozenset(),
    ) -> list[Term]:
        """Weighted terms of a question (or of the words part of one).

        ``names``: tokens the asker wrote capitalised or as acronyms, which weigh more when unknown.
        Several handlers weigh the same question: within one question (see ``new_question``) the
        result is computed once.
        """
        key = (text, tuple(extra_concepts), drop_quantity, names)
        cached = self._terms_cache.get(key)
        if cached is None:
            cached = self._terms_cache[key] = tuple(self._terms(text, key[1], drop_quantity, names))
        return list(cached)

    def new_question(self) -> None:
        """Forget the terms of the previous question (the cache serves one question's handlers)."""
        self._terms_cache.clear()

    def _terms(
        self, text: str, extra_concepts: tuple[str, ...], drop_quantity: bool, names: frozenset[str]
    ) -> list[Term]:
        mentions = self.names.find(text)
        raw = normalise(text).replace("-", " ").split()
        covered = {i for m in mentions for i in range(m.start, m.end)}
        outside = " ".join(t for i, t in enumerate(raw) if i not in covered)
        outside = _TIME_OF.sub(r"\1", _DETERMINER_COUNT.sub(r"\1", outside))
        out: list[Term] = []
        seen: set[tuple[str, ...]] = set()
        for m in mentions:
            alts = tuple(id_token(i) for i in m.ids)
            if alts in seen:
                continue
            seen.add(alts)
            w = max((self.idf.get(a, 0.0) for a in alts), default=0.0)
            out.append(Term(alts, w if w else self.unknown_weight, bool(w), m.text))
        concepts = list(extra_concepts)
        replaced = {w for c in concepts for w in CONCEPT_TRIGGERS.get(c, ())}
        # a misspelt question word ("acording", "happend") is dropped before stemming hides its spelling
        # a check's adverb is its claim ("was the town shelled accidentally?"), a name is no adverb ("Kimberly")
        claim = question_type(text.lower()) == "yesno"
        words = [
            w
            for w in prepare(outside)
            if w in self.idf or not (_near_stopword(w) or (not claim and self._adverb(w, names)))
        ]
        # a season the story never names stands for the months of it the story names ("spring": April), in an
        # open question of no year and no time of the asker's: a check ("did they agree a treaty in the summer?")
        # would be confirmed by anything dated in one of its months, and "summer 2020", "next spring", "this
        # summer" or "what will they discuss in the summer" are not the story's seasons
        seasons = [] if claim or _NOT_THE_STORYS.search(text) else [w for w in words if w in SEASON_MONTHS]
        for word in seasons:
            if self.analyser.canon(word) in self.idf:
                continue
            months = tuple(dict.fromkeys(m for m in SEASON_MONTHS[word] if m in self.idf))
            if not months:
                continue  # no month of it in the story: a word the story does not use
            if months not in seen:
                seen.add(months)
                out.append(Term(months, max(self.idf[m] for m in months), True, word))
            words.remove(word)
        for tok in self.analyser.analyse_tokens(words) + concepts:
            if (drop_quantity and tok in QUANTITY) or tok in replaced:
                continue
            if (tok,) in seen:
                continue
            seen.add((tok,))
            if tok in self.idf:
                out.append(Term((tok,), self.idf[tok], True, tok))
                continue
            if tok in self._source_words:
                continue  # "the AFP write-up", "the first story": the sources pointed at, in words the texts never use
            # short real words ("fail") sit one edit from other real words ("fall"): correct only longer ones,
            # and never a word of the dictionary ("conduct" is no typo of "contact")
            fixes = (
                tuple(f for f in self.index.correct(tok) if f in self.idf)
                if len(tok) >= 5 and not english_word(tok)
                else ()
            )
            if fixes:
                out.append(Term(fixes, max(self.idf[f] for f in fixes), True, tok))
            elif _near_stopword(tok) or (tok.endswith("ly") and len(tok) >= 6):
                continue  # a misspelt question word, or an adverb: how it is asked, not what
            elif tok.isdigit() or len(tok) <= 2:
                out.append(Term((tok,), 1.0, False, tok))
            elif tok in names or any(ch.isdigit() for ch in tok):
                out.append(Term((tok,), self.unknown_weight, False, tok))
            else:
                out.append(Term((tok,), self.plain_unknown_weight, False, tok))
        return out

    def _adverb(self, word: str, names: frozenset[str] = frozenset()) -> bool:
        """An adverb the story never uses ("originally", "officially"): how it is asked, not what, though its
        stem may be a story word ("original"), so it is told by its own spelling, before stemming."""
        if not word.endswith("ly") or len(word) < 6:
            return False
        stem = self.analyser.canon(word)
        return stem not in self.idf and stem not in names and word not in names

    @staticmethod
    def coverage(tokens: frozenset[str], terms: list[Term]) -> tuple[float, int]:
        total = got = 0.0
        n = 0
        for t in terms:
            total += t.weight
            if not tokens.isdisjoint(t.alts):
                got += t.weight
                n += 1
        return (got / total if total else 0.0), n

    def search(
        self,
        terms: list[Term],
        *,
        kinds: tuple[type, ...] | None = None,
        limit: int = 5,
        candidates: int = 40,
        extra: Iterable[str] = (),
    ) -> list[Scored]:
        """Items ranked by the share of the terms' weight they cover."""
        if not terms:
            return []
        query = " ".join(a for t in terms if t.known for a in t.alts)
        keys = [h.key for h in self.index.overlap(query, limit=candidates)] if query else []
        keys.extend(extra)
        rough: dict[str, tuple[float, int]] = {}
        for key in keys:
            item = self.items.get(key)
            if item is None or key in rough or (kinds and not isinstance(item, kinds)):
                continue
            rough[key] = self.coverage(self.tokens[key], terms)
        # the tie-breaker is dearer than coverage: compute it only where it can change the order
        head = sorted(rough.items(), key=lambda kv: (round(kv[1][0], 2), kv[1][1]), reverse=True)[: limit * 3]
        out = [Scored(self.items[k], cov, matched, self.focus(k, terms)) for k, (cov, matched) in head]
        return sorted(out, key=lambda s: (round(s.coverage, 2), s.focus, s.matched), reverse=True)[:limit]

    def focus(self, key: str, terms: list[Term]) -> float:
        """How much of the item's headline (a Q&A wording, a topic, a summary) the question covers.

        Breaks ties between items that cover the question equally: the one
        that is about exactly what was asked wins over one that mentions it.
        """
        words = {a for t in terms for a in t.alts}
        best = 0.0
        for head in self.headlines.get(key, ()):
            if head:
                best = max(best, len(head & words) / len(head))
        return best
