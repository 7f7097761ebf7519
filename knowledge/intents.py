"""Question handlers: each recognises one kind of question and answers it from curated items.

The handlers run in order; each either answers, abstains for a reason it is
sure of (a speaker the articles never quote), or declines so the next one can
try. The last is general retrieval, which abstains when coverage is low.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rapidfuzz import fuzz, process, utils

from knowledge.analysis import DATE, STOP, analyse, stem
from knowledge.casualties import CasualtyAnswers
from knowledge.compose import KIND_OF, unique
from knowledge.handling import Handler, HandlerParts
from knowledge.lexicon import CONCEPT_COUNT, CONCEPT_TIME
from knowledge.models import (
    Answer,
    Background,
    Entity,
    Event,
    Evidence,
    Place,
    QAPair,
    _Item,
)
from knowledge.quotes import QuoteAnswers
from knowledge.retrieval import ANSWER_AT, SUGGEST_AT, Scored, Term, id_token, names_something
from knowledge.text import normalise
from knowledge.understand import Question, asked_identity, understand
from knowledge.versions import VersionAnswers

_WH = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b")


def wh_word(text: str) -> str | None:
    """The question word a question asks with, if any ("where", "how")."""
    m = _WH.search(text)
    return m.group(1) if m else None


QA_DIRECT_AT = 92  # rapidfuzz ratio at which a curated Q&A paraphrase is taken as the question


# words that, after a person's name, only say where the asker met the name ("who is X in the news")
_CONTEXT = frozenset("in from on at the who that mentioned quoted named featured cited".split())

# "who runs / leads / heads / rules X", "who is in charge of X", "X's boss": asks who holds X's top office
_OFFICE_VERBS = frozenset(analyse("lead leader run ruler head chief rule govern charge boss command"))
# titles of whoever leads a country or a body, first those that name its top office; a role is held by
# the title's every word ("secretary general", not "secretary")
_TOP_TITLES = tuple(
    tuple(analyse(t))
    for t in (
        "president",
        "prime minister",
        "premier",
        "king",
        "queen",
        "chancellor",
        "secretary general",
        "chairman",
        "mayor",
        "governor",
    )
)
_HEAD_TITLES = tuple(tuple(analyse(t)) for t in ("leader", "head", "chief", "director", "chair"))
# words that only place the office in time or press the question: "who leads X these days", "right now"
_OFFICE_FILLER = frozenset(
    analyse("current currently now nowadays today these days day actually exactly really up")
)


class IntentHandlers(Handler):
    """The question handlers of one engine."""

    def __init__(self, parts: HandlerParts) -> None:
        super().__init__(parts)
        self.casualties = CasualtyAnswers(parts)
        # question words for the outcomes a figure counts (the schema's outcomes), as this story reads them
        canon = self.names.analyser.canon
        self.outcome_tokens: dict[str, frozenset[str]] = {
            canon("wounded"): frozenset({"wounded", "injured"}),
            canon("missing"): frozenset({"missing"}),
            canon("displaced"): frozenset({"displaced"}),
            canon("rescued"): frozenset({"rescued"}),
        }
        self.quotes = QuoteAnswers(parts)
        self.versions = VersionAnswers(parts)
        # each person's title words (role and aliases, analysed), for "who leads X": read once per person
        self._titles: dict[str, frozenset[str]] = {}

    # --- dispatch -------------------------------------------------------------

    def answer(self, text: str) -> Answer:
        return self.answer_question(understand(text, self.names))

    def answer_question(self, q: Question) -> Answer:
        """The handlers' answer to a question already taken apart (the engine takes it apart once)."""
        self.r.new_question()
        for handler in (
            self._prediction,
            self._overview,
            self._qa_direct,
            self.versions.answer,
            self._author,
            self._source,
            self._who_said_q,
            self._what_said_q,
            self._casualty_q,
            self._office_q,
            self._identity_q,
            self._response_q,
            self._place_q,
        ):
            ans = handler(q)
            if ans is not None:
                return ans
        return self._general(q)

    # --- handlers -------------------------------------------------------------

    def _prediction(self, q: Question) -> Answer | None:
        if not q.is_prediction:
            return None
        return self.c.abstain(
            q.text,
            "The articles report what happened and what was said; they don't predict or judge.",
        )

    def _overview(self, q: Question) -> Answer | None:
        """'show me the timeline', 'list the sources': the command overviews, asked in words."""
        m = _OVERVIEW.match(q.low.rstrip("?!. "))
        if not m or (m.group("about") and not self._names_the_story(m.group("about"))):
            return None
        word = m.group("what")
        if word.startswith(("timeline", "chronolog", "sequence")):
            return self.overviews.timeline()
        if word.startswith(("source", "article")):
            return self.overviews.sources()
        return self.overviews.background()

    def _names_the_story(self, words: str) -> bool:
        """'the story', 'the clashes', 'the crash': words that name the story or one of its events (a kind,
        a name or alias word) or are its vocabulary's figure words."""
        an = self.names.analyser
        known = {an.canon("story"), *self.look.event_words} | {
            an.canon(w) for w in self.kb.vocabulary.figure_words
        }
        return all(t in known for t in an.analyse(words))

    def _qa_direct(self, q: Question) -> Answer | None:
        """A question worded (nearly) as a curated Q&A wording gets that answer."""
        hits = self.look.qa_index.search(q.text, limit=5, candidates=20)
        if not hits:
            return None
        asked = utils.default_process(q.text)
        # "where did it take place" is no wording of "when did it take place", however alike the letters
        form = wh_word(asked)
        best = process.extractOne(
            asked,
            {
                h.key: wording
                for h in hits
                if (wording := utils.default_process(h.text)) and wh_word(wording) in (form, None)
            },
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=QA_DIRECT_AT,
        )
        if best is None:
            return None
        qa = self.kb.items[best[2]]
        assert isinstance(qa, QAPair)  # the index holds Q&A ids only
        return self.c.answer(q.text, "qa", [(qa.answer, [qa])], best[1] / 100)

    def _author(self, q: Question) -> Answer | None:
        """'who wrote the Daily Bugle article': the byline, from the source's own metadata."""
        if not _AUTHOR_Q.search(q.low):
            return None
        scored = [
            (
                max(
                    fuzz.partial_ratio(q.low, (s.outlet or "").lower()) if s.outlet else 0,
                    fuzz.token_set_ratio(q.low, s.label.lower()),
                ),
                s,
            )
            for s in self.kb.sources.values()
        ]
        scored = [(sc, s) for sc, s in scored if sc >= 80]
        if len(scored) != 1:
            return None
        src = scored[0][1]
        if not src.author or src.author not in self.kb.corpus.get(src.id, ""):
            return self.c.abstain(q.text, "The article doesn't name its author.")
        cite = self.c.citation(1, src.id, src.author)
        return Answer(
            question=q.text,
            answered=True,
            kind="source",
            confidence=0.95,
            citations=[cite],
            answer=f"{src.label} was written by {src.author}. [1]",
        )

    def _source(self, q: Question) -> Answer | None:
        if not q.is_source:
            return None
        terms = [t for t in self.r.terms(q.low) if stem(t.text) not in _SOURCE_STEMS]
        hits = self.r.search(terms)
        if not hits or hits[0].coverage < ANSWER_AT:
            return None
        item = hits[0].item
        # the sources of the passages that say what was asked, not of every passage the item cites
        shown = item.model_copy(update={"evidence": self._saying(item, terms)})
        labels = []
        for ev in shown.evidence:
            src = self.kb.sources.get(ev.source)
            if src and src.label not in labels:
                labels.append(src.label)
        lead = "Reported by " + "; ".join(labels) + "."
        return self.c.answer(
            q.text, "source", [(lead, []), (self.c.sentence(item), [shown])], hits[0].coverage
        )

    def _saying(self, item: _Item, terms: list[Term]) -> list[Evidence]:
        """The item's passages that hold the most of the question's terms (every passage, when they hold
        the same): "which article says the truce fell apart minutes later" is the one whose passage says so."""
        an = self.names.analyser
        scored = []
        for ev in item.evidence:
            names = self.names.find(ev.quote, correct=False)
            tokens = frozenset(an.analyse(ev.quote)) | {id_token(i) for m in names for i in m.ids}
            scored.append((round(self.r.coverage(tokens, terms)[0], 2), ev))
        best = max((c for c, _ in scored), default=0.0)
        return [ev for c, ev in scored if c == best]

    def _who_said_q(self, q: Question) -> Answer | None:
        if q.words is None or not q.words.strip():
            return None
        return self.quotes.who_said(q.text, q.words, strict=True)

    def _what_said_q(self, q: Question) -> Answer | None:
        said = self.quotes.what_said(q)
        if said is not None and not said.answered and q.is_casualty:
            # "what did X say the toll was": no quotation, but what was said is a figure, which may be X's
            figure = self._casualty_q(q)
            if figure is not None and figure.answered:
                return figure
        return said

    def _casualty_q(self, q: Question) -> Answer | None:
        if not q.is_casualty and not (
            CONCEPT_COUNT in q.concepts and (self._asks_outcome(q) or self.casualties.counts_whom_asked(q))
        ):
            return None
        if _WHY.match(q.low):  # "why did the toll rise?" asks for a cause, which no figure gives
            return None
        if _WHO_WERE.search(q.low):  # the figures are counts: nobody killed is named in them
            return self.c.abstain(q.text, "The sources give figures, not the names of those killed.")
        places = self.look.casualty_places
        side_ids = {
            i
            for i in q.ids
            if isinstance(self.kb.items.get(i), Entity) or i in places and i in self.look.casualty_sides
        }
        place_ids = {i for i in q.ids if i in places and i not in side_ids}
        event_ids = {i for i in q.ids if isinstance(self.kb.items.get(i), Event)}
        # a year or a time before that names one event outweighs a word that another event goes by: "the 1998
        # accident" is Riverton's 1998 collision, whichever event "accident" names
        hinted = self.look.event_hint(q.low)
        if not event_ids or (hinted and not hinted & event_ids):
            event_ids = hinted
        return self.casualties.answer(
            q.text, side_ids, event_ids, outcomes=self._outcomes(q), question=q, place_ids=place_ids
        )

    def _asks_outcome(self, q: Question) -> bool:
        """A figure question worded by an outcome other than death or wounds ("how many are missing"),
        read as one only when the story gives figures of that outcome."""
        toks = set(q.tokens) - q.contrasted
        given = self.look.casualty_outcomes
        return any(tok in toks and outcomes & given for tok, outcomes in self.outcome_tokens.items())

    def _outcomes(self, q: Question) -> set[str] | None:
        """The outcomes a figure question names, when it names some other than deaths (not those it sets
        aside: "wounded, not killed")."""
        toks = set(q.tokens) - q.contrasted
        if "kill" in toks:
            return None
        wanted = {o for tok, outs in self.outcome_tokens.items() if tok in toks for o in outs}
        return (wanted & self.look.casualty_outcomes) or ({"wounded"} if "wound" in toks else None)

    def _office_q(self, q: Question) -> Answer | None:
        """'who leads X', 'who is X's prime minister': the person of the country or body X whose role is
        that office (any top title, for 'lead', 'run', 'head'); where none of X's people holds a title the
        story's roles do use, the sources don't name one."""
        if wh_word(q.low) not in ("who", "whom") or q.speaker_span is not None or len(q.mentions) != 1:
            return None
        ids = sorted(set(q.mentions[0].ids))
        bodies = [self.kb.items.get(i) for i in ids]
        if not all(isinstance(b, (Entity, Place)) and getattr(b, "kind", "") != "person" for b in bodies):
            return None
        words = set(q.tokens) - STOP - _OFFICE_FILLER
        verbs, title = words & _OFFICE_VERBS, words - _OFFICE_VERBS
        roles = self.look.role_words
        if not (verbs or title) or not title <= roles:
            return None  # "who attacked X": not an office the story's people hold
        people = unique(p for i in ids for p in self.look.persons_by.get(i, []))
        if not people:  # the story knows nobody of X ("the head of state in <a capital>")
            return None  # retrieval weighs it
        held = {p.id: self._title_words(p) for p in people}
        if title:
            found = [p for p in people if title <= held[p.id]]
        else:
            found = []
            for tier in (_TOP_TITLES, _HEAD_TITLES):
                found = [p for p in people if any(set(t) <= held[p.id] for t in tier)]
                if found:
                    break
        if not found:
            if not title:
                return None  # nobody of X with a leading title: let retrieval weigh the question
            return self.c.abstain(q.text, suggestions=people[:3])
        answer = self.c.answer(q.text, "entity", [(self.c.sentence(p), [p]) for p in found], 0.85)
        # asked by an office verb alone ("who runs X", "who is in charge of X"), the question is who holds
        # X's top office; a title of the roles' own words ("X's foreign minister") is weighed as asked
        return answer.model_copy(update={"described": [] if title else [p.id for p in found]})

    def _title_words(self, person: Entity) -> frozenset[str]:
        words = self._titles.get(person.id)
        if words is None:
            words = frozenset(self.names.analyser.analyse(f"{person.role} {' '.join(person.aliases)}"))
            self._titles[person.id] = words
        return words

    def _identity_q(self, q: Question) -> Answer | None:
        target = q.identity_target()
        if not target:
            return None
        target = asked_identity(target)
        found = self.names.find(target)
        raw = normalise(target).replace("-", " ").split()
        if found and found[0].start == 0 and found[0].end < len(raw) and raw[found[0].end] in _CONTEXT:
            # "who is <person> in the crash news", "…, the guy quoted about it": the rest places the person
            first = self.kb.items.get(found[0].ids[0])
            if isinstance(first, Entity) and first.kind == "person":
                found, raw = found[:1], raw[: found[0].end]
        inside = {i for m in found for i in range(m.start, m.end)}
        # "who is the mayor", "what is the alliance": nothing but the name (and filler) is asked about
        if len(found) != 1 or any(i not in inside and w not in STOP for i, w in enumerate(raw)):
            return None
        ids = [i for m in found for i in m.ids]
        notes = [b for i in ids for b in self.look.background_by.get(i, [])]
        entity = self.kb.items[ids[0]]
        person = isinstance(entity, Entity) and entity.kind == "person"
        if notes and not person:
            terms = self.r.terms(target)
            notes.sort(key=lambda b: self.r.coverage(self.r.tokens[b.id], terms)[0], reverse=True)
            best = notes[0]
            parts = [(best.summary, [best])]
            return self.c.answer(q.text, "background", parts, 0.85)
        answer = self.c.answer(q.text, "entity", [(self.c.sentence(entity), [entity])], 0.85)
        return answer.model_copy(update={"described": [entity.id] if person else []})

    def _response_q(self, q: Question) -> Answer | None:
        actors = [i for i in q.ids if self.look.responses_by.get(i)]
        if not q.is_response and not (actors and not q.content_tokens()):
            return None
        if actors:
            found = unique(r for i in actors for r in self.look.responses_by[i])
            terms = self.r.terms(q.low)
            found.sort(key=lambda r: self.r.coverage(self.r.tokens[r.id], terms)[0], reverse=True)
            return self.overviews.response_answer(q.text, found)
        if q.ids or any(not t.known for t in self.r.terms(q.low)):
            return None
        return self.overviews.response_answer(q.text, list(self.kb.responses))

    def about(self, topic: str) -> Answer:
        """Background on a topic typed in the /background option: the note, event, body or place
        that covers it best, or a refusal with what comes nearest."""
        self.r.new_question()
        terms = self.r.terms(topic)
        hits = self.r.search(terms, kinds=(Background, Event, Entity, Place), limit=3)
        if not hits or hits[0].coverage < ANSWER_AT:
            return self.c.abstain(topic, suggestions=[h.item for h in hits if h.coverage >= SUGGEST_AT])
        best = hits[0].item
        kind = KIND_OF.get(type(best), "background")
        return self.c.answer(topic, kind, [(self.c.sentence(best), [best])], hits[0].coverage)

    def _place_q(self, q: Question) -> Answer | None:
        if not q.happened_at:
            return None
        places = [i for i in q.ids if isinstance(self.kb.items.get(i), Place)]
        events = unique(ev for p in places for ev in self.look.timeline_by_place.get(p, []))
        if not events:
            return None
        events.sort(key=lambda ev: ev.order)
        return self.c.answer(
            q.text, "timeline", [(self.overviews.event_line(ev), [ev]) for ev in events], 0.85
        )

    def _general(self, q: Question) -> Answer:
        terms = self._question_terms(q)
        outlets = {src for t in terms for src in self.look.outlet_words.get(t.text, ())}
        if (
            outlets
        ):  # "how does the Daily Bugle describe ...": that outlet's passages, without its name as a term
            terms = [t for t in terms if t.text not in self.look.outlet_words]
        # "who is <someone unnamed>" asks for a person: an item merely about the same words won't do
        target = q.identity_target()
        kinds = (
            (Entity,)
            if target and q.low.startswith("who") and not target.split()[0].endswith("ing")
            else None
        )
        hits = self.r.search(terms, limit=4, kinds=kinds)
        if kinds and target and _PERSON_WORDS & set(analyse(target)):  # "who is freedonia's defence minister"
            hits = [h for h in hits if getattr(h.item, "kind", "") == "person"]
        if dates := DATE.findall(q.low):  # month names are spelt out by rewrite_phrases
            # "what happened on 14 September": the answer must be of that day
            hits = [h for h in hits if any(self.c.mentions_date(h.item, d) for d in dates)]
        if q.count_nouns:
            # "how many X": only an item that gives a number of X answers it
            hits = [h for h in hits if q.count_nouns & self.r.counted.get(h.item.id, frozenset())]
        if outlets:
            hits = [h for h in hits if any(ev.source in outlets for ev in h.item.evidence)]
        named = [t for t in terms if names_something(t)]
        if 0 < len(named) <= 2:
            # an answer about something else than what the question names is not an answer to it
            hits = [h for h in hits if all(not self.r.tokens[h.item.id].isdisjoint(t.alts) for t in named)]
        if not hits or hits[0].coverage < ANSWER_AT:
            near = [h.item for h in hits if h.coverage >= SUGGEST_AT]
            return self.c.abstain(q.text, suggestions=near, confidence=hits[0].coverage if hits else 0.0)
        best = hits[0].coverage
        chosen: list[Scored] = [h for h in hits if h.coverage >= max(ANSWER_AT, best - 0.08)][:3]
        if (event := self._asked_when(terms)) is not None:
            # "when did <event> happen?": the event itself, whose period says when, comes first
            chosen = [Scored(event, best, len(terms), 1.0), *(h for h in chosen if h.item is not event)][:3]
        kind = KIND_OF.get(type(chosen[0].item), "qa")
        parts = [(self.c.sentence(h.item), [h.item]) for h in chosen]
        return self.c.answer(q.text, kind, parts, best)

    def _asked_when(self, terms: list[Term]) -> Event | None:
        """The event a question names when it names one event and asks nothing but when it was ("when did
        <event> happen?", "what day was <event>?"), if the knowledge folder gives its period."""
        rest = [t for t in terms if t.text != CONCEPT_TIME]
        if len(rest) != 1 or len(terms) != 2:
            return None
        events = [ev for ev in self.kb.events if id_token(ev.id) in rest[0].alts and ev.period]
        return events[0] if len(events) == 1 else None

    def _question_terms(self, q: Question) -> list[Term]:
        """The question's terms; a trailing time clause ("... after the attack started") weighs half:
        it places the question in time rather than saying what is asked."""
        m = _TIME_CLAUSE.search(q.low)
        if not m or m.start() < 8:
            return self.r.terms(q.low, extra_concepts=q.concepts, names=q.names)
        main = self.r.terms(q.low[: m.start()], extra_concepts=q.concepts, names=q.names)
        seen = {t.alts for t in main}
        tail = [
            replace(t, weight=t.weight / 2)
            for t in self.r.terms(q.low[m.start() :], names=q.names)
            if t.alts not in seen
        ]
        return main + tail


# words that make "who is ..." ask for a person rather than a country or body
_PERSON_WORDS = frozenset(
    analyse("minister president secretary leader spokesman spokesperson official chief head envoy")
)
_WHY = re.compile(r"(?:(?:so|and|but|ok),? )?(?:why|how come)\b")
_WHO_WERE = re.compile(r"\bnames?\b|\bwho (?:were|was|are)\b(?! .*\bhow many\b)|\bidentit")
_TIME_CLAUSE = re.compile(r"\b(?:after|before|once|while|during|following|as soon as)\b")
_AUTHOR_Q = re.compile(
    r"\bwho wrote\b|\bauthor\b|\bwritten by\b|\bby whom\b|\bbyline\b|\bwho (?:is|was) the "
    r"(?:journalist|reporter|writer)\b"
)
_OVERVIEW = re.compile(
    r"^(?:(?:show|give|list|display|what are)(?: me)?(?: all)? (?:the |your )?)?"
    r"(?P<what>timeline|chronology|sequence of events|sources|articles|background)"
    r"(?: of (?:events|the (?P<about>[\w' -]{1,60})))?$"
)
_SOURCE_WORDS = {
    "newspaper",
    "source",
    "article",
    "outlet",
    "publication",
    "media",
    "site",
    "website",
    "report",
    "journalist",
    "reporter",
    "agency",
    "wire",
    "channel",
    "broadcaster",
    "service",
    # what the one quoted did with the outlet: "which agency did X speak to / tell / give an interview"
    "speak",
    "spoke",
    "talk",
    "tell",
    "told",
    "interview",
    "wrote",
    "write",
    "accord",
}
_SOURCE_STEMS = frozenset(stem(w) for w in _SOURCE_WORDS)  # terms come stemmed ("service" -> "servic")


__all__ = ["IntentHandlers", "unique"]
