"""Text normalisation shared by evidence checking and fuzzy matching."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_WS = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.\.\.|\u2026|\[\u2026\]|\(\u2026\)")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def fold_quotes_space(text: str) -> str:
    """Unify quote marks and dashes and collapse whitespace; case and letters are kept."""
    return _WS.sub(" ", text.translate(_QUOTES)).strip()


def verbatim_parts(quote: str) -> list[str]:
    """Split an evidence passage at ellipses into the parts that must each be verbatim."""
    q = fold_quotes_space(quote).strip('"').strip()
    return [p for p in (part.strip(" .\"'") for part in _ELLIPSIS.split(q)) if p]


def is_verbatim(quote: str, folded_source: str) -> bool:
    """True when the parts of ``quote`` (split at ellipses) occur, in that order, in a source already passed
    through fold_quotes_space: an ellipsis leaves words out, it does not rearrange them."""
    parts = verbatim_parts(quote)
    pos = 0
    for part in parts:
        found = folded_source.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return bool(parts)


def strip_accents(text: str) -> str:
    if text.isascii():  # nothing to decompose; skips a per-character loop on most texts
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|</[\w -]{1,100}:\d+>|@(?:everyone|here)\b")
# [text](url), a masked link: its text stays, its hidden target goes. No "[" inside the text, so each
# "[" is scanned only up to the next one (a run of "[[[[" costs linear time, not quadratic).
_MASKED_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\(\s*<?[^)\s]*>?(?:\s+\"[^\"\n]*\")?\s*\)")


def clean_input(text: str, limit: int = 500) -> str:
    """Make user input safe to match: no control or zero-width characters, no chat mentions, bounded length."""
    # far past the limit nothing is read: every step below then works on a bounded text
    text = (text or "")[: limit * 8]
    # undecodable input (lone surrogates from invalid UTF-8) becomes U+FFFD: it can still be printed as JSON
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFKC", text)
    # invisible characters go first, so that "@\u200beveryone" is seen as the mention it renders as
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _MASKED_LINK.sub(r"\1", text)
    text = _MENTION.sub(" ", text)
    text = _WS.sub(" ", text).strip()
    return text[:limit]


_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def normalise(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used as the index's processor."""
    text = strip_accents(fold_quotes_space(text)).lower()
    text = re.sub(r"(?<=\d)[, ](?=\d{3}\b)", "", text)
    return " ".join(_TOKEN.findall(text)).replace("'", "")


def tokens(text: str) -> list[str]:
    return normalise(text).replace("-", " ").split()
