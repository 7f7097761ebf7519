"""KnowledgeService: reload and upload validate everything first, swap atomically, and record each attempt."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.service import KnowledgeService, upload_name_problem
from knowledge.store import Store
from tests.bot.kbfixture import BROKEN, EXTRA_ENTITY, snapshot, write_kb


@pytest.fixture
async def store(tmp_path: Path):
    store = await Store.open(tmp_path / "state.sqlite3")
    yield store
    await store.close()


@pytest.fixture
async def service(tmp_path: Path, store: Store) -> KnowledgeService:
    kb_dir = write_kb(tmp_path / "kb")
    service = KnowledgeService(kb_dir, store, max_upload_bytes=4096)
    outcome = await service.reload("startup", action="startup")
    assert outcome.ok, outcome.problems
    return service


async def test_reload_reports_counts_and_what_changed(service: KnowledgeService, store: Store) -> None:
    """A valid change is swapped in, with per-kind count changes and the added item ids."""
    before = service.engine
    (service.directory / "more.toml").write_text(EXTRA_ENTITY, encoding="utf-8")
    outcome = await service.reload("mod (1)")
    assert outcome.ok
    assert service.engine is not before
    assert outcome.counts["entity"] == 2
    assert outcome.count_changes == {"entity": (1, 2)}
    assert outcome.added == ["kremlin"] and outcome.removed == []
    assert outcome.previous_version != outcome.version
    history = await store.reload_history(10)
    assert [h.who for h in history][:2] == ["mod (1)", "startup"]


async def test_reload_without_change_says_so(service: KnowledgeService) -> None:
    """Reloading an unchanged directory succeeds and reports no change."""
    outcome = await service.reload("mod")
    assert outcome.ok and outcome.unchanged


async def test_broken_reload_is_refused_listing_every_problem(
    service: KnowledgeService, store: Store
) -> None:
    """A broken knowledge base is refused with all its problems; the live engine is untouched."""
    live = service.engine
    (service.directory / "broken.toml").write_text(BROKEN, encoding="utf-8")
    outcome = await service.reload("mod")
    assert not outcome.ok
    reasons = " | ".join(str(p) for p in outcome.problems)
    assert "unknown reference" in reasons
    assert "not verbatim" in reasons
    assert "name: Field required" in reasons
    assert service.engine is live
    assert service.engine.kb.counts()["entity"] == 1
    last = await store.last_reload(ok_only=False)
    assert last is not None and not last.ok and last.who == "mod"
    assert (await store.last_reload(ok_only=True)).who == "startup"


async def test_check_validates_without_swapping(service: KnowledgeService) -> None:
    """/kb check reports the on-disk state and leaves the live engine alone."""
    live = service.engine
    (service.directory / "more.toml").write_text(EXTRA_ENTITY, encoding="utf-8")
    outcome = await service.check("mod")
    assert outcome.ok and outcome.added == ["kremlin"]
    assert service.engine is live


async def test_upload_writes_and_swaps(service: KnowledgeService, store: Store) -> None:
    """A valid upload is written into the knowledge directory and swapped in."""
    outcome = await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")
    assert outcome.ok and outcome.written == "more.toml"
    assert (service.directory / "more.toml").read_text(encoding="utf-8") == EXTRA_ENTITY
    assert service.engine.kb.counts()["entity"] == 2
    assert service.engine.kb.directory == str(service.directory)
    assert not [p for p in service.directory.iterdir() if p.name.endswith(".tmp")]
    last = await store.last_reload(ok_only=False)
    assert last.ok and last.who == "mod"


async def test_upload_may_replace_sources_when_valid(service: KnowledgeService) -> None:
    """Overwriting sources.toml is allowed when the whole knowledge base stays valid."""
    new_sources = (service.directory / "sources.toml").read_text().replace("Article 1", "The first article")
    outcome = await service.upload("sources.toml", new_sources.encode(), "mod")
    assert outcome.ok and outcome.changed == ["source:art1"]


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("big.toml", b"#" * 5000, "limit"),
        ("notes.txt", EXTRA_ENTITY.encode(), ".toml"),
        ("../evil.toml", EXTRA_ENTITY.encode(), "path"),
        ("sub/evil.toml", EXTRA_ENTITY.encode(), "path"),
        ("/etc/evil.toml", EXTRA_ENTITY.encode(), "path"),
        ("..\\evil.toml", EXTRA_ENTITY.encode(), "path"),
        (".hidden.toml", EXTRA_ENTITY.encode(), "hidden"),
        ("broken.toml", BROKEN.encode(), "not verbatim"),
        ("entities.toml", b"this is = not [ toml", "malformed TOML"),
    ],
)
async def test_upload_refusals_change_nothing_on_disk(
    service: KnowledgeService, store: Store, tmp_path: Path, filename: str, data: bytes, reason: str
) -> None:
    """Oversized, non-TOML, path-escaping, hidden and invalid uploads are refused; nothing is written."""
    before_disk = snapshot(tmp_path / "kb")
    live = service.engine
    outcome = await service.upload(filename, data, "mod")
    assert not outcome.ok
    assert reason in " ".join([outcome.refused or ""] + [str(p) for p in outcome.problems])
    assert snapshot(tmp_path / "kb") == before_disk
    assert not (tmp_path / "evil.toml").exists()
    assert service.engine is live
    last = await store.last_reload(ok_only=False)
    assert last is not None and not last.ok


def test_upload_name_rules() -> None:
    """Only plain .toml names inside the knowledge directory are accepted."""
    assert upload_name_problem("quotes.toml") is None
    assert upload_name_problem("extra_2.toml") is None
    for bad in ("", " a.toml", "a.TOML.exe", "..toml", "a/b.toml", "C:\\x.toml", ".x.toml", "a.json"):
        assert upload_name_problem(bad) is not None, bad


async def test_questions_are_recorded_and_status_shows_the_last_reload(
    service: KnowledgeService, store: Store
) -> None:
    """Asked questions land in the log (unanswered ones listed); status names the last reload and who."""
    answer = service.engine.ask("what colour is the sky?")
    qid = await service.record_question(
        answer, question="what colour is the sky?", transport="console", user_id=5, guild_id=6
    )
    assert qid is not None
    record = await store.question(qid)
    assert record.user_id == "5" and record.guild_id == "6" and record.answered == answer.answered
    if not answer.answered:
        assert [u.question for u in await store.unanswered()] == ["what colour is the sky?"]
    await service.reload("mod (9)")
    status = await service.status()
    assert status.last_reload_by == "mod (9)" and status.last_reload_ok is True
    assert status.last_reload_at and status.version == service.engine.kb.version


async def test_store_failure_never_breaks_an_answer(service: KnowledgeService, store: Store) -> None:
    """With the database closed, recording returns None and status still reports the knowledge base."""
    await store.close()
    answer = service.engine.ask("anything")
    assert await service.record_question(answer, question="anything", transport="console") is None
    status = await service.status()
    assert status.version and not status.store_available
    assert (await service.reload("mod")).ok
