"""Moderator /kb commands through the fake: reload, a refused reload, a refused non-moderator, an upload."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord, FakeFile
from tests.fakediscord.citedbot import RunningBot


async def test_moderator_reload_swaps_the_knowledge(fake: FakeDiscord, cited: RunningBot) -> None:
    """A moderator's /kb reload is deferred privately, then reports success; a new engine answers."""
    before = cited.service.engine
    record = await (await fake.slash("kb", "reload", user=fake.moderator)).answered()
    assert record.callback_type == 5 and record.ephemeral
    assert "Reload done" in record.text()
    assert cited.service.engine is not before
    after = await (await fake.slash("casualties")).answered()
    assert "49" in after.text()
    assert_discord_accepted_everything(fake)


async def test_reload_of_a_broken_knowledge_base_is_refused(fake: FakeDiscord, cited: RunningBot) -> None:
    """A reload over a broken file lists the problem, changes nothing, and answers go on as before."""
    before = cited.service.engine
    curated = cited.knowledge_dir / "casualties.toml"
    curated.write_text(curated.read_text() + "\n[[casualty]\nthis is not toml\n")
    record = await (await fake.slash("kb", "reload", user=fake.moderator)).answered()
    assert "Reload refused" in record.text() and "casualties.toml" in record.text()
    assert cited.service.engine is before
    after = await (await fake.slash("casualties")).answered()
    assert "49" in after.text()
    assert_discord_accepted_everything(fake)


async def test_non_moderator_is_refused_even_when_discord_lets_them_run_it(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """/kb is hidden from members; if an admin override lets one run it, the bot still refuses."""
    with pytest.raises(PermissionError):
        fake.build_slash("kb", "reload", user=fake.reader)
    before = cited.service.engine
    record = await (await fake.slash("kb", "reload", user=fake.reader, overridden=True)).answered()
    assert record.ephemeral and "Only moderators" in record.text()
    assert cited.service.engine is before
    assert_discord_accepted_everything(fake)


async def test_kb_commands_are_not_offered_in_direct_messages(fake: FakeDiscord, cited: RunningBot) -> None:
    """/kb is guild-only: Discord would not let anyone run it in a DM."""
    with pytest.raises(PermissionError):
        fake.build_slash("kb", "status", user=fake.moderator, dm=True)


async def test_moderator_status(fake: FakeDiscord, cited: RunningBot) -> None:
    """/kb status reports the live version and counts, privately."""
    record = await (await fake.slash("kb", "status", user=fake.moderator)).answered()
    assert record.ephemeral and cited.service.engine.kb.version in record.text()
    assert_discord_accepted_everything(fake)


async def test_upload_of_an_invalid_file_is_refused_and_not_written(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """An attached .toml that breaks the knowledge base is downloaded, refused, and never written."""
    broken = FakeFile("extra.toml", b"[[quote]]\nid = 'q-broken'\n")
    record = await (await fake.slash("kb", "upload", user=fake.moderator, file=broken)).answered()
    assert "Upload refused" in record.text()
    assert not (cited.knowledge_dir / "extra.toml").exists()
    assert_discord_accepted_everything(fake)
