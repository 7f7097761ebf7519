"""Reloads reuse what did not change: unchanged files keep their validated items and their analysis."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.engine import AnswerEngine
from knowledge.errors import InvalidKnowledgeBase
from knowledge.loader import DEFAULT_DIR, load_knowledge

QUESTIONS = [
    "how many Armenian soldiers were killed",
    "who said there is no alternative to peace and stability",
    "what did Turkey say",
    "2020 war death toll",
    "who won the Champions League",
]


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def test_unchanged_files_keep_their_items(kb_dir: Path) -> None:
    """A reload of an unchanged directory reuses every validated item object and keeps the version."""
    first = load_knowledge(kb_dir)
    second = load_knowledge(kb_dir, previous=first)
    assert second.digest == first.digest
    assert all(second.items[i] is first.items[i] for i in first.items)


def test_an_edited_file_is_parsed_again_and_the_rest_reused(kb_dir: Path) -> None:
    """Editing one file re-reads that file only; the others' items are the same objects as before."""
    first = load_knowledge(kb_dir)
    path = kb_dir / "casualties.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "at least 49 of its soldiers", "at least 49 of its troops", 1
        ),
        encoding="utf-8",
    )
    second = load_knowledge(kb_dir, previous=first)
    assert second.digest != first.digest
    changed = [i for i in first.file_items["casualties.toml"] if second.items[i] is not first.items[i]]
    assert changed, "the edited file's items were not parsed again"
    assert all(second.items[i] is first.items[i] for i in first.file_items["quotes.toml"])


def test_an_edit_breaking_a_reference_into_an_unchanged_file_is_refused(kb_dir: Path) -> None:
    """References are checked across all items, reused or not."""
    first = load_knowledge(kb_dir)
    path = kb_dir / "casualties.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('event = "war-2020"', 'event = "war-2021"', 1),
        encoding="utf-8",
    )
    with pytest.raises(InvalidKnowledgeBase) as err:
        load_knowledge(kb_dir, previous=first)
    assert any("war-2021" in p.reason for p in err.value.problems)


def test_a_changed_corpus_rechecks_all_evidence(kb_dir: Path) -> None:
    """When an article changes, nothing is reused: evidence no longer verbatim is reported."""
    first = load_knowledge(kb_dir)
    article = kb_dir / "corpus" / "003_44176b37bbe5822b.txt"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "Azerbaijan said it lost 50", "Azerbaijan said it lost fifty"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidKnowledgeBase) as err:
        load_knowledge(kb_dir, previous=first)
    assert any("not verbatim" in p.reason for p in err.value.problems)


def test_reused_analysis_answers_exactly_like_a_fresh_engine(kb_dir: Path) -> None:
    """An engine built with the previous one answers every question as an engine built from scratch."""
    first_kb = load_knowledge(kb_dir)
    first = AnswerEngine(first_kb)
    path = kb_dir / "responses.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    kb = load_knowledge(kb_dir, previous=first_kb)
    reused, fresh = AnswerEngine(kb, first), AnswerEngine(kb)
    for question in QUESTIONS:
        assert reused.ask(question) == fresh.ask(question), question


def test_a_dismantled_engine_leaves_the_new_one_intact(kb_dir: Path) -> None:
    """Taking the replaced engine apart does not touch what the new engine shares with it."""
    first_kb = load_knowledge(kb_dir)
    first = AnswerEngine(first_kb)
    kb = load_knowledge(kb_dir, previous=first_kb)
    second = AnswerEngine(kb, first)
    before = [second.ask(q) for q in QUESTIONS]
    for _ in first.dismantle(second, batch=50):
        pass
    assert [second.ask(q) for q in QUESTIONS] == before
    assert not first.kb.items
