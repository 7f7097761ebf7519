"""Pydantic models of the curated knowledge base and of the answer contract.

The curated files (TOML) validate into these models; every curated item
carries evidence: verbatim passages of a source article.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, field_validator

ItemId = str


class _Strict(BaseModel):
    """Curated data refuses unknown keys so that a typo in a file is an error, not silence."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Evidence(_Strict):
    source: str = Field(min_length=1)
    quote: str = Field(min_length=8)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def real_date(value: str | None) -> str | None:
    """Dates are free text ("late 1980s", "2022-09"), but one written as YYYY-MM-DD must exist."""
    if value is not None and _ISO_DATE.fullmatch(value.strip()):
        try:
            datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
    return value


class Source(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = Field(min_length=1, description="short display label")
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None

    _date = field_validator("date")(real_date)


class Story(_Strict):
    """What the knowledge folder is about, shown by every transport (``story.toml``, table ``[story]``)."""

    name: str = Field(default="the news story", min_length=1, max_length=100)
    description: str = Field(default="Cited answers about a news story.", min_length=1, max_length=200)
    greeting: str = Field(
        default="Ask me about the story: every answer names the article that says so.",
        min_length=1,
        max_length=400,
    )
    examples: list[str] = Field(default=[], max_length=10, description="example questions, shown in help")
    gist: list[str] = Field(
        default=[],
        max_length=6,
        description='ids of the items that tell the story in brief, in order: the answer to "what happened?"',
    )
    hints: dict[str, str] = Field(
        default={},
        max_length=25,
        description="a command option's name -> examples of its values from this story (side = "
        '"Freedonia, Sylvania"), added to that option\'s description when commands are synced',
    )

    @field_validator("hints")
    @classmethod
    def _hint_shapes(cls, value: dict[str, str]) -> dict[str, str]:
        for option, hint in value.items():
            if not re.fullmatch(r"[a-z][a-z_-]{0,31}", option):
                raise ValueError(f"{option!r} is not a command option's name")
            if not 0 < len(hint.strip()) <= 60:
                raise ValueError(f"the hint for {option!r} must be 1 to 60 characters")
        return value


_WORD = re.compile(r"[a-z0-9][a-z0-9' -]{0,39}")


def _words(values: list[str]) -> list[str]:
    for w in values:
        if not _WORD.fullmatch(w):
            raise ValueError(f"{w!r} is not a lower-case word or short phrase (at most 40 characters)")
    return values


class Vocabulary(_Strict):
    """The words of this kind of story, which general English analysis does not know
    (``vocabulary.toml``, table ``[vocabulary]``). A story brings its own: a war's words do not
    change how a rail crash's questions are read."""

    synonyms: dict[str, list[str]] = Field(
        default={},
        max_length=500,
        description="a canonical word -> the words that mean it in this story (troops, servicemen -> soldier)",
    )
    subjects: list[str] = Field(
        default=[],
        max_length=100,
        description="who this kind of story counts (soldiers; passengers): 'how many soldiers were lost' "
        "asks for a figure",
    )
    figure_words: list[str] = Field(
        default=[],
        max_length=500,
        description="words a figure question may carry beside its side and event without changing what "
        "is counted (war, border; crash, derailment); any other word must be in the figures' own texts",
    )

    @field_validator("synonyms")
    @classmethod
    def _synonym_words(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for head, words in value.items():
            _words([head, *words])
            if len(words) > 100:
                raise ValueError(f"{head!r}: more than 100 words")
        return value

    _subjects = field_validator("subjects", "figure_words")(_words)


# a question: at least one letter among its 3 to 200 characters ("???" is none)
Ask = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200, pattern=r"[^\W\d_]")
]


class _Item(_Strict):
    id: ItemId = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    evidence: list[Evidence] = Field(min_length=1)
    asks: list[Ask] = Field(
        default=[],
        max_length=12,
        description="questions people would ask that this item answers, in their words, not the item's: "
        "the item is also found by its nearness to them (a Q&A pair's paraphrases serve the same end)",
    )


_KIND = r"^[a-z][a-z0-9 _-]{0,39}$"


def _kind_word(value: object) -> object:
    """Kinds are open-ended words ("person", "station", "vehicle"): compared in lower case."""
    return value.strip().lower() if isinstance(value, str) else value


class Entity(_Item):
    """A person, body, country, organisation, group or thing (a vehicle...), with every spelling the
    articles use. ``kind`` is open-ended; the engine treats "person" and "country" specially."""

    name: str
    kind: str = Field(default="organisation", pattern=_KIND)
    aliases: list[str] = []
    role: str | None = None
    country: ItemId | None = None
    part_of: ItemId | None = Field(default=None, description="the entity this one speaks for or belongs to")
    description: str | None = None

    _kind = field_validator("kind", mode="before")(_kind_word)


class Place(_Item):
    """A place of any kind (town, province, station, facility...); ``kind`` is open-ended."""

    name: str
    kind: str = Field(default="place", pattern=_KIND)
    aliases: list[str] = []
    country: ItemId | None = None
    description: str | None = None

    _kind = field_validator("kind", mode="before")(_kind_word)


class Event(_Item):
    """A news event of any kind that figures belong to: a clash, a war, a crash, a quake, a summit."""

    name: str
    kind: str = Field(default="event", pattern=_KIND)
    aliases: list[str] = []
    period: str | None = None
    place: ItemId | None = Field(
        default=None,
        description="where it happened; this place and the places and countries it lies in are the setting of "
        "the event's figures, not sides of it ('how many died in <its country>' asks for its overall toll)",
    )
    description: str | None = None

    _kind = field_validator("kind", mode="before")(_kind_word)


Qualifier = Literal["exact", "at least", "nearly", "about", "more than", "unspecified"]
Outcome = Literal["killed", "wounded", "injured", "missing", "displaced", "rescued", "losses", "casualties"]


class Casualty(_Item):
    """A figure: what is counted (``outcome``) of whom (``subject``), by side, by place or overall."""

    event: ItemId | None = Field(
        default=None,
        # "conflict" is the field's name before events of any kind (read for old folders and history)
        validation_alias=AliasChoices("event", "conflict"),
        description="the event the figure belongs to; None: none in particular",
    )
    side: ItemId | None = Field(
        default=None, description="whose: an entity or a place; None when all sides together"
    )
    place: ItemId | None = Field(default=None, description="where, when the figure is of one place")
    subject: str = Field(description="who: soldiers, passengers, residents, people...")
    outcome: Outcome
    figure: int | None = Field(default=None, ge=0, description="a count: never negative")
    figure_text: str = Field(description="the figure as stated in the articles")
    qualifier: Qualifier = "exact"
    reported_by: ItemId | None = None
    status: str | None = None
    summary: str


CueKind = Literal["said", "statement", "tweeted", "wrote", "speech", "told", "announced", "reading"]


class Quote(_Item):
    speaker: ItemId
    on_behalf_of: ItemId | None = None
    text: str = Field(min_length=4, description="the quoted words, verbatim")
    cue: CueKind = "said"
    context: str
    topics: list[str] = []


class Response(_Item):
    actor: ItemId
    people: list[ItemId] = []
    quotes: list[ItemId] = []
    summary: str


class Background(_Item):
    topic: str
    aliases: list[str] = []
    entities: list[ItemId] = []
    summary: str


class TimelineEntry(_Item):
    """What happened when and where, by whose account (table ``[[timeline]]``)."""

    summary: str
    date: str | None = None
    _date = field_validator("date")(real_date)
    time: str | None = None
    according_to: ItemId | None = None
    places: list[ItemId] = []
    weapons: list[str] = []
    actors: list[ItemId] = []
    order: int = 0


class QAPair(_Item):
    question: str
    paraphrases: list[str] = []
    answer: str
    refs: list[ItemId] = []


KIND_OF_TABLE: dict[str, type[_Item]] = {
    "entity": Entity,
    "place": Place,
    "event": Event,
    "casualty": Casualty,
    "quote": Quote,
    "response": Response,
    "background": Background,
    "timeline": TimelineEntry,
    "qa": QAPair,
}
"""TOML array-of-tables name -> model. A knowledge file may hold any of these tables."""


# --- the answer contract -------------------------------------------------

AnswerKind = Literal[
    "casualties",
    "quote",
    "speaker",
    "response",
    "background",
    "timeline",
    "entity",
    "place",
    "source",
    "qa",
    "chat",
    "none",
]


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int = Field(description="the number the answer text refers to")
    source: str
    quote: str
    label: str | None = None
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    item: ItemId | None = None
    excerpt: str | None = Field(
        default=None,
        description="the part of the quote shown to a reader, cleaned of "
        "the article's markup; the quote itself stays verbatim",
    )


class Suggestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str
    item: ItemId | None = None


class Answer(BaseModel):
    """What every transport renders: the answer contract of DESIGN.md."""

    question: str
    answered: bool
    kind: AnswerKind
    answer: str = Field(description="the whole answer, every passage cited; what 'More' shows")
    citations: list[Citation] = []
    confidence: float = Field(ge=0.0, le=1.0)
    suggestions: list[Suggestion] = []
    brief: str = Field(
        default="",
        description="what is shown first: the sentence that answers and at most "
        "two of context, or a listing's entries; empty: show the answer",
    )
    shown: int = Field(default=0, description="citations 1..shown are the ones the brief refers to")
    more: bool = Field(default=False, description="the answer holds more than the brief shows")
    listing: bool = Field(default=False, description="a list of entries, shown a handful per page")
    items: list[ItemId] = Field(default=[], description="curated items the answer was composed from")
    ruled_out: list[ItemId] = Field(
        default=[],
        exclude=True,
        description="items the handlers examined and found not to answer the question (figures that count "
        "someone else or are set where the folder never goes): never the answer, whatever the fitted decision weighs; not part of the contract",
    )
    described: list[ItemId] = Field(
        default=[],
        exclude=True,
        description="the people the question asks to be described, as the handlers found them ('who is X' "
        "of a name alone, 'who leads X'): an answer that holds none of them is no answer, whatever the "
        "fitted decision weighs; not part of the contract",
    )

    @field_validator("confidence")
    @classmethod
    def _round(cls, v: float) -> float:
        return round(v, 3)
