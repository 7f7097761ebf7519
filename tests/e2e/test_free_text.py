"""Free-text questions by mention and by direct message, and replies that can never ping anyone."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord, rules
from tests.fakediscord.citedbot import RunningBot, running_bot
from tests.fakediscord.harness import eventually

QUESTION = "how many Armenian soldiers were killed?"


def _text(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def test_mention_in_a_channel_gets_a_reply(
    fake: FakeDiscord, cited: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Mentioning the bot with a question gets a cited reply to it in the channel, and no error is logged."""
    caplog.set_level(logging.WARNING)
    asked = await fake.say(f"<@{fake.bot_user.id}> {QUESTION}")
    (reply,) = await eventually(lambda: fake.bot_messages(fake.guild.channel_id))
    assert str(reply["message_reference"]["message_id"]) == asked["id"]
    assert "49" in _text(reply) and "[1]" in _text(reply)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert_discord_accepted_everything(fake)


async def test_direct_message_gets_a_reply(fake: FakeDiscord, cited: RunningBot) -> None:
    """A direct message needs no mention and is answered in the DM channel."""
    await fake.say(QUESTION, dm=True)
    (reply,) = await eventually(lambda: fake.bot_messages(fake.dm_channel_for(fake.reader)))
    assert "49" in _text(reply)
    assert_discord_accepted_everything(fake)


async def test_channel_message_without_mention_is_ignored(fake: FakeDiscord, cited: RunningBot) -> None:
    """Ordinary chatter in the channel is not answered (and its content is not even delivered)."""
    await fake.say(QUESTION)
    await fake.say(f"<@{fake.bot_user.id}> {QUESTION}")
    await eventually(lambda: fake.bot_messages())
    assert len(fake.bot_messages()) == 1


async def test_everyone_and_role_mentions_ping_nobody(fake: FakeDiscord, cited: RunningBot) -> None:
    """A question with @everyone and a role mention gets replies by mention and by /ask; nothing pings."""
    role = f"<@&{fake.guild.moderator_role_id}>"
    question = f"@everyone {role} @here {QUESTION}"
    await fake.say(f"<@{fake.bot_user.id}> {question}", user=fake.reader)
    await eventually(lambda: fake.bot_messages())
    record = await (await fake.slash("ask", question=question)).answered()
    assert record.bodies()[0]["embeds"]
    bodies = fake.message_bodies()
    assert len(bodies) >= 2
    for request, body in bodies:
        assert body["allowed_mentions"]["parse"] == [], request.path
        assert rules.pings(body, is_reply=bool(body.get("message_reference"))) == []
    assert_discord_accepted_everything(fake)


async def test_small_talk_and_a_follow_up_in_a_direct_message(fake: FakeDiscord, tmp_path: Path) -> None:
    """'hi' gets a greeting from the story file; 'and azerbaijan?' after a question reads as its follow-up."""
    async with running_bot(fake, tmp_path, ask_cooldown_seconds=0) as cited:
        await _greeting_then_follow_up(fake, cited)


async def _greeting_then_follow_up(fake: FakeDiscord, cited: RunningBot) -> None:
    await fake.say("hi", dm=True)
    (greeting,) = await eventually(lambda: fake.bot_messages(fake.dm_channel_for(fake.reader)))
    assert "don't say" not in _text(greeting)
    assert cited.service.engine.kb.story.examples[0] in _text(greeting)
    await fake.say(QUESTION, dm=True)
    await eventually(lambda: len(fake.bot_messages(fake.dm_channel_for(fake.reader))) >= 2 or None)
    await fake.say("and azerbaijan?", dm=True)
    replies = await eventually(lambda: (m := fake.bot_messages(fake.dm_channel_for(fake.reader)))[2:] and m)
    assert "50" in _text(replies[2])
    assert_discord_accepted_everything(fake)
