"""The store on PostgreSQL, where it differs from one SQLite file: other processes share the database, a
schema that is not ours is refused untouched, a lock another session holds makes the writer wait (never a
caller), a lost connection is reopened. The tests common to both engines are in test_store.py.

Every test here needs the throwaway server (tests/pgserver.py, started once per session).
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from knowledge.errors import StoreError
from knowledge.store import SCHEMA_VERSION, Store, StoreBusy

pytestmark = pytest.mark.postgres

ALL_VERSIONS = [(v,) for v in range(1, SCHEMA_VERSION + 1)]  # one row per migration applied

AT_ONCE_S = 1.0


async def fetch(url: str, sql: str, *args: object) -> list[tuple]:
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


async def ask(store: Store, question: str) -> int:
    return await store.record_question(
        question=question, answered=False, kind="none", confidence=0.1, transport="test"
    )


async def snapshot(url: str) -> list[tuple]:
    """Every table of the public schema with its rows: what 'nothing was written' is checked against."""
    tables = [
        r[0]
        for r in await fetch(
            url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return [(t, sorted(await fetch(url, f'SELECT * FROM "{t}"'))) for t in tables]


async def make_foreign(url: str) -> None:
    await fetch(url, "CREATE TABLE accounts (id SERIAL PRIMARY KEY, owner TEXT)")
    await fetch(url, "INSERT INTO accounts (owner) VALUES ('someone')")


async def make_newer(url: str) -> None:
    await fetch(url, "CREATE TABLE schema_version (version INTEGER NOT NULL)")
    await fetch(url, f"INSERT INTO schema_version VALUES ({SCHEMA_VERSION + 1})")
    await fetch(url, "CREATE TABLE questions (id BIGINT PRIMARY KEY)")


@pytest.mark.parametrize(("make", "reason"), [(make_foreign, "not the bot's"), (make_newer, "newer")])
async def test_a_foreign_or_newer_schema_is_refused_without_a_write(pg_url: str, make, reason: str) -> None:  # noqa: ANN001
    """Tables that are not ours, or a newer schema version: refused (even when retrying), nothing written."""
    await make(pg_url)
    before = await snapshot(pg_url)
    with pytest.raises(StoreError, match=reason):
        await Store.open(pg_url)
    with pytest.raises(StoreError, match=reason):
        await Store.open(pg_url, retry=True)
    assert await snapshot(pg_url) == before


async def test_the_bot_runs_without_a_store_on_a_foreign_database(pg_url: str) -> None:
    from bot.app import open_store
    from bot.settings import Settings

    await make_foreign(pg_url)
    before = await snapshot(pg_url)
    assert await open_store(Settings(_env_file=None, database_url=pg_url)) is None
    assert await snapshot(pg_url) == before


async def test_a_schema_of_its_own_in_a_shared_database(pg_url: str) -> None:
    """A database that holds other tables can still be used: the bot in a schema of its own (search_path)."""
    await make_foreign(pg_url)
    await fetch(pg_url, "CREATE SCHEMA bot")
    store = await Store.open(pg_url + "?search_path=bot")
    try:
        qid = await ask(store, "in the bot's schema")
        assert (await store.question(qid)) is not None
    finally:
        await store.close()
    assert await fetch(pg_url, "SELECT question FROM bot.questions") == [("in the bot's schema",)]
    assert await fetch(pg_url, "SELECT owner FROM accounts") == [("someone",)]


async def test_processes_starting_together_migrate_once(pg_url: str) -> None:
    """Eight stores opening one new database at once: one creates the schema, the others find it there."""
    stores = await asyncio.gather(*(Store.open(pg_url) for _ in range(8)))
    try:
        assert await fetch(pg_url, "SELECT version FROM schema_version ORDER BY version") == ALL_VERSIONS
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_two_processes_share_the_log_without_id_clashes(pg_url: str) -> None:
    """Two stores (two bot processes) write questions and votes at once: ids never clash, every record
    lands, and each reads what the other wrote (a vote on the other's question included)."""
    first, second = await Store.open(pg_url), await Store.open(pg_url)
    try:
        assert first.repo.lane != second.repo.lane

        async def burst(store: Store, name: str) -> list[int]:
            ids = []
            for i in range(300):
                qid = await ask(store, f"{name} {i}")
                await store.record_feedback(question_id=qid, user_id=name, vote=1)
                ids.append(qid)
            return ids

        ids_a, ids_b = await asyncio.gather(burst(first, "a"), burst(second, "b"))
        assert await first.flush(30) and await second.flush(30)
        assert not set(ids_a) & set(ids_b)
        assert await fetch(pg_url, "SELECT COUNT(*), COUNT(DISTINCT id) FROM questions") == [(600, 600)]
        assert await fetch(pg_url, "SELECT COUNT(*) FROM feedback") == [(600,)]
        await first.record_feedback(question_id=ids_b[0], user_id="a", vote=-1)
        assert await first.flush(30)
        assert await second.feedback_counts(ids_b[0]) == (1, 1)
        assert (await first.question(ids_b[-1])).question == "b 299"
    finally:
        await first.close()
        await second.close()


async def test_a_table_locked_by_another_session_delays_no_caller(pg_url: str) -> None:
    """Another session holds an exclusive lock on the question log: records are queued at once, a read says
    busy within its time limit, and everything lands when the lock goes."""
    store = await Store.open(pg_url, retry_max=0.2)
    other = await asyncpg.connect(pg_url)
    try:
        tx = other.transaction()
        await tx.start()
        await other.execute("LOCK TABLE questions IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        ids = [await asyncio.wait_for(ask(store, f"q{i}"), AT_ONCE_S) for i in range(20)]
        assert time.monotonic() - started < AT_ONCE_S
        assert not await store.flush(0.5)
        assert store.status().state == "busy" and store.status().waiting == 20
        started = time.monotonic()
        with pytest.raises(StoreBusy):
            await store.unanswered()
        assert time.monotonic() - started < 2.5
        await tx.rollback()
        assert await store.flush(30)
        assert await fetch(pg_url, "SELECT COUNT(*) FROM questions") == [(20,)]
        assert (await store.question(ids[-1])).question == "q19"
        assert store.status().state == "ok"
    finally:
        await other.close()
        await store.close(5)


async def test_a_lost_connection_is_reopened(pg_url: str, postgres_server) -> None:  # noqa: ANN001
    """The server ends the store's session (a restart, an administrator): the next records reconnect and land."""
    store = await Store.open(pg_url, retry_max=0.2)
    try:
        await ask(store, "before")
        assert await store.flush(30)
        pid = store.conn.get_server_pid()
        await fetch(postgres_server.url, "SELECT pg_terminate_backend($1)", pid)
        await ask(store, "after")
        assert await store.flush(30)
        assert sorted(await fetch(pg_url, "SELECT question FROM questions")) == [("after",), ("before",)]
        assert store.conn.get_server_pid() != pid
    finally:
        await store.close(5)


async def test_a_database_missing_at_start_is_opened_when_it_appears(postgres_server) -> None:  # noqa: ANN001
    """The bot's own open with a database not created yet: it runs, records wait, and land once it exists."""
    from bot.app import open_store
    from bot.settings import Settings

    url = postgres_server.url_for("created_later")
    store = await open_store(Settings(_env_file=None, database_url=url))
    assert store is not None
    try:
        qid = await ask(store, "asked before the database existed")
        assert not await store.flush(0.3)
        assert store.status().state == "unavailable" and "created_later" in (store.status().problem or "")
        await fetch(postgres_server.url, "CREATE DATABASE created_later")
        assert await store.flush(30)
        assert (await store.question(qid)).question == "asked before the database existed"
    finally:
        await store.close(5)
        await postgres_server.drop_database(url)


async def test_close_writes_what_is_queued_when_the_lock_goes(pg_url: str) -> None:
    """Questions queued behind another session's lock are all written by close() once the lock is released."""
    store = await Store.open(pg_url, retry_max=0.2)
    other = await asyncpg.connect(pg_url)
    tx = other.transaction()
    await tx.start()
    await other.execute("LOCK TABLE questions IN ACCESS EXCLUSIVE MODE")
    for i in range(200):
        await ask(store, f"q{i}")
    asyncio.get_running_loop().call_later(0.3, lambda: asyncio.ensure_future(tx.rollback()))
    await store.close(30)
    await other.close()
    assert await fetch(pg_url, "SELECT COUNT(*) FROM questions") == [(200,)]
    with pytest.raises(StoreError, match="closed"):
        await ask(store, "after close")


async def test_a_password_never_reaches_the_log(postgres_server, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    """Log lines name the database by its URL with the password replaced."""
    url = postgres_server.url_for("nowhere").replace("postgres@", "postgres:hunter2@")
    store = await Store.open(url, retry=True, retry_max=0.2)
    try:
        await ask(store, "q")
        assert not await store.flush(0.3)
    finally:
        await store.close(0.2)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "nowhere" in text and "hunter2" not in text


def test_missing_server_programs_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without initdb and pg_ctl anywhere, the server fixture fails (never skips) saying what to install."""
    from tests import pgserver

    monkeypatch.delenv("BOT_TEST_PG_BINDIR", raising=False)
    monkeypatch.delenv("BOT_TEST_DATABASE_URL", raising=False)
    monkeypatch.setattr(pgserver.shutil, "which", lambda name: None)
    monkeypatch.setattr(pgserver.glob, "glob", lambda pattern: [])
    with pytest.raises(pgserver.PostgresUnavailable, match="make test.*apt-get install -y postgresql"):
        pgserver.start()
