"""`kb draft`: drafted items carry verbatim evidence, pass `kb check` once placed, and come close to the
curated files (tests/data/draft_report.py computes the figures)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from knowledge.drafting import draft_article, figures, to_toml
from knowledge.loader import DEFAULT_DIR, load_knowledge
from tests.data.draft_report import score_article

ROOT = Path(__file__).resolve().parents[2]
_RAIL = ROOT / "knowledge" / "stories" / "pukhrayan-derailment"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.mark.parametrize("story", ["shipped", "second"])
def test_drafts_pass_kb_check_once_placed_with_their_article(tmp_path, story):
    """Every article of either story, as if new (another id): its draft copied as it is into a copy of its
    knowledge folder, with the article in corpus/, passes `kb check` (the draft carries its own [[source]]
    entry)."""
    source = DEFAULT_DIR if story == "shipped" else _RAIL
    kb = load_knowledge(source)
    folder = tmp_path / "knowledge"
    shutil.copytree(source, folder)
    drafts = tmp_path / "drafts"
    for n, sid in enumerate(sorted(kb.corpus)):
        new_id = f"9{n}_new_article"
        article = tmp_path / f"{new_id}.txt"
        article.write_text(kb.corpus[sid], encoding="utf-8")
        done = _cli("kb", "draft", str(article), "--into", str(drafts), "--knowledge", str(folder))
        assert done.returncode == 0, done.stderr
        out = drafts / f"draft_{new_id}.toml"
        assert done.stdout.strip() == str(out)
        text = out.read_text(encoding="utf-8")
        assert text.startswith("# DRAFT for review")
        data = tomllib.loads(text)
        assert data["quote"] and data["casualty"], sorted(data)
        assert [s["id"] for s in data["source"]] == [new_id]
        items = {t: rows for t, rows in data.items() if t != "source"}
        assert all(
            ev["source"] == new_id for rows in items.values() for row in rows for ev in row["evidence"]
        )
        shutil.copy(article, folder / "corpus" / article.name)
        shutil.copy(out, folder / out.name)  # the draft alone: nothing pasted into sources.toml
    done = _cli("kb", "check", str(folder))
    assert done.returncode == 0, done.stderr
    assert not list(source.glob("draft_*.toml"))  # nothing was written into the live folder


def test_draft_of_a_new_story_proposes_entities_places_and_an_event(tmp_path):
    """With an empty knowledge folder, speakers become new entities and figures a new event to attach to."""
    article = (
        "Flood kills dozens in the valley\n\n"
        "At least 23 people were killed and more than 40 injured when the river burst its banks on "
        'Saturday, the regional governor, Maria Lopes, said. "We have never seen water like this," Lopes '
        'told reporters. "Rescue teams are still searching."\n\n'
        "Floodwater reached the towns of Pelton, Marrow and Sill by 04:30, according to the Civil "
        "Protection Agency, which said nearly 300 people were displaced.\n"
    )
    folder = tmp_path / "kb"
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / "001_flood.txt").write_text(article, encoding="utf-8")
    draft = draft_article(article, "001_flood", None)
    (folder / "sources.toml").write_text("", encoding="utf-8")
    (folder / "draft_001_flood.toml").write_text(to_toml(draft), encoding="utf-8")  # with its [[source]]
    new = load_knowledge(folder)  # passes the same checks as `kb check`
    speakers = {new.items[q.speaker].name for q in new.quotes}
    assert speakers == {"Maria Lopes"}  # "Lopes told reporters": the full name the article gave first
    assert {q.text for q in new.quotes} == {
        "We have never seen water like this",
        "Rescue teams are still searching.",
    }
    counted = {(c.figure, c.qualifier, c.outcome) for c in new.casualties}
    assert (23, "at least", "killed") in counted
    assert any(c.figure == 40 and c.qualifier == "more than" for c in new.casualties)
    assert any(c.figure == 300 and c.qualifier == "nearly" for c in new.casualties)
    assert {p.name for p in new.places} >= {"Pelton", "Marrow", "Sill"}
    assert new.events and all(c.event == new.events[0].id for c in new.casualties)
    assert any(e.time == "04:30" for e in new.timeline) and any(
        e.date and "Saturday" in e.date for e in new.timeline
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("At least 12 soldiers were killed on Monday", (12, "at least", "soldiers", "killed")),
        ("the army said two of its troops had been killed", (2, "exact", "troops", "killed")),
        ("killing nearly 1,200 people in the region", (1200, "nearly", "people", "killed")),
        ("a war that left more than 6 500 dead.", (6500, "more than", "dead (people)", "killed")),
        ("more than a dozen wounded.", (12, "more than", "", "wounded")),
        ("In 2020 the town had 300 houses", None),
    ],
)
def test_figures(sentence, expected):
    found = figures(sentence, 0, len(sentence))
    if expected is None:
        assert not found
    else:
        f = found[0]
        assert (f.number, f.qualifier, f.subject, f.outcome) == expected


@pytest.mark.parametrize(
    ("unseen", "floors"),
    [(False, (0.92, 0.95, 0.92)), (True, (0.88, 0.95, 0.89))],
    ids=["known", "unseen"],
)
def test_recall_and_precision_floors(kb, unseen, floors):
    """The figures measured (tests/data/draft_report.py): quotes with the right speaker, casualty figures,
    precision over the five articles 0.94, 1.00, 0.94 (0.86, 1.00, 0.87 when first written); with only
    the other articles' entities known (--unseen) 0.90, 1.00, 0.91 (was 0.81, 1.00, 0.84). Floors a
    little below."""
    scores = [score_article(kb, sid, unseen)[0] for sid in sorted(kb.corpus)]
    quotes = sum(s.quotes for s in scores)
    right = sum(s.quotes_right_speaker for s in scores)
    figs = sum(s.figures for s in scores)
    found = sum(s.figures_found for s in scores)
    drafted = sum(s.drafted for s in scores)
    kept = sum(s.kept for s in scores)
    assert right / quotes >= floors[0], (right, quotes)
    assert found / figs >= floors[1], (found, figs)
    assert kept / drafted >= floors[2], (kept, drafted)
    for s in scores:
        assert s.quotes_right_speaker / s.quotes >= 0.70, s.sid
        assert s.figures_found == s.figures, (s.sid, s.missed)


_STORM = (
    "Storm hits the coast\n\n"
    "Prime Minister Ana Ruiz has condoled the deaths and said she spoke to the mayor of Porto Bay.\n\n"
    '"Anguished beyond words," she tweeted.\n\n'
    "Lena Ortiz, a nurse who drove in from the capital, said the wards were full.\n\n"
    '"I have never seen anything like this."\n\n'
    'Police chief Omar Haddad said 30 people had been rescued. "Efforts are on for the rest," Mr. Haddad '
    "informed.\n\n"
    "The death toll climbed to 41 on Monday. Around 90 people were injured, 12 of them seriously.\n\n"
    "- Floods kill 14 in the north\n- Minister visits the port\n"
)


def test_speakers_follow_pronouns_paragraphs_and_surnames():
    """'she tweeted' is the subject of the previous paragraph's reporting verb; a paragraph that opens
    with a quotation and no cue goes on from the previous paragraph's speaker; 'Mr. Haddad' is the
    full name the article gave first."""
    draft = draft_article(_STORM, "001_storm", None)
    names = {e["id"]: e["name"] for e in draft.of("entity")}
    said = {q["text"]: names[q["speaker"]] for q in draft.of("quote")}
    assert said == {
        "Anguished beyond words": "Ana Ruiz",
        "I have never seen anything like this.": "Lena Ortiz",
        "Efforts are on for the rest": "Omar Haddad",
    }


def test_figures_from_the_body_not_the_page_furniture():
    """A toll ('the death toll climbed to 41'), a part of a figure ('12 of them seriously') are drafted;
    the list of headlines that ends the page ('Floods kill 14 ...') is not."""
    draft = draft_article(_STORM, "001_storm", None)
    counted = {(c["figure"], c["subject"], c["outcome"]) for c in draft.of("casualty")}
    assert counted == {
        (30, "people", "rescued"),
        (41, "people", "killed"),
        (90, "people", "injured"),
        (12, "people (seriously)", "injured"),
    }


def test_figures_of_another_story_never_take_this_knowledge_bases_event(kb):
    """Drafted against a knowledge base of another story (no event nor place of it named), figures go to
    a drafted event for the curator, never to one of that knowledge base's events."""
    draft = draft_article(_STORM, "001_storm", kb)
    known = {e.id for e in kb.events}
    assert draft.of("casualty") and not {c["event"] for c in draft.of("casualty")} & known
    assert [e["id"] for e in draft.of("event")] == [draft.of("casualty")[0]["event"]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The number of dead in the crash climbed to 145 on Monday", [(145, "people", "killed")]),
        ("Police initially put the death toll at 63 but revised it", [(63, "people", "killed")]),
        (
            "At least 96 passengers, most of whom were sleeping, were killed when the train derailed",
            [(96, "passengers", "killed")],
        ),
        (
            "119 people were confirmed dead, while 78 of the injured remained in hospital, four of them in a "
            "critical condition.",
            [
                (119, "people", "killed"),
                (78, "injured (in hospital)", "injured"),
                (4, "injured (in a critical condition)", "injured"),
            ],
        ),
        ("The toll rose to 12 at 3 p.m.", [(12, "people", "killed")]),
    ],
)
def test_tolls_parts_and_asides(sentence, expected):
    """Tolls, parts of a figure just given and an aside between the counted and the verb."""
    assert [(f.number, f.subject, f.outcome) for f in figures(sentence, 0, len(sentence))] == expected


def test_second_story_recall_and_precision_floors():
    """The second story's articles drafted against their own folder, as measured (draft_report.py
    --knowledge knowledge/stories/pukhrayan-derailment): quotes 0.81, figures 0.93, precision 0.84.
    Floors a little below."""
    rail = load_knowledge(_RAIL)
    scores = [score_article(rail, sid)[0] for sid in sorted(rail.corpus)]
    right = sum(s.quotes_right_speaker for s in scores) / sum(s.quotes for s in scores)
    found = sum(s.figures_found for s in scores) / sum(s.figures for s in scores)
    kept = sum(s.kept for s in scores) / sum(s.drafted for s in scores)
    assert right >= 0.78, right
    assert found >= 0.90, found
    assert kept >= 0.80, kept


def test_two_people_who_speak_together_are_their_joint_entity():
    """'A and B agreed to "..."' goes to the entity the knowledge base names "A and B" when it has one."""
    from types import SimpleNamespace

    def entity(id_: str, name: str, kind: str, *aliases: str) -> SimpleNamespace:
        return SimpleNamespace(
            id=id_, name=name, aliases=list(aliases), kind=kind, part_of=None, country=None
        )

    people = [
        entity("ruiz", "Ana Ruiz", "person", "Ruiz"),
        entity("hale", "Tom Hale", "person", "Hale"),
        entity("ruiz-and-hale", "Ana Ruiz and Tom Hale", "group", "Ruiz and Hale"),
    ]
    kb = SimpleNamespace(entities=people, places=[], events=[], items={e.id: e for e in people})
    article = 'At talks in May, Mayor Ana Ruiz and Governor Hale agreed to "rebuild the bridge together".\n'
    assert [q["speaker"] for q in draft_article(article, "001_talks", kb).of("quote")] == ["ruiz-and-hale"]
