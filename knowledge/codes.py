"""Short forms of a story's names, and questions read with them spelled out.

Chat writes a country by its code ("PT", "PRT"), a region or an organisation by its initials ("NRA" for a
Northern Rail Authority). The retrievers cannot read these: a sentence encoder knows nothing of "PT", and
the lexical index matches the letters. So a name's short forms are read as the name, before anything else
reads a question:

- a country's ISO 3166-1 codes (alpha-2 and alpha-3), from pycountry's copy of the standard;
- the initials of a place's or an organisation's name of three words or more ("Northern Rail Authority":
  "NRA"); a word already in capitals stays whole ("UN Trusteeship Council": "UNTC"). Two letters are too
  many other things ("EP", "DL") to be made from a name; the knowledge folder may give them as aliases;
- an alias the knowledge folder writes in capitals ("RN" for a region of Ruritania).

A short form that two names share stands for neither, one that is already another name's alias is that
name's, one the articles write is left to the retrievers (they read it where the articles do), and an
office's ("MP", "DM") or a chat word's ("FR") is never a name's. Typed in capitals a short form counts,
except in a message typed all in capitals; in small letters only a country's code or a curated alias, and
only where it is no English word, chat word or form word ("prt"; never "pt", "arm", "up" or "us").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import NamedTuple

import pycountry

from knowledge.lexicon import CHAT_WORDS, HINDI_WHEN_MIXED, HINDI_WORDS, SOMEONE, STOP, TITLE_EQUIVALENTS
from knowledge.models import Entity, Event, Place
from knowledge.text import strip_accents
from knowledge.wording import common_word, english_word

# words an initialism leaves out ("Security Council of Freedonia": "SCF")
_SMALL = frozenset("of the and for in on at to de du la le".split())
# a name's part in parentheses is a gloss ("Freedonian army (separatist forces)"), not the name
_GLOSS = re.compile(r"\s*\([^)]*\)")
_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# kinds that are no place or body a name's initials stand for
_NO_INITIALS = frozenset({"person"})
_LONGEST = 5  # letters of a short form
# an office's short form is the office's ("PM", "MP" for a member of parliament), never a name's
_TITLES = frozenset(t for group in TITLE_EQUIVALENTS for t in group if " " not in t) | frozenset(
    "pm mp mep mla mlc cm dm sp ceo cfo md gm vp fm hm dgp ig sho".split()
)
_INITIALS_MIN = 3  # letters of initials made from a name


def _plain(text: str) -> str:
    return strip_accents(text).casefold()


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


# a word before a country's name that makes it another place's ("New Jersey", "South Georgia")
_OTHER_PLACE = re.compile(
    r"\b(?:new|north|south|east|west|northern|southern|eastern|western|upper|lower)\s+$"
)


# where the asker, or someone they speak of, is: "I'm reading this in X", "my friend from X", "a neighbour in
# X", "my friend X" (a name); none of it asks about X
_PEOPLE = rf"i|i'm|im|i am|we|we're|we are|me|us|my|our|(?:{SOMEONE}|parent|family|relative|student|caller|reader)s?"
_ASIDE_BEFORE = re.compile(
    rf"\b(?:{_PEOPLE})\b(?:\s+[\w']+){{0,4}}?\s+(?:in|from|at|to)\s+(?:the\s+)?$|\b(?:{SOMEONE})\s+$"
)
# "X here, …": the asker says who they are
_HERE_AFTER = re.compile(r"\s+here\b")
# one of two or more offered ("did Russia or X broker it?"): the question asks which, and the sources answer
_OFFERED = re.compile(r"\b\w+\s+or\s+$")
_OFFERED_AFTER = re.compile(r"\s+or\s+\w+")


@lru_cache(maxsize=1)
def _every_country() -> re.Pattern[str]:
    """Any spelling of a country (``_countries``), longest first, as whole words in any case."""
    spellings = sorted(_countries(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in spellings) + r")(?!\w)", re.I)


class UnspokenCountries:
    """The countries a story's texts never speak of, found in a question: "what did Iran say?" where no
    article writes "Iran" asks what the sources cannot tell. A country's spellings are the standard's
    (pycountry); one the texts write only as the start of a longer name ("China Daily", "China Post") is not
    spoken of, and in a question such a name is the name, not the country."""

    def __init__(self, texts: Iterable[str]) -> None:
        raw = strip_accents(" ".join(texts))
        self._written = raw.casefold()
        spoken = {
            m.group().casefold()
            for m in _every_country().finditer(raw)
            if not re.match(r"\s[A-Z]", raw[m.end() : m.end() + 2])  # "China Daily": another name's start
        }
        # a country is spoken of by any of its spellings ("United States" speaks of "united states of america")
        said = {_countries()[s] for s in spoken if s in _countries()}
        unspoken = sorted(
            (s for s, codes in _countries().items() if codes not in said), key=len, reverse=True
        )
        self._rx = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in unspoken) + r")(?!\w)")

    def named_in(self, question: str) -> list[str]:
        """The countries ``question`` names that the texts never speak of, as typed: neither part of a longer
        name the texts write ("china daily") nor another place's ("new jersey")."""
        low = strip_accents(question).casefold()
        out = []
        for m in self._rx.finditer(low):
            after = re.match(r"\s+(\w+)", low[m.end() :])
            before = low[: m.start()]
            if (
                _OTHER_PLACE.search(before)
                or (after and f"{m.group()} {after.group(1)}" in self._written)
                or _ASIDE_BEFORE.search(before)
                or _OFFERED.search(before)
                or _OFFERED_AFTER.match(low[m.end() :])
                or _HERE_AFTER.match(low[m.end() :])
            ):
                continue
            out.append(question[m.start() : m.end()] if len(question) == len(low) else m.group())
        return out


class ShortForm(NamedTuple):
    id: str  # the item the short form stands for
    name: str  # the name it is read as
    small: bool  # whether typed in small letters it still counts ("prt"; never "pt")


def initials(name: str) -> str | None:
    """The initials of a name of two words or more, in capitals; None for a name of one word (only those
    of ``_INITIALS_MIN`` letters or more are made short forms)."""
    words = _PART.findall(_GLOSS.sub("", name))
    if "and" in words:
        return None  # two names ("Ruritania and Freedonia"), not one
    parts = [p for p in words if p.casefold() not in _SMALL]
    if len(parts) < 2 or not all(p[0].isupper() for p in parts):
        return None
    return "".join(p if p.isupper() and len(p) > 1 else p[0].upper() for p in parts)


def short_forms(
    named: Iterable[Entity | Place | Event], written: AbstractSet[str] = frozenset()
) -> dict[str, ShortForm]:
    """Each short form (in capitals) of the names in ``named``, with what it stands for. ``written``: the
    words the articles write; a short form among them is left as it is ("UN")."""
    named = list(named)
    spellings = {e.id: [e.name, *e.aliases] for e in named}
    curated: dict[str, set[str]] = defaultdict(set)  # every alias, plain, to the ids it names
    for item_id, ss in spellings.items():
        for spelling in ss:
            curated[_plain(spelling)].add(item_id)
    found: dict[str, set[str]] = defaultdict(set)
    typed_small: set[str] = set()  # forms that count in small letters too: curated, or a country's code
    for e in named:
        for spelling in spellings[e.id]:
            if e.kind in _NO_INITIALS:
                continue  # a person's short alias is an office's ("DM"), not a name to spell out
            if spelling.isalpha() and spelling.isupper() and 2 <= len(spelling) <= _LONGEST:
                found[spelling].add(e.id)
                typed_small.add(spelling)
                continue
            if isinstance(e, Event):
                continue  # an event is asked about by its words, not its initials
            plain = _plain(spelling)
            made: list[str] = []
            if e.kind == "country" and (codes := _countries().get(plain)):
                made += codes
                typed_small.update(codes)
            if spelling == e.name and (short := initials(spelling)) and len(short) >= _INITIALS_MIN:
                made.append(short)
            for code in made:
                if not _a_word(code):
                    found[code].add(e.id)
    names = {e.id: _GLOSS.sub("", e.name) for e in named}
    out: dict[str, ShortForm] = {}
    for code, ids in found.items():
        ids |= curated.get(code.casefold(), set())  # an alias of another name is that name's too
        if len(ids) != 1 or code in written or code.casefold() in _TITLES or code.casefold() in CHAT_WORDS:
            continue  # two names' short form, the articles' own word, an office's or a chat word
        (item_id,) = ids
        out[code] = ShortForm(item_id, names[item_id], code in typed_small and _small_letters_count(code))
    return out


def _a_word(code: str) -> bool:
    """Whether a made short form is read as a word even in capitals: a form word ("CAN", "IT"), a chat word
    ("FR", for real) or an English word of two letters ("AM" after a time, "IN", "ER")."""
    low = code.casefold()
    return low in STOP or low in CHAT_WORDS or (len(low) == 2 and common_word(low))


def _small_letters_count(code: str) -> bool:
    """Whether ``code`` typed in small letters is still the short form: no word of another kind."""
    low = code.casefold()
    return not (
        english_word(low) or low in STOP or low in CHAT_WORDS or low in HINDI_WHEN_MIXED or low in HINDI_WORDS
    )


class ShortForms:
    """A story's short forms, and questions read with them spelled out."""

    def __init__(
        self, named: Iterable[Entity | Place | Event], written: AbstractSet[str] = frozenset()
    ) -> None:
        self.forms = short_forms(named, written)
        words = sorted(self.forms, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![\w.'’-])(" + "|".join(map(re.escape, words)) + r")(?:['’]s)?(?![\w-]|[.'’]\w)", re.I
            )
            if words
            else None
        )

    def spelled_out(self, text: str) -> str:
        """``text`` with each short form replaced by the name it stands for ("did PT say" -> "did
        Portugal say"); a possessive stays one ("PRT's" -> "Portugal's")."""
        if self._pattern is None:
            return text
        text = unicodedata.normalize("NFC", text)  # an accent typed apart is its letter's
        # a message typed all in capitals ("WHAT DID THE US SAY"): its words besides short forms
        words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1 and w.upper() not in self.forms]
        shouting = len(words) > 1 and sum(w.isupper() for w in words) > len(words) / 2

        def read(m: re.Match[str]) -> str:
            typed = m.group(1)
            form = self.forms.get(typed.upper())
            if form is None or (typed.isupper() and shouting and not form.small):
                return m.group(0)  # in a message all in capitals, "CAN" is the word
            if not typed.isupper() and not form.small:
                return m.group(0)  # "arm", "up": the word
            return form.name + m.group(0)[len(typed) :]

        return self._pattern.sub(read, text)
