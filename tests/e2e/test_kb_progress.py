"""Through the fake: a moderator's /kb reload or upload edits its deferred reply with each stage as it goes
("validating…", "indexing…", "swapping…"), then puts the answer in its place."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord, FakeFile
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.harness import eventually


def titles(body: dict[str, Any]) -> list[str]:
    return [embed.get("title") or "" for embed in body.get("embeds") or []]


async def test_reload_shows_each_stage_before_the_answer(fake: FakeDiscord, cited: RunningBot) -> None:
    """The deferred reply reads validating, indexing, swapping in turn, then the report replaces it (text cleared)."""
    before = cited.service.engine
    record = await fake.slash("kb", "reload", user=fake.moderator)
    await eventually(lambda: any("Reload done" in t for e in record.edits for t in titles(e)), within=60)
    assert record.callback_type == 5 and record.ephemeral  # deferred privately ("thinking…")
    progress = [e["content"] for e in record.edits[:-1]]
    assert progress == ["Reload: validating…", "Reload: indexing…", "Reload: swapping…"]
    final = record.edits[-1]
    assert not final.get("content") and any("Reload done" in t for t in titles(final))
    assert not record.followups  # the answer took the progress's place rather than arriving beside it
    assert cited.service.engine is not before
    assert_discord_accepted_everything(fake)


async def test_upload_shows_each_stage_before_the_answer(fake: FakeDiscord, cited: RunningBot) -> None:
    """An upload that is written and loaded goes through the same stages in its deferred reply."""
    upload = FakeFile("zz_progress.toml", b"# an empty but valid knowledge file\n")
    record = await fake.slash("kb", "upload", user=fake.moderator, file=upload)
    await eventually(lambda: any("Upload done" in t for e in record.edits for t in titles(e)), within=60)
    progress = [e["content"] for e in record.edits[:-1]]
    name = "Upload of zz_progress.toml"
    assert progress == [f"{name}: validating…", f"{name}: indexing…", f"{name}: swapping…"]
    assert not record.edits[-1].get("content")
    assert (cited.knowledge_dir / "zz_progress.toml").exists()
    assert_discord_accepted_everything(fake)


async def test_a_refused_upload_stops_at_validating(fake: FakeDiscord, cited: RunningBot) -> None:
    """A file that breaks the knowledge base shows validating, then the refusal in its place: nothing swapped."""
    record = await fake.slash(
        "kb", "upload", user=fake.moderator, file=FakeFile("extra.toml", b"[[quote]]\nid = 'q-broken'\n")
    )
    await eventually(lambda: any("Upload refused" in t for e in record.edits for t in titles(e)), within=60)
    assert [e["content"] for e in record.edits[:-1]] == ["Upload of extra.toml: validating…"]
    assert not (cited.knowledge_dir / "extra.toml").exists()
    assert_discord_accepted_everything(fake)
