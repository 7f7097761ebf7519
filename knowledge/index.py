"""A fuzzy text index whose cost grows gently with the number of entries.

A plain ``process.extractOne`` over every text costs time linear in the
knowledge base. Instead the index keeps an inverted index from normalised
tokens to entries; a query's tokens (typos corrected against the vocabulary)
select a short list of candidates by IDF-weighted overlap, and only those are
scored with rapidfuzz.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    score: float
    text: str


class FuzzyIndex:
    """Texts (several per key allowed) searchable by fuzzy token overlap, then rapidfuzz."""

    __slots__ = ("_keys", "_texts", "_norm", "_postings", "_idf", "_buckets", "_n")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._keys: list[str] = []
        self._texts: list[str] = []
        self._norm: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for key, text in entries:
            norm = normalise(text)
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
        self._idf = {tok: math.log(1 + self._n / len(ids)) for tok, ids in self._postings.items()}
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for tok in self._postings:
            if len(tok) >= 4 and not tok.isdigit():
                buckets[(tok[0], len(tok))].append(tok)
        self._buckets = dict(buckets)

    def __len__(self) -> int:
        return self._n

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
        limit = 1 if len(token) < 7 else 2
        found: list[str] = []
        for first in {token[0]} | ({token[1]} if len(token) > 1 else set()):
            for length in range(len(token) - limit, len(token) + limit + 1):
                for cand in self._buckets.get((first, length), ()):
                    if Levenshtein.distance(token, cand, score_cutoff=limit) <= limit:
                        found.append(cand)
        return found

    def query_tokens(self, query: str) -> list[str]:
        """The query's content tokens, typo-corrected against the vocabulary."""
        out: list[str] = []
        for tok in normalise(query).replace("-", " ").split():
            if tok in STOPWORDS:
                continue
            out.extend(self.correct(tok) or [tok])
        return out

    def candidates(self, query: str, limit: int = 40) -> list[tuple[int, float]]:
        """Entry indices ranked by IDF-weighted token overlap with the query."""
        acc: dict[int, float] = defaultdict(float)
        for tok in set(self.query_tokens(query)):
            ids = self._postings.get(tok)
            if not ids:
                continue
            w = self._idf[tok]
            for i in ids:
                acc[i] += w
        if not acc:
            return []
        ranked = sorted(acc.items(), key=lambda kv: kv[1], reverse=True)
        return ranked[:limit]

    def search(self, query: str, *, limit: int = 10, score_cutoff: float = 0.0,
               candidates: int = 40) -> list[Hit]:
        """Best entries for ``query``: candidates by token overlap, scored by rapidfuzz."""
        q = normalise(query)
        if not q:
            return []
        cands = self.candidates(query, candidates)
        if not cands:
            return []
        choices = {i: self._norm[i] for i, _ in cands}
        scored = process.extract(q, choices, scorer=fuzz.token_set_ratio, processor=None,
                                 score_cutoff=score_cutoff, limit=None)
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
