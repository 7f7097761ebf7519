"""Two bot processes (``python -m bot``, shards 0 and 1 of 2, one application) against the local Discord fake
and one PostgreSQL database: a moderator's reload in one shows in the other's answers within 5 s; questions
and votes from both land; killing one mid-burst loses no recorded question of the other, which keeps
answering its shards.

The processes are real subprocesses started as an operator would (``python -m bot`` with the settings in the
environment); ``fakeroute/sitecustomize.py`` points their discord.py at the fake. Needs the throwaway server
(tests/pgserver.py).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests import pgserver
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import copy_knowledge
from tests.fakediscord.interactions import InteractionRecord

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
FAKEROUTE = Path(__file__).resolve().parent / "fakeroute"
START_WITHIN_S = 300.0  # importing, loading the knowledge and connecting, on a busy two-core machine
ANSWER_WITHIN_S = 30.0
MARK = "Cluster-test mark"
VECTORS = "vectors.npz"
QUESTION = "how many Armenian soldiers were killed?"


@dataclass
class BotProcess:
    shard: int
    proc: subprocess.Popen
    knowledge_dir: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _environment(fake: FakeDiscord, url: str, workdir: Path, shard: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_") and k != "DISCORD_TOKEN"}
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(FAKEROUTE), str(ROOT)]),
            "BOT_TEST_FAKE_DISCORD": f"http://127.0.0.1:{fake.port}",
            "DISCORD_TOKEN": fake.token,
            "BOT_DATABASE_URL": url,
            "BOT_KNOWLEDGE_DIR": str(workdir / "knowledge"),
            "BOT_MODERATOR_ROLE": fake.guild.moderator_role_name,
            "BOT_ASK_COOLDOWN_SECONDS": "0",
            "BOT_SHUTDOWN_GRACE_SECONDS": "5",
        }
    )
    if (workdir.parent / VECTORS).exists():  # item vectors computed once (warm_vectors): a start in seconds
        (workdir / ".cache").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(workdir.parent / VECTORS, workdir / ".cache" / VECTORS)
    env["BOT_VECTOR_CACHE"] = str(workdir / ".cache" / VECTORS)
    if shard is not None:
        env["BOT_SHARD_COUNT"] = "2"
        env["BOT_SHARD_IDS"] = f"[{shard}]"
    return env


async def warm_vectors(workdir: Path) -> None:
    """Encode the shipped knowledge's texts once, into the cache both processes start from (each would
    otherwise spend minutes of the two shared cores encoding the same texts)."""
    from knowledge.service import KnowledgeService

    cache = workdir / VECTORS
    if (ROOT / ".cache" / VECTORS).exists():
        shutil.copyfile(ROOT / ".cache" / VECTORS, cache)
    service = KnowledgeService(copy_knowledge(workdir / "warm"), vector_cache=cache)
    assert (await service.reload("startup", action="startup")).ok


def start_bot(fake: FakeDiscord, url: str, workdir: Path, shard: int) -> BotProcess:
    workdir.mkdir(parents=True)
    copy_knowledge(workdir / "knowledge")
    log = workdir / "bot.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=workdir,
            env=_environment(fake, url, workdir, shard),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return BotProcess(shard, proc, workdir / "knowledge", log)


def stop(bot: BotProcess) -> None:
    if bot.proc.poll() is None:
        bot.proc.send_signal(signal.SIGINT)
        try:
            bot.proc.wait(30)
        except subprocess.TimeoutExpired:
            bot.proc.kill()
            bot.proc.wait(10)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
async def database(postgres_server: pgserver.PostgresServer) -> AsyncIterator[str]:
    url = await postgres_server.create_database("cluster")
    yield url
    await postgres_server.drop_database(url)


async def fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def session_of(fake: FakeDiscord, shard: int) -> Any:
    """The fake's gateway session that identified as ``shard`` (of 2)."""
    sessions = list(fake.gateway.sessions.values())
    for payload, session in zip(fake.gateway.identify_payloads, sessions, strict=False):
        if list(payload.get("shard") or [0, 1]) == [shard, 2] and session.connection is not None:
            return session
    raise LookupError(f"no connected session for shard {shard}")


async def slash_on(fake: FakeDiscord, shard: int, name: str, *sub: str, **options: Any) -> InteractionRecord:
    """A user runs ``/name`` in a server served by process ``shard``: the event goes to that shard's session."""
    fake.gateway.current = session_of(fake, shard)
    return await fake.slash(name, *sub, **options)


async def click_on(
    fake: FakeDiscord, shard: int, message_id: str, custom_id: str, **kw: Any
) -> InteractionRecord:
    fake.gateway.current = session_of(fake, shard)
    return await fake.click(message_id, custom_id, **kw)


async def wait_until(what: str, condition: Any, within: float, bots: list[BotProcess]) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await condition()
        if result:
            return result
        for bot in bots:
            assert bot.proc.poll() is None, f"bot for shard {bot.shard} exited:\n{bot.output()}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- shard {b.shard}:\n{b.output()}" for b in bots)
            raise AssertionError(f"{what}: not within {within} s\n{logs}")
        await asyncio.sleep(0.1)


async def test_two_processes_share_knowledge_questions_and_votes(
    fake: FakeDiscord, database: str, tmp_path: Path
) -> None:
    """Reload in one, answers change in the other within 5 s; questions and votes of both land; one killed
    mid-burst costs the other nothing, and it keeps answering."""
    sync = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "sync"],
        cwd=tmp_path,
        env=_environment(fake, database, tmp_path, None)
        | {"BOT_KNOWLEDGE_DIR": str(copy_knowledge(tmp_path / "kb"))},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sync.returncode == 0, sync.stdout + sync.stderr
    await warm_vectors(tmp_path)
    bots = [start_bot(fake, database, tmp_path / f"shard{shard}", shard) for shard in (0, 1)]
    try:

        async def both_up() -> bool:
            try:
                rows = await fetch(database, "SELECT count(*) FROM processes")
            except asyncpg.UndefinedTableError:
                return False
            identified = {tuple(p.get("shard") or ()) for p in fake.gateway.identify_payloads}
            return rows[0][0] == 2 and {(0, 2), (1, 2)} <= identified

        await wait_until("both processes up", both_up, START_WITHIN_S, bots)
        await asyncio.sleep(3)  # discord.py waits for the guilds before it is ready

        # questions and votes from both processes, each asked by a user of its own (told apart by user id)
        asker = {0: fake.moderator, 1: fake.reader}
        answers: dict[int, InteractionRecord] = {}
        for shard in (0, 1):
            record = await slash_on(fake, shard, "ask", question=QUESTION, user=asker[shard])
            answers[shard] = await record.answered(ANSWER_WITHIN_S)
            assert "49" in answers[shard].text()

        async def ids_known() -> bool:  # the view learns its question id once the record is queued
            return all("cb:vote:up" in answers[s].custom_ids() for s in (0, 1))

        await wait_until("vote buttons", ids_known, 10, bots)
        for shard in (0, 1):
            message = answers[shard].last_message_id
            vote = await click_on(fake, shard, message, "cb:vote:up", user=asker[shard])
            await vote.answered(ANSWER_WITHIN_S)

        async def both_landed() -> bool:
            rows = await fetch(
                database,
                "SELECT q.user_id, count(f.*) AS votes FROM questions q"
                " LEFT JOIN feedback f ON f.question_id = q.id GROUP BY q.user_id",
            )
            return {r["user_id"]: r["votes"] for r in rows} == {asker[0].id: 1, asker[1].id: 1}

        await wait_until("questions and votes of both processes in the database", both_landed, 15, bots)

        # a moderator's reload in shard 0's process shows in shard 1's answers within 5 s
        story = bots[0].knowledge_dir / "story.toml"
        text = story.read_text(encoding="utf-8")
        start = text.index('greeting = "') + len('greeting = "')  # what /help opens with
        story.write_text(text[:start] + MARK + ". " + text[start:], encoding="utf-8")
        reload = await (await slash_on(fake, 0, "kb", "reload", user=fake.moderator)).answered(
            ANSWER_WITHIN_S
        )

        async def reload_done() -> bool:  # the reply reports progress first, then the outcome
            return "Reload done" in reload.text()

        await wait_until("the reload's outcome", reload_done, 60, bots)
        reloaded = time.monotonic()

        async def other_shows_it() -> bool:
            shown = await (await slash_on(fake, 1, "help")).answered(ANSWER_WITHIN_S)
            return MARK in shown.text()

        await wait_until("the reload in the other process's answers", other_shows_it, 5, bots)
        assert time.monotonic() - reloaded < 5.0
        assert MARK in (bots[1].knowledge_dir / "story.toml").read_text(encoding="utf-8")

        async def status_lists_both_on_it() -> bool:  # /kb status: each process, its version, its heartbeat
            status = await (await slash_on(fake, 1, "kb", "status", user=fake.moderator)).answered(
                ANSWER_WITHIN_S
            )
            text = status.text()
            return "Processes (2):" in text and "(differs)" not in text and "shards 0:" in text

        await wait_until(
            "/kb status listing both processes on the new version", status_lists_both_on_it, 15, bots
        )

        # a burst to both; shard 0's process is killed in the middle of it
        burst: dict[int, list[InteractionRecord]] = {0: [], 1: []}
        for i in range(40):
            for shard in (0, 1) if i <= 10 else (1,):
                question = f"who said there is no military solution {i}?"
                burst[shard].append(await slash_on(fake, shard, "ask", question=question, user=asker[shard]))
            if i == 10:
                bots[0].proc.kill()
        bots[0].proc.wait(10)
        for record in burst[1]:
            await record.answered(ANSWER_WITHIN_S)

        async def all_of_shard1_recorded() -> bool:
            rows = await fetch(
                database,
                "SELECT count(*) FROM questions WHERE user_id = $1 AND question LIKE 'who said%'",
                asker[1].id,
            )
            return rows[0][0] == len(burst[1])

        await wait_until(
            "every question the survivor answered, recorded", all_of_shard1_recorded, 15, bots[1:]
        )

        # the survivor keeps answering its shard
        after = await (await slash_on(fake, 1, "ask", question=QUESTION, user=asker[1])).answered(
            ANSWER_WITHIN_S
        )
        assert "49" in after.text()
    finally:
        for bot in bots:
            stop(bot)
