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
_S_POSSESSIVE = re.compile(r"(?<=[a-z]s)'s\b")


def normalise(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used as the index's processor."""
    text = strip_accents(fold_quotes_space(text)).lower()
    text = re.sub(r"(?<=\d)[, ](?=\d{3}\b)", "", text)
    # the possessive of a word in -s is the word ("jones's" is "jones", as "smith's" stems to "smith"),
    # not a new word in -ss
    text = _S_POSSESSIVE.sub("", text)
    return " ".join(_TOKEN.findall(text)).replace("'", "")


def tokens(text: str) -> list[str]:
    return normalise(text).replace("-", " ").split()


# --- sentences -------------------------------------------------------------------------------------------
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr gen lt col capt sgt maj adm gov sen rep pres no vs etc approx est dept "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun".split()
)
_OPEN, _CLOSE = "([{", ")]}"


def sentences(text: str, *, lowercase_starts: bool = False) -> list[str]:
    """Split prose into sentences: at . ! ? followed by a space and a capital, digit or quote (or, with
    ``lowercase_starts``, any letter: chat does not capitalise), outside brackets and quotations, not after
    an abbreviation or an initial ("U.S.", "8 p.m.", "Mr.")."""
    out: list[str] = []
    start = depth = 0
    in_quote = False
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "\u201c":
            in_quote = True
        elif ch == "\u201d":
            in_quote = False
        elif ch == '"':
            in_quote = not in_quote
        if ch not in ".!?" or depth or i + 2 >= n:
            continue
        # a sentence may end inside its closing quote: ...the conflict." the minister said
        j = i + 1
        closing = text[j] in "\"\u201d'\u2019" if j < n else False
        if in_quote and not closing:
            continue
        if closing:
            j += 1
        if j >= n or not text[j].isspace():
            continue
        k = j
        while k < n and text[k].isspace():
            k += 1
        if k >= n or not (
            text[k].isupper()
            or text[k].isdigit()
            or text[k] in "\"\u201c'"
            or (lowercase_starts and text[k].isalpha())
        ):
            continue
        if ch == ".":
            # the letters of a word, not a number's ending ("the 1990s." ends a sentence)
            word = re.search(r"(?<![A-Za-z0-9])([A-Za-z.]+)$", text[start:i])
            token = word.group(1).lower() if word else ""
            if word and (token in _ABBREVIATIONS or len(token.replace(".", "")) <= 1 or "." in token):
                continue
        out.append(text[start:j].strip())
        start = k
        in_quote = False
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
