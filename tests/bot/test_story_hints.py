"""The option descriptions a sync sends speak of the story through its story file's hints, while the
code names none of it: another folder, other hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_payloads
from bot.settings import Settings
from knowledge.loader import DEFAULT_DIR, read_story

RAIL = Path(__file__).resolve().parents[1] / "knowledge" / "rail_story"


def _settings(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("DISCORD_TOKEN", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, knowledge_dir=folder, database_path=tmp_path / "state.sqlite3")


async def _descriptions(settings: Settings) -> dict[str, str]:
    """Option name -> its description, over every chat command the sync would send."""
    return {
        opt["name"]: opt.get("description", "")
        for cmd in await build_payloads(settings)
        for opt in cmd.get("options", [])
        if "options" not in opt  # options, not a group's subcommands
    }


async def test_every_hint_of_the_shipped_story_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hint of knowledge/data/story.toml fits beside its option's description and is sent with it."""
    hints = read_story(DEFAULT_DIR).hints
    described = await _descriptions(_settings(DEFAULT_DIR, tmp_path, monkeypatch))
    assert hints
    for option, hint in hints.items():
        assert described[option].endswith(f"; e.g. {hint}"), described[option]
        assert len(described[option]) <= 100


async def test_another_folder_sends_its_own_hints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rail folder's hints replace the shipped story's; one too long for its option is left out,
    never cut, and an option without a hint keeps its story-neutral description."""
    rail = await _descriptions(_settings(RAIL, tmp_path, monkeypatch))
    shipped = read_story(DEFAULT_DIR).hints
    assert rail["event"].endswith("; e.g. the Millbrook crash")
    assert rail["query"].endswith("; e.g. Okafor, Ruiz")
    assert "e.g." not in rail["topic"]  # "the signal failure, the inquiry, the rescue" does not fit
    assert "e.g." not in rail["side"] and "e.g." not in rail["actor"]
    assert not any(hint in text for hint in shipped.values() for text in rail.values())
