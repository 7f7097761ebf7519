"""``python -m bot bench store``: question+vote writes from 1, 4 and 16 processes on SQLite and PostgreSQL.

Each process is a separate Python process with its own ``Store`` on the same database (a new SQLite file
in WAL mode, or a new PostgreSQL database), as bot processes sharing one would have. In each, ``--clients``
concurrent clients (the interactions a bot answers at once) record a question and a vote on it, then wait
until both are written (``Store.flush``): the time from the first call to the commit is one pair's
latency. Processes open their stores, then start together and run for ``--seconds``; throughput is the pairs written in that time,
summed over the processes.

PostgreSQL: ``--postgres-url`` (a server where this role may create databases; a database is created per
run and dropped after), or, from a checkout with PostgreSQL's server programs installed, a throwaway server
started for the run (tests/pgserver.py, with fsync and synchronous commit on, as a real server has).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.engine import machine, percentile


async def _worker(target: str, seconds: float, clients: int) -> dict:
    from knowledge.store import Store

    refused = 0

    class Counter(logging.Handler):  # the log stays quiet; records a database refused are counted
        def emit(self, record: logging.LogRecord) -> None:
            nonlocal refused
            refused += "refused a" in record.getMessage()

    store_log = logging.getLogger("knowledge.store")
    store_log.propagate = False
    store_log.addHandler(Counter())
    store = await Store.open(target, retry=False)
    # ready: the parent starts the clock once every process has imported and opened its store
    print("ready", flush=True)
    start_at = float(await asyncio.to_thread(sys.stdin.readline))
    latencies: list[float] = []
    n = 0

    async def client(c: int) -> None:
        nonlocal n
        end = start_at + seconds
        while time.time() < end:
            started = time.perf_counter()
            qid = await store.record_question(
                question=f"bench question {os.getpid()} {c} {n}",
                answered=False,
                kind="none",
                confidence=0.5,
                transport="bench",
                user_id=str(c),
            )
            await store.record_feedback(question_id=qid, user_id=str(c), vote=1)
            n += 1
            if not await store.flush(30):
                raise RuntimeError("a write did not finish within 30 s")
            if time.time() <= end:
                latencies.append(time.perf_counter() - started)

    await asyncio.sleep(max(0.0, start_at - time.time()))
    cpu = time.process_time()
    await asyncio.gather(*(client(c) for c in range(clients)))
    cpu = time.process_time() - cpu
    status = store.status()
    await store.close(30)
    return {
        "pairs": len(latencies),
        "recorded": n,  # questions recorded (each with its vote), the ones after the round's end too
        "latencies": latencies,
        "dropped": status.dropped,
        "refused": refused,
        "cpu_s": cpu,  # this process's CPU time in the round (its clients, the store, the driver)
    }


def _run_round(target: str, processes: int, seconds: float, clients: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-store-results-") as out_dir:
        # each process writes its results to a file of its own (its stdout only says it is ready)
        outs = [Path(out_dir) / f"{i}.json" for i in range(processes)]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.store",
                    "--worker",
                    target,
                    str(seconds),
                    str(clients),
                    str(out),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for out in outs
        ]
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a benchmark process failed to open the store")
        start_at = time.time() + 0.2
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{start_at}\n")
            proc.stdin.flush()
        for proc in procs:
            proc.communicate(timeout=seconds + 120)
            if proc.returncode != 0:
                raise RuntimeError(f"a benchmark process failed ({proc.returncode})")
        results = [json.loads(out.read_text()) for out in outs]
    latencies = sorted(x for r in results for x in r["latencies"])
    pairs = sum(r["pairs"] for r in results)
    recorded = 2 * sum(r["recorded"] for r in results)  # a question and a vote each
    written = asyncio.run(_records_written(target))
    return {
        "processes": processes,
        "pairs_per_s": round(pairs / seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "dropped": sum(r["dropped"] for r in results),
        "refused": sum(r["refused"] for r in results),  # e.g. an id two processes both assigned
        "lost": recorded - written,  # recorded by a process, not in the database after every store closed
        # the writers' own CPU per pair: what the processes spend outside the database engine's server
        "writer_cpu_us": round(1e6 * sum(r["cpu_s"] for r in results) / pairs, 1) if pairs else None,
    }


async def _records_written(target: str) -> int:
    """Questions plus votes in the database at ``target``, counted by a connection of its own."""
    sql = "SELECT (SELECT COUNT(*) FROM questions) + (SELECT COUNT(*) FROM feedback)"
    if target.startswith("postgresql"):
        import asyncpg

        conn = await asyncpg.connect(target)
        try:
            return int(await conn.fetchval(sql))
        finally:
            await conn.close()
    import sqlite3

    with sqlite3.connect(target) as db:
        return int(db.execute(sql).fetchone()[0])


async def _database(server_url: str, name: str, *, drop: bool) -> None:
    import asyncpg

    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' if drop else f'CREATE DATABASE "{name}"'
        )
    finally:
        await conn.close()


def run(
    processes: list[int],
    engines: list[str],
    seconds: float,
    clients: int,
    postgres_url: str | None,
    log=lambda line: None,
    repeat: int = 1,
) -> dict:
    """Rounds for every process count, ``repeat`` times each engine, the engines taking turns.

    The engines alternate within a repeat and the one that goes first alternates between repeats, so a
    change in the machine's load during the run falls on both alike (a round's figures move by half
    or more with what else runs on a shared machine; their medians and the ratio of those are what the
    summary reports).
    """
    rounds: list[dict] = []
    server = None
    if "postgresql" in engines and postgres_url is None:
        try:
            from tests import pgserver
        except ImportError:
            raise SystemExit(
                "PostgreSQL: give --postgres-url (no tests/pgserver.py to start one here)"
            ) from None
        server = pgserver.start(fsync=True, max_connections=max(100, max(processes) + 10))
        postgres_url = server.url
    try:
        for n in processes:
            for turn in range(repeat):
                for engine in engines if turn % 2 == 0 else engines[::-1]:
                    result = _engine_round(engine, n, seconds, clients, postgres_url)
                    result["engine"] = engine
                    result["repeat"] = turn + 1
                    log(
                        f"{engine:10s} {n:3d} process(es): {result['pairs_per_s']:8.1f} pairs/s, "
                        f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms"
                    )
                    rounds.append(result)
    finally:
        if server is not None:
            server.stop()
    return {
        "machine": machine(),
        "seconds": seconds,
        "clients_per_process": clients,
        "repeat": repeat,
        "rounds": rounds,
        "summary": summarise(rounds),
    }


def _engine_round(engine: str, n: int, seconds: float, clients: int, postgres_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        if engine == "sqlite":
            return _run_round(str(Path(tmp) / "bench.sqlite3"), n, seconds, clients)
        assert postgres_url is not None
        name = f"bench_{uuid.uuid4().hex[:10]}"
        base = postgres_url.rsplit("/", 1)[0]
        asyncio.run(_database(postgres_url, name, drop=False))
        try:
            return _run_round(f"{base}/{name}", n, seconds, clients)
        finally:
            asyncio.run(_database(postgres_url, name, drop=True))


def summarise(rounds: list[dict]) -> list[dict]:
    """Per engine and process count: the median throughput and p99 over the repeats, and for each process
    count PostgreSQL's median throughput over SQLite's."""
    out: list[dict] = []
    for n in sorted({r["processes"] for r in rounds}):
        medians: dict[str, dict] = {}
        for engine in dict.fromkeys(r["engine"] for r in rounds):
            mine = [r for r in rounds if r["processes"] == n and r["engine"] == engine]
            if not mine:
                continue
            p99s = [r["p99_ms"] for r in mine if r["p99_ms"] is not None]
            medians[engine] = {
                "engine": engine,
                "processes": n,
                "rounds": len(mine),
                "pairs_per_s": round(statistics.median(r["pairs_per_s"] for r in mine), 1),
                "p99_ms": round(statistics.median(p99s), 1) if p99s else None,
            }
        lite, pg = medians.get("sqlite"), medians.get("postgresql")
        if lite and pg and lite["pairs_per_s"]:
            pg["throughput_vs_sqlite"] = round(pg["pairs_per_s"] / lite["pairs_per_s"], 2)
        out.extend(medians.values())
    return out


def render_table(result: dict) -> str:
    lines = [
        f"question+vote pairs, {result['clients_per_process']} clients per process, "
        f"{result['seconds']:g} s per round",
        "| engine | processes | pairs/s | p50 ms | p99 ms | max ms | dropped | refused | lost | writer CPU µs/pair |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rounds"]:
        lines.append(
            f"| {r['engine']} | {r['processes']} | {r['pairs_per_s']} | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r['max_ms']} | {r['dropped']} | {r['refused']} | {r['lost']} | {r['writer_cpu_us']} |"
        )
    summary = summarise(result["rounds"])
    if result.get("repeat", 1) > 1:
        lines += [
            "",
            f"medians over {result['repeat']} rounds per engine (engines alternating)",
            "| engine | processes | pairs/s | p99 ms |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {m['engine']} | {m['processes']} | {m['pairs_per_s']} | {m['p99_ms']} |" for m in summary
        ]
    for m in summary:
        if "throughput_vs_sqlite" in m:
            lines.append(
                f"{m['processes']} process(es): PostgreSQL/SQLite throughput {m['throughput_vs_sqlite']:.2f}x"
                + (" (medians)" if m["rounds"] > 1 else "")
            )
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    result = run(
        [int(x) for x in args.processes.split(",")],
        args.engines.split(","),
        args.seconds,
        args.clients,
        args.postgres_url,
        log=lambda line: print(line, file=sys.stderr, flush=True),
        repeat=args.repeat,
    )
    print(json.dumps(result, indent=2) if args.json else render_table(result))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--processes", default="1,4,16", help="writer process counts, comma separated")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent writers in each process")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds per engine and process count (medians reported)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BOT_BENCH_POSTGRES_URL"),
        help="a PostgreSQL server to create the benchmark's databases on",
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        _, _, target, seconds, clients, out = sys.argv
        result = asyncio.run(_worker(target, float(seconds), int(clients)))
        Path(out).write_text(json.dumps(result))
    else:
        p = argparse.ArgumentParser(prog="python -m bench.store")
        add_arguments(p)
        p.add_argument("--json", action="store_true")
        sys.exit(main(p.parse_args()))
