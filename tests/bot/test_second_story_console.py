"""The bot on the second story (knowledge/stories/pukhrayan-derailment): commands and free text answer
from its folder with citations, and one setting (BOT_KNOWLEDGE_DIR) switches the whole bot to it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_payloads
from bot.settings import Settings
from knowledge.loader import load_knowledge, read_story
from knowledge.service import KnowledgeService
from tests.bot.test_console import run_console

REPO = Path(__file__).resolve().parents[2]
STORY = REPO / "knowledge" / "stories" / "pukhrayan-derailment"


@pytest.fixture(scope="module")
def story_service() -> KnowledgeService:
    service = KnowledgeService(STORY)
    outcome = asyncio.run(service.reload("test"))
    assert outcome.ok, [str(p) for p in outcome.problems]
    return service


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("/who-said modi", ["Anguished beyond words", "Modi"]),
        ("/responses russia", ["Kremlin", "Putin"]),
        ("/background cause", ["rail fracture"]),
        ("/sources hindu", ["Death toll mounts to 145", "thehindu.com"]),
        ("where did the train derail?", ["Pukhrayan"]),
        ("who is Daljeet Chaudhary", ["police"]),
        ("/casualties", ["145", "119", "96"]),
        ("how many people were injured?", ["200", "injured"]),
        ("how many passengers were killed?", ["145", "119"]),
        ("/timeline", ["3:10 a.m.", "Pukhrayan"]),
    ],
)
async def test_commands_answer_from_the_second_story_with_citations(
    story_service: KnowledgeService, line: str, words: list[str]
) -> None:
    """A command or free-text question is answered from the second story's articles, with its passages."""
    out = await run_console(story_service, line + "\n")
    answer, sep, passages = out.split("Examples:", 1)[1].partition("\nSources:\n")
    assert sep and passages.startswith("[1] "), out
    assert "[1]" in answer
    for word in words:
        assert word in answer, (word, answer)


async def test_the_console_greets_with_the_story_file(story_service: KnowledgeService) -> None:
    """The greeting and the examples come from the folder's story.toml, not from the shipped story."""
    story = load_knowledge(STORY).story
    out = await run_console(story_service, "")
    assert out.startswith(story.description)
    assert story.examples[0] in out


def test_one_setting_switches_the_bot_to_the_second_story(tmp_path: Path) -> None:
    """``BOT_KNOWLEDGE_DIR`` alone points ``python -m bot ask --json`` at the second story's folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(
        DISCORD_TOKEN="",
        BOT_KNOWLEDGE_DIR=str(STORY),
        BOT_DATABASE_PATH=str(tmp_path / "state.sqlite3"),
        BOT_VECTOR_CACHE="",
        PYTHONPATH=str(REPO),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input="what did the railways minister promise?\nwho said they were shaken to the core?\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    ids = set(load_knowledge(STORY).sources)
    assert [a["answered"] for a in answers] == [True, True], answers
    for answer in answers:
        assert answer["citations"] and {c["source"] for c in answer["citations"]} <= ids
    assert "strictest possible action" in answers[0]["answer"]
    assert "Nitika Trivedi" in answers[1]["answer"]


async def test_every_hint_of_the_second_story_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second story's option hints fit beside their options' descriptions and are what a sync sends."""
    for name in ("DISCORD_TOKEN", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None, knowledge_dir=STORY, database_path=tmp_path / "state.sqlite3")
    described = {
        opt["name"]: opt.get("description", "")
        for cmd in await build_payloads(settings)
        for opt in cmd.get("options", [])
        if "options" not in opt
    }
    hints = read_story(STORY).hints
    assert set(hints) == {"event", "query", "actor", "topic"}
    for option, hint in hints.items():
        assert described[option].endswith(f"; e.g. {hint}") and len(described[option]) <= 100, described[
            option
        ]
    assert "e.g." not in described["side"]  # no sides in a derailment
