"""Through the fake: an upload that removes items waits for its uploader's click; /kb rollback undoes it."""

from __future__ import annotations

import re
import sys

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord, FakeFile
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.harness import eventually

EMPTIED = b"# the casualty figures moved elsewhere\n"
APPLY, CANCEL = "kb:upload:apply", "kb:upload:cancel"


def says_49(record) -> bool:
    """The answer's own text (not its footer, whose version hash may hold any digits) gives the toll 49."""
    texts = [e.get("description") or "" for body in record.bodies() for e in body.get("embeds") or []]
    texts += [
        f.get("value") or ""
        for body in record.bodies()
        for e in body.get("embeds") or []
        for f in e.get("fields") or []
    ]
    return re.search(r"\b49\b", "\n".join(texts)) is not None


def buttons(record) -> dict[str, dict]:
    return {
        c["custom_id"]: c
        for body in record.bodies()
        for row in body.get("components") or []
        for c in row.get("components") or []
    }


async def destructive_upload(fake: FakeDiscord, cited: RunningBot):
    record = await (
        await fake.slash("kb", "upload", user=fake.moderator, file=FakeFile("casualties.toml", EMPTIED))
    ).answered()
    await eventually(lambda: "Upload needs confirmation" in record.text(), within=60)  # after its progress
    return record


async def test_a_destructive_upload_is_applied_only_by_its_uploaders_click(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """The reply lists what would go and offers Apply anyway (danger) / Cancel; nothing changes until
    the moderator who uploaded clicks Apply, and then the same file is written and loaded."""
    curated = cited.knowledge_dir / "casualties.toml"
    original, live = curated.read_bytes(), cited.service.engine
    record = await destructive_upload(fake, cited)
    assert record.ephemeral
    assert re.search(r"casualties\.toml would remove \d+ item\(s\)", record.text())
    assert re.search(r"casualty \(\d+\): cas-", record.text())
    shown = buttons(record)
    assert shown[APPLY]["style"] == 4 and shown[APPLY]["label"] == "Apply anyway" and CANCEL in shown
    assert curated.read_bytes() == original and cited.service.engine is live
    assert says_49(await (await fake.slash("casualties")).answered())

    forged = await (await fake.click(record.original_message_id, APPLY, user=fake.reader)).answered()
    assert forged.ephemeral and "Only the moderator who uploaded" in forged.text()
    assert curated.read_bytes() == original and cited.service.engine is live

    applied = await (await fake.click(record.original_message_id, APPLY, user=fake.moderator)).answered()
    assert applied.callback_type == 7  # the question itself becomes "Applying…", its buttons gone
    assert not applied.bodies()[0].get("components")
    await eventually(lambda: "Upload done" in applied.text(), within=60)
    assert "Wrote casualties.toml." in applied.text()
    assert curated.read_bytes() == EMPTIED and cited.service.engine.kb.counts()["casualty"] == 0
    assert_discord_accepted_everything(fake)


async def test_cancel_and_timeout_leave_everything_as_it_was(
    fake: FakeDiscord, cited: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    curated = cited.knowledge_dir / "casualties.toml"
    original, live = curated.read_bytes(), cited.service.engine
    record = await destructive_upload(fake, cited)
    cancelled = await (await fake.click(record.original_message_id, CANCEL, user=fake.moderator)).answered()
    assert "Upload cancelled" in cancelled.text() and not cancelled.bodies()[0].get("components")

    # the module the bot loaded as an extension (load_extension executes a fresh copy of it)
    loaded = sys.modules["commands.kb_admin"]
    monkeypatch.setattr(loaded, "CONFIRM_TIMEOUT_S", 0.5)
    expiring = await destructive_upload(fake, cited)
    await eventually(lambda: "Upload not applied" in expiring.text(), within=10)
    assert not expiring.edits[-1].get("components")
    assert curated.read_bytes() == original and cited.service.engine is live
    assert_discord_accepted_everything(fake)


async def test_rollback_restores_the_knowledge_before_a_destructive_upload(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """The issue's case: casualties emptied by a confirmed upload; /kb rollback brings the toll back."""
    curated = cited.knowledge_dir / "casualties.toml"
    original = curated.read_bytes()
    record = await destructive_upload(fake, cited)
    applied = await (await fake.click(record.original_message_id, APPLY, user=fake.moderator)).answered()
    await eventually(lambda: "Upload done" in applied.text(), within=60)
    assert cited.service.engine.kb.counts()["casualty"] == 0
    assert not says_49(await (await fake.slash("casualties")).answered())

    with pytest.raises(PermissionError):
        fake.build_slash("kb", "rollback", user=fake.reader)
    back = await (await fake.slash("kb", "rollback", user=fake.moderator)).answered()
    assert back.callback_type == 5 and back.ephemeral
    assert "Rollback done" in back.text() and "Restored casualties.toml." in back.text()
    assert curated.read_bytes() == original
    assert says_49(await (await fake.slash("casualties")).answered())

    again = await (await fake.slash("kb", "rollback", user=fake.moderator)).answered()
    assert "Rollback refused" in again.text() and "no earlier version to roll back to" in again.text()
    assert_discord_accepted_everything(fake)
