"""Progress on a terminal: kb check, kb draft and the benchmark draw a bar on standard error only while it is a
terminal, and never into --json output."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bench import engine as bench
from bot.cli import main
from knowledge.loader import count_files, load_knowledge
from tests.bot.kbfixture import ARTICLE, write_kb


class Terminal(io.StringIO):
    """Standard error as a terminal would be."""

    def isatty(self) -> bool:
        return True


def as_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Standard error replaced by a terminal. Called in the test itself: pytest's capture puts its own stream
    back when the test starts, after the fixtures ran."""
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    return stderr


@pytest.fixture(autouse=True)
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCORD_TOKEN", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_loader_reports_every_file_it_counts(tmp_path: Path) -> None:
    """load_knowledge tells its progress callback each article and curated file, as many as count_files says."""
    root = write_kb(tmp_path / "kb")
    seen: list[str] = []
    load_knowledge(root, progress=seen.append)
    assert seen == ["corpus/art1.txt", "entities.toml"] and count_files(root) == len(seen)


def test_kb_check_on_a_terminal_shows_a_bar_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal the check draws its bar over the files on stderr; stdout holds the report alone."""
    terminal = as_terminal(monkeypatch)
    root = write_kb(tmp_path / "kb")
    assert main(["kb", "check", str(root)]) == 0
    assert "checking" in terminal.getvalue() and "/2 [" in terminal.getvalue()
    assert capsys.readouterr().out.startswith(f"{root}: OK, version ")


def test_kb_check_json_has_no_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one JSON object and draws nothing, even on a terminal."""
    terminal = as_terminal(monkeypatch)
    root = write_kb(tmp_path / "kb")
    assert main(["kb", "check", "--json", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert terminal.getvalue() == ""


def test_kb_check_off_a_terminal_has_no_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Piped (stderr not a terminal), nothing but the report and the problems is written."""
    root = write_kb(tmp_path / "kb")
    assert main(["kb", "check", str(root)]) == 0
    captured = capsys.readouterr()
    assert "checking" not in captured.err and "file/s" not in captured.err


def test_kb_draft_on_a_terminal_shows_a_bar(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """kb draft reads the folder and drafts the article under one bar (files, then the article); the draft
    itself goes to stdout untouched."""
    terminal = as_terminal(monkeypatch)
    root = write_kb(tmp_path / "kb")
    article = tmp_path / "new_article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("BOT_KNOWLEDGE_DIR", str(root))
    assert main(["kb", "draft", str(article)]) == 0
    assert "drafting" in terminal.getvalue() and "/3 [" in terminal.getvalue()
    assert "[[source]]" in capsys.readouterr().out


def test_benchmark_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's loops go through every item either way; the bar is drawn only on a terminal."""
    terminal = as_terminal(monkeypatch)
    assert list(bench.progress([1, 2, 3], "answering")) == [1, 2, 3]
    assert "answering" in terminal.getvalue() and "/3 [" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert list(bench.progress([1, 2, 3], "answering")) == [1, 2, 3]
    assert piped.getvalue() == ""
