"""A story's own words live in its knowledge folder: nothing a story does not contain changes what a
question about it counts. The second folder is a made-up rail crash (tests/knowledge/rail_story)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.analysis import GENERAL, Analyser
from knowledge.dense import encoder
from knowledge.engine import AnswerEngine
from knowledge.errors import InvalidKnowledgeBase
from knowledge.loader import DEFAULT_DIR, load_knowledge
from knowledge.understand import understand

RAIL = Path(__file__).with_name("rail_story")


@pytest.fixture(scope="module")
def rail() -> AnswerEngine:
    return AnswerEngine(load_knowledge(RAIL))


@pytest.mark.parametrize(
    "question",
    [
        "how many soldiers died?",
        "how many troops were killed?",
        "how many soldiers were lost?",
        "how many servicemen died in the crash?",
        "how many people died on the border?",
        "how many people died in the war?",
        "how many civilians died?",
    ],
)
def test_a_war_question_is_not_answered_with_the_passenger_toll(rail: AnswerEngine, question: str) -> None:
    """Soldiers, troops, the border and the war are a war story's words: a rail crash's folder does not
    know them, so a question carrying them is not answered with the passengers' figure."""
    answer = rail.ask(question)
    assert not answer.answered, answer.answer
    assert "23" not in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "how many servicemen died in the crash?",
        "how many soldiers were killed?",
        "how many people died on the border?",
    ],
)
def test_figures_that_count_someone_else_are_no_candidate(rail: AnswerEngine, question: str) -> None:
    """Where the handlers find that the figures count someone else (servicemen of a passenger toll) or
    that the question sets them where the folder never goes (on a border, for a rail crash), those figures
    are ruled out of the candidates the fitted decision weighs: the refusal holds whatever a refit learns."""
    q = understand(question, rail.names)
    rule = rail.intents.answer_question(q)
    assert not rule.answered and "cas-killed" in rule.ruled_out
    assert "ruled_out" not in rule.model_dump_json()  # the handlers' note, not part of the answer contract
    view = rail.hybrid.view(q, rule)
    every = rail.hybrid.candidates(view)
    assert any(c.items and {i.id for i in c.items} <= set(rule.ruled_out) for c in every)
    kept = rail.hybrid.eligible(view, every)
    assert kept and not any(c.items and {i.id for i in c.items} <= set(rule.ruled_out) for c in kept)


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("how many passengers died?", "23"),
        ("how many travellers were killed?", "23"),  # the folder's own synonym for passengers
        ("how many died in the derailment?", "23"),
        ("what was the death toll?", "23"),
        ("how many people were injured?", "41"),
        ("how many people are missing?", "Nine"),
        pytest.param(
            "how many passengers were rescued?",
            "60",
            marks=pytest.mark.xfail(
                reason="refused by the 800-tree fit (forty-seventh session)", strict=True
            ),
        ),
    ],
)
def test_the_storys_own_figures_answer_in_its_words(rail: AnswerEngine, question: str, figure: str) -> None:
    """The same folder answers figure questions in its own words, each outcome (killed, injured,
    missing, rescued) with its own figure."""
    answer = rail.ask(question)
    assert answer.answered, answer.answer
    assert figure in answer.answer.split("[")[0]


def test_each_story_reads_words_with_its_own_vocabulary() -> None:
    """The shipped war story folds troops and servicemen into soldiers; general English and the rail
    story do not, and the rail story folds travellers into passengers."""
    war, rail = load_knowledge(DEFAULT_DIR).vocabulary, load_knowledge(RAIL).vocabulary
    war_words = Analyser(war.synonyms.items(), war.subjects)
    rail_words = Analyser(rail.synonyms.items(), rail.subjects)
    assert war_words.canon("troops") == war_words.canon("servicemen") == "soldier"
    assert GENERAL.canon("troops") != "soldier" and rail_words.canon("troops") != "soldier"
    assert rail_words.canon("travellers") == "passenger" and war_words.canon("travellers") != "passenger"
    assert war_words.subjects == {"soldier"} and rail_words.subjects == {"passenger"}


def test_a_group_word_of_several_tokens_reads_as_its_head() -> None:
    """A story's synonym written as a phrase ("came off the tracks") or with a hyphen ("air-conditioned") is
    its group's head wherever it stands, in a question as in a curated text, whatever the inflection of its
    words; its words alone are not."""
    words = Analyser([("derail", ["derail", "came off the tracks"]), ("ac", ["ac", "air-conditioned"])])
    assert words.analyse("Nine carriages came off the tracks") == ["nine", "carriag", "derail"]
    assert words.analyse("did a carriage come off the track?") == ["carriag", "derail"]  # word by word
    assert words.analyse("the air-conditioned carriage") == ["ac", "carriag"]
    assert words.analyse("the AC carriage") == ["ac", "carriag"]
    assert "derail" not in words.analyse("they came back to the tracks")


def test_a_vocabulary_that_is_not_words_is_refused(tmp_path: Path) -> None:
    """vocabulary.toml is validated like every knowledge file: a group of something other than words is
    refused, naming the file."""
    folder = tmp_path / "rail"
    shutil.copytree(RAIL, folder)
    path = folder / "vocabulary.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'broken = ["Not/A Word"]\n', encoding="utf-8")
    with pytest.raises(InvalidKnowledgeBase) as exc:
        load_knowledge(folder)
    assert [p.file for p in exc.value.problems] == ["vocabulary.toml"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("list the sources of the story", "source"),
        ("sources of the derailment", "source"),  # the event's kind
        ("show me the timeline of the crash", "timeline"),  # a figure word of this story
    ],
)
def test_an_overview_is_asked_of_the_storys_own_events(rail: AnswerEngine, question: str, kind: str) -> None:
    """The question handlers read 'the timeline of the crash' as the overview when the crash is this
    story's: the words that name it come from the folder (its events' kinds, names and vocabulary)."""
    answer = rail.intents.answer(question)
    assert (answer.kind, answer.listing) == (kind, True)


def test_an_overview_of_something_else_is_not_an_overview(rail: AnswerEngine) -> None:
    """'the timeline of the war' names no event of a rail crash: the handlers do not read it as the overview."""
    assert not rail.intents.answer("show me the timeline of the war").listing


def test_an_item_is_found_by_the_questions_curated_as_ones_it_answers(tmp_path: Path) -> None:
    """A question worded like one of an item's ``asks`` comes nearer the item than its own text brings it,
    and the folder without them is read as before."""
    folder = tmp_path / "rail"
    shutil.copytree(RAIL, folder)
    timeline = folder / "timeline.toml"
    timeline.write_text(
        timeline.read_text(encoding="utf-8").replace(
            'id = "tl-derailed"\n', 'id = "tl-derailed"\nasks = ["what went wrong with the night train?"]\n'
        ),
        encoding="utf-8",
    )
    question = encoder().encode_one("what went wrong with the night train")
    before = AnswerEngine(load_knowledge(RAIL)).dense.similarity(question, "tl-derailed")
    after = AnswerEngine(load_knowledge(folder)).dense.similarity(question, "tl-derailed")
    assert before is not None and after is not None
    assert after > before + 0.1
    assert load_knowledge(folder).items["tl-derailed"].asks == ["what went wrong with the night train?"]
