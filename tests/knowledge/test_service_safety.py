"""KnowledgeService keeps the last good knowledge folder and never holds the lock past its time limit.

Real temp folders: a destructive upload waits for confirmation, every change that loads keeps the
previous version in .history/ so that rollback can restore it, and a reload, upload, rollback or check
that overruns its time limit is abandoned while the live knowledge keeps answering.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from commands.kb_reports import describe_outcome
from knowledge import loader
from knowledge.history import HISTORY_DIR, MANIFEST, Version
from knowledge.service import KnowledgeService
from knowledge.store import Store
from tests.bot.kbfixture import ENTITIES, EXTRA_ENTITY, snapshot, write_kb

EMPTIED = b"# every entity moved elsewhere\n"


@pytest.fixture
async def store(tmp_path: Path):
    store = await Store.open(tmp_path / "state.sqlite3")
    yield store
    await store.close()


async def started(kb_dir: Path, store: Store | None = None, **options) -> KnowledgeService:
    service = KnowledgeService(kb_dir, store, max_upload_bytes=4096, **options)
    outcome = await service.reload("startup", action="startup")
    assert outcome.ok, outcome.problems
    return service


@pytest.fixture
async def service(tmp_path: Path, store: Store) -> KnowledgeService:
    return await started(write_kb(tmp_path / "kb"), store, history_versions=5)


def text(outcome) -> str:
    report = describe_outcome(outcome)
    return "\n".join([report.title, *report.lines])


# --- 1. an upload that removes items needs confirming -----------------------------------------------


async def test_an_upload_that_removes_items_is_held_until_confirmed(
    service: KnowledgeService, store: Store, tmp_path: Path
) -> None:
    """A valid file that drops the only entity is not written: the outcome lists what it would remove."""
    before_disk, live = snapshot(tmp_path / "kb"), service.engine
    outcome = await service.upload("entities.toml", EMPTIED, "mod")
    assert not outcome.ok and outcome.needs_confirmation
    assert outcome.removed == ["armenia"] and outcome.removed_by_kind == {"entity": ["armenia"]}
    assert outcome.count_changes == {"entity": (1, 0)}
    assert outcome.problems[0].file == "entities.toml" and "would remove 1 item" in outcome.problems[0].reason
    assert snapshot(tmp_path / "kb") == before_disk and service.engine is live
    report = "\n".join(describe_outcome(outcome, confirm_hint="say yes").lines)
    assert "entities.toml would remove 1 item(s)" in report and "entity (1): armenia" in report
    assert "say yes" in report and "Nothing was written" in report
    last = await store.last_reload(ok_only=False)
    assert last.who == "startup"  # a question put to the moderator is not a reload attempt

    confirmed = await service.upload("entities.toml", EMPTIED, "mod", confirmed=frozenset(outcome.removed))
    assert confirmed.ok and confirmed.written == "entities.toml"
    assert (tmp_path / "kb" / "entities.toml").read_bytes() == EMPTIED
    assert service.engine.kb.counts()["entity"] == 0


async def test_a_confirmation_covers_only_the_removals_shown(service: KnowledgeService) -> None:
    """Confirming other ids (the folder changed since the question) asks again; --yes applies anyway."""
    again = await service.upload("entities.toml", EMPTIED, "mod", confirmed=frozenset({"someone-else"}))
    assert again.needs_confirmation and not (service.directory / "entities.toml").read_bytes() == EMPTIED
    forced = await service.upload("entities.toml", EMPTIED, "mod", confirmed=True)
    assert forced.ok and service.engine.kb.counts()["entity"] == 0


async def test_additions_and_changes_need_no_confirmation(service: KnowledgeService) -> None:
    """Only removals are held: an upload that adds or changes items is applied at once."""
    assert (await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")).ok
    changed = await service.upload(
        "entities.toml", ENTITIES.replace('"Armenia"', '"Republic of Armenia"').encode(), "mod"
    )
    assert changed.ok and changed.changed == ["armenia"]


# --- 2. the last good versions, and rollback -----------------------------------------------------------


async def test_rollback_restores_the_folder_before_an_upload(
    service: KnowledgeService, tmp_path: Path
) -> None:
    """Upload a new file and empty another; rollback restores both files and the engine, then says no more."""
    kb_dir = tmp_path / "kb"
    original = snapshot(kb_dir)
    assert (await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")).ok
    assert (await service.upload("entities.toml", EMPTIED, "mod", confirmed=True)).ok
    assert service.engine.kb.counts()["entity"] == 1  # kremlin only

    first = await service.rollback("mod")
    assert first.ok and first.action == "rollback", first.problems
    assert (kb_dir / "entities.toml").read_text() == ENTITIES
    assert sorted(service.engine.kb.items) == ["armenia", "kremlin"]
    assert "Restored entities.toml." in first.notes
    second = await service.rollback("mod")
    assert second.ok and not (kb_dir / "more.toml").exists()
    assert sorted(service.engine.kb.items) == ["armenia"]
    assert {k: v for k, v in snapshot(kb_dir).items() if not k.startswith(HISTORY_DIR)} == {
        k: v for k, v in original.items() if not k.startswith(HISTORY_DIR)
    }

    nothing = await service.rollback("mod")
    assert not nothing.ok and "no earlier version to roll back to" in text(nothing)
    assert f"kb/{HISTORY_DIR}" in text(nothing)


async def test_reload_keeps_the_version_it_replaces(service: KnowledgeService, tmp_path: Path) -> None:
    """A hand edit loaded by /kb reload can be rolled back to the files loaded before it."""
    (tmp_path / "kb" / "entities.toml").write_bytes(EMPTIED)
    assert (await service.reload("mod")).ok and service.engine.kb.counts()["entity"] == 0
    back = await service.rollback("mod")
    assert back.ok and (tmp_path / "kb" / "entities.toml").read_text() == ENTITIES
    assert service.engine.kb.counts()["entity"] == 1


async def test_rollback_sets_aside_edits_that_were_never_loaded(
    service: KnowledgeService, tmp_path: Path
) -> None:
    """Files edited on disk since the last load are copied aside before a rollback overwrites them."""
    assert (await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")).ok
    edited = EXTRA_ENTITY.replace("the Kremlin", "Moscow")
    (tmp_path / "kb" / "more.toml").write_text(edited)
    outcome = await service.rollback("mod")
    assert outcome.ok and not (tmp_path / "kb" / "more.toml").exists()
    kept = list((tmp_path / "kb" / HISTORY_DIR / "set-aside").rglob("more.toml"))
    assert len(kept) == 1 and kept[0].read_text() == edited
    assert any("set aside" in note for note in outcome.notes)


async def test_a_rollback_that_fails_validation_changes_nothing(
    service: KnowledgeService, tmp_path: Path
) -> None:
    """An earlier version that no longer validates is refused, naming the file; disk and engine stay."""
    history = service.history
    broken = history.save(
        {
            **{rel: (tmp_path / "kb" / rel).read_bytes() for rel in ("sources.toml", "corpus/art1.txt")},
            "entities.toml": b"[[entity]]\nid = 'x'\n",
        }
    )
    versions = history.versions()
    history._write(
        [Version(digest="0" * 64, at="then", who="test", action="reload", files=broken), *versions]
    )
    assert (await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")).ok
    assert (await service.rollback("mod")).ok  # back to the start-up version
    before, live = snapshot(tmp_path / "kb"), service.engine
    refused = await service.rollback("mod")  # the one before that is broken
    assert not refused.ok and refused.problems and all(p.file == "entities.toml" for p in refused.problems)
    assert "Rollback refused" in text(refused)
    assert snapshot(tmp_path / "kb") == before and service.engine is live


async def test_a_damaged_copy_is_refused_naming_the_file(service: KnowledgeService, tmp_path: Path) -> None:
    """A saved copy whose checksum no longer matches is not restored."""
    assert (await service.upload("entities.toml", EMPTIED, "mod", confirmed=True)).ok
    first = service.history.versions()[0]
    (tmp_path / "kb" / HISTORY_DIR / "objects" / first.files["entities.toml"]).write_bytes(b"tampered")
    before = snapshot(tmp_path / "kb")
    refused = await service.rollback("mod")
    assert not refused.ok and refused.problems[0].file == "entities.toml"
    assert "damaged" in refused.problems[0].reason and snapshot(tmp_path / "kb") == before


async def test_history_is_bounded_and_prunes_unused_copies(tmp_path: Path) -> None:
    """Only the last N versions are kept; copies no kept version uses are deleted; git ignores it all."""
    service = await started(write_kb(tmp_path / "kb"), history_versions=2)
    for i in range(4):
        extra = EXTRA_ENTITY.replace("the Kremlin", f"Kremlin {i}")
        assert (await service.upload("more.toml", extra.encode(), "mod")).ok
    root = tmp_path / "kb" / HISTORY_DIR
    versions = json.loads((root / MANIFEST).read_text())["versions"]
    assert len(versions) == 2 and versions[-1]["digest"] == service.engine.kb.digest
    used = {d for v in versions for d in v["files"].values()}
    assert {p.name for p in (root / "objects").iterdir()} == used
    assert (root / ".gitignore").read_text() == "*\n"


async def test_without_history_rollback_says_so(tmp_path: Path) -> None:
    service = await started(write_kb(tmp_path / "kb"))
    outcome = await service.rollback("mod")
    assert not outcome.ok and "no earlier versions are kept" in text(outcome)
    assert not (tmp_path / "kb" / HISTORY_DIR).exists()


# --- 3. time limits -------------------------------------------------------------------------------------------


@pytest.fixture
def slow_entities(monkeypatch: pytest.MonkeyPatch):
    """Reading entities.toml takes ``delay[0]`` seconds (a stuck disk, a huge file)."""
    delay = [2.0]
    real = loader.read_regular_file

    def slow(path: Path, limit: int = loader.MAX_FILE_BYTES) -> bytes:
        if Path(path).name == "entities.toml":
            time.sleep(delay[0])
        return real(path, limit)

    monkeypatch.setattr(loader, "read_regular_file", slow)
    return delay


async def test_a_slow_reload_is_abandoned_and_the_live_knowledge_keeps_answering(
    tmp_path: Path, store: Store, slow_entities: list[float]
) -> None:
    """Past the limit the reload gives up with a clear message naming the file; the lock is free again."""
    slow_entities[0] = 0.0
    service = await started(write_kb(tmp_path / "kb"), store, time_limit=0.3, history_versions=3)
    live = service.engine
    slow_entities[0] = 2.0
    (tmp_path / "kb" / "more.toml").write_text(EXTRA_ENTITY)
    t = time.monotonic()
    outcome = await service.reload("mod")
    took = time.monotonic() - t
    assert took < 1.5, took
    assert not outcome.ok and service.engine is live and not service._lock.locked()
    (problem,) = outcome.problems
    assert problem.file == "entities.toml"
    assert "reload took longer than 0.3 s and was abandoned" in problem.reason
    assert "the live knowledge is unchanged" in problem.reason
    assert "entities.toml" in text(outcome) and "Reload refused" in text(outcome)
    assert live.ask("what did the kremlin say?") is not None  # still answering meanwhile
    last = await store.last_reload(ok_only=False)
    assert not last.ok and last.who == "mod"
    await asyncio.sleep(2.2)  # the abandoned build ends in the background: it changes nothing
    assert service.engine is live
    slow_entities[0] = 0.0
    assert (await service.reload("mod")).ok and service.engine.kb.counts()["entity"] == 2


async def test_a_slow_upload_is_abandoned_and_never_written(
    tmp_path: Path, slow_entities: list[float]
) -> None:
    """An abandoned upload's thread stops before writing, even when its build finishes later."""
    slow_entities[0] = 0.0
    service = await started(write_kb(tmp_path / "kb"), time_limit=0.3)
    before, live = snapshot(tmp_path / "kb"), service.engine
    slow_entities[0] = 1.0
    outcome = await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")
    assert not outcome.ok and "upload took longer than 0.3 s and was abandoned" in outcome.problems[0].reason
    await asyncio.sleep(1.5)
    assert snapshot(tmp_path / "kb") == before and service.engine is live


async def test_a_slow_rollback_and_a_slow_check_are_abandoned(
    tmp_path: Path, slow_entities: list[float]
) -> None:
    slow_entities[0] = 0.0
    service = await started(write_kb(tmp_path / "kb"), time_limit=0.3, history_versions=3)
    assert (await service.upload("more.toml", EXTRA_ENTITY.encode(), "mod")).ok
    live = service.engine
    slow_entities[0] = 1.0
    rollback = await service.rollback("mod")
    assert not rollback.ok and "rollback took longer than 0.3 s and was abandoned" in text(rollback)
    check = await service.check("mod")
    assert not check.ok and "check took longer than 0.3 s" in text(check)
    await asyncio.sleep(1.2)
    assert service.engine is live and (tmp_path / "kb" / "more.toml").exists()


async def test_waiting_for_the_lock_is_limited_too(tmp_path: Path) -> None:
    """A change waiting behind one that holds the lock gives up after the limit, saying why."""
    service = await started(write_kb(tmp_path / "kb"), time_limit=0.2)
    async with service._lock:
        outcome = await service.reload("mod")
    assert not outcome.ok and "held the knowledge base for over 0.2 s" in text(outcome)


# --- 4. every refusal names the file and the reason ---------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "reason"), [("../evil.toml", "path"), ("notes.txt", ".toml"), (".hidden.toml", "hidden")]
)
async def test_upload_refusals_name_the_file(service: KnowledgeService, filename: str, reason: str) -> None:
    report = text(await service.upload(filename, EXTRA_ENTITY.encode(), "mod"))
    assert f"{filename}: " in report and reason in report


async def test_an_unexpected_failure_names_the_file_being_read(
    service: KnowledgeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception inside the loader (say, RecursionError) is reported against the file it was reading."""
    real = loader._read_toml

    def explode(path: Path, problems: list, raw: bytes | None = None):
        if path.name == "entities.toml":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, problems, raw)

    monkeypatch.setattr(loader, "_read_toml", explode)
    (service.directory / "entities.toml").write_text(ENTITIES + "\n# edited\n")
    outcome = await service.reload("mod")
    assert not outcome.ok and outcome.problems[0].file == "entities.toml"
    assert "RecursionError" in outcome.problems[0].reason
