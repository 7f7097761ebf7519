"""Short forms of a story's names, and questions read with them spelled out.

Chat writes a country by its code ("AZ", "ARM"), a state by its code ("UP"), a region or an organisation
by its initials ("NK", "NCR"). None of these is worth curating by hand in every knowledge folder, and the
retrievers cannot read them: a sentence encoder knows nothing of "AZ", and the lexical index matches the
letters. So each name gets its short forms here, from general knowledge alone:

- a country's ISO 3166-1 codes (alpha-2 and alpha-3), from pycountry's copy of the standard;
- a state's or province's ISO 3166-2 code ("IN-UP": "UP"), only for a country the story names itself;
- the initials of a place's or an organisation's name of two words or more ("North Central Railway":
  "NCR"); a word already in capitals stays whole ("UN Security Council": "UNSC").

A question is read with each short form replaced by the name it stands for, before anything else reads it.
A short form that two names share stands for neither, and one that is already another name's alias is
that name's. Typed in capitals ("ARM", "UP") a short form always counts, except in a message typed all in
capitals; in small letters only where it is no English word, chat word or form word ("az", "nk"; never
"arm", "up" or "us").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache

import pycountry

from knowledge.lexicon import CHAT_WORDS, HINDI_WHEN_MIXED, STOP, TITLE_EQUIVALENTS
from knowledge.models import Entity, Event, Place
from knowledge.wording import common_word, english_word

# words an initialism leaves out ("Security Council of Freedonia": "SCF")
_SMALL = frozenset("of the and for in on at to de du la le".split())
# a name's part in parentheses is a gloss ("Karabakh army (separatist forces)"), not the name
_GLOSS = re.compile(r"\s*\([^)]*\)")
_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# kinds that are no place or body a name's initials stand for
_NO_INITIALS = frozenset({"person"})
_LONGEST = 5  # letters of a short form
# a title's short form is the title's ("PM"), never a name's
_TITLES = frozenset(t for group in TITLE_EQUIVALENTS for t in group if " " not in t)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
def _countries() -> dict[str, tuple[str, str]]:
    """Every spelling of a country the standard gives (name, common and official name), plain, to its
    alpha-2 and alpha-3 codes."""
    out: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        for spelling in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if spelling:
                out[_plain(spelling)] = (c.alpha_2, c.alpha_3)
                # "Freedonia, Republic of" and "Freedonian Federation" are called "Freedonia"
                head = spelling.split(",")[0]
                out.setdefault(_plain(head), (c.alpha_2, c.alpha_3))
                first, _, rest = head.partition(" ")
                if rest in ("Federation", "Republic") and first.endswith("n"):
                    out.setdefault(_plain(first[:-1]), (c.alpha_2, c.alpha_3))
    return out


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, list[tuple[str, str]]]:
    """Every subdivision's plain name to its (country alpha-2, own code) pairs."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s in pycountry.subdivisions:
        country, _, own = s.code.partition("-")
        if own.isalpha():
            out[_plain(s.name)].append((country, own))
    return dict(out)


def initials(name: str) -> str | None:
    """The initials of a name of two words or more, in capitals; None for a name of one word."""
    words = _PART.findall(_GLOSS.sub("", name))
    if "and" in words:
        return None  # two names ("Ruritania and Freedonia"), not one
    parts = [p for p in words if p.casefold() not in _SMALL]
    if len(parts) < 2 or not all(p[0].isupper() for p in parts):
        return None
    return "".join(p if p.isupper() and len(p) > 1 else p[0].upper() for p in parts)


def short_forms(
    named: Iterable[Entity | Place | Event], written: AbstractSet[str] = frozenset()
) -> dict[str, tuple[str, str]]:
    """Each short form (in capitals) of the names in ``named`` to (the id it stands for, the name it is
    read as). Besides the forms above, an alias the folder writes in capitals ("NK") is one. ``written``:
    the words the articles write; a short form among them is left as it is, since the retrievers read it
    where the articles do ("UN")."""
    named = list(named)
    spellings = {e.id: [e.name, *e.aliases] for e in named}
    curated: dict[str, set[str]] = defaultdict(set)  # every alias, plain, to the ids it names
    for item_id, ss in spellings.items():
        for spelling in ss:
            curated[_plain(spelling)].add(item_id)
    countries = {
        codes[0]
        for e in named
        if e.kind == "country"
        for s in spellings[e.id]
        if (codes := _countries().get(_plain(s)))
    }
    found: dict[str, set[str]] = defaultdict(set)
    for e in named:
        for spelling in spellings[e.id]:
            if e.kind in _NO_INITIALS:
                continue  # a person's short alias is an office's ("DM"), not a name to spell out
            if spelling.isalpha() and spelling.isupper() and 2 <= len(spelling) <= _LONGEST:
                found[spelling].add(e.id)
                continue
            if isinstance(e, Event):
                continue  # an event is asked about by its words, not its initials
            plain = _plain(spelling)
            made: list[str] = []
            if e.kind == "country" and (codes := _countries().get(plain)):
                made += codes
            made += [
                own
                for country, own in _subdivisions().get(plain, ())
                if isinstance(e, Place) and country in countries
            ]
            if spelling == e.name and (short := initials(spelling)):
                made.append(short)
            for code in made:
                if not _a_word(code):
                    found[code].add(e.id)
    names = {e.id: _GLOSS.sub("", e.name) for e in named}
    out: dict[str, tuple[str, str]] = {}
    for code, ids in found.items():
        ids |= curated.get(code.casefold(), set())  # an alias of another name is that name's too
        if len(ids) != 1 or code in written or code.casefold() in _TITLES:
            continue  # two names' short form, the articles' own word, or a title's
        (item_id,) = ids
        out[code] = (item_id, names[item_id])
    return out


def _a_word(code: str) -> bool:
    """Whether a made short form is read as a word even in capitals: a form word ("CAN", "IT") or an
    English word of two letters ("AM" after a time, "IN", "ER")."""
    low = code.casefold()
    return low in STOP or (len(low) == 2 and common_word(low))


def _small_letters_count(code: str) -> bool:
    """Whether ``code`` typed in small letters is still the short form: no word of another kind."""
    low = code.casefold()
    return not (english_word(low) or low in STOP or low in CHAT_WORDS or low in HINDI_WHEN_MIXED)


class ShortForms:
    """A story's short forms, and questions read with them spelled out."""

    def __init__(
        self, named: Iterable[Entity | Place | Event], written: AbstractSet[str] = frozenset()
    ) -> None:
        self.forms = short_forms(named, written)
        self._lower = {code.casefold() for code in self.forms if _small_letters_count(code)}
        words = sorted(self.forms, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![\w.'’-])(" + "|".join(map(re.escape, words)) + r")(?:['’]s)?(?![\w-]|[.'’]\w)", re.I
            )
            if words
            else None
        )

    def spelled_out(self, text: str) -> str:
        """``text`` with each short form replaced by the name it stands for ("did AZ say" -> "did
        Azerbaijan say"); a possessive stays one ("ARM's" -> "Armenia's")."""
        if self._pattern is None:
            return text
        letters = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1]
        shouting = len(letters) > 2 and sum(w.isupper() for w in letters) > len(letters) / 2

        def read(m: re.Match[str]) -> str:
            typed = m.group(1)
            code = typed.upper()
            if code not in self.forms:
                return m.group(0)
            if typed.isupper() and shouting and typed.casefold() not in self._lower:
                return m.group(0)  # in a message all in capitals, "ARM" is the word
            if not typed.isupper() and typed.casefold() not in self._lower:
                return m.group(0)  # "arm", "up": the word
            name = self.forms[code][1]
            return name + m.group(0)[len(typed) :]

        return self._pattern.sub(read, text)
