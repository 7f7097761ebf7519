"""The live knowledge base: one AnswerEngine, reloaded and extended without a restart.

Moderators change the knowledge base while people are asking questions, so every
change is validated in full, off the event loop, before anything is swapped or
written: a broken knowledge base is refused with every problem listed, and the
engine that was answering keeps answering. No discord import here; every transport
(Discord, console) drives the same service.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from knowledge.conversation import Conversations
from knowledge.engine import AnswerEngine
from knowledge.errors import InvalidKnowledgeBase, Problem, StoreError
from knowledge.loader import CORPUS_DIR, KnowledgeBase, load_knowledge
from knowledge.models import Answer

if TYPE_CHECKING:
    from knowledge.store import Store

log = logging.getLogger(__name__)

UPLOAD_EXTENSION = ".toml"
# A plain file name: no separators, no leading dot, nothing a filesystem treats specially.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.toml$")

# A bug in the engine must not take the live knowledge base down with it; details go to the log.
ENGINE_FAILURE = Problem("(engine)", None,
                         "the knowledge files are valid, but building the answer engine failed (see the log)")

Transport = Literal["discord", "console", "cli"]
RELEASE_GRACE_S = 2.0  # how long a replaced engine stays whole before it is taken apart


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload, check or upload did: counts, what changed, or every problem found."""

    ok: bool
    action: Literal["reload", "upload", "check", "startup"]
    who: str
    version: str | None = None
    previous_version: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    count_changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None
    written: str | None = None

    @property
    def unchanged(self) -> bool:
        return self.ok and not (self.count_changes or self.added or self.removed or self.changed)


@dataclass(frozen=True)
class KnowledgeStatus:
    version: str
    counts: dict[str, int]
    directory: str
    last_reload_at: str | None = None
    last_reload_by: str | None = None
    last_reload_ok: bool | None = None
    store_available: bool = True


def _diff(old: KnowledgeBase | None, new: KnowledgeBase) -> dict:
    before = old.counts() if old else {}
    after = new.counts()
    count_changes = {k: (before.get(k, 0), after.get(k, 0)) for k in sorted(set(before) | set(after))
                     if before.get(k, 0) != after.get(k, 0)}
    old_ids = ({f"source:{s}" for s in old.sources} | set(old.items)) if old else set()
    new_ids = {f"source:{s}" for s in new.sources} | set(new.items)
    changed = []
    if old:
        changed = sorted(i for i in set(old.items) & set(new.items) if old.items[i] is not new.items[i] and old.items[i] != new.items[i])
        changed += sorted(f"source:{s}" for s in set(old.sources) & set(new.sources)
                          if old.sources[s] != new.sources[s])
    return {"count_changes": count_changes, "added": sorted(new_ids - old_ids),
            "removed": sorted(old_ids - new_ids), "changed": changed}


def upload_name_problem(filename: str) -> str | None:
    """Why ``filename`` may not be written into the knowledge directory, or None if it may."""
    if not filename or filename != filename.strip():
        return "the file needs a plain name"
    if "/" in filename or "\\" in filename or ".." in filename or os.path.isabs(filename):
        return "the file name must not contain a path"
    if filename.startswith("."):
        return "hidden files are not accepted"
    if not filename.lower().endswith(UPLOAD_EXTENSION):
        return f"only {UPLOAD_EXTENSION} knowledge files are accepted"
    if not _SAFE_NAME.fullmatch(filename):
        return "use letters, digits, '_', '-' and '.' only (at most 80 characters), ending in .toml"
    return None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a knowledge base is built off the event loop.

    A build allocates millions of objects; the collections that triggers scan the whole heap in
    one C call holding the GIL, which stalls the event loop for hundreds of milliseconds on a
    large knowledge base. The build makes no garbage cycles worth collecting meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # everything built meanwhile sits in the youngest generation; collecting it after this
        # would be the very stall avoided above, so move it out of the collector's reach first
        gc.freeze()
        if was_enabled:
            gc.enable()


Built = tuple[KnowledgeBase, AnswerEngine, dict]


def _build(directory: Path, previous: AnswerEngine | None, vector_cache: Path | None = None) -> Built:
    """Load, index and compare with the live knowledge base, all off the event loop."""
    with _collector_paused():
        kb = load_knowledge(directory, previous=previous.kb if previous else None)
        engine = AnswerEngine(kb, previous, vector_cache=vector_cache)
        return kb, engine, _diff(previous.kb if previous else None, kb)


def _release_gradually(engine: AnswerEngine, successor: AnswerEngine) -> None:
    """Free a replaced engine in small steps, in a worker thread.

    Dropping it in one go frees millions of objects in one C loop that holds the GIL: on a large
    knowledge base that stalls the event loop for as long as a full garbage collection.
    """
    time.sleep(RELEASE_GRACE_S)  # an answer that started on the old engine has long finished
    for _ in engine.dismantle(successor):
        time.sleep(0)  # let the event loop run between steps


def _validate_with(directory: Path, filename: str, data: bytes, previous: AnswerEngine | None,
                   vector_cache: Path | None = None) -> Built:
    """Validate the whole knowledge base as it would be with ``filename`` replaced by ``data``."""
    with _collector_paused(), tempfile.TemporaryDirectory(prefix="kb-upload-") as tmp:
        staged = Path(tmp) / "kb"
        # The corpus is read-only input: link it rather than copy it.
        staged.mkdir()
        for path in directory.iterdir():
            if path.name == CORPUS_DIR and path.is_dir():
                (staged / CORPUS_DIR).symlink_to(path.resolve(), target_is_directory=True)
            elif path.is_file() and path.suffix == UPLOAD_EXTENSION:
                shutil.copy2(path, staged / path.name)
        (staged / filename).write_bytes(data)
        kb = load_knowledge(staged, previous=previous.kb if previous else None)
        kb = replace(kb, directory=str(directory))
        engine = AnswerEngine(kb, previous, vector_cache=vector_cache)
        return kb, engine, _diff(previous.kb if previous else None, kb)


def _write_atomically(target: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


class KnowledgeService:
    """Holds the live AnswerEngine; reload, check and upload never leave it half-changed."""

    directory: Path
    store: Store | None
    max_upload_bytes: int

    def __init__(self, directory: Path, store: Store | None = None, *, max_upload_bytes: int = 512_000,
                 engine: AnswerEngine | None = None, vector_cache: Path | None = None) -> None:
        self.directory = Path(directory)
        self.vector_cache = vector_cache
        self.conversations = Conversations()
        # free-text answers are worked out here, one at a time, off the event loop: encoding a question
        # takes milliseconds, and the engine serves one question at a time
        self.answerer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answer")
        self.store = store
        self.max_upload_bytes = max_upload_bytes
        self._engine = engine
        self._lock = asyncio.Lock()

    @property
    def engine(self) -> AnswerEngine:
        if self._engine is None:
            raise RuntimeError("the knowledge base has not been loaded yet")
        return self._engine

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    # --- changing the knowledge base -------------------------------------------

    async def reload(self, who: str, *, action: Literal["reload", "startup"] = "reload") -> ReloadOutcome:
        """Re-read the directory; swap the engine only if the whole knowledge base is valid."""
        async with self._lock:
            try:
                kb, engine, diff = await asyncio.to_thread(_build, self.directory, self._engine, self.vector_cache)
            except InvalidKnowledgeBase as exc:
                outcome = self._refusal(action, who, exc.problems)
            except Exception:
                log.exception("%s by %s: building the answer engine failed", action, who)
                outcome = self._refusal(action, who, [ENGINE_FAILURE])
            else:
                outcome = self._swap(action, who, kb, engine, diff)
            await self._record(outcome)
            return outcome

    async def check(self, who: str, directory: Path | None = None) -> ReloadOutcome:
        """Validate a directory on disk without touching the live engine."""
        target = Path(directory) if directory else self.directory
        current = self._engine.kb if self._engine else None

        def check_and_compare() -> tuple[KnowledgeBase, dict]:
            kb = load_knowledge(target, previous=current)
            return kb, _diff(current, kb)

        try:
            kb, diff = await asyncio.to_thread(check_and_compare)
        except InvalidKnowledgeBase as exc:
            return self._refusal("check", who, exc.problems)
        return ReloadOutcome(ok=True, action="check", who=who, version=kb.version,
                             previous_version=current.version if current else None,
                             counts=kb.counts(), **diff)

    async def upload(self, filename: str, data: bytes, who: str) -> ReloadOutcome:
        """Validate the knowledge base with ``filename`` added or replaced; only then write and swap."""
        reason = upload_name_problem(filename)
        if reason is None and len(data) > self.max_upload_bytes:
            reason = f"the file is {len(data):,} bytes; the limit is {self.max_upload_bytes:,}"
        if reason is None and not data.strip():
            reason = "the file is empty"
        if reason is not None:
            return await self.refuse_upload(filename, reason, who)
        async with self._lock:
            try:
                kb, engine, diff = await asyncio.to_thread(
                    _validate_with, self.directory, filename, data, self._engine, self.vector_cache
                )
            except InvalidKnowledgeBase as exc:
                outcome = self._refusal("upload", who, exc.problems)
            except Exception:
                log.exception("upload of %s by %s: building the answer engine failed", filename, who)
                outcome = self._refusal("upload", who, [ENGINE_FAILURE])
            else:
                target = self.directory / filename
                try:
                    await asyncio.to_thread(_write_atomically, target, data)
                except OSError as exc:
                    log.error("could not write uploaded knowledge file %s: %s", target, exc)
                    reason = "the file could not be written to the knowledge directory"
                    outcome = ReloadOutcome(ok=False, action="upload", who=who, refused=reason,
                                            problems=[Problem(filename, None, reason)])
                else:
                    outcome = replace(self._swap("upload", who, kb, engine, diff), written=filename)
            await self._record(outcome)
            return outcome

    async def refuse_upload(self, filename: str, reason: str, who: str) -> ReloadOutcome:
        """Refuse an upload before reading it (e.g. too large to download); recorded like any attempt."""
        outcome = ReloadOutcome(ok=False, action="upload", who=who, refused=reason,
                                problems=[Problem(filename or "(no name)", None, reason)])
        log.warning("upload of %r by %s refused: %s", filename, who, reason)
        await self._record(outcome)
        return outcome

    def _swap(self, action: str, who: str, kb: KnowledgeBase, engine: AnswerEngine, diff: dict) -> ReloadOutcome:
        replaced = self._engine
        old = replaced.kb if replaced else None
        self._engine = engine  # one reference assignment: readers see the old engine or the new one
        if replaced is not None:
            threading.Thread(target=_release_gradually, args=(replaced, engine), name="release-old-kb", daemon=True).start()
            del replaced
        # the live knowledge base stays for the process's life: keep later collections from scanning
        # it (the old engine has no reference cycles, so it is still freed when its last user is done)
        gc.freeze()
        log.info("%s by %s: knowledge base %s -> %s %s", action, who, old.version if old else None,
                 kb.version, kb.counts())
        return ReloadOutcome(ok=True, action=action, who=who, version=kb.version,  # type: ignore[arg-type]
                             previous_version=old.version if old else None, counts=kb.counts(), **diff)

    def _refusal(self, action: str, who: str, problems: list[Problem]) -> ReloadOutcome:
        current = self._engine.kb if self._engine else None
        log.warning("%s by %s refused: %d problem(s); still serving %s", action, who, len(problems),
                    current.version if current else "nothing")
        return ReloadOutcome(ok=False, action=action, who=who,  # type: ignore[arg-type]
                             version=current.version if current else None,
                             counts=current.counts() if current else {}, problems=list(problems))

    async def _record(self, outcome: ReloadOutcome) -> None:
        if self.store is None or outcome.action == "check":
            return
        try:
            await self.store.record_reload(
                who=outcome.who, ok=outcome.ok, counts=outcome.counts if outcome.ok else {},
                digest=self._engine.kb.digest if (outcome.ok and self._engine) else None,
                problems=[str(p) for p in outcome.problems], source=outcome.action)
        except StoreError as exc:
            log.error("could not record the %s in the reload history: %s", outcome.action, exc)

    # --- reading ------------------------------------------------------------------

    async def status(self) -> KnowledgeStatus:
        kb = self.engine.kb
        status = KnowledgeStatus(version=kb.version, counts=kb.counts(), directory=str(self.directory),
                                 store_available=self.store is not None)
        if self.store is None:
            return status
        try:
            last = await self.store.last_reload(ok_only=False)
        except StoreError as exc:
            log.error("could not read the reload history: %s", exc)
            return replace(status, store_available=False)
        if last is None:
            return status
        return replace(status, last_reload_at=last.at.isoformat(sep=" ", timespec="seconds"),
                       last_reload_by=last.who, last_reload_ok=last.ok)

    async def ask_off_loop(self, question: str, conversation: str | None = None) -> Answer:
        """``ask`` in the answering thread, so the event loop keeps serving other interactions."""
        return await asyncio.get_running_loop().run_in_executor(self.answerer, self.ask, question, conversation)

    def ask(self, question: str, conversation: str | None = None) -> Answer:
        """Answer free text, reading a follow-up against the same conversation's last question.

        ``conversation``: who is asking where (a user in a channel); None asks on its own.
        """
        engine = self.engine
        previous = self.conversations.previous(conversation) if conversation else None
        turn = engine.converse(question, previous)
        if conversation:
            self.conversations.remember(conversation, turn)
        return turn.answer

    async def record_question(self, answer: Answer, *, question: str, transport: Transport,
                              user_id: int | None = None, guild_id: int | None = None) -> int | None:
        """Log an asked question and its outcome; a failing database never breaks the answer."""
        if self.store is None:
            return None
        try:
            return await self.store.record_question(
                question=question, answered=answer.answered, kind=answer.kind,
                confidence=answer.confidence, transport=transport,
                user_id=None if user_id is None else str(user_id),
                guild_id=None if guild_id is None else str(guild_id))
        except StoreError as exc:
            log.error("could not record a question (answer still sent): %s", exc)
            return None
