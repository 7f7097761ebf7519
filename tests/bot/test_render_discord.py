"""Rendered replies stay within Discord's limits, paginate instead of cutting, and can ping nobody."""

from __future__ import annotations

import re
from types import SimpleNamespace

import discord
import pytest

from bot.client import CitedBot
from bot.settings import Settings
from commands import text_commands
from commands.ui import render as rd
from commands.ui.shared import send_answer
from commands.ui.views import AnswerView
from knowledge.engine import AnswerEngine
from knowledge.loader import DEFAULT_DIR, load_knowledge
from knowledge.models import Answer, Citation, Suggestion
from knowledge.service import KnowledgeService

RAW_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")


def assert_within_limits(embeds: list[discord.Embed]) -> None:
    assert embeds
    for e in embeds:
        assert len(e.title or "") <= rd.TITLE_MAX
        assert len(e.description or "") <= rd.DESCRIPTION_MAX
        assert len(e.fields) <= rd.FIELDS_MAX
        for f in e.fields:
            assert 1 <= len(f.name) <= rd.FIELD_NAME_MAX
            assert 1 <= len(f.value) <= rd.FIELD_VALUE_MAX
        assert len(e.footer.text or "") <= rd.FOOTER_MAX
        assert len(e) <= rd.EMBED_TOTAL_MAX


def embeds_text(embeds: list[discord.Embed]) -> str:
    parts = []
    for e in embeds:
        parts += [e.title or "", e.description or "", e.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in e.fields]
    return "\n".join(parts)


def huge_answer(n_citations: int = 40) -> Answer:
    text = " ".join(
        f"Sentence {i} of a very long answer about the clashes [{i % n_citations + 1}]." for i in range(1500)
    )
    citations = [
        Citation(
            n=i,
            source=f"src{i}",
            quote=("A long verbatim passage. " * (10 + i * 3)).strip(),
            label=f"Article {i}",
            outlet="The Guardian",
            date="2022-09-13",
            url=f"https://example.org/{i}",
        )
        for i in range(1, n_citations + 1)
    ]
    return Answer(
        question="q", answered=True, kind="casualties", answer=text, citations=citations, confidence=0.9
    )


def test_huge_answer_is_paginated_within_every_limit() -> None:
    """A 100k-character answer with 40 long citations becomes pages, each within every embed limit."""
    answer = huge_answer()
    pages = rd.render_answer(answer, asked="x" * 1000, kb_version="abc123")
    assert len(pages) > 1
    assert_within_limits(pages)
    assert all(f"page {i}/{len(pages)}" in p.footer.text for i, p in enumerate(pages, 1))


def test_nothing_is_cut_silently() -> None:
    """Every word of the answer and every citation passage appears, in order, across the pages."""
    answer = huge_answer()
    pages = rd.render_answer(answer)
    body = " ".join(p.description or "" for p in pages)
    assert body.split() == answer.answer.split()
    fields = [f for p in pages for f in p.fields]
    heads = [f.name for f in fields if "(continued)" not in f.name]
    assert heads == [f"[{c.n}] {c.label}" for c in answer.citations]
    assert not any("https://" in f.value for f in fields), "links are buttons, not text"
    for c in answer.citations:
        numbered = [f.value for f in fields if f.name.startswith(f"[{c.n}]")]
        assert " ".join(" ".join(numbered).replace(">", " ").split()).count(" ".join(c.quote.split())) == 1


def test_citations_show_label_outlet_date_and_link() -> None:
    """A numbered citation names its source label, outlet and date; its link is a button, not text."""
    answer = Answer(
        question="q",
        answered=True,
        kind="quote",
        answer="Blinken said it [1].",
        confidence=1.0,
        citations=[
            Citation(
                n=1,
                source="003",
                quote="We urge an end to the fighting.",
                label="The Guardian article",
                outlet="The Guardian",
                date="2022-09-13",
                url="https://www.theguardian.com/x",
            )
        ],
    )
    [page] = rd.render_answer(answer)
    [field] = page.fields
    assert field.name == "[1] The Guardian article"
    assert "The Guardian · 2022-09-13" in field.value
    assert "https://" not in field.value
    assert "We urge an end to the fighting." in field.value
    assert rd.source_links(answer) == [("The Guardian", "https://www.theguardian.com/x")]


async def test_source_links_one_per_article_at_most_five_within_limits() -> None:
    """Link buttons: one per cited article with a web address, in order, at most five, labelled by outlet
    unless two articles share it, labels within 80 characters; articles without an address, or with one
    that isn't http(s), get none."""
    citations = [
        Citation(
            n=i + 1,
            source=f"s{i % 8}",
            quote="q",
            label="L" * 100 if i == 1 else f"Article {i % 8}",
            outlet="Daily" if i in (1, 2) else "Only" if i == 3 else None,
            url=url,
        )
        for i, url in enumerate(
            [f"https://example.org/{i % 8}" for i in range(7)]
            + [None, "javascript:alert(1)", "https://x.org/8"]
        )
    ]
    answer = Answer(question="q", answered=True, kind="qa", answer="a", confidence=1.0, citations=citations)
    links = rd.source_links(answer)
    assert [url for _, url in links] == [f"https://example.org/{i}" for i in range(5)]
    assert [label for label, _ in links][2:] == ["Article 2", "Only", "Article 4"]  # two share "Daily"
    assert links[0][0] == "Article 0" and len(links[1][0]) == 80 and links[1][0].endswith("…")
    view = AnswerView(rd.render_answer(answer), links=links)
    buttons = [c for c in view.children if isinstance(c, discord.ui.Button) and c.url]
    assert [b.url for b in buttons] == [url for _, url in links]
    assert all(b.style is discord.ButtonStyle.link and b.custom_id is None for b in buttons)


def test_mentions_are_neutralised_and_user_text_escaped() -> None:
    """@everyone, user and role mentions never survive; echoed user markdown is escaped."""
    answer = Answer(
        question="q",
        answered=False,
        kind="none",
        confidence=0.0,
        answer="The sources don't say about @everyone or <@123> or <@&456>.",
        suggestions=[Suggestion(question="Did @here say <@!123456789012345678>?")],
        citations=[Citation(n=1, source="s", quote="@everyone look <@&456>", label="@here")],
    )
    pages = rd.render_answer(answer, asked="**bold** @everyone <@&42> `code`")
    text = embeds_text(pages)
    assert not RAW_MENTION.search(text)
    assert "\\*\\*bold\\*\\*" in pages[0].title


def test_masked_links_are_shown_as_their_text() -> None:
    """A masked link typed by a user (echoed in a refusal) or written in curated text never renders live."""
    engine = AnswerEngine(load_knowledge(DEFAULT_DIR))
    refusal = engine.responses("[official statement](https://evil.example/x)")
    curated = Answer(
        question="q",
        answered=True,
        kind="qa",
        confidence=0.9,
        answer='[Azerbaijan](#) said [more](https://example.org "title") [1]',
        citations=[Citation(n=1, source="s", quote="[wrote on Twitter](#) that")],
    )
    for answer in (refusal, curated):
        text = embeds_text(rd.render_answer(answer, asked="q"))
        assert "](" not in text, text
    assert "official statement" in embeds_text(rd.render_answer(refusal, asked="q"))


def test_silent_answer_lists_suggestions() -> None:
    """ "The sources don't say" is shown plainly, with the near questions as text too."""
    answer = Answer(
        question="q",
        answered=False,
        kind="none",
        answer="The sources don't say.",
        confidence=0.0,
        suggestions=[Suggestion(question="How many Armenian soldiers were killed?")],
    )
    [page] = rd.render_answer(answer)
    assert "The sources don't say." in page.description
    assert "How many Armenian soldiers were killed?" in page.description


def test_report_lines_paginate() -> None:
    """A long moderator report (e.g. 500 problems) is split into pages within the limits."""
    lines = [f"• broken.toml [item-{i}]: evidence is not verbatim in src: '{'x' * 80}'" for i in range(500)]
    pages = rd.render_lines("Reload refused", lines, ok=False)
    assert len(pages) > 1
    assert_within_limits(pages)
    bodies = "\n".join(p.description or "" for p in pages)
    assert bodies.count("• broken.toml") == 500


def test_view_buttons_fit_discord_rules() -> None:
    """Pages, suggestions and feedback make at most 5 rows of 5, custom ids ≤ 100, labels ≤ 80."""
    pages = rd.render_answer(huge_answer())
    suggestions = [Suggestion(question="a question that is far too long for a button label " * 5)] * 9
    view = AnswerView(pages, suggestions=suggestions, store=object(), on_suggestion=lambda *_: None)
    ids = [item.custom_id for item in view.children]
    assert len(ids) == len(set(ids)) and all(len(i) <= 100 for i in ids)
    assert all(len(item.label or "") <= 80 for item in view.children)
    assert len(view.children) <= 25
    assert any(i.startswith("cb:vote:") for i in ids) and "cb:page:next" in ids


@pytest.fixture(scope="module")
def shipped_engine() -> AnswerEngine:
    return AnswerEngine(load_knowledge(DEFAULT_DIR))


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("casualties", {}),
        ("casualties", {"side": "armenia"}),
        ("casualties", {"side": "azerbaijan", "event": "2020 war"}),
        ("who-said", {"query": "blinken"}),
        ("who-said", {"query": "the Kremlin"}),
        ("responses", {}),
        ("responses", {"actor": "turkey"}),
        ("background", {}),
        ("background", {"topic": "Nagorno-Karabakh"}),
        ("timeline", {}),
        ("sources", {}),
        ("ask", {"question": "how many Armenian soldiers died?"}),
        ("ask", {"question": "@everyone what did <@&1> say? " + "x" * 280}),
    ],
)
def test_each_handler_renders_within_limits(shipped_engine: AnswerEngine, name: str, options: dict) -> None:
    """Every command's answer on the shipped knowledge base renders within limits, without raw mentions."""
    command = text_commands()[name]
    answer = command.answer(shipped_engine, **options)
    pages = rd.render_answer(answer, asked=" ".join(options.values()) or None, kb_version="v")
    more = rd.render_more(answer)
    assert_within_limits(pages)
    assert bool(more) == answer.more
    if more:
        assert_within_limits(more)
    assert not RAW_MENTION.search(embeds_text(pages + more))
    for c in answer.citations:  # every passage is shown at once or one click away, never lost
        assert f"[{c.n}]" in embeds_text(pages if c.n <= answer.shown else pages + more)
    if not answer.listing:  # a brief: one page with at most three passages
        assert len(pages) == 1 and len(pages[0].fields) <= 3


class _Response:
    def __init__(self) -> None:
        self.sent: list[dict] = []

    def is_done(self) -> bool:
        return bool(self.sent)

    async def send_message(self, **kwargs) -> None:
        assert not self.sent, "responded twice"
        self.sent.append(kwargs)


async def test_send_answer_responds_once_without_mentions(settings: Settings) -> None:
    """send_answer responds exactly once, with allowed mentions none and the buttons attached."""
    service = KnowledgeService(settings.knowledge_dir)
    await service.reload("test")
    bot = SimpleNamespace(service=service)
    response = _Response()
    interaction = SimpleNamespace(
        client=bot, response=response, user=SimpleNamespace(id=1), guild_id=None, channel_id=None
    )
    await send_answer(interaction, huge_answer(), asked="q", logged_question="q")  # type: ignore[arg-type]
    [sent] = response.sent
    mentions = sent["allowed_mentions"]
    assert not (mentions.everyone or mentions.users or mentions.roles or mentions.replied_user)
    assert isinstance(sent["view"], AnswerView) and sent["embed"].footer.text.startswith("40 source")


def test_bot_allows_no_mentions_by_default(settings: Settings) -> None:
    """The client itself is built with allowed mentions none and without privileged intents."""
    bot = CitedBot(settings=settings, service=KnowledgeService(settings.knowledge_dir), store=None)
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert not (mentions.everyone or mentions.users or mentions.roles or mentions.replied_user)
    assert not bot.intents.message_content and not bot.intents.members and not bot.intents.presences
