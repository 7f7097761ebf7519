"""Command line: ``python -m bot [run|ask|kb check|kb draft|commands|sync|bench]``.

With no subcommand the bot runs: on Discord when a token is configured,
otherwise as a local console. Modules are imported per subcommand so that
``ask`` and ``kb check`` never pay for importing discord.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

log = logging.getLogger(__name__)


def configure_logging(level: str) -> None:
    """Configure logging once, to stderr, so stdout stays machine-readable."""
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd")
    sub.add_parser("run", help="run the bot (Discord with a token, the console without)")
    ask = sub.add_parser("ask", help="answer a question (or one per line on stdin)")
    ask.add_argument("question", nargs="*", help="the question; none: read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    ask.add_argument("--full", action="store_true", help="print the whole answer, not only its first page")
    ask.add_argument("--knowledge", type=Path, default=None, help="knowledge directory")
    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_cmd", required=True)
    check = kb_sub.add_parser("check", help="validate a knowledge directory")
    check.add_argument("directory", nargs="?", type=Path, default=None)
    check.add_argument("--json", action="store_true")
    draft = kb_sub.add_parser(
        "draft", help="draft curated items for a new article, for a moderator to review"
    )
    draft.add_argument("article", type=Path, help="the article, as received (.txt)")
    draft.add_argument(
        "--into", type=Path, default=None, help="write DIR/draft_<source id>.toml (default: stdout)"
    )
    draft.add_argument(
        "--knowledge", type=Path, default=None, help="the knowledge directory to resolve names against"
    )
    cmds = sub.add_parser("commands", help="print the application command payloads a sync would send")
    cmds.add_argument("--json", action="store_true", help="(default) JSON output")
    sync = sub.add_parser("sync", help="sync application commands to Discord")
    sync.add_argument("--guild", type=int, default=None, help="sync to one guild only")
    bench = sub.add_parser("bench", help="benchmark answering and reloading at scale (or: bench store)")
    bench.add_argument(
        "what",
        nargs="?",
        choices=["answers", "store"],
        default="answers",
        help="answers (default), or store: question+vote writes from several processes",
    )
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--sizes", default="1000,10000,100000")
    bench.add_argument("--processes", default="1,4,16", help="store: writer process counts")
    bench.add_argument("--engines", default="sqlite,postgresql", help="store: engines to measure")
    bench.add_argument("--seconds", type=float, default=5.0, help="store: length of each round")
    bench.add_argument("--clients", type=int, default=8, help="store: concurrent writers in each process")
    bench.add_argument(
        "--repeat", type=int, default=1, help="store: rounds per engine and process count, medians reported"
    )
    bench.add_argument(
        "--postgres-url",
        default=None,
        help="store: a server to create benchmark databases on "
        "(default: a throwaway one, from a checkout with PostgreSQL installed)",
    )
    return p


def _settings():
    from bot.settings import Settings

    return Settings()


def cmd_ask(args: argparse.Namespace, knowledge_dir: Path, vector_cache: Path | None = None) -> int:
    from knowledge.engine import AnswerEngine
    from knowledge.errors import InvalidKnowledgeBase
    from knowledge.loader import load_knowledge

    try:
        engine = AnswerEngine(load_knowledge(knowledge_dir), vector_cache=vector_cache)
    except InvalidKnowledgeBase as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2

    previous = None

    def emit(question: str) -> None:
        # lines read together are one asker's conversation, as in the console: a line refused on its own
        # is read as a follow-up to the one before it ("and the other side?")
        nonlocal previous
        previous = engine.converse(question, previous)
        answer = previous.answer
        if args.json:
            sys.stdout.write(answer.model_dump_json() + "\n")
        else:
            from bot.render_text import render_answer, render_full

            text = render_full(answer) if args.full else render_answer(answer, how="--full shows it")
            sys.stdout.write(text + "\n")
        sys.stdout.flush()

    if args.question:
        emit(" ".join(args.question))
        return 0
    for line in sys.stdin:
        emit(line.rstrip("\n"))
    return 0


def cmd_kb_check(args: argparse.Namespace, knowledge_dir: Path) -> int:
    from bot.progress import file_bar, reading
    from knowledge.errors import InvalidKnowledgeBase
    from knowledge.loader import load_knowledge

    directory = args.directory or knowledge_dir
    try:
        with file_bar(directory, "checking", quiet=args.json) as bar:
            kb = load_knowledge(directory, progress=reading(bar))
    except InvalidKnowledgeBase as exc:
        if args.json:
            print(json.dumps({"ok": False, "problems": [asdict(p) for p in exc.problems]}, indent=1))
        else:
            print(f"{directory}: {len(exc.problems)} problem(s); nothing was loaded", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        return 1
    counts = kb.counts()
    if args.json:
        print(json.dumps({"ok": True, "version": kb.version, "counts": counts}))
    else:
        print(f"{directory}: OK, version {kb.version}")
        for kind, n in counts.items():
            print(f"  {kind:<11} {n}")
    return 0


def cmd_kb_draft(args: argparse.Namespace, knowledge_dir: Path) -> int:
    """Write the draft of an article's curated items; the draft is never loaded."""
    from bot.progress import file_bar, reading
    from knowledge.drafting import draft_file
    from knowledge.errors import InvalidKnowledgeBase
    from knowledge.loader import load_knowledge

    with file_bar(knowledge_dir, "drafting", extra=1) as bar:
        try:
            kb = load_knowledge(knowledge_dir, progress=reading(bar))
        except InvalidKnowledgeBase as exc:
            bar.clear()
            print(f"{knowledge_dir}: {len(exc.problems)} problem(s); drafting without it", file=sys.stderr)
            kb = None
        bar.set_postfix_str(Path(args.article).name)
        try:
            sid, text = draft_file(args.article, kb)
        except (OSError, UnicodeDecodeError) as exc:
            bar.close()
            print(f"error: cannot read {args.article}: {exc}", file=sys.stderr)
            return 2
        bar.update()
    if args.into is None:
        sys.stdout.write(text)
        return 0
    args.into.mkdir(parents=True, exist_ok=True)
    out = args.into / f"draft_{sid}.toml"
    out.write_text(text, encoding="utf-8")
    print(out)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = _settings()
    configure_logging(settings.log_level if args.cmd in (None, "run", "sync") else "WARNING")
    if args.cmd == "ask":
        return cmd_ask(args, args.knowledge or settings.knowledge_dir, settings.vector_cache)
    if args.cmd == "kb":
        if args.kb_cmd == "draft":
            return cmd_kb_draft(args, args.knowledge or settings.knowledge_dir)
        return cmd_kb_check(args, settings.knowledge_dir)
    if args.cmd == "bench" and args.what == "store":
        from bench.store import main as bench_store_main

        return bench_store_main(args)
    if args.cmd == "bench":
        from bench.engine import main as bench_main

        return bench_main(args)
    if args.cmd == "commands":
        from bot.app import command_payloads

        print(json.dumps(command_payloads(settings), indent=1))
        return 0
    if args.cmd == "sync":
        from bot.app import sync_commands

        return sync_commands(settings, guild=args.guild)
    from bot.app import run

    return run(settings)
