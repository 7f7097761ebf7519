"""Command families, one module each, thin: parse, call knowledge/, render.

Every family exposes a transport-agnostic ``TEXT`` command (used by the console)
beside its Discord cog, so the console and Discord give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from knowledge.engine import AnswerEngine
from knowledge.models import Answer
from knowledge.text import clean_input


@dataclass(frozen=True)
class TextCommand:
    """A question command as plain text: ``/name value`` or ``/name option:value ...``."""

    name: str
    summary: str
    options: tuple[str, ...]
    answer: Callable[..., Answer]  # (engine, **options) -> Answer
    required: tuple[str, ...] = ()

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for opt in self.options:
            parts.append(f"{opt}:<…>" if opt in self.required else f"[{opt}:<…>]")
        return " ".join(parts)

    def logged_question(self, options: Mapping[str, str | None]) -> str:
        """The form a question is recorded under, the same for every transport."""
        given = " ".join(f"{k}:{v}" for k, v in options.items() if v)
        return f"/{self.name} {given}".strip()


def text_commands() -> dict[str, TextCommand]:
    from commands import ask, background, casualties, quotes, responses, sources, timeline

    return {
        cmd.name: cmd
        for cmd in (
            casualties.TEXT,
            quotes.TEXT,
            responses.TEXT,
            background.TEXT,
            timeline.TEXT,
            ask.TEXT,
            sources.TEXT,
        )
    }


def clean_option(value: str | None) -> str | None:
    """An option as typed, made safe the way questions are (no control, zero-width or undecodable
    characters, no mention syntax, bounded length) before the engine reads it or an answer echoes it;
    None when nothing is left."""
    return clean_input(value) or None if value else None


def too_long(text: str, limit: int) -> str | None:
    """The refusal for an over-long input, or None."""
    if len(text) > limit:
        return f"Please keep it under {limit} characters (that was {len(text)})."
    return None


__all__ = ["AnswerEngine", "TextCommand", "clean_option", "text_commands", "too_long"]
