"""Resolve names in a question to curated entities, places and events.

Every alias is indexed once as a tuple of normalised tokens; a question's
n-grams are looked up longest first, so "Freedonian prime minister" lands on
the person before "Freedonian" lands on the country. Tokens that match no alias
are corrected against the alias vocabulary (one or two edits), so typos land.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from knowledge.analysis import GENERAL, Analyser, stem
from knowledge.lexicon import STOP, TITLE_EQUIVALENTS
from knowledge.text import normalise

# a word typed in capitals: an acronym ("ME", "IT")
CAPITALS = re.compile(r"\b[A-Z]{2,5}\b")
_LEADING = ("the", "a", "an", "mr", "mrs", "ms", "president", "minister")


@dataclass(frozen=True, slots=True)
class Mention:
    ids: tuple[str, ...]
    start: int
    end: int
    text: str


def _tokens(text: str) -> list[str]:
    """Normalised, singular-ish tokens: "Freedonian separatists" and "freedonian separatist" meet."""
    return [stem(t) if not t.isdigit() else t for t in normalise(text).replace("-", " ").split()]


# each office's titles as alias keys are written (normalised, stemmed tokens)
_TITLE_FORMS = [[tuple(_tokens(title)) for title in group] for group in TITLE_EQUIVALENTS]


def title_variants(key: tuple[str, ...]) -> set[tuple[str, ...]]:
    """``key`` with its title written each other way the lexicon knows ("freedonian prime minister":
    "freedonian premier", "freedonian pm"); a title alone becomes only a word of four letters or more
    ("premier", never "pm", which is also a time of day)."""
    out = {key}
    for group in _TITLE_FORMS:
        for form in group:
            n = len(form)
            for known in list(out):
                for i in range(len(known) - n + 1):
                    if known[i : i + n] == form:
                        out.update(known[:i] + other + known[i + n :] for other in group if other != form)
    return {v for v in out if len(v) > 1 or len(v[0]) >= 4}


def alias_key(alias: str) -> tuple[str, ...]:
    toks = _tokens(alias)
    while len(toks) > 1 and toks[0] in ("the", "a", "an", "mr", "mrs", "ms"):
        toks = toks[1:]
    return tuple(toks)


class NameResolver:
    """Alias n-grams -> ids, with typo correction over the alias vocabulary. It carries the story's word
    analysis (``analyser``) beside its names, so whoever reads a question with a story's names reads
    its words the way that story's items were read."""

    def __init__(
        self,
        names: dict[str, list[str]],
        country_like: frozenset[str] = frozenset(),
        analyser: Analyser = GENERAL,
        people: frozenset[str] = frozenset(),
    ) -> None:
        self.country_like = country_like
        self.people = people  # the ids that name a person: whom "he" or "she" can stand for
        self.name_of = {item_id: aliases[0] for item_id, aliases in names.items() if aliases}
        self.analyser = analyser
        keys = [
            (item_id, key)
            for item_id, aliases in names.items()
            for alias in aliases
            if (key := alias_key(alias))
        ]
        table: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for item_id, key in keys:
            table[key].add(item_id)
        # an alias with its title written another way ("Freedonian premier" for "Freedonian prime minister"),
        # where no alias as written says otherwise
        written = set(table)
        for item_id, key in keys:
            for variant in title_variants(key) - written:
                table[variant].add(item_id)
        self._table = {k: tuple(sorted(v)) for k, v in table.items()}
        # acronyms that are also little words ("ME" and "tell me", "IT" and "did it"): in what people type,
        # the little word unless written in capitals, after "the" or first in the question
        self._acronyms = frozenset(
            key[0]
            for aliases in names.values()
            for alias in aliases
            if alias.isalpha() and alias.isupper() and len(key := alias_key(alias)) == 1 and key[0] in STOP
        )
        self._max_len = max((len(k) for k in self._table), default=1)
        starts: dict[str, int] = {}
        for key in self._table:
            starts[key[0]] = max(starts.get(key[0], 0), len(key))
        self._starts = starts
        vocab = {tok for key in self._table for tok in key}
        self._vocab = vocab
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for tok in vocab:
            if len(tok) >= 5 and not tok.isdigit():
                buckets[(tok[0], len(tok))].append(tok)
        self._buckets = dict(buckets)
        prefix: dict[str, list[str]] = defaultdict(list)
        for tok in vocab:
            if len(tok) >= 5:
                prefix[tok[:5]].append(tok)
        self._prefix = dict(prefix)
        self._fixed: dict[str, str] = {}

    @property
    def vocabulary(self) -> set[str]:
        return self._vocab

    def _fix(self, tok: str) -> str:
        if tok in self._vocab:
            return tok
        fixed = self._fixed.get(tok)
        if fixed is None:
            if len(self._fixed) > 50_000:
                self._fixed.clear()
            fixed = self._fixed[tok] = self._correct(tok)
        return fixed

    def _correct(self, tok: str) -> str:
        if tok.endswith("s") and tok[:-1] in self._vocab:  # possessive "freedonia's" -> "freedonias"
            return tok[:-1]
        if len(tok) < 5 or tok.isdigit():
            return tok
        prefixed = [c for c in self._prefix.get(tok[:5], ()) if c.startswith(tok)] if len(tok) >= 5 else []
        if len(prefixed) == 1:  # "parliam" -> "parliament": a unique completion of a long enough stub
            return prefixed[0]
        limit = 1 if len(tok) < 7 else 2
        best, best_d = tok, limit + 1
        for length in range(len(tok) - limit, len(tok) + limit + 1):
            for cand in self._buckets.get((tok[0], length), ()):
                d = Levenshtein.distance(tok, cand, score_cutoff=limit)
                if d < best_d:
                    best, best_d = cand, d
        return best

    def find(self, text: str, *, correct: bool = True) -> list[Mention]:
        """Non-overlapping mentions in ``text``, longest alias first.

        ``correct=False`` skips typo correction: curated texts are spelt as their aliases are. An acronym
        that is also a little word counts where ``text`` writes it in capitals (``understand.lowered``
        keeps them).
        """
        capitals = {w.lower() for w in CAPITALS.findall(text)}
        return self.find_tokens(normalise(text).replace("-", " ").split(), correct=correct, capitals=capitals)

    def find_tokens(
        self, raw: list[str], *, correct: bool = True, capitals: AbstractSet[str] = frozenset()
    ) -> list[Mention]:
        """``find`` over tokens already normalised (positions index ``raw``)."""
        toks = [stem(t) if not t.isdigit() else t for t in raw]
        if correct:
            toks = [self._fix(t) for t in toks]
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            if (
                correct
                and toks[i] in self._acronyms
                and toks[i] not in capitals
                and i
                and toks[i - 1] != "the"
            ):
                i += 1  # "tell me", "did it": the little word
                continue
            n = self._match_at(toks, i)
            if not n and toks[i].endswith("s") and toks[i][:-1] in self._starts:
                toks[i] = toks[i][:-1]  # a possessive ("eu's") of a name that starts an alias
                n = self._match_at(toks, i)
            if n:
                out.append(Mention(self._table[tuple(toks[i : i + n])], i, i + n, " ".join(raw[i : i + n])))
                i += n
            else:
                i += 1
        return out

    def _match_at(self, toks: list[str], i: int) -> int:
        """Length of the longest alias starting at ``toks[i]``, or 0."""
        longest = self._starts.get(toks[i])
        if longest is None:  # most words start no alias: skip without building n-grams
            return 0
        for n in range(min(longest, len(toks) - i), 0, -1):
            if tuple(toks[i : i + n]) in self._table and not (n == 1 and toks[i] in _LEADING):
                return n
        return 0

    def lookup(self, name: str) -> tuple[str, ...]:
        """Ids of an exact alias (typos corrected), or of the first mention inside ``name``."""
        key = tuple(self._fix(t) for t in alias_key(name))
        if key in self._table:
            return self._table[key]
        found = self.find(name)
        return found[0].ids if found else ()
