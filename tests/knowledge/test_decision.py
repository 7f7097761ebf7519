"""The fitted answer/abstain decision: its parameters load, its probabilities order candidates sensibly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.decision import ANSWER_FEATURES, FEATURES, PARAMS_FILE, Decision, question_type
from knowledge.dense import TokenAligner
from knowledge.engine import AnswerEngine
from knowledge.loader import load_knowledge
from knowledge.models import Answer
from knowledge.training import passes
from knowledge.understand import understand


def test_the_shipped_parameters_load_and_name_only_known_features() -> None:
    """decision.json holds a ranker and an answerer over known features, a threshold in (0, 1) and its
    held-out figures."""
    data = json.loads(PARAMS_FILE.read_text(encoding="utf-8"))
    ranker = {f for tree in data["ranker"]["trees"] for f in tree["feature"] if f}
    assert ranker and ranker <= set(FEATURES)
    trees = data["answerer"]["trees"]
    assert trees and {f for tree in trees for f in tree["feature"] if f} <= set(ANSWER_FEATURES)
    assert 0.0 < data["threshold"] < 1.0
    assert data["held_out"], "the fit records its held-out estimate"
    decision = Decision.load()
    # the answerer reads the ranker's verdict: a best candidate the ranker rates higher is likelier to be
    # given (the fit constrains the trees so), whatever else the candidate shows
    for features in ({}, {"rule_abstained": 1.0, "type=yesno": 1.0}, {"dense": 0.8, "agree_rule": 1.0}):
        chances = [decision.probability(features, score, 1.0) for score in (-3.0, -1.0, 0.0, 1.0, 3.0)]
        assert chances == sorted(chances) and chances[0] < chances[-1], chances


def test_the_answerers_trees_give_what_scikit_learn_gives() -> None:
    """The answerer's trees, written out by the training and read back by the engine (which does not
    import scikit-learn), give the fitted model's own probabilities."""
    from knowledge.decision import _sigmoid, _Trees
    from knowledge.training import _fit_trees, _tree_params

    rng = np.random.default_rng(7)
    x = rng.normal(size=(600, len(ANSWER_FEATURES)))
    x[:, 5] = rng.integers(0, 2, size=600)  # a yes/no feature, split at 0.5
    y = ((x[:, 0] + x[:, 5] - x[:, 9] + rng.normal(scale=0.5, size=600)) > 0.3).astype(int)
    fitted = _fit_trees(x, y)
    trees = _Trees.from_params(json.loads(json.dumps(_tree_params(fitted, ANSWER_FEATURES))), ANSWER_FEATURES)
    ours = np.array([_sigmoid(trees.logit(row)) for row in x[:50]])
    assert np.allclose(ours, fitted[0].predict_proba(x[:50])[:, 1], atol=1e-9)


def test_the_ranker_learns_the_order_within_a_question_not_the_level_between_questions() -> None:
    """The listwise ranker is fitted on each question's candidates against one another: a feature that
    rises with the passing candidate inside a question gets weight, one that is the same for every
    candidate of a question (however well it tells questions with a passing candidate apart) gets none,
    and the fitted scores put the passing candidate first; questions whose candidates all pass, or none,
    teach it nothing and change nothing."""
    from knowledge.training import _fit_listwise

    rng = np.random.default_rng(3)
    questions, per = 300, 6
    owner = np.repeat(np.arange(questions), per)
    y = np.zeros(questions * per, dtype=int)
    y[np.arange(questions) * per + rng.integers(0, per, size=questions)] = 1  # one passing candidate each
    x = rng.normal(scale=0.5, size=(questions * per, 3))
    x[:, 0] += 1.5 * y  # higher on the passing candidate
    x[:, 1] = np.repeat(rng.normal(size=questions), per)  # one value per question
    model, mu, sigma = _fit_listwise(x, y, owner)
    weights = model.coef_[0]
    assert weights[0] > 1.0 and abs(weights[1]) < 1e-6, weights
    score = model.decision_function((x - mu) / sigma).reshape(questions, per)
    first = y.reshape(questions, per)[np.arange(questions), score.argmax(axis=1)]
    assert first.mean() > 0.9, first.mean()
    # a question whose candidates all pass and one where none does: the same weights (in the features'
    # own units: the standardisation is over every row)
    more_x = np.vstack([x, rng.normal(scale=0.5, size=(2 * per, 3))])
    more_y = np.concatenate([y, np.ones(per, dtype=int), np.zeros(per, dtype=int)])
    more_owner = np.concatenate([owner, np.repeat([questions, questions + 1], per)])
    again, _, again_sigma = _fit_listwise(more_x, more_y, more_owner)
    assert np.allclose(again.coef_[0] / again_sigma, weights / sigma, rtol=0.02, atol=1e-3)


def test_the_rankers_trees_give_what_lightgbm_gives_and_order_within_a_question() -> None:
    """The LambdaRank ranker, written out by the training and walked by the engine (which does not import
    LightGBM), scores every candidate as the fitted booster does; it puts a question's passing candidate
    first where a feature rises with it inside the question, and the likelihood fitted on its scores
    rises with them."""
    from knowledge.decision import _Trees
    from knowledge.training import _fit_lambdarank, _fit_likelihood, _lightgbm_tree_params

    rng = np.random.default_rng(5)
    questions, per = 300, 6
    owner = np.repeat(np.arange(questions), per)
    y = np.zeros(questions * per, dtype=int)
    y[np.arange(questions) * per + rng.integers(0, per, size=questions)] = 1
    x = np.zeros((questions * per, len(FEATURES)))
    x[:, :3] = rng.normal(scale=0.5, size=(questions * per, 3))
    x[:, 0] += 1.5 * y  # higher on the passing candidate
    x[:, 1] = np.repeat(rng.normal(size=questions), per)  # one value per question
    x[:, 2] = (x[:, 2] > 0).astype(float)  # a yes/no feature
    fitted = _fit_lambdarank(x, y, owner)
    trees = _Trees.from_params(json.loads(json.dumps(_lightgbm_tree_params(fitted, FEATURES))), FEATURES)
    ours = trees.logits(x)
    assert np.allclose(ours, fitted[0].decision_function(x), atol=1e-9)
    assert np.isclose(trees.logit(x[0]), ours[0])
    first = y.reshape(questions, per)[np.arange(questions), ours.reshape(questions, per).argmax(axis=1)]
    assert first.mean() > 0.9, first.mean()
    scale, _ = _fit_likelihood(ours, y)
    assert scale > 0


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how many people died", "count"),
        ("who said there is no military solution", "who_said"),
        ("what did the kremlin say", "what_said"),
        ("when did the fighting start", "when"),
        ("where did the fighting happen", "where"),
        ("which newspaper reported the toll", "source"),
        ("did russia send troops", "yesno"),
        # a statement put up to be confirmed is a yes/no check, whatever its word order
        ("the bloc met on tuesday, true or false?", "yesno"),
        ("true or false: the bloc met on tuesday", "yesno"),
        ("so the ministry gave the figure, is that right?", "yesno"),
        ("is it correct that most of those killed were asleep", "yesno"),
        ("am i right that the talks were in april", "yesno"),
        ("which post does the envoy hold", "who_is"),  # asks who the envoy is
        ("how many died, right?", "count"),
        # a tag question is a check, typed with or without its apostrophe; an open question ending in
        # "is it" is not
        ("the war lasted six months, didn't it?", "yesno"),
        ("the war lasted six months did not it", "yesno"),
        ("the envoy met both leaders, did he?", "yesno"),
        ("where is it?", "where"),
        # a chat tag, "or nah", or a request to confirm is a check too; "ok" and "see ya" are not tags
        ("the payout was five lakh yeah?", "yesno"),
        ("the base is in the north, innit", "yesno"),
        ("the envoy resigned, no?", "yesno"),
        ("the minister said so na?", "yesno"),
        ("the bloc sent troops or nah", "yesno"),
        ("confirm the town was evacuated", "yesno"),
        ("can you verify the envoy met both leaders", "yesno"),
        ("fact check: the war lasted six months", "yesno"),
        ("was his coach ok", "yesno"),
        ("national news", "other"),
        ("see ya", "other"),
    ],
)
def test_question_forms(question: str, kind: str) -> None:
    """General English question forms are told apart."""
    assert question_type(question) == kind


@pytest.fixture(scope="module")
def engine() -> AnswerEngine:
    return AnswerEngine(load_knowledge())


def test_confidence_is_the_decisions_probability(engine: AnswerEngine) -> None:
    """An answer's confidence is at least the fitted threshold; a refusal's is below it."""
    threshold = Decision.load().threshold
    ans = engine.ask("how many Armenian soldiers were killed?")
    assert ans.answered and ans.confidence >= threshold
    refused = engine.ask("what is the GDP of Azerbaijan?")
    assert not refused.answered and refused.confidence < threshold


def test_a_question_about_one_countrys_official_is_not_answered_with_anothers(engine: AnswerEngine) -> None:
    """'Azerbaijan's prime minister' is not answered with Armenia's."""
    ans = engine.ask("who is Azerbaijan's prime minister?")
    assert not ans.answered or "Pashinyan" not in ans.answer


def test_the_labels_follow_the_scorer() -> None:
    """A candidate is correct only when it answers, has every expected group and cites an expected source."""
    from knowledge.models import Citation

    cite = Citation(n=1, source="s1", quote="forty-nine soldiers")
    ans = Answer(
        question="q",
        answered=True,
        kind="qa",
        answer="49 soldiers died [1]",
        citations=[cite],
        confidence=0.9,
    )
    assert passes(ans, [["49", "forty-nine"]], ["s1"])
    assert not passes(ans, [["49"], ["wounded"]], ["s1"])
    assert not passes(ans, [["49"]], ["s2"])
    assert not passes(ans.model_copy(update={"answered": False}), [["49"]], ["s1"])


def test_a_paraphrase_aligns_better_than_a_text_about_something_else() -> None:
    """Word-by-word alignment matches a question to a text that says the same in other words, and its
    minimum shows the question word that an unrelated text leaves unmatched."""
    aligner = TokenAligner(
        {
            "toll": "The ministry said 49 soldiers lost their lives in the overnight shelling.",
            "talks": "The two leaders met in the capital for peace talks in the spring.",
        }
    )
    question = aligner.question("how many troops were killed in the bombardment")
    toll, toll_min = aligner.align(question, ["toll"])
    talks, talks_min = aligner.align(question, ["talks"])
    assert toll > talks and toll_min > talks_min
    assert aligner.align(question, ["unknown item"]) == (0.0, 0.0)


def test_a_runner_up_resting_on_the_same_item_is_no_rival(engine: AnswerEngine) -> None:
    """The lead the answerer weighs is over the best candidate that says something else: a listing holding
    the item another candidate gives alone, or an item citing the same passage, is the same answer."""
    from knowledge.hybrid import footprint, rivals

    items = engine.kb.casualties
    a, b = (
        items[0],
        next(
            c for c in items[1:] if not {e.quote for e in c.evidence} & {e.quote for e in items[0].evidence}
        ),
    )
    assert not rivals(footprint([a]), footprint([b, a]))  # a listing with the other's item in it
    assert not rivals(footprint([b, a]), footprint([a]))
    assert rivals(footprint([a]), footprint([b]))
    assert rivals(footprint([]), footprint([a]))  # an answer of no item rests on nothing another does


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("at what exact time did the fighting start", {"time"}),
        ("on which precise date was it signed", {"day"}),
        ("how old is the minister", {"age"}),
        ("how many soldiers died", {"number"}),
    ],
)
def test_a_question_form_is_read_past_an_adverb(question: str, wanted: set) -> None:
    """What a question's form asks for (a time, a day, an age) is seen through "exact" or "precise"."""
    from knowledge.decision import wants

    assert wants(question) == wanted


@pytest.mark.parametrize(
    ("question", "judged"),
    [
        ("was freedonia right to close the border?", True),
        ("who is right here", True),
        # "right" as an adverb of time or place asks for facts, not a judgement
        ("did an official say the cause was known right away?", False),
        ("was anyone right there when it happened", False),
        # "right" closing a statement asks whether the statement holds
        ("was freedonia right?", True),
        ("and the president is smith right", False),
        # an occasion still to come
        ("when is the next round of talks", True),
        ("when was the last round of talks", False),
        ("will the fighting be over soon", True),
        ("when will it be safe", True),
        # when or where something planned is to be done: an article may report the plan
        ("when will the hearing be held", False),
        ("where will the talks be held", False),
    ],
)
def test_a_judgement_is_told_from_right_away(engine: AnswerEngine, question: str, judged: bool) -> None:
    """A judgement asked for is refused as one; "right away" and "right there" do not make a question one."""
    assert understand(question, engine.names).is_prediction is judged


def test_the_training_table_is_kept_reused_and_fitted_without_a_feature(tmp_path, capsys) -> None:
    """``--table`` writes the candidates' table once and reads it back while nothing it depends on changed;
    ``--drop`` fits with a feature's column zeroed, so the written ranker never splits on that feature."""
    from knowledge.training import STORIES, main

    story = STORIES / "pukhrayan-derailment"
    cases = json.loads(
        (Path(__file__).parents[1] / "data" / "stories" / story.name / "rail_a.json").read_text()
    )
    sets = tmp_path / "sets"
    sets.mkdir()
    (sets / "small.json").write_text(json.dumps(cases[:40]), encoding="utf-8")
    table, out = tmp_path / "table.pickle", tmp_path / "decision.json"
    argv = ["--story", str(story), str(sets), "--no-held-out", "--table", str(table), "--out", str(out)]
    assert main(argv) == 0 and table.exists()
    assert "table read from" not in capsys.readouterr().out
    assert main([*argv, "--drop", "dense"]) == 0
    assert "table read from" in capsys.readouterr().out
    split_on = {f for tree in json.loads(out.read_text())["ranker"]["trees"] for f in tree["feature"] if f}
    assert split_on and "dense" not in split_on, split_on
    (sets / "small.json").write_text(json.dumps(cases[:30]), encoding="utf-8")  # a set changed: built again
    assert main(argv) == 0
    assert "building the table again" in capsys.readouterr().out


def test_sets_held_out_in_groups_are_each_scored_by_a_fit_without_them(tmp_path, capsys) -> None:
    """``--folds 2`` over four sets: two fits, and each set's held-out figure is printed."""
    from knowledge.training import STORIES, main

    story = STORIES / "pukhrayan-derailment"
    sets = tmp_path / "sets"
    sets.mkdir()
    for name in ("rail_a", "rail_b", "rail_c", "rail_d"):
        cases = json.loads(
            (Path(__file__).parents[1] / "data" / "stories" / story.name / f"{name}.json").read_text()
        )
        (sets / f"{name}.json").write_text(json.dumps(cases[:25]), encoding="utf-8")
    out = tmp_path / "decision.json"
    assert main(["--story", str(story), str(sets), "--folds", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert all(f"held out {name}" in printed for name in ("rail_a", "rail_b", "rail_c", "rail_d")), printed
    assert set(json.loads(out.read_text())["held_out"]) == {"rail_a", "rail_b", "rail_c", "rail_d"}


def test_sets_in_an_unseen_folder_are_fitted_on_and_can_choose_the_threshold(
    tmp_path, capsys, monkeypatch
) -> None:
    """Sets in ``unseen/`` beside the others are fitted on like them and their held-out figures are printed
    apart from the others'; with ``--threshold-on-unseen`` the threshold is chosen on their held-out
    probabilities alone, and the file says which sets chose it."""
    from knowledge.training import STORIES, main

    story = STORIES / "pukhrayan-derailment"
    sets = tmp_path / "sets"
    (sets / "unseen").mkdir(parents=True)
    for name, where in (
        ("rail_a", sets),
        ("rail_b", sets),
        ("rail_c", sets / "unseen"),
        ("rail_d", sets / "unseen"),
    ):
        cases = json.loads(
            (Path(__file__).parents[1] / "data" / "stories" / story.name / f"{name}.json").read_text()
        )
        (where / f"{name}.json").write_text(json.dumps(cases[:25]), encoding="utf-8")
    import knowledge.training as training

    chosen_on: list[set[str]] = []  # the sets whose questions each threshold was chosen on
    choose = training._choose_threshold

    def spy(best, cases, questions):
        chosen_on.append({cases[q].set_name for q in questions})
        return choose(best, cases, questions)

    monkeypatch.setattr(training, "_choose_threshold", spy)
    out = tmp_path / "decision.json"
    argv = [
        "--story",
        str(story),
        str(sets),
        "--folds",
        "2",
        "--out",
        str(out),
        "--table",
        str(tmp_path / "t"),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    fitted = json.loads(out.read_text())
    assert fitted["threshold_chosen_on"] == [] and chosen_on[-1] == {f"rail_{x}" for x in "abcd"}
    assert set(fitted["trained_on"]) == {f"rail_{x}.json" for x in "abcd"}
    assert "(the 2 unseen sets)" in printed and "(the others)" in printed, printed
    chosen_on.clear()
    assert main([*argv, "--threshold-on-unseen"]) == 0
    assert json.loads(out.read_text())["threshold_chosen_on"] == ["rail_c", "rail_d"]
    # the final threshold on the unseen sets alone; each fold's on the unseen sets among its training sets
    assert chosen_on[-1] == {"rail_c", "rail_d"}
    assert all(names and names <= {"rail_c", "rail_d"} for names in chosen_on[:-1]), chosen_on
