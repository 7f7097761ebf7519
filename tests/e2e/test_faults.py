"""Faults mid-run: the gateway connection dropped, and the SQLite database made unwritable."""

from __future__ import annotations

import logging

import aiosqlite
import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.harness import eventually


async def test_dropped_gateway_resumes_and_answers(fake: FakeDiscord, cited: RunningBot) -> None:
    """After the socket drops, the bot RESUMEs (no new IDENTIFY) and answers the next interaction."""
    await (await fake.slash("casualties")).answered()
    await fake.drop_gateway()
    record = await (await fake.slash("who-said", query="Blinken")).answered()
    assert "Blinken" in record.text()
    assert len(fake.gateway.identify_payloads) == 1
    (resume,) = fake.gateway.resume_payloads
    assert resume["path"] == fake.gateway.RESUME_PATH
    assert fake.gateway.current.resumes == 1
    again = await (await fake.slash("casualties")).answered()
    assert "49" in again.text()
    assert_discord_accepted_everything(fake)


def _store_connection(store: object) -> aiosqlite.Connection:
    found = [v for v in vars(store).values() if isinstance(v, aiosqlite.Connection)]
    assert len(found) == 1, "expected the store to hold one aiosqlite connection"
    return found[0]


async def test_unwritable_database_still_answers_and_logs(fake: FakeDiscord, cited: RunningBot,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """With every write refused by SQLite, questions are still answered and the failure is logged."""
    # query_only makes SQLite refuse every write on this connection (SQLITE_READONLY), as a read-only
    # file would; unlike chmod it also holds when the tests run as root.
    await _store_connection(cited.store).execute("PRAGMA query_only = ON")
    caplog.set_level(logging.WARNING)
    record = await (await fake.slash("ask", question="how many Armenian soldiers were killed?")).answered()
    assert "49" in record.text()
    await (await fake.slash("casualties")).answered()
    # The question is recorded after the reply is sent, so its failure is logged a moment later.
    def failures() -> list[str]:
        messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        return [m for m in messages if "question" in m]

    await eventually(lambda: len(failures()) == 2)
    assert all("readonly" in message for message in failures())
    assert_discord_accepted_everything(fake)


async def test_a_refused_token_is_one_clear_line_and_a_failing_exit(fake: FakeDiscord, tmp_path, capsys) -> None:
    """Discord answering 401 to the token ends the run with one line on stderr and exit code 1."""
    from bot.app import run_discord
    from bot.settings import Settings

    settings = Settings(_env_file=None, DISCORD_TOKEN="not-the-token", database_path=tmp_path / "bot.sqlite3")
    assert await run_discord(settings) == 1
    err = capsys.readouterr().err
    assert "Discord refused the token" in err and "Traceback" not in err
