"""The answer/abstain decision: which candidate answer is best, and whether to give it.

Candidates come from three places: the question handlers (shape-aware, lexical), the dense
retriever (meaning) and the lexical retriever (coverage). Each candidate is described by
features of its agreement with the question (similarity, coverage, word-by-word alignment, the
names the question gives, what kind of answer the question asks for and what kind of item
answers it). Two models, fitted by ``python -m knowledge.training`` on labelled questions, read
them: a ranker (boosted trees fitted by LambdaRank, which order a question's candidates against
one another) scores its candidates, and an answerer (boosted trees, which weigh one feature by
another: a handlers' refusal counts for less beside a close paraphrase) turns the best one (with
its lead over the runner-up) into the probability that it is a correct, cited answer.
The engine answers with that candidate when the probability reaches the fitted threshold, and
abstains otherwise; the probability is the answer's confidence.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.models import Answer, _Item

PARAMS_FILE = Path(__file__).with_name("decision.json")

# what a question asks for, from general English question forms
QUESTION_TYPES = (
    "count",
    "who_said",
    "what_said",
    "when",
    "where",
    "who_is",
    "source",
    "yesno",
    "compare",
    "why",
    "what",
    "other",
)
ITEM_KINDS = (
    "casualty",
    "quote",
    "response",
    "background",
    "event",
    "qa",
    "entity",
    "place",
    "conflict",
    "other",
)
ORIGINS = ("rule", "dense", "passage", "lexical")

_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "source",
        re.compile(
            r"\b(?:which|what) (?:news(?:paper)?|outlet|source|article|paper|media|publication|"
            r"journalist|reporter|site)s?\b|\baccording to (?:which|what|whom)\b|\bwho (?:wrote|reported)\b"
        ),
    ),
    (
        "who_said",
        re.compile(
            r"^(?:who|whose|which \w+)\b.*\b(?:said|say|says|quoted?|called|tweeted|stated|"
            r"warned|urged|described|accused|told|wrote|words?|statement)\b"
        ),
    ),
    (
        "what_said",
        re.compile(
            r"\b(?:what|how) (?:did|does|do|has|have|had|was|were|is)\b.*\b(?:say|said|tell|"
            r"told|tweet|warn|urge|state|announce|respond|react|comment|call for|describe)\b|"
            r"\b(?:quotes?|statements?|remarks|comments|reaction|response|stance|position)\b"
        ),
    ),
    ("count", re.compile(r"\bhow (?:many|much)\b|\bnumber of\b|\btoll\b|\bfigures?\b|\bcasualt|\bhow big\b")),
    (
        "compare",
        re.compile(
            r"\b(?:more|fewer|less|bigger|larger|higher|deadlier|worse) (?:than|\w+ than)\b|"
            r"\bcompare|\bwhich (?:war|conflict|side|one) (?:was|had|killed|lost)\b|\bdisagree|"
            r"\bdiffer"
        ),
    ),
    (
        "when",
        re.compile(
            r"^when\b|\bwhat (?:time|day|date|year|month)\b|\bwhich (?:day|date|year|month)\b|"
            r"\bhow long\b|\bat what (?:time|hour)\b"
        ),
    ),
    (
        "where",
        re.compile(
            r"^where\b|\bwhich (?:town|city|place|region|district|village|area|country)\b|"
            r"\bwhat (?:town|city|place|region|district|area)\b|\bwhere\b"
        ),
    ),
    ("why", re.compile(r"^why\b|\bwhat (?:caused|triggered|sparked|started)\b|\breason\b")),
    (
        "who_is",
        re.compile(
            r"^(?:who|what) (?:is|are|was|were)\b|^tell me about\b|^(?:explain|describe)\b|"
            r"^(?:what|which) (?:post|position|job|title|office|rank) (?:does|did|do|is|was)\b"
        ),
    ),
    ("yesno", re.compile(r"^(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would)\b")),
    ("what", re.compile(r"^(?:what|which|how)\b")),
)


_AUX = r"(?:is|was|are|were|do|does|did|has|have|had|will|would|can|could|wo|ca)"

# A statement put up to be confirmed: "is it true that ...", "true or false: ...", "..., is that right?",
# "am I correct that ...". General English frames; the claim itself is the rest of the question.
CHECK = re.compile(
    r"^(?:so,? )?(?:is|was|isn't) (?:it|that|this) (?:true|correct|right|so|the case)\b|"
    r"^(?:true or false|yes or no|fact or fiction)\b|\b(?:true or false|yes or no|or not|right or wrong)\W*$|"
    r"^(?:am|was) i (?:right|correct|wrong)\b|"
    r",? (?:is (?:it|that|this) (?:true|correct|right|so)|isn't (?:it|that)|am i right|right|correct|true|"
    r"yes|is that what happened|did (?:it|they|he|she)|didn't (?:it|they|he|she))\W*$|"
    # a tag question: "..., wasn't it?", "... didnt they" (typed or normalised "did not they"); a tag
    # without its negation needs its comma, so "where is it?" stays an open question
    rf"(?:,? {_AUX}(?:n't| not)|, {_AUX}) (?:it|that|this|they|he|she|there|we)\W*$|"
    # a chat tag ("…, yeah?", "…, no?", Hinglish "… na?") or "or nah" as "or not"; a request to confirm
    r",? (?:yeah|yea|yah)\W*$|, (?:ya|no|innit|eh)\W*$|,? (?:na|nah)\?*$|\bor (?:nah|no)\W*$|"
    r"^(?:(?:can|could) (?:you|someone) |pls |plz |please |just |quick )?(?:confirm|verify)\b|^fact[- ]?check\b"
)


def is_check(low: str) -> bool:
    """Whether ``low`` (a lower-cased question) puts up a statement to be confirmed."""
    return bool(CHECK.search(low.strip()))


def question_type(low: str) -> str:
    """The first question form that ``low`` (a lower-cased question) takes."""
    if is_check(low) and not re.match(r"(?:who|what|when|where|which|why|how)\b", low):
        return "yesno"
    for name, rx in _TYPE_RULES:
        if rx.search(low):
            return name
    return "other"


# the feature names predate the schema's renames: a timeline entry was an "event", an event a "conflict"
_FEATURE_KIND = {"qapair": "qa", "timelineentry": "event", "event": "conflict"}


def item_kind(item: _Item | None) -> str:
    name = type(item).__name__.lower() if item is not None else "other"
    return _FEATURE_KIND.get(name, name if name in ITEM_KINDS else "other")


@dataclass
class Candidate:
    """One possible answer: the items it rests on, where it came from, and (for the handlers' own answer)
    the Answer already composed; a retrieved item's Answer is composed only if it is chosen."""

    items: list[_Item]
    origin: str
    answer: Answer | None = None
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0


# What a question form asks for, and how to see it in an item's text (general English, no story words).
_EXACTLY = r"(?: (?:exact|precise|specific|particular|actual))?"  # "at what exact time", "which precise day"
WANTS: dict[str, re.Pattern[str]] = {
    "year": re.compile(rf"\b(?:which|what){_EXACTLY} year\b|\bsince when\b|\bhow long ago\b"),
    "time": re.compile(
        rf"\bwhat{_EXACTLY} time\b|\b(?:at )?what{_EXACTLY} hour\b|\bwhat time of (?:day|night)\b|\bhow early\b"
    ),
    "day": re.compile(rf"\b(?:which|what){_EXACTLY} (?:day|date|month)\b|\bon what day\b"),
    "age": re.compile(r"\bhow old\b|\bwhat age\b|\b(?:his|her|their) ages?\b"),
    "number": re.compile(r"\bhow (?:many|much)\b|\bnumber of\b|\btoll\b|\bhow big\b"),
    "place": re.compile(
        r"^where\b|\bwhere (?:did|was|were|is|are|do|does)\b|\b(?:which|what) (?:town|city|place|"
        r"region|village|district|area|location)s?\b|\bin what (?:town|city|place)\b"
    ),
    "country": re.compile(r"\b(?:which|what) (?:country|countries|nation|state)\b"),
    "outlet": re.compile(
        r"\b(?:which|what) (?:news ?agenc(?:y|ies)|agenc(?:y|ies)|wire|outlet|newspaper|paper)\b"
    ),
}
HELD: dict[str, re.Pattern[str]] = {
    "age": re.compile(r"\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b"),
    "year": re.compile(r"\b(?:1[89]\d\d|20\d\d)s?\b"),
    "time": re.compile(
        r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2}\s?[ap]\.?m\b|\bmidnight|\bnoon\b|\bmorning\b|\bevening\b|"
        r"\bnight\b|\bo'clock\b|\bgmt\b|\butc\b"
    ),
    "day": re.compile(
        r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
        r"may|june|july|august|september|october|november|december)\b|\b\d{4}-\d\d"
    ),
    "number": re.compile(
        r"\b\d[\d,.]*\b|\b(?:dozens?|hundreds?|thousands?|one|two|three|four|five|six|seven|eight|"
        r"nine|ten)\b"
    ),
    "place": re.compile(r"\b(?:in|near|at|towards?|from|of) [A-Z][a-z]+"),
    "country": re.compile(r"\b[A-Z][a-z]+(?:ia|an|ey|ce|ny|ly|in|ed States|ine)\b"),
    "outlet": re.compile(r"\b[A-Z]{2,}\b|\bagenc(?:y|ies)\b|\bnews\b"),
}


def wants(low: str) -> set[str]:
    """What the (lower-cased) question's form asks for: a year, a time of day, a number, a place..."""
    return {name for name, rx in WANTS.items() if rx.search(low)}


def feature_names() -> list[str]:
    base = [
        "bias_rule_answered",
        "in_dense_top",
        "in_passage_top",
        "in_lexical_top",
        "retrievers_agree",
        "rule_confidence",
        "rule_abstained",
        "dense",
        "dense_over",
        "passage_over",
        "align_over",
        "dense_top",
        "dense_gap",
        "dense_rank",
        "no_vector",
        "passage",
        "passage_gap",
        "coverage",
        "coverage_top",
        "coverage_gap",
        "matched_terms",
        "unknown_share",
        "unknown_words",
        "unknown_other",
        "misnamed",
        "owner_agrees",
        "owner_related",
        "owner_disagrees",
        "owner_unknown",
        "country_agrees",
        "country_disagrees",
        "person_asked",
        "person_given",
        "person_missing",
        "named",
        "named_missing",
        "named_all_missing",
        "count_asked",
        "count_ok",
        "date_asked",
        "date_ok",
        "n_items",
        "agree_rule",
        "align",
        "align_min",
    ]
    base += [f"wants_{w}" for w in WANTS] + [f"wants_{w}_held" for w in WANTS] + ["wants_unheld"]
    base += [f"origin={o}" for o in ORIGINS]
    base += [f"type={t}" for t in QUESTION_TYPES]
    base += [f"kind={k}" for k in ITEM_KINDS]
    base += [f"type={t}&kind={k}" for t in QUESTION_TYPES for k in ITEM_KINDS]
    # how much the handlers' refusal says depends on what was asked: none of a speaker's curated quotations
    # answering "what did X say" says more than no figure item answering "why did the toll rise"
    base += [f"type={t}&rule_abstained" for t in QUESTION_TYPES]
    return base


FEATURES = feature_names()
_POSITION = {name: n for n, name in enumerate(FEATURES)}


def vectorise(features: dict[str, float], position: dict[str, int] = _POSITION) -> np.ndarray:
    """The values of named features in the order ``position`` gives them (FEATURES' by default)."""
    x = np.zeros(len(position), dtype=np.float64)
    for name, value in features.items():
        pos = position.get(name)
        if pos is not None:
            x[pos] = value
    return x


@dataclass
class _Linear:
    """A standardised logistic model: weights over named features."""

    w: np.ndarray
    bias: float
    mu: np.ndarray
    sigma: np.ndarray

    @classmethod
    def from_params(cls, data: dict, names: list[str]) -> _Linear:
        position = {name: n for n, name in enumerate(names)}
        scale = vectorise(data["scale"], position)
        return cls(
            vectorise(data["weights"], position),
            float(data["bias"]),
            vectorise(data["mean"], position),
            np.where(scale > 0, scale, 1.0),
        )

    def logit(self, x: np.ndarray) -> float:
        return float(((x - self.mu) / self.sigma) @ self.w) + self.bias

    def logits(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mu) / self.sigma) @ self.w + self.bias


class _Trees:
    """Boosted regression trees over named features: the logit is the base plus one leaf value per tree,
    each reached by comparing one feature with a threshold at every split (at most: left, else right).

    The trees' nodes are held in flat arrays and walked all at once, one level per step, each node's
    children given by their place in those arrays; a leaf points to itself, so a tree that reaches its
    leaf early stays there while deeper ones go on."""

    def __init__(
        self, base: float, trees: list[tuple[list[int], list[float], list[int], list[int], list[float]]]
    ):
        self.base = base
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0
        for features, thresholds, lefts, rights, values in trees:
            start = len(feature)
            roots.append(start)
            for node in range(len(features)):
                leaf = lefts[node] < 0
                left.append(start + (node if leaf else lefts[node]))
                right.append(start + (node if leaf else rights[node]))
            feature += features
            threshold += thresholds
            value += values
            depth = max(depth, _depth(lefts, rights))
        self._feature = np.array(feature, dtype=np.int64)
        self._threshold = np.array(threshold, dtype=np.float64)
        self._left = np.array(left, dtype=np.int64)
        self._right = np.array(right, dtype=np.int64)
        self._value = np.array(value, dtype=np.float64)
        self._roots = np.array(roots, dtype=np.int64)
        self._depth = depth

    @classmethod
    def from_params(cls, data: dict, names: list[str]) -> _Trees:
        position = {name: n for n, name in enumerate(names)}
        trees = []
        for tree in data["trees"]:
            # a split on a feature this code no longer has reads 0.0 (as a missing weight does for _Linear)
            features = [position.get(name, -1) if name else -1 for name in tree["feature"]]
            trees.append((features, tree["threshold"], tree["left"], tree["right"], tree["value"]))
        return cls(float(data["base"]), trees)

    def logit(self, x: np.ndarray) -> float:
        return float(self.logits(x.reshape(1, -1))[0])

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The logits of the rows of ``x`` (one feature vector per row), every tree of every row walked at
        once."""
        values = np.hstack([x, np.zeros((len(x), 1))])  # index -1, a feature this code lacks, reads 0.0
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self._roots, (len(x), len(self._roots)))
        for _ in range(self._depth):
            go_left = values[rows, self._feature[node]] <= self._threshold[node]
            node = np.where(go_left, self._left[node], self._right[node])
        return self.base + self._value[node].sum(axis=1)


def _depth(left: list[int], right: list[int]) -> int:
    """The number of splits on the longest path from the root of one tree to a leaf."""
    deepest, stack = 0, [(0, 0)]
    while stack:
        node, depth = stack.pop()
        if left[node] < 0:
            deepest = max(deepest, depth)
        else:
            stack += [(left[node], depth + 1), (right[node], depth + 1)]
    return deepest


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


# what the second stage reads of a question: the ranker's score of its best candidate, that score's lead
# over the runner-up, and the best candidate's own features
ANSWER_FEATURES = ["rank_score", "rank_margin", *FEATURES]
NO_RUNNER_UP = 5.0  # the lead of a question's only candidate


class Decision:
    """Two fitted models. The ranker scores every candidate of a question (fitted on questions the
    sources answer: which candidate is the right answer); the answerer reads the best-ranked candidate and
    its lead over the runner-up and gives the probability that it is a correct, cited answer (fitted on
    all questions: whether to answer at all). Ranking and answering are different questions: a candidate
    can clearly be the best of its question and still not answer it."""

    def __init__(
        self,
        ranker: _Linear | _Trees,
        answerer: _Trees,
        threshold: float,
        likelihood: tuple[float, float] = (1.0, 0.0),
    ) -> None:
        self.ranker = ranker
        self.answerer = answerer
        self.threshold = threshold
        self._likelihood = likelihood

    @classmethod
    def load(cls, path: Path = PARAMS_FILE) -> Decision:
        data = json.loads(path.read_text(encoding="utf-8"))
        ranker = data["ranker"]
        # the ranker is boosted trees (LambdaRank) or, in a file from before them, a linear model
        model = (
            _Trees.from_params(ranker, FEATURES)
            if "trees" in ranker
            else _Linear.from_params(ranker, FEATURES)
        )
        scale = ranker.get("likelihood", {"scale": 1.0, "bias": 0.0})
        return cls(
            model,
            _Trees.from_params(data["answerer"], ANSWER_FEATURES),
            float(data["threshold"]),
            (float(scale["scale"]), float(scale["bias"])),
        )

    def rank_score(self, features: dict[str, float]) -> float:
        """The ranker's score of one candidate (higher ranks first; only its order among a question's
        candidates and its lead mean anything)."""
        return self.ranker.logit(vectorise(features))

    def rank_scores(self, features: list[dict[str, float]]) -> list[float]:
        """``rank_score`` of several candidates at once."""
        if not features:
            return []
        return [float(v) for v in self.ranker.logits(np.array([vectorise(f) for f in features]))]

    def likelihood(self, score: float) -> float:
        """The probability, from a candidate's rank score, that it is the right answer if the question has
        one: the score through the logistic curve fitted to the training candidates' outcomes."""
        scale, bias = self._likelihood
        return _sigmoid(scale * score + bias)

    def probability(self, best: dict[str, float], score: float, runner_up: float | None) -> float:
        """The probability that the best-ranked candidate (its features and rank score) answers correctly."""
        margin = score - runner_up if runner_up is not None else NO_RUNNER_UP
        return _sigmoid(self.answerer.logit(answer_vector(best, score, margin)))


def answer_vector(features: dict[str, float], score: float, margin: float) -> np.ndarray:
    return np.concatenate([[score, margin], vectorise(features)])


__all__ = [
    "ANSWER_FEATURES",
    "FEATURES",
    "ITEM_KINDS",
    "QUESTION_TYPES",
    "Candidate",
    "Decision",
    "answer_vector",
    "item_kind",
    "question_type",
    "vectorise",
]
