"""The knowledge base's reverse maps, built once per engine: what the question handlers look things up in.

Built before the handlers and handed to them, so that handlers read these maps instead of reaching
back into the engine that calls them.
"""

from __future__ import annotations

import re
from collections import defaultdict

from knowledge.analysis import GENERAL, Analyser
from knowledge.index import FuzzyIndex
from knowledge.loader import KnowledgeBase
from knowledge.models import Background, Casualty, Entity, Quote, Response, TimelineEntry, _Item

_HINT_TOKEN = re.compile(
    r"\d{4}s?|january|february|march|april|may|june|july|august|september|october|november|december"
)
# a time counted back from the story's own days: "the week before", "last week's", "a month earlier"
_UNIT = re.compile(r"(day|week|month)s?")
_BEFORE = frozenset("before last previous earlier prior ago preceding".split())


def _hint_tokens(text: str) -> list[str]:
    """The words of ``text`` that can say which event is meant: years, decades, months, and a time before
    as one token ("week-before" for "the week before", "last week", "a week earlier")."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = [w for w in words if _HINT_TOKEN.fullmatch(w)]
    for a, b in zip(words, words[1:], strict=False):
        unit = _UNIT.fullmatch(b) if a in _BEFORE else _UNIT.fullmatch(a) if b in _BEFORE else None
        if unit is not None:
            out.append(f"{unit.group(1)}-before")
    return out


def ancestors(kb: KnowledgeBase, item_id: str) -> set[str]:
    """The bodies and countries an entity belongs to, transitively (a minister -> a government -> a country)."""
    out: set[str] = set()
    todo = [item_id]
    while todo and len(out) < 10:
        item = kb.items.get(todo.pop())
        for parent in (getattr(item, "part_of", None), getattr(item, "country", None)):
            if parent and parent not in out:
                out.add(parent)
                todo.append(parent)
    return out


def principals(kb: KnowledgeBase, item: _Item) -> set[str]:
    """Whose item this is: the entity itself, a quotation's speaker, a response's actor, a figure's side,
    reporter, event and place, with the bodies and countries they belong to."""
    match item:
        case Entity():
            ids = {item.id}
        case Quote():
            ids = {i for i in (item.speaker, item.on_behalf_of) if i}
        case Response():
            ids = {item.actor}
        case Casualty():  # a figure is its side's and its reporter's, of its event and place
            ids = {i for i in (item.side, item.reported_by, item.event, item.place) if i}
        case _:
            ids = set()
    for i in list(ids):
        ids |= ancestors(kb, i)
    return ids


def _same_objects(before: list, after: list) -> bool:
    """The very same items in the same order (a reload reuses unchanged items as objects)."""
    return len(before) == len(after) and all(a is b for a, b in zip(before, after, strict=True))


class Lookups:
    """Quotes by speaker, responses by actor, figures by event, timeline entries by place and the like."""

    def __init__(
        self, kb: KnowledgeBase, previous: Lookups | None = None, analyser: Analyser = GENERAL
    ) -> None:
        """``previous``: the lookups of the engine being replaced; its Q&A index is reused when the
        Q&A items are the very same objects. ``analyser``: the story's word analysis."""
        self.kb = kb
        self.quotes_by = self._quotes_by_speaker()
        self.responses_by: dict[str, list[Response]] = defaultdict(list)
        for r in kb.responses:
            # people named in a response speak for its actor only when they belong to it:
            # a body's response may name someone its envoy spoke to, who is not a responder
            for key in [r.actor] + [p for p in r.people if r.actor in self.ancestors(p)]:
                self.responses_by[key].append(r)
        # figures by the event they belong to; None: figures of no event in particular
        self.casualties_by: dict[str | None, list[Casualty]] = defaultdict(list)
        for c in kb.casualties:
            self.casualties_by[c.event].append(c)
        self.timeline_by_place: dict[str, list[TimelineEntry]] = defaultdict(list)
        for e in kb.timeline:
            for p in e.places:
                self.timeline_by_place[p].append(e)
        self.background_by: dict[str, list[Background]] = defaultdict(list)
        for b in kb.background:
            for eid in b.entities:
                self.background_by[eid].append(b)
        # curated Q&A wordings, searched through an index so the cost stays flat as they grow
        if previous is not None and _same_objects(previous.kb.qa, kb.qa):
            self.qa_index: FuzzyIndex = previous.qa_index
        else:
            self.qa_index = FuzzyIndex(
                (qa.id, text) for qa in kb.qa for text in [qa.question, *qa.paraphrases]
            )
        self.casualty_sides = {c.side for c in kb.casualties if c.side}
        self.casualty_places = {p for c in kb.casualties for p in (c.place, c.side) if p}
        self.casualty_outcomes = {c.outcome for c in kb.casualties}
        self.event_order = {eid: n for n, eid in enumerate(dict.fromkeys(c.event for c in kb.casualties))}
        self.persons_by: dict[str, list[Entity]] = defaultdict(list)
        for person in kb.entities:
            if person.kind == "person" and person.role:
                for key in {person.id} | self.ancestors(person.id):
                    self.persons_by[key].append(person)
        # the words of the story's people's roles ("prime", "minister", "spokesman"): offices it knows of
        self.role_words = frozenset(
            t
            for person in kb.entities
            if person.kind == "person"
            for t in analyser.analyse(person.role or "")
        )
        # "according to <outlet>": outlet words -> the sources they name
        self.outlet_words: dict[str, set[str]] = defaultdict(set)
        for src in kb.sources.values():
            for word in analyser.analyse(src.outlet or ""):
                self.outlet_words[word].add(src.id)
        self._event_hints = self._build_event_hints()
        # words naming the story's events: their kinds, names and aliases ("the clashes", "the crash")
        self.event_words = frozenset(
            t for e in kb.events for text in (e.kind, e.name, *e.aliases) for t in analyser.analyse(text)
        )

    def ancestors(self, item_id: str) -> set[str]:
        return ancestors(self.kb, item_id)

    def _quotes_by_speaker(self) -> dict[str, list[Quote]]:
        """Quotes by speaker, by whom they speak for, and by the body or country the speaker belongs to."""
        out: dict[str, list[Quote]] = defaultdict(list)
        for q in self.kb.quotes:
            keys = {q.speaker, q.on_behalf_of}
            speaker = self.kb.items.get(q.speaker)
            if isinstance(speaker, Entity):
                keys |= {speaker.part_of, speaker.country}
            for k in keys:
                if k is not None:
                    out[k].append(q)
        return out

    def _build_event_hints(self) -> dict[str, str]:
        """Distinctive words (a year, a decade, a month) and times before ("the week before", "last
        month's") naming exactly one event."""
        seen: dict[str, set[str]] = defaultdict(set)
        for c in self.kb.events:
            for text in [c.name, *c.aliases, c.period or ""]:
                for tok in _hint_tokens(text):
                    seen[tok].add(c.id)
        return {tok: next(iter(ids)) for tok, ids in seen.items() if len(ids) == 1}

    def event_hint(self, text: str) -> set[str]:
        """The one event a year, decade, month or time before in ``text`` names, if exactly one."""
        found = {self._event_hints[t] for t in _hint_tokens(text) if t in self._event_hints}
        return found if len(found) == 1 else set()

    def items_of(self, ids: list[str]) -> list[_Item]:
        return [self.kb.items[i] for i in ids if i in self.kb.items]


__all__ = ["Lookups", "ancestors", "principals"]
