"""The benchmark machinery at a tiny size: a valid synthetic knowledge base and every reported key."""

from __future__ import annotations

import argparse
import json

import pytest

from bench import engine as bench
from bench.synthetic import build_knowledge
from knowledge.engine import AnswerEngine
from knowledge.loader import load_knowledge

SIZE_KEYS = {
    "items",
    "load_s",
    "rss_mb",
    "p50_ms",
    "p99_ms",
    "baseline_p50_ms",
    "speedup_p50",
    "hit_rate",
    "baseline_hit_rate",
    "reload_max_stall_ms",
    "burst_max_stall_ms",
}


def test_synthetic_knowledge_validates_and_is_reproducible(tmp_path) -> None:
    """The generated directory passes the loader's full validation, and one seed gives one directory."""
    first = build_knowledge(tmp_path / "a", 300)
    second = build_knowledge(tmp_path / "b", 300)
    kb = load_knowledge(first.directory)
    assert len(kb.items) == first.items == 300
    assert set(first.texts) == set(kb.items)
    for name in sorted(p.name for p in first.directory.glob("*.toml")):
        assert (first.directory / name).read_bytes() == (second.directory / name).read_bytes()
    kinds = {q.kind for q in first.questions}
    assert kinds == {"exact", "paraphrase", "typo", "miss"}
    assert all(q.item in kb.items for q in first.questions if q.kind != "miss")
    assert all(q.item is None for q in first.questions if q.kind == "miss")
    AnswerEngine(kb).ask(first.questions[0].text)


def test_run_reports_every_key_of_the_issue_schema() -> None:
    """One tiny size yields each documented key with a sane value, and the shipped figures."""
    result = bench.run([300])
    (row,) = result["sizes"]
    assert SIZE_KEYS <= set(row)
    assert row["items"] == 300
    assert row["load_s"] > 0 and row["rss_mb"] > 0
    assert 0 < row["p50_ms"] <= row["p99_ms"]
    assert row["baseline_p50_ms"] > 0 and row["speedup_p50"] > 0
    assert 0 <= row["hit_rate"] <= 1 and 0 <= row["baseline_hit_rate"] <= 1
    assert row["reload_max_stall_ms"] >= 0 and row["burst_max_stall_ms"] >= 0
    assert 0 < row["load_warm_cache_s"]
    retrievers = row["retrievers"]
    for name in ("lexical", "dense", "passage", "union"):
        assert 0 <= retrievers[name]["recall@1"] <= retrievers[name]["recall@10"] <= 1
    assert retrievers["union"]["recall@10"] >= max(retrievers[n]["recall@10"] for n in ("lexical", "dense"))
    assert retrievers["encode_p50_ms"] > 0
    shipped = result["shipped"]
    assert shipped["questions"] > 0 and 0 < shipped["p50_ms"] <= shipped["p99_ms"]
    json.dumps(result)


def test_main_prints_one_json_object(capsys, monkeypatch) -> None:
    """``bench --json`` prints exactly one JSON object on stdout; bad sizes are refused."""

    def fake_run(sizes, log=None):
        return {"sizes": [], "shipped": {}, "sizes_asked": sizes}

    monkeypatch.setattr(bench, "run", fake_run)
    assert bench.main(argparse.Namespace(json=True, sizes="300,1_000")) == 0
    assert json.loads(capsys.readouterr().out) == {"sizes": [], "shipped": {}, "sizes_asked": [300, 1000]}
    assert bench.main(argparse.Namespace(json=True, sizes="lots")) == 2
    assert bench.main(argparse.Namespace(json=True, sizes="10")) == 2


def test_the_fitted_decision_cost_is_reported_against_its_ranker() -> None:
    """The answerer's trees and the ranker (the baseline) are timed in one process, as a ratio."""
    cost = bench.decision_cost(rows=20, passes=2)
    assert cost["decision_ranker_us"] > 0 and cost["decision_answerer_us"] > 0
    ratio = cost["decision_answerer_us"] / cost["decision_ranker_us"]
    assert cost["decision_answerer_to_ranker"] == pytest.approx(ratio, rel=0.05)
