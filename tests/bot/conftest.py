"""Fixtures for the bot's tests: settings that never read the developer's environment or .env."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from tests.bot.kbfixture import write_kb


@pytest.fixture
def tiny_kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb")


@pytest.fixture
def settings(tmp_path: Path, tiny_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("DISCORD_TOKEN", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, knowledge_dir=tiny_kb, database_path=tmp_path / "state.sqlite3")
