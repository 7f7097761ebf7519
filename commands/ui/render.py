"""Answers and moderator reports as Discord embeds, always within Discord's limits.

Nothing is cut silently: a long answer or list becomes several pages (the paginator
buttons in commands.ui.views turn them), and a citation longer than a field continues in
the next field. Curated text has mentions neutralised; user text is also escaped
for markdown wherever it is echoed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from knowledge.models import Answer, Citation
from knowledge.presentation import first_pages, more_pages

# Discord's documented limits.
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
BUTTON_LABEL_MAX = 80
LINK_URL_MAX = 512
LINK_BUTTONS_MAX = 5  # one action row

_WEB_ADDRESS = re.compile(r"^https?://[^\s<>]+$", re.IGNORECASE)

# Our own page budget, below the limits, so a page stays readable.
PAGE_TEXT_MAX = 3000
PAGE_FIELDS_MAX = 8
PAGE_TOTAL_MAX = 5500

COLOUR_ANSWERED = discord.Colour.blue()
COLOUR_SILENT = discord.Colour.light_grey()
COLOUR_OK = discord.Colour.green()
COLOUR_REFUSED = discord.Colour.red()

KIND_TITLES = {
    "casualties": "Casualties",
    "quote": "Who said it",
    "speaker": "What they said",
    "response": "International responses",
    "background": "Background",
    "timeline": "Timeline",
    "entity": "Who is who",
    "place": "Places",
    "source": "Sources",
    "qa": "Answer",
    "none": "Not in the sources",
}


# Wider than discord.utils.escape_mentions (which needs 17-20 digit ids): any mention-shaped text.
_MENTION = re.compile(r"@(everyone|here|[!&]?\d+)")


# [text](url): a masked link; shown as its text, so no reply carries a link hidden behind words
# (no "[" inside the text: a run of "[[[[" is scanned in linear time, not quadratic)
_MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?[^)\s]*>?(?:\s+\"[^\"\n]*\")?\s*\)")


# <#channel> and </command:id> mentions (user and role mentions are broken at their @ above)
_ANGLE_MENTION = re.compile(r"<(?=#\d|/[\w -]+:\d)")


def neutralise(text: str) -> str:
    """Curated or engine text: keep its formatting, break any mention syntax with a zero-width space, and
    show masked links as their text."""
    text = _MENTION.sub("@\u200b\\1", _MASKED_LINK.sub(r"\1", text))
    return _ANGLE_MENTION.sub("<\u200b", text)


def escape_user_text(text: str) -> str:
    """User text echoed back: no pings, no markdown tricks."""
    return discord.utils.escape_markdown(neutralise(text))


def ellipsize(text: str, limit: int) -> str:
    """For labels only (titles, button labels): a visible '…' marks the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, line, sentence or word boundaries into chunks of at most ``limit``."""
    text = text.strip()
    chunks: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "; ", ", ", " "):
            cut = window.rfind(sep)
            if cut > limit // 3:
                cut += len(sep)
                break
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks or [""]


def embed_length(embed: discord.Embed) -> int:
    return len(embed)


@dataclass
class _Field:
    name: str
    value: str

    @property
    def size(self) -> int:
        return len(self.name) + len(self.value)


def citation_fields(citation: Citation) -> list[_Field]:
    """A numbered citation: label, outlet, date, then the passage shown for it (its cleaned excerpt); the link
    to its article is a button under the message (:func:`source_links`)."""
    head = f"[{citation.n}] {citation.label or citation.source}"
    meta = [x for x in (citation.outlet, citation.date) if x]
    lines = []
    if meta:
        lines.append(" · ".join(neutralise(m) for m in meta))
    lines.append(f"> {neutralise(citation.excerpt or citation.quote)}")
    body = "\n".join(lines)
    pieces = split_text(body, FIELD_VALUE_MAX - 10)
    fields = [_Field(ellipsize(neutralise(head), FIELD_NAME_MAX), pieces[0])]
    for piece in pieces[1:]:
        fields.append(_Field(ellipsize(f"[{citation.n}] (continued)", FIELD_NAME_MAX), piece))
    return fields


def source_links(answer: Answer) -> list[tuple[str, str]]:
    """(label, url) for a link button per cited article that has a web address, in citation order: at most
    five (one row of buttons). The label is the article's outlet, short on a button, or its label where there
    is no outlet or two articles share one; within a button's 80 characters. Addresses within Discord's 512."""
    cited: dict[str, Citation] = {}
    for citation in answer.citations:
        url = (citation.url or "").strip()
        if citation.source not in cited and _WEB_ADDRESS.match(url) and len(url) <= LINK_URL_MAX:
            cited[citation.source] = citation
    chosen = list(cited.values())[:LINK_BUTTONS_MAX]
    outlets = [c.outlet for c in chosen if c.outlet]
    links = []
    for c in chosen:
        label = c.outlet if c.outlet and outlets.count(c.outlet) == 1 else (c.label or c.outlet or c.source)
        links.append((ellipsize(label, BUTTON_LABEL_MAX), (c.url or "").strip()))
    return links


def _pack(
    title: str, text_chunks: list[str], fields: list[_Field], footer: str
) -> list[tuple[str, list[_Field]]]:
    """Text chunks (one per page, first) and fields (in order) packed into pages within the limits."""
    pages: list[tuple[str, list[_Field]]] = []
    chunks = list(text_chunks)
    pending = list(fields)
    budget_fixed = len(title) + len(footer) + 40  # the footer grows by "page n/m"
    while chunks or pending or not pages:
        text = chunks.pop(0) if chunks else ""
        page_fields: list[_Field] = []
        used = budget_fixed + len(text)
        # Fields go on a page only once the text is done, so the reading order stays intact.
        while (
            not chunks
            and pending
            and len(page_fields) < PAGE_FIELDS_MAX
            and used + pending[0].size <= PAGE_TOTAL_MAX
        ):
            used += pending[0].size
            page_fields.append(pending.pop(0))
        pages.append((text, page_fields))
    return pages


def _embeds(
    title: str, colour: discord.Colour, pages: list[tuple[str, list[_Field]]], footer: str
) -> list[discord.Embed]:
    total = len(pages)
    embeds = []
    for i, (text, page_fields) in enumerate(pages, 1):
        embed = discord.Embed(title=title, description=text or None, colour=colour)
        for f in page_fields:
            embed.add_field(name=f.name, value=f.value, inline=False)
        page_note = f"page {i}/{total}" if total > 1 else ""
        note = ellipsize(" · ".join(x for x in (footer, page_note) if x), FOOTER_MAX)
        if note:  # Discord's docs require a footer's text: set_footer(text=None) would send "footer": {}
            embed.set_footer(text=note)
        embeds.append(embed)
    return embeds


def _paginate(
    title: str, colour: discord.Colour, text_chunks: list[str], fields: list[_Field], footer: str
) -> list[discord.Embed]:
    return _embeds(title, colour, _pack(title, text_chunks, fields, footer), footer)


def _answer_pages(
    title: str, colour: discord.Colour, shown: list[tuple[str, list[Citation]]], footer: str
) -> list[discord.Embed]:
    """Each shown page (its text and the passages it cites) as one embed, or several where it overflows."""
    packed: list[tuple[str, list[_Field]]] = []
    for text, cites in shown:
        fields = [f for c in cites for f in citation_fields(c)]
        packed += _pack(title, split_text(neutralise(text), PAGE_TEXT_MAX), fields, footer)
    return _embeds(title, colour, packed, footer)


def _title(answer: Answer, asked: str | None) -> str:
    kind_title = KIND_TITLES.get(answer.kind, "Answer")
    # cut before escaping: a title shows TITLE_MAX characters, and the escaping regexes need not read more
    return (
        ellipsize(f"{kind_title}: {escape_user_text(asked[:TITLE_MAX])}", TITLE_MAX) if asked else kind_title
    )


def render_answer(
    answer: Answer, *, asked: str | None = None, kb_version: str | None = None
) -> list[discord.Embed]:
    """An Answer as embed pages: the brief with at most three passages, or a listing a handful of entries per
    page; what "More" shows is :func:`render_more`."""
    title = _title(answer, asked)
    shown = first_pages(answer)
    if answer.suggestions and not answer.answered:
        text, cites = shown[0]
        hint = "\n\nDid you mean:\n" + "\n".join(f"• {s.question}" for s in answer.suggestions)
        shown[0] = (text + hint, cites)
    footer_bits = []
    if answer.citations:
        footer_bits.append(f"{len(answer.citations)} source passage(s)")
    if answer.answered:
        footer_bits.append(f"confidence {answer.confidence:.2f}")
    if kb_version:
        footer_bits.append(f"knowledge {kb_version}")
    colour = COLOUR_ANSWERED if answer.answered else COLOUR_SILENT
    return _answer_pages(title, colour, shown, " · ".join(footer_bits))


def render_more(answer: Answer, *, asked: str | None = None) -> list[discord.Embed]:
    """What the "More" button shows: the full answer with every passage (none when nothing is left out)."""
    pages = more_pages(answer)
    if not pages:
        return []
    return _answer_pages(
        ellipsize("More: " + _title(answer, asked), TITLE_MAX),
        COLOUR_ANSWERED,
        pages,
        f"{len(answer.citations)} source passage(s)",
    )


def render_lines(title: str, lines: list[str], *, ok: bool = True, footer: str = "") -> list[discord.Embed]:
    """A report (reload outcome, status, unanswered list) as pages of plain lines."""
    body = "\n".join(neutralise(line) for line in lines)
    colour = COLOUR_OK if ok else COLOUR_REFUSED
    return _paginate(ellipsize(title, TITLE_MAX), colour, split_text(body, PAGE_TEXT_MAX), [], footer)


def message_text(text: str) -> str:
    """Plain message content (errors, notices) within the content limit."""
    return ellipsize(neutralise(text), CONTENT_MAX)
