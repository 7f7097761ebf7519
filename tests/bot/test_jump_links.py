"""/kb unanswered shows a jump link (https://discord.com/channels/g/c/m) for each question asked in a message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from commands.kb_reports import jump_link, unanswered_report
from knowledge.store import Store


def test_jump_links_for_guild_and_direct_messages() -> None:
    """A guild message links through its guild; a DM through @me; anything missing or odd gives no link."""
    assert jump_link("1", "2", "3") == "https://discord.com/channels/1/2/3"
    assert jump_link(None, "2", "3") == "https://discord.com/channels/@me/2/3"
    assert jump_link("1", "2", None) is None
    assert jump_link("1", None, "3") is None
    assert jump_link("1", "2", "3/../x") is None


async def test_the_unanswered_report_carries_each_question_s_link(tmp_path: Path) -> None:
    """Each line of the report ends with the link to the message the question was last asked in, if any."""
    store = await Store.open(tmp_path / "s.sqlite3")
    try:
        for text, ids in (
            ("who won", ("5", "6", "7")),
            ("in a dm", (None, "8", "9")),
            ("console", (None, None, None)),
        ):
            await store.record_question(
                question=text,
                answered=False,
                kind="none",
                confidence=0.1,
                transport="test",
                guild_id=ids[0],
                channel_id=ids[1],
                message_id=ids[2],
            )
        report = await unanswered_report(SimpleNamespace(store=store), days=1)  # type: ignore[arg-type]
    finally:
        await store.close()
    lines = {line.split(" (last ")[0]: line for line in report.lines[1:]}
    assert lines["1× who won"].endswith(" https://discord.com/channels/5/6/7")
    assert lines["1× in a dm"].endswith(" https://discord.com/channels/@me/8/9")
    assert "https://" not in lines["1× console"]
    assert datetime.now(UTC).strftime("%Y-%m-%d") in lines["1× console"]
