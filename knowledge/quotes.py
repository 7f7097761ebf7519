"""Quotation questions: who said some words, and what a person or body said (or announced)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from knowledge.analysis import STOP, analyse
from knowledge.compose import KIND_OF, unique
from knowledge.handling import Handler
from knowledge.models import Answer, Quote
from knowledge.retrieval import ANSWER_AT, SUGGEST_AT, id_token, names_something
from knowledge.text import normalise

if TYPE_CHECKING:
    from knowledge.understand import Question

# "head", "chief", "leader": whoever leads the body, by any of its leading titles
_LEADER_WORDS = frozenset(
    analyse("head chief leader president top official officials representative envoy secretary general")
)


class QuoteAnswers(Handler):
    """Answers from the quotation store, for /who-said and for free-text questions."""

    @overload
    def who_said(self, question: str, words: str, *, strict: Literal[False] = False) -> Answer: ...
    @overload
    def who_said(self, question: str, words: str, *, strict: bool) -> Answer | None: ...

    def who_said(self, question: str, words: str, *, strict: bool = False) -> Answer | None:
        """Who said ``words``; ``strict``: None rather than a refusal when no quotation has them."""
        terms = self.r.terms(words)
        hits = self.r.search(terms, kinds=(Quote,), limit=3, candidates=50)
        good = [h for h in hits if h.coverage >= ANSWER_AT and h.coverage >= hits[0].coverage - 0.1]
        if not good:
            if strict:
                return None
            return self.c.abstain(
                question,
                "I can't find those words in the articles' quotations.",
                [h.item for h in hits if h.coverage >= SUGGEST_AT],
            )
        return self.quote_answer(
            question,
            [h.item for h in good if isinstance(h.item, Quote)],  # all are: the search asked for quotes
            who_asked=True,
            confidence=good[0].coverage,
        )

    def quote_answer(
        self, question: str, quotes: list[Quote], *, who_asked: bool, confidence: float = 1.0
    ) -> Answer:
        parts = []
        for quote in quotes:
            parts.append((self.c.quote_line(quote), [quote]))
        return self.c.answer(question, "speaker" if who_asked else "quote", parts, confidence)

    def what_said(self, q: Question) -> Answer | None:
        if q.speaker_span is None:
            return None
        found = self.names.find(q.speaker_span)
        span_terms = self.r.terms(q.speaker_span)
        if not found:
            if set(self.names.analyser.analyse(q.speaker_span)) & set(self.look.outlet_words):
                return None  # "how does the Daily Bugle describe ...": an outlet, not a speaker
            if 0 < len(span_terms) <= 3:
                # a speaker named but not known ("the European Parliament", "Iran"): someone else's words
                # would not answer what this one said
                return self.c.abstain(q.text, "The articles don't quote anyone by that name.")
            return None
        ids = {i for m in found for i in m.ids}
        leftover = [t for t in span_terms if not names_something(t)]
        span_words = normalise(q.speaker_span).replace("-", " ").split()
        if leftover and found[-1].end == len(span_words) and found[-1].start > 0:
            # "the European parliament": the body named last is qualified by words it does not carry,
            # so it is another body, and one the articles do not quote
            canon = self.names.analyser.canon
            before = {canon(w) for w in span_words[: found[-1].start]} - STOP
            aliases = {
                canon(w) for i in found[-1].ids for a in self._aliases(i) for w in normalise(a).split()
            }
            if before - aliases - _LEADER_WORDS and not any(m.end <= found[-1].start for m in found[:-1]):
                return self.c.abstain(q.text, "The articles don't quote that body.")
        if leftover:
            # "the American secretary of state": a person whose role has the other words
            person = self._person_by_role(ids, {a for t in leftover for a in t.alts})
            if person is None:
                return None  # "the Freedonian opposition" is not Freedonia: let retrieval weigh the whole question
            ids = {person}
        return self.said_by(q.text, ids, q.speaker_rest)

    def _aliases(self, item_id: str) -> list[str]:
        item = self.kb.items.get(item_id)
        return [getattr(item, "name", ""), *getattr(item, "aliases", [])]

    def _person_by_role(self, ids: set[str], words: set[str]) -> str | None:
        """The one person of these countries or bodies whose role holds all of ``words``."""
        people = unique(p for i in ids for p in self.look.persons_by.get(i, []))
        # "head", "chief", "leader" name whoever leads the body: any of its leading titles will do
        wanted = words - _LEADER_WORDS
        analyse = self.names.analyser.analyse
        found = [
            e
            for e in people
            if wanted <= set(analyse(e.role + " " + " ".join(e.aliases)))
            and (wanted or _LEADER_WORDS & set(analyse(e.role)))
        ]
        return found[0].id if len(found) == 1 else None

    def said_by(self, question: str, ids: set[str], rest: str) -> Answer:
        ordered = sorted(ids)  # not the set's order, which follows how the process hashes strings
        quotes = unique(qt for i in ordered for qt in self.look.quotes_by.get(i, []))
        who = " / ".join(self.c.name(i) for i in ordered)
        terms = self.r.terms(rest) if rest.strip() else []
        people = any(getattr(self.kb.items.get(i), "kind", "") == "person" for i in ids)
        if not quotes and terms and not people:
            # a body the articles never quote by name may be quoted as its country ("the armed forces");
            # a person's words are their own: what their country said is not what they said
            wider = unique(
                qt
                for i in ordered
                for a in sorted(self.look.ancestors(i))
                for qt in self.look.quotes_by.get(a, [])
            )
            scored = [(self.r.coverage(self.r.tokens[qt.id], terms)[0], qt) for qt in wider]
            quotes = [qt for cov, qt in sorted(scored, key=lambda x: -x[0]) if cov >= ANSWER_AT]
        responses = unique(r for i in ordered for r in self.look.responses_by.get(i, []))
        asked_about = {a for t in terms if names_something(t) for a in t.alts}
        if asked_about:
            # "what did the mayor say to the governor": only words that concern the governor answer it
            quotes = [qt for qt in quotes if asked_about & self.r.tokens[qt.id]]
            responses = [r for r in responses if asked_about & self.r.tokens[r.id]]
        if not quotes:
            if responses:
                return self.overviews.response_answer(question, responses)
            topic = " on that" if terms else ""
            return self.c.abstain(question, f"The sources don't report anything said by {who}{topic}.")
        if terms:
            # "what did X ask the international community for": the whole question decides, and an
            # item about X that is not a quotation (a Q&A, an event) may answer it better
            full = self.r.terms(question)
            about = {id_token(i) for i in ids}
            pool = unique(
                [*quotes, *(h.item for h in self.r.search(full, limit=8) if about & self.r.tokens[h.item.id])]
            )
            cov = {it.id: self.r.coverage(self.r.tokens[it.id], full)[0] for it in pool}
            ranked = sorted(
                pool, key=lambda it: (round(cov[it.id], 2), self.r.focus(it.id, full)), reverse=True
            )
            best_quote = max((cov[it.id] for it in ranked if isinstance(it, Quote)), default=0.0)
            quotes = [it for it in ranked if isinstance(it, Quote)]
            if ranked and not isinstance(ranked[0], Quote) and cov[ranked[0].id] >= best_quote + 0.1:
                best = ranked[0]
                parts = [(self.c.sentence(best), [best])] + [
                    (self.c.quote_line(qt), [qt]) for qt in quotes[:2]
                ]
                return self.c.answer(question, KIND_OF.get(type(best), "qa"), parts, cov[best.id])
        answer = self.quote_answer(question, quotes[:4], who_asked=False, confidence=0.9)
        if not terms and responses:
            # what a body announced is also in its response ("the Elysée announced France would seize...")
            parts = [(self.c.quote_line(qt), [qt]) for qt in quotes[:3]] + [
                (responses[0].summary, [responses[0]])
            ]
            answer = self.c.answer(question, "quote", parts, 0.9)
        return answer
