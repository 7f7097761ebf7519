"""The local console: same commands and free text as Discord, answered as text with citations."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import Console, parse_options
from commands import text_commands
from knowledge.loader import DEFAULT_DIR
from knowledge.service import KnowledgeService

REPO = Path(__file__).resolve().parents[2]


async def run_console(service: KnowledgeService, text: str) -> str:
    out = io.StringIO()
    code = await Console(service, stdin=io.StringIO(text), stdout=out).run()
    assert code == 0
    return out.getvalue()


@pytest.fixture
async def tiny_service(tiny_kb: Path) -> KnowledgeService:
    service = KnowledgeService(tiny_kb)
    assert (await service.reload("test")).ok
    return service


@pytest.fixture(scope="module")
def shipped_service() -> KnowledgeService:
    import asyncio

    service = KnowledgeService(DEFAULT_DIR)
    outcome = asyncio.run(service.reload("test"))
    assert outcome.ok, [str(p) for p in outcome.problems]
    return service


def test_parse_options() -> None:
    """Named options (quoted when they hold spaces) and a bare value for the first free option."""
    cmds = text_commands()
    assert parse_options(cmds["casualties"], 'side:armenia event:"2020 war"') == {
        "side": "armenia",
        "event": "2020 war",
    }
    assert parse_options(cmds["who-said"], "blinken") == {"query": "blinken"}
    assert parse_options(cmds["who-said"], "no solution: none") == {"query": "no solution: none"}
    assert parse_options(cmds["responses"], "turkey's 'reaction") == {"actor": "turkey's 'reaction"}
    assert parse_options(cmds["casualties"], 'event:2020 side:"azerbaijan"') == {
        "event": "2020",
        "side": "azerbaijan",
    }
    assert parse_options(cmds["timeline"], "") == {}


async def test_greeting_tells_a_new_user_what_to_type(tiny_service: KnowledgeService) -> None:
    """The first thing printed names the commands, an example, /help and /quit."""
    out = await run_console(tiny_service, "")
    first = out.splitlines()[0]
    assert "knowledge base" in first and "1 articles" in first
    for word in ("/casualties", "/who-said", "/ask", "/sources", "/kb status", "/help", "/quit", "Examples:"):
        assert word in out


async def test_help_unknown_and_quit(tiny_service: KnowledgeService) -> None:
    """/help lists commands, an unknown command points to /help, /quit stops before later lines."""
    out = await run_console(tiny_service, "/help\n/frobnicate now\n/who-said\n/quit\n/timeline\n")
    assert out.count("/casualties [side:<…>] [event:<…>]") == 2  # greeting + /help
    assert "Unknown command /frobnicate. Type /help" in out
    assert "/who-said needs query" in out
    assert out.rstrip().endswith("Bye.")


async def test_questions_are_answered_and_recorded(tiny_service: KnowledgeService) -> None:
    """Free text and commands produce an answer each; over-long questions are refused politely."""
    out = await run_console(tiny_service, "what did the kremlin say?\n/timeline\n" + "x" * 400 + "\n")
    assert out.count("Please keep it under 300 characters") == 1
    # One answer block per question: the greeting, two answers, the refusal.
    assert len([b for b in out.split("\n\n") if b.strip()]) >= 3


async def test_kb_commands_in_console(tiny_service: KnowledgeService) -> None:
    """/kb status, check and reload work from the console; bad /kb usage prints the usage."""
    out = await run_console(tiny_service, "/kb status\n/kb check\n/kb reload\n/kb nonsense\n")
    assert "Knowledge base status" in out and "entity 1" in out
    assert "Check passed" in out and "Reload done" in out
    assert "Usage: /kb status" in out


async def test_shipped_answers_carry_citations(shipped_service: KnowledgeService) -> None:
    """On the shipped knowledge base, /casualties, /who-said blinken and free text give cited answers."""
    out = await run_console(
        shipped_service,
        "/casualties side:armenia\n/who-said blinken\nhow many Azerbaijani soldiers died?\n/quit\n",
    )
    blocks = out.split("\nSources:\n")
    assert len(blocks) == 4, out  # three cited answers
    casualties, blinken, free = blocks[0], blocks[1], blocks[2]
    assert "49" in casualties.split("Examples:")[-1]
    assert "Blinken" in blinken and "[1]" in blinken
    assert "50" in free and "[1]" in free
    assert "https://www.theguardian.com/" in out


def test_python_m_bot_opens_the_console(tmp_path: Path) -> None:
    """``python -m bot`` without a token is the console: piped commands get cited answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(DISCORD_TOKEN="", BOT_DATABASE_PATH=str(tmp_path / "state.sqlite3"), PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/casualties\n/who-said blinken\nhow many Armenian soldiers were killed?\n/quit\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Cited answers about")
    assert proc.stdout.count("\nSources:\n") == 3, proc.stdout
    assert "Bye." in proc.stdout
    assert (tmp_path / "state.sqlite3").exists()


@pytest.mark.parametrize("days", ["\u00b2", "9999999999", "-3", "0"])
async def test_kb_unanswered_with_a_bad_number_of_days_is_refused_not_a_crash(
    tiny_service: KnowledgeService, days: str
) -> None:
    """'/kb unanswered ²' or an overflowing count is answered with the usage, and the console goes on."""
    out = await run_console(tiny_service, f"/kb unanswered {days}\n/kb status\n")
    assert "takes a number of days from 1 to 3650" in out
    assert "Knowledge base status" in out.split("takes a number of days")[1]
