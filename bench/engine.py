"""``python -m bot bench``: answering and reloading at scale, against a naive baseline.

For each size a synthetic knowledge directory is written (bench.synthetic), then
loaded, validated and indexed exactly as the bot does it. Questions generated
from its items (exact, paraphrased, mistyped) and questions that match nothing
are answered by the engine and, in the same process, by the naive baseline: one
``rapidfuzz.process.extractOne`` over every item text. The event loop's worst
stall is measured by a ticker coroutine while a reload runs the way the bot
reloads (KnowledgeService.reload: load and build in a worker thread) and while a
burst of questions is answered the way the bot answers them (on the loop).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

import numpy as np
import psutil
from rapidfuzz import fuzz, process, utils
from tqdm import tqdm

from bench.synthetic import BenchQuestion, SyntheticKnowledge, build_knowledge
from knowledge.decision import FEATURES, Decision
from knowledge.dense import CACHE
from knowledge.engine import AnswerEngine
from knowledge.loader import DEFAULT_DIR
from knowledge.service import KnowledgeService

DEV_CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev_cases.json"
GENERIC_QUESTIONS = [  # used when ../shared/eval is not beside the checkout
    "how many soldiers were killed",
    "who said the attack was a provocation",
    "what did the minister say",
    "when did the fighting start",
    "where did the shelling happen",
    "what is the disputed region",
    "how did the united states respond",
    "which sources mention a ceasefire",
    "who is the prime minister",
    "what is the recipe for banana bread",
    "how many civilians died",
    "what did the EU say",
]
BASELINE_BUDGET = {1_000: 400, 10_000: 120, 100_000: 40}  # questions through the slow baseline per size
BURST = 200
SHIPPED_ROUNDS = 30


T = TypeVar("T")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _rss_mb() -> float:
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def _baseline_budget(items: int) -> int:
    fits = [budget for size, budget in sorted(BASELINE_BUDGET.items()) if items <= size]
    return fits[0] if fits else 20


def _spread(questions: list[BenchQuestion], n: int) -> list[BenchQuestion]:
    """Every k-th question, so a subset keeps the mix of kinds."""
    if n >= len(questions):
        return list(questions)
    step = len(questions) / n
    return [questions[int(i * step)] for i in range(n)]


async def _worst_stall(work) -> tuple[float, float]:
    """Run ``work`` (a coroutine) with a 1 ms ticker beside it: (worst lateness, work's duration) in s."""
    worst = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, time.perf_counter() - before - 0.001)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    try:
        await work
    finally:
        took = time.perf_counter() - started
        done.set()
        await tick
    return worst, took


async def _burst(service: KnowledgeService, questions: list[str], *, at_once: bool) -> None:
    """Answer questions as the bot's free-text handlers do (in the answering thread, off the loop);
    arriving one per loop turn, or all at once."""
    engine = service.engine

    async def handle(question: str) -> None:
        engine.forget_answers()
        await service.ask_off_loop(question)
        await asyncio.sleep(0)  # the reply being sent

    if at_once:
        await asyncio.gather(*(handle(q) for q in questions))
        return
    tasks = []
    for q in questions:  # a gateway hands over one event per read
        tasks.append(asyncio.create_task(handle(q)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)


def progress(items: list[T], desc: str) -> Iterable[T]:
    """``items``, with a progress bar on standard error while it is a terminal (never in the --json output,
    which goes to standard output; the bar clears itself when done)."""
    return tqdm(
        items,
        desc=desc,
        unit="q",
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
        disable=not sys.stderr.isatty(),
    )


def _latencies(engine: AnswerEngine, questions: list[str], desc: str = "") -> tuple[list[float], list]:
    """Each question answered from scratch: no remembered answer or question vector serves it."""
    times, answers = [], []
    for q in progress(questions, desc) if desc else questions:
        engine.forget_answers()
        t = time.perf_counter()
        answers.append(engine.ask(q))
        times.append(time.perf_counter() - t)
    return times, answers


def _retriever_recall(engine: AnswerEngine, questions: list[BenchQuestion]) -> dict:
    """Recall@1 and @10 of each retriever and of their union (the item in any one's top k), on questions with
    an intended item; and the time to encode one question (the dense path's own cost, in every answer)."""
    from knowledge.dense import encoder
    from knowledge.understand import understand

    ranked: dict[str, list[list[list[str]]]] = {"lexical": [], "dense": [], "passage": [], "union": []}
    encode_times: list[float] = []
    targets = [q for q in questions if q.item]
    for q in targets:
        read = understand(q.text, engine.names)
        terms = engine.retriever.terms(read.low, extra_concepts=read.concepts, names=read.names)
        lexical = [h.item.id for h in engine.retriever.search(terms, limit=10)] if terms else []
        t = time.perf_counter()
        qvec = encoder().encode_one(read.low + " ")  # a fresh string: the question memo would hide the cost
        encode_times.append(time.perf_counter() - t)
        dense = [i for i, _ in engine.dense.search(qvec, k=10)]
        passage = [i for i, _ in engine.passages.search(qvec, k=10)]
        ranked["union"].append([lexical, dense, passage])  # the candidate pool: any retriever's top k
        for name, ids in (("lexical", lexical), ("dense", dense), ("passage", passage)):
            ranked[name].append([ids])
    out: dict[str, object] = {}
    for name, pools in ranked.items():
        out[name] = {
            f"recall@{k}": round(
                sum(any(q.item in ids[:k] for ids in pool) for q, pool in zip(targets, pools, strict=True))
                / max(1, len(targets)),
                3,
            )
            for k in (1, 10)
        }
    out["questions"] = len(targets)
    out["encode_p50_ms"] = _ms(percentile(encode_times, 50)) if encode_times else 0.0
    out["encode_p99_ms"] = _ms(percentile(encode_times, 99)) if encode_times else 0.0
    return out


def _started(directory: Path, service: KnowledgeService | None = None) -> AnswerEngine:
    """Load the way the bot loads at start-up (KnowledgeService: built off the loop, then frozen out of
    the collector), so that query latencies are those of a running bot."""
    service = service or KnowledgeService(directory)
    startup = asyncio.run(service.reload("bench", action="startup"))
    if not startup.ok:
        raise RuntimeError(f"the knowledge base in {directory} did not load: {startup.problems[:3]}")
    return service.engine


def bench_size(n_items: int, workdir: Path, log) -> dict:
    """Every figure of one size; ``log`` gets progress lines (stderr)."""
    synth: SyntheticKnowledge = build_knowledge(workdir / f"kb_{n_items}", n_items)
    questions = synth.questions
    log(f"{n_items:>7} items: written ({len(synth.texts)} items, {len(questions)} questions)")
    gc.collect()
    rss_before = _rss_mb()
    t = time.perf_counter()
    cache = workdir / f"vectors_{n_items}.npz"
    service = KnowledgeService(synth.directory, vector_cache=cache)
    engine = _started(synth.directory, service)
    load_s = time.perf_counter() - t
    rss = _rss_mb()
    log(f"{n_items:>7} items: loaded and indexed in {load_s:.2f} s (cold: every vector encoded)")
    # a restart: the same folder, the vectors read back from the cache file
    CACHE.clear()
    t = time.perf_counter()
    _started(synth.directory, KnowledgeService(synth.directory, vector_cache=cache))
    warm_s = time.perf_counter() - t
    log(f"{n_items:>7} items: restarted with the vector cache in {warm_s:.2f} s")

    _latencies(engine, [q.text for q in questions[:20]])  # warm caches the way a running bot has them
    times, answers = _latencies(engine, [q.text for q in questions], f"{n_items:>7} items: answering")
    hits = [q.item in a.items for q, a in zip(questions, answers, strict=True) if q.item]
    by_kind = {}
    for kind in ("exact", "paraphrase", "typo", "miss"):
        rows = [(q, a, t) for q, a, t in zip(questions, answers, times, strict=True) if q.kind == kind]
        good = sum((q.item in a.items) if q.item else not a.answered for q, a, _ in rows)
        by_kind[kind] = {
            "questions": len(rows),
            "p50_ms": _ms(percentile([t for *_, t in rows], 50)),
            "hit_rate" if kind != "miss" else "abstained": round(good / max(1, len(rows)), 3),
        }
    answer_of = {q.text: a for q, a in zip(questions, answers, strict=True)}
    recall = _retriever_recall(engine, questions)

    subset = _spread(questions, _baseline_budget(n_items))
    base_times, base_hits, engine_hits_subset = [], [], []
    for q in progress(subset, f"{n_items:>7} items: baseline"):
        t = time.perf_counter()
        best = process.extractOne(
            q.text, synth.texts, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=0
        )
        base_times.append(time.perf_counter() - t)
        if q.item:
            base_hits.append(best is not None and best[2] == q.item)
            engine_hits_subset.append(q.item in answer_of[q.text].items)
    log(f"{n_items:>7} items: baseline over {len(subset)} questions done")

    reload_stall, reload_s = asyncio.run(_worst_stall(service.reload("bench")))
    # a moderator's usual reload: one curated file edited, the rest as it was
    edited = max(synth.directory.glob("*.toml"), key=lambda p: p.stat().st_size)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited by the benchmark\n", encoding="utf-8")
    edit_stall, edit_s = asyncio.run(_worst_stall(service.reload("bench")))
    engine = service.engine
    texts = [q.text for q in questions] * (BURST // len(questions) + 1)
    burst_stall, burst_s = asyncio.run(_worst_stall(_burst(service, texts[:BURST], at_once=False)))
    at_once_stall, _ = asyncio.run(_worst_stall(_burst(service, texts[:BURST], at_once=True)))

    p50, base_p50 = percentile(times, 50), percentile(base_times, 50)
    return {
        "items": synth.items,
        "load_s": round(load_s, 3),
        "load_warm_cache_s": round(warm_s, 3),
        "rss_mb": rss,
        "retrievers": recall,
        "rss_delta_mb": round(rss - rss_before, 1),
        "p50_ms": _ms(p50),
        "p99_ms": _ms(percentile(times, 99)),
        "max_ms": _ms(max(times)),
        "baseline_p50_ms": _ms(base_p50),
        "speedup_p50": round(base_p50 / p50, 2),
        "hit_rate": round(sum(hits) / max(1, len(hits)), 3),
        "baseline_hit_rate": round(sum(base_hits) / max(1, len(base_hits)), 3),
        "hit_rate_on_baseline_questions": round(sum(engine_hits_subset) / max(1, len(engine_hits_subset)), 3),
        "reload_max_stall_ms": _ms(max(reload_stall, edit_stall)),
        "reload_s": round(max(reload_s, edit_s), 3),
        "reload_unchanged_s": round(reload_s, 3),
        "reload_unchanged_max_stall_ms": _ms(reload_stall),
        "reload_one_file_edited_s": round(edit_s, 3),
        "reload_one_file_edited_max_stall_ms": _ms(edit_stall),
        "reload_edited_file_items": len(service.engine.kb.file_items.get(edited.name, ())),
        "burst_max_stall_ms": _ms(burst_stall),
        "burst_s": round(burst_s, 3),
        "burst_all_at_once_max_stall_ms": _ms(at_once_stall),
        "questions": len(questions),
        "baseline_questions": len(subset),
        "by_kind": by_kind,
    }


def bench_shipped() -> dict:
    """Per-question latency on the shipped knowledge base over the development questions."""
    if DEV_CASES.is_file():
        questions = [case["question"] for case in json.loads(DEV_CASES.read_text("utf-8"))]
        origin = str(DEV_CASES)
    else:
        questions, origin = GENERIC_QUESTIONS, "built-in generic questions (../shared/eval not found)"
    engine = _started(DEFAULT_DIR)
    _latencies(engine, questions)
    times: list[float] = []
    for _ in range(SHIPPED_ROUNDS):
        times.extend(_latencies(engine, questions)[0])
    return {
        "questions": len(questions),
        "samples": len(times),
        "question_set": origin,
        "p50_ms": _ms(percentile(times, 50)),
        "p99_ms": _ms(percentile(times, 99)),
        "mean_ms": _ms(statistics.fmean(times)),
        **decision_cost(),
    }


def decision_cost(rows: int = 300, passes: int = 5) -> dict:
    """What the fitted decision costs on one feature row, against its own ranker as the baseline in the same
    process: the median over ``passes`` of the median time of the answerer's trees (``probability``) and of
    the ranker's score (``rank_score``, its LambdaRank trees) on ``rows`` random feature rows (a fixed seed)."""
    decision = Decision.load()
    rng = np.random.default_rng(0)
    sample = [
        {name: float(v) for name, v in zip(FEATURES, rng.random(len(FEATURES)), strict=True) if v > 0.7}
        for _ in range(rows)
    ]
    answerer: list[float] = []
    ranker: list[float] = []
    for _ in range(passes):
        ranked, answered = [], []
        for row in sample:
            start = time.perf_counter()
            score = decision.rank_score(row)
            middle = time.perf_counter()
            decision.probability(row, score, 0.0)
            ranked.append(middle - start)
            answered.append(time.perf_counter() - middle)
        ranker.append(statistics.median(ranked))
        answerer.append(statistics.median(answered))
    rank_us, answer_us = statistics.median(ranker) * 1e6, statistics.median(answerer) * 1e6
    return {
        "decision_ranker_us": round(rank_us, 1),
        "decision_answerer_us": round(answer_us, 1),
        "decision_answerer_to_ranker": round(answer_us / rank_us, 2),
    }


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def render_table(result: dict) -> str:
    cols = [
        "items",
        "load_s",
        "load_warm_cache_s",
        "rss_mb",
        "p50_ms",
        "p99_ms",
        "baseline_p50_ms",
        "speedup_p50",
        "hit_rate",
        "baseline_hit_rate",
        "reload_max_stall_ms",
        "burst_max_stall_ms",
    ]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(row[c]) for c in cols) + " |" for row in result["sizes"]]
    for row in result["sizes"]:
        r = row["retrievers"]
        lines.append(
            f"{row['items']} items, recall@1/@10 over {r['questions']} questions: "
            + ", ".join(
                f"{name} {r[name]['recall@1']}/{r[name]['recall@10']}"
                for name in ("lexical", "dense", "passage", "union")
            )
            + f"; encoding a question p50 {r['encode_p50_ms']} ms, p99 {r['encode_p99_ms']} ms"
        )
    s = result["shipped"]
    m = result["machine"]
    lines += [
        "",
        f"shipped knowledge base: {s['questions']} questions ({s['question_set']}), "
        f"p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms over {s['samples']} answers",
        f"fitted decision per feature row (median of medians): answerer's trees {s['decision_answerer_us']} us, "
        f"ranker {s['decision_ranker_us']} us (baseline), ratio {s['decision_answerer_to_ranker']}x",
        f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}",
        "",
    ]
    lines += [f"note: {n}" for n in result["notes"]]
    return "\n".join(lines)


def run(sizes: list[int], log=lambda line: None) -> dict:
    notes = []
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-kb-") as tmp:
        for n in sizes:
            rows.append(bench_size(n, Path(tmp), log))
            gc.collect()
    for row in rows:
        if row["baseline_questions"] < row["questions"]:
            notes.append(
                f"{row['items']} items: the baseline ran on {row['baseline_questions']} of "
                f"{row['questions']} questions (an evenly spread subset; it is slow); "
                f"hit_rate_on_baseline_questions compares the engine on that same subset"
            )
    shipped = bench_shipped()
    if not DEV_CASES.is_file():
        notes.append("shipped: ../shared/eval/dev_cases.json not found; used built-in generic questions")
    notes.append(
        "burst_max_stall_ms: 200 questions arriving one per loop turn (as gateway events do), "
        "answered in the answering thread as the bot does; burst_all_at_once_max_stall_ms: all 200 "
        "ready in the same turn"
    )
    return {"sizes": rows, "shipped": shipped, "machine": machine(), "notes": notes}


def main(args: argparse.Namespace) -> int:
    try:
        sizes = [int(s.replace("_", "")) for s in str(args.sizes).split(",") if s.strip()]
    except ValueError:
        print(f"error: --sizes takes comma-separated integers, not {args.sizes!r}", file=sys.stderr)
        return 2
    if not sizes or min(sizes) < 50:
        print("error: every size must be at least 50 items", file=sys.stderr)
        return 2
    result = run(sizes, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(result) if args.json else render_table(result))
    return 0
