"""The fake's spec check (tests/fakediscord/openapi.py) and the departures from Discord's API it fixed."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord, InteractionRecord, openapi
from tests.fakediscord.interactions import now
from tests.fakediscord.payloads import snowflake

MESSAGES = "/channels/1015000000000000000/messages"
CALLBACK = "/interactions/1015000000000000001/aW50ZXJhY3Rpb24/callback"
COMMANDS = "/applications/1015000000000000002/commands"

ROW = {
    "type": 1,
    "components": [
        {"type": 2, "style": 2, "custom_id": "cb:more", "label": "More"},
        {"type": 2, "style": 3, "custom_id": "cb:up", "emoji": {"name": "👍", "id": None}},
        {"type": 2, "style": 5, "url": "https://example.org/article", "label": "Article"},
    ],
}
EMBED = {
    "title": "Casualties",
    "description": "At least 49 soldiers were killed.",
    "color": 3447003,
    "type": "rich",
    "fields": [{"name": "[1] Source", "value": "> the passage", "inline": False}],
    "footer": {"text": "page 1/2"},
}
GOOD = {
    "messages": ("POST", MESSAGES, {"content": "hi", "embeds": [EMBED], "components": [ROW]}),
    "reply": (
        "POST",
        MESSAGES,
        {
            "content": "an answer",
            "allowed_mentions": {"parse": [], "replied_user": False},
            "message_reference": {"message_id": 1015000000000000009, "channel_id": 1015000000000000000},
        },
    ),
    "answer": ("POST", CALLBACK, {"type": 4, "data": {"embeds": [EMBED], "components": [ROW], "flags": 64}}),
    "defer": ("POST", CALLBACK, {"type": 5, "data": {"flags": 64}}),
    "choices": ("POST", CALLBACK, {"type": 8, "data": {"choices": [{"name": "Russia", "value": "russia"}]}}),
    "commands": (
        "PUT",
        COMMANDS,
        [
            {
                "name": "ask",
                "description": "Ask",
                "type": 1,
                "contexts": [0, 1, 2],
                "integration_types": [0, 1],
            },
            {"name": "kb", "description": "Moderators", "default_member_permissions": "32", "contexts": [0]},
            {"name": "Ask about this message", "type": 3},
        ],
    ),
}
BAD = {
    # name: (method, path, body, where the problem is, the validator's words)
    "footer_text_type": (
        "POST",
        CALLBACK,
        {"type": 4, "data": {"embeds": [{"footer": {"text": 5}}]}},
        ("data", "embeds", 0, "footer", "text"),
        'is not of types "null", "string"',
    ),
    "content_over_4000": ("POST", MESSAGES, {"content": "x" * 4001}, ("content",), "longer than 4000"),
    "button_style": (
        "POST",
        MESSAGES,
        {"components": [{"type": 1, "components": [{"type": 2, "style": 9, "custom_id": "x"}]}]},
        ("components", 0, "components", 0, "style"),
        "9",
    ),
    "reference_id": (
        "POST",
        MESSAGES,
        {"content": "x", "message_reference": {"message_id": "the last one"}},
        ("message_reference", "message_id"),
        "does not match",
    ),
    "callback_type": ("POST", CALLBACK, {"type": 42}, ("type",), "42"),
    "command_name": (
        "PUT",
        COMMANDS,
        [{"name": "n" * 33, "description": "too long a name"}],
        (0, "name"),
        "longer than 32",
    ),
    "query": ("POST", CALLBACK + "?with_response=perhaps", {"type": 6}, ("?with_response",), "boolean"),
}


def _check(method: str, target: str, body: Any) -> list[openapi.SpecProblem]:
    path, _, query = target.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&")) if query else {}
    return openapi.discord_spec().check_request(method, path, params, body, has_body=True)


@pytest.mark.parametrize("case", sorted(GOOD))
def test_a_known_good_body_passes(case: str) -> None:
    """What a well-behaved bot sends (discord.py's integer snowflakes in a reply included) passes."""
    assert _check(*GOOD[case]) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_known_bad_body_is_refused_where_it_is_wrong(case: str) -> None:
    """A body the spec refuses gets a problem at the JSON path of the wrong value, in the validator's words."""
    method, path, body, where, words = BAD[case]
    problems = _check(method, path, body)
    assert [p.path for p in problems] == [where], [str(p) for p in problems]
    assert words in problems[0].message


def test_a_response_missing_what_the_spec_requires_is_caught() -> None:
    """A message object without its id is a departure of the fake's own, found in its response."""
    spec = openapi.discord_spec()
    message = {"channel_id": "1", "content": "", "type": 0}
    problems = spec.check_response("POST", MESSAGES, 200, message, has_body=True)
    assert ("BASE_TYPE_REQUIRED", '"id" is a required property') in {(p.code, p.message) for p in problems}
    assert spec.check_response("POST", CALLBACK, 204, None, has_body=False) == []
    assert spec.check_response("POST", CALLBACK, 201, None, has_body=False)[0].code == "UNDECLARED_STATUS"


def test_a_route_the_spec_lacks_is_unknown() -> None:
    """A path no operation of the spec matches is reported as such, not validated against a neighbour."""
    (problem,) = _check("POST", "/channels/1/not-a-thing", {})
    assert problem.code == "UNKNOWN_ROUTE"


class _Api:
    """An HTTP session on the fake's API: paths relative to its base (aiohttp's own ``base_url`` takes a
    path only from aiohttp 3.10, above the floor the suite runs at)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.base = fake.api_base + "/"
        self.session = aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"})

    async def __aenter__(self) -> _Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    def get(self, path: str, **kw: Any) -> Any:
        return self.session.get(self.base + path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.session.post(self.base + path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.session.put(self.base + path, **kw)


def _session(fake: FakeDiscord) -> _Api:
    return _Api(fake)


@pytest.mark.spec_violations_expected  # sends a body the spec refuses, on purpose
async def test_the_fake_answers_a_spec_violation_with_400_and_records_it(fake: FakeDiscord) -> None:
    """The spec's refusal reaches the bot as Discord's Invalid Form Body and is kept for the session's check."""
    before = len(openapi.SESSION.violations)
    async with _session(fake) as http:
        body = {"embeds": [{"title": "t", "footer": {"text": 5}}]}
        async with http.post(f"channels/{fake.guild.channel_id}/messages", json=body) as resp:
            assert resp.status == 400
            error = await resp.json()
    (problem,) = error["errors"]["embeds"]["0"]["footer"]["text"]["_errors"]
    assert (
        error["code"] == 50035 and problem["code"] == "BASE_TYPE_BAD_TYPE" and "string" in problem["message"]
    )
    assert [v.kind for v in fake.violations] == ["spec_request"]
    (violation,) = openapi.SESSION.violations[before:]
    assert (violation.direction, violation.method) == ("request", "POST")


async def test_the_session_counts_what_it_checked(fake: FakeDiscord) -> None:
    """Each request the fake serves, and each response it builds, is counted with the time spent."""
    requests, responses, seconds = (
        openapi.SESSION.requests,
        openapi.SESSION.responses,
        openapi.SESSION.seconds,
    )
    async with _session(fake) as http:
        async with http.get("users/@me") as resp:
            assert resp.status == 200
    assert (openapi.SESSION.requests, openapi.SESSION.responses) == (requests + 1, responses + 1)
    assert openapi.SESSION.seconds > seconds


def _commands(kind: int, count: int) -> list[dict[str, Any]]:
    if kind == 1:
        return [{"name": f"chat-{i}", "description": "d", "type": 1} for i in range(count)]
    return [{"name": f"Menu {kind} {i}", "type": kind} for i in range(count)]


async def test_bulk_overwrite_takes_100_chat_15_user_and_15_message_commands(fake: FakeDiscord) -> None:
    """130 commands of the documented mix are accepted; one more of a type than it allows is refused."""
    path = f"applications/{fake.application_id}/commands"
    full = _commands(1, 100) + _commands(2, 15) + _commands(3, 15)
    async with _session(fake) as http:
        async with http.put(path, json=full) as resp:
            assert resp.status == 200 and len(await resp.json()) == 130
        for kind, name, limit in ((1, "chat input", 100), (2, "user", 15), (3, "message", 15)):
            async with http.put(path, json=_commands(kind, limit + 1)) as resp:
                error = await resp.json()
                assert resp.status == 400, kind
                assert name in error["errors"]["_errors"][0]["message"]


async def test_synced_commands_are_echoed_as_discord_stores_them(fake: FakeDiscord) -> None:
    """Permissions come back as a string, installs default to a server install, contexts as sent."""
    commands = [
        {"name": "kb", "description": "d", "default_member_permissions": 32, "contexts": [0]},
        {"name": "ask", "description": "d", "integration_types": [0, 1], "contexts": None},
    ]
    async with _session(fake) as http:
        async with http.put(f"applications/{fake.application_id}/commands", json=commands) as resp:
            kb, ask = await resp.json()
    assert (kb["default_member_permissions"], kb["integration_types"], kb["contexts"]) == ("32", [0], [0])
    assert (ask["default_member_permissions"], ask["integration_types"], ask["contexts"]) == (
        None,
        [0, 1],
        None,
    )


async def test_interaction_callback_is_204_unless_with_response(fake: FakeDiscord) -> None:
    """Without with_response Discord answers 204 and no body; with it, the callback object and its message."""
    records = []
    for _ in range(2):
        record = InteractionRecord(
            id=snowflake(), token=snowflake(), type=2, payload={"channel_id": fake.guild.channel_id}
        )
        record.dispatched_at = now()
        fake.interactions[record.id] = fake.by_token[record.token] = record
        records.append(record)
    body = {"type": 4, "data": {"content": "hi", "allowed_mentions": {"parse": []}}}
    async with _session(fake) as http:
        async with http.post(f"interactions/{records[0].id}/{records[0].token}/callback", json=body) as resp:
            assert resp.status == 204 and await resp.read() == b""
        target = f"interactions/{records[1].id}/{records[1].token}/callback?with_response=true"
        async with http.post(target, json=body) as resp:
            answer = await resp.json()
    assert answer["interaction"]["response_message_id"] == records[1].original_message_id
    assert answer["resource"]["type"] == 4 and answer["resource"]["message"]["content"] == "hi"


async def test_application_info_carries_what_the_spec_requires(fake: FakeDiscord) -> None:
    """GET /oauth2/applications/@me answers every field the spec requires (checked by the spec too)."""
    spec = openapi.discord_spec().spec
    required = spec["components"]["schemas"]["PrivateApplicationResponse"]["required"]
    async with _session(fake) as http:
        async with http.get("oauth2/applications/@me") as resp:
            application = await resp.json()
    assert set(required) <= set(application)


async def test_layout_components_at_the_top_with_the_components_v2_flag(fake: FakeDiscord) -> None:
    """A text display and a container of buttons stand at the top of a message flagged IS_COMPONENTS_V2."""
    body = {
        "flags": 1 << 15,
        "components": [
            {"type": 10, "content": "At least 49 soldiers were killed."},
            {"type": 17, "components": [ROW]},
        ],
    }
    async with _session(fake) as http:
        async with http.post(f"channels/{fake.guild.channel_id}/messages", json=body) as resp:
            message = await resp.json()
            assert resp.status == 200, message
    assert [c["id"] for c in message["components"]] == [1, 2]  # numbered as Discord stores them
    assert fake.violations == []
