"""Every application command, as a sync would send it, respects Discord's documented limits."""

from __future__ import annotations

import re

import discord

from bot.app import build_payloads
from bot.settings import Settings

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
EXPECTED = {"casualties", "who-said", "responses", "background", "timeline", "ask", "sources", "help", "kb"}
MESSAGE_COMMANDS = {"Ask about this message"}
KB_SUBCOMMANDS = {"reload", "check", "status", "unanswered", "upload", "rollback"}
STRING, SUBCOMMAND = 3, 1
CHAT_INPUT, MESSAGE = 1, 3
GUILD_INSTALL, USER_INSTALL = 0, 1
IN_GUILD, IN_BOT_DM, IN_PRIVATE_CHANNEL = 0, 1, 2


async def _chat_payloads(settings: Settings) -> list[dict]:
    return [p for p in await build_payloads(settings) if p.get("type", CHAT_INPUT) == CHAT_INPUT]


def _walk(payloads: list[dict]):
    """(path, payload) for every command, subcommand and option."""
    for cmd in payloads:
        yield cmd["name"], cmd
        for opt in cmd.get("options", []):
            yield f"{cmd['name']} {opt['name']}", opt
            for sub in opt.get("options", []):
                yield f"{cmd['name']} {opt['name']} {sub['name']}", sub


def _size(payload: dict) -> int:
    """Discord counts names, descriptions and choice names/values against a 4,000-character budget."""
    total = len(payload["name"]) + len(payload.get("description", ""))
    for choice in payload.get("choices", []) or []:
        total += len(choice["name"]) + len(str(choice["value"]))
    return total + sum(_size(opt) for opt in payload.get("options", []) or [])


async def test_the_expected_commands_exist(settings: Settings) -> None:
    """The command families and the message command are all registered, and nothing else."""
    payloads = await build_payloads(settings)
    assert {p["name"] for p in payloads if p["type"] == CHAT_INPUT} == EXPECTED
    assert {p["name"] for p in payloads if p["type"] == MESSAGE} == MESSAGE_COMMANDS
    assert len(payloads) == len(EXPECTED) + len(MESSAGE_COMMANDS)
    kb = next(p for p in payloads if p["name"] == "kb")
    assert {o["name"] for o in kb["options"]} == KB_SUBCOMMANDS


async def test_names_descriptions_and_limits(settings: Settings) -> None:
    """Names match Discord's pattern and are unique per level; descriptions, options and choices fit."""
    payloads = await _chat_payloads(settings)
    assert len(payloads) <= 100
    for path, item in _walk(payloads):
        assert NAME.fullmatch(item["name"]), path
        assert 1 <= len(item["description"]) <= 100, path
        options = item.get("options") or []
        assert len(options) <= 25, path
        assert len({o["name"] for o in options}) == len(options), f"duplicate option in {path}"
        assert len(item.get("choices") or []) <= 25, path
        required = [o.get("required", False) for o in options if o["type"] != SUBCOMMAND]
        assert required == sorted(required, reverse=True), f"required options must come first in {path}"
        if item.get("type") == STRING:
            assert 1 <= item.get("max_length", 6000) <= 6000, path
    assert len({p["name"] for p in payloads}) == len(payloads)
    for cmd in payloads:
        assert _size(cmd) <= 4000, cmd["name"]


async def test_free_text_options_are_capped_by_settings(settings: Settings) -> None:
    """Every free-text option is capped at settings.max_question_chars, whatever it is set to."""
    capped = settings.model_copy(update={"max_question_chars": 120})
    payloads = await _chat_payloads(capped)
    strings = [(path, item) for path, item in _walk(payloads) if item.get("type") == STRING]
    assert strings
    for path, item in strings:
        assert item["max_length"] == 120, path


async def test_kb_group_is_hidden_from_non_moderators(settings: Settings) -> None:
    """/kb needs Manage Server by default and is not offered in DMs; the other commands are open."""
    payloads = await build_payloads(settings)
    manage_guild = discord.Permissions(manage_guild=True).value
    for cmd in payloads:
        if cmd["name"] == "kb":
            assert int(cmd["default_member_permissions"]) == manage_guild
            assert cmd["dm_permission"] is False
        else:
            assert cmd["default_member_permissions"] is None, cmd["name"]


async def test_autocompleted_options(settings: Settings) -> None:
    """The options that name things offer autocomplete."""
    payloads = {p["name"]: p for p in await build_payloads(settings)}
    auto = {
        (name, o["name"])
        for name, p in payloads.items()
        for o in p.get("options", [])
        if o.get("autocomplete")
    }
    assert {
        ("who-said", "query"),
        ("responses", "actor"),
        ("background", "topic"),
        ("sources", "source"),
        ("casualties", "side"),
        ("casualties", "event"),
        ("ask", "question"),
    } <= auto


async def test_message_command_fits_discord_limits(settings: Settings) -> None:
    """The message command has a 1-32 character name, no options and no description, as Discord requires."""
    (menu,) = [p for p in await build_payloads(settings) if p["type"] == MESSAGE]
    assert 1 <= len(menu["name"]) <= 32 and not menu.get("options") and not menu.get("description")


async def test_public_commands_install_anywhere_and_kb_stays_in_servers(settings: Settings) -> None:
    """Every command but /kb can be installed to a server or a user's account and used in servers, the bot's
    DMs and private channels; /kb is a server install's, used in servers only."""
    for cmd in await build_payloads(settings):
        if cmd["name"] == "kb":
            assert cmd["integration_types"] == [GUILD_INSTALL] and cmd["contexts"] == [IN_GUILD]
        else:
            assert sorted(cmd["integration_types"]) == [GUILD_INSTALL, USER_INSTALL], cmd["name"]
            assert sorted(cmd["contexts"]) == [IN_GUILD, IN_BOT_DM, IN_PRIVATE_CHANNEL], cmd["name"]
