"""/ask <question> [private], the "Ask about this message" message command, and free text when the bot is
mentioned or sent a direct message."""

from __future__ import annotations

import asyncio
import logging
import math
import re

import discord
from discord import app_commands
from discord.ext import commands

from commands import TextCommand, clean_option, too_long
from commands.ui.cooldowns import SharedCooldown, SharedCooldownMapping
from commands.ui.host import Host
from commands.ui.render import message_text
from commands.ui.shared import (
    TEXT_OPTION_MAX,
    add_capped_cog,
    answer_pages,
    bot_of,
    complete,
    public,
    send_answer,
    too_late,
)
from knowledge.engine import AnswerEngine
from knowledge.models import Answer

log = logging.getLogger(__name__)

DEFER_AFTER_S = 1.0  # an answer not ready by then is preceded by a deferral (the deadline is 3 s)

NO_MENTIONS = discord.AllowedMentions.none()


def free_text_hint(engine: AnswerEngine) -> str:
    story = engine.kb.story
    example = f", for example \u201c{story.examples[0]}\u201d" if story.examples else ""
    return (
        f"Ask me about {story.name}{example}, or use /casualties, /who-said, /responses, "
        "/background, /timeline or /sources."
    )


async def answer_in_time(
    interaction: discord.Interaction, question: str, *, ephemeral: bool = False
) -> Answer:
    """The answer, worked out off the event loop; if it is slow in coming (a burst of questions queued
    before it), the interaction is deferred first (privately for a private answer) so Discord's 3-second
    deadline is always met."""
    service = bot_of(interaction).service
    pending = asyncio.ensure_future(
        service.ask_off_loop(question, conversation_key(interaction.channel_id, interaction.user.id))
    )
    if interaction.response.is_done():  # deferred while it waited in line
        return await pending
    admission = getattr(getattr(bot_of(interaction), "tree", None), "admission", None)
    wait = DEFER_AFTER_S if admission is None else min(DEFER_AFTER_S, admission.time_to_defer(interaction))
    try:
        return await asyncio.wait_for(asyncio.shield(pending), wait)
    except TimeoutError:
        if not too_late(interaction, "while its answer was worked out"):
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        return await pending


def conversation_key(channel_id: int | None, user_id: int) -> str:
    """Whose follow-ups are read together: one person in one channel (or DM)."""
    return f"{channel_id}:{user_id}"


def answer(engine: AnswerEngine, question: str = "") -> Answer:
    return engine.ask(question)


TEXT = TextCommand(
    name="ask",
    summary="ask a question in your own words",
    options=("question",),
    answer=answer,
    required=("question",),
)


def ask_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    bot = bot_of(interaction)
    per = bot.settings.ask_cooldown_seconds
    return (
        SharedCooldown(1, per, board=bot.cooldowns, scope="ask", user=interaction.user.id)
        if per > 0
        else None
    )


def strip_bot_mention(content: str, bot_id: int) -> str:
    return re.sub(rf"<@!?{bot_id}>", " ", content).strip()


ASK_ABOUT_MESSAGE = "Ask about this message"
NO_TEXT = "That message has no text to ask about."


class Ask(commands.Cog):
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        per = bot.settings.ask_cooldown_seconds
        self._free_text_cooldown = SharedCooldownMapping(bot.cooldowns, "free-text", per) if per > 0 else None
        # one "slow down" notice per person per cooldown window; the messages after it are dropped quietly
        self._cooldown_notice = (
            commands.CooldownMapping.from_cooldown(1, per, commands.BucketType.user) if per > 0 else None
        )
        self.ask_about = public(
            app_commands.ContextMenu(name=ASK_ABOUT_MESSAGE, callback=self.ask_about_message)
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.ask_about)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask_about.name, type=self.ask_about.type)

    @app_commands.command(name="ask", description="Ask a question about the story in your own words")
    @app_commands.describe(
        question="Your question, in your own words",
        private="Only you see the answer (with a button to share it)",
    )
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    @public
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, TEXT_OPTION_MAX],
        private: bool = False,
    ) -> None:
        result = await answer_in_time(interaction, question, ephemeral=private)
        await send_answer(
            interaction, result, asked=question, logged_question=question, ephemeral=private, shareable=True
        )

    @ask.autocomplete("question")
    async def ask_question_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await complete(interaction, "question", current)

    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def ask_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """The message command: the target message's text is the question, answered privately (shareable)."""
        me = self.bot.user
        text = strip_bot_mention(message.content, me.id) if me else message.content
        question = clean_option(text) or ""
        refusal = too_long(text, self.bot.settings.max_question_chars) if question else NO_TEXT
        if refusal is not None:
            await interaction.response.send_message(
                message_text(refusal), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        result = await answer_in_time(interaction, question, ephemeral=True)
        await send_answer(
            interaction, result, asked=question, logged_question=question, ephemeral=True, shareable=True
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        bot = self.bot
        if message.author.bot or bot.user is None:
            return
        in_dm = message.guild is None
        mentioned = any(user.id == bot.user.id for user in message.mentions)
        if not (in_dm or mentioned):
            return
        if (await bot.get_context(message)).valid:
            return  # an owner text command, handled by the command framework
        if self._free_text_cooldown is not None:
            bucket = self._free_text_cooldown.get_bucket(message)
            retry_after = bucket.update_rate_limit() if bucket is not None else None
            if retry_after:
                log.debug("free text from %s rate-limited", message.author.id)
                await self._notify_cooldown(message, retry_after)
                return
        question = strip_bot_mention(message.content, bot.user.id)
        refusal = (
            too_long(question, bot.settings.max_question_chars)
            if question
            else free_text_hint(bot.service.engine)
        )
        if refusal is not None:
            await message.reply(message_text(refusal), mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        service = bot.service
        result = await service.ask_off_loop(question, conversation_key(message.channel.id, message.author.id))
        pages, view = answer_pages(service, result, asked=question)
        # discord.py's overloads type view as View, though send() takes None (its default) as "no view"
        sent = await message.reply(
            embed=pages[0],
            view=view if view.has_items else None,  # type: ignore[arg-type]
            mention_author=False,
            allowed_mentions=NO_MENTIONS,
        )
        view.message = sent
        view.question_id = await service.record_question(
            result,
            question=question,
            transport="discord",
            user_id=message.author.id,
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
            message_id=message.id,  # a jump link in /kb unanswered
        )

    async def _notify_cooldown(self, message: discord.Message, retry_after: float) -> None:
        """Tell the person once per cooldown window that they are going too fast, rather than drop their
        question silently; pinging nobody."""
        bucket = self._cooldown_notice.get_bucket(message) if self._cooldown_notice is not None else None
        if bucket is None or bucket.update_rate_limit():
            return  # already told within this window
        notice = f"Slow down a little: ask again in {max(1, math.ceil(retry_after))} s."
        try:
            await message.reply(message_text(notice), mention_author=False, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:  # a courtesy: not worth an error where the bot may not reply
            log.info("could not send the cooldown notice to %s: %s", message.author.id, exc)


async def setup(bot: Host) -> None:
    await add_capped_cog(bot, Ask(bot))
