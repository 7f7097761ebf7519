"""Imports point one way: bot (the process, its transports) -> commands -> commands.ui -> knowledge.

Every import statement of the shipped packages is read with ``ast`` (those inside functions and
``TYPE_CHECKING`` blocks too, since a cycle for the type checker is still a cycle), and a test fails on
any edge against that direction.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from bot.client import EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "commands", "knowledge", "bench")
# commands modules the bot may import: the package's text-command helpers, the shared Discord rendering
# and the discord-free /kb reports; every other commands module is a command family, loaded by name.
BOT_MAY_IMPORT = ("commands", "commands.ui", "commands.kb_reports")
# Known edges against the direction, each with why it is still there. A stale entry fails the test.
ALLOWED: dict[tuple[str, str], str] = {}


def module_exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported(path: Path) -> Iterator[str]:
    """Every module ``path`` imports; ``from pkg import mod`` counts as importing ``pkg.mod``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                if module_exists(f"{node.module}.{alias.name}"):
                    yield f"{node.module}.{alias.name}"


def edges() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for name in imported(path):
                yield rel, name


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def forbidden(source: str, name: str) -> str | None:
    """Why the import of ``name`` by the file ``source`` goes against the direction, or None."""
    if source.startswith("knowledge/") and under(name, "bot", "commands", "bench", "discord"):
        return "knowledge/ imports no transport, command, benchmark or discord"
    if (
        source.startswith("commands/ui/")
        and under(name, "bot", "commands")
        and not under(name, "commands.ui")
    ):
        return "commands/ui imports neither the bot nor the command families that use it"
    if source.startswith("commands/") and under(name, "bot"):
        return "commands never import bot/ (the bot loads them; they see it as commands.ui.host.Host)"
    if source.startswith("commands/kb_reports") and under(name, "discord"):
        return "the /kb reports are plain text for every transport (the console must not load discord)"
    if source.startswith("bot/") and under(name, "commands") and not any(name == m for m in BOT_MAY_IMPORT):
        if not under(name, "commands.ui"):
            return "the bot loads command families by name (EXTENSIONS), never by import"
    if under(name, "bench") and not source.startswith("bench/") and source != "bot/cli.py":
        return "only the command line reaches the benchmark (python -m bot bench delegates to it)"
    return None


def test_imports_point_one_way() -> None:
    """No shipped module imports against bot -> commands -> commands.ui -> knowledge (nor reaches bench)."""
    found = list(edges())
    assert len(found) > 100  # the walk saw the packages' imports
    wrong = [
        f"{source} imports {name}: {why}"
        for source, name in found
        if (why := forbidden(source, name)) is not None and (source, name) not in ALLOWED
    ]
    assert wrong == []
    stale = [edge for edge in ALLOWED if edge not in found or forbidden(*edge) is None]
    assert stale == [], "remove these from ALLOWED: they no longer occur"


def test_the_rule_catches_a_cycle() -> None:
    """The rule refuses the edges that made bot/ and commands/ import each other before the split."""
    assert forbidden("commands/ui/shared.py", "bot.client") is not None
    assert forbidden("commands/casualties.py", "bot.render_discord") is not None
    assert forbidden("bot/client.py", "commands.casualties") is not None
    assert forbidden("commands/kb_reports.py", "discord") is not None
    assert forbidden("knowledge/engine.py", "discord.ext.commands") is not None
    assert forbidden("bot/console.py", "commands.kb_reports") is None
    assert forbidden("bot/client.py", "commands.ui.host") is None


def test_every_command_family_is_an_extension() -> None:
    """Each commands module with a setup() is loaded by name, and each name loaded is such a module."""
    families = {
        f"commands.{path.stem}"
        for path in (ROOT / "commands").glob("*.py")
        if "async def setup(" in path.read_text(encoding="utf-8")
    }
    assert families and set(EXTENSIONS) == families
