"""Buttons under an answer: page turning, "did you mean" suggestions, 👍/👎 feedback, sharing a private answer,
and a link button per cited article.

One view per reply. Custom ids are short and fixed-shape (``cb:<what>:<arg>``, far
below Discord's 100-character limit); the state lives in the view, so buttons stop
when it times out and are then removed from the message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from commands.ui.errors import report_error
from commands.ui.render import ellipsize
from knowledge.errors import StoreError
from knowledge.models import Suggestion

if TYPE_CHECKING:
    from knowledge.store import Store

log = logging.getLogger(__name__)

VIEW_TIMEOUT_S = 900.0
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
MAX_SUGGESTION_BUTTONS = 5
MAX_LINK_BUTTONS = 5

NO_MENTIONS = discord.AllowedMentions.none()

SuggestionHandler = Callable[[discord.Interaction, Suggestion], Awaitable[None]]
ShareHandler = Callable[[discord.Interaction, "AnswerView"], Awaitable[None]]


class AnswerView(discord.ui.View):
    """Paginator + suggestions + feedback for one answer; any of the three may be absent."""

    def __init__(
        self,
        pages: list[discord.Embed],
        *,
        suggestions: Sequence[Suggestion] = (),
        store: Store | None = None,
        more: Sequence[discord.Embed] = (),
        on_suggestion: SuggestionHandler | None = None,
        on_share: ShareHandler | None = None,
        links: Sequence[tuple[str, str]] = (),
        timeout: float = VIEW_TIMEOUT_S,
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.more = list(more)
        self.page = 0
        # Set once the question is recorded, which happens after the reply is sent.
        self.question_id: int | None = None
        self.private_to: int | None = None  # the one user who sees an ephemeral answer
        self.store = store
        self.on_suggestion = on_suggestion
        self.on_share = on_share
        self.links = list(links)[:MAX_LINK_BUTTONS]
        self.shared = False
        self.message: discord.Message | None = None
        self.interaction: discord.Interaction | None = None
        if len(pages) > 1:
            self._add_paginator()
        if self.more:
            self.add_item(MoreButton())
        if on_suggestion is not None:
            for i, suggestion in enumerate(list(suggestions)[:MAX_SUGGESTION_BUTTONS]):
                self.add_item(SuggestionButton(suggestion, index=i))
        if store is not None:
            self.add_item(FeedbackButton("up"))
            self.add_item(FeedbackButton("down"))
        if on_share is not None:
            self.add_item(ShareButton())
        for label, url in self.links:
            # a link button opens the article in the browser: no interaction reaches the bot
            self.add_item(discord.ui.Button(label=label, url=url, row=3))

    @property
    def has_items(self) -> bool:
        return bool(self.children)

    def _add_paginator(self) -> None:
        self.prev_button = PageButton(-1, label="◀ Previous", custom_id="cb:page:prev", disabled=True)
        self.counter: discord.ui.Button[AnswerView] = discord.ui.Button(
            label=f"1/{len(self.pages)}",
            style=discord.ButtonStyle.secondary,
            custom_id="cb:page:count",
            row=0,
            disabled=True,
        )
        self.next_button = PageButton(+1, label="Next ▶", custom_id="cb:page:next")
        for item in (self.prev_button, self.counter, self.next_button):
            self.add_item(item)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = max(0, min(len(self.pages) - 1, self.page + step))
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = self.page == len(self.pages) - 1
        self.counter.label = f"{self.page + 1}/{len(self.pages)}"
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)

    async def on_timeout(self) -> None:
        # Leave the answer, drop the dead buttons, so nobody clicks into "interaction failed".
        try:
            if self.message is not None:
                await self.message.edit(view=None)
            elif self.interaction is not None:
                await self.interaction.edit_original_response(view=None)
        except discord.HTTPException as exc:
            log.debug("could not remove expired buttons: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error, where=f"button {getattr(item, 'custom_id', item)!r}")


class PageButton(discord.ui.Button["AnswerView"]):
    """◀ Previous or Next ▶: turns the answer's page by ``step``."""

    def __init__(self, step: int, *, label: str, custom_id: str, disabled: bool = False) -> None:
        super().__init__(
            label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id, row=0, disabled=disabled
        )
        self.step = step

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        await self.view._turn(interaction, self.step)


class MoreButton(discord.ui.Button["AnswerView"]):
    """The rest of the answer (every passage, the full quotation, other figures), privately to the clicker,
    so a channel's answer stays short."""

    def __init__(self) -> None:
        super().__init__(label="More", style=discord.ButtonStyle.secondary, custom_id="cb:more", row=0)

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        pages = self.view.more
        view = AnswerView(pages, links=self.view.links)
        kwargs: dict[str, Any] = {"embed": pages[0], "ephemeral": True, "allowed_mentions": NO_MENTIONS}
        if view.has_items:
            kwargs["view"] = view
        await interaction.response.send_message(**kwargs)
        view.interaction = interaction


class SuggestionButton(discord.ui.Button["AnswerView"]):
    def __init__(self, suggestion: Suggestion, *, index: int) -> None:
        super().__init__(
            label=ellipsize(suggestion.question, BUTTON_LABEL_MAX),
            style=discord.ButtonStyle.primary,
            custom_id=f"cb:suggest:{index}",
            row=1,
        )
        self.suggestion = suggestion

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None and self.view.on_suggestion is not None
        await self.view.on_suggestion(interaction, self.suggestion)


class ShareButton(discord.ui.Button["AnswerView"]):
    """Posts a private answer, with its citations, publicly in the channel, attributed to whoever asked."""

    def __init__(self) -> None:
        super().__init__(label="Share", style=discord.ButtonStyle.primary, custom_id="cb:share", row=2)

    async def callback(self, interaction: discord.Interaction) -> None:
        view = self.view
        assert view is not None and view.on_share is not None
        refusal = None
        if view.private_to is not None and interaction.user.id != view.private_to:
            refusal = "Only the person who asked can share this answer."  # a private answer: a forged click
        elif view.shared:
            refusal = "This answer is already shared in the channel."
        if refusal is not None:
            await interaction.response.send_message(refusal, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        view.shared = True
        try:
            await view.on_share(interaction, view)
        except BaseException:
            view.shared = False  # not posted: the asker may try again
            raise


class FeedbackButton(discord.ui.Button["AnswerView"]):
    def __init__(self, vote: str) -> None:
        super().__init__(
            emoji="👍" if vote == "up" else "👎",
            style=discord.ButtonStyle.secondary,
            custom_id=f"cb:vote:{vote}",
            row=2,
        )
        self.vote = vote

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        if self.view.private_to is not None and interaction.user.id != self.view.private_to:
            # only its reader can see a private answer: a click from anyone else was forged
            await interaction.response.send_message(
                "Only the person this answer was shown to can rate it.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        question_id, store = self.view.question_id, self.view.store
        text = "Sorry, I couldn't record your vote right now."
        if question_id is not None and store is not None:
            try:
                # The store keeps votes as +1/-1 and Discord ids as text.
                await store.record_feedback(
                    question_id=question_id,
                    user_id=str(interaction.user.id),
                    vote=1 if self.vote == "up" else -1,
                )
            except StoreError as exc:
                log.error("could not record feedback on question %s: %s", question_id, exc)
            else:
                text = "Thanks, your vote is recorded."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
