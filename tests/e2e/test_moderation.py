"""Moderator /kb commands through the fake: reload, a refused reload, a refused non-moderator, an upload."""

from __future__ import annotations

import tomllib

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord, FakeFile
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.harness import eventually


async def test_moderator_reload_swaps_the_knowledge(fake: FakeDiscord, cited: RunningBot) -> None:
    """A moderator's /kb reload is deferred privately, then reports success; a new engine answers."""
    before = cited.service.engine
    record = await (await fake.slash("kb", "reload", user=fake.moderator)).answered()
    assert record.callback_type == 5 and record.ephemeral
    await eventually(lambda: "Reload done" in record.text(), within=60)  # after its progress
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
    await eventually(lambda: "Reload refused" in record.text(), within=60)  # after its progress
    assert "casualties.toml" in record.text()
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
    await eventually(lambda: "Upload refused" in record.text(), within=60)  # after its progress
    assert not (cited.knowledge_dir / "extra.toml").exists()
    assert_discord_accepted_everything(fake)


async def test_upload_of_a_new_article_replies_with_its_draft_and_loads_nothing(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """An attached .txt article waits beside its draft and is answered with the draft as an attached file;
    the live knowledge is unchanged. The draft, uploaded back as it is, brings the article into the corpus
    and loads its items."""
    before = cited.service.engine
    folder = cited.knowledge_dir
    sid = sorted(before.kb.corpus)[0]
    article = FakeFile("901_new_article.txt", before.kb.corpus[sid].encode("utf-8"), "text/plain")
    record = await (await fake.slash("kb", "upload", user=fake.moderator, file=article)).answered()
    assert record.ephemeral and "Article added" in record.text()
    assert "Still answering from knowledge base" in record.text()
    files = await eventually(lambda: record.files, within=30)
    assert [name for name, _ in files] == ["draft_901_new_article.toml"]
    draft = files[0][1]
    data = tomllib.loads(draft.decode("utf-8"))
    assert [s["id"] for s in data["source"]] == ["901_new_article"] and data["quote"] and data["casualty"]
    assert cited.service.engine is before and cited.service.engine.kb.version == before.kb.version
    assert "901_new_article" not in cited.service.engine.kb.sources
    assert not (folder / "corpus" / "901_new_article.txt").exists()
    assert (folder / ".history" / "drafts" / "901_new_article.txt").read_bytes() == article.data
    assert not list(folder.glob("draft_*.toml"))  # the draft is never placed in the folder by the upload
    after = await (await fake.slash("casualties")).answered()
    assert "49" in after.text()

    placed = FakeFile("draft_901_new_article.toml", draft)
    done = await (await fake.slash("kb", "upload", user=fake.moderator, file=placed)).answered(within=60)
    await eventually(lambda: "Upload done" in done.text(), within=60)  # after its progress
    assert "901_new_article" in cited.service.engine.kb.sources
    assert (folder / "corpus" / "901_new_article.txt").read_bytes() == article.data
    assert_discord_accepted_everything(fake)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bad name.txt", b"An article.", "letters, digits"),
        ("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "not UTF-8"),
        ("empty.txt", b"  \n", "empty"),
    ],
)
async def test_upload_of_an_unfit_article_is_refused_and_not_written(
    fake: FakeDiscord, cited: RunningBot, name: str, data: bytes, reason: str
) -> None:
    """An article with a name that is no source id, not UTF-8 or empty is refused; nothing is written."""
    before = set((cited.knowledge_dir / "corpus").iterdir())
    record = await (
        await fake.slash("kb", "upload", user=fake.moderator, file=FakeFile(name, data, "text/plain"))
    ).answered()
    assert "Upload refused" in record.text() and reason in record.text()
    assert not record.files and set((cited.knowledge_dir / "corpus").iterdir()) == before
    assert_discord_accepted_everything(fake)


async def test_upload_of_an_article_already_in_the_corpus_is_refused(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """An article is never replaced: its evidence is checked against it."""
    sid = sorted(cited.service.engine.kb.corpus)[0]
    path = cited.knowledge_dir / "corpus" / f"{sid}.txt"
    original = path.read_bytes()
    upload = FakeFile(f"{sid}.txt", b"Another text under the same name.", "text/plain")
    record = await (await fake.slash("kb", "upload", user=fake.moderator, file=upload)).answered()
    assert "Upload refused" in record.text() and "never replaced" in record.text()
    assert path.read_bytes() == original
    assert_discord_accepted_everything(fake)


async def test_unanswered_questions_link_to_the_message_they_were_asked_in(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """A mention the sources can't answer is listed by /kb unanswered with a jump link to that very message."""
    asked = await fake.say(f"<@{fake.bot_user.id}> what did the pope say about the clashes?")
    await eventually(lambda: fake.bot_messages(fake.guild.channel_id))
    assert await cited.store.flush(10)
    record = await (await fake.slash("kb", "unanswered", user=fake.moderator)).answered()
    link = f"https://discord.com/channels/{fake.guild.id}/{fake.guild.channel_id}/{asked['id']}"
    assert "what did the pope say" in record.text() and link in record.text()
    assert_discord_accepted_everything(fake)
