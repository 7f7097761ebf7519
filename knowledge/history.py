"""The last good versions of the knowledge folder, so a change can be rolled back.

Each version the bot answered from is a small manifest (which file holds which bytes)
over content-addressed copies of the files, in ``.history/`` inside the knowledge
folder (the loader reads only top-level ``*.toml`` and ``corpus/*.txt``, so it never
sees it). Only the last few versions are kept; copies no version needs are deleted.
Files a rollback replaced without their ever having been loaded are set aside there
too, so a rollback loses nothing. Plain blocking file I/O: call it off the event loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge.loader import CORPUS_DIR, MAX_FILE_BYTES, read_regular_file

log = logging.getLogger(__name__)

HISTORY_DIR = ".history"
MANIFEST = "manifest.json"
OBJECTS = "objects"
SET_ASIDE = "set-aside"
_SHA = frozenset("0123456789abcdef")


class HistoryError(OSError):
    """The history could not be read or written; the message names the file and the reason."""


@dataclass(frozen=True)
class Version:
    """One knowledge folder the bot answered from: its files by relative path, with their sha256."""

    digest: str  # the knowledge base's digest (its version is the first 12 characters)
    at: str
    who: str
    action: str
    files: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.digest[:12]


def knowledge_files(directory: Path) -> list[str]:
    """The files the loader reads, relative to the folder: top-level ``*.toml`` and ``corpus/*.txt``."""
    names = sorted(p.name for p in directory.glob("*.toml"))
    corpus = directory / CORPUS_DIR
    if corpus.is_dir():
        names += sorted(f"{CORPUS_DIR}/{p.name}" for p in corpus.glob("*.txt"))
    return names


def read_folder(directory: Path) -> dict[str, bytes]:
    """The bytes of every knowledge file in ``directory`` (regular files only; raises HistoryError)."""
    out: dict[str, bytes] = {}
    for rel in knowledge_files(directory):
        try:
            out[rel] = read_regular_file(directory / rel, MAX_FILE_BYTES)
        except OSError as exc:
            raise HistoryError(f"{rel}: {exc.strerror or exc}") from None
    return out


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder, then rename it."""
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


class History:
    """The ``.history`` folder of one knowledge folder, keeping the last ``keep`` versions."""

    def __init__(self, directory: Path, keep: int) -> None:
        self.directory = Path(directory)
        self.root = self.directory / HISTORY_DIR
        self.keep = max(1, keep)

    # --- reading -------------------------------------------------------------------

    def versions(self) -> list[Version]:
        """Oldest first; an absent history is empty, a damaged manifest raises HistoryError."""
        path = self.root / MANIFEST
        if not path.exists():
            return []
        try:
            raw = json.loads(read_regular_file(path, MAX_FILE_BYTES))
            versions = [Version(**entry) for entry in raw["versions"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise HistoryError(f"{HISTORY_DIR}/{MANIFEST}: unreadable ({exc})") from None
        for version in versions:
            if not all(isinstance(k, str) and _valid_sha(v) for k, v in version.files.items()):
                raise HistoryError(f"{HISTORY_DIR}/{MANIFEST}: damaged entry for version {version.version}")
        return versions

    def contents(self, version: Version) -> dict[str, bytes]:
        """The bytes of every file of ``version``, each checked against its sha256."""
        out: dict[str, bytes] = {}
        for rel, digest in version.files.items():
            if not _safe_rel(rel):
                raise HistoryError(f"{rel}: not a knowledge file path; the history is damaged")
            try:
                data = read_regular_file(self.root / OBJECTS / digest, MAX_FILE_BYTES)
            except OSError as exc:
                raise HistoryError(
                    f"{rel}: the saved copy is missing or unreadable ({exc.strerror or exc})"
                ) from None
            if sha(data) != digest:
                raise HistoryError(f"{rel}: the saved copy is damaged (its checksum does not match)")
            out[rel] = data
        return out

    # --- writing -------------------------------------------------------------------

    def save(self, files: dict[str, bytes]) -> dict[str, str]:
        """Store ``files`` content-addressed (each copy written once); returns their sha256 by path."""
        objects = self.root / OBJECTS
        objects.mkdir(parents=True, exist_ok=True)
        hashes: dict[str, str] = {}
        for rel, data in files.items():
            digest = sha(data)
            hashes[rel] = digest
            target = objects / digest
            if not target.exists():
                write_atomically(target, data)
        return hashes

    def record(self, version: Version) -> bool:
        """Append ``version`` unless it is already the newest; keep the last ``keep``. True if added."""
        versions = self.versions()
        if versions and versions[-1].digest == version.digest:
            return False
        self._write(versions + [version])
        return True

    def truncate(self, digest: str) -> None:
        """Forget every version after the newest one with ``digest`` (after a rollback to it)."""
        versions = self.versions()
        for i in range(len(versions) - 1, -1, -1):
            if versions[i].digest == digest:
                self._write(versions[: i + 1])
                return

    def set_aside(self, files: dict[str, bytes]) -> str:
        """Keep copies of files a rollback is about to replace; returns the folder, relative to the knowledge folder."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder = self.root / SET_ASIDE / stamp
        n = 1
        while folder.exists():
            n += 1
            folder = self.root / SET_ASIDE / f"{stamp}-{n}"
        for rel, data in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        self._prune_set_aside()
        return str(folder.relative_to(self.directory))

    def _write(self, versions: list[Version]) -> None:
        versions = versions[-self.keep :]
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / ".gitignore").exists():  # never committed by accident, wherever the folder is
            write_atomically(self.root / ".gitignore", b"*\n")
        body = json.dumps({"versions": [asdict(v) for v in versions]}, indent=1, sort_keys=True)
        write_atomically(self.root / MANIFEST, body.encode())
        self._prune_objects(versions)

    def _prune_objects(self, versions: list[Version]) -> None:
        wanted = {digest for v in versions for digest in v.files.values()}
        objects = self.root / OBJECTS
        if not objects.is_dir():
            return
        for path in objects.iterdir():
            if path.name not in wanted and _valid_sha(path.name):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _prune_set_aside(self) -> None:
        folders = sorted((p for p in (self.root / SET_ASIDE).iterdir() if p.is_dir()), key=lambda p: p.name)
        for old in folders[: -self.keep]:
            for path in sorted(old.rglob("*"), reverse=True):
                with contextlib.suppress(OSError):
                    path.rmdir() if path.is_dir() else path.unlink()
            with contextlib.suppress(OSError):
                old.rmdir()


def _valid_sha(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _SHA


def _safe_rel(rel: str) -> bool:
    """Only what ``knowledge_files`` lists: a top-level .toml or a corpus/*.txt, no other path."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return False
    if len(parts) == 1:
        return parts[0].endswith(".toml")
    return len(parts) == 2 and parts[0] == CORPUS_DIR and parts[1].endswith(".txt")
