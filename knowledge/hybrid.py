"""Hybrid answering: candidates from the handlers, the dense and the lexical retriever, one decision.

The engine hands this module the question and the handlers' own answer; it gathers the other
candidates, describes each with the decision's features and lets the fitted scorer choose one
answer or none. It calls retrieval and composition only, never back into the engine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import get_args

import numpy as np
from lemminflect import getAllLemmas

from knowledge.analysis import DATE
from knowledge.compose import KIND_OF, Composer
from knowledge.conversation import LINK, WH_WORD
from knowledge.decision import HELD, Candidate, Decision, is_check, item_kind, question_type, wants
from knowledge.dense import DenseIndex, TokenAligner, encoder
from knowledge.lexicon import ROLE_WORDS, STOP
from knowledge.loader import KnowledgeBase
from knowledge.lookups import ancestors, principals
from knowledge.models import Answer, Entity, Event, Outcome, Place, QAPair, _Item
from knowledge.resolver import NameResolver
from knowledge.retrieval import SUGGEST_AT, ItemRetriever, Term, id_token, names_something
from knowledge.text import normalise, sentences
from knowledge.understand import Question
from knowledge.wording import english_word

DENSE_CANDIDATES = 5
LEXICAL_CANDIDATES = 3
PASSAGE_CANDIDATES = 3
_DESCRIPTIONS = ("entity", "place", "conflict")
LEAD_MARGIN = 0.15  # how much likelier a later paragraph's item must be to lead a handlers' answer
_TRAILING_REFS = re.compile(r"(?:\s*\[\d+\])+\s*$")
# a verdict opening a paragraph and a sentence after it ("Yes: most were asleep", "Not fully. The truce…")
_BARE_OPENING_VERDICT = re.compile(
    r"(?:yes|no|not (?:fully|quite|exactly|clearly|really))[.,;:](?!\.)\s+(?=[A-Za-z\"'\u201c])", re.I
)
_OWN_VERDICT = re.compile(r"(?:yes|no)\b[.,!:;]?\s*", re.I)  # a curated answer's opening "Yes." or "No."
# a refused question offers candidates at least this likely as "did you mean"; with the likelihood fitted
# to the LambdaRank scores (fifty-first session), 0.52 leaves as many questions of the training table with
# such a candidate (nine in ten; three in four of those the sources do not answer) as 0.15 did under the
# linear ranker
SUGGEST_PROBABILITY = 0.52


_ROLE = re.compile("|".join(ROLE_WORDS))
_PERSON_ASKED = re.compile(
    r"^who\b(?!.*\b(?:said|say|says|quoted|tweeted|stated|told|called|urged|warned)\b)|\bname of\b|\bnames?\b\W*$|"
    rf"\b(?:{_ROLE.pattern}|reporter|journalist|author)\b"
)

_AUX = frozenset("is was are were did does do has have had will would can could should 's".split())
_WORD = re.compile(r"[\w-]+")
_REGULAR_FORM = re.compile(r"[a-z]+(?:ed|[^s]s)")


def verb_form(word: str) -> int:
    """How surely ``word`` is a verb in the past or third person ("said", "urged", "sends"), from lemminflect's
    dictionary: 2 when it reads only as a verb, 1 when it is an inflected verb form with other readings too
    ("clashes", "accused"), 0 when it is no verb form (or only an auxiliary)."""
    if word in _AUX:
        return 0
    lemmas = getAllLemmas(word)
    if not lemmas:  # outside the dictionary: the regular endings
        return 1 if _REGULAR_FORM.fullmatch(word) else 0
    verb = lemmas.get("VERB", ())
    if not verb:
        return 0
    if set(lemmas) == {"VERB"}:
        return 2
    return 1 if word not in verb else 0


Footprint = tuple[frozenset[str], frozenset[str]]


def footprint(items: list[_Item]) -> Footprint:
    """What an answer rests on: its first item with that item's passages, and all its items with theirs."""

    def marks(some: list[_Item]) -> frozenset[str]:
        return frozenset(
            m for it in some for m in (it.id, *(f"{ev.source}\n{ev.quote}" for ev in it.evidence))
        )

    return marks(items[:1]), marks(items)


def rivals(a: Footprint, b: Footprint) -> bool:
    """Whether two answers differ: neither's item (nor a passage of it) is among what the other rests on.
    A listing that holds the item another candidate gives alone is that answer with more beside it."""
    return not (a[0] & b[1] or b[0] & a[1])


def predicate_start(low: str) -> int | None:
    """The token (as the name resolver counts them) where the verb of a question asking for its subject
    stands: 1 in "who said it would go to the council", 2 in "which country urged restraint"; else None
    ("who is …", "which country did X visit": what follows names who acted, or the question asks an object).
    After "which", the verb is the first of the next words read only as a verb, else the first inflected one."""
    words = low.split()
    if not words or words[0] not in ("who", "which"):
        return None
    span = words[1:2] if words[0] == "who" else words[1:5]
    readings = [verb_form(w) if _WORD.fullmatch(w) else -1 for w in span]
    if -1 in readings:  # "country's", punctuation: not a plain phrase
        readings = readings[: readings.index(-1)]
    first = 0 if words[0] == "who" else 1  # "which" needs a word of its own before the verb
    at = next((k for k in range(first, len(readings)) if readings[k] == 2), None)
    if at is None:
        at = next((k for k in range(first, len(readings)) if readings[k] == 1), None)
    if at is None or any(w in _AUX for w in span[:at]):
        return None
    return len(normalise(" ".join(words[: at + 2])).replace("-", " ").split()) - 1


@dataclass
class QuestionView:
    """What the features need to know of one question, computed once."""

    q: Question
    terms: list[Term]
    qvec: np.ndarray
    dense_hits: list[tuple[str, float]]
    passage_hits: list[tuple[str, float]]
    lexical_top: float
    lexical_ids: list[str]
    rule: Answer
    kind: str
    unknown_share: float
    unknown_words: float
    countries: set[str]
    person_asked: bool
    misnamed: set[str]
    acting: set[str]  # the named who may have acted: all, less what follows the verb of a subject question
    dates: list[tuple[str, str, str, str]]
    wants: set[str]
    tokens: tuple[np.ndarray, np.ndarray]  # the question's token vectors and weights, for alignment


class HybridDecider:
    """Gathers candidate answers for a question and decides which one, if any, to give."""

    def __init__(
        self,
        kb: KnowledgeBase,
        retriever: ItemRetriever,
        dense: DenseIndex,
        passages: DenseIndex,
        compose: Composer,
        names: NameResolver,
        decision: Decision | None,
        aligner: TokenAligner,
    ) -> None:
        self.kb = kb
        self.r = retriever
        self.dense = dense
        self.passages = passages
        self.aligner = aligner
        self._people = {id_token(e.id): e.id for e in kb.entities if e.kind == "person"}
        # what a person belongs to: the bodies and countries above them, and the places their curated role
        # and names name ("Railway manager, Riverton division" belongs to Riverton)
        named: list[Entity | Place | Event] = [*kb.entities, *kb.places, *kb.events]
        places = {
            p.id: [f" {normalise(n.lower())} " for n in (p.name, *p.aliases)]
            for p in named
            if p.id in names.country_like
        }
        self._belongs: dict[str, set[str]] = {}
        for e in kb.entities:
            if e.kind == "person":
                own = f" {normalise(' . '.join([e.role or '', *e.aliases]).lower())} "
                placed = {pid for pid, forms in places.items() if any(f in own for f in forms)}
                self._belongs[e.id] = ancestors(kb, e.id) | {e.id} | placed
        # what a figure question carries besides what it counts: an outcome (its synonyms canonicalise
        # alike: died, dead -> killed) or people in general; "how many soldiers died" counts soldiers
        self._unspecific = frozenset(
            names.analyser.canon(w) for w in (*get_args(Outcome), "people", "victims")
        )
        if decision is not None:
            # load the model session and the word list now, off the event loop, not on the first question
            encoder().encode_one("a first question")
            english_word("first")
        self.c = compose
        self.names = names
        self.decision = decision
        self._held: dict[str, frozenset[str]] = {}  # what each item's text holds (a year, a time...)

    def view(self, q: Question, rule: Answer) -> QuestionView:
        terms = self.r.terms(q.low, extra_concepts=q.concepts, names=q.names)
        qvec = encoder().encode_one(q.low)
        hits = self.dense.search(qvec, k=max(DENSE_CANDIDATES, 8))
        passage_hits = self.passages.search(qvec, k=PASSAGE_CANDIDATES)
        lexical = self.r.search(terms, limit=LEXICAL_CANDIDATES) if terms else []
        total = sum(t.weight for t in terms)
        unknown = sum(t.weight for t in terms if not t.known)
        raw = q.low.replace("-", " ").split()
        words = sum(
            t.weight
            for t in terms
            if not t.known
            and (
                t.text in q.names
                or any(w.startswith(t.text) and english_word(w.strip("?!.,'\"")) for w in raw)
            )
        )
        return QuestionView(
            q=q,
            terms=terms,
            qvec=qvec,
            dense_hits=hits,
            passage_hits=passage_hits,
            lexical_top=lexical[0].coverage if lexical else 0.0,
            lexical_ids=[h.item.id for h in lexical],
            rule=rule,
            kind=question_type(q.low),
            unknown_share=unknown / total if total else 1.0,
            unknown_words=words / total if total else 0.0,
            countries={i for m in q.mentions for i in m.ids if i in self.names.country_like},
            person_asked=bool(_PERSON_ASKED.search(q.low)),
            misnamed=self._misnamed(q),
            acting=self._acting(q),
            dates=DATE.findall(q.low),
            wants=wants(q.low),
            tokens=self.aligner.question(q.low),
        )

    def _acting(self, q: Question) -> set[str]:
        """The ids named where the one who acted may stand: every name, except that a question asking who
        acted ("who said it would take the matter to the council?") names after its verb only what was acted
        on, never the actor."""
        verb = predicate_start(q.low)
        return {i for m in q.mentions if verb is None or m.start < verb for i in m.ids}

    def _misnamed(self, q: Question) -> set[str]:
        """Countries that qualify the person asked for: "France's prime minister", "the foreign
        minister of Peru". A person of another country is not the answer, however close it looks."""
        tokens = normalise(q.low).replace("-", " ").split()
        out: set[str] = set()
        for m in q.mentions:
            countries = {i for i in m.ids if i in self.names.country_like}
            if not countries:
                continue
            after = tokens[m.end : m.end + 2]
            before = tokens[max(0, m.start - 3) : m.start]
            if any(_ROLE.fullmatch(w) for w in after) or (
                before[-1:] == ["of"] and any(_ROLE.fullmatch(w) for w in before)
            ):
                out |= countries
        return out

    def _rules_out(self, view: QuestionView, item: _Item) -> bool:
        """A person whose country is not the one the question's role names; and when a person is asked
        for ("who is the foreign minister of X", "X's defence minister name"), an item naming no person of X."""
        if not view.misnamed:
            return False
        if isinstance(item, Entity) and item.kind == "person":
            return not view.misnamed & self._belongs[item.id]
        if not view.person_asked:
            return False
        tokens = self.r.tokens.get(item.id, frozenset())
        people = [p for tok, p in self._people.items() if tok in tokens]
        return not any(view.misnamed & self._belongs[p] for p in people)

    def candidates(self, view: QuestionView) -> list[Candidate]:
        out: list[Candidate] = []
        rule = view.rule
        if rule.answered:
            items = [self.kb.items[i] for i in rule.items if i in self.kb.items]
            out.append(Candidate(items, "rule", rule))
        seen: set[str] = set()
        singles: list[tuple[_Item, str]] = []
        for item_id, _ in view.dense_hits[:DENSE_CANDIDATES]:
            if item_id in self.kb.items and item_id not in seen:
                seen.add(item_id)
                singles.append((self.kb.items[item_id], "dense"))
        for item_id, _ in view.passage_hits:
            if item_id in self.kb.items and item_id not in seen:
                seen.add(item_id)
                singles.append((self.kb.items[item_id], "passage"))
        for item_id in view.lexical_ids:
            if item_id not in seen:
                seen.add(item_id)
                singles.append((self.kb.items[item_id], "lexical"))
        out.extend(Candidate([item], origin) for item, origin in singles)
        for cand in out:
            cand.features = self.features(view, cand)
        return out

    def features(self, view: QuestionView, cand: Candidate) -> dict[str, float]:
        items = cand.items[:3]
        sims = [s for it in items if (s := self.dense.similarity(view.qvec, it.id)) is not None]
        dense = max(sims, default=0.0)
        psims = [s for it in items if (s := self.passages.similarity(view.qvec, it.id)) is not None]
        ptop = view.passage_hits[0][1] if view.passage_hits else 0.0
        top = view.dense_hits[0][1] if view.dense_hits else 0.0
        ranks = {item_id: n for n, (item_id, _) in enumerate(view.dense_hits)}
        rank = min((ranks[it.id] for it in items if it.id in ranks), default=None)
        covs = [self.r.coverage(self.r.tokens[it.id], view.terms) for it in items if it.id in self.r.tokens]
        coverage = max((c for c, _ in covs), default=0.0)
        matched = max((m for _, m in covs), default=0)
        tokens: set[str] = set()
        for it in items:
            tokens |= self.r.tokens.get(it.id, frozenset())
        named = [m for m in view.q.mentions if m.ids]
        named_ids = {i for m in named for i in m.ids}
        # the bodies and countries the named belong to: a ministry's country, a minister's government
        ups = {i: ancestors(self.kb, i) for i in named_ids}
        # who may own the item: the named, less what a subject question names after its verb
        acting = named_ids & view.acting
        acting_up = set().union(*(ups[i] for i in acting)) - acting
        countries = view.countries & view.acting
        # a name the items lack counts half when they name the body or country it belongs to (a ministry's
        # country): near, not the same
        gaps = [
            0.0
            if any(id_token(i) in tokens for i in m.ids)
            else 0.5
            if any(id_token(a) in tokens for i in m.ids for a in ups[i])
            else 1.0
            for m in named
        ]
        missing = sum(gaps)
        counted: set[str] = set()
        for it in items:
            counted |= self.r.counted.get(it.id, frozenset())
        first = cand.items[0] if cand.items else None
        kind = item_kind(first)
        owners: set[str] = set()
        for it in items:
            owners |= principals(self.kb, it)
        is_person = isinstance(first, Entity) and first.kind == "person"
        ids = {it.id for it in items}
        votes = [
            bool(ids & {i for i, _ in view.dense_hits[:3]}),
            bool(ids & {i for i, _ in view.passage_hits[:3]}),
            bool(ids & set(view.lexical_ids[:3])),
            cand.origin == "rule" or bool(ids & set(view.rule.items)),
        ]
        align, align_min = self.aligner.align(view.tokens, [it.id for it in items])
        f: dict[str, float] = {
            "align": align,
            "align_min": align_min,
            "in_dense_top": float(votes[0]),
            "in_passage_top": float(votes[1]),
            "in_lexical_top": float(votes[2]),
            "retrievers_agree": sum(votes) / len(votes),
            "bias_rule_answered": float(view.rule.answered),
            "rule_confidence": cand.answer.confidence if cand.answer is not None else 0.0,
            "rule_abstained": float(not view.rule.answered),
            "dense": dense,
            # how far past a middling similarity: a close paraphrase says more than the linear term gives
            "dense_over": max(dense - 0.6, 0.0),
            "passage_over": max(max(psims, default=0.0) - 0.6, 0.0),
            "align_over": max(align - 0.7, 0.0),
            "dense_top": top,
            "dense_gap": top - dense,
            "dense_rank": 1.0 / (1 + rank) if rank is not None else 0.0,
            "no_vector": float(not sims),
            "passage": max(psims, default=0.0),
            "passage_gap": ptop - max(psims, default=0.0),
            "coverage": coverage,
            "coverage_top": view.lexical_top,
            "coverage_gap": view.lexical_top - coverage,
            "matched_terms": matched / len(view.terms) if view.terms else 0.0,
            "unknown_share": view.unknown_share,
            "unknown_words": view.unknown_words,
            "unknown_other": view.unknown_share - view.unknown_words,
            "misnamed": float(any(self._rules_out(view, it) for it in items)),
            "owner_agrees": float(bool(acting & owners)),
            "owner_related": float(bool(not acting & owners and acting_up & owners)),
            "owner_disagrees": float(bool(acting and owners and not (acting | acting_up) & owners)),
            "owner_unknown": float(bool(acting) and not owners),
            "country_agrees": float(bool(countries & owners)),
            "country_disagrees": float(bool(countries and owners and not countries & owners)),
            "person_asked": float(view.person_asked),
            "person_given": float(view.person_asked and is_person),
            "person_missing": float(view.person_asked and not is_person),
            "named": min(len(named), 3) / 3,
            "named_missing": missing / len(named) if named else 0.0,
            "named_all_missing": float(bool(named) and all(g == 1.0 for g in gaps)),
            "count_asked": float(bool(view.q.count_nouns)),
            # what is counted must match ("soldiers" is not "passengers", though both "died")
            "count_ok": float(bool((view.q.count_nouns - self._unspecific or view.q.count_nouns) & counted)),
            "date_asked": float(bool(view.dates)),
            "date_ok": float(
                bool(view.dates) and any(self.c.mentions_date(it, d) for it in items for d in view.dates)
            ),
            "n_items": math.log1p(len(cand.items)),
            "agree_rule": float(cand.origin == "rule" or (first is not None and first.id in view.rule.items)),
            **self._wanted(view, items),
            f"origin={cand.origin}": 1.0,
            f"type={view.kind}": 1.0,
            f"kind={kind}": 1.0,
            f"type={view.kind}&kind={kind}": 1.0,
            f"type={view.kind}&rule_abstained": float(not view.rule.answered),
        }
        return f

    def _wanted(self, view: QuestionView, items: list[_Item]) -> dict[str, float]:
        """Whether the candidate's items hold what the question's form asks for (a year for "which year",
        a time for "what time", a place for "where"...), read from their text and evidence."""
        if not view.wants:
            return {}
        held: set[str] = set()
        for it in items:
            held |= self._holds(it)
        out = {f"wants_{w}": 1.0 for w in view.wants}
        out.update({f"wants_{w}_held": 1.0 for w in view.wants & held})
        out["wants_unheld"] = float(not view.wants & held)
        return out

    def _holds(self, item: _Item) -> frozenset[str]:
        cached = self._held.get(item.id)
        if cached is None:
            text = " ".join([self.c.sentence(item), *(ev.quote for ev in item.evidence)])
            lower = text.lower()
            cached = frozenset(
                name
                for name, rx in HELD.items()
                if rx.search(text if name in ("place", "country", "outlet") else lower)
            )
            self._held[item.id] = cached
        return cached

    def compose(self, view: QuestionView, cand: Candidate) -> Answer:
        """The Answer a candidate gives (composed here for a retrieved item), a check's led by its verdict."""
        if cand.answer is None:
            item = cand.items[0]
            kind = KIND_OF.get(type(item), "qa")
            cand.answer = self.c.answer(view.q.text, kind, [(self.c.sentence(item), [item])], 0.0)
        if not cand.answer.answered:
            return cand.answer
        if view.kind != "yesno":
            return _without_verdicts(cand.answer) if _open_question(view.q.low) else cand.answer
        answer = cand.answer
        lines = answer.answer.split("\n")
        item_of = {c.n: c.item for c in answer.citations}
        for i, line in enumerate(lines):
            # a paragraph's verdict is its own items' (those it cites), not another paragraph's
            cited = set(_cited_items(line, item_of) or ())
            own = [it for it in cand.items if it.id in cited] or cand.items
            if _OWN_VERDICT.match(line) and not self._own_verdict_fits(view, own, line):
                # a curated answer's "Yes." rules on its own question: "did Ruritania agree to Sylvania's
                # request?" is not "did Sylvania make the request?", whose answer it found; in any paragraph,
                # since the likeliest paragraph may come to lead
                rest = _OWN_VERDICT.sub("", line, count=1)
                lines[i] = rest[:1].upper() + rest[1:]
        if "\n".join(lines) != answer.answer:
            answer = answer.model_copy(update={"answer": "\n".join(lines)})
        return with_verdict(
            answer, view, self.r.tokens, self.names.analyser.analyse, self._named_in, self._claimed
        )

    def _own_verdict_fits(self, view: QuestionView, items: Sequence[_Item], answer: str) -> bool:
        """Whether a curated answer's own verdict rules on this check: the wordings of its question (the
        question and its paraphrases) hold the verb of the deed it claims ("did Ruritania agree…"), not
        only who and what it names; and they or the answer hold each number of the claim ("did Sylvania
        admit losses?" does not rule on "Sylvania said it had zero losses" nor on "did they fight again in
        1999?"). An answer no curated question gave (a handler's correction) keeps its verdict."""
        wordings = [text for it in items if isinstance(it, QAPair) for text in (it.question, *it.paraphrases)]
        if not wordings:
            return True
        if not _numbers(view.q.low) <= _numbers(" ".join([re.sub(r"\[\d+\]", "", answer), *wordings])):
            return False
        verb = _deed_verb(view.q.low)
        if verb is None:
            return True
        analyse = self.names.analyser.analyse
        return any(not set(analyse(text)).isdisjoint(analyse(verb)) for text in wordings)

    def _named_in(self, sentence: str) -> set[str]:
        """What a sentence names, with the bodies and countries those belong to ("its soldiers" of
        Freedonia's armed forces are Freedonia's)."""
        ids = {i for m in self.names.find(sentence) for i in m.ids}
        return ids | {a for i in ids for a in ancestors(self.kb, i)}

    def _claimed(self, text: str, ids: Sequence[str]) -> set[str]:
        """What a sentence must name to settle a claim naming these: a place itself (a sentence on its
        country says nothing of one of its states), anything else or what it belongs to (a sentence on
        Freedonia settles a claim about Freedonia's soldiers)."""
        if ids and all(isinstance(self.kb.items.get(i), Place) for i in ids):
            return set(ids)
        return self._named_in(text)

    @staticmethod
    def _same_passages(chosen: Candidate, handlers: Candidate) -> bool:
        """Whether the handlers' answer holds the chosen item or cites one of its passages."""
        return bool(footprint(chosen.items)[0] & footprint(handlers.items)[1])

    def eligible(self, view: QuestionView, cands: list[Candidate]) -> list[Candidate]:
        """The candidates that may answer at all, whatever their scores."""
        # an answer about a person the question's own words rule out is no answer, however close it looks
        cands = [c for c in cands if not c.features.get("misnamed")]
        if ruled := set(view.rule.ruled_out):
            # figures the handlers examined and ruled out (they count someone else, or are set elsewhere)
            cands = [c for c in cands if not c.items or not {i.id for i in c.items} <= ruled]
        if view.kind == "what_said":
            # "what did X say" asks for someone's words: a description of X (who they are) says none
            cands = [
                c for c in cands if not c.items or any(item_kind(i) not in _DESCRIPTIONS for i in c.items)
            ]
        if described := set(view.rule.described):
            # "who is <a person the story names>", "who leads X" ask who someone is: their description
            # says it; an item that only tells what they did (their call, their figure) does not
            cands = [c for c in cands if not c.items or any(i.id in described for i in c.items)]
        return cands

    def decide(self, q: Question, rule: Answer) -> Answer:
        """The answer to give: the best-ranked candidate if it is probable enough, else an abstention."""
        if self.decision is None or q.is_prediction:
            # a prediction or a judgement ("who is right", "do you think X should resign") is not the
            # sources' to give, however near an item comes: the handlers' refusal stands
            return rule
        view = self.view(q, rule)
        cands = self.candidates(view)
        scores: dict[int, float] = {}
        for cand, score in zip(cands, self.decision.rank_scores([c.features for c in cands]), strict=True):
            scores[id(cand)] = score
            cand.probability = self.decision.likelihood(score)
        cands = self.eligible(view, cands)
        cands.sort(key=lambda c: scores[id(c)], reverse=True)
        top = 0.0
        if cands:
            best = cands[0]
            # the lead is measured against the best answer that says something else
            mark = footprint(best.items)
            rival = next((c for c in cands[1:] if rivals(mark, footprint(c.items))), None)
            runner_up = scores[id(rival)] if rival is not None else None
            top = self.decision.probability(best.features, scores[id(best)], runner_up)
            if top >= self.decision.threshold:
                handlers = next((c for c in cands if c.origin == "rule"), None)
                if handlers is not None and best is not handlers and self._same_passages(best, handlers):
                    # the handlers' answer rests on the chosen item's own passages and sets beside them
                    # what goes with it (the other reports of a figure, the other side's claim): give that
                    best = handlers
                answer = self.compose(view, best)
                if best.origin == "rule":
                    single = {c.items[0].id: c.probability for c in cands if c.origin != "rule" and c.items}
                    answer = lead_with_likeliest(answer, single)
                return answer.model_copy(update={"confidence": round(top, 3)})
        near = [c.items[0] for c in cands if c.items and c.probability >= SUGGEST_PROBABILITY][:3]
        if not rule.answered:
            if rule.suggestions or not near:
                return rule.model_copy(update={"confidence": round(top, 3)})
        if not near and rule.answered:
            near = [self.kb.items[i] for i in rule.items[:3] if i in self.kb.items]
            near = [it for it in near if self.r.coverage(self.r.tokens[it.id], view.terms)[0] >= SUGGEST_AT]
        return self.c.abstain(q.text, suggestions=near, confidence=top)


_NEGATION = {
    "not": re.compile(r"\b(?:not|no|never|none|nor|neither|without)\b|n't\b"),
    "deny": re.compile(r"\bden(?:y|ies|ied|ying|ial)\b"),
    "reject": re.compile(r"\breject"),
    "refuse": re.compile(r"\brefus"),
    "dismiss": re.compile(r"\bdismiss"),
}
_COMPARING = re.compile(
    r"\b(?:more|less|fewer|over|under|above|below|than|least|most|nearly|almost|about|around|roughly|"
    r"approximately|up to|some|between)\b"
)
_NUMBER = re.compile(r"\d+")


# what one side lays at another's door: a sentence holding the claim's words after such a verb reports the
# charge, it does not confirm it ("B accused A's units of planting mines" is no "Yes." to "did A plant
# mines?"); a check of the charge itself ("did B accuse A of …?") holds the verb too
_CHARGE = re.compile(r"\b(?:accus|alleg|claim|blam)\w*", re.I)
_PRONOUN_OPENING = re.compile(r"(?:it|they|he|she)\b", re.I)  # a subject pronoun
_SUBJECT = re.compile(r"(.+?)(?:,| (?:is|was|are|were|has|had|have|said|says)\b)")


def _negations(text: str) -> set[str]:
    return {name for name, rx in _NEGATION.items() if rx.search(text)}


def _numbers(text: str) -> set[str]:
    """The numbers a text gives, in digits ("zero" as 0; "1,500" as 1500)."""
    return set(re.findall(r"\d+", re.sub(r"\bzero\b", "0", text.lower().replace(",", ""))))


def numbers_in(text: str, analyse: Callable[[str], list[str]]) -> list[tuple[str, frozenset[str]]]:
    """Each number with the content words of the three after it: ("12", {"carriage"}) of "12 carriages of"."""
    words = text.lower().replace(",", "").split()
    out = []
    for i, w in enumerate(words):
        if m := _NUMBER.fullmatch(w.strip(".;:()\"'?!")):
            out.append((m.group(), frozenset(analyse(" ".join(words[i + 1 : i + 4])))))
    return out


# a check led by its auxiliary ("did Ruritania agree…", "has the envoy resigned…"): the deed follows its doer
_LED_BY_AUXILIARY = re.compile(r"^(?:did|does|do|has|have|had)(?:n't| not)? (?P<rest>.+)")
_DOER_WORDS = 6  # the deed's verb comes within the first words after the auxiliary ("did the prime minister's office send")


def _deed_verb(low: str) -> str | None:
    """The verb of the deed a check led by its auxiliary claims ("did Ruritania agree to …": "agree"): the
    first word after the auxiliary that can only be a verb (lemminflect's lemmas; not an "-ing" form)."""
    m = _LED_BY_AUXILIARY.match(low.strip())
    if m is None:
        return None
    for word in re.findall(r"[a-z]+", m.group("rest"))[:_DOER_WORDS]:
        if word in STOP or word.endswith("ing"):
            continue
        lemmas = getAllLemmas(word)
        if lemmas and set(lemmas) == {"VERB"}:
            return word
    return None


def with_verdict(
    answer: Answer,
    view: QuestionView,
    tokens: dict[str, frozenset[str]],
    analyse: Callable[[str], list[str]],
    named_in: Callable[[str], set[str]] | None = None,
    claimed: Callable[[str, Sequence[str]], set[str]] | None = None,
) -> Answer:
    """A yes/no check's answer led by "Yes." when one sentence of its lead paragraph holds every word and
    number of the claim (its names in the items cited), with no denial the claim lacks; by "No." when
    the claim's words are so held and the paragraph gives another number for the same counted thing
    ("12 carriages" to "did 20 carriages derail?").
    Anything less leaves the facts to speak: words scattered over a paragraph are no claim confirmed."""
    lines = answer.answer.split("\n")
    first = lines[0]
    low = view.q.low
    if not view.terms or re.match(r"(?:yes|no)\b", first, re.I) or "not" in _negations(low):
        return answer
    refs = _TRAILING_REFS.search(first)
    cited = {int(n) for n in re.findall(r"\d+", refs.group())} if refs else set()
    held = frozenset().union(
        *(tokens.get(c.item or "", frozenset()) for c in answer.citations if c.n in cited)
    )
    words = [t for t in view.terms if not t.text.isdigit() and not names_something(t)]
    if not held or any(held.isdisjoint(t.alts) for t in view.terms if names_something(t)):
        return answer
    body = _TRAILING_REFS.sub("", first)
    said = sentences(body)
    at = next(
        (i for i, s in enumerate(said) if all(not set(analyse(s)).isdisjoint(t.alts) for t in words)),
        None,
    )
    if at is None or not _negations(said[at].lower()) <= _negations(low):
        return answer
    sentence = said[at]
    # "It is recognised as part of Freedonia": a sentence opening with a pronoun is of the sentence before's
    # subject (the words before its first verb or comma), not of all that sentence names
    subject = _SUBJECT.match(said[at - 1]) if at and _PRONOUN_OPENING.match(sentence) else None
    context = f"{subject.group(1)} {sentence}" if subject else sentence
    charge = _CHARGE.search(sentence)
    if (
        charge is not None
        and not _CHARGE.search(low)
        and any(
            set(analyse(sentence[: charge.start()])).isdisjoint(t.alts)
            and not set(analyse(sentence[charge.end() :])).isdisjoint(t.alts)
            for t in words
        )
    ):
        # a word of the claim only in what one side lays at the other's door: whose charge it is, no verdict
        return answer
    if named_in is not None and not _names_held(view, context, named_in, claimed):
        return answer
    if (verb := _deed_verb(low)) is not None and not analyse(verb) and not _lemma_held(verb, sentence):
        # a deed whose verb weighs nothing as a term ("has Ruritania answered the appeal?"): the sentence
        # that settles the claim must still tell that deed, not only the appeal it answers
        return answer
    asked = numbers_in(low, analyse)
    if all(n in {g for g, _ in numbers_in(sentence, analyse)} for n, _ in asked):
        verdict = "Yes."
    elif len(asked) == 1 and not _COMPARING.search(low) and asked[0][1]:
        number, counted = asked[0]
        given = [(n, what) for n, what in numbers_in(body, analyse) if what & counted]
        if not given or any(n == number for n, _ in given):
            return answer
        verdict = "No."
    else:
        return answer
    lines[0] = f"{verdict} {first}"
    return answer.model_copy(update={"answer": "\n".join(lines)})


def _lemma_held(verb: str, sentence: str) -> bool:
    """Whether the sentence holds a form of the verb ("answered" in "it answered", "answers")."""
    wanted = set(getAllLemmas(verb).get("VERB", ()))
    return any(wanted & set(getAllLemmas(w).get("VERB", ())) for w in re.findall(r"[a-z]+", sentence.lower()))


def _names_held(
    view: QuestionView,
    sentence: str,
    named_in: Callable[[str], set[str]],
    claimed: Callable[[str, Sequence[str]], set[str]] | None = None,
) -> bool:
    """Whether the sentence itself names everything the claim names, or what it belongs to ("did 40
    Freedonian soldiers die": a sentence on Freedonia's soldiers). The items cited may name more than the
    sentence that settles the claim: "the crash happened in Sylvania?" is not settled by "Sylvania: 14 of
    the identified dead were from it", though the crash is in Sylvania's item, nor by a sentence on the
    country Sylvania is in."""
    there = named_in(sentence)
    for m in view.q.mentions:
        if m.ids and not (claimed(m.text, m.ids) if claimed else named_in(m.text)) & there:
            return False
    return True


def _open_question(low: str) -> bool:
    """Whether the lower-cased question ``low`` is led by a question word ("what woke them?", "and how many
    died?") and puts up no claim ("…, right?"). Only such a question is surely no yes/no question: one led by
    a verb, a negation ("weren't they asleep?"), a tag ("…na?") or none of these may still be one."""
    link = LINK.match(low)
    return bool(WH_WORD.match(low[link.end() :] if link else low)) and not is_check(low)


def _without_verdicts(answer: Answer) -> Answer:
    """``answer`` with no paragraph opening on a verdict ("Yes:", "No.", "Not fully."): a curated answer's
    verdict rules on its own yes/no question, and to an open question ("what woke them?") an answer opening
    "Yes:" says something nobody asked. Hedges ("Partly", "In part") stay: they qualify what follows."""
    lines = answer.answer.split("\n")
    kept = [_unverdicted(line) for line in lines]
    return answer if kept == lines else answer.model_copy(update={"answer": "\n".join(kept)})


def _unverdicted(line: str) -> str:
    m = _BARE_OPENING_VERDICT.match(line)
    if m is None:  # "No. 12 coach", "Yes... maybe", "Yes. [1]": no verdict and sentence to part
        return line
    rest = line[m.end() :]
    return rest[:1].upper() + rest[1:]


def _cited_items(line: str, item_of: dict[int, str | None]) -> list[str] | None:
    """The items a paragraph's trailing citations ("[1][3]") belong to, one per citation; None when the
    paragraph ends with no citation."""
    refs = _TRAILING_REFS.search(line)
    if refs is None:
        return None
    return [i for n in re.findall(r"\d+", refs.group()) if (i := item_of.get(int(n)))]


def lead_with_likeliest(answer: Answer, probability: dict[str, float]) -> Answer:
    """A handlers' answer of several paragraphs, led by the paragraph whose item the fitted decision finds
    clearly likeliest on its own (by LEAD_MARGIN over the first), since a reader sees the lead first.
    Paragraph order is otherwise the handlers'; an answer with a heading line is left as composed."""
    lines = answer.answer.split("\n")
    if len(lines) < 2 or not probability:
        return answer
    item_of = {c.n: c.item for c in answer.citations}
    scores = []
    owns: list[str | None] = []
    for line in lines:
        cited = _cited_items(line, item_of)
        if cited is None:
            return answer
        # the paragraph's own item: the one most of its citations belong to (a passage it shares with another
        # item may be numbered under that item, which does not make the paragraph that item's)
        owners = Counter(cited)
        own = owners.most_common(1)[0][0] if owners else None
        owns.append(own)
        scores.append(probability.get(own, -1.0) if own else -1.0)
    best = max(range(len(lines)), key=lambda i: scores[i])
    if best == 0 or scores[best] < scores[0] + LEAD_MARGIN:
        return answer
    lines.insert(0, lines.pop(best))
    lead = owns[best]
    items = [lead, *(i for i in answer.items if i != lead)] if lead in answer.items else answer.items
    return answer.model_copy(update={"answer": "\n".join(lines), "items": items})


__all__ = ["HybridDecider", "QuestionView", "lead_with_likeliest", "numbers_in", "with_verdict"]
