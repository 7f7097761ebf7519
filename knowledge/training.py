"""Fit the answer/abstain decision on labelled questions: ``python -m knowledge.training``.

Every labelled question (the team's question sets in ``tests/data``) is put to the question
handlers and the retrievers; each candidate answer is labelled correct when it passes the
evaluation scorer's test (it answers, contains one alternative of every expected group and
cites an expected source). Two models are fitted (see ``knowledge.decision``): the ranker
(boosted trees fitted by LightGBM's LambdaRank to put a passing candidate first among its question's
candidates, ``_fit_lambdarank``; ``--ranker linear`` fits the earlier linear listwise model,
``_fit_listwise``) on the candidates of questions the sources answer, the answerer (boosted trees)
on every question's
best-ranked candidate; the threshold that best balances answering and abstaining is chosen on
the training questions, each with the probability the fit without its own set gives it (the
held-out run below), since the trees rate the questions they were fitted on too surely. Both
models' trees are written out as plain lists the engine walks with numpy alone.

Every story is used: the shipped one (``knowledge/data`` with ``tests/data/*cases*.json``) and each
folder of ``knowledge/stories/`` whose question sets are in ``tests/data/stories/<the folder's name>/``,
each question put to an engine on its own story, so the decision is not fitted to one story's
knowledge (``--story DIR SETS`` names them instead).

A folder ``unseen/`` beside a story's sets holds sets that stand for wording nobody has seen: each was
written from the articles alone, scored once on first contact, and its misses were not used to tune the
engine. They are fitted on like the others, and their held-out figures are printed apart. With
``--threshold-on-unseen`` the threshold is chosen on their held-out probabilities only: the older sets
were read, fixed and re-scored for many sessions, so even held out of the fit they are rated more surely
than new wording, and a threshold balanced on them refuses more of what people really type. Measured on
255 sets (README, thirty-third session), that threshold (0.37 against 0.51) trades about ten points of
correct refusals on every set for five of answers on the unseen ones, so it is not the default.

Before the final fit, each question set is held out in turn (fit on the others, score it):
that held-out figure is the estimate for wording the decision has not seen, and it is printed
and kept in the parameters file beside the weights. Needs the ``dev`` extra (scikit-learn, LightGBM).

Putting every question to the engine is the slow part (minutes); ``--table FILE`` keeps that table in a
local file and reuses it while the engine's code, the stories and the sets are unchanged (a digest of
them is kept with it), and ``--drop FEATURE`` fits as if a feature were never computed (its column
zeroed), so a feature is compared with and without it on one table. ``--folds K`` holds the sets out in
K groups rather than one at a time (K fits instead of one per set: minutes instead of over an hour), each
set still scored by a fit that never saw it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.decision import ANSWER_FEATURES, FEATURES, NO_RUNNER_UP, PARAMS_FILE, vectorise
from knowledge.engine import MAX_QUESTION_CHARS, AnswerEngine
from knowledge.hybrid import Footprint, footprint, rivals
from knowledge.loader import DEFAULT_DIR, load_knowledge
from knowledge.models import Answer
from knowledge.text import clean_input
from knowledge.understand import understand

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
STORIES = ROOT / "knowledge" / "stories"


UNSEEN = "unseen"  # the folder, beside a story's sets, of sets that stand for unseen wording (see above)


def story_sets(folder: Path, pattern: str = "*.json") -> list[Path]:
    """The question sets in ``folder`` and in its ``unseen/`` folder."""
    return sorted(folder.glob(pattern)) + sorted((folder / UNSEEN).glob("*.json"))


def default_stories() -> list[tuple[Path, list[Path]]]:
    """(knowledge folder, its question sets) for the shipped story and every other story with sets."""
    out = [(DEFAULT_DIR, story_sets(DATA, "*cases*.json"))]
    for folder in sorted(p for p in STORIES.glob("*") if p.is_dir()):
        sets = story_sets(DATA / "stories" / folder.name)
        if sets:
            out.append((folder, sets))
    return out


def unseen_names(paths: list[Path]) -> set[str]:
    """The names of the sets that stand for unseen wording (in an ``unseen/`` folder)."""
    return {p.stem for p in paths if p.parent.name == UNSEEN}


def fold(text: str) -> str:
    """The scorer's comparison form: case and accents folded, quotes unified, digit groups joined."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}\b)", "", text)
    return re.sub(r"\s+", " ", text).lower()


def passes(answer: Answer, expect: list[list[str]] | None, sources: list[str] | None) -> bool:
    """The scorer's test for one answerable case."""
    if expect is None or not answer.answered:
        return False
    body = fold(answer.answer)
    if not all(any(fold(alt) in body for alt in group) for group in expect):
        return False
    return sources is None or any(c.source in sources for c in answer.citations)


@dataclass
class Case:
    set_name: str
    question: str
    expect: list[list[str]] | None
    sources: list[str] | None


def load_cases(paths: list[Path]) -> list[Case]:
    out = []
    for path in paths:
        for c in json.loads(path.read_text(encoding="utf-8")):
            out.append(Case(path.stem, c["question"], c["expect"], c["sources"]))
    return out


@dataclass
class Table:
    x: np.ndarray
    y: np.ndarray
    question: np.ndarray  # the case each candidate row belongs to
    cases: list[Case]
    prints: list[Footprint]  # what each candidate's answer rests on (a runner-up must rest on something else)


def build_table(engine: AnswerEngine, cases: list[Case]) -> Table:
    rows, labels, owner, prints = [], [], [], []
    for n, case in enumerate(cases):
        text = engine.read(clean_input(case.question, MAX_QUESTION_CHARS))
        question = understand(text, engine.names)
        view = engine.hybrid.view(question, engine.intents.answer_question(question))
        for cand in engine.hybrid.eligible(view, engine.hybrid.candidates(view)):
            rows.append(vectorise(cand.features))
            labels.append(passes(engine.hybrid.compose(view, cand), case.expect, case.sources))
            owner.append(n)
            prints.append(footprint(cand.items))
    return Table(np.array(rows), np.array(labels, dtype=int), np.array(owner), cases, prints)


@dataclass
class Linear:
    """A linear scorer with scikit-learn's attribute names (what ``_params`` writes out)."""

    coef_: np.ndarray  # shape (1, features)
    intercept_: np.ndarray  # shape (1,)

    def decision_function(self, z: np.ndarray) -> np.ndarray:
        return z @ self.coef_[0] + self.intercept_[0]


# L2 strength of the listwise ranker: measured on 336 sets in five folds (README, forty-seventh session),
# 0.0001, 0.001 and 0.01 hold out within a point of each other; 0.001 abstains best
RANKER_L2 = 0.001


def _fit_listwise(x: np.ndarray, y: np.ndarray, question: np.ndarray, l2: float = RANKER_L2):
    """The ranker's weights, fitted to order each question's candidates: the loss of a question is minus
    the log of the share its passing candidates take of a softmax over all its candidates' scores (a
    conditional logit), averaged over the questions with both a passing and a failing candidate (the others
    say nothing about order). A pointwise fit (each candidate pass or fail on its own) spends its weights on
    telling questions apart, which the ranker never has to do: it only picks within a question. Held out on
    the 133 unseen sets, listwise puts the wrong candidate first 968 times against 1,191 (README)."""
    from scipy.optimize import minimize

    mu = x.mean(axis=0)
    sigma = x.std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    z = (x - mu) / sigma
    _, owner = np.unique(question, return_inverse=True)
    passing = np.bincount(owner, weights=y)
    size = np.bincount(owner)
    keep = ((passing > 0) & (passing < size))[owner]
    if not keep.any():
        raise ValueError("no question has both a passing and a failing candidate: nothing to rank")
    z, label = z[keep], y[keep].astype(bool)
    _, owner = np.unique(owner[keep], return_inverse=True)
    n = int(owner.max()) + 1

    def log_sum_exp(score: np.ndarray, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per question, log of the sum of exp(score) over its rows in ``where``, and each such row's share
        of it (computed from the question's largest score, so nothing overflows or vanishes)."""
        top = np.full(n, -np.inf)
        np.maximum.at(top, owner[where], score[where])
        e = np.where(where, np.exp(np.where(where, score, 0.0) - np.where(where, top[owner], 0.0)), 0.0)
        total = np.bincount(owner, weights=e, minlength=n)
        return top + np.log(total), e / total[owner]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        score = z @ w
        every, every_share = log_sum_exp(score, np.ones(len(score), dtype=bool))
        good, good_share = log_sum_exp(score, label)
        value = np.sum(every - good) / n + 0.5 * l2 * (w @ w)
        return value, z.T @ ((every_share - good_share) / n) + l2 * w

    fitted = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    if not np.all(np.isfinite(fitted.x)):
        raise ValueError(f"the listwise ranker did not converge: {fitted.message}")
    if not fitted.success:
        print(f"listwise ranker: {fitted.message} (after {fitted.nit} iterations); its weights are kept")
    return Linear(fitted.x.reshape(1, -1), np.zeros(1)), mu, sigma


# The ranker's boosted trees (LightGBM's LambdaRank: each question's candidates ordered against one another,
# the top three weighed most). Measured on 355 sets (README, fifty-first session): held out in five folds,
# the unseen sets' answerable questions that have a passing candidate get the wrong one first 1,106 times
# of 11,715 with the linear listwise ranker, 981 with 200 trees of 15 leaves, 722 with 600 of 63; but fitted
# on one story and scored on the other, 200 trees of 15 leaves do best (769 and 1,123 wrong first against the
# linear ranker's 852 and 1,205; 600 of 63: 800 and 1,232), and the larger trees answered a small test story's
# questions with the wrong figure. The engine is for any story, so the smaller trees are fitted.
RANK_TREES = 200
RANK_LEAVES = 15
RANK_TOP = 3
RANK_LEARNING_RATE = 0.05
RANK_MIN_LEAF = 20  # candidates


class Ranked:
    """A LightGBM ranker with the scorer interface the linear one has (``decision_function``)."""

    def __init__(self, booster) -> None:
        self.booster = booster

    def decision_function(self, z: np.ndarray) -> np.ndarray:
        return self.booster.predict(z)


def _fit_lambdarank(x: np.ndarray, y: np.ndarray, question: np.ndarray, l2: float = RANKER_L2):
    """The ranker as boosted trees over the raw features (``l2`` is the linear ranker's and unused here):
    LambdaRank on each question's candidates, a question that has no passing candidate saying nothing."""
    import lightgbm

    order = np.argsort(question, kind="stable")
    _, size = np.unique(question[order], return_counts=True)
    model = lightgbm.LGBMRanker(
        objective="lambdarank",
        n_estimators=RANK_TREES,
        num_leaves=RANK_LEAVES,
        learning_rate=RANK_LEARNING_RATE,
        min_child_samples=RANK_MIN_LEAF,
        lambdarank_truncation_level=RANK_TOP,
        deterministic=True,
        force_row_wise=True,
        # OpenMP threads spin while they wait: beside other work (the tests in two processes) one is faster
        n_jobs=1,
        verbose=-1,
    )
    model.fit(x[order], y[order], group=size)
    return Ranked(model.booster_), np.zeros(x.shape[1]), np.ones(x.shape[1])


def _lightgbm_tree_params(fitted: tuple, names: list[str]) -> dict:
    """A LightGBM ranker's trees in the answerer's plain lists (``_tree_params``), nodes numbered depth
    first from the root; LightGBM sends a value at or below a split's threshold left, as the engine does."""
    trees = []
    for info in fitted[0].booster.dump_model()["tree_info"]:
        tree: dict[str, list] = {"feature": [], "threshold": [], "left": [], "right": [], "value": []}

        def add(node: dict, tree: dict[str, list] = tree) -> int:
            at = len(tree["feature"])
            leaf = "leaf_value" in node
            if not leaf and node["decision_type"] != "<=":
                raise ValueError(f"a split the engine cannot walk: {node['decision_type']}")
            tree["feature"].append("" if leaf else names[int(node["split_feature"])])
            tree["threshold"].append(0.0 if leaf else float(node["threshold"]))
            tree["value"].append(float(node["leaf_value"]) if leaf else 0.0)
            tree["left"].append(-1)
            tree["right"].append(-1)
            if not leaf:
                tree["left"][at] = add(node["left_child"])
                tree["right"][at] = add(node["right_child"])
            return at

        add(info["tree_structure"])
        trees.append(tree)
    return {"base": 0.0, "trees": trees}


def _fit_likelihood(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The logistic curve from a rank score to the chance that its candidate passes (Platt scaling), fitted
    on the candidates of questions the sources answer: what a refusal's "did you mean" offers is read off
    it, whichever ranker gave the score."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6).fit(score.reshape(-1, 1), y)
    return float(fit.coef_[0][0]), float(fit.intercept_[0])


# The answerer's boosted trees: many of them, learning slowly, each leaf standing for at least MIN_LEAF
# questions; the answer never falls as the ranker's score of the best candidate or its lead rises. Held out
# in five folds on 336 sets with the listwise ranker (README, forty-seventh session), the unseen sets gave
# 0.733 / 0.846 with 200 trees of 15 leaves, 0.771 / 0.842 with 400 of 31, 0.788 / 0.836 with 800 of 31
# (and with 400 of 63): more room to combine the candidate's features buys answers for a point of refusals.
TREES = 800
TREE_LEAVES = 31
MIN_LEAF = 20
LEARNING_RATE = 0.05


def _fit_trees(x: np.ndarray, y: np.ndarray):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rising = [1 if name in ("rank_score", "rank_margin") else 0 for name in ANSWER_FEATURES]
    model = HistGradientBoostingClassifier(
        max_iter=TREES,
        learning_rate=LEARNING_RATE,
        max_leaf_nodes=TREE_LEAVES,
        min_samples_leaf=MIN_LEAF,
        l2_regularization=1.0,
        monotonic_cst=rising,
        early_stopping=False,
    )
    model.fit(x, y)
    return model, np.zeros(x.shape[1]), np.ones(x.shape[1])


@dataclass
class TwoStage:
    """The fitted ranker and answerer (scikit-learn models with their standardisation), and the curve from
    a rank score to a candidate's likelihood."""

    ranker: tuple
    answerer: tuple
    likelihood: tuple[float, float] = (1.0, 0.0)

    def rank(self, x: np.ndarray) -> np.ndarray:
        model, mu, sigma = self.ranker
        return model.decision_function((x - mu) / sigma)

    def probabilities(self, t: Table, rows: np.ndarray) -> np.ndarray:
        """Per candidate row: the answerer's probability for a question's best-ranked candidate, -1 for
        the others (so a question's best row is the one the engine would give)."""
        qx, top = _question_rows(t, rows, self.rank(t.x))
        p = np.full(len(t.y), -1.0)
        if len(top):
            model, mu, sigma = self.answerer
            p[top] = model.predict_proba((qx - mu) / sigma)[:, 1]
        return p


def _question_rows(t: Table, rows: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each question's answerer input (its best-ranked candidate's score, lead and features) and that
    candidate's row."""
    by_q: dict[int, list[int]] = {}
    for row in rows:
        by_q.setdefault(int(t.question[row]), []).append(int(row))
    qx, top = [], []
    for q_rows in by_q.values():
        order = sorted(q_rows, key=lambda r: -score[r])
        rival = next((r for r in order[1:] if rivals(t.prints[order[0]], t.prints[r])), None)
        margin = score[order[0]] - score[rival] if rival is not None else NO_RUNNER_UP
        qx.append(np.concatenate([[score[order[0]], margin], t.x[order[0]]]))
        top.append(order[0])
    return np.array(qx).reshape(len(qx), len(ANSWER_FEATURES)), np.array(top, dtype=int)


RANKERS = {"trees": _fit_lambdarank, "linear": _fit_listwise}


def fit_two_stage(t: Table, rows: np.ndarray, l2: float = RANKER_L2, ranker: str = "trees") -> TwoStage:
    """The ranker on the candidates of answerable questions among ``rows``, then the answerer on every
    question's best-ranked candidate (labelled by whether it passes)."""
    answerable = np.array([t.cases[int(q)].expect is not None for q in t.question[rows]])
    mine = rows[answerable]
    fitted = RANKERS[ranker](t.x[mine], t.y[mine], t.question[mine], l2)
    model, mu, sigma = fitted
    score = model.decision_function((t.x - mu) / sigma)
    qx, top = _question_rows(t, rows, score)
    return TwoStage(fitted, _fit_trees(qx, t.y[top]), _fit_likelihood(score[mine], t.y[mine]))


def _best_per_question(p: np.ndarray, t: Table, idx: np.ndarray) -> dict[int, tuple[float, bool]]:
    """Per question: the highest probability among its candidates and whether that candidate passes."""
    best: dict[int, tuple[float, bool]] = {}
    for row in idx:
        q = int(t.question[row])
        if q not in best or p[row] > best[q][0]:
            best[q] = (float(p[row]), bool(t.y[row]))
    return best


def _accuracy(best: dict[int, tuple[float, bool]], cases: list[Case], questions: list[int], tau: float):
    ans = ans_ok = abs_ = abs_ok = 0
    for q in questions:
        p, ok = best.get(q, (0.0, False))
        if cases[q].expect is None:
            abs_ += 1
            abs_ok += p < tau
        else:
            ans += 1
            ans_ok += p >= tau and ok
    return ans_ok / max(ans, 1), abs_ok / max(abs_, 1)


def _chosen_on(cases: list[Case], questions: list[int], calibrate: set[str] | None) -> list[int]:
    """The questions a threshold is chosen on: those of the ``calibrate`` sets among ``questions``, or all of
    them when there are none."""
    return [q for q in questions if cases[q].set_name in (calibrate or ())] or questions


THRESHOLD_SMOOTHING = 3  # grid steps (of 0.01) either side averaged before the best threshold is taken


def _choose_threshold(best, cases, questions) -> float:
    """The threshold where the worse of answer and abstain accuracy is best, averaged over its neighbours.
    Each has its own goal (a floor), so the one further from it is what counts; their sum is flat over a
    wide range and let the threshold drift to whichever side a new set tipped. The smoothing keeps a lone
    peak, which is noise that moves with every set added, from deciding."""
    grid = np.linspace(0.05, 0.95, 91)
    scores = np.array([min(_accuracy(best, cases, questions, tau)) for tau in grid])
    window = np.ones(2 * THRESHOLD_SMOOTHING + 1)
    smooth = np.convolve(scores, window, "same") / np.convolve(np.ones_like(scores), window, "same")
    return float(grid[int(np.argmax(smooth))])


def evaluate_held_out(
    t: Table,
    l2: float,
    answered: list[tuple[float, bool]] | None = None,
    unseen: dict[int, tuple[float, bool]] | None = None,
    folds: int = 0,
    calibrate: set[str] | None = None,
    ranker: str = "trees",
) -> dict[str, tuple[float, float]]:
    """Each set held out in turn: (answer_acc, abstain_acc) with the decision fitted on the others; with
    ``folds``, the sets are dealt into that many groups (in name order, round the table) and each group
    is held out together, one fit per group instead of one per set. ``answered`` collects (confidence,
    correct) of every held-out answer given, to check calibration; ``unseen``, per question, its best
    candidate's probability from the fit without its set and whether that candidate passes. Each fit's
    threshold is chosen on its training questions of the ``calibrate`` sets when it has any."""
    out = {}
    names = sorted({case.set_name for case in t.cases})
    groups = [names[i::folds] for i in range(folds)] if 0 < folds < len(names) else [[n] for n in names]
    for group in groups:
        held = np.array([t.cases[q].set_name in group for q in t.question])
        p = fit_two_stage(t, np.where(~held)[0], l2, ranker).probabilities(t, np.arange(len(t.y)))
        train_q = sorted({int(q) for q in t.question[~held]})
        chosen_on = _chosen_on(t.cases, train_q, calibrate)
        tau = _choose_threshold(_best_per_question(p, t, np.where(~held)[0]), t.cases, chosen_on)
        best = _best_per_question(p, t, np.where(held)[0])
        for name in group:
            held_q = [n for n, case in enumerate(t.cases) if case.set_name == name]
            out[name] = _accuracy(best, t.cases, held_q, tau)
        if unseen is not None:
            unseen.update(best)
        if answered is not None:
            answered.extend((pq, ok) for q, (pq, ok) in best.items() if pq >= tau)
    return out


def calibration(answered: list[tuple[float, bool]]) -> list[tuple[str, int, float, float]]:
    """(confidence band, answers, mean confidence, share correct) over held-out answers."""
    rows = []
    for lo, hi in ((0.0, 0.8), (0.8, 0.9), (0.9, 0.97), (0.97, 1.01)):
        band = [(p, ok) for p, ok in answered if lo <= p < hi]
        if band:
            rows.append(
                (
                    f"{lo:.2f}-{min(hi, 1.0):.2f}",
                    len(band),
                    float(np.mean([p for p, _ in band])),
                    float(np.mean([ok for _, ok in band])),
                )
            )
    return rows


def _params(fitted: tuple, names: list[str]) -> dict:
    model, mu, sigma = fitted
    return {
        "weights": {name: float(w) for name, w in zip(names, model.coef_[0], strict=True) if w},
        "bias": float(model.intercept_[0]),
        "mean": {name: float(v) for name, v in zip(names, mu, strict=True) if v},
        "scale": {name: float(v) for name, v in zip(names, sigma, strict=True) if v != 1.0},
    }


def _tree_params(fitted: tuple, names: list[str]) -> dict:
    """The answerer's trees as plain lists per tree: each node's feature name ("" at a leaf) and threshold,
    its children (-1 at a leaf) and its value (a leaf's share of the logit)."""
    model = fitted[0]
    trees = []
    for (predictor,) in model._predictors:  # one tree per round for a yes/no answer
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": [
                    "" if lf else names[int(f)] for f, lf in zip(nodes["feature_idx"], leaf, strict=True)
                ],
                "threshold": [
                    0.0 if lf else float(v) for v, lf in zip(nodes["num_threshold"], leaf, strict=True)
                ],
                "left": [-1 if lf else int(v) for v, lf in zip(nodes["left"], leaf, strict=True)],
                "right": [-1 if lf else int(v) for v, lf in zip(nodes["right"], leaf, strict=True)],
                "value": [float(v) if lf else 0.0 for v, lf in zip(nodes["value"], leaf, strict=True)],
            }
        )
    return {"base": float(np.ravel(model._baseline_prediction)[0]), "trees": trees}


def build_tables(stories: list[tuple[Path, list[Path]]]) -> tuple[Table, list[Path]]:
    """One table over every story's questions, each put to an engine on its own knowledge folder."""
    parts, paths = [], []
    for folder, sets in stories:
        engine = AnswerEngine(load_knowledge(folder), decision=None)
        parts.append(build_table(engine, load_cases(sets)))
        paths += sets
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):  # a set is held out by its name
        raise SystemExit(f"two question sets share a name: {sorted(stems)}")
    offsets = np.cumsum([0] + [len(t.cases) for t in parts[:-1]])
    table = Table(
        np.concatenate([t.x for t in parts]),
        np.concatenate([t.y for t in parts]),
        np.concatenate([t.question + off for t, off in zip(parts, offsets, strict=True)]),
        [c for t in parts for c in t.cases],
        [f for t in parts for f in t.prints],
    )
    return table, paths


def table_digest(stories: list[tuple[Path, list[Path]]]) -> str:
    """What a table depends on: the engine's code, the features' names, each story's files and its sets."""
    h = hashlib.sha256(json.dumps(FEATURES).encode())
    files = sorted((ROOT / "knowledge").glob("*.py"))
    for folder, sets in stories:
        files += sorted(f for f in Path(folder).rglob("*") if f.suffix in (".toml", ".txt", ".json"))
        files += sets
    for f in files:
        h.update(str(f.resolve().relative_to(ROOT) if f.resolve().is_relative_to(ROOT) else f).encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def cached_tables(stories: list[tuple[Path, list[Path]]], cache: Path | None) -> tuple[Table, list[Path]]:
    """``build_tables``, read from ``cache`` when it was built from the same code, stories and sets, else
    built and written there. The cache is a local pickle this command wrote; never point it at a file
    from elsewhere."""
    if cache is None:
        return build_tables(stories)
    digest = table_digest(stories)
    if cache.exists():
        with cache.open("rb") as fh:
            kept = pickle.load(fh)
        if kept.get("digest") == digest:
            print(f"table read from {cache}")
            return kept["table"], kept["paths"]
        print(f"{cache} was built from other code or data: building the table again")
    table, paths = build_tables(stories)
    with cache.open("wb") as fh:
        pickle.dump({"digest": digest, "table": table, "paths": paths}, fh)
    return table, paths


def without_features(table: Table, names: list[str]) -> Table:
    """``table`` with the named features' columns zeroed, as if they were never computed."""
    unknown = sorted(set(names) - set(FEATURES))
    if unknown:
        raise SystemExit(f"no such feature: {', '.join(unknown)}")
    x = table.x.copy()
    x[:, [FEATURES.index(n) for n in names]] = 0.0
    return Table(x, table.y, table.question, table.cases, table.prints)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m knowledge.training", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--story",
        nargs=2,
        action="append",
        metavar=("KNOWLEDGE_DIR", "SETS_DIR"),
        help="a knowledge folder and the folder of its question sets (repeatable; default: every story)",
    )
    ap.add_argument("--out", type=Path, default=PARAMS_FILE)
    ap.add_argument(
        "--ranker",
        choices=sorted(RANKERS),
        default="trees",
        help="the ranker: boosted trees (LambdaRank, the default) or the linear listwise model",
    )
    ap.add_argument("--l2", type=float, default=RANKER_L2, help="L2 strength of the linear listwise ranker")
    ap.add_argument("--no-held-out", action="store_true", help="skip the held-out evaluation")
    ap.add_argument("--table", type=Path, help="keep the table of candidates in this local file and reuse it")
    ap.add_argument("--drop", action="append", default=[], metavar="FEATURE", help="fit without a feature")
    ap.add_argument(
        "--threshold-on-unseen",
        action="store_true",
        help="choose the threshold on the held-out questions of the sets in unseen/ folders only",
    )
    ap.add_argument(
        "--folds", type=int, default=0, help="hold the sets out in this many groups, not one by one (faster)"
    )
    args = ap.parse_args(argv)
    if args.threshold_on_unseen and args.no_held_out:
        ap.error("--threshold-on-unseen chooses on held-out probabilities: it needs the held-out run")
    stories = [(Path(k), story_sets(Path(d))) for k, d in args.story] if args.story else default_stories()
    table, paths = cached_tables(stories, args.table)
    if args.drop:
        table = without_features(table, args.drop)
    cases = table.cases
    unseen_sets = unseen_names(paths)
    calibrate = unseen_sets if args.threshold_on_unseen else set()
    print(
        f"{len(cases)} questions from {len(paths)} sets of {len(stories)} stories, {len(table.y)} candidates, "
        f"{table.y.sum()} correct"
    )
    held: dict[str, tuple[float, float]] = {}
    bands: list[tuple[str, int, float, float]] = []
    unseen: dict[int, tuple[float, bool]] = {}
    if not args.no_held_out:
        answered: list[tuple[float, bool]] = []
        held = evaluate_held_out(table, args.l2, answered, unseen, args.folds, calibrate, args.ranker)
        for name, (a, b) in held.items():
            print(f"held out {name:<22} answer_acc={a:.3f} abstain_acc={b:.3f}")
        bands = calibration(answered)
        for band, n, conf, right in bands:
            print(
                f"held-out answers with confidence {band}: {n:>4}, mean confidence {conf:.3f}, correct {right:.3f}"
            )
    fitted = fit_two_stage(table, np.arange(len(table.y)), args.l2, args.ranker)
    p = fitted.probabilities(table, np.arange(len(table.y)))
    questions = list(range(len(cases)))
    best = _best_per_question(p, table, np.arange(len(p)))
    # the threshold is chosen where the probabilities are those of wording the fit has not seen (each
    # question's from the fit without its set): the trees rate their own training questions too surely;
    # and on the sets that stand for unseen wording, when there are any (see the module's docstring)
    tau = _choose_threshold(unseen or best, cases, _chosen_on(cases, questions, calibrate))
    a, b = _accuracy(best, cases, questions, tau)
    print(f"fitted on all: threshold={tau:.2f} answer_acc={a:.3f} abstain_acc={b:.3f} (training questions)")
    if unseen:
        groups = [("every set's questions", questions)]
        if unseen_sets:
            groups.append(
                (
                    f"the {len(unseen_sets)} unseen sets",
                    [q for q in questions if cases[q].set_name in unseen_sets],
                )
            )
            groups.append(("the others", [q for q in questions if cases[q].set_name not in unseen_sets]))
        for label, qs in groups:
            a, b = _accuracy(unseen, cases, qs, tau)
            print(f"held out, at that threshold: answer_acc={a:.3f} abstain_acc={b:.3f} ({label})")
            for near in (tau - 0.1, tau - 0.05, tau + 0.05, tau + 0.1):
                a, b = _accuracy(unseen, cases, qs, near)
                print(f"held out, at {near:.2f}: answer_acc={a:.3f} abstain_acc={b:.3f} ({label})")
    params = {
        "about": "answer/abstain decision fitted by python -m knowledge.training; see knowledge/decision.py",
        "ranker": {
            **(_lightgbm_tree_params if args.ranker == "trees" else _params)(fitted.ranker, FEATURES),
            "likelihood": {"scale": fitted.likelihood[0], "bias": fitted.likelihood[1]},
        },
        "answerer": _tree_params(fitted.answerer, ANSWER_FEATURES),
        "threshold": tau,
        "trained_on": [p.name for p in paths],
        "threshold_chosen_on": sorted(calibrate),  # empty: every set's questions
        "held_out": {
            k: {"answer_acc": round(a, 3), "abstain_acc": round(b, 3)} for k, (a, b) in held.items()
        },
        "calibration": [
            {"confidence": band, "answers": n, "mean_confidence": round(conf, 3), "correct": round(right, 3)}
            for band, n, conf, right in bands
        ],
    }
    # written compact: the two models' trees are some 55,000 nodes, a line each when indented
    args.out.write_text(json.dumps(params, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
