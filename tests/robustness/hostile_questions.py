"""200 hostile questions through every question command: answered or refused, none crashes, how slow, and
whether anything live (a mention, a masked link) reaches a field the bot sends.

    .venv/bin/python -m tests.robustness.hostile_questions [--json] [--seed 11]

The questions (generated, seeded): control characters, invalid UTF-8 (as the console and ``ask`` read it:
lone surrogates), NUL, bidi overrides, zero-width characters, homoglyphs, mention and markdown syntax,
100,000-character inputs and shapes that make backtracking regular expressions explode. Each goes to
/ask and as the option of /casualties (side, event), /who-said, /responses and /background, exactly as
the commands call the engine; the answer is rendered as Discord embeds (first page and "More"), as
console text and as the JSON contract. Text longer than the configured cap (300) is refused, as every
transport refuses it (Discord caps options at that length, free text and the console say it is too long);
as a second line of defence it still goes to the engine's /ask whole (the engine cleans and cuts it),
but not to the option commands, whose name lookups are not bounded by themselves (a 100,000-character
/casualties side took over 20 s in the resolver when tried). Half the regex-catastrophic shapes are cut
to the cap, so they reach every command.

Figures: questions answered / refused / crashed; the time of each command asked (answer worked out and
rendered three ways): median, p99, slowest, and the slowest question over its six commands; every field (embed title, description, field names and values, footer; JSON strings)
holding a live mention (@everyone, @here, <@id>, <@&id>, <#id>, </cmd:id>) or a masked link [text](url).
Exits 1 unless all 200 were answered or refused, none crashed, no command asked took over 100 ms, and no
field held anything live.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

COUNT = 200
SLOWEST_MS_GOAL = 100.0
EVIL = "https://evil.example/x"

# What is live in a Discord message or embed: mentions render as mentions, masked links hide their target.
LIVE_MENTION = re.compile(r"@(?:everyone|here)\b|<(?:@[!&]?|#)\d+>|</[\w -]+:\d+>")
MASKED_LINK = re.compile(
    r"(?<!\\)\[[^\[\]\n]*(?<!\\)\]\(\s*<?[a-zA-Z][a-zA-Z0-9+.-]*:[^)\s]*>?(?:\s+\"[^\"\n]*\")?\s*\)"
)

BASES = [
    "how many soldiers were killed?",
    "who said there is no military solution?",
    "what did Russia say?",
    "when did the fighting start?",
    "how many civilians died?",
    "what happened at the border?",
    "who won the 2018 world cup?",
    "casualties",
    "Armenia",
    "Azerbaijan",
    "the Kremlin",
    "ceasefire",
]
CONTROL = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x1b[31m",
    "\x1b]0;pwned\x07",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
]
BIDI = [
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e", "\u00ad", "\u034f"]
HOMOGLYPHS = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "p": "\u0440",
    "c": "\u0441",
    "i": "\u0456",
    "A": "\u0391",
    "K": "\u039a",
    "M": "\u041c",
    "H": "\u041d",
    "T": "\u0422",
    "y": "\u0443",
}
MENTIONS = [
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&987654321098765432>",
    "<#112233445566778899>",
    "</ask:123456789012345678>",
    "@\u200beveryone",
    "@\u200chere",
    "＠everyone",
    "@ everyone",
    "<@\u200b123>",
    "@everyone@here",
]
MARKDOWN = [
    f"[official statement]({EVIL})",
    f"[x](<{EVIL}>)",
    f'[click]({EVIL} "title")',
    f"![img]({EVIL}.png)",
    f"[**bold link**]({EVIL})",
    "[a](https://discord.com/channels/1/2)",
    "**bold**",
    "__under__",
    "~~strike~~",
    "||spoiler||",
    "`code`",
    "```py\nprint(1)\n```",
    "# heading",
    "> quote",
    "-# small",
    "[text]",
    "[[nested]](x)",
    f"\\[escaped\\]({EVIL})",
    f"[\u200b]({EVIL})",
]


def _invalid_utf8(rng: random.Random) -> str:
    raw = rng.choice(
        [
            b"\xff\xfe bad",
            b"\xc3\x28",
            b"\xe2\x82",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\x80\x81\x82",
            b"how many\xff died?",
            b"\xc0\xaf etc",
        ]
    )
    return raw.decode("utf-8", "surrogateescape")


def _huge(i: int) -> str:
    shapes: list[Callable[[], str]] = [
        lambda: "a" * 100_000,
        lambda: ("how many soldiers died? " * 5000)[:100_000],
        lambda: ("@everyone " * 10_000)[:100_000],
        lambda: (f"[x]({EVIL}) " * 4000)[:100_000],
        lambda: "\u200b" * 100_000,
        lambda: ("\u202e" + "Armenia ") * 11_111,
        lambda: "1" * 100_000,
        lambda: ("1,000 " * 20_000)[:100_000],
        lambda: "\x00" * 100_000,
        lambda: "\ud800" * 50_000 + "?" * 50_000,
    ]
    return shapes[i % len(shapes)]()


def _catastrophic(i: int, cap: int = 300) -> str:
    shape = _catastrophic_shape(i // 2)
    return shape if i % 2 else shape[:cap]


def _catastrophic_shape(i: int) -> str:
    shapes = [
        "a" * 30_000 + "!",
        "(" * 20_000,
        ")" * 20_000,
        "[" * 20_000,
        "a-" * 20_000 + "!",
        "'" * 30_000,
        "1," * 20_000 + "x",
        "1 " * 20_000 + "x",
        "@" * 30_000,
        "<@" * 15_000,
        "[](" * 10_000,
        "*_" * 15_000,
        "\\" * 30_000,
        "a" * 5000 + "@everyone" + "a" * 5000,
        "- " * 20_000 + "x",
        ("who said " * 3000) + "?" * 3000,
        "x" * 50_000 + "\u0301" * 5000,
        ".".join(["a"] * 20_000),
        "ḁ" * 20_000,
        "9" * 30_000 + ".5",
    ]
    return shapes[i % len(shapes)]


def hostile_questions(seed: int = 11, count: int = COUNT) -> list[tuple[str, str]]:
    """(category, question) pairs, the same for the same seed."""
    rng = random.Random(seed)

    def sprinkle(chars: list[str], base: str, k: int = 3) -> str:
        out = list(base)
        for _ in range(k):
            out.insert(rng.randrange(len(out) + 1), rng.choice(chars))
        return "".join(out)

    makers: list[tuple[str, Callable[[int], str]]] = [
        ("control", lambda i: sprinkle(CONTROL, rng.choice(BASES), 1 + i % 5)),
        ("invalid-utf8", lambda i: sprinkle([_invalid_utf8(rng)], rng.choice(BASES), 1)),
        (
            "nul",
            lambda i: rng.choice(
                [
                    "\x00",
                    rng.choice(BASES).replace(" ", "\x00"),
                    "\x00" + rng.choice(BASES) + "\x00",
                    "who\x00said\x00@everyone",
                ]
            ),
        ),
        ("bidi", lambda i: sprinkle(BIDI, rng.choice(BASES), 1 + i % 4)),
        ("zero-width", lambda i: sprinkle(ZERO_WIDTH, rng.choice(BASES + MENTIONS), 1 + i % 4)),
        (
            "homoglyph",
            lambda i: "".join(
                HOMOGLYPHS.get(ch, ch) if rng.random() < 0.6 else ch for ch in rng.choice(BASES)
            ),
        ),
        ("mention", lambda i: f"{rng.choice(BASES)} {rng.choice(MENTIONS)} {rng.choice(MENTIONS)}"),
        (
            "markdown",
            lambda i: rng.choice(
                [
                    f"{rng.choice(MARKDOWN)} {rng.choice(BASES)}",
                    f"{rng.choice(BASES)} {rng.choice(MARKDOWN)}",
                    rng.choice(MARKDOWN),
                ]
            ),
        ),
        ("huge", _huge),
        ("catastrophic", _catastrophic),
    ]
    out: list[tuple[str, str]] = []
    for i in range(count):
        category, make = makers[i % len(makers)]
        out.append((category, make(i // len(makers))))
    return out


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


def live_fields(where: str, value: Any) -> list[str]:
    """Every string in ``value`` holding a live mention or a masked link, as 'where.path: what'."""
    found = []
    for path, text in _strings(value):
        for pattern, what in ((LIVE_MENTION, "mention"), (MASKED_LINK, "masked link")):
            if m := pattern.search(text):
                found.append(f"{where}.{path}: live {what} {m.group(0)[:40]!r}")
    return found


def run(seed: int = 11, count: int = COUNT) -> dict[str, Any]:
    from bot.render_text import render_answer as render_console
    from bot.settings import Settings
    from commands import ask as ask_command
    from commands import background, casualties, quotes, responses, too_long
    from commands.ui.render import render_answer, render_more
    from knowledge.engine import AnswerEngine
    from knowledge.loader import load_knowledge

    settings = Settings(_env_file=None)
    engine = AnswerEngine(load_knowledge(settings.knowledge_dir), vector_cache=settings.vector_cache)
    version = engine.kb.version
    engine.ask("how many soldiers were killed?")  # warm, as a running bot's engine is (models loaded lazily)
    calls: list[tuple[str, Callable[[str], Any]]] = [
        ("/ask", lambda q: ask_command.answer(engine, q)),
        ("/casualties side", lambda q: casualties.answer(engine, side=q)),
        ("/casualties event", lambda q: casualties.answer(engine, event=q)),
        ("/who-said", lambda q: quotes.answer(engine, q)),
        ("/responses", lambda q: responses.answer(engine, q)),
        ("/background", lambda q: background.answer(engine, q)),
    ]
    answered = refused = crashed = 0
    times: list[tuple[float, str, str]] = []  # per question: all its commands
    call_times: list[tuple[float, str, str]] = []  # per command asked
    live: list[str] = []
    crashes: list[str] = []
    per_category: dict[str, dict[str, int]] = {}
    for n, (category, question) in enumerate(hostile_questions(seed, count)):
        tally = per_category.setdefault(category, {"answered": 0, "refused": 0, "crashed": 0})
        transport_refuses = too_long(question, settings.max_question_chars) is not None
        started = time.perf_counter()
        outcome = "refused" if transport_refuses else "answered"
        try:
            for name, call in calls[:1] if transport_refuses else calls:
                call_started = time.perf_counter()
                answer = call(question)
                embeds = render_answer(answer, asked=question, kb_version=version) + render_more(
                    answer, asked=question
                )
                render_console(answer, how="--full shows it")
                contract = json.loads(answer.model_dump_json())
                where = f"#{n} {category} {name}"
                live += live_fields(f"{where} embed", [e.to_dict() for e in embeds])
                live += live_fields(f"{where} json", contract)
                call_times.append(
                    ((time.perf_counter() - call_started) * 1000, f"{category} {name}", repr(question[:40]))
                )
        except Exception:  # the point of the exercise: count it, keep going
            outcome = "crashed"
            crashes.append(f"#{n} {category}: {traceback.format_exc(limit=3).strip().splitlines()[-1]}")
        took = (time.perf_counter() - started) * 1000
        times.append((took, category, repr(question[:40])))
        tally[outcome] += 1
        answered += outcome == "answered"
        refused += outcome == "refused"
        crashed += outcome == "crashed"
    slowest, slowest_call = max(times), max(call_times)
    return {
        "questions": count,
        "answered": answered,
        "refused": refused,
        "crashed": crashed,
        "calls": len(call_times),
        "median_ms": round(statistics.median(t for t, _, _ in call_times), 2),
        "p99_ms": round(sorted(t for t, _, _ in call_times)[int(len(call_times) * 0.99) - 1], 2),
        "slowest_ms": round(slowest_call[0], 2),
        "slowest": f"{slowest_call[1]} {slowest_call[2]}",
        "slowest_question_ms": round(slowest[0], 2),
        "slowest_question": f"{slowest[1]} {slowest[2]}",
        "live_fields": len(live),
        "live_examples": live[:10],
        "crashes": crashes[:10],
        "by_category": per_category,
        "calls_per_question": len(calls),
    }


def ok(result: dict[str, Any]) -> bool:
    return (
        result["answered"] + result["refused"] == result["questions"]
        and result["crashed"] == 0
        and result["slowest_ms"] <= SLOWEST_MS_GOAL
        and result["live_fields"] == 0
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.seed, args.count)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['questions']} hostile questions, each through {result['calls_per_question']} commands: "
            f"{result['answered']} answered, {result['refused']} refused (too long for any transport), "
            f"{result['crashed']} crashed"
        )
        print(
            f"time per command asked ({result['calls']}; answer worked out and rendered for Discord, the "
            f"console and JSON): median {result['median_ms']} ms, p99 {result['p99_ms']} ms, slowest "
            f"{result['slowest_ms']} ms ({result['slowest']}); goal <= {SLOWEST_MS_GOAL:.0f} ms"
        )
        print(
            f"slowest question through all its commands: {result['slowest_question_ms']} ms "
            f"({result['slowest_question']})"
        )
        print(f"fields with a live mention or masked link: {result['live_fields']}")
        for line in result["live_examples"] + result["crashes"]:  # the first ten of each
            print(f"  {line}")
        for category, tally in result["by_category"].items():
            print(f"  {category:<13} {tally}")
    return 0 if ok(result) else 1


if __name__ == "__main__":
    sys.exit(main())
