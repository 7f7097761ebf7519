"""Casualty questions: figures by side, place and event, every figure with its sources, disagreement shown."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from knowledge.analysis import QUANTITY
from knowledge.handling import Handler, HandlerParts
from knowledge.lexicon import ROLE_WORDS
from knowledge.models import Answer, Casualty, Entity, Place, _Item
from knowledge.retrieval import Term, id_token, names_something
from knowledge.wording import english_word

if TYPE_CHECKING:
    from knowledge.understand import Question

# General words a figure question may carry beside its side and event without changing what is
# counted; the story adds its own (its vocabulary's subjects and figure words: "soldiers", "border"),
# and any other word ("civilians", "children") must appear in the figures' own texts.
FIGURE_QUESTION_WORDS = tuple(
    """people person men side casualty kill wound loss report confirm announce claim suffer lose far latest
    new toll count zcount many most final official cost say admit give its their during recent dead number
    difference differ compare comparison vary between article source figure according total own each
    respective
    initial first begin start originally earlier before after later since revise update rise climb grow reach
    upward upwards downward downwards change highest lowest
    largest smallest biggest maximum minimum exact approximate rough estimate""".split()
)
# a question after the source of a figure it states: who gave it, which source, where it comes from
_ASKS_SOURCE = re.compile(
    r"\b(?:who|whom|whose)\b|\bwhich (?:source|outlet|article|report|paper|agency|wire|official|site)s?\b|"
    r"\bwhere\b.*\bfrom\b|\bsource\b"
)
# a figure a question states: a number of people, not a year or a time ("145", "96 dead", "1,200")
_STATED = re.compile(
    r"(?<![\d:.,])\b(\d{1,3}(?:,\d{3})+|\d+)\b(?![:.]\d)(?!\s*(?:am|pm|a\.m|p\.m|hours?|days?))"
)
# a preposition setting where or in what something happened, and the noun it sets it in
_SETTING = re.compile(
    r"\b(?:on|at|in|near|along|across|during|inside|outside|from) (?:the |a |an |this |that )?(?P<word>[a-z]+)\b"
)
_OUTCOME_ORDER = {
    "killed": 0,
    "losses": 1,
    "casualties": 2,
    "wounded": 3,
    "injured": 4,
    "missing": 5,
    "displaced": 6,
    "rescued": 7,
}
# what a figure question counts when it names no outcome: the dead (and losses, casualties)
DEATH_OUTCOMES = frozenset({"killed", "losses", "casualties"})
# words that count people in general, whoever they are
GENERAL_COUNTED = (
    "people",
    "persons",
    "person",
    "individuals",
    "humans",
    "lives",
    "victims",
    "dead",
    "deaths",
)


class CasualtyAnswers(Handler):
    """Answers about casualty figures, for the /casualties command and for free-text questions."""

    def __init__(self, parts: HandlerParts) -> None:
        super().__init__(parts)
        vocabulary = self.kb.vocabulary
        words = (*FIGURE_QUESTION_WORDS, *vocabulary.subjects, *vocabulary.figure_words)
        self.figure_words = frozenset(self.names.analyser.canon(w) for w in words)
        # an office names who gave a figure ("the police chief said"), unless it is what is counted
        self.role_words = frozenset(self.names.analyser.canon(w) for w in ROLE_WORDS)
        # what a figure question may count without naming whom: its outcome, or people in general
        self.any_people = frozenset(
            self.names.analyser.canon(w) for w in (*DEATH_OUTCOMES, *GENERAL_COUNTED, *FIGURE_QUESTION_WORDS)
        )
        # per side, the tokens of the bodies and people that belong to it: its government, ministries, leaders
        self._side_bodies: dict[str, set[str]] = {}
        self._named_places: dict[str, set[str]] = {}  # per event: the places its passages name
        # per figure: whom it counts, in canonical words
        self._subjects = {
            c.id: frozenset(self.names.analyser.analyse(c.subject))
            for c in self.kb.items.values()
            if isinstance(c, Casualty)
        }
        for en in self.kb.entities:
            for up in self.look.ancestors(en.id) & self.look.casualty_sides:
                self._side_bodies.setdefault(up, set()).add(id_token(en.id))
        # what the sides are ("both countries", "each side"): the kind of each side names the sides, not
        # something the figures must hold
        side_items = [self.kb.items.get(s) for s in self.look.casualty_sides]
        kinds = [i.kind for i in side_items if isinstance(i, Entity)]
        self._side_words = frozenset(self.names.analyser.canon(w) for w in ("side", *kinds))

    def answer(
        self,
        label: str,
        side_ids: set[str],
        event_ids: set[str],
        *,
        outcomes: set[str] | None,
        question: Question | None = None,
        place_ids: AbstractSet[str] = frozenset(),
    ) -> Answer:
        e = self.look
        if event_ids:
            pool = [c for eid in sorted(event_ids) for c in e.casualties_by.get(eid, [])]
        else:
            main = max(e.casualties_by, key=lambda k: len(e.casualties_by[k]), default=None)
            pool = list(e.casualties_by[main]) if main is not None else []
        sides = self.look.casualty_sides
        side_ids = {self._side_of(i, sides) for i in side_ids}
        wanted_sides = side_ids & sides
        if len(wanted_sides) > 1:  # "between Freedonia and Sylvania": both sides, so every figure
            side_ids, wanted_sides = set(), set()
        if side_ids and not wanted_sides:
            # where the figures' events happened (and the country it lies in) is their setting, not a
            # side: "how many died in <the country of the crash>" asks for the crash's own toll
            setting = self._setting({c.event for c in pool if c.event})
            side_ids -= setting
        if side_ids and not wanted_sides:
            other = [i for i in sorted(side_ids) if isinstance(self.kb.items.get(i), Entity)]
            if other and (question is None or not any(c.reported_by in side_ids for c in pool)):
                return self.c.abstain(
                    label, f"The sources don't give casualty figures for {self.c.name(other[0])}."
                )
        if wanted_sides:
            sided = [
                c
                for c in pool
                if c.side in wanted_sides or c.side is None and question is not None and question.wants_total
            ]
            if not sided and any(c.side is None for c in pool):
                # only an overall toll: not an answer to a question about one side, but worth offering
                names = " or ".join(self.c.name(i) for i in sorted(wanted_sides))
                return self.c.abstain(
                    label,
                    f"The sources give no separate figure for {names}.",
                    [c for c in pool if c.side is None],
                    confidence=0.3,
                )
            pool = sided
        if at := place_ids & {c.place for c in pool}:  # "how many died at the station"
            pool = [c for c in pool if c.place in at]
        # words the question adds that only some figures' subjects hold pick those figures ("how many were
        # in a critical condition" is one figure of the injured, not every figure of the injured)
        specific = {c.id for c in self._holding(question, pool)} if question is not None else set()
        if outcomes:
            pool = [c for c in pool if c.outcome in outcomes]
        elif (
            question is not None
            and "casualty" not in question.tokens
            and ("kill" in question.tokens or not specific)
        ):
            pool = [c for c in pool if c.outcome in DEATH_OUTCOMES] or pool
        pool = [c for c in pool if c.id in specific] or pool
        if stated := self._stated(question, pool):
            # "earlier wires had 96 dead, who put that out": whose figure it is, however the asker words the
            # rest ("wires", "put out" are about the asking, not about what is counted)
            return self._parts(label, stated, question)
        if question is not None and pool:
            leftover = self._leftover(question, pool)
            # what the figures' events and places are about counts as covered ("the 2019 war over the valley")
            union = frozenset().union(*(self._about(c) for c in pool))
            missing = [
                t for t in leftover if not any(a in union for a in t.alts) and not self._worded(t, union)
            ]
            uncounted = not self._counts_what_is_asked(question, pool)
            if missing or uncounted:
                refusal = self.c.abstain(
                    label, "The sources don't give that figure.", pool[:3], confidence=0.2
                )
                if self._elsewhere(question, missing):
                    # the question sets what it counts where the folder never goes ("died on the border" of
                    # a rail crash): no figure of the folder answers it, of this outcome or another
                    refusal.ruled_out = [c.id for c in self.kb.casualties]
                elif uncounted:
                    # the figures count someone else ("servicemen" of a toll of passengers): none of them
                    # answers, whatever another reading scores
                    refusal.ruled_out = [c.id for c in pool]
                return refusal
        if not pool:
            return self.c.abstain(label, "The sources don't give that figure.")
        return self._parts(label, pool, question)

    def _leftover(self, question: Question, pool: list[Casualty]) -> list[Term]:
        """The question's words that neither ask for a figure nor name what the figures are about: the
        sides, events, places and reporters of ``pool`` are not leftover; anything else must be held by
        the figures themselves."""
        sides = self.look.casualty_sides
        # names other than the sides and events ("casualties Ukraine") must be in the figures too
        named = {id_token(i) for i in sides | {i for i in self.look.casualties_by if i}} | {
            id_token(c.reported_by) for c in pool if c.reported_by
        }
        named |= {id_token(i) for i in self._setting({c.event for c in pool if c.event})}
        # a body of a side the figures are about ("according to the Freedonian government") is covered
        named |= set().union(*(self._side_bodies.get(c.side, set()) for c in pool if c.side))
        sided = any(c.side for c in pool)
        return [
            t
            for t in self.r.terms(question.low)
            if (not names_something(t) or not named & set(t.alts))
            and not (sided and self._side_words & set(t.alts))
            and t.text not in self.figure_words
            and t.alts[0] not in self.figure_words
            and t.text not in QUANTITY
            and not (t.alts[0] in self.role_words and t.alts[0] not in question.count_nouns)
        ]

    def _elsewhere(self, question: Question, missing: list[Term]) -> bool:
        """Whether the question sets what it counts in something no text of the folder speaks of: a
        word after a preposition of setting ("on the border", "in the riots") that is English, not the
        folder's, and not held by the figures."""
        foreign = {a for t in missing if not t.known for a in t.alts}
        if not foreign:
            return False
        for m in _SETTING.finditer(question.low):
            word = m.group("word")
            if english_word(word) and not foreign.isdisjoint(self.names.analyser.analyse(word)):
                return True
        return False

    def _worded(self, term: Term, words: frozenset[str]) -> bool:
        """Whether a name the question gives is in ``words`` as written, though it is read as another of the
        story's names: "Kessland" read as the Kessland region is held by a figure of the "Kessland army"."""
        if not names_something(term):
            return False
        written = self.r.analyser.analyse(term.text)
        return bool(written) and words.issuperset(written)

    def _about(self, c: Casualty) -> frozenset[str]:
        """The words of a figure's texts with those of its event and place."""
        return frozenset().union(*(self.r.tokens.get(i, frozenset()) for i in (c.id, c.event, c.place) if i))

    def _holding(self, question: Question, pool: list[Casualty]) -> list[Casualty]:
        """The figures of ``pool`` whose subject (whom they count) holds every leftover word of the
        question, when only some of them do; else none."""
        leftover = self._leftover(question, pool)
        if not leftover:
            return []
        held = [c for c in pool if self._counts_all(c, leftover)]
        return held if len(held) < len(pool) else []

    def counts_whom_asked(self, question: Question) -> bool:
        """Whether a count question that names no outcome ("how many were in a critical condition") asks
        for whom some figure counts: every word it adds is in that figure's subject."""
        pool = [c for figures in self.look.casualties_by.values() for c in figures]
        leftover = self._leftover(question, pool) if pool else []
        return bool(leftover) and any(self._counts_all(c, leftover) for c in pool)

    def _counts_all(self, c: Casualty, words: list[Term]) -> bool:
        """Whether the figure's subject (whom it counts) holds every one of ``words``."""
        return all(not self._subjects[c.id].isdisjoint(t.alts) for t in words)

    def _counts_what_is_asked(self, question: Question, pool: list[Casualty]) -> bool:
        """Whether the figures count whom the question counts: "how many ministers died" is not answered
        by a toll of soldiers, though the minister who gave it is in the item. A figure of people in
        general counts anyone; a question that names no one in particular ("how many died in the crash") is
        answered by any figure."""
        asked: set[str] = set()
        for word in question.count_words:  # whom it counts comes before what befell them
            if word in self.any_people:
                break
            if not word.isdigit():  # "the number of 49 dead soldiers": a figure, not whom
                asked.add(word)
        if not asked:
            return True
        counted: set[str] = set()
        for c in pool:
            subject = self._subjects[c.id]
            if subject <= self.any_people:  # "people", "people (dead)"; not "dead (soldiers of both sides)"
                return True
            counted |= subject | self.r.counted.get(c.id, frozenset())
        return bool(asked & counted)

    def _setting(self, event_ids: set[str]) -> set[str]:
        """The events' places with the places and countries they lie in, and the places named with them
        (``_places_with``): "how many died in the Riverton derailment" asks for the derailment's toll, not
        for Riverton's."""
        out: set[str] = set()
        for eid in event_ids:
            event = self.kb.items.get(eid)
            place = getattr(event, "place", None)
            if place:
                out |= {place} | self.look.ancestors(place)
            if event is not None:
                if eid not in self._named_places:
                    self._named_places[eid] = self._places_with(event)
                out |= self._named_places[eid]
        return out

    def _places_with(self, event: _Item) -> set[str]:
        """The places an event's passages name, and the places whose passages name the event ("after the
        crash near Riverton", a passage of Riverton's)."""

        def names_in(item: _Item) -> set[str]:
            texts = [getattr(item, "description", None) or "", *(e.quote for e in item.evidence)]
            return {i for t in texts for m in self.names.find(t) for i in m.ids}

        places = {i for i in names_in(event) if isinstance(self.kb.items.get(i), Place)}
        return places | {
            p.id for p in self.kb.items.values() if isinstance(p, Place) and event.id in names_in(p)
        }

    def _side_of(self, item_id: str, sides: set[str]) -> str:
        """The casualty side a name stands for: 'Freedonian soldiers' -> Freedonia's armed forces -> Freedonia."""
        current: str | None = item_id
        for _ in range(4):
            if current is None or current in sides:
                break
            item = self.kb.items.get(current)
            current = getattr(item, "part_of", None) or getattr(item, "country", None)
        return current if current in sides else item_id

    @staticmethod
    def _stated(question: Question | None, pool: list[Casualty]) -> list[Casualty]:
        """The figures of ``pool`` that ``question`` states and asks the source of ("who confirmed 145?",
        "'at least 90 dead' - where's that from?"), or none."""
        if question is None or not _ASKS_SOURCE.search(question.low):
            return []
        stated = {int(n.replace(",", "")) for n in _STATED.findall(question.low)}
        return [c for c in pool if c.figure is not None and c.figure in stated]

    def _parts(
        self, label: str, pool: list[Casualty], question: Question | None, lead: str | None = None
    ) -> Answer:
        total_first = question is None or question.wants_total or not (question.ids & {c.side for c in pool})
        order = sorted(
            pool,
            key=lambda c: (
                self.look.event_order.get(c.event, 0),
                c.side is not None if total_first else c.side is None,
                c.side or "",
                _OUTCOME_ORDER.get(c.outcome, 9),
                c.figure is None,
            ),
        )
        groups: dict[tuple, list[Casualty]] = {}
        for c in order:
            groups.setdefault((c.event, c.side, c.place, c.outcome), []).append(c)
        parts: list[tuple[str, list[_Item]]] = [(lead, [])] if lead else []
        for (event, _side, _place, _outcome), items in groups.items():
            # "nearly 50" beside "49" is rounding, not disagreement; "6,500" beside "6,600" is.
            figures = {
                c.figure for c in items if c.figure is not None and c.qualifier not in ("nearly", "about")
            }
            if len(figures) > 1:
                during = f" for the {self.c.name(event)}" if event else ""
                parts.append((f"The sources differ on this figure{during}:", []))
            for c in items:
                parts.append((c.summary, [c]))
        return self.c.answer(label, "casualties", parts, 0.9)
