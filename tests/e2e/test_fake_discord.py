"""The Discord fake itself, driven by a bare discord.py client: protocol, limits and failure answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakediscord import FakeDiscord, rules
from tests.fakediscord.harness import eventually, running
from tests.fakediscord.loadbench import percentile


class EchoBot(discord.Client):
    """The smallest client that exercises every kind of interaction response."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.errors: list[discord.HTTPException] = []
        self.seen_messages: list[discord.Message] = []
        self.choice_count = 5
        self.reply_delay = 0.0
        tree = self.tree

        @tree.command(description="Say something back")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await asyncio.sleep(self.reply_delay)
            try:
                await interaction.response.send_message(text)
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(description="Answer twice, which Discord refuses")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("one")
            try:
                # discord.py refuses a second response itself; go around it as a buggy bot would.
                await interaction._state.http.request(
                    discord.http.Route(
                        "POST", "/interactions/{i}/{t}/callback", i=interaction.id, t=interaction.token
                    ),
                    json={"type": 4, "data": {"content": "two"}},
                )
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(description="Think, then follow up and edit")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="edited")
            await interaction.followup.send("followed up")

        async def suggest(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [
                app_commands.Choice(name=f"{current} {i}", value=str(i)) for i in range(self.choice_count)
            ]

        @tree.command(description="Pick with autocomplete")
        @app_commands.autocomplete(query=suggest)
        async def pick(interaction: discord.Interaction, query: str) -> None:
            await interaction.response.send_message(query)

    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message)


@pytest.fixture
async def echo_bot(fake: FakeDiscord) -> AsyncIterator[EchoBot]:
    client = EchoBot()
    async with running(client, fake):
        await client.tree.sync()
        yield client


async def test_login_and_ready_match_the_fake(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """Login, READY and GUILD_CREATE give the client the fake's user, application and guild."""
    assert echo_bot.user is not None and str(echo_bot.user.id) == fake.bot_user.id
    assert str(echo_bot.application_id) == fake.application_id
    guild = echo_bot.get_guild(int(fake.guild.id))
    assert guild is not None and guild.get_role(int(fake.guild.moderator_role_id)).name == "Moderators"
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    # Transport compression as discord.py asked for it: zlib-stream, or zstd-stream with a zstd module.
    assert fake.gateway.connections[0].compress == discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert fake.gateway.heartbeats >= 1  # discord.py beats right after HELLO; the fake ACKs
    assert {c["name"] for c in fake.commands[None]} == {"echo", "twice", "slow", "pick"}


async def test_reply_deferral_edit_and_followup(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """A plain reply, and a deferral followed by an edit of @original and a follow-up, are all recorded."""
    record = await (await fake.slash("echo", text="hello")).answered()
    assert record.text() == "hello" and record.latency is not None and record.latency < fake.deadline
    slow = await fake.slash("slow")
    await slow.answered()
    await eventually(lambda: slow.followups)
    assert slow.callback_type == 5 and [b.get("content") for b in slow.bodies()] == ["edited", "followed up"]
    assert fake.violations == []


async def test_second_initial_response_is_refused(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """A second initial response gets Discord's 400 code 40060 and is recorded as a violation."""
    await (await fake.slash("twice")).answered()
    await eventually(lambda: echo_bot.errors)
    assert [(e.status, e.code) for e in echo_bot.errors] == [(400, 40060)]
    assert [v.kind for v in fake.violations] == ["double_response"]


async def test_late_response_is_an_unknown_interaction(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """A response after the deadline gets 404 code 10062, as Discord answers after 3 seconds."""
    fake.deadline, echo_bot.reply_delay = 0.1, 0.3  # a short deadline keeps this test fast
    await fake.slash("echo", text="too late")
    await eventually(lambda: echo_bot.errors)
    assert [(e.status, e.code) for e in echo_bot.errors] == [(404, 10062)]
    assert [v.kind for v in fake.violations] == ["deadline"]


@pytest.mark.spec_violations_expected  # a body Discord refuses, on purpose
async def test_too_long_content_is_invalid_form_body(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """Content over 2,000 characters is refused with 50035 and the error under data.content."""
    await fake.slash("echo", text="x" * 2001)
    await eventually(lambda: echo_bot.errors)
    assert echo_bot.errors and echo_bot.errors[0].code == 50035
    (problem,) = fake.violations[0].error["errors"]["data"]["content"]["_errors"]
    assert problem["code"] == "BASE_TYPE_MAX_LENGTH"


@pytest.mark.spec_violations_expected  # a body Discord refuses, on purpose
async def test_autocomplete_choice_limit(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """25 autocomplete choices are accepted; 26 are refused with 50035."""
    ok = await (await fake.autocomplete("pick", focused="query", query="arm")).responded()
    echo_bot.choice_count = 25
    assert len(ok.choices) == 5 and ok.choices[0]["name"] == "arm 0"
    full = await (await fake.autocomplete("pick", focused="query", query="a")).responded()
    assert len(full.choices) == 25
    echo_bot.choice_count = 26
    await fake.autocomplete("pick", focused="query", query="b")
    await eventually(lambda: fake.violations)
    error = fake.violations[0].error
    assert error["code"] == 50035 and "choices" in error["errors"]["data"]


async def test_resume_replays_what_was_missed(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """After the socket drops, the client RESUMEs on resume_gateway_url and gets the missed interaction."""
    await fake.drop_gateway()
    record = await fake.slash("echo", text="sent while disconnected")
    await record.answered()
    assert record.text() == "sent while disconnected"
    assert len(fake.gateway.identify_payloads) == 1  # resumed, not re-identified
    (resume,) = fake.gateway.resume_payloads
    assert resume["path"] == fake.gateway.RESUME_PATH and resume["session_id"] == fake.gateway.current.id
    assert fake.violations == []


async def test_message_content_needs_intent_unless_mentioned(fake: FakeDiscord, echo_bot: EchoBot) -> None:
    """Without the message-content intent a guild message arrives empty, unless it mentions the bot."""
    await fake.say("plain words")
    await fake.say(f"<@{fake.bot_user.id}> how many died?")
    await fake.say("a direct message", dm=True)
    await eventually(lambda: len(echo_bot.seen_messages) == 3)
    assert [m.content for m in echo_bot.seen_messages] == [
        "",
        f"<@{fake.bot_user.id}> how many died?",
        "a direct message",
    ]
    assert echo_bot.seen_messages[2].guild is None


BROKEN_BODIES = {
    "content": ({"content": "x" * 2001}, ["content"]),
    "title": ({"embeds": [{"title": "t" * 257}]}, ["embeds", "0", "title"]),
    "description": ({"embeds": [{"description": "d" * 4097}]}, ["embeds", "0", "description"]),
    "fields": ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, ["embeds", "0", "fields"]),
    "field_value": (
        {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
        ["embeds", "0", "fields", "0", "value"],
    ),
    "footer": ({"embeds": [{"footer": {"text": "f" * 2049}}]}, ["embeds", "0", "footer", "text"]),
    "author": ({"embeds": [{"author": {"name": "a" * 257}}]}, ["embeds", "0", "author", "name"]),
    # the docs require a footer's text, the spec doesn't (what set_footer(text=None) sends)
    "footer_without_text": ({"embeds": [{"title": "t", "footer": {}}]}, ["embeds", "0", "footer", "text"]),
    # layout components stand at the top only in a message flagged IS_COMPONENTS_V2
    "top_level_text": ({"components": [{"type": 10, "content": "words"}]}, ["components", "0", "type"]),
    "total": ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, ["embeds"]),
    "custom_id": (
        {
            "components": [
                {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "c" * 101}]}
            ]
        },
        ["components", "0", "components", "0", "custom_id"],
    ),
    "rows": (
        {
            "components": [
                {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": f"r{i}"}]}
                for i in range(6)
            ]
        },
        ["components"],
    ),
    "buttons": (
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "x", "custom_id": f"b{i}"} for i in range(6)
                    ],
                }
            ]
        },
        ["components", "0", "components"],
    ),
}


@pytest.mark.spec_violations_expected  # a body Discord refuses, on purpose
@pytest.mark.parametrize("case", sorted(BROKEN_BODIES))
async def test_message_limits_answer_invalid_form_body(fake: FakeDiscord, case: str) -> None:
    """Each documented message limit, broken by one, gets HTTP 400 / 50035 with the error at its path."""
    body, path = BROKEN_BODIES[case]
    url = f"{fake.api_base}/channels/{fake.guild.channel_id}/messages"
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
        async with http.post(url, json=body) as resp:
            error = await resp.json()
            assert resp.status == 400
        async with http.post(url, json={"content": "fine", "embeds": [{"title": "t" * 256}]}) as resp:
            assert resp.status == 200
    assert error["code"] == 50035 and error["message"] == "Invalid Form Body"
    node = error["errors"]
    for part in path:
        node = node[part]
    assert node["_errors"]


def test_pings_follow_allowed_mentions() -> None:
    """Without allowed_mentions everything in the content pings; with parse=[] nothing does."""
    content = "@everyone <@123> <@&456>"
    assert rules.pings({"content": content}, is_reply=True) == [
        "everyone",
        "user:123",
        "role:456",
        "replied_user",
    ]
    assert rules.pings({"content": content, "allowed_mentions": {"parse": []}}, is_reply=True) == []
    assert rules.pings({"content": content, "allowed_mentions": {"parse": ["roles"]}}) == ["role:456"]


def test_benchmark_percentiles_are_nearest_rank() -> None:
    """The load benchmark's p50/p99 are nearest-rank percentiles."""
    values = [float(v) for v in range(1, 501)]
    assert (percentile(values, 50), percentile(values, 99), percentile([7.0], 99)) == (250.0, 495.0, 7.0)
