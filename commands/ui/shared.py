"""What every Discord command family shares: where a command may be used, autocomplete, sending an answer (and
sharing a private one), capping text options."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands
from discord.ext import commands

from commands.ui.host import Host
from commands.ui.render import (
    TITLE_MAX,
    ellipsize,
    neutralise,
    render_answer,
    render_lines,
    render_more,
    source_links,
)
from commands.ui.views import AnswerView, ShareHandler
from knowledge.loader import read_story
from knowledge.models import Answer, Suggestion

if TYPE_CHECKING:
    from knowledge.engine import CompletionField
    from knowledge.service import KnowledgeService

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
CHOICES_MAX = 25
CHOICE_TEXT_MAX = 100
OPTION_DESCRIPTION_MAX = 100  # Discord's limit on an option's description
# Placeholder max_length of free-text options; replaced by settings.max_question_chars at load.
TEXT_OPTION_MAX = 300


Decorated = TypeVar("Decorated")


def public(command: Decorated) -> Decorated:
    """A command anyone may use anywhere: installed to a server or to a user's own account, and used in servers,
    in direct messages with the bot and in private channels (group DMs), where the bot answers through the
    interaction alone. Moderator commands stay guild-only."""
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)


def bot_of(interaction: discord.Interaction) -> Host:
    return cast(Host, interaction.client)  # the only client these commands are loaded into


def service_of(interaction: discord.Interaction) -> KnowledgeService:
    return bot_of(interaction).service


async def complete(
    interaction: discord.Interaction, field: CompletionField, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete from the engine: at most 25 choices, names and values of at most 100 characters."""
    try:
        found = service_of(interaction).engine.complete(field, current[:CHOICE_TEXT_MAX], limit=CHOICES_MAX)
    except Exception:
        # Autocomplete must answer within the deadline; an empty list beats an error here.
        log.exception("autocomplete for %s failed", field)
        return []
    out: list[app_commands.Choice[str]] = []
    for choice in found[:CHOICES_MAX]:
        name, value = choice.name[:CHOICE_TEXT_MAX], choice.value[:CHOICE_TEXT_MAX]
        if name and value:
            out.append(app_commands.Choice(name=name, value=value))
    return out


async def add_capped_cog(bot: Host, cog: commands.Cog) -> None:
    """Add a command family's cog with its free-text options capped at the configured length and
    described with the story's hints."""
    cap_text_options(cog, bot.settings.max_question_chars)
    service = bot.service
    hint_options(cog, (service.engine.kb.story if service.loaded else read_story(service.directory)).hints)
    await bot.add_cog(cog)


def hint_options(cog: app_commands.Group | object, hints: dict[str, str]) -> None:
    """Add the story's examples to its options' descriptions ("Which event (...); e.g. the 2019 flood"),
    so the descriptions a sync sends speak of the story while the code names none of it. A hint that
    would take a description past Discord's 100 characters is left out, never cut."""
    commands = cog.walk_app_commands() if hasattr(cog, "walk_app_commands") else []
    for cmd in commands:
        params = getattr(cmd, "_params", None)
        if not params:
            continue
        for name, param in list(params.items()):
            hint = hints.get(name, "").strip()
            described = f"{param.description}; e.g. {hint}"
            if hint and len(described) <= OPTION_DESCRIPTION_MAX:
                params[name] = dataclasses.replace(param, description=described)


def cap_text_options(cog: app_commands.Group | object, limit: int) -> None:
    """Set the max_length of the cog's free-text options to the configured question cap.

    discord.py fixes option limits at decoration time; the cap is a setting, so the
    cog's own copy of each parameter is replaced (never the shared class-level one).
    """
    commands = cog.walk_app_commands() if hasattr(cog, "walk_app_commands") else []
    for cmd in commands:
        params = getattr(cmd, "_params", None)
        if not params:
            continue
        for name, param in list(params.items()):
            if param.type is discord.AppCommandOptionType.string and param.max_value == TEXT_OPTION_MAX:
                params[name] = dataclasses.replace(param, max_value=limit)


async def send_answer(
    interaction: discord.Interaction,
    answer: Answer,
    *,
    asked: str | None,
    logged_question: str,
    ephemeral: bool = False,
    shareable: bool = False,
) -> None:
    """Reply with the answer pages and their buttons, then record the question.

    The reply goes first: the interaction has a 3-second deadline and the database
    is not allowed to spend it. The feedback buttons learn the question id afterwards.
    A private (ephemeral) answer that is ``shareable`` carries a Share button.
    """
    if too_late(interaction, "before its answer was rendered"):
        return
    service = service_of(interaction)
    share = sharer(answer, asked=asked, asker=interaction.user) if ephemeral and shareable else None
    pages, view = answer_pages(service, answer, asked=asked, on_share=share)
    await _send_pages(interaction, pages, view, ephemeral=ephemeral)
    view.question_id = await service.record_question(
        answer,
        question=logged_question,
        transport="discord",
        user_id=interaction.user.id,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
    )


def too_late(interaction: discord.Interaction, when: str) -> bool:
    """The interaction is past its 3-second window unacknowledged: render nothing for it (the admission
    logs and counts it), rather than answer into a 404 and then error-handle that."""
    admission = getattr(getattr(bot_of(interaction), "tree", None), "admission", None)
    return admission is not None and admission.too_late(interaction, when)


async def defer_private(interaction: discord.Interaction) -> None:
    """Defer privately ("thinking…") unless the admission already did so for a busy bot."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


def answer_pages(
    service: KnowledgeService,
    answer: Answer,
    *,
    asked: str | None,
    asked_by: str | None = None,
    on_share: ShareHandler | None = None,
) -> tuple[list[discord.Embed], AnswerView]:
    """An answer's embed pages and the view under them (pages, More, suggestions, feedback, Share, a link
    button per cited article); ``asked_by`` names who asked on every page (a shared answer)."""
    pages = render_answer(answer, asked=asked, kb_version=service.engine.kb.version)
    more = render_more(answer, asked=asked)
    if asked_by is not None:
        for embed in (*pages, *more):
            embed.set_author(name=ellipsize(f"Asked by {neutralise(asked_by)}", TITLE_MAX))
    view = AnswerView(
        pages,
        suggestions=answer.suggestions,
        store=service.store,
        more=more,
        on_suggestion=answer_suggestion,
        on_share=on_share,
        links=source_links(answer),
    )
    return pages, view


def sharer(answer: Answer, *, asked: str | None, asker: discord.abc.User) -> ShareHandler:
    """The Share button of a private answer: the same answer, with its citations, posted publicly in the channel
    as the response to the click (so it works where the bot is only installed by the user), naming the asker."""
    name = asker.display_name

    async def share(interaction: discord.Interaction, private: AnswerView) -> None:
        pages, view = answer_pages(service_of(interaction), answer, asked=asked, asked_by=name)
        view.question_id = private.question_id  # votes on the shared copy count for the same question
        await _send_pages(interaction, pages, view, ephemeral=False)

    return share


async def answer_suggestion(interaction: discord.Interaction, suggestion: Suggestion) -> None:
    """A "did you mean" button: answer the suggested question, privately to whoever clicked (with Share)."""
    answer = await service_of(interaction).ask_off_loop(suggestion.question)
    await send_answer(
        interaction,
        answer,
        asked=suggestion.question,
        logged_question=suggestion.question,
        ephemeral=True,
        shareable=True,
    )


async def send_lines(
    interaction: discord.Interaction,
    title: str,
    lines: list[str],
    *,
    ok: bool = True,
    ephemeral: bool = True,
    replace: bool = False,
) -> None:
    """A moderator report, paginated like answers; ``replace``: in place of the deferred reply (which showed
    the work's progress), rather than as a follow-up."""
    pages = render_lines(title, lines, ok=ok)
    await _send_pages(interaction, pages, AnswerView(pages), ephemeral=ephemeral, replace=replace)


async def _send_pages(
    interaction: discord.Interaction,
    pages: list[discord.Embed],
    view: AnswerView,
    *,
    ephemeral: bool,
    replace: bool = False,
) -> None:
    """The first page, with the view's buttons if it has any, as the response or a follow-up (or, ``replace``,
    in place of the deferred reply: its progress text cleared)."""
    if replace and interaction.response.is_done():
        await interaction.edit_original_response(
            content=None, embed=pages[0], view=view if view.has_items else None, allowed_mentions=NO_MENTIONS
        )
    else:
        kwargs: dict[str, Any] = {"embed": pages[0], "ephemeral": ephemeral, "allowed_mentions": NO_MENTIONS}
        if view.has_items:
            kwargs["view"] = view
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
    view.interaction = interaction
    view.private_to = interaction.user.id if ephemeral else None
