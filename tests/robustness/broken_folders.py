"""40 broken knowledge folders reloaded into a running service: each refused, naming the file and the
reason, in bounded time and memory, while the live knowledge keeps answering on an event loop that
doesn't stall.

    .venv/bin/python -m tests.robustness.broken_folders [--json] [--only NAME,...]

A copy of the shipped folder is loaded (the live knowledge); then, one at a time, a breakage is applied
to the copy's files and ``/kb reload`` is asked for (KnowledgeService.reload, as the Discord command and
the console run it), then the files are put back. The breakages: what an attacker or an unlucky
operator produces (dotted keys thousands deep, arrays and tables nested 100,000 deep, links to
/dev/zero, a FIFO, links out of the folder, a folder where a file should be, a byte-order mark, invalid
UTF-8, NUL bytes, a file over the size cap, a 1.9 MB string, 100,000 keys, a corpus link to
/dev/urandom) and the usual mistakes (syntax errors, duplicate keys and ids, missing and wrong-typed
fields, unknown references, evidence not in its article or in the wrong order, missing files, bad dates).

Meanwhile a question is asked of the live knowledge every 50 ms, and a ticker measures how late the
event loop runs it (every 5 ms) while another thread samples the process's resident memory.
Figures per folder: refused or not, the first problem (file: reason), seconds, peak memory above the
live baseline; overall: refused count, slowest, largest memory, questions answered meanwhile (and
failed), worst loop stall. Exits 1 unless all 40 were refused naming a file and a reason, each within
5 s and 300 MB, every question meanwhile was answered, and no stall exceeded 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SECONDS_GOAL = 5.0
MEGABYTES_GOAL = 300.0
STALL_MS_GOAL = 50.0
TIME_LIMIT = 20.0  # the service abandons a reload after this; above the goal so an overrun shows as one

Breakage = Callable[[Path], None]


def _write(path: Path, data: str | bytes) -> None:
    if path.is_symlink() or path.exists():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)


def _replace(name: str, old: str, new: str, count: int = 1) -> Breakage:
    def apply(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise LookupError(f"{name} holds no {old!r} to break")
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def _append(name: str, text: str | bytes) -> Breakage:
    def apply(folder: Path) -> None:
        with (folder / name).open("ab") as f:
            f.write(text.encode() if isinstance(text, str) else text)

    return apply


def _new_file(name: str, data: str | bytes) -> Breakage:
    return lambda folder: _write(folder / name, data)


def _symlink(name: str, target: str) -> Breakage:
    def apply(folder: Path) -> None:
        path = folder / name
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)

    return apply


def _fifo(name: str) -> Breakage:
    def apply(folder: Path) -> None:
        path = folder / name
        if path.exists():
            path.unlink()
        os.mkfifo(path)

    return apply


def _directory(name: str) -> Breakage:
    def apply(folder: Path) -> None:
        path = folder / name
        path.unlink()
        path.mkdir()
        (path / "x.toml").write_text("x = 1\n")

    return apply


def _remove(name: str) -> Breakage:
    return lambda folder: (folder / name).unlink()


def _first_corpus(folder: Path) -> Path:
    return sorted((folder / "corpus").glob("*.txt"))[0]


def _corpus(change: Callable[[Path], None]) -> Breakage:
    return lambda folder: change(_first_corpus(folder))


def _corpus_link(target: str) -> Breakage:
    def apply(folder: Path) -> None:
        path = _first_corpus(folder)
        path.unlink()
        path.symlink_to(target)

    return apply


QUOTE_TEXT = 'text = "intense firing"'
CASUALTY_ID = 'id = "cas-2022-armenia-at-least-49"'
CASUALTY_FIGURE = "figure = 49\n"
EVIDENCE_49 = "At least 49 Armenian servicemen were killed on Tuesday in ongoing clashes"


def breakages() -> list[tuple[str, Breakage]]:
    """(name, how to break a copy of the shipped folder): 40 of them."""
    deep_keys_129k = "k" + "".join(f".k{i}" for i in range(1, 25_000)) + " = 1\n"
    return [
        # -- hostile shapes and files ----------------------------------------------------------------
        ("dotted keys 25,000 deep (129 KB)", _new_file("deep.toml", deep_keys_129k[:129_000] + " = 1\n")),
        ("dotted keys 400 KB", _new_file("deep.toml", ("k" + ".k" * 200_000)[:400_000] + " = 1\n")),
        ("array nested 100,000 deep", _new_file("nest.toml", "x = " + "[" * 100_000 + "]" * 100_000 + "\n")),
        (
            "inline tables nested 50,000 deep",
            _new_file("nest.toml", "x = " + "{a=" * 50_000 + "1" + "}" * 50_000),
        ),
        ("table header 5,000 parts", _new_file("hdr.toml", "[" + ".".join(["t"] * 5_000) + "]\nx = 1\n")),
        ("file is a link to /dev/zero", _symlink("zero.toml", "/dev/zero")),
        ("file is a FIFO", _fifo("pipe.toml")),
        ("file is a link out of the folder", _symlink("passwd.toml", "/etc/passwd")),
        ("sources.toml is a link out of the folder", _symlink("sources.toml", "/etc/hostname")),
        ("sources.toml is a folder", _directory("sources.toml")),
        (
            "byte-order mark, then a syntax error",
            lambda f: _write(
                f / "entities.toml", b"\xef\xbb\xbf" + (f / "entities.toml").read_bytes() + b"\n[[entity]\n"
            ),
        ),
        ("invalid UTF-8 in quotes.toml", _append("quotes.toml", b"\n# \xff\xfe\xc3\x28\n")),
        ("NUL bytes in casualties.toml", _append("casualties.toml", b"\n\x00\x00\x00\n")),
        ("file over the size cap (3 MB)", _new_file("big.toml", "# " + "x" * 3_000_000 + "\n")),
        ("a 1.9 MB string", _new_file("long.toml", 'x = "' + "a" * 1_900_000 + '"\n')),
        ("100,000 keys", _new_file("keys.toml", "".join(f"k{i} = {i}\n" for i in range(100_000)))),
        ("corpus file is a link to /dev/urandom", _corpus_link("/dev/urandom")),
        ("corpus file is a FIFO", _corpus(lambda p: (p.unlink(), os.mkfifo(p)))),
        ("corpus file is invalid UTF-8", _corpus(lambda p: p.write_bytes(p.read_bytes() + b"\xff\xfe"))),
        (
            "corpus folder is a link out",
            lambda f: (shutil.rmtree(f / "corpus"), (f / "corpus").symlink_to("/etc")),
        ),
        (
            "control characters in a quote",
            _replace("quotes.toml", QUOTE_TEXT, 'text = "intense\\u0007 firing\\u001b[2J"'),
        ),
        # -- the usual mistakes --------------------------------------------------------------------
        ("TOML syntax error", _append("quotes.toml", '\n[[quote]\nid = "x"\n')),
        ("unterminated string", _append("timeline.toml", '\nbad = "no end\n')),
        ("duplicate key", _replace("casualties.toml", CASUALTY_FIGURE, CASUALTY_FIGURE + CASUALTY_FIGURE)),
        (
            "duplicate item id",
            _replace(
                "casualties.toml", 'id = "cas-2022-armenia-at-least-49"', 'id = "quote-armmod-intense-firing"'
            ),
        ),
        (
            "missing required field (speaker)",
            _replace(
                "quotes.toml",
                'speaker = "armenian-defense-ministry"\non_behalf_of = "armenia"\ntext = "intense firing"',
                'on_behalf_of = "armenia"\ntext = "intense firing"',
            ),
        ),
        (
            "unknown speaker",
            _replace(
                "quotes.toml",
                'speaker = "armenian-defense-ministry"\non_behalf_of',
                'speaker = "nobody-we-know"\non_behalf_of',
            ),
        ),
        ("figure of the wrong type", _replace("casualties.toml", CASUALTY_FIGURE, 'figure = "forty-nine"\n')),
        ("negative figure", _replace("casualties.toml", CASUALTY_FIGURE, "figure = -49\n")),
        ("unknown field", _replace("casualties.toml", CASUALTY_FIGURE, CASUALTY_FIGURE + "colour = 1\n")),
        ("empty id", _replace("casualties.toml", CASUALTY_ID, 'id = ""')),
        (
            "evidence not in its article",
            _replace("casualties.toml", EVIDENCE_49, "At least 94 Armenian servicemen were killed on Monday"),
        ),
        (
            "evidence with ellipsis pieces out of order",
            _replace("casualties.toml", EVIDENCE_49, "ongoing clashes ... At least 49 Armenian servicemen"),
        ),
        (
            "evidence from an unknown source",
            _replace("casualties.toml", '{source = "001_5c401926a82ef3ad"', '{source = "999_missing"'),
        ),
        ("source without its article", _corpus(lambda p: p.unlink())),
        ("sources.toml missing", _remove("sources.toml")),
        ("story.toml malformed", _append("story.toml", "\n[story\n")),
        ("an impossible date", _replace("timeline.toml", 'date = "2022-09-13"', 'date = "2022-13-45"')),
        (
            "unknown event",
            _replace("casualties.toml", 'event = "clashes-2022"', 'event = "war-of-1812"'),
        ),
        ("a file that is not TOML at all", _new_file("notes.toml", "This is just some text I wrote.\n")),
    ]


class Watch:
    """The event loop's lateness (a 5 ms ticker) and the process's resident memory (a sampling thread)."""

    def __init__(self) -> None:
        self.worst_stall = 0.0
        self.peak_rss = self.baseline = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak_rss = max(self.peak_rss, self.rss())

    def reset(self) -> None:
        self.baseline = self.rss()
        self.worst_stall, self.peak_rss = 0.0, self.baseline

    async def tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            self.worst_stall = max(self.worst_stall, loop.time() - before - 0.005)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def run(only: set[str] | None = None) -> dict[str, Any]:
    from knowledge.loader import DEFAULT_DIR
    from knowledge.service import KnowledgeService

    cases = [(n, b) for n, b in breakages() if not only or n in only]
    rows: list[dict[str, Any]] = []
    asked = failed = 0
    with tempfile.TemporaryDirectory(prefix="broken-folders-") as tmp, Watch() as watch:
        folder = Path(tmp) / "knowledge"
        pristine = Path(tmp) / "pristine"
        shutil.copytree(DEFAULT_DIR, pristine, ignore=shutil.ignore_patterns(".history"))
        shutil.copytree(pristine, folder)
        service = KnowledgeService(folder, time_limit=TIME_LIMIT, history_versions=0)
        if not (await service.reload("bench", action="startup")).ok:
            raise RuntimeError("the shipped knowledge did not load")
        live_version = service.engine.kb.version
        service.ask("how many soldiers were killed?")  # warm
        ticker = asyncio.create_task(watch.tick())
        worst_stall = 0.0

        async def keep_asking(stop: asyncio.Event) -> None:
            nonlocal asked, failed
            while not stop.is_set():
                answer = await service.ask_off_loop("how many Armenian soldiers were killed?")
                asked += 1
                failed += not answer.answered
                await asyncio.sleep(0.05)

        for name, breakage in cases:
            shutil.rmtree(folder)
            shutil.copytree(pristine, folder)
            breakage(folder)
            await asyncio.sleep(0.05)
            watch.reset()
            stop = asyncio.Event()
            asking = asyncio.create_task(keep_asking(stop))
            started = time.monotonic()
            outcome = await service.reload("bench")
            took = time.monotonic() - started
            stop.set()
            await asking
            worst_stall = max(worst_stall, watch.worst_stall)
            problem = outcome.problems[0] if outcome.problems else None
            rows.append(
                {
                    "folder": name,
                    "refused": not outcome.ok,
                    "problems": len(outcome.problems),
                    "first": str(problem) if problem else None,
                    "names_file_and_reason": bool(problem and problem.file and problem.reason),
                    "seconds": round(took, 3),
                    "peak_mb": round((watch.peak_rss - watch.baseline) / 2**20, 1),
                    "stall_ms": round(watch.worst_stall * 1000, 1),
                    "live_unchanged": service.engine.kb.version == live_version,
                }
            )
        ticker.cancel()
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)  # FIFOs and links out are gone before the folder is removed
    return {
        "folders": len(rows),
        "refused_with_file_and_reason": sum(r["refused"] and r["names_file_and_reason"] for r in rows),
        "slowest_s": max(r["seconds"] for r in rows),
        "largest_mb": max(r["peak_mb"] for r in rows),
        "worst_stall_ms": round(worst_stall * 1000, 1),
        "questions_meanwhile": asked,
        "questions_failed": failed,
        "live_unchanged": all(r["live_unchanged"] for r in rows),
        "rows": rows,
    }


def ok(result: dict[str, Any]) -> bool:
    return (
        result["refused_with_file_and_reason"] == result["folders"]
        and result["live_unchanged"]
        and result["slowest_s"] <= SECONDS_GOAL
        and result["largest_mb"] <= MEGABYTES_GOAL
        and result["questions_failed"] == 0
        and result["worst_stall_ms"] <= STALL_MS_GOAL
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated folder names (default: all 40)")
    args = parser.parse_args(argv)
    result = asyncio.run(run({n.strip() for n in args.only.split(",") if n.strip()} or None))
    if args.json:
        print(json.dumps(result))
    else:
        for r in result["rows"]:
            verdict = "refused" if r["refused"] else "NOT REFUSED"
            print(
                f"{r['folder']:<46} {verdict:<11} {r['seconds']:>6.2f} s {r['peak_mb']:>7.1f} MB "
                f"stall {r['stall_ms']:>6.1f} ms  {(r['first'] or '')[:110]}"
            )
        print(
            f"{result['refused_with_file_and_reason']}/{result['folders']} refused naming the file and the "
            f"reason; slowest {result['slowest_s']} s (goal <= {SECONDS_GOAL:.0f}), largest "
            f"{result['largest_mb']} MB above the live baseline (goal <= {MEGABYTES_GOAL:.0f}); live knowledge "
            f"{'unchanged' if result['live_unchanged'] else 'CHANGED'}, answered "
            f"{result['questions_meanwhile'] - result['questions_failed']}/{result['questions_meanwhile']} "
            f"questions meanwhile; worst loop stall {result['worst_stall_ms']} ms (goal <= {STALL_MS_GOAL:.0f})"
        )
    return 0 if ok(result) else 1


if __name__ == "__main__":
    sys.exit(main())
