"""load_knowledge: every kind of broken knowledge directory is refused with all its problems named."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from knowledge.errors import InvalidKnowledgeBase, Problem
from knowledge.loader import DEFAULT_DIR, load_knowledge
from knowledge.text import fold_quotes_space, verbatim_parts

GUARDIAN = "003_44176b37bbe5822b"

ENTITIES = f"""
[[entity]]
id = "armenia"
name = "Armenia"
kind = "country"
evidence = [{{ source = "{GUARDIAN}", quote = "Armenia said at least 49 of its soldiers were killed" }}]

[[entity]]
id = "pashinyan"
name = "Nikol Pashinyan"
kind = "person"
country = "armenia"
evidence = [{{ source = "{GUARDIAN}", quote = "The Armenian prime minister, Nikol Pashinyan" }}]
"""

CONFLICT = f"""
[[event]]
id = "clashes-2022"
name = "September 2022 border clashes"
kind = "clash"
evidence = [{{ source = "{GUARDIAN}", quote = "has killed about 100 troops as attacks on both sides" }}]
"""

CASUALTY = f"""
[[casualty]]
id = "armenia-killed"
event = "clashes-2022"
side = "armenia"
subject = "soldiers"
outcome = "killed"
figure = 49
figure_text = "at least 49"
qualifier = "at least"
reported_by = "armenia"
summary = "Armenia said at least 49 of its soldiers were killed."
evidence = [{{ source = "{GUARDIAN}", quote = "Armenia said at least 49 of its soldiers were killed" }}]
"""

QUOTE = f"""
[[quote]]
id = "pashinyan-intensity"
speaker = "pashinyan"
text = "The intensity of hostilities has decreased"
cue = "speech"
context = "in a speech to parliament"
evidence = [
    {{ source = "{GUARDIAN}", quote = "The intensity of hostilities has decreased but attacks on one" }},
]
"""

VALID = {"entities.toml": ENTITIES, "conflicts.toml": CONFLICT + CASUALTY, "quotes.toml": QUOTE}


def make_kb(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A knowledge directory with the shipped corpus and sources plus ``files`` (valid ones by default)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEFAULT_DIR / "corpus", root / "corpus")
    shutil.copy(DEFAULT_DIR / "sources.toml", root / "sources.toml")
    for name, content in (VALID if files is None else files).items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(InvalidKnowledgeBase) as info:
        load_knowledge(root)
    assert info.value.problems, "InvalidKnowledgeBase must carry at least one problem"
    return info.value.problems


def has(problems: list[Problem], file: str, item: str | None, reason: str) -> bool:
    """True when some problem is in ``file``, about ``item``, with ``reason`` in its text."""
    return any(p.file == file and p.item == item and reason in p.reason for p in problems)


def test_valid_minimal_directory_loads_with_counts(tmp_path: Path) -> None:
    """A small valid directory loads, with one count per kind and every source of the corpus."""
    kb = load_knowledge(make_kb(tmp_path / "kb"))
    counts = kb.counts()
    assert counts["source"] == len(list((DEFAULT_DIR / "corpus").glob("*.txt")))
    assert {k: counts[k] for k in ("entity", "event", "casualty", "quote", "place", "qa")} == {
        "entity": 2,
        "event": 1,
        "casualty": 1,
        "quote": 1,
        "place": 0,
        "qa": 0,
    }
    assert [q.speaker for q in kb.quotes] == ["pashinyan"]
    assert len(kb.digest) == 64 and kb.version == kb.digest[:12]


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    """A knowledge file that is not UTF-8 is named as such."""
    root = make_kb(tmp_path / "kb", {**VALID, "bad.toml": b'[[entity]]\nid = "x\xff\xfe"\n'})
    assert has(problems_of(root), "bad.toml", None, "not UTF-8")


def test_malformed_toml_is_reported(tmp_path: Path) -> None:
    """A file that is not valid TOML is named with the parser's reason."""
    root = make_kb(tmp_path / "kb", {**VALID, "bad.toml": '[[entity]\nid = "x"\n'})
    assert has(problems_of(root), "bad.toml", None, "malformed TOML")


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (('name = "Nikol Pashinyan"\n', ""), "schema: name: Field required"),
        (('kind = "person"', "kind = 7"), "schema: kind"),
        (('kind = "person"', 'kind = "person"\nshoe_size = 44'), "schema: shoe_size: Extra inputs"),
        (('kind = "person"', f'kind = "person"\nasks = ["{"why " * 60}"]'), "schema: asks.0: String should"),
        (('kind = "person"', 'kind = "person"\nasks = ["  ?  "]'), "schema: asks.0: String should"),
        (('kind = "person"', 'kind = "person"\nasks = ["???"]'), "schema: asks.0: String should match"),
        (
            ('kind = "person"', 'kind = "person"\nasks = [' + '"who is he?", ' * 13 + "]"),
            "schema: asks: List should",
        ),
    ],
    ids=[
        "missing-field",
        "wrong-type",
        "unknown-key",
        "long-ask",
        "short-ask",
        "no-letter-ask",
        "too-many-asks",
    ],
)
def test_schema_violation_names_item_and_field(tmp_path: Path, edit: tuple[str, str], reason: str) -> None:
    """Missing fields, wrong types and unknown keys are schema problems of the item, naming the field."""
    root = make_kb(tmp_path / "kb", {**VALID, "entities.toml": ENTITIES.replace(*edit)})
    assert has(problems_of(root), "entities.toml", "pashinyan", reason)


def test_unknown_table_is_reported(tmp_path: Path) -> None:
    """An array of tables whose name is not a known kind is refused, not ignored."""
    root = make_kb(tmp_path / "kb", {**VALID, "extra.toml": ENTITIES.replace("[[entity]]", "[[entitty]]")})
    assert has(problems_of(root), "extra.toml", None, "unknown table [[entitty]]")


def test_unknown_reference_is_reported(tmp_path: Path) -> None:
    """A quote whose speaker id does not exist is named with the field and the missing id."""
    root = make_kb(tmp_path / "kb", {**VALID, "quotes.toml": QUOTE.replace('"pashinyan"', '"nobody"')})
    assert has(problems_of(root), "quotes.toml", "pashinyan-intensity", "unknown reference speaker='nobody'")


def test_unknown_gist_item_is_reported(tmp_path: Path) -> None:
    """The story file's gist ("what happened?") names items of the folder; a missing one is refused."""
    story = '[story]\nname = "the clashes"\ngist = ["pashinyan", "nobody"]\n'
    root = make_kb(tmp_path / "kb", {**VALID, "story.toml": story})
    assert has(problems_of(root), "story.toml", None, "unknown reference gist='nobody'")
    # a name tells no story; an id twice is a slip
    assert has(problems_of(root), "story.toml", None, "gist='pashinyan' is a entity")
    story = '[story]\nname = "the clashes"\ngist = ["clashes-2022", "clashes-2022"]\n'
    root = make_kb(tmp_path / "kb2", {**VALID, "conflicts.toml": CONFLICT, "story.toml": story})
    assert has(problems_of(root), "story.toml", None, "gist names 'clashes-2022' twice")


def test_reference_to_wrong_kind_is_reported(tmp_path: Path) -> None:
    """A casualty whose event id names an entity is refused, saying what kind it found."""
    broken = CASUALTY.replace('event = "clashes-2022"', 'event = "armenia"')
    root = make_kb(tmp_path / "kb", {**VALID, "conflicts.toml": CONFLICT + broken})
    assert has(problems_of(root), "conflicts.toml", "armenia-killed", "event='armenia' is a entity")


def test_duplicate_id_within_a_file(tmp_path: Path) -> None:
    """The same id twice in one file is a duplicate."""
    root = make_kb(tmp_path / "kb", {**VALID, "conflicts.toml": CONFLICT + CONFLICT + CASUALTY})
    assert has(problems_of(root), "conflicts.toml", "clashes-2022", "duplicate id (also in conflicts.toml)")


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    """The same id in two files is a duplicate naming the file that had it first."""
    root = make_kb(tmp_path / "kb", {**VALID, "more.toml": CONFLICT})
    assert has(problems_of(root), "more.toml", "clashes-2022", "duplicate id (also in conflicts.toml)")


def test_evidence_citing_unknown_source(tmp_path: Path) -> None:
    """Evidence must cite a source listed in sources.toml."""
    root = make_kb(tmp_path / "kb", {**VALID, "quotes.toml": QUOTE.replace(GUARDIAN, "no_such_article")})
    assert has(problems_of(root), "quotes.toml", "pashinyan-intensity", "unknown source 'no_such_article'")


def test_evidence_not_verbatim(tmp_path: Path) -> None:
    """Evidence whose words are not in the cited article is refused."""
    broken = CONFLICT.replace("has killed about 100 troops", "has killed about 1000 troops")
    root = make_kb(tmp_path / "kb", {**VALID, "conflicts.toml": broken + CASUALTY})
    assert has(problems_of(root), "conflicts.toml", "clashes-2022", f"evidence is not verbatim in {GUARDIAN}")


def test_quote_text_not_verbatim(tmp_path: Path) -> None:
    """A quote's own text must be verbatim in its evidence source, even when its evidence is."""
    broken = QUOTE.replace('text = "The intensity of hostilities', 'text = "The calm of hostilities')
    root = make_kb(tmp_path / "kb", {**VALID, "quotes.toml": broken})
    assert has(problems_of(root), "quotes.toml", "pashinyan-intensity", "quote text is not verbatim")


def test_missing_sources_file(tmp_path: Path) -> None:
    """A directory without sources.toml is refused."""
    root = make_kb(tmp_path / "kb")
    (root / "sources.toml").unlink()
    assert has(problems_of(root), "sources.toml", None, "missing")


def test_source_without_corpus_file(tmp_path: Path) -> None:
    """A [[source]] with no corpus/<id>.txt is refused, even when an item cites it."""
    root = make_kb(tmp_path / "kb")
    (root / "corpus" / f"{GUARDIAN}.txt").unlink()
    problems = problems_of(root)
    assert has(problems, "sources.toml", GUARDIAN, f"no corpus file corpus/{GUARDIAN}.txt")


def test_corpus_file_without_source_entry(tmp_path: Path) -> None:
    """An article in corpus/ that sources.toml does not list is refused."""
    root = make_kb(tmp_path / "kb")
    (root / "corpus" / "stray.txt").write_text("An article nobody registered.", encoding="utf-8")
    assert has(problems_of(root), "sources.toml", "stray", "corpus file has no [[source]] entry")


NEW_SOURCE = """
[[source]]
id = "stray"
label = "stray: a new article"

[[entity]]
id = "newcomer"
name = "Newcomer"
kind = "person"
evidence = [{ source = "stray", quote = "An article nobody registered." }]
"""


def test_source_table_in_any_knowledge_file(tmp_path: Path) -> None:
    """A [[source]] may travel with the items that cite it (a placed draft): loaded as a source, and a
    reload that reuses the unchanged files keeps it."""
    root = make_kb(tmp_path / "kb", {**VALID, "draft_stray.toml": NEW_SOURCE})
    (root / "corpus" / "stray.txt").write_text("An article nobody registered.", encoding="utf-8")
    kb = load_knowledge(root)
    assert "stray" in kb.sources and "newcomer" in kb.items
    assert kb.file_sources == {"draft_stray.toml": ("stray",)}
    again = load_knowledge(root, previous=kb)
    assert again.sources == kb.sources and again.digest == kb.digest


def test_source_table_defined_twice_across_files(tmp_path: Path) -> None:
    """The same source id in sources.toml and in another file is refused, naming the file and the other."""
    duplicate = NEW_SOURCE.replace('id = "stray"', f'id = "{GUARDIAN}"').replace(
        'source = "stray"', f'source = "{GUARDIAN}"'
    )
    root = make_kb(tmp_path / "kb", {**VALID, "draft_dup.toml": duplicate})
    problems = problems_of(root)
    assert has(problems, "draft_dup.toml", GUARDIAN, "duplicate source id (also in sources.toml)")


def test_source_table_in_another_file_without_corpus_file(tmp_path: Path) -> None:
    """A [[source]] outside sources.toml is held to the same rules: its article must be in corpus/."""
    root = make_kb(tmp_path / "kb", {**VALID, "draft_stray.toml": NEW_SOURCE})
    assert has(problems_of(root), "draft_stray.toml", "stray", "no corpus file corpus/stray.txt")


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    """Three distinct faults in different files are all listed by one load, not just the first."""
    files = {
        **VALID,
        "quotes.toml": QUOTE.replace('"pashinyan"', '"nobody"'),
        "conflicts.toml": CONFLICT.replace("about 100 troops", "about 1000 troops") + CASUALTY,
        "bad.toml": "[[place]\n",
    }
    problems = problems_of(make_kb(tmp_path / "kb", files))
    assert has(problems, "quotes.toml", "pashinyan-intensity", "unknown reference speaker='nobody'")
    assert has(problems, "conflicts.toml", "clashes-2022", "evidence is not verbatim")
    assert has(problems, "bad.toml", None, "malformed TOML")
    assert len(problems) == 3, [str(p) for p in problems]


def test_evidence_tolerates_whitespace_and_curly_quotes(tmp_path: Path) -> None:
    """Evidence may differ from the article in line breaks, spacing and curly-vs-straight quote marks."""
    evidence = "it had responded to what it called a \u201clarge-scale\n   provocation\u201d by Azerbaijan"
    extra = f"""
[[event]]
id = "provocation"
name = "the provocation"
evidence = [{{ source = "{GUARDIAN}", quote = '''{evidence}''' }}]
"""
    kb = load_knowledge(make_kb(tmp_path / "kb", {**VALID, "extra.toml": extra}))
    assert "provocation" in kb.items


def test_evidence_ellipsis_joins_verbatim_parts(tmp_path: Path) -> None:
    """An ellipsis may join two passages that are each verbatim but not adjacent in the article."""
    parts = ("Armenia said at least 49 of its soldiers were killed", "Russia's invasion of Ukraine")
    extra = "".join(
        f"""
[[event]]
id = "joined-{n}"
name = "joined"
evidence = [{{ source = "{GUARDIAN}", quote = "{parts[0]}{mark}{parts[1]}" }}]
"""
        for n, mark in enumerate((" ... ", " \u2026 ", " [\u2026] "))
    )
    kb = load_knowledge(make_kb(tmp_path / "kb", {**VALID, "extra.toml": extra}))
    assert {"joined-0", "joined-1", "joined-2"} <= set(kb.items)


def test_digest_changes_when_a_file_changes(tmp_path: Path) -> None:
    """The digest is stable for unchanged files and changes when a knowledge or corpus file changes."""
    root = make_kb(tmp_path / "kb")
    first = load_knowledge(root).digest
    assert load_knowledge(root).digest == first
    with (root / "entities.toml").open("a", encoding="utf-8") as f:
        f.write("\n# a curator's note\n")
    second = load_knowledge(root).digest
    with (root / "corpus" / f"{GUARDIAN}.txt").open("a", encoding="utf-8") as f:
        f.write("\n")
    third = load_knowledge(root).digest
    assert len({first, second, third}) == 3


def test_shipped_knowledge_base_loads() -> None:
    """knowledge/data, as shipped, is a valid knowledge base with items of the main kinds."""
    try:
        kb = load_knowledge(DEFAULT_DIR)
    except InvalidKnowledgeBase as exc:
        pytest.fail("shipped knowledge base is invalid:\n" + "\n".join(str(p) for p in exc.problems))
    counts = kb.counts()
    assert counts["source"] >= 1
    for kind in ("entity", "event", "casualty", "quote", "timeline"):
        assert counts[kind] > 0, f"no {kind} in the shipped knowledge base"


STORY_FOLDERS = [
    DEFAULT_DIR,
    Path(__file__).resolve().parents[2] / "knowledge" / "stories" / "pukhrayan-derailment",
]


@pytest.mark.parametrize("folder", STORY_FOLDERS, ids=lambda p: p.name)
def test_evidence_is_verbatim_independently_of_the_loader(folder: Path) -> None:
    """Every evidence passage (and quote text) of every item of each story shipped in the repository is
    verbatim in its source article."""
    articles = sorted((folder / "corpus").glob("*.txt"))
    corpus = {p.stem: fold_quotes_space(p.read_text(encoding="utf-8")) for p in articles}
    failures: list[str] = []
    checked = 0
    for path in sorted(folder.glob("*.toml")):
        if path.name in ("sources.toml", "story.toml", "vocabulary.toml"):
            continue
        for table, rows in tomllib.loads(path.read_text(encoding="utf-8")).items():
            for row in rows:
                where = f"{path.name} [{table} {row.get('id')}]"
                cited: list[str] = []
                for ev in row.get("evidence", []):
                    text = corpus.get(ev.get("source"))
                    if text is None:
                        failures.append(f"{where}: unknown source {ev.get('source')!r}")
                        continue
                    cited.append(text)
                    parts = verbatim_parts(ev.get("quote", ""))
                    missing = [p for p in parts if p not in text]
                    if not parts or missing:
                        failures.append(f"{where}: not in {ev['source']}: {(missing or [''])[0][:100]!r}")
                    checked += 1
                if table == "quote" and cited:
                    parts = verbatim_parts(row.get("text", ""))
                    if not parts or not any(all(p in text for p in parts) for text in cited):
                        failures.append(f"{where}: quote text not in its sources: {row['text'][:100]!r}")
    assert checked > 50
    assert not failures, f"{len(failures)} non-verbatim passage(s):\n" + "\n".join(failures)


def test_source_without_corpus_file_is_one_problem_not_many(tmp_path: Path) -> None:
    """Evidence citing a source whose article is missing is not also reported as non-verbatim."""
    root = make_kb(tmp_path / "kb")
    (root / "corpus" / f"{GUARDIAN}.txt").unlink()
    problems = problems_of(root)
    assert [str(p) for p in problems] == [f"sources.toml [{GUARDIAN}]: no corpus file corpus/{GUARDIAN}.txt"]


def test_corpus_file_not_utf8_is_reported(tmp_path: Path) -> None:
    """An article that is not UTF-8 is named as unreadable, and its source as lacking a corpus file."""
    root = make_kb(tmp_path / "kb")
    (root / "corpus" / f"{GUARDIAN}.txt").write_bytes(b"Armenia \xff\xfe said")
    problems = problems_of(root)
    assert has(problems, f"corpus/{GUARDIAN}.txt", None, "unreadable")
    assert has(problems, "sources.toml", GUARDIAN, "no corpus file")


def test_missing_corpus_folder_is_reported(tmp_path: Path) -> None:
    """A directory without corpus/ is refused, naming the folder."""
    root = make_kb(tmp_path / "kb")
    shutil.rmtree(root / "corpus")
    assert has(problems_of(root), "corpus", None, "missing corpus folder")


def test_not_a_directory_is_reported(tmp_path: Path) -> None:
    """Loading a path that is not a directory is refused with one problem, not an OSError."""
    problems = problems_of(tmp_path / "nowhere")
    assert [p.reason for p in problems] == ["not a directory"]


def test_duplicate_source_id_is_reported(tmp_path: Path) -> None:
    """The same [[source]] id twice in sources.toml is a duplicate."""
    root = make_kb(tmp_path / "kb")
    with (root / "sources.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[[source]]\nid = "{GUARDIAN}"\nlabel = "again"\n')
    assert has(problems_of(root), "sources.toml", GUARDIAN, "duplicate source id")


@pytest.mark.parametrize(
    "body", ['[source]\nid = "x"\nlabel = "y"\n', 'source = "x"\n'], ids=["table", "string"]
)
def test_sources_must_be_an_array_of_tables(tmp_path: Path, body: str) -> None:
    """A [source] table or a plain value instead of [[source]] is one clear problem, not per-key noise."""
    root = make_kb(tmp_path / "kb", {})
    (root / "sources.toml").write_text(body, encoding="utf-8")
    problems = problems_of(root)
    assert has(problems, "sources.toml", None, "source must be an array of tables")
    assert not any("schema" in p.reason for p in problems)


def test_unknown_table_in_sources_file(tmp_path: Path) -> None:
    """sources.toml holds only [[source]]; anything else in it is refused."""
    root = make_kb(tmp_path / "kb")
    with (root / "sources.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[quote]]\nid = "stray"\n')
    assert has(problems_of(root), "sources.toml", None, "unknown table [[quote]]")


def test_item_table_must_be_an_array_of_tables(tmp_path: Path) -> None:
    """A single [entity] table instead of [[entity]] is refused naming the table."""
    root = make_kb(tmp_path / "kb", {**VALID, "single.toml": '[entity]\nid = "x"\n'})
    assert has(problems_of(root), "single.toml", None, "entity must be an array of tables")


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    """A file saved with a UTF-8 byte-order mark loads like the same file without it."""
    root = make_kb(tmp_path / "kb", {**VALID, "entities.toml": b"\xef\xbb\xbf" + ENTITIES.encode("utf-8")})
    assert load_knowledge(root).counts()["entity"] == 2


def test_an_unparseable_file_is_the_one_problem_not_the_start_of_many(tmp_path: Path) -> None:
    """When entities.toml cannot be parsed, its parse error is listed, not every reference to its ids."""
    root = make_kb(
        tmp_path / "kb", {**VALID, "entities.toml": ENTITIES.replace("[[entity]]", "[[entity]", 1)}
    )
    problems = problems_of(root)
    assert has(problems, "entities.toml", None, "malformed TOML")
    assert not [p for p in problems if "unknown reference" in p.reason]


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """An array nested far deeper than any knowledge file needs is refused with its file named."""
    deep = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
    root = make_kb(tmp_path / "kb", {**VALID, "deep.toml": deep})
    assert has(problems_of(root), "deep.toml", None, "nested deeper than")


def test_long_dotted_keys_are_refused_before_parsing(tmp_path: Path) -> None:
    """A 400 KB file of one dotted key (quadratic memory in the parser) is refused before it is parsed."""
    dotted = ".".join(f"k{i}" for i in range(60_000)) + " = 1\n"
    root = make_kb(tmp_path / "kb", {**VALID, "dotted.toml": dotted})
    assert has(problems_of(root), "dotted.toml", None, "keys nested deeper than")


def test_links_devices_and_pipes_are_refused_without_hanging(tmp_path: Path) -> None:
    """A link (to /dev/zero or to a file outside), and a named pipe, are each refused with their file named."""
    import os

    root = make_kb(tmp_path / "kb")
    outside = tmp_path / "outside.toml"
    outside.write_text(ENTITIES, encoding="utf-8")
    (root / "zero.toml").symlink_to("/dev/zero")
    (root / "out.toml").symlink_to(outside)
    os.mkfifo(root / "pipe.toml")
    problems = problems_of(root)
    assert has(problems, "zero.toml", None, "a link")
    assert has(problems, "out.toml", None, "a link")
    assert has(problems, "pipe.toml", None, "not a regular file")


def test_an_ellipsis_leaves_words_out_but_keeps_their_order(tmp_path: Path) -> None:
    """Evidence whose parts joined by '...' are each in the article, but in another order, is not verbatim."""
    from knowledge.text import fold_quotes_space, is_verbatim

    article = fold_quotes_space("Armenia said 49 soldiers were killed in the attacks on Tuesday.")
    assert is_verbatim("Armenia said ... were killed", article)
    assert not is_verbatim("were killed ... Armenia said", article)


GENERAL = f"""
[[place]]
id = "jermuk"
name = "Jermuk"
kind = "Station"
evidence = [{{ source = "{GUARDIAN}", quote = "including Jermuk, Goris and Kapan, were shelled" }}]

[[place]]
id = "goris"
name = "Goris"
evidence = [{{ source = "{GUARDIAN}", quote = "including Jermuk, Goris and Kapan, were shelled" }}]

[[entity]]
id = "peacekeepers"
name = "peacekeepers"
kind = "vehicle"
evidence = [{{ source = "{GUARDIAN}", quote = "sent thousands of peacekeepers to the region in 2020" }}]

[[entity]]
id = "csto"
name = "Collective Security Treaty Organization"
evidence = [{{ source = "{GUARDIAN}", quote = "the Moscow-led Collective Security Treaty Organization (CSTO)" }}]

[[casualty]]
id = "jermuk-injured"
side = "jermuk"
subject = "residents"
outcome = "injured"
figure_text = "several"
qualifier = "unspecified"
summary = "Several residents of Jermuk were injured."
evidence = [{{ source = "{GUARDIAN}", quote = "including Jermuk, Goris and Kapan, were shelled" }}]

[[casualty]]
id = "goris-displaced"
place = "goris"
subject = "people"
outcome = "displaced"
figure_text = "thousands"
summary = "Thousands were displaced at Goris."
evidence = [{{ source = "{GUARDIAN}", quote = "including Jermuk, Goris and Kapan, were shelled" }}]
"""


def test_open_kinds_outcomes_and_figures_of_no_event_load(tmp_path: Path) -> None:
    """Kinds of places and entities are open-ended words (lower-cased, defaulted when left out); a figure
    may belong to no event, have a place as its side or a place of its own, and count injured or displaced."""
    kb = load_knowledge(make_kb(tmp_path / "kb", {**VALID, "general.toml": GENERAL}))
    jermuk, goris = kb.items["jermuk"], kb.items["goris"]
    assert (jermuk.kind, goris.kind) == ("station", "place")  # type: ignore[attr-defined]
    assert kb.items["peacekeepers"].kind == "vehicle"  # type: ignore[attr-defined]
    assert kb.items["csto"].kind == "organisation"  # type: ignore[attr-defined]
    injured, displaced = kb.items["jermuk-injured"], kb.items["goris-displaced"]
    assert (injured.event, injured.side, injured.outcome) == (None, "jermuk", "injured")  # type: ignore[attr-defined]
    assert (displaced.place, displaced.outcome) == ("goris", "displaced")  # type: ignore[attr-defined]
    assert kb.events[0].kind == "clash"


def test_a_figures_place_must_be_a_place_and_a_kind_a_word(tmp_path: Path) -> None:
    """A figure's place that names an entity is refused, and so is a kind that is not a short word."""
    broken = GENERAL.replace('place = "goris"', 'place = "csto"').replace('kind = "vehicle"', 'kind = "a/b"')
    problems = problems_of(make_kb(tmp_path / "kb", {**VALID, "general.toml": broken}))
    assert has(problems, "general.toml", "goris-displaced", "place='csto' is a entity, expected place")
    assert has(problems, "general.toml", "peacekeepers", "schema: kind")


def test_a_folder_in_the_names_before_events_still_loads(tmp_path: Path) -> None:
    """A folder written before events of any kind ([[conflict]] tables, a figure's ``conflict``, timeline
    entries as [[event]] without a name) still loads, as events and timeline entries."""
    old_timeline = f"""
[[event]]
id = "shelled"
summary = "Jermuk, Goris and Kapan were shelled."
places = []
evidence = [{{ source = "{GUARDIAN}", quote = "including Jermuk, Goris and Kapan, were shelled" }}]
"""
    old = {
        **VALID,
        "conflicts.toml": CONFLICT.replace("[[event]]", "[[conflict]]")
        + CASUALTY.replace('event = "clashes-2022"', 'conflict = "clashes-2022"'),
        "timeline.toml": old_timeline,
    }
    kb = load_knowledge(make_kb(tmp_path / "kb", old))
    assert [e.id for e in kb.events] == ["clashes-2022"] and [t.id for t in kb.timeline] == ["shelled"]
    assert kb.casualties[0].event == "clashes-2022"
