"""Compose Answers from curated items: numbered citations and plain sentences.

Every sentence of an answer is built from curated items, and every item's
evidence becomes a numbered citation the sentence refers to ("[1][2]").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from knowledge.loader import KnowledgeBase, kind_name
from knowledge.models import (
    Answer,
    AnswerKind,
    Background,
    Casualty,
    Citation,
    Entity,
    Event,
    Place,
    QAPair,
    Quote,
    Response,
    Suggestion,
    TimelineEntry,
    _Item,
)

SOURCES_DONT_SAY = "The sources don't say."
_PARENS = re.compile(r"\s*\(.*?\)")
_DEMONYM = re.compile(r"(?:an|ani|ian|ese|ish|i|ic)$")


class Composer:
    """Turns (sentence, items) parts into an Answer with numbered citations."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def name(self, item_id: str | None) -> str:
        if not item_id:
            return ""
        item = self.kb.items.get(item_id)
        return getattr(item, "name", None) or getattr(item, "topic", None) or item_id

    def answer(
        self,
        question: str,
        kind: AnswerKind,
        parts: Sequence[tuple[str, Iterable[_Item]]],
        confidence: float,
        *,
        heading: str | None = None,
        max_sources_per_item: int = 5,
    ) -> Answer:
        citations: list[Citation] = []
        numbers: dict[tuple[str, str], int] = {}
        used: list[str] = []
        lines = [heading] if heading else []
        for sentence, items in parts:
            marks: list[int] = []
            for item in items:
                if item.id not in used:
                    used.append(item.id)
                for ev in item.evidence[:max_sources_per_item]:
                    key = (ev.source, ev.quote)
                    if key not in numbers:
                        numbers[key] = len(citations) + 1
                        citations.append(self.citation(numbers[key], ev.source, ev.quote, item.id))
                    if numbers[key] not in marks:
                        marks.append(numbers[key])
            refs = "".join(f"[{n}]" for n in sorted(marks))
            lines.append(f"{sentence} {refs}".rstrip())
        return Answer(
            question=question,
            answered=True,
            kind=kind,
            answer="\n".join(lines),
            citations=citations,
            confidence=min(max(confidence, 0.0), 1.0),
            items=used,
        )

    def citation(self, n: int, source: str, quote: str, item: str | None = None) -> Citation:
        """Citation number ``n`` of a verbatim passage, with what is known of its source."""
        src = self.kb.sources.get(source)
        return Citation(
            n=n,
            source=source,
            quote=quote,
            item=item,
            label=src.label if src else None,
            outlet=src.outlet if src else None,
            title=src.title if src else None,
            date=src.date if src else None,
            url=src.url if src else None,
        )

    def abstain(
        self,
        question: str,
        reason: str = SOURCES_DONT_SAY,
        suggestions: Sequence[_Item] = (),
        confidence: float = 0.0,
    ) -> Answer:
        sugg = []
        seen = set()
        for item in suggestions:
            q = self.suggested_question(item)
            if q and q.lower() not in seen:
                seen.add(q.lower())
                sugg.append(Suggestion(question=q, item=item.id))
        # suggestions travel in their own field: transports show them as buttons or a "did you mean" line
        return Answer(
            question=question,
            answered=False,
            kind="none",
            answer=reason,
            citations=[],
            confidence=min(max(confidence, 0.0), 1.0),
            suggestions=sugg[:3],
        )

    def suggested_question(self, item: _Item) -> str:
        """A question the engine answers with this item: what a 'did you mean' button asks."""
        match item:
            case QAPair():
                return item.question
            case Casualty():
                subject = _PARENS.sub("", item.subject)
                during = f" in the {self.name(item.event)}" if item.event else ""
                if item.side:
                    verb = item.outcome if item.outcome in _COUNTED_AS else "killed"
                    return f"How many {self.adjective(item.side)} {subject} were {verb}{during}?"
                return f"How many {subject} were {item.outcome} in total{during}?"
            case Quote():
                words = item.text if len(item.text) <= 60 else item.text[:57].rsplit(" ", 1)[0] + "..."
                return f'Who said "{words}"?'
            case Response():
                return f"How did {self.name(item.actor)} respond?"
            case Background():
                return f"Tell me about {item.topic}"
            case TimelineEntry():
                places = [self.name(p) for p in item.places]
                return f"What happened in {places[0]}?" if places else "What happened when?"
            case Entity() | Place() | Event():
                return f"{'Who' if getattr(item, 'kind', '') == 'person' else 'What'} is {item.name}?"
        return ""

    def adjective(self, item_id: str) -> str:
        """The word that qualifies people of a side ("Freedonian" for Freedonia), taken from the spellings the
        knowledge folder lists for it: a one-word alias that shares the name's stem and reads as an
        adjective of origin; else the name itself."""
        name = self.name(item_id)
        item = self.kb.items.get(item_id)
        stem = name.lower()[:4]
        forms = [
            a
            for a in getattr(item, "aliases", [])
            if " " not in a
            and a.lower() != name.lower()
            and a.lower().startswith(stem)
            and _DEMONYM.search(a)
        ]
        shared = lambda a: len(os.path.commonprefix([a.lower(), name.lower()]))  # noqa: E731
        return min(forms, key=lambda a: (-shared(a), len(a))) if forms else name

    def sentence(self, item: _Item) -> str:
        """The one-sentence answer an item gives on its own."""
        match item:
            case QAPair():
                return item.answer
            case Casualty() | Response() | Background() | TimelineEntry():
                return item.summary
            case Quote():
                return self.quote_line(item)
            case Entity():
                return self.describe(item)
            case Event():
                # when it happened is part of what it is, and the answer to "when" (or "what time") asked of it
                text = f"{item.name}: {item.description}" if item.description else item.name
                return f"{text.rstrip('.')}. When: {item.period.rstrip('.')}." if item.period else text
            case Place():
                return f"{item.name}: {item.description}" if item.description else item.name
        return kind_name(item)

    def mentions_date(self, item: _Item, date: tuple[str, str, str, str]) -> bool:
        """Whether the item, as told or in its evidence, names the day ``date`` (a match of analysis.DATE)."""
        day = date[0] or date[3]
        month = (date[1] or date[2])[:3]
        text = " ".join([self.sentence(item), *(ev.quote for ev in item.evidence)]).lower()
        return bool(re.search(rf"\b{day}(?:st|nd|rd|th)?\W+(?:of\W+)?{month}|\b{month}\w*\W+{day}\b", text))

    def quote_line(self, quote: Quote, *, with_context: bool = True) -> str:
        speaker = self.kb.items.get(quote.speaker)
        who = self.name(quote.speaker)
        role = getattr(speaker, "role", None)
        behalf = ""
        if role and isinstance(speaker, Entity) and speaker.kind == "person":
            who = f"{who} ({_PARENS.sub('', role)})"
        elif quote.on_behalf_of and quote.on_behalf_of not in (
            quote.speaker,
            getattr(speaker, "part_of", None),
            getattr(speaker, "country", None),
        ):
            behalf = f" for {self.name(quote.on_behalf_of)}"
        verb = {
            "tweeted": "tweeted",
            "wrote": "wrote",
            "statement": "said in a statement",
            "speech": "said in a speech",
            "told": "told",
            "announced": "announced",
            "reading": "said, according to a reading of the call",
        }.get(quote.cue, "said")
        line = f'{who}{behalf} {verb}: "{quote.text}"'
        if with_context and quote.context:
            line += f" ({quote.context.rstrip('.')})"
        return line

    def describe(self, entity: Entity) -> str:
        bits = [entity.name]
        if entity.role:
            bits.append(entity.role)
        text = ", ".join(bits)
        if entity.description:
            text += ": " + entity.description
        if entity.part_of and entity.part_of != entity.country:
            text += f" (part of {_PARENS.sub('', self.name(entity.part_of))})"
        return text


# outcomes a question names as such ("how many were injured"); the others are asked as deaths
_COUNTED_AS = frozenset({"wounded", "injured", "missing", "displaced", "rescued"})


def unique(items: Iterable[_Item]) -> list:
    """Items in first-seen order without repeats (models hold lists, so they are not hashable)."""
    seen: dict[str, _Item] = {}
    for it in items:
        seen.setdefault(it.id, it)
    return list(seen.values())


KIND_OF: dict[type[_Item], AnswerKind] = {
    Casualty: "casualties",
    Quote: "quote",
    Response: "response",
    Background: "background",
    TimelineEntry: "timeline",
    Entity: "entity",
    Place: "place",
    Event: "background",
}
