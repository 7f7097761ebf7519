"""Wiring: offline payloads, the token kept out of logs, a broken knowledge base refused at start."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.app import REDACTED, TokenRedactingFilter, command_payloads, run
from bot.settings import Settings
from commands.ask import strip_bot_mention
from tests.bot.kbfixture import BROKEN

TOKEN = "MTAxNTAx.secret-looking.token-value"


def test_token_never_reaches_a_handler() -> None:
    """A log record that contains the token is written with the token redacted."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenRedactingFilter(TOKEN))
    logger = logging.getLogger("tests.token")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("identify with %s failed", TOKEN)
        logger.warning(f"raw {TOKEN}")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert TOKEN not in out
    assert out.count(REDACTED) == 2


def test_payloads_build_offline(settings: Settings) -> None:
    """``python -m bot commands --json`` needs no token, database or valid knowledge base."""
    payloads = command_payloads(settings.model_copy(update={"knowledge_dir": Path("/nonexistent")}))
    assert "kb" in {p["name"] for p in payloads}
    assert not settings.database_path.exists()


def test_broken_knowledge_base_refuses_to_start(
    settings: Settings, tiny_kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an invalid knowledge base the console does not start, and every problem is printed."""
    (tiny_kb / "broken.toml").write_text(BROKEN, encoding="utf-8")
    assert run(settings) == 2
    err = capsys.readouterr().err
    assert "is invalid; nothing was loaded" in err
    assert "unknown reference" in err and "not verbatim" in err and "Field required" in err


def test_strip_bot_mention() -> None:
    """Free text by mention: the bot's own mention (both forms) is removed, other text kept."""
    assert strip_bot_mention("<@42> how many died?", 42) == "how many died?"
    assert strip_bot_mention("so <@!42>, who said it?", 42) == "so  , who said it?"
    assert strip_bot_mention("<@43> hi", 42) == "<@43> hi"
