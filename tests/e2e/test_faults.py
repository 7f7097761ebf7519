"""Faults mid-run: the gateway connection dropped, the SQLite database made unwritable or locked by another
process, and a shutdown right after a burst."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from tests.e2e.conftest import assert_discord_accepted_everything, table_rows
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import RunningBot, running_bot
from tests.fakediscord.harness import eventually
from tests.fakediscord.loadbench import dispatch_burst, settle


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
    conn = getattr(store, "conn", None)
    assert isinstance(conn, aiosqlite.Connection), "expected the store to hold one aiosqlite connection"
    return conn


async def test_unwritable_database_still_answers_logs_and_writes_later(
    fake: FakeDiscord, cited: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """With every write refused by SQLite, questions are still answered and the failure is logged; the records
    wait in the queue and land once the store has reopened the database."""
    # query_only makes SQLite refuse every write on this connection (SQLITE_READONLY), as a read-only
    # file would; unlike chmod it also holds when the tests run as root.
    await _store_connection(cited.store).execute("PRAGMA query_only = ON")
    caplog.set_level(logging.WARNING)
    record = await (await fake.slash("ask", question="how many Armenian soldiers were killed?")).answered()
    assert "49" in record.text()
    await (await fake.slash("casualties")).answered()

    def failures() -> list[str]:
        messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        return [m for m in messages if "readonly" in m]

    await eventually(failures)
    assert await cited.store.flush(30)
    assert len(table_rows(cited.database_path, "question")) == 2
    assert_discord_accepted_everything(fake)


async def test_a_locked_database_delays_no_interaction(fake: FakeDiscord, cited: RunningBot) -> None:
    """Another process holds the database's writer lock: answers, 👍 and /kb status all meet Discord's
    deadline (the fake refuses late ones); the question and the vote are written once the lock goes."""
    other = sqlite3.connect(cited.database_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        record = await (await fake.slash("casualties", side="Armenia")).answered()
        vote = await (
            await fake.click(record.original_message_id, "cb:vote:up", user=fake.moderator)
        ).answered()
        assert "recorded" in vote.text()
        status = await (await fake.slash("kb", "status", user=fake.moderator)).answered()
        assert "Knowledge base" in status.text()
        again = await (
            await fake.click(record.original_message_id, "cb:vote:down", user=fake.moderator)
        ).answered()
        assert "recorded" in again.text()
        assert table_rows(cited.database_path, "feedback") == []  # nothing could be written meanwhile
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await cited.store.flush(30)
    questions = table_rows(cited.database_path, "question")
    (vote_row,) = table_rows(cited.database_path, "feedback")
    assert (vote_row["question_id"], vote_row["vote"]) == (questions[-1]["id"], -1)
    assert_discord_accepted_everything(fake)


async def test_no_question_record_is_lost_on_shutdown_after_a_burst(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """The bot is closed the moment a burst has its initial responses (many still deferred, being answered):
    every question answered has its record in the database afterwards."""
    burst = 100
    async with running_bot(fake, tmp_path) as cited:
        records = await dispatch_burst(fake, burst)
        await settle(records, fake, within=fake.deadline + 30)
        database = cited.database_path
    assert all(r.initial is not None for r in records)
    assert len(table_rows(database, "question")) == burst


async def test_a_refused_token_is_one_clear_line_and_a_failing_exit(
    fake: FakeDiscord, tmp_path, capsys
) -> None:
    """Discord answering 401 to the token ends the run with one line on stderr and exit code 1."""
    from bot.app import run_discord
    from bot.settings import Settings

    settings = Settings(_env_file=None, DISCORD_TOKEN="not-the-token", database_path=tmp_path / "bot.sqlite3")
    assert await run_discord(settings) == 1
    err = capsys.readouterr().err
    assert "Discord refused the token" in err and "Traceback" not in err
