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
import sys
import tempfile
import threading
import time
import tomllib
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from knowledge import loader
from knowledge.conversation import Conversations
from knowledge.engine import AnswerEngine
from knowledge.errors import InvalidKnowledgeBase, Problem, StoreError
from knowledge.history import (
    HISTORY_DIR,
    History,
    HistoryError,
    Version,
    read_folder,
    sha,
    write_atomically,
)
from knowledge.loader import CORPUS_DIR, KnowledgeBase, kind_name, load_knowledge
from knowledge.models import Answer
from knowledge.store import StoreBusy

if TYPE_CHECKING:
    from knowledge.store import Store

log = logging.getLogger(__name__)

UPLOAD_EXTENSION = ".toml"
ARTICLE_EXTENSION = ".txt"
# A plain file name: no separators, no leading dot, nothing a filesystem treats specially.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.toml$")
# An article's name without .txt is its source id (models.Source.id): the same plain names.
_SAFE_ARTICLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.txt$")
# Drafts for uploaded articles: in the knowledge folder's ignored history folder, never loaded.
DRAFTS_DIR = f"{HISTORY_DIR}/drafts"

# A bug in the engine must not take the live knowledge base down with it; details go to the log.
ENGINE_FAILURE = Problem(
    "(engine)", None, "the knowledge files are valid, but building the answer engine failed (see the log)"
)

Transport = Literal["discord", "console", "cli"]
# adopt: loading a version another process published (knowledge.cluster)
Action = Literal["reload", "upload", "check", "startup", "rollback", "adopt"]
RELEASE_GRACE_S = 2.0  # how long a replaced engine stays whole before it is taken apart
DEFAULT_TIME_LIMIT_S = 60.0  # the longest a reload, upload or rollback may hold the lock
# Builds that overran keep running in their threads until they end (a thread cannot be killed);
# past this many still running, further changes are refused rather than piling up more.
MAX_ABANDONED = 3
# A change's stages, in order, as told to a ``Progress`` callback (a moderator's reply shows them as it goes).
STAGES = ("validating", "indexing", "swapping")
Progress = Callable[[str], None]  # given a stage's name, always on the event loop


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload, check or upload did: counts, what changed, or every problem found."""

    ok: bool
    action: Action
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
    # the removed ids grouped by kind ("source", "casualty", ...)
    removed_by_kind: dict[str, list[str]] = field(default_factory=dict)
    # an upload that would remove items: nothing was written; it is applied only once confirmed
    needs_confirmation: bool = False
    file: str | None = None  # the uploaded file's name
    # an uploaded article (.txt): written into the corpus, not loaded; its draft for review
    draft: str | None = None
    draft_path: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. what a rollback restored

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
    store_busy: bool = False  # the database did not answer in time (another process holds it?)
    records_waiting: int = 0  # question, vote and reload records queued, not written yet
    records_dropped: int = 0  # records dropped since start because the queue was full
    # every process sharing the database (PostgreSQL): its version, heartbeat, and why it can't load one
    processes: tuple[ProcessState, ...] = ()
    processes_problem: str | None = None  # why the processes could not be listed


@dataclass(frozen=True)
class ProcessState:
    """One bot process as it last reported itself (knowledge.cluster)."""

    name: str
    shards: str
    version: str | None
    heartbeat_age_s: float
    problem: str | None = None  # why it could not load the shared version (it keeps its own)
    this: bool = False  # the process answering


class SharedVersions(Protocol):
    """Knowledge versions shared with other processes (knowledge.cluster.KnowledgeSync)."""

    async def publish(self, digest: str, files: dict[str, bytes], *, who: str, action: str) -> str | None:
        """Make ``digest`` (whose files are ``files``) the version every process loads; why not, or None."""

    async def processes(self) -> list[ProcessState]:
        """Every process that reported itself, this one first."""


def _diff(old: KnowledgeBase | None, new: KnowledgeBase) -> dict:
    before = old.counts() if old else {}
    after = new.counts()
    count_changes = {
        k: (before.get(k, 0), after.get(k, 0))
        for k in sorted(set(before) | set(after))
        if before.get(k, 0) != after.get(k, 0)
    }
    old_ids = ({f"source:{s}" for s in old.sources} | set(old.items)) if old else set()
    new_ids = {f"source:{s}" for s in new.sources} | set(new.items)
    changed = []
    if old:
        changed = sorted(
            i
            for i in set(old.items) & set(new.items)
            if old.items[i] is not new.items[i] and old.items[i] != new.items[i]
        )
        changed += sorted(
            f"source:{s}" for s in set(old.sources) & set(new.sources) if old.sources[s] != new.sources[s]
        )
    removed = sorted(old_ids - new_ids)
    by_kind: dict[str, list[str]] = {}
    for iid in removed:
        if iid.startswith("source:") and old is not None and iid[len("source:") :] in old.sources:
            by_kind.setdefault("source", []).append(iid[len("source:") :])
        elif old is not None and iid in old.items:
            by_kind.setdefault(kind_name(old.items[iid]), []).append(iid)
    return {
        "count_changes": count_changes,
        "added": sorted(new_ids - old_ids),
        "removed": removed,
        "changed": changed,
        "removed_by_kind": by_kind,
    }


def _plain_name_problem(filename: str) -> str | None:
    if not filename or filename != filename.strip():
        return "the file needs a plain name"
    if "/" in filename or "\\" in filename or ".." in filename or os.path.isabs(filename):
        return "the file name must not contain a path"
    if filename.startswith("."):
        return "hidden files are not accepted"
    return None


def is_article(filename: str) -> bool:
    """An upload of a new article (``.txt``, into the corpus) rather than a knowledge file."""
    return filename.lower().endswith(ARTICLE_EXTENSION)


def article_name_problem(filename: str) -> str | None:
    """Why ``filename`` may not be an article's name in the corpus (its stem is the source id), or None."""
    if reason := _plain_name_problem(filename):
        return reason
    if not _SAFE_ARTICLE.fullmatch(filename):
        return (
            "use letters, digits, '_', '-' and '.' only (at most 80 characters), ending in .txt: "
            "the name without .txt becomes the article's source id"
        )
    return None


def upload_name_problem(filename: str) -> str | None:
    """Why ``filename`` may not be written into the knowledge directory, or None if it may."""
    if reason := _plain_name_problem(filename):
        return reason
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


class _Abandoned(Exception):
    """Raised in a change's thread when it reaches its point of no return after being abandoned."""


class _Overran(Exception):
    """A change took longer than its time limit; it was abandoned (or, once committed, left to finish)."""

    def __init__(self, culprit: str | None, *, committed: bool = False) -> None:
        self.culprit = culprit
        self.committed = committed
        super().__init__(culprit)


class _NothingToRollBack(Exception):
    pass


class _Job:
    """One change's work, in a daemon thread of its own, abandoned (never killed) when it overruns.

    A thread of its own rather than the default executor: a build stuck for good (say, a read
    that never returns) must not occupy an executor worker nor hold up the interpreter's exit.
    Work that writes calls ``commit()`` first: once abandoned it stops there, and once committed
    it is no longer abandoned, so a change is either made in full or not made at all.
    """

    def __init__(self, name: str, work: Callable[..., Any], *args: Any) -> None:
        self.name = name
        self.started = time.monotonic()
        self._guard = threading.Lock()
        self.abandoned = False
        self.committed = False
        self._work = work
        self._args = args
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._future: asyncio.Future | None = None
        self.progress: Progress | None = None

    def stage(self, name: str) -> None:
        """Tell the change's ``progress`` callback, on the event loop, that the work reached ``name``."""
        if self.progress is not None and self._loop is not None and not self.abandoned:
            with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile
                self._loop.call_soon_threadsafe(self.progress, name)

    def commit(self) -> None:
        with self._guard:
            if self.abandoned:
                raise _Abandoned(self.name)
            self.committed = True

    def _abandon(self) -> bool:
        with self._guard:
            if self.committed:
                return False
            self.abandoned = True
            return True

    async def run(self, limit: float | None) -> Any:
        """The work's result, or ``_Overran`` after ``limit`` seconds (the thread then runs on, unheard)."""
        self._loop = asyncio.get_running_loop()
        self._future = self._loop.create_future()
        # nobody may be waiting any more when an abandoned job ends: never warn about its result
        self._future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.thread.start()
        try:
            return await asyncio.wait_for(
                asyncio.shield(self._future), None if limit is None else max(0.0, limit)
            )
        except asyncio.CancelledError:  # the caller is gone (shutting down): do not start writing now
            self._abandon()
            raise
        except TimeoutError:
            culprit = self.culprit()
            if self._abandon():
                gc.enable()  # the abandoned build paused the collector; the process must not run without it
                raise _Overran(culprit) from None
        # committed before the limit: what is left is writing files; give it one more limit, no more
        try:
            return await asyncio.wait_for(asyncio.shield(self._future), max(1.0, limit or 0.0))
        except TimeoutError:
            raise _Overran(self.culprit(), committed=True) from None

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()

    def culprit(self) -> str | None:
        """The knowledge file the thread is reading right now, if it is in the loader."""
        frame = sys._current_frames().get(self.thread.ident or -1)
        frames: list[FrameType] = []
        while frame is not None:
            frames.append(frame)
            frame = frame.f_back
        return _loader_file(frames)

    def _run(self) -> None:
        try:
            result, error = self._work(self, *self._args), None
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            result, error = None, exc
        if self.abandoned:
            took = time.monotonic() - self.started
            if error is not None and not isinstance(error, _Abandoned):
                log.warning(
                    "abandoned %s ended after %.1f s with %s: %s",
                    self.name,
                    took,
                    type(error).__name__,
                    error,
                )
            else:
                log.warning("abandoned %s ended after %.1f s; its result was discarded", self.name, took)
            return

        def settle() -> None:
            if self._future is not None and not self._future.done():
                if error is not None:
                    self._future.set_exception(error)
                else:
                    self._future.set_result(result)

        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile
                self._loop.call_soon_threadsafe(settle)


def _loader_file(frames: Iterable[FrameType]) -> str | None:
    """The knowledge file named by the innermost loader frame among ``frames`` (innermost first)."""
    for frame in frames:
        if frame.f_globals.get("__name__") != loader.__name__:
            continue
        path = frame.f_locals.get("path")
        if isinstance(path, Path):
            return f"{CORPUS_DIR}/{path.name}" if path.parent.name == CORPUS_DIR else path.name
        rel = frame.f_locals.get("rel")
        if isinstance(rel, str) and rel:
            return rel
    return None


def _failed_file(exc: BaseException) -> str | None:
    """The knowledge file an unexpected exception was raised while reading, from its traceback."""
    frames = [frame for frame, _ in traceback.walk_tb(exc.__traceback__)]
    return _loader_file(reversed(frames))


def _build(
    job: _Job,
    directory: Path,
    previous: AnswerEngine | None,
    vector_cache: Path | None,
    history: History | None,
) -> tuple[Built, dict[str, str] | None]:
    """Load, index and compare with the live knowledge base, all off the event loop; then keep a
    copy of the files just loaded (for a later rollback)."""
    with _collector_paused():
        job.stage("validating")
        kb = load_knowledge(directory, previous=previous.kb if previous else None)
        job.stage("indexing")
        engine = AnswerEngine(kb, previous, vector_cache=vector_cache)
        built = kb, engine, _diff(previous.kb if previous else None, kb)
    return built, _keep_copy(history, directory, kb)


def _keep_copy(history: History | None, directory: Path, kb: KnowledgeBase) -> dict[str, str] | None:
    """Save the folder's files into the history, if they are still the ones ``kb`` was loaded from."""
    if history is None:
        return None
    try:
        files = read_folder(directory)
        for rel, digest in kb.file_digests.items():
            if rel not in files or sha(files[rel]) != digest:
                log.warning(
                    "%s changed while it was being loaded; this version is not kept for rollback", rel
                )
                return None
        return history.save(files)
    except OSError as exc:
        log.error("could not keep a copy of the knowledge files in %s: %s", history.root, exc)
        return None


def _release_gradually(engine: AnswerEngine, successor: AnswerEngine) -> None:
    """Free a replaced engine in small steps, in a worker thread.

    Dropping it in one go frees millions of objects in one C loop that holds the GIL: on a large
    knowledge base that stalls the event loop for as long as a full garbage collection.
    """
    time.sleep(RELEASE_GRACE_S)  # an answer that started on the old engine has long finished
    for _ in engine.dismantle(successor):
        time.sleep(0)  # let the event loop run between steps


def _stage(directory: Path, staged: Path, files: dict[str, bytes] | None = None) -> None:
    """Copy the knowledge files of ``directory`` (or ``files``) into the empty folder ``staged``.

    Each file is read as the loader reads it: a regular file inside the folder, no link, device
    or pipe (a link would otherwise be copied in as the regular file it points to).
    """
    if files is None:
        try:
            files = read_folder(directory)
        except HistoryError as exc:
            rel, _, reason = str(exc).partition(": ")
            raise InvalidKnowledgeBase([Problem(rel, None, f"unreadable: {reason}")]) from None
    staged.mkdir()
    (staged / CORPUS_DIR).mkdir()
    for rel, data in files.items():
        (staged / rel).write_bytes(data)


def _validate_with(
    directory: Path,
    filename: str,
    data: bytes,
    previous: AnswerEngine | None,
    vector_cache: Path | None = None,
    stage: Progress | None = None,
) -> Built:
    """Validate the whole knowledge base as it would be with ``filename`` replaced by ``data``."""
    with _collector_paused(), tempfile.TemporaryDirectory(prefix="kb-upload-") as tmp:
        staged = Path(tmp) / "kb"
        _stage(directory, staged)
        (staged / filename).write_bytes(data)
        for article in _waiting_articles(directory, data):
            (staged / CORPUS_DIR).mkdir(exist_ok=True)
            shutil.copyfile(directory / DRAFTS_DIR / article, staged / CORPUS_DIR / article)
        kb = load_knowledge(staged, previous=previous.kb if previous else None)
        kb = replace(kb, directory=str(directory))
        if stage is not None:
            stage("indexing")
        engine = AnswerEngine(kb, previous, vector_cache=vector_cache)
        return kb, engine, _diff(previous.kb if previous else None, kb)


def _upload(
    job: _Job,
    directory: Path,
    filename: str,
    data: bytes,
    previous: AnswerEngine | None,
    vector_cache: Path | None,
    confirmed: bool | Collection[str],
    history: History | None,
) -> tuple[Built, bool, dict[str, str] | None]:
    """Validate; unless it removes items nobody confirmed, write the file. (built, written, kept copy)"""
    job.stage("validating")
    kb, engine, diff = _validate_with(directory, filename, data, previous, vector_cache, job.stage)
    removed = diff["removed"]
    if removed and confirmed is not True and not set(removed) <= set(confirmed or ()):
        return (kb, engine, diff), False, None
    job.commit()
    for article in _waiting_articles(directory, data):
        (directory / CORPUS_DIR).mkdir(exist_ok=True)
        os.replace(directory / DRAFTS_DIR / article, directory / CORPUS_DIR / article)
    write_atomically(directory / filename, data)
    return (kb, engine, diff), True, _keep_copy(history, directory, kb)


def _add_article(
    job: _Job, directory: Path, filename: str, data: bytes, previous: AnswerEngine | None
) -> tuple[str, Path]:
    """Draft the article against the live knowledge, write the draft, then the article into the corpus
    (each atomically); nothing is loaded. (draft text, draft path)"""
    from knowledge.drafting import draft_article, to_toml

    sid = filename[: -len(ARTICLE_EXTENSION)]
    rel = f"{CORPUS_DIR}/{filename}"
    target = directory / rel
    live = previous.kb if previous else None
    if os.path.lexists(target) or (live is not None and sid in live.sources):
        raise InvalidKnowledgeBase(
            [
                Problem(
                    rel,
                    None,
                    "already in the knowledge base: an article is never replaced (evidence is checked "
                    "against it); give the new one another name",
                )
            ]
        )
    text = data.decode("utf-8")
    draft = to_toml(draft_article(text, sid, live))
    drafts = directory / DRAFTS_DIR
    path = drafts / f"draft_{sid}.toml"
    job.commit()
    drafts.mkdir(parents=True, exist_ok=True)
    write_atomically(path, draft.encode("utf-8"))
    # the article waits beside its draft: it joins the corpus with the reviewed draft's upload, so the
    # folder never holds an article without its [[source]] entry (a reload meanwhile is unaffected)
    write_atomically(drafts / filename, data)
    return draft, path


def _waiting_articles(directory: Path, data: bytes) -> list[str]:
    """Articles waiting in the drafts folder whose [[source]] entry the uploaded file ``data`` defines."""
    drafts = directory / DRAFTS_DIR
    if not drafts.is_dir():
        return []
    try:
        defined = tomllib.loads(data.decode("utf-8")).get("source", [])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []  # the loader reports the file's own problem
    ids = {s.get("id") for s in defined if isinstance(s, dict)}
    return sorted(
        f"{sid}{ARTICLE_EXTENSION}"
        for sid in ids
        if isinstance(sid, str)
        and (drafts / f"{sid}{ARTICLE_EXTENSION}").is_file()
        and not (directory / CORPUS_DIR / f"{sid}{ARTICLE_EXTENSION}").exists()
    )


def _rollback(
    job: _Job, directory: Path, previous: AnswerEngine | None, vector_cache: Path | None, history: History
) -> tuple[Built, Version, list[str], str | None]:
    """Validate the version before the live one; then write its files back (built, version, notes, set-aside)."""
    live = previous.kb.digest if previous else None
    versions = history.versions()
    kept = {digest for v in versions for digest in v.files.values()}
    while versions and versions[-1].digest == live:
        versions.pop()
    if not versions:
        raise _NothingToRollBack
    target = versions[-1]
    built, notes, set_aside = _put_in_place(
        job, directory, previous, vector_cache, history.contents(target), kept, history
    )
    return built, target, notes, set_aside


def _adopt(
    job: _Job,
    directory: Path,
    previous: AnswerEngine | None,
    vector_cache: Path | None,
    files: dict[str, bytes],
    digest: str,
    history: History | None,
) -> tuple[Built, list[str], str | None, dict[str, str] | None]:
    """Validate a version another process published; then write its files here (built, notes, set-aside,
    kept copy)."""
    kept = {d for v in history.versions() for d in v.files.values()} if history is not None else set()
    built, notes, set_aside = _put_in_place(
        job, directory, previous, vector_cache, files, kept, history, expect=digest
    )
    return built, notes, set_aside, _keep_copy(history, directory, built[0])


def _put_in_place(
    job: _Job,
    directory: Path,
    previous: AnswerEngine | None,
    vector_cache: Path | None,
    wanted: dict[str, bytes],
    kept: set[str],
    history: History | None,
    expect: str | None = None,
) -> tuple[Built, list[str], str | None]:
    """Load ``wanted`` (the knowledge files by relative path) staged apart, and only if it is valid (and is
    the version ``expect``, when given) write it over the folder's files: (built, notes, set-aside folder)."""
    with _collector_paused(), tempfile.TemporaryDirectory(prefix="kb-restore-") as tmp:
        _stage(directory, Path(tmp) / "kb", wanted)
        kb = load_knowledge(Path(tmp) / "kb", previous=previous.kb if previous else None)
        kb = replace(kb, directory=str(directory))
        if expect is not None and kb.digest != expect:
            raise InvalidKnowledgeBase(
                [Problem("(shared version)", None, f"its files load as {kb.version}, not {expect[:12]}")]
            )
        engine = AnswerEngine(kb, previous, vector_cache=vector_cache)
        diff = _diff(previous.kb if previous else None, kb)
    current = read_folder(directory)
    changed = sorted(rel for rel, data in wanted.items() if current.get(rel) != data)
    removed = sorted(rel for rel in current if rel not in wanted)
    # what is on disk but in no kept version (edited, never loaded) is set aside, not lost
    unkept = {
        rel: current[rel] for rel in changed + removed if rel in current and sha(current[rel]) not in kept
    }
    job.commit()
    set_aside = (history or History(directory, 1)).set_aside(unkept) if unkept else None
    _replace_files(directory, {rel: wanted[rel] for rel in changed}, removed, current)
    notes = [f"Restored {', '.join(changed)}." if changed else "No file needed restoring."]
    if removed:
        notes.append(f"Removed {', '.join(removed)} (not in that version).")
    return (kb, engine, diff), notes, set_aside


def _replace_files(
    directory: Path, files: dict[str, bytes], removed: list[str], before: dict[str, bytes]
) -> None:
    """Write ``files`` and delete ``removed``, all or nothing as far as the filesystem allows:
    every new file is written in full first, then each is renamed into place; on a failure the
    files already changed get their old bytes back."""
    staged: dict[str, str] = {}
    done: list[str] = []
    try:
        for rel, data in files.items():
            target = directory / rel
            target.parent.mkdir(exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged[rel] = tmp_name
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for rel in files:
            os.replace(staged.pop(rel), directory / rel)
            done.append(rel)
        for rel in removed:
            os.unlink(directory / rel)
            done.append(rel)
    except OSError:
        for rel in done:
            with contextlib.suppress(OSError):
                if rel in before:
                    write_atomically(directory / rel, before[rel])
                else:
                    os.unlink(directory / rel)
        for tmp_name in staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        raise


class KnowledgeService:
    """Holds the live AnswerEngine; reload, check and upload never leave it half-changed."""

    directory: Path
    store: Store | None
    max_upload_bytes: int
    shared: SharedVersions | None  # set when processes share the database (PostgreSQL)

    def __init__(
        self,
        directory: Path,
        store: Store | None = None,
        *,
        max_upload_bytes: int = 512_000,
        engine: AnswerEngine | None = None,
        vector_cache: Path | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT_S,
        history_versions: int = 0,
    ) -> None:
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
        # the longest a reload, upload or rollback holds the lock (and waits for it); start-up is exempt
        self.time_limit = time_limit
        # the last good versions of the folder, for /kb rollback (0: none kept)
        self.history = History(self.directory, history_versions) if history_versions > 0 else None
        self._abandoned: list[_Job] = []
        self.shared = None

    @property
    def engine(self) -> AnswerEngine:
        if self._engine is None:
            raise RuntimeError("the knowledge base has not been loaded yet")
        return self._engine

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    # --- changing the knowledge base -------------------------------------------

    async def reload(
        self, who: str, *, action: Literal["reload", "startup"] = "reload", progress: Progress | None = None
    ) -> ReloadOutcome:
        """Re-read the directory; swap the engine only if the whole knowledge base is valid. ``progress`` is
        told each stage (``STAGES``) as it starts."""

        async def change(deadline: float | None) -> ReloadOutcome:
            (kb, engine, diff), kept = await self._off_loop(
                action,
                deadline,
                _build,
                self.directory,
                self._engine,
                self.vector_cache,
                self.history,
                progress=progress,
            )
            if progress is not None:
                progress("swapping")
            outcome = self._swap(action, who, kb, engine, diff)
            outcome = await self._remember(outcome, kb, kept, deadline)
            return outcome if action == "startup" else await self._share(outcome, kb)

        return await self._exclusively(action, who, self._folder, change)

    async def check(self, who: str, directory: Path | None = None) -> ReloadOutcome:
        """Validate a directory on disk without touching the live engine (within the time limit too)."""
        target = Path(directory) if directory else self.directory
        current = self._engine.kb if self._engine else None

        def check_and_compare(job: _Job) -> tuple[KnowledgeBase, dict]:
            kb = load_knowledge(target, previous=current)
            return kb, _diff(current, kb)

        try:
            kb, diff = await self._off_loop("check", time.monotonic() + self.time_limit, check_and_compare)
        except InvalidKnowledgeBase as exc:
            return self._refusal("check", who, exc.problems)
        except _Overran as exc:
            return self._refusal("check", who, [self._overran("check", exc, target.name)])
        except Exception as exc:
            log.exception("check of %s by %s failed", target, who)
            return self._refusal("check", who, [self._failure("check", exc, target.name)])
        return ReloadOutcome(
            ok=True,
            action="check",
            who=who,
            version=kb.version,
            previous_version=current.version if current else None,
            counts=kb.counts(),
            **diff,
        )

    async def upload(
        self,
        filename: str,
        data: bytes,
        who: str,
        *,
        confirmed: bool | Collection[str] = False,
        progress: Progress | None = None,
    ) -> ReloadOutcome:
        """Validate the knowledge base with ``filename`` added or replaced; only then write and swap.

        An upload that would remove items (ids the live knowledge base has and the new one lacks)
        is not applied: the outcome ``needs_confirmation`` and lists them. ``confirmed``: True to
        apply it whatever it removes, or the ids already confirmed (asked again if it now removes more).
        A new article (``.txt``) goes through ``upload_article`` instead (see ``is_article``). ``progress`` is
        told each stage (``STAGES``) as it starts.
        """
        reason = upload_name_problem(filename)
        if reason is None and len(data) > self.max_upload_bytes:
            reason = f"the file is {len(data):,} bytes; the limit is {self.max_upload_bytes:,}"
        if reason is None and not data.strip():
            reason = "the file is empty"
        if reason is not None:
            return await self.refuse_upload(filename, reason, who)

        async def change(deadline: float | None) -> ReloadOutcome:
            (kb, engine, diff), written, kept = await self._off_loop(
                f"upload of {filename}",
                deadline,
                _upload,
                self.directory,
                filename,
                data,
                self._engine,
                self.vector_cache,
                confirmed,
                self.history,
                progress=progress,
            )
            if not written:
                return self._confirmation(who, filename, diff)
            if progress is not None:
                progress("swapping")
            outcome = replace(self._swap("upload", who, kb, engine, diff), written=filename, file=filename)
            return await self._share(await self._remember(outcome, kb, kept, deadline), kb)

        return await self._exclusively("upload", who, filename, change)

    async def upload_article(self, filename: str, data: bytes, who: str) -> ReloadOutcome:
        """Write a new article (``.txt``) into the corpus and draft its items for review; nothing is loaded.

        The live knowledge is unchanged; the outcome carries the draft (``draft``, ``draft_path``).
        The article waits beside its draft and joins the corpus when the reviewed draft (which holds its
        ``[[source]]`` entry) is uploaded; reloads meanwhile are unaffected.
        """
        reason = article_name_problem(filename)
        if reason is None and len(data) > self.max_upload_bytes:
            reason = f"the file is {len(data):,} bytes; the limit is {self.max_upload_bytes:,}"
        if reason is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            else:
                if not text.strip():
                    reason = "the file is empty"
        if reason is not None:
            return await self.refuse_upload(filename, reason, who)

        async def change(deadline: float | None) -> ReloadOutcome:
            draft, path = await self._off_loop(
                f"article {filename}", deadline, _add_article, self.directory, filename, data, self._engine
            )
            current = self._engine.kb if self._engine else None
            sid = filename[: -len(ARTICLE_EXTENSION)]
            log.info("article %s added to the corpus by %s; draft in %s", filename, who, path)
            return ReloadOutcome(
                ok=True,
                action="upload",
                who=who,
                version=current.version if current else None,
                previous_version=current.version if current else None,
                counts=current.counts() if current else {},
                written=f"{DRAFTS_DIR}/{filename}",
                file=filename,
                draft=draft,
                draft_path=str(path),
                notes=[
                    f"Nothing was loaded: the article's items are only drafted (source id {sid}).",
                    f"Review the draft (draft_{sid}.toml), then /kb upload it: the article joins the "
                    "corpus with it and its items are loaded.",
                ],
            )

        return await self._exclusively("upload", who, f"{CORPUS_DIR}/{filename}", change)

    async def rollback(self, who: str) -> ReloadOutcome:
        """Restore the files of the version before the live one (validated first), and load it."""
        where = f"{self._folder}/{HISTORY_DIR}"
        history = self.history
        if history is None:
            return await self._refuse(
                "rollback",
                who,
                where,
                "no earlier versions are kept (the history setting is 0); nothing to roll back to",
            )

        async def change(deadline: float | None) -> ReloadOutcome:
            (kb, engine, diff), target, notes, set_aside = await self._off_loop(
                "rollback", deadline, _rollback, self.directory, self._engine, self.vector_cache, history
            )
            outcome = self._swap("rollback", who, kb, engine, diff)
            notes = [
                f"Rolled back to the version loaded {target.at} by {target.who} ({target.action})."
            ] + notes
            if set_aside:
                notes.append(f"Files edited on disk but never loaded were set aside in {set_aside}.")
            try:
                await self._off_loop(
                    "rollback history",
                    self._history_deadline(deadline),
                    lambda job: history.truncate(target.digest),
                )
            except (_Overran, OSError) as exc:
                log.error("rollback by %s: the history could not be updated: %s", who, exc)
            return await self._share(replace(outcome, notes=notes), kb)

        return await self._exclusively("rollback", who, where, change)

    async def adopt(
        self,
        digest: str,
        files: dict[str, bytes],
        who: str,
        *,
        still_wanted: Callable[[], bool] = lambda: True,
    ) -> ReloadOutcome:
        """Load the knowledge version ``digest`` another process published, its files given by relative path:
        validated staged apart (and refused unless its files load as that very version), then written over the
        folder's files (edits never loaded set aside) and swapped in, like a rollback. Refused: the live
        knowledge keeps answering. ``still_wanted`` is asked once the lock is held (a newer version may have
        been published or made here meanwhile); not recorded in the reload history (its maker recorded it)."""

        async def change(deadline: float | None) -> ReloadOutcome:
            current = self._engine.kb if self._engine else None
            if not still_wanted() or (current is not None and current.digest == digest):
                return ReloadOutcome(
                    ok=True,
                    action="adopt",
                    who=who,
                    version=current.version if current else None,
                    previous_version=current.version if current else None,
                    counts=current.counts() if current else {},
                    notes=["Nothing to load: already on it, or superseded."],
                )
            (kb, engine, diff), notes, set_aside, kept = await self._off_loop(
                "adopt",
                deadline,
                _adopt,
                self.directory,
                self._engine,
                self.vector_cache,
                files,
                digest,
                self.history,
            )
            outcome = self._swap("adopt", who, kb, engine, diff)
            if set_aside:
                notes.append(f"Files edited on disk but never loaded were set aside in {set_aside}.")
            return await self._remember(replace(outcome, notes=notes), kb, kept, deadline)

        return await self._exclusively("adopt", who, self._folder, change)

    async def _share(self, outcome: ReloadOutcome, kb: KnowledgeBase) -> ReloadOutcome:
        """Publish the version just loaded to the other processes (when the database is shared)."""
        shared = self.shared
        if shared is None:
            return outcome
        try:
            files = await asyncio.to_thread(read_folder, self.directory)
        except HistoryError as exc:
            problem: str | None = f"its files could not be read again ({exc})"
        else:
            stale = [rel for rel, d in kb.file_digests.items() if rel not in files or sha(files[rel]) != d]
            problem = f"{', '.join(stale)} changed while it was loaded" if stale else None
            if problem is None:
                problem = await shared.publish(kb.digest, files, who=outcome.who, action=outcome.action)
        if problem is None:
            note = f"Shared with the other processes: each loads {kb.version} within seconds."
        else:
            log.error(
                "%s by %s: knowledge base %s not shared: %s", outcome.action, outcome.who, kb.version, problem
            )
            note = f"Not shared with the other processes yet: {problem}."
        return replace(outcome, notes=outcome.notes + [note])

    async def refuse_upload(self, filename: str, reason: str, who: str) -> ReloadOutcome:
        """Refuse an upload before reading it (e.g. too large to download); recorded like any attempt."""
        outcome = ReloadOutcome(
            ok=False,
            action="upload",
            who=who,
            refused=reason,
            file=filename or None,
            problems=[Problem(filename or "(no name)", None, reason)],
        )
        log.warning("upload of %r by %s refused: %s", filename, who, reason)
        await self._record(outcome)
        return outcome

    async def _refuse(self, action: Action, who: str, file: str, reason: str) -> ReloadOutcome:
        """A change refused before it began, naming ``file`` and the reason; recorded like any attempt."""
        outcome = self._refusal(action, who, [Problem(file, None, reason)])
        await self._record(outcome)
        return outcome

    @property
    def _folder(self) -> str:
        return self.directory.name or str(self.directory)

    async def _exclusively(
        self, action: Action, who: str, file: str, change: Callable[[float | None], Any]
    ) -> ReloadOutcome:
        """Run ``change`` holding the lock, at most the time limit (start-up: no limit); waiting for the
        lock is limited too. Every failure becomes a refusal naming a file and the reason."""
        limit = None if action == "startup" else self.time_limit
        self._abandoned = [job for job in self._abandoned if job.alive]
        if limit is not None and len(self._abandoned) >= MAX_ABANDONED:
            return await self._refuse(
                action,
                who,
                file,
                f"{len(self._abandoned)} earlier changes took longer than {limit:g} s and are still running "
                "in the background; try again once they end (the live knowledge is unchanged)",
            )
        try:
            await asyncio.wait_for(self._lock.acquire(), limit)
        except TimeoutError:
            return await self._refuse(
                action,
                who,
                file,
                f"another change has held the knowledge base for over {limit:g} s; try again "
                "(the live knowledge is unchanged)",
            )
        try:
            outcome = await change(None if limit is None else time.monotonic() + limit)
        except InvalidKnowledgeBase as exc:
            outcome = self._refusal(action, who, exc.problems)
        except _Overran as exc:
            outcome = self._refusal(action, who, [self._overran(action, exc, file)])
        except _NothingToRollBack:
            outcome = self._refusal(
                action,
                who,
                [Problem(file, None, "there is no earlier version to roll back to; nothing was changed")],
            )
        except HistoryError as exc:
            rel, _, reason = str(exc).partition(": ")
            outcome = self._refusal(action, who, [Problem(rel, None, f"{reason}; nothing was changed")])
        except OSError as exc:
            log.error("%s by %s: could not write the knowledge files: %s", action, who, exc)
            name = Path(exc.filename).name if getattr(exc, "filename", None) else file
            outcome = self._refusal(
                action,
                who,
                [
                    Problem(
                        name,
                        None,
                        (
                            f"could not be written to the knowledge folder ({exc.strerror or exc}); "
                            "nothing was changed"
                        ),
                    )
                ],
            )
        except Exception as exc:
            log.exception("%s by %s: building the answer engine failed", action, who)
            outcome = self._refusal(action, who, [self._failure(action, exc, file)])
        finally:
            self._lock.release()
        # an upload awaiting confirmation was not attempted yet; an adopted version was recorded by its maker
        if not outcome.needs_confirmation and action != "adopt":
            await self._record(outcome)
        return outcome

    async def _off_loop(
        self,
        name: str,
        deadline: float | None,
        work: Callable[..., Any],
        *args: Any,
        progress: Progress | None = None,
    ) -> Any:
        """``work(job, *args)`` in a thread of its own, abandoned at ``deadline`` (None: no limit); the stages
        the work reports (``job.stage``) go to ``progress``."""
        job = _Job(name, work, *args)
        job.progress = progress
        try:
            return await job.run(None if deadline is None else deadline - time.monotonic())
        except _Overran:
            self._abandoned.append(job)
            raise

    def _overran(self, action: str, exc: _Overran, file: str) -> Problem:
        limit = f"{self.time_limit:g}"
        if exc.committed:
            return Problem(
                file,
                None,
                (
                    f"{action} took longer than {limit} s while writing the files; it was left to finish "
                    "(the live knowledge is unchanged): run /kb reload once it has"
                ),
            )
        doing = f" (it was reading {exc.culprit})" if exc.culprit else ""
        return Problem(
            exc.culprit or file,
            None,
            (
                f"{action} took longer than {limit} s and was abandoned{doing}; the live knowledge is unchanged"
            ),
        )

    @staticmethod
    def _failure(action: str, exc: Exception, file: str) -> Problem:
        """An unexpected error as a problem: the file it was reading when it happened, if any, and why."""
        culprit = _failed_file(exc)
        if culprit is None:
            return replace(ENGINE_FAILURE, file=file)
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        return Problem(
            culprit, None, f"could not be read ({type(exc).__name__}{': ' + detail if detail else ''})"
        )

    def _history_deadline(self, deadline: float | None) -> float | None:
        # recording the version is a small write; it gets what is left of the limit, but never nothing
        return None if deadline is None else max(deadline, time.monotonic() + 0.5)

    async def _remember(
        self, outcome: ReloadOutcome, kb: KnowledgeBase, kept: dict[str, str] | None, deadline: float | None
    ) -> ReloadOutcome:
        """Record the files just loaded as the newest version in the history (after the swap)."""
        history = self.history
        if history is None:
            return outcome
        if kept is None:
            return replace(
                outcome,
                notes=outcome.notes + ["This version could not be kept for /kb rollback (see the log)."],
            )
        version = Version(
            digest=kb.digest,
            at=time.strftime("%Y-%m-%d %H:%M:%S"),
            who=outcome.who,
            action=outcome.action,
            files=kept,
        )
        try:
            await self._off_loop(
                "history", self._history_deadline(deadline), lambda job: history.record(version)
            )
        except (_Overran, OSError) as exc:
            log.error("could not record knowledge base %s in %s: %s", kb.version, history.root, exc)
            return replace(
                outcome,
                notes=outcome.notes + ["This version could not be kept for /kb rollback (see the log)."],
            )
        return outcome

    def _confirmation(self, who: str, filename: str, diff: dict) -> ReloadOutcome:
        """An upload that would remove items: nothing written; what it would remove, to be confirmed."""
        current = self._engine.kb if self._engine else None
        kinds = ", ".join(f"{len(ids)} {kind}" for kind, ids in diff["removed_by_kind"].items())
        reason = (
            f"would remove {len(diff['removed'])} item(s) from the live knowledge base ({kinds}); "
            "it was not written: confirm to apply it anyway"
        )
        log.warning("upload of %s by %s held for confirmation: %s", filename, who, reason)
        return ReloadOutcome(
            ok=False,
            action="upload",
            who=who,
            version=current.version if current else None,
            counts=current.counts() if current else {},
            needs_confirmation=True,
            file=filename,
            problems=[Problem(filename, None, reason)],
            **diff,
        )

    def _swap(
        self, action: Action, who: str, kb: KnowledgeBase, engine: AnswerEngine, diff: dict
    ) -> ReloadOutcome:
        replaced = self._engine
        old = replaced.kb if replaced else None
        self._engine = engine  # one reference assignment: readers see the old engine or the new one
        if replaced is not None:
            threading.Thread(
                target=_release_gradually, args=(replaced, engine), name="release-old-kb", daemon=True
            ).start()
            del replaced
        # the live knowledge base stays for the process's life: keep later collections from scanning
        # it (the old engine has no reference cycles, so it is still freed when its last user is done)
        gc.freeze()
        log.info(
            "%s by %s: knowledge base %s -> %s %s",
            action,
            who,
            old.version if old else None,
            kb.version,
            kb.counts(),
        )
        return ReloadOutcome(
            ok=True,
            action=action,
            who=who,
            version=kb.version,
            previous_version=old.version if old else None,
            counts=kb.counts(),
            **diff,
        )

    def _refusal(self, action: Action, who: str, problems: list[Problem]) -> ReloadOutcome:
        current = self._engine.kb if self._engine else None
        log.warning(
            "%s by %s refused: %d problem(s); still serving %s",
            action,
            who,
            len(problems),
            current.version if current else "nothing",
        )
        return ReloadOutcome(
            ok=False,
            action=action,
            who=who,
            version=current.version if current else None,
            counts=current.counts() if current else {},
            problems=list(problems),
        )

    async def _record(self, outcome: ReloadOutcome) -> None:
        if self.store is None or outcome.action == "check":
            return
        try:
            await self.store.record_reload(
                who=outcome.who,
                ok=outcome.ok,
                counts=outcome.counts if outcome.ok else {},
                digest=self._engine.kb.digest if (outcome.ok and self._engine) else None,
                problems=[str(p) for p in outcome.problems],
                source=outcome.action,
            )
        except StoreError as exc:
            log.error("could not record the %s in the reload history: %s", outcome.action, exc)

    # --- reading ------------------------------------------------------------------

    async def status(self) -> KnowledgeStatus:
        kb = self.engine.kb
        status = KnowledgeStatus(
            version=kb.version,
            counts=kb.counts(),
            directory=str(self.directory),
            store_available=self.store is not None,
        )
        if self.shared is not None:
            try:
                status = replace(status, processes=tuple(await self.shared.processes()))
            except StoreError as exc:
                log.warning("could not list the processes: %s", exc)
                status = replace(status, processes_problem=str(exc))
        if self.store is None:
            return status
        queue = self.store.status()
        status = replace(
            status,
            records_waiting=queue.waiting,
            records_dropped=queue.dropped,
            store_busy=queue.state == "busy",
        )
        try:
            last = await self.store.last_reload(ok_only=False)
        except StoreBusy as exc:  # answered in time all the same: the reads have a short time limit
            log.warning("could not read the reload history in time: %s", exc)
            return replace(status, store_available=False, store_busy=True)
        except StoreError as exc:
            log.error("could not read the reload history: %s", exc)
            return replace(status, store_available=False)
        if last is None:
            return status
        return replace(
            status,
            last_reload_at=last.at.isoformat(sep=" ", timespec="seconds"),
            last_reload_by=last.who,
            last_reload_ok=last.ok,
        )

    async def ask_off_loop(self, question: str, conversation: str | None = None) -> Answer:
        """``ask`` in the answering thread, so the event loop keeps serving other interactions."""
        return await asyncio.get_running_loop().run_in_executor(
            self.answerer, self.ask, question, conversation
        )

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

    async def record_question(
        self,
        answer: Answer,
        *,
        question: str,
        transport: Transport,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        message_id: int | None = None,
    ) -> int | None:
        """Log an asked question and its outcome; a failing database never breaks the answer.

        The record is queued (the store writes it behind), so this returns at once with the question's id.
        """
        if self.store is None:
            return None
        try:
            return await self.store.record_question(
                question=question,
                answered=answer.answered,
                kind=answer.kind,
                confidence=answer.confidence,
                transport=transport,
                user_id=None if user_id is None else str(user_id),
                guild_id=None if guild_id is None else str(guild_id),
                channel_id=None if channel_id is None else str(channel_id),
                message_id=None if message_id is None else str(message_id),
            )
        except StoreError as exc:
            log.error("could not record a question (answer still sent): %s", exc)
            return None
