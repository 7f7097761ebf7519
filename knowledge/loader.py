"""Load and validate a knowledge directory into an immutable KnowledgeBase.

A knowledge directory holds ``corpus/*.txt`` (the articles, as received),
``sources.toml`` (one ``[[source]]`` per article) and any number of other
``*.toml`` files with arrays of curated tables (``[[quote]]``, ``[[casualty]]``...,
see ``models.KIND_OF_TABLE``). Loading is all or nothing: every problem is
collected and reported, and nothing is returned from a directory that has one.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from knowledge.errors import InvalidKnowledgeBase, Problem
from knowledge.models import (
    KIND_OF_TABLE,
    Background,
    Casualty,
    Entity,
    Event,
    Place,
    QAPair,
    Quote,
    Response,
    Source,
    Story,
    TimelineEntry,
    Vocabulary,
    _Item,
)
from knowledge.text import fold_quotes_space, is_verbatim

log = logging.getLogger(__name__)

_S = TypeVar("_S", Story, Vocabulary)

DEFAULT_DIR = Path(__file__).with_name("data")
SOURCES_FILE = "sources.toml"
STORY_FILE = "story.toml"
# what a story file's gist may list: what happened and why, not a curated answer or a bare name
GIST_KINDS = (Event, TimelineEntry, Background, Casualty, Response)
VOCABULARY_FILE = "vocabulary.toml"
CORPUS_DIR = "corpus"
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class KnowledgeBase:
    """Validated, immutable knowledge: sources, their raw text, and curated items by kind."""

    sources: dict[str, Source]
    corpus: dict[str, str]
    items: dict[str, _Item]
    digest: str
    directory: str = ""
    files: dict[str, str] = field(default_factory=dict)
    # what a later reload needs to reuse this load: per curated file its digest and item ids,
    # and one digest of the corpus and sources together
    file_digests: dict[str, str] = field(default_factory=dict)
    file_items: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the source ids each curated file other than sources.toml defines (a placed draft's [[source]])
    file_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    inputs_digest: str = ""
    story: Story = field(default_factory=Story)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # the items by kind, grouped once in __post_init__ (not a constructor argument)
    _by_kind: dict[type, list] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_kind: dict[type, list] = {model: [] for model in KIND_OF_TABLE.values()}
        for it in self.items.values():
            by_kind[type(it)].append(it)
        object.__setattr__(self, "_by_kind", by_kind)  # frozen: grouped once, not per access

    def of(self, kind: type[_Item]) -> list:
        """The items of one kind, in file order (a shared list: do not mutate)."""
        return self._by_kind.get(kind, [])

    @property
    def entities(self) -> list[Entity]:
        return self.of(Entity)

    @property
    def places(self) -> list[Place]:
        return self.of(Place)

    @property
    def events(self) -> list[Event]:
        """The news events figures belong to (a clash, a war, a crash...)."""
        return self.of(Event)

    @property
    def casualties(self) -> list[Casualty]:
        return self.of(Casualty)

    @property
    def quotes(self) -> list[Quote]:
        return self.of(Quote)

    @property
    def responses(self) -> list[Response]:
        return self.of(Response)

    @property
    def background(self) -> list[Background]:
        return self.of(Background)

    @property
    def timeline(self) -> list[TimelineEntry]:
        return self.of(TimelineEntry)

    @property
    def qa(self) -> list[QAPair]:
        return self.of(QAPair)

    def counts(self) -> dict[str, int]:
        """Items per kind (from the grouping made once: cheap enough to call on the event loop)."""
        out = {"source": len(self.sources)}
        out.update({name: len(self.of(model)) for name, model in KIND_OF_TABLE.items()})
        return out

    @property
    def version(self) -> str:
        return self.digest[:12]


# Table names before events of any kind: a [[conflict]] is an event, and an [[event]] written without
# a name is a timeline entry. Read so that older folders (and their history) still load.
LEGACY_TABLES = {"conflict": "event"}


def _legacy_model(table: str, raw: object, model: type[_Item]) -> type[_Item]:
    if table == "event" and isinstance(raw, dict) and "name" not in raw and "summary" in raw:
        return TimelineEntry
    return model


def kind_name(item: _Item) -> str:
    for name, model in KIND_OF_TABLE.items():
        if type(item) is model:
            return name
    raise TypeError(type(item))


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a link, a device or a pipe) of at most ``limit``
    bytes; raises OSError (with a reason fit to show) otherwise. Never blocks, never reads past the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(exc.errno, "a link: knowledge files must be regular files in the folder") from None
        raise
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, pipe or folder)")
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"file is larger than {limit} bytes")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"file is larger than {limit} bytes")
    return data


def _read_bytes(path: Path, problems: list[Problem], rel: str | None = None) -> bytes | None:
    try:
        return read_regular_file(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        problems.append(
            Problem(rel or path.name, None, reason if "larger than" in reason else f"unreadable: {reason}")
        )
    return None


MAX_KEY_DEPTH = 32  # dotted keys and table names: a.b.c... (curated files use two or three levels)
MAX_NESTING = 64  # arrays and inline tables inside one another


def shape_problem(text: str) -> str | None:
    """Why ``text`` is shaped so that parsing it could take far more memory or time than its size
    suggests (very long dotted keys, deep nesting), or None. One pass, before the parser sees it."""
    depth = dots = 0
    quote = ""
    escaped = before_value = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return f"nested deeper than {MAX_NESTING} levels"
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "." and not before_value:
            dots += 1
            if dots >= MAX_KEY_DEPTH:
                return f"keys nested deeper than {MAX_KEY_DEPTH} levels"
        elif ch == "=":
            before_value = True
        elif ch == "\n":
            dots = 0
            before_value = False
    return None


def _read_toml(path: Path, problems: list[Problem], raw: bytes | None = None) -> dict | None:
    rel = path.name
    try:
        if raw is None:
            raw = _read_bytes(path, problems)
            if raw is None:
                return None
        # a byte-order mark is how some editors save UTF-8: read past it rather than refuse the file
        text = raw.decode("utf-8-sig")
        if shape := shape_problem(text):
            problems.append(Problem(rel, None, f"refused before parsing: {shape}"))
            return None
        return tomllib.loads(text)
    except RecursionError:
        problems.append(Problem(rel, None, "malformed TOML: nested too deeply"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(rel, None, f"malformed TOML: {exc}"))
    except OSError as exc:
        problems.append(Problem(rel, None, f"unreadable: {exc.strerror or exc}"))
    return None


def _schema_problems(rel: str, item_id: str | None, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(item)"
        out.append(Problem(rel, item_id, f"schema: {loc}: {err['msg']}"))
    return out


def _references(item: _Item) -> list[tuple[str, str, tuple[type, ...] | None]]:
    """(field, referenced id, allowed kinds) for every reference an item makes."""
    refs: list[tuple[str, str, tuple[type, ...] | None]] = []

    def one(name: str, value: str | None, kinds: tuple[type, ...] | None) -> None:
        if value:
            refs.append((name, value, kinds))

    match item:
        case Entity():
            one("country", item.country, (Entity,))
            one("part_of", item.part_of, (Entity,))
        case Place():
            one("country", item.country, (Entity, Place))
        case Event():
            one("place", item.place, (Place, Entity))
        case Casualty():
            one("event", item.event, (Event,))
            one("side", item.side, (Entity, Place))
            one("place", item.place, (Place,))
            one("reported_by", item.reported_by, (Entity,))
        case Quote():
            one("speaker", item.speaker, (Entity,))
            one("on_behalf_of", item.on_behalf_of, (Entity,))
        case Response():
            one("actor", item.actor, (Entity,))
            for p in item.people:
                one("people", p, (Entity,))
            for q in item.quotes:
                one("quotes", q, (Quote,))
        case Background():
            for e in item.entities:
                one("entities", e, None)
        case TimelineEntry():
            one("according_to", item.according_to, (Entity,))
            for p in item.places:
                one("places", p, (Place,))
            for a in item.actors:
                one("actors", a, (Entity,))
        case QAPair():
            for r in item.refs:
                one("refs", r, None)
    return refs


def _read_single(
    root: Path,
    name: str,
    table: str,
    model: type[_S],
    files: dict[str, str],
    problems: list[Problem],
    digest: hashlib._Hash,
) -> _S:
    """A file of one table (``story.toml``'s [story], ``vocabulary.toml``'s [vocabulary]); the model's
    defaults when the folder has no such file."""
    path = root / name
    if not path.is_file():
        return model()
    raw = _read_bytes(path, problems)
    data = _read_toml(path, problems, raw) if raw is not None else None
    files[name] = table
    for extra in sorted(set(data or {}) - {table}):
        problems.append(Problem(name, None, f"unknown table [{extra}]"))
    if data is not None and not isinstance(data.get(table, {}), dict):
        problems.append(Problem(name, None, f"{table} must be one table ([{table}])"))
    elif data is not None:
        try:
            value = model.model_validate(data.get(table, {}))
        except ValidationError as exc:
            problems.extend(_schema_problems(name, table, exc))
        else:
            digest.update(raw or b"")
            return value
    return model()


def count_files(directory: str | Path = DEFAULT_DIR) -> int:
    """How many files ``load_knowledge`` tells its ``progress`` about: the articles and the curated files."""
    root = Path(directory)
    articles = sum(1 for _ in (root / CORPUS_DIR).glob("*.txt")) if (root / CORPUS_DIR).is_dir() else 0
    curated = (p for p in root.glob("*.toml") if p.name not in (SOURCES_FILE, STORY_FILE, VOCABULARY_FILE))
    return articles + sum(1 for _ in curated)


def read_story(directory: str | Path) -> Story:
    """The folder's story file alone (for what is shown before, or without, loading the knowledge: the
    command descriptions a sync sends); its defaults when the file is missing or invalid."""
    problems: list[Problem] = []
    story = _read_single(Path(directory), STORY_FILE, "story", Story, {}, problems, hashlib.sha256())
    if problems:
        log.warning("story file of %s not used: %s", directory, "; ".join(map(str, problems)))
        return Story()
    return story


def _defined_in(ref: str, unread: list[str]) -> bool:
    """Whether an unparseable file's text seems to define ``ref``: a missing id is then missing because of
    that file, whose problem is listed already."""
    return any(f'"{ref}"' in text or f"'{ref}'" in text for text in unread)


def load_knowledge(
    directory: str | Path = DEFAULT_DIR,
    previous: KnowledgeBase | None = None,
    progress: Callable[[str], None] | None = None,
) -> KnowledgeBase:
    """Load and validate ``directory``; raise InvalidKnowledgeBase listing every problem. ``progress`` is
    given each article's and curated file's name (relative to the folder) as it is read (``count_files``
    says how many there are).

    With ``previous`` (the live knowledge base), a curated file whose bytes are unchanged, over an
    unchanged corpus and sources, keeps its already validated items: a reload after editing one
    file parses and checks that file, while references are still checked across all of them.
    """
    root = Path(directory)
    problems: list[Problem] = []
    if not root.is_dir():
        raise InvalidKnowledgeBase([Problem(str(root), None, "not a directory")])

    digest = hashlib.sha256()
    corpus: dict[str, str] = {}
    corpus_dir = root / CORPUS_DIR
    if not corpus_dir.is_dir():
        problems.append(Problem(CORPUS_DIR, None, "missing corpus folder"))
    else:
        for path in sorted(corpus_dir.glob("*.txt")):
            if progress is not None:
                progress(f"{CORPUS_DIR}/{path.name}")
            raw = _read_bytes(path, problems, f"{CORPUS_DIR}/{path.name}")
            if raw is None:
                continue
            try:
                corpus[path.stem] = raw.decode("utf-8")
                digest.update(path.name.encode() + b"\0" + raw)
            except UnicodeDecodeError as exc:
                problems.append(
                    Problem(f"{CORPUS_DIR}/{path.name}", None, f"unreadable: not UTF-8 text ({exc.reason})")
                )

    sources: dict[str, Source] = {}
    source_origin: dict[str, str] = {}  # source id -> the file that defines it
    files: dict[str, str] = {}

    def add_sources(rel: str, rows: object) -> list[str]:
        """Validate a file's ``[[source]]`` rows into ``sources``; the ids it defined."""
        if not isinstance(rows, list):  # [source] or source = "..." would otherwise be iterated key by key
            problems.append(Problem(rel, None, "source must be an array of tables ([[source]])"))
            return []
        added = []
        for raw in rows:
            sid = raw.get("id") if isinstance(raw, dict) else None
            try:
                src = raw if isinstance(raw, Source) else Source.model_validate(raw)
            except ValidationError as exc:
                problems.extend(_schema_problems(rel, sid, exc))
                continue
            if src.id in sources:
                where = source_origin[src.id]
                also = "" if where == rel else f" (also in {where})"
                problems.append(Problem(rel, src.id, f"duplicate source id{also}"))
                continue
            sources[src.id] = src
            source_origin[src.id] = rel
            added.append(src.id)
        return added

    sources_raw: bytes | None = None
    sources_path = root / SOURCES_FILE
    if not sources_path.is_file():
        problems.append(Problem(SOURCES_FILE, None, "missing"))
    else:
        sources_raw = _read_bytes(sources_path, problems)
        data = _read_toml(sources_path, problems, sources_raw) if sources_raw is not None else None
        files[SOURCES_FILE] = "source"
        for extra in sorted(set(data or {}) - {"source"}):
            problems.append(Problem(SOURCES_FILE, None, f"unknown table [[{extra}]]"))
        add_sources(SOURCES_FILE, (data or {}).get("source", []))

    items: dict[str, _Item] = {}
    origin: dict[str, str] = {}
    story = _read_single(root, STORY_FILE, "story", Story, files, problems, digest)
    vocabulary = _read_single(root, VOCABULARY_FILE, "vocabulary", Vocabulary, files, problems, digest)
    toml_paths = sorted(
        p for p in root.glob("*.toml") if p.name not in (SOURCES_FILE, STORY_FILE, VOCABULARY_FILE)
    )
    if sources_raw is not None:
        digest.update(sources_raw)
    inputs_digest = digest.hexdigest()  # corpus and sources so far
    # the previous load, when its corpus and sources are the ones read now
    reusable = (
        previous
        if previous is not None and not problems and previous.inputs_digest == inputs_digest
        else None
    )
    file_digests: dict[str, str] = {}
    file_items: dict[str, tuple[str, ...]] = {}
    file_sources: dict[str, tuple[str, ...]] = {}  # curated files that also define [[source]] tables
    checked: set[str] = set()  # ids whose evidence a previous load already verified
    unread: list[str] = []  # the text of curated files that could not be parsed (what ids they may hold)
    for path in toml_paths:
        rel = path.name
        if progress is not None:
            progress(rel)
        raw = _read_bytes(path, problems)
        if raw is None:
            continue
        file_digest = hashlib.sha256(raw).hexdigest()
        if reusable is not None and reusable.file_digests.get(rel) == file_digest:
            digest.update(rel.encode() + b"\0" + raw)
            file_digests[rel] = file_digest
            file_items[rel] = reusable.file_items[rel]
            files[rel] = reusable.files.get(rel, "")
            if rel in reusable.file_sources:
                file_sources[rel] = tuple(
                    add_sources(rel, [reusable.sources[sid] for sid in reusable.file_sources[rel]])
                )
            for iid in file_items[rel]:
                if iid in items:
                    problems.append(Problem(rel, iid, f"duplicate id (also in {origin[iid]})"))
                    continue
                items[iid] = reusable.items[iid]
                origin[iid] = rel
                checked.add(iid)
            continue
        data = _read_toml(path, problems, raw)
        if data is None:
            unread.append(raw.decode("utf-8", "replace"))
            continue
        digest.update(rel.encode() + b"\0" + raw)
        file_digests[rel] = file_digest
        files[rel] = ", ".join(sorted(data))
        before = len(items)
        for table, rows in data.items():
            if table == "source":  # an article's entry may travel with its items (e.g. a placed draft)
                if defined := add_sources(rel, rows):
                    file_sources[rel] = tuple(defined)
                continue
            table = LEGACY_TABLES.get(table, table)
            model = KIND_OF_TABLE.get(table)
            if model is None:
                problems.append(
                    Problem(
                        rel, None, f"unknown table [[{table}]] (known: source, {', '.join(KIND_OF_TABLE)})"
                    )
                )
                continue
            if not isinstance(rows, list):
                problems.append(Problem(rel, None, f"{table} must be an array of tables ([[{table}]])"))
                continue
            for raw in rows:
                raw_id = raw.get("id") if isinstance(raw, dict) else None
                try:
                    item = _legacy_model(table, raw, model).model_validate(raw)
                except ValidationError as exc:
                    problems.extend(_schema_problems(rel, raw_id, exc))
                    continue
                if item.id in items:
                    problems.append(Problem(rel, item.id, f"duplicate id (also in {origin[item.id]})"))
                    continue
                items[item.id] = item
                origin[item.id] = rel
        file_items[rel] = tuple(list(items)[before:])

    for sid, src_rel in source_origin.items():
        if sid not in corpus:
            problems.append(Problem(src_rel, sid, f"no corpus file {CORPUS_DIR}/{sid}.txt"))
    if sources_path.is_file():
        for sid in sorted(set(corpus) - set(sources)):
            problems.append(Problem(SOURCES_FILE, sid, "corpus file has no [[source]] entry"))
    if reusable is not None and sources != reusable.sources:
        checked.clear()  # evidence was checked against other sources: check it again
    folded = (
        {sid: fold_quotes_space(text) for sid, text in corpus.items()} if len(checked) < len(items) else {}
    )
    for iid, item in items.items():
        rel = origin[iid]
        if iid not in checked:
            problems.extend(_evidence_problems(rel, item, sources, folded))
        for fld, ref, kinds in _references(item):
            target = items.get(ref)
            if target is None:
                # an id that an unparseable file seems to define is missing because of that file, whose
                # problem is listed already: one real problem, not one per reference to its ids
                if not _defined_in(ref, unread):
                    problems.append(Problem(rel, iid, f"unknown reference {fld}={ref!r}"))
            elif kinds is not None and not isinstance(target, kinds):
                want = "/".join(k.__name__.lower() for k in kinds)
                problems.append(Problem(rel, iid, f"{fld}={ref!r} is a {kind_name(target)}, expected {want}"))
    for n, ref in enumerate(story.gist):
        target = items.get(ref)
        if ref in story.gist[:n]:
            problems.append(Problem(STORY_FILE, None, f"gist names {ref!r} twice"))
        elif target is None:
            if not _defined_in(ref, unread):
                problems.append(Problem(STORY_FILE, None, f"unknown reference gist={ref!r}"))
        elif not isinstance(target, GIST_KINDS):
            # a curated answer ("Yes. …") or a bare name tells no story
            want = "/".join(k.__name__.lower() for k in GIST_KINDS)
            problems.append(
                Problem(STORY_FILE, None, f"gist={ref!r} is a {kind_name(target)}, expected {want}")
            )

    if problems:
        raise InvalidKnowledgeBase(problems)
    kb = KnowledgeBase(
        sources=sources,
        corpus=corpus,
        items=items,
        digest=digest.hexdigest(),
        directory=str(root),
        files=files,
        file_digests=file_digests,
        file_items=file_items,
        file_sources=file_sources,
        inputs_digest=inputs_digest,
        story=story,
        vocabulary=vocabulary,
    )
    log.info(
        "loaded knowledge base %s from %s: %s (%d items reused)", kb.version, root, kb.counts(), len(checked)
    )
    return kb


def _evidence_problems(
    rel: str, item: _Item, sources: dict[str, Source], folded: dict[str, str]
) -> list[Problem]:
    """Evidence that cites an unknown source or is not verbatim in its source; quote text likewise."""
    problems: list[Problem] = []
    iid = item.id
    for ev in item.evidence:
        if ev.source not in sources:
            problems.append(Problem(rel, iid, f"evidence cites unknown source {ev.source!r}"))
        elif ev.source not in folded:  # its missing corpus file is already a problem of sources.toml
            continue
        elif not is_verbatim(ev.quote, folded[ev.source]):
            problems.append(Problem(rel, iid, f"evidence is not verbatim in {ev.source}: {ev.quote[:80]!r}"))
    if isinstance(item, Quote):
        cited = [folded[ev.source] for ev in item.evidence if ev.source in folded]
        if cited and not any(is_verbatim(item.text, text) for text in cited):
            problems.append(Problem(rel, iid, "quote text is not verbatim in any of its evidence sources"))
    return problems
