"""`python -m bot kb check`: validates a knowledge directory from the command line, text or JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from knowledge.loader import DEFAULT_DIR
from knowledge.models import KIND_OF_TABLE
from tests.bot.kbfixture import BROKEN, write_kb

REPO_ROOT = Path(__file__).resolve().parents[2]
KINDS = ["source", *KIND_OF_TABLE]


def kb_check(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "BOT_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def broken_kb(tmp_path: Path) -> Path:
    """The tiny knowledge base plus a file with three faults (schema, unknown reference, not verbatim)."""
    root = write_kb(tmp_path / "kb")
    (root / "broken.toml").write_text(BROKEN, encoding="utf-8")
    return root


def test_shipped_dir_passes_with_a_count_per_kind() -> None:
    """The shipped knowledge base checks OK (exit 0) and prints one line per kind with its count."""
    result = kb_check(str(DEFAULT_DIR))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "OK" in lines[0]
    counted = {line.split()[0]: int(line.split()[1]) for line in lines[1:] if line.strip()}
    assert list(counted) == KINDS
    assert counted["source"] > 0 and counted["quote"] > 0


def test_default_dir_is_the_shipped_one() -> None:
    """Without a directory argument the check runs on the configured (shipped) knowledge base."""
    result = kb_check()
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_broken_dir_fails_listing_every_problem_on_stderr(tmp_path: Path) -> None:
    """A broken directory exits non-zero and lists each problem, with file and item id, on stderr."""
    result = kb_check(str(broken_kb(tmp_path)))
    assert result.returncode != 0
    assert result.stdout == ""
    err = result.stderr
    assert "3 problem(s)" in err
    assert "broken.toml [nobody]: schema: name" in err
    assert "broken.toml [blinken]: unknown reference country='united-states'" in err
    assert "broken.toml [blinken]: evidence is not verbatim in art1" in err


def test_json_on_shipped_dir() -> None:
    """--json on a valid directory prints ok, a version and the counts of every kind."""
    result = kb_check(str(DEFAULT_DIR), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert isinstance(report["version"], str) and len(report["version"]) == 12
    assert list(report["counts"]) == KINDS
    assert report["counts"]["source"] > 0


def test_json_on_broken_dir_lists_problems(tmp_path: Path) -> None:
    """--json on a broken directory exits non-zero and prints every problem as file, item and reason."""
    result = kb_check(str(broken_kb(tmp_path)), "--json")
    assert result.returncode != 0
    report = json.loads(result.stdout)
    assert report["ok"] is False
    found = {(p["file"], p["item"], p["reason"].split(":")[0]) for p in report["problems"]}
    assert found == {
        ("broken.toml", "nobody", "schema"),
        ("broken.toml", "blinken", "unknown reference country='united-states'"),
        ("broken.toml", "blinken", "evidence is not verbatim in art1"),
    }


def test_missing_dir_fails_cleanly(tmp_path: Path) -> None:
    """A path that is not a directory exits non-zero naming it, without a traceback."""
    missing = tmp_path / "nowhere"
    result = kb_check(str(missing))
    assert result.returncode != 0
    assert f"{missing}: not a directory" in result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(kb_check(str(missing), "--json").stdout)
    expected = {"file": str(missing), "item": None, "reason": "not a directory"}
    assert report == {"ok": False, "problems": [expected]}


def test_broken_dir_across_files_names_each_file(tmp_path: Path) -> None:
    """Problems in sources.toml, the corpus and a curated file are all listed, each with its file."""
    root = broken_kb(tmp_path)
    (root / "corpus" / "stray.txt").write_text("An article nobody registered.", encoding="utf-8")
    (root / "bad.toml").write_text("[[entity]\n", encoding="utf-8")
    result = kb_check(str(root))
    assert result.returncode != 0
    assert "5 problem(s)" in result.stderr
    assert "sources.toml [stray]: corpus file has no [[source]] entry" in result.stderr
    assert "bad.toml: malformed TOML" in result.stderr
    assert "broken.toml [blinken]" in result.stderr and "broken.toml [nobody]" in result.stderr
