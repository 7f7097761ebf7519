"""The console's /kb upload PATH [--yes] and /kb rollback: the same safety as on Discord."""

from __future__ import annotations

import io
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.console import Console
from knowledge.service import KnowledgeService
from tests.bot.kbfixture import ENTITIES, EXTRA_ENTITY


async def run_console(service: KnowledgeService, text: str) -> str:
    out = io.StringIO()
    assert await Console(service, stdin=io.StringIO(text), stdout=out).run() == 0
    return out.getvalue()


@pytest.fixture
async def service(tiny_kb: Path) -> KnowledgeService:
    service = KnowledgeService(tiny_kb, history_versions=5)
    assert (await service.reload("startup", action="startup")).ok
    return service


async def test_upload_that_removes_items_needs_yes(
    service: KnowledgeService, tiny_kb: Path, tmp_path: Path
) -> None:
    """Without --yes a destructive upload lists what it would remove and writes nothing; --yes applies it."""
    emptied = tmp_path / "upload" / "entities.toml"
    emptied.parent.mkdir()
    emptied.write_text("# nothing left\n")
    out = await run_console(service, f"/kb upload {emptied}\n/casualties\n")
    assert "Upload needs confirmation" in out and "entity (1): armenia" in out
    assert f"/kb upload {emptied} --yes" in out
    assert (tiny_kb / "entities.toml").read_text() == ENTITIES
    out = await run_console(service, f"/kb upload {emptied} --yes\n")
    assert "Upload done" in out and "Wrote entities.toml." in out
    assert (tiny_kb / "entities.toml").read_text() == "# nothing left\n"


async def test_upload_adds_a_file_and_rollback_removes_it(
    service: KnowledgeService, tiny_kb: Path, tmp_path: Path
) -> None:
    more = tmp_path / "more.toml"
    more.write_text(EXTRA_ENTITY)
    out = await run_console(service, f"/kb upload {more}\n/kb rollback\n/kb rollback\n")
    assert "Upload done" in out and "Rollback done" in out
    assert "no earlier version to roll back to" in out.split("Rollback done")[1]
    assert not (tiny_kb / "more.toml").exists() and service.engine.kb.counts()["entity"] == 1


@pytest.mark.parametrize("path", ["missing.toml", "/dev/null", "."])
async def test_upload_of_what_is_not_a_readable_file_is_refused_naming_it(
    service: KnowledgeService, path: str
) -> None:
    out = await run_console(service, f"/kb upload {path}\n/kb upload\n")
    assert "Upload refused" in out and path in out.split("Upload refused")[1]
    assert "Usage: /kb status" in out and "/kb upload PATH [--yes]" in out and "/kb rollback" in out


async def test_upload_of_an_article_prints_where_its_draft_was_written(
    service: KnowledgeService, tiny_kb: Path, tmp_path: Path
) -> None:
    """/kb upload PATH.txt: the article and its draft (with its [[source]] entry) wait in the drafts folder,
    named in the reply; nothing is loaded and reloads go on as before. Uploading the reviewed draft brings
    the article into the corpus with it."""
    article = tmp_path / "801_flood.txt"
    article.write_text(
        "Flood kills dozens in the valley\n\nAt least 23 people were killed on Saturday, the regional "
        'governor, Maria Lopes, said. "We have never seen water like this," Lopes told reporters.\n',
        encoding="utf-8",
    )
    version = service.engine.kb.version
    out = await run_console(service, f"/kb upload {article}\n")
    draft = tiny_kb / ".history" / "drafts" / "draft_801_flood.toml"
    assert "Article added" in out and f"Draft written to {draft}" in out, out
    assert "Wrote .history/drafts/801_flood.txt." in out
    assert not (tiny_kb / "corpus" / "801_flood.txt").exists()
    assert (tiny_kb / ".history" / "drafts" / "801_flood.txt").read_bytes() == article.read_bytes()
    drafted = tomllib.loads(draft.read_text(encoding="utf-8"))
    assert [s["id"] for s in drafted["source"]] == ["801_flood"] and drafted["casualty"]
    assert service.engine.kb.version == version and "801_flood" not in service.engine.kb.sources
    out = await run_console(service, "/kb reload\n")
    assert "Reload refused" not in out  # a waiting article does not block the folder
    out = await run_console(service, f"/kb upload {draft}\n")
    assert "Upload done" in out and "801_flood" in service.engine.kb.sources
    assert (tiny_kb / "corpus" / "801_flood.txt").read_bytes() == article.read_bytes()


async def test_upload_of_an_article_already_in_the_corpus_is_refused(
    service: KnowledgeService, tiny_kb: Path, tmp_path: Path
) -> None:
    existing = sorted((tiny_kb / "corpus").glob("*.txt"))[0]
    again = tmp_path / existing.name
    again.write_text("Something else entirely.", encoding="utf-8")
    out = await run_console(service, f"/kb upload {again}\n")
    assert "Upload refused" in out and "never replaced" in out
    assert existing.read_text(encoding="utf-8") != "Something else entirely."


CONSOLE_KB_WITHOUT_DISCORD = """
import asyncio, io, sys
from pathlib import Path

def discord_modules() -> list[str]:
    return sorted(m for m in sys.modules if m == "discord" or m.startswith("discord."))

from bot.console import Console
from commands.kb_reports import describe_outcome, status_report, unanswered_report, upload_from_path
from knowledge.service import KnowledgeService
assert discord_modules() == [], discord_modules()

async def main() -> None:
    service = KnowledgeService(Path(sys.argv[1]), history_versions=5)
    assert (await service.reload("startup", action="startup")).ok
    script = "/kb status\\n/kb check\\n/kb reload\\n/kb unanswered\\n/kb upload " + sys.argv[2] + "\\n/kb rollback\\n"
    out = io.StringIO()
    assert await Console(service, stdin=io.StringIO(script), stdout=out).run() == 0
    print(out.getvalue(), file=sys.stderr)
    print("commands.kb_admin" in sys.modules)

asyncio.run(main())
"""


def test_console_kb_commands_never_load_the_discord_cog(tiny_kb: Path, tmp_path: Path) -> None:
    """The console and its /kb reports import no discord module, and every console /kb command runs without
    loading the Discord cog (commands.kb_admin): the reports live in commands.kb_reports."""
    more = tmp_path / "more.toml"
    more.write_text(EXTRA_ENTITY)
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE_KB_WITHOUT_DISCORD, str(tiny_kb), str(more)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    for title in ("Knowledge base status", "Check passed", "Reload done", "Upload done", "Rollback done"):
        assert title in done.stderr
    assert done.stdout.strip() == "False"
