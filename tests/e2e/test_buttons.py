"""Buttons under answers: page turning, "did you mean" suggestions and feedback votes, through the fake."""

from __future__ import annotations

from tests.e2e.conftest import assert_discord_accepted_everything, table_rows
from tests.fakediscord import FakeDiscord
from tests.fakediscord.citedbot import RunningBot
from tests.fakediscord.harness import eventually

# Questions the articles answer only in part; the engine offers what it can answer instead.
NEAR_MISSES = [
    "how many civilians died in armenia",
    "how many armenian civilians were killed",
    "how many azerbaijani civilians died",
    "casualties of turkey",
]


async def test_pagination_turns_pages_in_place(fake: FakeDiscord, cited: RunningBot) -> None:
    """A long answer has page buttons; Next edits the same message to page 2 and enables Previous."""
    record = await (await fake.slash("timeline")).answered()
    first = record.bodies()[0]
    assert "cb:page:next" in record.custom_ids()
    total = first["embeds"][0]["footer"]["text"].rsplit("/", 1)[1]
    message_id = record.original_message_id
    turn = await (await fake.click(message_id, "cb:page:next")).answered()
    assert turn.callback_type == 7  # UPDATE_MESSAGE: the answer message itself changes
    page = turn.bodies()[0]
    assert page["embeds"][0]["footer"]["text"].endswith(f"page 2/{total}")
    buttons = {c["custom_id"]: c for row in page["components"] for c in row["components"] if "custom_id" in c}
    assert not buttons["cb:page:prev"].get("disabled") and buttons["cb:page:count"]["label"] == f"2/{total}"
    back = await (await fake.click(message_id, "cb:page:prev")).answered()
    assert back.bodies()[0]["embeds"][0]["footer"]["text"].endswith(f"page 1/{total}")
    assert_discord_accepted_everything(fake)


async def test_did_you_mean_button_answers_the_suggestion(fake: FakeDiscord, cited: RunningBot) -> None:
    """An unanswered question offers suggestion buttons; clicking one answers it privately, shareable."""
    engine = cited.service.engine
    question = next((q for q in NEAR_MISSES if engine.ask(q).suggestions), None)
    assert question is not None, "the engine offers no suggestion for any of the near misses"
    suggestion = engine.ask(question).suggestions[0].question
    record = await (await fake.slash("ask", question=question)).answered()
    assert "cb:suggest:0" in record.custom_ids()
    picked = await (await fake.click(record.original_message_id, "cb:suggest:0")).answered()
    assert picked.callback_type == 4 and picked.ephemeral
    assert suggestion[:40].lower() in picked.text().lower().replace("\\", "")
    assert "cb:share" in picked.custom_ids()
    assert_discord_accepted_everything(fake)


async def test_feedback_vote_lands_in_sqlite(fake: FakeDiscord, cited: RunningBot) -> None:
    """Clicking 👍 under an answer thanks the user and stores the vote against that question."""
    record = await (await fake.slash("casualties", side="Armenia")).answered()
    questions = await eventually(lambda: table_rows(cited.database_path, "question"))
    vote = await (await fake.click(record.original_message_id, "cb:vote:up", user=fake.moderator)).answered()
    assert vote.ephemeral and "recorded" in vote.text()
    (row,) = await eventually(lambda: table_rows(cited.database_path, "feedback"))  # written behind the reply
    expected = (questions[-1]["id"], fake.moderator.id, 1)
    assert (row["question_id"], str(row["user_id"]), row["vote"]) == expected
    assert_discord_accepted_everything(fake)


async def test_a_forged_vote_on_someone_elses_private_answer_is_refused(
    fake: FakeDiscord, cited: RunningBot
) -> None:
    """A private answer's 👍 clicked by anyone but its reader records nothing."""
    engine = cited.service.engine
    question = next((q for q in NEAR_MISSES if engine.ask(q).suggestions), None)
    assert question is not None
    record = await (await fake.slash("ask", question=question)).answered()
    picked = await (await fake.click(record.original_message_id, "cb:suggest:0")).answered()
    assert picked.ephemeral
    await eventually(lambda: len(table_rows(cited.database_path, "question")) >= 2 or None)
    forged = await (
        await fake.click(picked.original_message_id, "cb:vote:up", user=fake.moderator)
    ).answered()
    assert "Only the person" in forged.text()
    assert table_rows(cited.database_path, "feedback") == []


async def test_more_shows_the_rest_privately(fake: FakeDiscord, cited: RunningBot) -> None:
    """A free-text answer shows its brief with at most three passages; "More" sends the whole answer, every
    passage cited, privately to whoever clicked."""
    answer = cited.service.engine.ask("how many armenian soldiers were killed")
    assert answer.more and len(answer.citations) > 3
    record = await (await fake.slash("ask", question="how many armenian soldiers were killed")).answered()
    first = record.bodies()[0]["embeds"][0]
    assert len(first.get("fields", [])) <= 3 and "49" in first["description"]
    assert "cb:more" in record.custom_ids()
    more = await (await fake.click(record.original_message_id, "cb:more")).answered()
    assert more.callback_type == 4 and more.ephemeral
    pages = more.bodies()[0]["embeds"]
    assert pages[0]["title"].startswith("More") and "[4]" in pages[0]["description"]
    assert_discord_accepted_everything(fake)
