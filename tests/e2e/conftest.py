"""End-to-end fixtures: the Discord fake on loopback, and the real bot running against it."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakediscord import FakeDiscord, openapi, rules
from tests.fakediscord.citedbot import RunningBot, running_bot

SPEC_VIOLATIONS_EXPECTED = "spec_violations_expected"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SPEC_VIOLATIONS_EXPECTED}: the test sends what Discord's spec refuses on purpose (checks refusals)",
    )


@pytest.fixture(autouse=True)
def spec_conformance(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every request the test sent and every response the fake built conform to Discord's OpenAPI spec
    (tests/fakediscord/openapi.py); set up first, so it also sees what the other fixtures' teardown sends."""
    before = len(openapi.SESSION.violations)
    yield
    new = openapi.SESSION.violations[before:]
    if request.node.get_closest_marker(SPEC_VIOLATIONS_EXPECTED) is not None:
        openapi.SESSION.expected += len(new)
        return
    assert not new, [(v.direction, v.method, v.path, v.status, [str(p) for p in v.problems]) for v in new]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How much the spec checked in this run, and what it cost (printed only if the fake ran)."""
    if openapi.SESSION.requests:
        terminalreporter.write_line(openapi.SESSION.summary())


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; discord.py's REST base and default gateway point at it meanwhile."""
    server = await FakeDiscord().start()
    with server.pointed_at():
        yield server
    await server.close()


@pytest.fixture
async def cited(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """CitedBot with a real KnowledgeService (on a copy of the shipped knowledge) and Store (SQLite file)."""
    async with running_bot(fake, tmp_path) as running:
        yield running


def assert_discord_accepted_everything(fake: FakeDiscord) -> None:
    """Nothing was refused, and no message the bot sent could ping anyone."""
    assert fake.violations == [], [(v.kind, v.path, v.error) for v in fake.violations]
    for request, body in fake.message_bodies():
        creates = request.method == "POST"
        if creates:
            allowed = body.get("allowed_mentions")
            assert allowed is not None and allowed.get("parse") == [], (request.path, allowed)
            assert not allowed.get("users") and not allowed.get("roles") and not allowed.get("replied_user")
        assert rules.pings(body, is_reply=bool(body.get("message_reference"))) == [], (request.path, body)


def table_rows(database: Path, name_part: str) -> list[dict[str, Any]]:
    """Rows of the one table whose name contains ``name_part``, read with plain sqlite3."""
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        names = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name_part in r[0]
        ]
        assert len(names) == 1, f"expected one table named like {name_part!r}, found {names}"
        return [dict(r) for r in db.execute(f'SELECT * FROM "{names[0]}"')]
