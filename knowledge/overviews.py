"""The overviews every transport shows (timeline, sources, background, responses), and their lines.

Used by the engine's command methods and by the question handlers alike ("show me the timeline"),
so neither calls the other for them.
"""

from __future__ import annotations

from rapidfuzz import fuzz, utils

from knowledge.compose import Composer
from knowledge.loader import KnowledgeBase
from knowledge.models import Answer, Event, Response


class Overviews:
    """Whole-story answers composed from every item of a kind."""

    def __init__(self, kb: KnowledgeBase, compose: Composer) -> None:
        self.kb = kb
        self.c = compose

    def timeline(self) -> Answer:
        """What happened when and where, in order."""
        events = sorted(self.kb.events, key=lambda e: (e.order, e.date or "", e.time or ""))
        if not events:
            return self.c.abstain("timeline")
        parts = [(self.event_line(e), [e]) for e in events]
        return self.c.answer("timeline", "timeline", parts, 1.0)

    def background(self) -> Answer:
        """Every background note, by topic."""
        parts = [(f"**{b.topic}**: {b.summary}", [b]) for b in self.kb.background]
        return self.c.answer("background", "background", parts, 1.0) if parts else self.c.abstain("background")

    def response_answer(self, question: str, responses: list[Response]) -> Answer:
        parts = [(r.summary, [r]) for r in responses]
        return self.c.answer(question, "response", parts, 0.85)

    def event_line(self, ev: Event) -> str:
        when = " ".join(x for x in (ev.date, ev.time) if x)
        return f"{when}: {ev.summary}" if when else ev.summary

    def sources(self, source: str | None = None) -> Answer:
        """The articles, with outlet, title, author, date and link where known."""
        srcs = list(self.kb.sources.values())
        if source:
            srcs = [s for s in srcs if s.id == source] or [
                s for s in srcs if fuzz.WRatio(source, s.label, processor=utils.default_process) >= 80
            ]
            if not srcs:
                return self.c.abstain(source or "sources", "No article by that name.")
        parts = []
        cites = []
        for n, s in enumerate(srcs, 1):
            meta = ", ".join(x for x in (s.outlet, s.author, s.date) if x)
            parts.append(f"[{n}] {s.label}" + (f" ({meta})" if meta else "") + (f" {s.url}" if s.url else ""))
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
        )


