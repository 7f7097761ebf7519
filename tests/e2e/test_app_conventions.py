"""Discord app conventions through the fake: private answers and Share, the message command, user installs and
DM contexts, link buttons for sources, /ask autocomplete, the cooldown notice for free text, and /help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord, InteractionRecord, rules
from tests.fakediscord.citedbot import RunningBot, running_bot
from tests.fakediscord.harness import eventually

QUESTION = "how many Armenian soldiers were killed?"
ASK_ABOUT = "Ask about this message"
LINK_STYLE = 5


def _components(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in body.get("components") or [] for c in row.get("components") or []]


def _links(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in _components(body) if c.get("style") == LINK_STYLE]


def _shown(record: InteractionRecord) -> dict[str, Any]:
    """The body of the message the user saw last (the answer, after a deferral its follow-up)."""
    return record.bodies()[-1]


async def test_sync_declares_installs_and_contexts(fake: FakeDiscord, cited: RunningBot) -> None:
    """The synced commands carry integration_types and contexts: the public ones (the message command too)
    everywhere, through a server or a user install; /kb in servers only, through a server install."""
    synced = {c["name"]: c for c in fake.commands[None]}
    assert synced[ASK_ABOUT]["type"] == 3
    for name, command in synced.items():
        if name == "kb":
            assert command["integration_types"] == [0] and command["contexts"] == [0]
        else:
            assert sorted(command["integration_types"]) == [0, 1], name
            assert sorted(command["contexts"]) == [0, 1, 2], name
    assert_discord_accepted_everything(fake)


async def test_private_ask_is_shared_publicly_with_its_citations(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """/ask private:true answers only the asker, with a Share button; Share posts the same answer and
    citations publicly, naming who asked; a second Share, or one by someone else, posts nothing."""
    record = await (await fake.slash("ask", question=QUESTION, private=True)).answered()
    assert record.ephemeral  # the answer, or the deferral it follows, is private
    private = _shown(record)
    assert "cb:share" in record.custom_ids()
    shared = await (await fake.click(record.last_message_id, "cb:share")).answered()
    assert shared.callback_type == 4 and not shared.ephemeral
    (public,) = shared.bodies()
    embed = public["embeds"][0]
    assert embed["author"]["name"] == f"Asked by {fake.reader.name}"
    assert embed["description"] == private["embeds"][0]["description"] and "49" in embed["description"]
    assert [f["name"] for f in embed["fields"]] == [f["name"] for f in private["embeds"][0]["fields"]]
    assert embed["fields"][0]["name"].startswith("[1]")
    assert "cb:share" not in shared.custom_ids()
    assert _links(public) == _links(private) != []
    again = await (await fake.click(record.last_message_id, "cb:share")).answered()
    assert again.ephemeral and "already shared" in again.text()
    forged = await (await fake.click(record.last_message_id, "cb:share", user=fake.moderator)).answered()
    assert forged.ephemeral and "Only the person who asked" in forged.text()
    assert_discord_accepted_everything(fake)


async def test_public_ask_has_no_share_button(fake: FakeDiscord, cited: RunningBot) -> None:
    """/ask without private answers in the channel, where there is nothing to share."""
    record = await (await fake.slash("ask", question=QUESTION)).answered()
    assert not record.ephemeral and "cb:share" not in record.custom_ids()
    assert "49" in record.text()
    assert_discord_accepted_everything(fake)


async def test_answers_link_their_articles_as_buttons(fake: FakeDiscord, cited: RunningBot) -> None:
    """A cited answer carries one link button per cited article with a web address (label: the article's
    outlet), at most five, and no address as text in its fields."""
    answer = cited.service.engine.ask(QUESTION.rstrip("?"))
    sources = cited.service.engine.kb.sources
    expected = list(dict.fromkeys(c.source for c in answer.citations if sources[c.source].url))[:5]
    assert expected, "the answer cites no article with a web address"
    record = await (await fake.slash("ask", question=QUESTION)).answered()
    body = _shown(record)
    links = _links(body)
    assert [link["url"] for link in links] == [sources[s].url for s in expected]
    assert [link["label"] for link in links] == [sources[s].outlet or sources[s].label for s in expected]
    assert all(not link.get("custom_id") for link in links)
    assert not any("http" in f["value"] for e in body["embeds"] for f in e.get("fields") or [])
    assert_discord_accepted_everything(fake)


async def test_ask_about_this_message_answers_privately(fake: FakeDiscord, cited: RunningBot) -> None:
    """The message command reads the target message's text as the question (cleaned: no mention survives),
    answers only the person who used it, and offers Share."""
    target = await fake.say(f"<@{fake.moderator.id}> @everyone {QUESTION}", user=fake.moderator)
    record = await (await fake.message_command(ASK_ABOUT, target)).answered()
    assert record.ephemeral  # the answer, or the deferral it follows, is private
    text = record.text()
    assert "49" in text and "[1]" in text
    assert "@everyone" not in text and f"<@{fake.moderator.id}>" not in text
    assert "cb:share" in record.custom_ids()
    shared = await (await fake.click(record.last_message_id, "cb:share")).answered()
    assert not shared.ephemeral and "49" in shared.text()
    assert_discord_accepted_everything(fake)


async def test_ask_about_a_message_without_text_or_too_long(fake: FakeDiscord, cited: RunningBot) -> None:
    """A message with no words to ask about, or too long to be a question, gets a short private notice saying
    so (with the message's real length), not a guess."""
    target = await fake.say(f"<@{fake.moderator.id}>", user=fake.moderator)
    record = await (await fake.message_command(ASK_ABOUT, target)).answered()
    assert record.ephemeral and "no text" in record.text()
    long = await fake.say("why " * 1250, user=fake.moderator)
    refused = await (
        await fake.message_command(ASK_ABOUT, long, user=fake.moderator)
    ).answered()  # own cooldown
    limit = cited.settings.max_question_chars
    assert refused.ephemeral and f"under {limit} characters (that was 4999)" in refused.text()
    assert_discord_accepted_everything(fake)


async def test_user_install_answers_in_a_group_dm(fake: FakeDiscord, cited: RunningBot) -> None:
    """Installed to a user's account, /ask and the message command answer in a group DM the bot is not in;
    /kb is not offered there at all."""
    record = await (await fake.slash("ask", question=QUESTION, group_dm=True)).answered()
    assert record.payload["context"] == 2 and "49" in record.text()
    target = fake.new_message(fake.group_dm_channel, {"content": QUESTION})
    target["author"] = fake.moderator.user()
    asked = await (await fake.message_command(ASK_ABOUT, target, group_dm=True)).answered()
    assert "49" in asked.text()
    with pytest.raises(PermissionError):
        fake.build_slash("kb", "status", user=fake.moderator, group_dm=True)
    with pytest.raises(PermissionError):
        fake.build_slash("kb", "status", user=fake.moderator, user_install=True)
    assert_discord_accepted_everything(fake)


async def test_commands_answer_in_a_dm_with_the_bot(fake: FakeDiscord, cited: RunningBot) -> None:
    """The public commands are offered in a DM with the bot and answer there."""
    record = await (await fake.slash("casualties", side="Armenia", dm=True)).answered()
    assert record.payload["context"] == 1 and "49" in record.text()
    assert_discord_accepted_everything(fake)


async def test_ask_autocompletes_curated_questions(fake: FakeDiscord, cited: RunningBot) -> None:
    """/ask's question option suggests the curated questions that match what is typed, within limits;
    opened empty, it starts with the story's example questions."""
    story = cited.service.engine.kb.story
    opened = await (await fake.autocomplete("ask", focused="question", question="")).responded()
    assert [c["name"] for c in opened.choices[: len(story.examples)]] == story.examples
    typed = await (
        await fake.autocomplete("ask", focused="question", question="how many armenian sold")
    ).responded()
    choices = typed.choices
    assert 1 <= len(choices) <= 25 and len(opened.choices) <= 25
    assert choices[0]["value"] == "How many Armenian soldiers were killed?"
    assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    assert_discord_accepted_everything(fake)


async def test_help_is_private_with_the_story_examples(fake: FakeDiscord, cited: RunningBot) -> None:
    """/help answers only the asker, and its example-question buttons are the story file's examples."""
    record = await (await fake.slash("help")).answered()
    assert record.ephemeral  # the answer, or the deferral it follows, is private
    labels = [
        c["label"] for c in _components(_shown(record)) if c.get("custom_id", "").startswith("cb:suggest")
    ]
    assert labels == cited.service.engine.kb.story.examples[: len(labels)] and labels
    assert_discord_accepted_everything(fake)


async def test_free_text_on_cooldown_gets_one_notice(fake: FakeDiscord, tmp_path: Path) -> None:
    """A DM that hits the cooldown gets one short notice that pings nobody; more within the window get
    nothing, and other people are not held up."""
    async with running_bot(fake, tmp_path, ask_cooldown_seconds=60) as _:
        mine = fake.dm_channel_for(fake.reader)
        await fake.say(QUESTION, dm=True)
        await eventually(lambda: fake.bot_messages(mine))
        await fake.say("and azerbaijan?", dm=True)
        (_, notice) = await eventually(lambda: (m := fake.bot_messages(mine))[1:] and m, within=10)
        wait = re.search(r"Slow down.* (\d+) s\.", notice["content"])
        assert wait is not None and 50 <= int(wait.group(1)) <= 60, notice["content"]  # what is left of 60 s
        (sent,) = [body for _, body in fake.message_bodies() if "Slow down" in (body.get("content") or "")]
        assert rules.pings(sent, is_reply=True) == []  # as sent: no mention of anyone, not even the author
        await fake.say("and the US?", dm=True)
        await fake.say(QUESTION, dm=True, user=fake.moderator)  # answered once the reader's third is handled
        await eventually(lambda: fake.bot_messages(fake.dm_channel_for(fake.moderator)), within=10)
        assert len(fake.bot_messages(mine)) == 2
    assert_discord_accepted_everything(fake)
