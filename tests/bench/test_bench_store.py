"""The store benchmark at a tiny size: rounds on a real SQLite file, engines alternating, medians."""

from __future__ import annotations

from bench import store as bench_store


def _round(engine: str, pairs: float, p99: float, repeat: int) -> dict:
    return {
        "engine": engine,
        "processes": 16,
        "pairs_per_s": pairs,
        "p50_ms": 1.0,
        "p99_ms": p99,
        "max_ms": p99,
        "dropped": 0,
        "refused": 0,
        "lost": 0,
        "writer_cpu_us": 10.0,
        "repeat": repeat,
    }


def test_summary_takes_medians_and_their_ratio() -> None:
    """One round far off the others (a load spike) moves neither the median nor the reported ratio."""
    rounds = [
        _round("sqlite", 1000.0, 300.0, 1),
        _round("postgresql", 3000.0, 40.0, 1),
        _round("postgresql", 100.0, 900.0, 2),  # the spike
        _round("sqlite", 1100.0, 310.0, 2),
        _round("sqlite", 900.0, 290.0, 3),
        _round("postgresql", 2900.0, 45.0, 3),
    ]
    lite, pg = bench_store.summarise(rounds)
    assert (lite["engine"], lite["pairs_per_s"], lite["p99_ms"], lite["rounds"]) == (
        "sqlite",
        1000.0,
        300.0,
        3,
    )
    assert (pg["engine"], pg["pairs_per_s"], pg["p99_ms"]) == ("postgresql", 2900.0, 45.0)
    assert pg["throughput_vs_sqlite"] == 2.9
    table = bench_store.render_table(
        {"clients_per_process": 8, "seconds": 5, "repeat": 3, "rounds": rounds, "summary": [lite, pg]}
    )
    assert "| postgresql | 16 | 2900.0 | 45.0 |" in table
    assert table.endswith("16 process(es): PostgreSQL/SQLite throughput 2.90x (medians)")


def test_repeated_rounds_write_every_pair_to_a_real_file() -> None:
    """Two short rounds of one process on a new SQLite file each: pairs written, none lost or refused."""
    result = bench_store.run([1], ["sqlite"], seconds=0.3, clients=2, postgres_url=None, repeat=2)
    assert [r["repeat"] for r in result["rounds"]] == [1, 2]
    for r in result["rounds"]:
        assert r["pairs_per_s"] > 0 and r["lost"] == 0 and r["refused"] == 0 and r["dropped"] == 0
    (summary,) = result["summary"]
    assert summary["rounds"] == 2 and "throughput_vs_sqlite" not in summary
