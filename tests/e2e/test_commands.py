"""Every slash command of the real bot, answered through the Discord fake."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_discord_accepted_everything
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import RunningBot

QUESTION_COMMANDS = {"casualties", "who-said", "responses", "background", "timeline", "ask", "sources"}


async def test_sync_is_accepted_with_every_command(fake: FakeDiscord, cited: RunningBot) -> None:
    """The bot's command tree passes Discord's sync rules and holds every command family."""
    names = {c["name"] for c in fake.commands[None]}
    assert QUESTION_COMMANDS | {"kb"} <= names
    (sync,) = fake.requests_to("PUT", f"/applications/{fake.application_id}/commands")
    assert sync.status == 200
    assert_discord_accepted_everything(fake)


async def test_casualties_answers_with_the_figure_and_citations(fake: FakeDiscord, cited: RunningBot) -> None:
    """/casualties replies once, in time, with Armenia's 49 and numbered citations."""
    record = await (await fake.slash("casualties")).answered()
    assert record.callback_type == 4 and not record.ephemeral
    (body,) = record.bodies()
    (embed,) = body["embeds"]
    assert "49" in record.text() and "[1]" in record.text()
    assert embed["fields"] and embed["fields"][0]["name"].startswith("[1]")
    assert record.latency < fake.deadline
    assert_discord_accepted_everything(fake)


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("casualties", {"side": "Armenia"}, "49"),
        ("who-said", {"query": "Blinken"}, "Blinken"),
        ("responses", {"actor": "Russia"}, "Russia"),
        ("background", {"topic": "Nagorno-Karabakh"}, "Nagorno-Karabakh"),
        ("timeline", {}, "2022"),
        ("ask", {"question": "how many Armenian soldiers were killed?"}, "49"),
        ("sources", {}, "[5]"),
    ],
)
async def test_question_command_replies(
    fake: FakeDiscord, cited: RunningBot, command: str, options: dict[str, str], expected: str
) -> None:
    """Each question command answers with an embed that carries the expected fact and a citation."""
    record = await (await fake.slash(command, **options)).answered()
    assert record.callback_type == 4
    assert record.bodies()[0]["embeds"], "answers are embeds"
    assert expected in record.text()
    assert "[1]" in record.text()
    assert_discord_accepted_everything(fake)


async def test_unanswerable_question_says_so(fake: FakeDiscord, cited: RunningBot) -> None:
    """A question the articles don't cover gets a plain 'the sources don't say', not a guess."""
    record = await (await fake.slash("ask", question="who won the 2018 world cup?")).answered()
    text = record.text().lower()
    assert "don't" in text or "do not" in text or "not in the sources" in text
    assert_discord_accepted_everything(fake)


@pytest.mark.parametrize(
    ("command", "option", "typed", "expected"),
    [
        ("who-said", "query", "blin", "Blinken"),
        ("casualties", "side", "arm", "Armenia"),
        ("responses", "actor", "rus", "Russia"),
    ],
)
async def test_autocomplete_offers_matching_choices(
    fake: FakeDiscord, cited: RunningBot, command: str, option: str, typed: str, expected: str
) -> None:
    """Autocomplete answers within Discord's limits and offers the entity being typed."""
    record = await (await fake.autocomplete(command, focused=option, **{option: typed})).responded()
    choices = record.choices
    assert 1 <= len(choices) <= 25
    assert any(expected in c["name"] for c in choices)
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert_discord_accepted_everything(fake)


async def test_autocomplete_on_empty_input_is_within_limits(fake: FakeDiscord, cited: RunningBot) -> None:
    """An empty autocomplete query (the user just opened the option) still gets at most 25 choices."""
    record = await (await fake.autocomplete("background", focused="topic", topic="")).responded()
    assert len(record.choices) <= 25
    assert_discord_accepted_everything(fake)


async def test_help_is_private_and_offers_the_story_examples(fake: FakeDiscord, cited: RunningBot) -> None:
    """/help answers only the asker, names the commands, and offers the story file's example questions."""
    record = await (await fake.slash("help")).answered()
    assert record.ephemeral
    text = record.text()
    assert "/casualties" in text and "/who-said" in text
    assert "cb:suggest:0" in record.custom_ids()
    assert_discord_accepted_everything(fake)
