"""The overviews every transport shows (timeline, sources, background, responses), and their lines.

Used by the engine's command methods and by the question handlers alike ("show me the timeline"),
so neither calls the other for them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, utils

from knowledge.compose import Composer
from knowledge.loader import KnowledgeBase
from knowledge.models import Answer, Response, Source, TimelineEntry, _Item

GIST_LINES = 3  # timeline events told when the story file lists no gist


class Overviews:
    """Whole-story answers composed from every item of a kind."""

    def __init__(self, kb: KnowledgeBase, compose: Composer) -> None:
        self.kb = kb
        self.c = compose

    def timeline(self) -> Answer:
        """What happened when and where, in order."""
        events = sorted(self.kb.timeline, key=lambda e: (e.order, e.date or "", e.time or ""))
        if not events:
            return self.c.abstain("timeline")
        parts = [(self.event_line(e), [e]) for e in events]
        return self.c.answer("timeline", "timeline", parts, 1.0).model_copy(update={"listing": True})

    def background(self) -> Answer:
        """Every background note, by topic."""
        parts = [(f"{b.topic}: {b.summary}", [b]) for b in self.kb.background]
        if not parts:
            return self.c.abstain("background")
        return self.c.answer("background", "background", parts, 1.0).model_copy(update={"listing": True})

    def gist(self, question: str) -> Answer:
        """The story in brief ("what happened?"): the items the story file lists as its gist, in order;
        without such a list, the timeline's last few events."""
        items: Sequence[_Item] = [self.kb.items[i] for i in self.kb.story.gist if i in self.kb.items]
        if not items:
            events = sorted(self.kb.timeline, key=lambda e: (e.order, e.date or "", e.time or ""))
            items = events[-GIST_LINES:]
        if not items:
            return self.c.abstain(question)
        parts = [(self.c.sentence(item), [item]) for item in items]
        return self.c.answer(question, "background", parts, 1.0).model_copy(update={"listing": True})

    def response_answer(self, question: str, responses: list[Response]) -> Answer:
        parts = [(r.summary, [r]) for r in responses]
        return self.c.answer(question, "response", parts, 0.85).model_copy(update={"listing": len(parts) > 3})

    @staticmethod
    def find_sources(wanted: str, sources: list[Source]) -> list[Source]:
        """The articles a person means: by id, by number ("2", "article 2": the label's number, else the
        position), or by any of label, outlet, title and author, partly typed or misspelt."""
        text = wanted.strip()
        exact = [s for s in sources if s.id == text]
        if exact:
            return exact
        number = re.fullmatch(r"(?:(?:article|source|no\.?|#)\s*)?(\d{1,3})", text, re.I)
        if number:
            n = int(number.group(1))
            labelled = [
                s
                for s in sources
                if re.match(rf"\D*\b{n}\b", s.label or "")
                and re.match(r"(?:article|source)\s", s.label or "", re.I)
            ]
            return labelled or ([sources[n - 1]] if 1 <= n <= len(sources) else [])
        scored = []
        for s in sources:
            fields = [f for f in (s.label, s.outlet, s.title, s.author) if f]
            score = max(
                (fuzz.partial_ratio(text, f, processor=utils.default_process) for f in fields), default=0
            )
            if len(text) >= 3 and score >= 85:
                scored.append((score, s))
        best = max((sc for sc, _ in scored), default=0)
        return [s for sc, s in scored if sc >= best - 5]

    def event_line(self, ev: TimelineEntry) -> str:
        when = " ".join(x for x in (ev.date, ev.time) if x)
        return f"{when}: {ev.summary}" if when else ev.summary

    def sources(self, source: str | None = None) -> Answer:
        """The articles, with outlet, title, author, date and link where known."""
        srcs = list(self.kb.sources.values())
        if source:
            srcs = self.find_sources(source, srcs)
            if not srcs:
                return self.c.abstain(source or "sources", "No article by that name or number.")
        parts = []
        cites = []
        for n, s in enumerate(srcs, 1):
            meta = ", ".join(x for x in (s.outlet, s.author, s.date) if x)
            parts.append(
                f"{s.label}" + (f" ({meta})" if meta else "") + (f" <{s.url}>" if s.url else "") + f" [{n}]"
            )
            first = next(
                (ln.strip() for ln in self.kb.corpus.get(s.id, "").splitlines() if len(ln.split()) >= 5), ""
            )
            cites.append(
                self.c.citation(n, s.id, first[:300].rsplit(" ", 1)[0] if len(first) > 300 else first)
            )
        return Answer(
            question=source or "sources",
            answered=True,
            kind="source",
            answer="\n".join(parts),
            citations=cites,
            confidence=1.0,
            listing=True,
        )
