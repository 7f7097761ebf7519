"""Do the sources agree? The versions of one fact that the articles give, side by side.

Where the articles disagree, the knowledge base keeps one item per version (a figure given as
"more than 6,500" by some and "more than 6,600" by others; the same words credited to different
speakers). A question asking whether the sources agree finds the fact it is about, gathers the
items that are versions of it, and says whether they differ, citing each version's own sources.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, utils

from knowledge.compose import KIND_OF
from knowledge.handling import Handler
from knowledge.lexicon import CONCEPT_COUNT
from knowledge.lookups import principals
from knowledge.models import Answer, Casualty, Quote, _Item
from knowledge.retrieval import SUGGEST_AT

if TYPE_CHECKING:
    from knowledge.understand import Question

_ASKS_AGREEMENT = re.compile(
    r"\b(?:agree|agreed|agreement|disagree\w*|differ\w*|discrepan\w*|consistent|inconsistent|conflicting|"
    r"contradict\w*|(?:the )?same (?:figure|number|toll|count|account|version)s?|match(?:es)?|vary|varies)\b"
)
_AGREEMENT_WORDS = re.compile(_ASKS_AGREEMENT.pattern + r"|\b(?:articles?|sources?|outlets?|reports?)\b")
SAME_WORDS_AT = 85  # rapidfuzz token_set_ratio at which two quotations are the same words


class VersionAnswers(Handler):
    """Answers to 'do the sources agree on X?'."""

    def answer(self, q: Question) -> Answer | None:
        if not _ASKS_AGREEMENT.search(q.low):
            return None
        topic = _AGREEMENT_WORDS.sub(" ", q.low)
        terms = self.r.terms(topic, extra_concepts=q.concepts, names=q.names)
        counted = CONCEPT_COUNT in q.concepts or q.is_casualty
        hits = self.r.search(terms, kinds=(Casualty,) if counted else (Quote, Casualty), limit=5)
        if counted and (event := self.look.event_hint(q.low)):
            hits = [h for h in hits if getattr(h.item, "event", None) in event] or hits
        # a figure for the side the question names, or words of the speaker it names, before the rest
        named = q.ids | {a for i in q.ids for a in self.look.ancestors(i)}
        hits.sort(key=lambda h: not (principals(self.kb, h.item) & named))
        if not hits or hits[0].coverage < SUGGEST_AT:
            return None
        versions = self.versions_of(hits[0].item)
        if len(versions) < 2:
            return self._agreement(q, hits[0].item, hits[0].coverage)
        parts: list[tuple[str, list[_Item]]] = [("The articles differ:", [])]
        parts += [(self.c.sentence(v), [v]) for v in versions]
        kind = KIND_OF.get(type(versions[0]), "qa")
        return self.c.answer(q.text, kind, parts, hits[0].coverage)

    def versions_of(self, item: _Item) -> list[_Item]:
        """The items that tell the same fact differently: the item itself first."""
        same: list[_Item]
        match item:
            case Casualty():
                same = [
                    c
                    for c in self.kb.casualties
                    if (c.event, c.side, c.place, c.outcome)
                    == (item.event, item.side, item.place, item.outcome)
                    and c.figure_text != item.figure_text
                ]
            case Quote():
                words = utils.default_process(item.text)
                same = [
                    other
                    for other in self.kb.quotes
                    if other.id != item.id
                    and (other.speaker, other.on_behalf_of) != (item.speaker, item.on_behalf_of)
                    and fuzz.token_set_ratio(words, utils.default_process(other.text)) >= SAME_WORDS_AT
                ]
            case _:
                same = []
        return [item, *same]

    def _agreement(self, q: Question, item: _Item, coverage: float) -> Answer | None:
        """One version only: the articles agree if more than one of them gives it."""
        sources = {ev.source for ev in item.evidence}
        if len(sources) < 2:
            return None
        lead = f"The {len(sources)} articles that give it agree:"
        kind = KIND_OF.get(type(item), "qa")
        return self.c.answer(q.text, kind, [(lead, []), (self.c.sentence(item), [item])], coverage)


__all__ = ["VersionAnswers"]
