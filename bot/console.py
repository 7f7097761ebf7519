"""The local console: the same slash commands and free text as Discord, answered as text.

What a new user meets first (no token configured). Reads standard input line by
line, so it works interactively and with piped input alike.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from typing import TextIO

from bot.render_text import render_answer, screens
from commands import TextCommand, text_commands, too_long
from commands.kb_reports import Report, describe_outcome, status_report, unanswered_report, upload_from_path
from knowledge.service import KnowledgeService

log = logging.getLogger(__name__)

KB_USAGE = (
    "/kb status | /kb check | /kb reload | /kb unanswered [days] | /kb upload PATH [--yes] | /kb rollback"
)
QUIT = {"/quit", "/exit", "/q"}
MORE = {"more", "/more", "m", "next"}


def parse_options(command: TextCommand, rest: str) -> dict[str, str]:
    """``side:north event:2019 flood`` or a bare value for the first option.

    A value runs to the next ``option:`` of this command, so apostrophes and colons in
    questions stay as typed; quotes around a whole value are dropped.
    """
    if not command.options:
        return {}
    names = "|".join(re.escape(opt) for opt in command.options)
    marker = re.compile(rf"(?:^|\s)({names}):", re.IGNORECASE)
    found = list(marker.finditer(rest))
    named: dict[str, str] = {}
    loose = rest[: found[0].start()] if found else rest
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        value = _unquote(rest[match.end() : end].strip())
        if value:
            named[match.group(1).lower()] = value
    loose = _unquote(loose.strip())
    if loose:
        free = next((opt for opt in command.options if opt not in named), None)
        if free is not None:
            named[free] = loose
    return named


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def render_report(report: Report) -> str:
    return "\n".join([report.title, *("  " + line for line in report.lines)])


class Console:
    def __init__(
        self,
        service: KnowledgeService,
        *,
        max_question_chars: int = 300,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.service = service
        self.max_question_chars = max_question_chars
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.commands = text_commands()
        self.pending: list[str] = []  # the last reply's screens not shown yet, for "more"
        self.turned = 0  # screens of the last reply shown so far

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def help_text(self) -> str:
        lines = ["Type a question in your own words, or one of these commands:"]
        for cmd in self.commands.values():
            lines.append(f"  {cmd.usage:<42} {cmd.summary}")
        lines.append(f"  {KB_USAGE}")
        lines.append("  more   the rest of the last answer")
        lines.append("  /help  this list          /quit  leave")
        examples = self.service.engine.kb.story.examples[:3] if self.service.loaded else []
        lines.append("Examples: " + "   ".join(examples or ["/timeline", "/sources", "/casualties"]))
        return "\n".join(lines)

    def greeting(self) -> str:
        kb = self.service.engine.kb
        counts = kb.counts()
        return (
            f"{kb.story.description} "
            f"(knowledge base {kb.version}: {counts.get('source', 0)} articles, "
            f"{sum(counts.values()) - counts.get('source', 0)} curated items).\n" + self.help_text()
        )

    async def run(self) -> int:
        self.say(self.greeting())
        interactive = self.stdin.isatty() and self.stdin is sys.stdin and self.stdout is sys.stdout
        if interactive:
            self._line_editing()
        while True:
            if interactive:
                try:  # input() on a terminal edits the line and keeps a history (the readline module)
                    line = await asyncio.to_thread(input, "> ")
                except EOFError:  # Ctrl-D
                    self.say()
                    return 0
            else:
                line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                if interactive:
                    continue
                return 0
            line = line.strip()
            if not line:
                continue
            if line.lower() in QUIT:
                self.say("Bye.")
                return 0
            await self.handle(line)

    def _line_editing(self) -> None:
        """Arrow keys, history and Tab completion of the slash commands, where the platform has readline."""
        try:
            import readline
        except ImportError:
            return
        names = [f"/{name}" for name in self.commands] + ["/kb", "/help", "/more", "/quit"]

        def complete(text: str, state: int) -> str | None:
            matches = [n for n in names if n.startswith(text)]
            return matches[state] if state < len(matches) else None

        readline.set_completer(complete)
        readline.set_completer_delims(" ")
        readline.parse_and_bind("tab: complete")

    async def handle(self, line: str) -> None:
        """Answer one line: a command or a free-text question."""
        if line.lower() in MORE:
            self.more()
            return
        if not line.startswith("/"):
            await self.answer(self.commands["ask"], {"question": line}, logged=line)
            return
        name, _, rest = line[1:].partition(" ")
        name = name.lower()
        if name == "help":
            self.say(self.help_text())
        elif name == "kb":
            await self.kb(rest.split())
        elif name in self.commands:
            command = self.commands[name]
            options = parse_options(command, rest)
            missing = [opt for opt in command.required if not options.get(opt)]
            if missing:
                self.say(f"/{name} needs {', '.join(missing)}: {command.usage}")
                return
            logged = options["question"] if name == "ask" else command.logged_question(options)
            await self.answer(command, options, logged=logged)
        else:
            self.say(f"Unknown command /{name}. Type /help for the list of commands.")

    async def answer(self, command: TextCommand, options: dict[str, str], *, logged: str) -> None:
        refusal = next((r for v in options.values() if (r := too_long(v, self.max_question_chars))), None)
        if refusal:
            self.say(refusal)
            return
        if command.name == "ask":  # free text: a follow-up is read against this console's last question
            answer = self.service.ask(options.get("question", ""), conversation="console")
        else:
            answer = command.answer(self.service.engine, **options)
        self.pending = screens(answer)[1:]
        self.turned = 1
        self.say(render_answer(answer))
        self.say()
        await self.service.record_question(answer, question=logged, transport="console")

    def more(self) -> None:
        """The next screen of the last answer."""
        if not self.pending:
            self.say("Nothing more to show: ask a question first.")
            return
        self.turned += 1
        total = self.turned + len(self.pending) - 1
        self.say(self.pending.pop(0))
        self.say(f"(page {self.turned}/{total}" + ("; type more for the next)" if self.pending else ")"))
        self.say()

    async def kb(self, args: list[str]) -> None:
        sub = args[0].lower() if args else ""
        if sub == "status":
            report = await status_report(self.service)
        elif sub == "check":
            report = describe_outcome(await self.service.check("console"))
        elif sub == "reload":
            report = describe_outcome(await self.service.reload("console"))
        elif sub == "unanswered":
            if len(args) > 1 and not (
                args[1].isascii() and args[1].isdecimal() and 1 <= int(args[1]) <= 3650
            ):
                self.say("/kb unanswered takes a number of days from 1 to 3650.")
                return
            days = int(args[1]) if len(args) > 1 else 30
            report = await unanswered_report(self.service, days=days)
        elif sub == "upload" and len(args) > 1:
            path = " ".join(arg for arg in args[1:] if arg != "--yes")
            if not path:
                self.say(
                    "/kb upload takes the path of a .toml file (then --yes to apply one that removes items), "
                    "or of a new article (.txt): it goes into the corpus and its draft is written for review."
                )
                return
            report = await upload_from_path(self.service, path, yes="--yes" in args[1:])
        elif sub == "rollback":
            report = describe_outcome(await self.service.rollback("console"))
        else:
            self.say(f"Usage: {KB_USAGE}")
            return
        self.say(render_report(report))
        self.say()
