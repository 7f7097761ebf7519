"""The answer engine: one question in, one cited Answer out (DESIGN.md's answer contract).

Used by every transport (Discord, console, CLI). The engine is built once per
knowledge base (indexes, reverse maps) and does not change afterwards (bar a cache
that serves one question at a time), so a reload builds a new engine and swaps it in.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec

import numpy as np
from lemminflect import getAllLemmas
from rapidfuzz import fuzz, process, utils

from knowledge.analysis import CONCEPT_TRIGGERS, Analyser, holds_count
from knowledge.checks import (
    DETAILS,
    Named,
    asks_of_name,
    corrected,
    is_claim,
    misses_its_agent,
    misses_its_name,
    misses_its_number,
    not_said_of,
    unheld_people,
    unruled_day,
    unruled_period,
    unruled_time,
    without_hearsay,
)
from knowledge.codes import ShortForms, UnspokenCountries
from knowledge.compose import Composer, unique
from knowledge.compound import (
    asked_part,
    first_case,
    joined,
    parts_of,
    told_and_asked,
    told_then_asked,
    without_label,
)
from knowledge.conversation import (
    EVENT_POINTER,
    LINK,
    WH_WORD,
    Turn,
    asks_again,
    asks_for_gist,
    asks_nothing,
    asks_of_no_one,
    closing_remark,
    follow_up,
    is_fragment,
    points_at_answer,
    points_back,
    small_talk_kind,
    small_talk_reply,
    topic_of,
    with_context,
    with_topic,
)
from knowledge.decision import PARAMS_FILE, Decision, question_type
from knowledge.dense import CACHE as VECTORS
from knowledge.dense import DenseIndex, TokenAligner, digest, encoder
from knowledge.handling import HandlerParts
from knowledge.hybrid import HybridDecider
from knowledge.intents import IntentHandlers, wh_word
from knowledge.lexicon import PERSON_NOUN, ROLE_WORDS, STOP, TITLE_EQUIVALENTS
from knowledge.loader import KnowledgeBase
from knowledge.lookups import Lookups
from knowledge.models import (
    Answer,
    Background,
    Casualty,
    Entity,
    Event,
    Place,
    QAPair,
    Quote,
    Response,
    TimelineEntry,
    _Item,
)
from knowledge.overviews import Overviews
from knowledge.presentation import NOT_SAID_OF, present
from knowledge.resolver import NameResolver
from knowledge.retrieval import ItemRetriever
from knowledge.text import clean_input, normalise, sentences
from knowledge.understand import Question, identity_remark, lowered, understand
from knowledge.wording import Speller, english_word, in_hinglish, plain_question

log = logging.getLogger(__name__)
P = ParamSpec("P")
_WORDS = re.compile(r"[A-Za-z]{4,}")
_EVERY_SIDE = ("both", "all", "both sides", "all sides", "every side", "each side")
# a question asking for a number, not whether something happened ("how many are missing?")
# ("how much concerned", "how much more" ask a degree)
_NUMBER_ASKED = re.compile(r"\bhow many\b|\bnumber of\b|\bhow much\b(?! (?:more|less)\b| \w+(?:ed|er)\b)")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# a country's name said with "the": a union's, a kingdom's, a republic's, islands, and the plurals English
# says so ("the Philippines"; not "Cyprus" or "Belarus")
_THE_COUNTRY = re.compile(
    r"\b(?:united|kingdom|republic|federation|union|emirates|islands|netherlands|philippines|bahamas|maldives)\b",
    re.I,
)
_ASKED_YEAR = re.compile(r"\b((?:1[89]|20)\d\d)\b(?![,.]\d|\s+(?:[a-z]+s|people|men|women|children)\b)")
# words that ask more of an office question than who holds it: a negation, someone else, an opinion or
# a wish, another time, a second question
_BEYOND_THE_OFFICE = re.compile(
    r"n't\b|\b(?:not|no|never|else|other|than|instead|should|would|could|might|must|will|shall|wants?|"
    r"and|or|but|how|why|where|when|which|what|whose|then|before|after|until|since|used|back|former|"
    r"previous|next|future|ago|was|were|had|if|going|gonna|about|likely|probably|supposed|expected|may|"
    r"succeed\w*|successor|replac\w*)\b|\d"
)
# an office as a check may claim it, each written as one canonical title: "premier" and "pm" are the prime
# minister ("prime minister" before "minister", the longest first); words that fit many offices ("leader",
# "head", "official") are no claim of one
_TITLE_OF = {phrase: group[0] for group in TITLE_EQUIVALENTS for phrase in group} | {
    w: w for w in ROLE_WORDS if not any(w in g for g in TITLE_EQUIVALENTS)
}
_TITLE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _TITLE_OF), key=len, reverse=True)) + r")\b")
_LOOSE_TITLES = frozenset({"leader", "head", "chief", "official", "ruler", "diplomat", "general", "director"})
# "X is the Y", "is X the Y": the claim that someone holds an office now; the past, a year or a negation is
# another claim, which the role the knowledge folder gives cannot settle
_HOLDS = re.compile(r"\bis\b")
_NOT_NOW = re.compile(r"\bnot\b|n't\b|\d|\b(?:was|ever|former|formerly|once|still|previous|ex|false|lie)\b")
# a question asking for someone's name ("what's the name of the passenger who…", "who was it, name?")
_NAME_ASKED = re.compile(r"\bnamed?\b|\bnames\b|\bidentity\b|\bidentif(?:y|ied)\b")
# a person the articles do not name, as the knowledge folder calls one: "A passenger (not named)"
_UNNAMED = re.compile(r"(?:a|an|one|another)\s+[a-z]", re.IGNORECASE)
# a name asked for outright: not "identified" (a count) nor "named X?" (a check)
_NAME_WORD = re.compile(r"\bnames?\b")
# a question's subject when it names none: "when did it happen?", "where was this?"
_POINTER_SUBJECT = re.compile(r"\b(?:it|this|that)\b", re.IGNORECASE)
# what a question asks for, as the terms retrieval gives it ("what time" is a time, "where" a place)
_WANTS = frozenset(CONCEPT_TRIGGERS)  # every concept a question can ask for has its trigger words

CompletionField = Literal["speaker_or_quote", "actor", "topic", "side", "event", "source", "question"]
MAX_QUESTION_CHARS = 500
CHOICE_TEXT_MAX = 100  # an autocomplete choice's name and value, at most (Discord's limit)
# how much surer the fitted decision must be of a fragment read alone than completed from the question
# before, for the fragment to be read alone
ALONE_MARGIN = 0.3
ANSWER_MEMO = 2048  # answers remembered per engine, by the question as read


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: what the user sees and the value sent back."""

    name: str
    value: str


def question_similarity(typed: str, question: str, **_: Any) -> float:
    """How well what is typed matches a curated question (0-100): the mean of the words' agreement in any
    order and the best partial match, so both a question half typed and one in other words rank well."""
    return (fuzz.token_set_ratio(typed, question) + fuzz.partial_ratio(typed, question)) / 2


def _asking(plain: str) -> list[str]:
    """The sentences of ``plain`` that ask (a question mark, a question word, a check), or all of them when
    none does: "were the talks in Geneva? I've got Switzerland in my head" asks nothing of Switzerland."""
    said = sentences(plain, lowercase_starts=True)
    return [s for s in said if "?" in s or WH_WORD.search(s) or is_claim(s.lower())] or said


def _headlines(item: _Item) -> list[str]:
    """What an item is about, in a few words: used to break ties between equally good items."""
    match item:
        case QAPair():
            return [item.question, *item.paraphrases]
        case Background():
            return [item.topic, *item.aliases]
        case Quote():
            return [item.text]
        case Entity() | Place() | Event():
            return [item.name, *item.aliases]
    return [getattr(item, "summary", "")]


def _story_event(kb: KnowledgeBase) -> tuple[str | None, frozenset[str]]:
    """The event the story is about (the one with the most figures, if no other has as many) and the
    story's other events."""
    events = frozenset(e.id for e in kb.events)
    figures = Counter(c.event for c in kb.casualties if c.event in events)
    ranked = figures.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None, frozenset()
    return ranked[0][0], events - {ranked[0][0]}


def _search_text(kb: KnowledgeBase, item: _Item) -> tuple[str, list[str | None]]:
    """The text an item is found by, and the ids it refers to."""
    ev = " ".join(e.quote for e in item.evidence)

    def names(*ids: str | None) -> str:
        out = []
        for i in ids:
            ref = kb.items.get(i) if i else None
            if ref is not None:
                out.append(getattr(ref, "name", "") + " " + (getattr(ref, "role", None) or ""))
        return " ".join(out)

    match item:
        case Entity():
            return " ".join([item.name, *item.aliases, item.role or "", item.description or ""]), [item.id]
        case Place():
            return " ".join([item.name, *item.aliases, item.description or ""]), [item.id]
        case Event():
            return " ".join([item.name, *item.aliases, item.description or "", item.period or ""]), [item.id]
        case Casualty():
            refs = [item.event, item.side, item.place, item.reported_by]
            return " ".join(
                [item.summary, item.subject, item.figure_text, item.status or "", names(*refs), ev]
            ), refs
        case Quote():
            refs = [item.speaker, item.on_behalf_of]
            return " ".join([item.text, item.context, *item.topics, names(*refs), ev]), refs
        case Response():
            refs = [item.actor, *item.people]
            return " ".join([item.summary, names(*refs), ev]), refs
        case Background():
            return " ".join([item.topic, *item.aliases, item.summary, ev]), list(item.entities)
        case TimelineEntry():
            refs = [item.according_to, *item.places, *item.actors]
            return " ".join(
                [item.summary, " ".join(item.weapons), item.date or "", item.time or "", names(*refs), ev]
            ), refs
        case QAPair():
            return " ".join([item.question, *item.paraphrases, item.answer, ev]), list(item.refs)
    return ev, []


def _dense_texts(kb: KnowledgeBase, item: _Item) -> list[str]:
    """What an item says, in the words a question about it would use: its dense vectors' texts, and the
    questions curated as ones it answers."""
    return [*_said_texts(kb, item), *item.asks]


def _said_texts(kb: KnowledgeBase, item: _Item) -> list[str]:
    """What an item says, as texts a question about it comes near."""

    def name(item_id: str | None) -> str:
        ref = kb.items.get(item_id) if item_id else None
        return getattr(ref, "name", "") if ref is not None else ""

    match item:
        case QAPair():
            return [item.question, *item.paraphrases, f"{item.question} {item.answer}"]
        case Quote():
            return [f"{name(item.speaker)} said: {item.text}", f"{name(item.speaker)}: {item.context}"]
        case Entity():
            return [", ".join(x for x in (item.name, item.role, item.description) if x)]
        case Place() | Event():
            return [f"{item.name}: {item.description}" if item.description else item.name]
        case Background():
            return [f"{item.topic}: {item.summary}"]
        case Casualty() | Response() | TimelineEntry():
            return [item.summary]
    return []


_DECISION: Decision | None = None


def as_name(text: str) -> str:
    """A name a person typed, echoed back: one word typed in lower case is read as a name and gets its
    capital ("iran" -> "Iran"); anything longer stays as typed ("official statement")."""
    text = text.strip()
    return text[:1].upper() + text[1:] if text.isalpha() and text.islower() else text


def _presented(
    method: Callable[Concatenate[AnswerEngine, P], Answer],
) -> Callable[Concatenate[AnswerEngine, P], Answer]:
    """A command's answer as shown (knowledge.presentation): the brief, or a listing's entries."""

    @wraps(method)
    def inner(engine: AnswerEngine, /, *args: P.args, **kwargs: P.kwargs) -> Answer:
        # the engine never changes, so a command asked again (/timeline is) is not composed again
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        memo = engine._command_answers
        cached = memo.get(key)
        if cached is None:
            answer = method(engine, *args, **kwargs)
            cached = memo[key] = present(answer, listing=answer.listing)
            if len(memo) > ANSWER_MEMO:
                memo.popitem(last=False)
        return cached

    return inner


def _decision() -> Decision | None:
    """The fitted decision, loaded once per process (None before ``python -m knowledge.training`` ran)."""
    global _DECISION
    if _DECISION is None and PARAMS_FILE.is_file():
        _DECISION = Decision.load(PARAMS_FILE)
    return _DECISION


SENTENCE_VECTORS_MAX = 20_000  # composed sentences' vectors kept by the process (about 30 MB)
# a sentence is encoded from its first characters: the rest adds little to its likeness and much to the
# cost (about 16 ms a long sentence on one core, cold; 0.953 of expected facts in the brief against 0.956)
SENTENCE_CHARS = 200
_SENTENCE_VECTORS: OrderedDict[bytes, np.ndarray] = OrderedDict()


def sentence_relevance(question: str, sentences: Sequence[str]) -> list[float]:
    """Cosine similarity of each sentence of a composed answer to the question, by the dense model: how
    the brief finds the sentence that answers when the question's words are not the answer's. A sentence
    is encoded once per process (answers repeat their sentences), the oldest forgotten past the bound."""
    enc = encoder()
    q = enc.encode_one(lowered(question))  # the vector the engine made when it read the question
    keys = [digest(s) for s in sentences]
    for k in keys:
        known = VECTORS.vectors.get(k)  # an item text's vector, encoded when the knowledge was loaded
        if known is not None and k not in _SENTENCE_VECTORS:
            _SENTENCE_VECTORS[k] = known
    missing = [i for i, k in enumerate(keys) if k not in _SENTENCE_VECTORS]
    if missing:
        for i, v in zip(missing, enc.encode([sentences[i][:SENTENCE_CHARS] for i in missing]), strict=True):
            _SENTENCE_VECTORS[keys[i]] = v
    out = []
    for k in keys:
        _SENTENCE_VECTORS.move_to_end(k)
        out.append(float(_SENTENCE_VECTORS[k] @ q))
    while len(_SENTENCE_VECTORS) > SENTENCE_VECTORS_MAX:
        _SENTENCE_VECTORS.popitem(last=False)
    return out


class AnswerEngine:
    """Answers questions from one immutable KnowledgeBase; build a new engine to reload."""

    kb: KnowledgeBase

    def __init__(
        self,
        kb: KnowledgeBase,
        previous: AnswerEngine | None = None,
        *,
        vector_cache: Path | None = None,
        decision: Decision | None | Literal["fitted"] = "fitted",
    ) -> None:
        """Index ``kb``. ``previous``: the engine being replaced, whose per-item analysis is reused
        for unchanged items when the names it resolved are unchanged too. ``vector_cache``: a file
        keeping item vectors between runs. ``decision``: the answer/abstain scorer; None answers
        with the question handlers alone (what the decision is fitted against)."""
        self.kb = kb
        self.compose = Composer(kb)
        named: list[Entity | Place | Event] = [*kb.entities, *kb.places, *kb.events]
        country_like = frozenset(
            e.id for e in named if isinstance(e, Place) or getattr(e, "kind", "") == "country"
        )
        # item analysis depends on the names (aliases, roles) it resolves and on the story's words: reuse it
        # only if those are the same
        self.names_signature = (tuple(named), kb.vocabulary)
        same_names = (
            previous if previous is not None and previous.names_signature == self.names_signature else None
        )  # the previous engine, when it resolved the same names
        self.names: NameResolver
        if same_names is not None:
            self.names = same_names.names
        else:
            self.names = NameResolver(
                {e.id: [e.name, *e.aliases] for e in named},
                country_like,
                Analyser(kb.vocabulary.synonyms.items(), kb.vocabulary.subjects),
                frozenset(e.id for e in kb.entities if getattr(e, "kind", "") == "person"),
            )
        reuse = same_names.retriever if same_names is not None else None
        self.retriever: ItemRetriever = ItemRetriever(
            kb.items.values(),
            lambda it: (*_search_text(kb, it), _headlines(it)),
            self.names,
            {p.id: p for p in kb.places},
            reuse,
            *_story_event(kb),
        )
        self.lookups: Lookups = Lookups(
            kb, previous.lookups if previous is not None else None, self.names.analyser
        )
        self._choices: dict[str, list[Choice]] = {}
        self.overviews = Overviews(kb, self.compose)
        self.intents = IntentHandlers(
            HandlerParts(kb, self.compose, self.retriever, self.names, self.lookups, self.overviews)
        )
        if vector_cache is not None:
            VECTORS.load(vector_cache)
        self.dense = DenseIndex(((it.id, _dense_texts(kb, it)) for it in kb.items.values()), VECTORS)
        # the articles' own words: a question paraphrasing a passage finds the items citing it
        self.passages = DenseIndex(
            (
                (it.id, [ev.quote for ev in it.evidence])
                for it in kb.items.values()
                if not isinstance(it, Entity)
            ),
            VECTORS,
        )
        if vector_cache is not None and (self.dense.encoded or self.passages.encoded):
            VECTORS.save(vector_cache, self.dense.keys + self.passages.keys)  # what this knowledge base uses
        # short forms the articles never write (a country's code, a curated initialism) read as the names
        self.short_forms = ShortForms(named, frozenset(re.findall(r"\w+", " ".join(kb.corpus.values()))))
        # the story's own words, against which typos are mended: its articles, and every name and alias
        spellings = [n for e in named for n in (e.name, *e.aliases)]
        self.speller = Speller(
            _WORDS.findall(" ".join([*kb.corpus.values(), *spellings])), _WORDS.findall(" ".join(spellings))
        )
        # the years the articles and the folder speak of: a question set in any other year asks what they
        # cannot tell ("how many died in 2015", "what did they say in 2031")
        dumped = [it.model_dump_json() for it in kb.items.values()]
        self._years = frozenset(_YEAR.findall(" ".join([*kb.corpus.values(), *dumped])))
        self._latest_year = max((int(y) for y in self._years), default=0)
        # the countries neither the articles nor the folder speak of: a question about one asks what they
        # cannot tell ("what did Atlantis say?" where no article names it)
        self._unspoken_countries = UnspokenCountries(
            [
                *kb.corpus.values(),
                *(f"{s.outlet or ''}. {s.title or ''}. {s.label}." for s in kb.sources.values()),
                *dumped,
            ]
        )
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._command_answers: OrderedDict[tuple, Answer] = OrderedDict()
        # per event, the places it is called by: its own place and those its curated names give ("the
        # Riverton train crash"); a country (an actor, not a Place) is a side, never only a location
        places = [p for p in kb.items.values() if isinstance(p, Place)]
        self._called_by = {
            ev.id: ({ev.place} if ev.place else set())
            | {
                p.id
                for p in places
                if any(
                    re.search(rf"(?<!\w){re.escape(spelling.lower())}(?!\w)", called.lower())
                    for spelling in (p.name, *p.aliases)
                    for called in (ev.name, *ev.aliases)
                )
            }
            for ev in kb.events
        }
        self.hybrid = HybridDecider(
            kb,
            self.retriever,
            self.dense,
            self.passages,
            self.compose,
            self.names,
            _decision() if decision == "fitted" else decision,
            # each item's words, for the word-by-word alignment of a question with a candidate
            TokenAligner(
                {
                    it.id: " ".join([*_dense_texts(kb, it), *(ev.quote for ev in it.evidence)])
                    for it in kb.items.values()
                }
            ),
        )

    def dismantle(self, successor: AnswerEngine | None = None, batch: int = 2000) -> Iterator[None]:
        """Take a replaced engine apart in steps (yielding between them), so that freeing a large one
        never holds the interpreter for long. The engine must no longer be in use; what it shares with
        its ``successor`` is left alone."""
        r = self.retriever
        for container in (r.tokens, r.headlines, r.counted, r.items, r.idf, self.kb.items, self.kb.corpus):
            while container:
                for _ in range(min(batch, len(container))):
                    container.popitem()
                yield
        yield from r.index.dismantle(batch)
        if successor is None or successor.lookups.qa_index is not self.lookups.qa_index:
            yield from self.lookups.qa_index.dismantle(batch)

    # --- public API ---------------------------------------------------------

    def ask(self, question: str, previous: Turn | None = None) -> Answer:
        """Free text question -> Answer (answered=False when the sources don't say).

        ``previous``: the asker's last turn in this conversation, against which a follow-up
        ("and the other side?") is read.
        """
        return self.converse(question, previous).answer

    def converse(self, question: str, previous: Turn | None = None) -> Turn:
        """This turn of a conversation: the question as read (a follow-up completed from ``previous``)
        and its answer."""
        read, answer = self._converse(question, previous)
        mentions = self.names.find(read)
        answer = present(
            answer,
            listing=answer.listing,
            question=read,
            # a question led by its verb ("was the toll not 65,000?") is a check, whatever else it asks
            kind="yesno" if is_claim(read.lower()) else question_type(read.lower()),
            relevance=sentence_relevance,
            names=[m.text for m in mentions],
            known_as=[self.names.name_of[i] for m in mentions for i in m.ids if i in self.names.name_of],
        )
        first = self.kb.items.get(answer.items[0]) if answer.items else None
        quoted = first.text if isinstance(first, Quote) else None
        return Turn(read, answer, time.monotonic(), quoted, topic_of(read, previous, self.names))

    def _converse(self, question: str, previous: Turn | None) -> tuple[str, Answer]:
        text = clean_input(question, MAX_QUESTION_CHARS)
        if not any(ch.isalnum() for ch in text):
            return text, small_talk_reply("help", text, self.kb.story, len(self.kb.sources))
        try:
            plain = self.read(text)
            if kind := small_talk_kind(plain) or self._closing(text, plain):
                return plain, small_talk_reply(kind, text, self.kb.story, len(self.kb.sources))
            if self._asks_for_gist(plain):
                return plain, self.overviews.gist(text)
            read, answer = self._answer_whole(plain, previous)
            if not answer.answered and (asked := self._asked_part(plain)):
                # a question among sentences that only tell (a greeting, why they ask, a remark after it)
                read_alone, alone = self._answer_whole(asked, previous)
                if alone.answered:
                    read, answer = read_alone, alone
            if not answer.answered and (case := first_case(plain)):
                # "is that count final or could it go up?": asked about the first case, whose answer tells the
                # case that holds; the other case's words (often ones the articles never use) no longer count
                read_case, of_case = self._answer_whole(case, previous)
                if of_case.answered:
                    read, answer = read_case, of_case
            # a statement, then a question pointing back at it: "One article adds a town. Which outlet is
            # that?" ("that" is the sentence before it); "I hear the Freedonian premier rang round. Whom did
            # he call?" ("he" is whom the statement names)
            for reading in (told_then_asked, self._told_person):
                if answer.answered:
                    break
                if (told := reading(plain)) and (told_answer := self._answer(told)).answered:
                    read, answer = told, told_answer
            # "what do they say caused their losses?" after a question about one side's losses: about what
            # the conversation last named
            if (
                not answer.answered
                and previous is not None
                and previous.topic
                and (topical := with_topic(plain, previous, self.names, self._story_word))
                and not is_claim(topical)  # "are there any left?": no check of the topic's own words
                and (topical_answer := self._answer(topical)).answered
                # the question's own words must add something: not the answer the topic alone gets
                and topical_answer.items[:1] != self._answer(previous.topic).items[:1]
            ):
                read, answer = topical, topical_answer
            # "how many?" after "are there foreign troops there?": its kind of question asked of the question before
            if (
                not answer.answered
                and (contextual := with_context(plain, previous, self.names, self._about(previous)))
                and (contextual_answer := self._answer(contextual)).answered
                and self._answers_anew(contextual, contextual_answer, previous)
            ):
                read, answer = contextual, contextual_answer
            # "sorry, can you repeat the number?", "the name again please": the answer before, given again
            if (
                not answer.answered
                and previous is not None
                and previous.answer.answered
                and asks_again(plain, self.names)
            ):
                read, answer = previous.question, previous.answer
            return read, answer.model_copy(update={"question": text}) if read != text else answer
        except Exception:  # an engine bug must not take a transport down with it
            log.exception("engine failed on question %r", text[:200])
            return text, self.compose.abstain(text, "Sorry, I could not work that question out.")

    def _closing(self, text: str, plain: str) -> str | None:
        """Thanks or goodbye with a remark that asks nothing (``closing_remark``), read as well with chat
        spellings expanded ("thanks, whats the toll" asks), and naming nothing of the story and no number
        ("thanks, and the other side's losses", "thanks. toll in 2020"): small talk; None otherwise."""
        kind = closing_remark(text, plain)
        if kind is None or any(ch.isdigit() for ch in plain) or self.names.find(plain):
            return None
        return kind

    def _told_person(self, plain: str) -> str | None:
        """The question after a statement with its "he" or "she" read as the person the statement names,
        as a follow-up's is read after the question before it; None when there is no such question."""
        told = told_and_asked(plain)
        if told is None or not points_back(told[1], self.names):
            return None
        statement = " ".join(told[0])
        return follow_up(
            told[1], Turn(statement, self.compose.abstain(statement), time.monotonic()), self.names
        )

    def _asked_part(self, plain: str) -> str | None:
        """What ``plain`` asks without what only tells or guesses around it (``compound.asked_part``)."""
        asked = asked_part(plain, self._story_word, self._names_any, self._known_word)
        return asked if asked and not small_talk_kind(asked) else None

    def _names_any(self, text: str) -> bool:
        """Whether ``text`` names someone or something of the story (a person, a body, a place, an event)."""
        return bool(self.names.find(text))

    def _known_word(self, word: str) -> bool:
        """Whether ``word`` is English or the story's."""
        return english_word(word.lower()) or self._story_word(word.lower())

    @staticmethod
    def _answers_anew(read: str, answer: Answer, previous: Turn | None) -> bool:
        """Whether ``answer``, to a question form asked of the question before (``read``, from
        ``with_context``), is more than that question's answer again. "when?" or "where?" may well be
        answered by the item just given (it holds the date and the place), but "why?" answered by it is the
        answer before restated ("who won the war?" - "why?"): a "why" must lead with an item the answer
        before did not give."""
        return (
            previous is None
            or question_type(read.lower()) != "why"
            or not answer.items
            or answer.items[0] not in previous.answer.items
        )

    def _about(self, previous: Turn | None) -> str:
        """What the answer of ``previous`` was about: the headline of its first item, when that item has one
        (a curated question, a background topic, a name); empty otherwise (a quotation, a figure)."""
        first = self.kb.items.get(previous.answer.items[0]) if previous and previous.answer.items else None
        if isinstance(first, QAPair | Background | Entity | Place | Event):
            return _headlines(first)[0]
        return ""

    def _foreign(self, text: str) -> bool:
        """Whether ``text`` names something the story does not know: a word of four letters or more that
        neither the story's texts nor its names use and that is no common English word (lemminflect knows no
        lemma of it outside proper nouns: "atlantis", "zorbin" in a story that never speaks of them, not "rank"
        or "hurt"), in a message that names nothing the story knows and is not romanised Hindi."""

        def unknown(word: str) -> bool:
            # "sylvania" where the texts say "Sylvanian": the start of a word they use is no stranger
            return (
                not self._story_word(word)
                and not getAllLemmas(word)
                and not any(v.startswith(word) for v in self.speller.vocab)
            )

        return (
            any(
                len(w) >= 4 and w.isalpha() and w not in STOP and unknown(w) and unknown(w.removesuffix("s"))
                for w in normalise(text).split()  # "didn't" is "didnt", "army's" is "armys"
            )
            and not in_hinglish(text)
            and not any(m.ids for m in self.names.find(text))
        )

    def _asks_for_gist(self, plain: str) -> bool:
        """Whether ``plain`` asks for the story in brief (``asks_for_gist``), naming nothing or only what the
        story's own name names, and then every place of it ("what happened between Freedonia and Sylvania",
        not "what happened in Sylvania", a part of the story)."""
        if not asks_for_gist(plain, self._names_the_story, self._of_story):
            return False
        _, own = self._story_name
        places = own & self.names.country_like
        named = {i for m in self.names.find(plain) for i in m.ids}
        return named <= own and (not named & places or places <= named)

    @cached_property
    def _story_name(self) -> tuple[frozenset[str], frozenset[str]]:
        """The words of the story's own name (as typed and as analysed) and the ids it names, whole and word
        by word ("the Freedonia–Sylvania border clashes": the clashes, Freedonia, Sylvania)."""
        name = self.kb.story.name.lower()
        words = re.findall(r"\w+", name)
        ids = {i for w in [name, *words] for m in self.names.find(w) for i in m.ids}
        return frozenset(words) | frozenset(self.names.analyser.analyse(name)), frozenset(ids)

    def _names_the_story(self, word: str) -> bool:
        """Whether ``word`` (lower case) is one of the story's own name ("the Freedonia–Sylvania border
        clashes": "clashes", "border", "freedonia"), or another name of what that name names ("sylvanian")."""
        words, own = self._story_name
        if word in words or (lemmas := set(self.names.analyser.analyse(word))) and lemmas <= words:
            return True
        ids = {i for m in self.names.find(word) for i in m.ids}
        return bool(ids) and ids <= own

    def _of_story(self, word: str) -> bool:
        """Whether ``word`` (lower case) is one of the story's words or part of a name it knows."""
        return self._story_word(word) or bool(self.names.find(word))

    def _story_word(self, word: str) -> bool:
        """Whether ``word`` (lower case) is one the story's articles or names use (four letters or more)."""
        return word in self.speller.vocab

    def _answer_whole(self, plain: str, previous: Turn | None) -> tuple[str, Answer]:
        """``plain`` answered as one question (as a follow-up to ``previous`` when it is one), or else as the
        two or three questions it asks: the question as read, and its answer."""
        read, answer = self._answer_after(plain, previous)
        if read == plain and not answer.answered and (parts := parts_of(plain)):
            answer = self._answer_each(parts) or answer
        return read, answer

    def _answer_each(self, parts: list[str]) -> Answer | None:
        """Two or three questions asked in one message, each answered on its own (a later part read as a
        follow-up to the one before it, as in a conversation), joined; None unless every part is answered."""
        answers: list[Answer] = []
        for i, part in enumerate(parts):
            before = Turn(parts[i - 1], answers[-1], time.monotonic()) if answers else None
            _, answer = self._answer_after(part, before)
            if not answer.answered:
                return None
            answers.append(answer)
        return joined(" ".join(parts), answers)

    def _answer_after(self, plain: str, previous: Turn | None) -> tuple[str, Answer]:
        """``plain`` read as a follow-up to ``previous`` and answered: first when it is only a piece of a
        question ("and the other side?"), else only when it is refused as it stands (a whole question asked
        after another mostly stands on its own: "and when did they meet?"); the question as read, and its
        answer."""
        if (event := self._event_pointed_at(plain, previous)) is not None:
            # "how many died in it?" after a question about an earlier war asks about that war first
            pointed = EVENT_POINTER.sub(  # "in that one" is "in" the event, "that one" the event
                lambda m: re.sub(r"\b(?:that one|it|that)$", event, m.group()), plain.lower().strip(), count=1
            )
            if (about_event := self._answer(pointed)).answered:
                return pointed, about_event
        read = follow_up(plain, previous, self.names)
        if read is not None and is_fragment(plain) and self._foreign(plain):
            # "what about atlantis?" when the articles never speak of it: not the question before asked again
            read = None
        if read is not None and (is_fragment(plain) or points_back(plain, self.names)):
            followed = self._answer(read)
            if not followed.answered and (asked := self._asked_part(read)):
                # "where did she say it, a speech or what": the follow-up's own remark goes as a question's does
                read, followed = asked, self._answer(asked)
            if followed.answered and not self._holds_none_of(plain, followed):
                if not points_back(plain, self.names):
                    # a fragment that is a whole question by itself ("the earlier war's casualties" after a
                    # toll): the fitted decision's surer reading wins, the completed one being the question
                    # before with words added that it reads past
                    by_itself = self._answer(plain)
                    if by_itself.answered and by_itself.confidence >= followed.confidence + ALONE_MARGIN:
                        return plain, by_itself
                return read, followed
            read = None
        # "and the toll in the earlier war?" read on its own: the link to a question before it says nothing
        alone = LINK.sub("", plain, count=1)
        own = alone[:1].upper() + alone[1:] if alone != plain and len(alone.split()) >= 2 else plain
        answer = self._answer(own)
        if not answer.answered and read is not None:
            followed = self._answer(read)
            if followed.answered:
                return read, followed
        return own, answer

    def _holds_none_of(self, fragment: str, answer: Answer) -> bool:
        """Whether ``answer`` to a follow-up read with the question before it holds none of the names the
        follow-up ``fragment`` gives, neither in its text nor in the items it cites ("and the alliance boss?"
        after a question about a vote, answered with the vote's words and not the alliance's chief): the reading
        asks about something else than the follow-up did."""
        named = [(m.ids, m.text) for m in self.names.find(fragment) if m.ids]
        return bool(named) and len(unheld_people(named, answer, self.retriever.tokens)) == len(named)

    def _event_pointed_at(self, plain: str, previous: Turn | None) -> str | None:
        """The name of the event "that one" or "it" stands for in ``plain`` when the previous question was about
        one event other than the story's ("tell me about the earlier war" - "how many died in it?"): the one
        event it names, or its answer's figures count; None otherwise (the story's own event is what a
        pointer means when nothing else was asked about)."""
        if (
            previous is None
            or not previous.answer.answered
            or previous.quoted  # "that" is then the words just quoted
            or not points_at_answer(plain, self.names)
        ):
            return None
        story, others = self.retriever.story_event, self.retriever.other_events
        named = {i for m in self.names.find(previous.question) for i in m.ids}
        figures = {
            e
            for i in previous.answer.items
            if isinstance(c := self.kb.items.get(i), Casualty) and (e := c.event)
        }
        events = (named | figures) & others
        if len(events) != 1 or story in named:
            return None
        return self.names.name_of.get(next(iter(events)))

    def read(self, text: str) -> str:
        """A cleaned question in plain words: chat spellings expanded, numbers as digits, a label before it
        that names nothing of the story left out, typos mended, a check passed on as hearsay asked as the
        check."""
        plain = without_label(plain_question(self.short_forms.spelled_out(text)), self._story_word)
        return without_hearsay(self.speller.mend(plain, english=not in_hinglish(text)))

    def forget_answers(self) -> None:
        """Drop remembered answers and question vectors (the benchmark measures work, not memory)."""
        self._answers.clear()
        self._command_answers.clear()
        encoder().forget()

    def _answer(self, plain: str) -> Answer:
        # the engine never changes, so a question asked again (popular ones are) gets the same answer
        cached = self._answers.get(plain)
        if cached is not None:
            self._answers.move_to_end(plain)
            return cached
        if asks_nothing(plain):
            # "why?", "how many?" with nothing before it: a question form alone asks about nothing
            answer = self.compose.abstain(
                plain,
                "What would you like to know about? Ask it as a whole question, naming what you mean.",
            )
            self._answers[plain] = answer
            return answer
        if asks_of_no_one(plain, self.names):
            # "who said that?" with nothing before it: however near some quotation's wording comes, it asks
            # about no one (after an answer, the conversation reads it with that answer)
            answer = self.compose.abstain(
                plain,
                "Whose words do you mean? Name the speaker or the topic, or ask right after the answer.",
            )
            self._answers[plain] = answer
            return answer
        answer = self._decided(plain)
        claim = is_claim(plain.lower())
        if claim and (verdict := self._office_verdict(plain)) is not None:
            answer = verdict  # "is X the president?": the office the knowledge folder gives X, yes or no
        elif claim:
            # a check refused for one wrong detail, or answered beside a number it claims: what the
            # sources say in the detail's place
            tokens, analyse = self.retriever.tokens, self.names.analyser.analyse
            if not answer.answered:
                kinds = (
                    DETAILS if self._rules_on_periods(plain) else tuple(k for k in DETAILS if k != "period")
                )
                answer = corrected(plain, self._decided, tokens, analyse, self._named, kinds) or answer
            elif misses_its_number(plain, answer):
                fixed = corrected(plain, self._decided, tokens, analyse, self._named, ("number",))
                if fixed is not None:
                    answer = fixed
                elif misses_its_name(plain, answer, tokens, analyse, self._named):
                    # neither the number nor the one who is claimed to have it: the answer is of something else
                    answer = self.compose.abstain(plain, confidence=answer.confidence)
            elif misses_its_agent(plain, answer, tokens, analyse, self._named):
                # "was the truce brokered by Ruritania?" answered with the truce: who brokered it, set right
                fixed = corrected(plain, self._decided, tokens, analyse, self._named, ("name",))
                answer = (
                    fixed if fixed is not None else self.compose.abstain(plain, confidence=answer.confidence)
                )
            elif unruled_day(plain, answer):  # "started on a Wednesday?": on which day, then No
                answer = corrected(plain, self._decided, tokens, analyse, self._named, ("weekday",)) or answer
            elif unruled_period(plain, answer) and self._rules_on_periods(plain):
                # "did it start in 2021?": when, then Yes or No
                answer = corrected(plain, self._decided, tokens, analyse, self._named, ("period",)) or answer
            elif unruled_time(plain, answer):  # "began around midday, right?": at what time, then Yes or No
                answer = corrected(plain, self._decided, tokens, analyse, self._named, ("clock",)) or answer
        if answer.answered and (people := self._people(plain)):
            answer = self._of_everyone(plain, answer, people)
        if answer.answered and _NAME_ASKED.search(plain.lower()):
            answer = self._unnamed(plain, answer)
        if answer.answered and _NUMBER_ASKED.search(plain.lower()) and not is_claim(plain.lower()):
            answer = self._unnumbered(plain, answer)
        if not answer.answered and answer.suggestions and answer.suggestions[0].item:
            answer = self._refused_for_the_lead(plain, answer, answer.suggestions[0].item)
        if not is_claim(plain.lower()) and (years := self._unspoken_years(plain)):
            # answered or refused, a year the articles never speak of is the reason to give; a refusal keeps
            # its suggestions, and a prediction's says why it is one
            reason = f"The sources don't cover {years[0]}."
            if answer.answered:
                answer = self.compose.abstain(plain, reason, confidence=answer.confidence)
            elif not understand(plain, self.names).is_prediction:
                answer = answer.model_copy(update={"answer": reason})
        if countries := self._unspoken_countries.named_in(" ".join(_asking(plain))):
            answer = self._of_unspoken_country(plain, answer, countries[0], claim)
        self._answers[plain] = answer
        if len(self._answers) > ANSWER_MEMO:
            self._answers.popitem(last=False)
        return answer

    def _of_unspoken_country(self, plain: str, answer: Answer, country: str, claim: bool) -> Answer:
        """The answer to ``plain``, which names ``country``, a country no article or item speaks of: the
        sources' silence about it is the answer. A check that asks about the name itself ("was it X that
        took it to the council?") or puts its claim there ("were the talks held in X?", where the articles
        name only a city) keeps what the sources say instead, led by that silence ("The sources don't say so
        of X."); any other question is refused with it as the reason ("what did X say?", "did X call for
        restraint?": whatever some item says of others says nothing of X)."""
        shown = country if country[:1].isupper() else country.title()
        if _THE_COUNTRY.search(shown):
            shown = f"the {shown}"  # "the United States", "the Philippines"
        if (
            claim
            and answer.answered
            and (
                answer.answer.startswith(NOT_SAID_OF)
                or asks_of_name(plain, country)
                or re.search(rf"\b(?:in|near|at)\s+(?:the\s+)?{re.escape(country)}\b", plain, re.I)
            )
        ):
            return answer if answer.answer.startswith(NOT_SAID_OF) else not_said_of(answer, shown)
        reason = f"The sources don't mention {shown}."
        if answer.answered:
            return self.compose.abstain(plain, reason, confidence=answer.confidence)
        if understand(plain, self.names).is_prediction:
            return answer  # a prediction's refusal says why it is one
        return answer.model_copy(update={"answer": reason})

    def _unnamed(self, plain: str, answer: Answer) -> Answer:
        """A question asking for a name, answered only with people the articles do not name ("A passenger
        (not named)") and their words, is refused: the sources don't give the name. The people are offered.
        A question asking for a person's name ("the defence minister's name") answered with no person at
        all (neither an item nor anyone its first paragraph names) is refused the same way."""
        low = plain.lower()
        if (
            PERSON_NOUN.search(low)
            and _NAME_WORD.search(low)
            and not is_claim(low)
            and not self._names_someone(answer)
        ):
            return self.compose.abstain(
                plain, "The sources don't give the name.", confidence=answer.confidence
            )
        people = self._only_unnamed(answer.items)
        if not people:
            return answer  # the answer rests on someone named, or on something else
        reason = "The sources don't give the name: they speak only of " + ", ".join(
            p.name[0].lower() + p.name[1:] for p in unique(people)
        )
        return self.compose.abstain(plain, reason + ".", people, confidence=answer.confidence)

    def _only_unnamed(self, items: list[str]) -> list[Entity]:
        """The people ``items`` rest on when every one rests on a person the articles do not name ("A
        passenger (not named)"), else none."""
        people = []
        for i in items:
            who = self._who(i)
            if not (isinstance(who, Entity) and who.kind == "person" and _UNNAMED.match(who.name)):
                return []
            people.append(who)
        return people

    def _no_number_reason(self, items: list[str]) -> str | None:
        """When every one of ``items`` is a figure given without a number (``qualifier = "unspecified"``):
        that the sources don't give the number, and what they do say; else None."""
        figures = [self.kb.items.get(i) for i in items]
        if not figures or not all(isinstance(c, Casualty) and c.qualifier == "unspecified" for c in figures):
            return None
        said = " ".join(dict.fromkeys(c.summary for c in figures if isinstance(c, Casualty) and c.summary))
        return f"The sources don't give the number. {said}".strip()

    def _refused_for_the_lead(self, plain: str, answer: Answer, lead: str) -> Answer:
        """A refusal whose likeliest item (its first suggestion) would itself be refused for a reason, had
        it been chosen, says that reason: asked a name, the item rests only on someone the articles do not
        name (the reason names no one: the item was not chosen, and the question may ask of another); asked
        how many, it is a figure given without a number. The suggestions stay."""
        low = plain.lower()
        if _NAME_ASKED.search(low) and PERSON_NOUN.search(low) and self._only_unnamed([lead]):
            # not "they speak only of <the lead's person>": a refused question may ask of someone else unnamed
            return answer.model_copy(update={"answer": "The sources don't give the name."})
        if _NUMBER_ASKED.search(low) and not is_claim(low) and (reason := self._no_number_reason([lead])):
            return answer.model_copy(update={"answer": reason})
        return answer

    def _unnumbered(self, plain: str, answer: Answer) -> Answer:
        """A question asking how many, answered only with figures the sources give without a number
        (``qualifier = "unspecified"``: "people were still missing (no number given)"), is refused: the
        sources don't give the number. What they do say is the reason. So is one answered with no count at
        all (a time, a date or a year is none)."""
        if reason := self._no_number_reason(answer.items):
            return self.compose.abstain(plain, reason, confidence=answer.confidence)
        if not holds_count(answer.answer):
            # it counts nothing: an answer about something else ("how many were on the train" answered with
            # when it derailed)
            return self.compose.abstain(
                plain, "The sources don't give that number.", confidence=answer.confidence
            )
        return answer

    def _rules_on_periods(self, plain: str) -> bool:
        """Whether the years a check claims may be ruled on: none lies after every year the articles and the
        folder speak of ("did they fight again in 2030?" asks what happened after they were written, which
        no date they give rules out)."""
        return all(int(y) <= self._latest_year for y in _YEAR.findall(plain))

    def _unspoken_years(self, plain: str) -> list[str]:
        """The years a sentence of ``plain`` that asks who, what, when… sets its question in, that neither
        the articles nor the folder mention; a number before a plural ("2000 peacekeepers") counts, it is
        no year. A year the asker proposes ("they left in 2009, right?", "1989 or 1991?") is a claim to
        check, and is answered with what the sources say instead."""
        asking = [s for s in sentences(plain.lower(), lowercase_starts=True) if WH_WORD.search(s)]
        return [y for s in asking for y in _ASKED_YEAR.findall(s) if y not in self._years]

    def _names_someone(self, answer: Answer) -> bool:
        """Whether ``answer`` may give a person's name: it rests on a person (or a person's words), on a
        curated answer to a "who" question or on an article's own details (its author), or its first
        paragraph names someone."""
        items = [self.kb.items.get(i) for i in answer.items]
        if not items or any(isinstance(it, QAPair) and wh_word(it.question.lower()) == "who" for it in items):
            return True
        if any(isinstance(who := self._who(i), Entity) and who.kind == "person" for i in answer.items):
            return True
        return bool(self._people(answer.answer.split("\n")[0]))

    def _who(self, item_id: str) -> _Item | None:
        """The item ``item_id`` names, or the speaker for a quotation."""
        item = self.kb.items.get(item_id)
        return self.kb.items.get(item.speaker) if isinstance(item, Quote) else item

    def _of_everyone(self, plain: str, answer: Answer, people: list[tuple[tuple[str, ...], str]]) -> Answer:
        """A check of what someone did ("did A also call B?"), or a question about two people, answered
        without one of them is of something else: where the answer puts another person in that one's place
        (A called C) it is led by the sources' silence about them, else the sources don't say."""
        low = plain.lower()
        if not (len(people) > 1 or is_claim(low) or wh_word(low) is None):
            return answer
        missing = unheld_people(people, answer, self.retriever.tokens)
        if not missing:
            return answer
        asked = {i for ids, _ in people for i in ids}
        first = answer.answer.split("\n")[0]
        others = {i for ids, _ in self._people(first) for i in ids} - asked
        if not others:
            return self.compose.abstain(plain, confidence=answer.confidence)
        return not_said_of(answer, self.compose.name(missing[0][0][0]))

    def _people(self, text: str) -> list[tuple[tuple[str, ...], str]]:
        """The story's people ``text`` names by name (not by a title: "the railways minister"): the ids each
        name may mean, and its words."""
        out = []
        for m in self.names.find(text):
            people = [
                e for i in m.ids if isinstance(e := self.kb.items.get(i), Entity) and e.kind == "person"
            ]
            words = set(normalise(m.text).split())
            if len(people) == len(m.ids) and all(words & set(normalise(e.name).split()) for e in people):
                out.append((m.ids, m.text))
        return out

    def _named(self, text: str) -> list[Named]:
        """The story's items ``text`` names, each with its kind and role (actor, place or other)."""
        items = [self.kb.items.get(i) for m in self.names.find(text) for i in m.ids]
        roles = ((Entity, "actor"), (Place, "place"))
        return [
            Named(it.id, getattr(it, "kind", ""), next((r for t, r in roles if isinstance(it, t)), "other"))
            for it in items
            if it is not None
        ]

    def _decided(self, plain: str) -> Answer:
        question = understand(plain, self.names)
        if (about := self._of_the_story(plain, question)) is not None:
            question = understand(about, self.names)
        if not is_claim(plain.lower()) and (bare := self._without_its_place(plain, question)) is not None:
            # "the inquiry into the Riverton train crash": the place only says which event is meant, and
            # an item on the event need not name it; a check's place is its claim, and stays
            question = understand(bare, self.names)
        if (remark := identity_remark(question, self.names, self._story_word)) and (
            at := re.search(re.escape(remark), question.text, re.IGNORECASE)
        ):
            # "who's X's president, for the record": the remark is the asker's, not words to look for
            question = understand(question.text[: at.start()], self.names)
        rule = self.intents.answer_question(question)
        if rule.described and not set(rule.described) & question.ids:
            # "who runs X", "whos X's leader": the handlers found the holder of the office in the roles the
            # knowledge folder gives; asked nothing beside, the fitted decision weighs who the holder is
            if (holder := self._office_holder(question, rule)) is not None:
                decided = self.hybrid.decide(understand(f"who is {holder}", self.names), rule)
                return decided.model_copy(update={"question": question.text})
            # asked more ("who else runs X", "who runs X and how"): weighed as asked, any answer eligible
            rule = rule.model_copy(update={"described": []})
        return self.hybrid.decide(question, rule)

    def _office_holder(self, question: Question, rule: Answer) -> str | None:
        """The name of the one person the handlers found holding the office a question asks about, when
        the question asks nothing beside the office of a country: no negation, no "else", no opinion, no
        other time, no second question ("who runs X and how"). A body's top office is not one ("who runs
        the EU": the president of one of its institutions is not the answer), nor a city's."""
        if (
            len(rule.described) != 1
            or _BEYOND_THE_OFFICE.search(question.low)
            or len(question.mentions) != 1
            or not all(self._country(i) for i in question.mentions[0].ids)
        ):
            return None
        return self.names.name_of.get(rule.described[0])

    def _office_verdict(self, plain: str) -> Answer | None:
        """A check that one person the story names holds an office now ("is X the president of Sylvania?", "X
        is Sylvania's foreign minister, right?"), told from the role and aliases the knowledge folder gives
        them: "Yes." when their role holds that title (a bare "minister" is held by a foreign minister) and
        every place or body the claim names it of, "No." otherwise, each before who they are. None for any
        other check: the past ("was X ...", a year, "ever", "former"), a negation, a title that fits many
        offices ("leader") or is qualified ("deputy", "acting"), more after the office ("the president who
        ordered it"), an office of something the story does not know ("of Atlantis"), two people or none."""
        low = plain.lower().strip()
        if not _HOLDS.search(low) or _NOT_NOW.search(low) or not _TITLE.search(low):
            return None  # before reading the names: most checks claim no office
        question = understand(plain, self.names)
        # a title alone ("the prime minister") may name its holder too: it is the claim, not the person
        people = [
            m
            for m in question.mentions
            if any(self._role_of(i) for i in m.ids)
            and not _TITLE.fullmatch(re.sub(r"^the |'s$", "", m.text.lower().strip()))
        ]
        if len(people) != 1 or len(people[0].ids) != 1:
            return None
        person = people[0]
        # the whole message is the claim: "is X the T (of Y)?" or "X is the T (of Y), right?", where only a
        # possessive ("Y's") may stand before the title and only what it is of after it
        name, title = re.escape(person.text.lower()), _TITLE.pattern
        lead = r"(?:(?:so|and|but|wait|ok),?\s+)?"
        tag = r"\s*(?:,?\s*(?:right|yes|no|correct|true|isn't (?:he|she)|yeah))?\W*"
        claim = None
        # "Y's T", or, typed without the apostrophe ("sylvanias president", read "sylvania president"), a
        # name the story knows before the title (not "the acting president")
        for whose, apostrophe in ((r"[\w.-]+(?:\s[\w.-]+)?", "'s"), (r"[\w.-]+", "")):
            office = (
                rf"(?:(?:the|a|an)\s+)?(?:(?P<whose>{whose}){apostrophe}\s+)?(?P<title>{title})"
                r"(?:\s+of\s+(?P<of>[\w .'-]+?))?"
            )
            m = re.fullmatch(rf"{lead}is\s+{name}\s+{office}{tag}", low) or re.fullmatch(
                rf"{lead}{name}\s+is\s+{office}{tag}", low
            )
            if m is not None and (apostrophe or not m.group("whose") or self.names.find(m.group("whose"))):
                claim = m
                break
        if claim is None:
            return None
        claimed = _TITLE_OF[claim.group("title")]
        if claimed in _LOOSE_TITLES:
            return None
        role = self._role_of(person.ids[0])
        held = {_TITLE_OF[t] for t in _TITLE.findall(role.lower())}
        # what the role names, whole and word by word: a role that is itself an alias ("US Secretary of
        # State") names its holder whole, and the country only in its words
        in_role = {
            i for w in [role, *re.findall(r"[\w.-]+", role)] for m in self.names.find(w) for i in m.ids
        }
        holds = any(set(claimed.split()) <= set(h.split()) for h in held)
        for of in (claim.group("whose"), claim.group("of")):
            if not of:
                continue
            named = self.names.find(of)
            if not named:
                return None  # of something the story does not know: nothing to tell it by
            holds = holds and all(set(m.ids) & in_role for m in named)
        who = self._answer(f"who is {self.names.name_of.get(person.ids[0], person.text)}")
        if not who.answered:
            return None
        return who.model_copy(
            update={"answer": f"{'Yes' if holds else 'No'}. {who.answer}", "question": plain}
        )

    def _role_of(self, item_id: str) -> str:
        """A person's role and the other names the knowledge folder gives them, one text ("" for no person)."""
        item = self.kb.items.get(item_id)
        if not isinstance(item, Entity) or item.kind != "person" or not item.role:
            return ""
        return " . ".join([item.role, *item.aliases])

    def _country(self, item_id: str) -> bool:
        item = self.kb.items.get(item_id)
        return isinstance(item, Entity) and item.kind == "country"

    def _of_the_story(self, plain: str, question: Question) -> str | None:
        """A question whose only subject is "it", "this" or "that" and which asks for nothing but a time, a
        place, a figure or a length ("when did it happen?", "where was it?") asked of the story's own event
        (the knowledge folder's event with the most figures); None for any other question. A follow-up's
        "that" is read against the previous question before this (``follow_up``)."""
        event = self.kb.items.get(self.retriever.story_event or "")
        pointer = _POINTER_SUBJECT.search(plain)
        if not isinstance(event, Event) or pointer is None:
            return None
        terms = self.retriever.terms(question.low, extra_concepts=question.concepts, names=question.names)
        if not terms or any(t.text not in _WANTS for t in terms):
            return None
        return f"{plain[: pointer.start()]}the {event.name}{plain[pointer.end() :]}"

    def _without_its_place(self, plain: str, question: Question) -> str | None:
        """``plain`` without a place named right beside an event that is called by it ("the Riverton train
        crash", "the derailment at Riverton"), or None when there is none."""
        events = [m for m in question.mentions if any(i in self._called_by for i in m.ids)]
        called = {p for m in events for i in m.ids for p in self._called_by.get(i, ())}
        for place in question.mentions:
            if not place.ids or not set(place.ids) <= called:
                continue
            for event in events:
                if 0 <= event.start - place.end <= 1:  # "Riverton derailment", "Riverton train crash"
                    gone = re.compile(rf"\b{re.escape(place.text)}\b", re.I)
                elif 0 <= place.start - event.end <= 1:  # "the crash at Riverton", "the derailment Riverton"
                    gone = re.compile(rf"\b(?:(?:at|in|near|outside|of) )?{re.escape(place.text)}\b", re.I)
                else:
                    continue
                bare, n = gone.subn("", plain, count=1)
                if n:
                    return re.sub(r"\s+", " ", bare).strip()
        return None

    @_presented
    def casualties(self, side: str | None = None, event: str | None = None) -> Answer:
        """Casualty figures, optionally for one side (name/alias/id) and one event: every figure as a
        listing when neither is given or the side is "both"."""
        if side and not event and len(side.split()) > 1:
            # "freedonia 2019" typed as one value: a side followed by an event
            words = side.split()
            for cut in range(len(words) - 1, 0, -1):
                head, tail = " ".join(words[:cut]), " ".join(words[cut:])
                if self._side_ids(head) and self._event_ids(tail):
                    side, event = head, tail
                    break
        answer = self._casualties(side, event)
        every_side = not side or side.strip().lower() in _EVERY_SIDE
        return answer.model_copy(update={"listing": answer.listing or (every_side and not event)})

    def _side_ids(self, side: str) -> set[str]:
        return set() if side.strip().lower() in _EVERY_SIDE else self._ids(side, (Entity, Place))

    def _event_ids(self, event: str) -> set[str]:
        ids = self._ids(event, (Event,)) or self.lookups.event_hint(event)
        if not ids and event.strip().isdigit():  # "2022": the year's main event
            in_year = [c for c in self.kb.events if event.strip() in f"{c.name} {c.period or ''}"]
            best = max(in_year, key=lambda c: len(self.lookups.casualties_by.get(c.id, [])), default=None)
            ids = {best.id} if best is not None and self.lookups.casualties_by.get(best.id) else set()
        return ids

    def _casualties(self, side: str | None, event: str | None) -> Answer:
        label = " ".join(x for x in ("casualties", side, event) if x)
        side_ids = self._side_ids(side) if side else set()
        event_ids = self._event_ids(event) if event else set()
        if (side and side.strip().lower() not in _EVERY_SIDE and not side_ids) or (event and not event_ids):
            return self.compose.abstain(label, "I don't know that side or event; try autocomplete.")
        answer = self.intents.casualties.answer(label, side_ids, event_ids, outcomes=None)
        if not event and answer.answered:
            # the overview shows the main event; name the others rather than flood the reply
            shown = {it.event for it in (self.kb.items[i] for i in answer.items) if isinstance(it, Casualty)}
            others = [
                c.name for c in self.kb.events if self.lookups.casualties_by.get(c.id) and c.id not in shown
            ]
            if others:
                note = "Figures are also given for: " + "; ".join(others) + " (choose an event)."
                answer = answer.model_copy(update={"answer": answer.answer + "\n" + note})
        return answer

    @_presented
    def who_said(self, query: str) -> Answer:
        """Given quoted words: who said them and where. Given a speaker: what they said."""
        text = clean_input(query, MAX_QUESTION_CHARS)
        exact = self.kb.items.get(text)
        if isinstance(exact, Quote):
            return self.intents.quotes.quote_answer(text, [exact], who_asked=True)
        speaker = self.names.lookup(self.short_forms.spelled_out(text))
        if speaker and len(text.split()) <= 5:
            return self.intents.quotes.said_by(text, set(speaker), rest="")
        return self.intents.quotes.who_said(text, text)

    @_presented
    def responses(self, actor: str | None = None) -> Answer:
        """International responses, all or by one actor."""
        if not actor:
            return self.overviews.response_answer("responses", list(self.kb.responses))
        ids = self._ids(actor, (Entity,))
        found = [r for i in sorted(ids) for r in self.lookups.responses_by.get(i, [])]
        if not found:
            return self.compose.abstain(actor, f"The sources don't report a response by {as_name(actor)}.")
        return self.overviews.response_answer(actor, unique(found))

    @_presented
    def background(self, topic: str | None = None) -> Answer:
        """Background notes, an overview or one topic."""
        if not topic:
            return self.overviews.background()
        exact = self.kb.items.get(topic)
        if isinstance(exact, Background):
            return self.compose.answer(topic, "background", [(exact.summary, [exact])], 1.0)
        return self.intents.about(clean_input(topic, MAX_QUESTION_CHARS))

    @_presented
    def timeline(self) -> Answer:
        """What happened when and where, in order."""
        return self.overviews.timeline()

    @_presented
    def sources(self, source: str | None = None) -> Answer:
        """The articles, with outlet, title, author, date and link where known."""
        return self.overviews.sources(source)

    def complete(self, field: CompletionField, current: str, limit: int = 25) -> list[Choice]:
        """Autocomplete choices for a command option (at most ``limit``, names <= 100 chars)."""
        if field not in self._choices:
            self._choices[field] = self._completion_choices(field)
        choices = self._choices[field]
        current = clean_input(current, CHOICE_TEXT_MAX)
        if current:
            ranked = process.extract(
                current,
                {i: c.name for i, c in enumerate(choices)},
                scorer=question_similarity if field == "question" else fuzz.WRatio,
                processor=utils.default_process,
                score_cutoff=50,
                limit=limit,
            )
            choices = [choices[i] for _, _, i in ranked]
        return [Choice(c.name[:CHOICE_TEXT_MAX], c.value[:CHOICE_TEXT_MAX]) for c in choices[:limit]]

    # --- helpers ------------------------------------------------------------

    def _ids(self, name: str, kinds: tuple[type, ...]) -> set[str]:
        if name in self.kb.items and isinstance(self.kb.items[name], kinds):
            return {name}
        spelled = self.short_forms.spelled_out(name)  # "side:PT" is the side "PT" stands for
        return {i for i in self.names.lookup(spelled) if isinstance(self.kb.items.get(i), kinds)}

    def _completion_choices(self, field: CompletionField) -> list[Choice]:
        kb = self.kb
        name = self.compose.name
        if field == "speaker_or_quote":
            speakers = dict.fromkeys(q.speaker for q in kb.quotes)
            out = [Choice(name(s), name(s)) for s in speakers]
            return out + [Choice(f"\u201c{q.text}\u201d \u2014 {name(q.speaker)}", q.id) for q in kb.quotes]
        if field == "actor":
            return [Choice(name(a), a) for a in dict.fromkeys(r.actor for r in kb.responses)]
        if field == "topic":
            return [Choice(b.topic, b.id) for b in kb.background]
        if field == "side":
            sides = dict.fromkeys(c.side for c in kb.casualties if c.side)
            every = [Choice("Both sides", "both")] if len(sides) == 2 else [Choice("All sides", "all")]
            return (every if len(sides) > 1 else []) + [Choice(name(s), s) for s in sides]
        if field == "event":
            return [Choice(c.name, c.id) for c in kb.events if self.lookups.casualties_by.get(c.id)]
        if field == "source":
            return [Choice(s.label, s.id) for s in kb.sources.values()]
        if field == "question":
            # curated questions: the story's examples first, then the Q&A pairs'; a choice's value is the
            # question itself, so one too long to be a choice value is left out rather than cut
            questions = dict.fromkeys(q.strip() for q in [*kb.story.examples, *(qa.question for qa in kb.qa)])
            return [Choice(q, q) for q in questions if 0 < len(q) <= CHOICE_TEXT_MAX]
        return []


__all__ = ["AnswerEngine", "Choice", "CompletionField"]
