"""A fuzzy text index whose cost grows gently with the number of entries.

A plain ``process.extractOne`` over every text costs time linear in the
knowledge base. Instead the index keeps an inverted index from normalised
tokens to entries; a query's tokens (typos corrected against the vocabulary)
select a short list of candidates by IDF-weighted overlap, and only those are
scored with rapidfuzz.

What keeps a question's cost bounded as the knowledge base grows:
- candidates are gathered from the rarest query tokens first; a very common
  token (one in more than ``COMMON_DF`` entries) never walks its posting list
  when rarer tokens have already found candidates: it only adds its weight to
  those, by set membership;
- typo correction compares a token with the vocabulary words of the same first
  letter and a near length in one rapidfuzz call (C, not a Python loop), and
  remembers recent corrections;
- the query's normalisation is computed once per question, not once per step.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.text import normalise

STOPWORDS = frozenset(
    """a an the of in on at to for from by with about as and or but is are was were be been being do does did
    done has have had having it its this that these those there their they them he she his her him i me my we
    our you your what which who whom whose when where why how did can could would should will shall may might
    must not no nor so than then too very just also into over under up down out off again further once any
    all both each few more most other some such only own same s t say said says tell told me please know
    anything something thing things""".split()
)
COMMON_DF = 2000
"""Posting lists longer than this are only walked when no rarer query token found a candidate."""
MAX_WALK = 5_000
"""A query never accumulates more than this many postings, however common its tokens."""
MAX_CHOOSING_TOKENS = 6
"""Only the rarest few query tokens choose candidates; the rest are weighed later, by the caller's
scoring. A long question (a quotation to attribute) would otherwise walk a posting list per word."""
CORRECTION_CACHE = 20_000


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    score: float
    text: str


@lru_cache(maxsize=4096)
def _query_norm(query: str) -> tuple[str, tuple[str, ...]]:
    """A query's normalised text and its tokens, cached: one question asks the index several times."""
    norm = normalise(query)
    return norm, tuple(norm.replace("-", " ").split())


class _Vocabulary:
    """Tokens by first letter, ordered by length, so a typo's neighbours are one contiguous slice."""

    __slots__ = ("_words", "_lengths", "_cache")

    def __init__(self, tokens: Iterable[str]) -> None:
        by_letter: dict[str, list[str]] = defaultdict(list)
        for tok in tokens:
            if len(tok) >= 4 and not tok.isdigit():
                by_letter[tok[0]].append(tok)
        # by length only: integer comparisons keep this C-level sort short on a large vocabulary
        self._words = {c: sorted(words, key=len) for c, words in by_letter.items()}
        self._lengths = {c: [len(w) for w in words] for c, words in self._words.items()}
        self._cache: dict[str, tuple[str, ...]] = {}

    def near(self, token: str) -> tuple[str, ...]:
        """Vocabulary words within one edit (two from seven letters) of ``token``, closest first."""
        found = self._cache.get(token)
        if found is not None:
            return found
        limit = 1 if len(token) < 7 else 2
        scored: list[tuple[int, str]] = []
        for first in dict.fromkeys(token[:2]):
            words, lengths = self._words.get(first), self._lengths.get(first)
            if not words or lengths is None:
                continue
            lo = bisect_left(lengths, len(token) - limit)
            hi = bisect_right(lengths, len(token) + limit)
            if lo >= hi:
                continue
            for cand, dist, _ in process.extract(
                token,
                words[lo:hi],
                scorer=Levenshtein.distance,
                processor=None,
                score_cutoff=limit,
                limit=None,
            ):
                scored.append((dist, cand))
        found = tuple(cand for _, cand in sorted(scored))
        if len(self._cache) >= CORRECTION_CACHE:  # bounded: questions are user input
            self._cache.clear()
        self._cache[token] = found
        return found


class FuzzyIndex:
    """Texts (several per key allowed) searchable by fuzzy token overlap, then rapidfuzz."""

    __slots__ = ("_keys", "_texts", "_norm", "_postings", "_common", "_idf", "_vocab", "_n")

    def __init__(self, entries: Iterable[tuple[str, str]], *, normalised: bool = False) -> None:
        """``normalised``: the texts are already in ``normalise`` form (skips normalising them again)."""
        self._keys: list[str] = []
        self._texts: list[str] = []
        self._norm: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for key, text in entries:
            norm = text if normalised else normalise(text)
            if not norm:
                continue
            i = len(self._keys)
            self._keys.append(key)
            self._texts.append(text)
            self._norm.append(norm)
            for tok in set(norm.replace("-", " ").split()):
                postings[tok].append(i)
        self._n = len(self._keys)
        self._postings = dict(postings)
        self._common = {tok: frozenset(ids) for tok, ids in self._postings.items() if len(ids) > COMMON_DF}
        self._idf = {tok: math.log(1 + self._n / len(ids)) for tok, ids in self._postings.items()}
        self._vocab = _Vocabulary(self._postings)

    def __len__(self) -> int:
        return self._n

    def dismantle(self, batch: int = 2000) -> Iterator[None]:
        """Empty the index in steps, yielding between them: freeing it whole is one long C loop."""
        for table in (self._postings, self._common, self._idf):
            while table:
                for _ in range(min(batch, len(table))):
                    table.popitem()
                yield
        for column in (self._keys, self._texts, self._norm):
            while column:
                del column[-batch:]
                yield
        self._n = 0

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self._postings)

    def knows(self, token: str) -> bool:
        return token in self._postings

    def correct(self, token: str) -> list[str]:
        """Vocabulary tokens within a small edit distance of ``token`` (itself when known)."""
        if token in self._postings:
            return [token]
        if len(token) < 4 or token.isdigit():
            return []
        return list(self._vocab.near(token))

    def query_tokens(self, query: str) -> list[str]:
        """The query's content tokens, typo-corrected against the vocabulary."""
        out: list[str] = []
        for tok in _query_norm(query)[1]:
            if tok in STOPWORDS:
                continue
            out.extend(self.correct(tok) or [tok])
        return out

    def candidates(self, query: str, limit: int = 40) -> list[tuple[int, float]]:
        """Entry indices ranked by IDF-weighted token overlap with the query, best first."""
        # rarest first; tokens as rare as each other in their own order, so that the walk (and the float sums
        # it makes) never depends on how a process happens to hash strings
        toks = sorted(
            {t for t in self.query_tokens(query) if t in self._postings},
            key=lambda t: (len(self._postings[t]), t),
        )
        acc: dict[int, float] = {}
        walked = 0
        for n, tok in enumerate(toks):
            if n >= MAX_CHOOSING_TOKENS and acc:
                break
            ids, w = self._postings[tok], self._idf[tok]
            common = self._common.get(tok)
            if common is not None and acc:
                for i in acc:  # rarer tokens already chose the candidates: only add weight to them
                    if i in common:
                        acc[i] += w
                continue
            for i in ids[: max(0, MAX_WALK - walked)]:
                acc[i] = acc.get(i, 0.0) + w
            walked += len(ids)
        if not acc:
            return []
        best = heapq.nlargest(limit, acc, key=acc.__getitem__)  # a builtin key: no Python call per entry
        return [(i, acc[i]) for i in best]

    def search(
        self, query: str, *, limit: int = 10, score_cutoff: float = 0.0, candidates: int = 40
    ) -> list[Hit]:
        """Best entries for ``query``: candidates by token overlap, scored by rapidfuzz."""
        q = _query_norm(query)[0]
        if not q:
            return []
        cands = self.candidates(query, candidates)
        if not cands:
            return []
        choices = {i: self._norm[i] for i, _ in cands}
        scored = process.extract(
            q, choices, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=score_cutoff, limit=None
        )
        best: dict[str, Hit] = {}
        for _, score, i in scored:
            key = self._keys[i]
            if key not in best or score > best[key].score:
                best[key] = Hit(key, float(score), self._texts[i])
        return sorted(best.values(), key=lambda h: h.score, reverse=True)[:limit]

    def overlap(self, query: str, limit: int = 10) -> list[Hit]:
        """Best entries by IDF-weighted overlap, normalised to 0-100 by the query's own weight."""
        toks = set(self.query_tokens(query))
        total = sum(self._idf.get(t, math.log(1 + self._n)) for t in toks)
        if not total:
            return []
        best: dict[str, Hit] = {}
        for i, w in self.candidates(query, limit * 4):
            key = self._keys[i]
            score = 100.0 * w / total
            if key not in best or score > best[key].score:
                best[key] = Hit(key, score, self._texts[i])
        return sorted(best.values(), key=lambda h: h.score, reverse=True)[:limit]
