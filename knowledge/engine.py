"""The answer engine: one question in, one cited Answer out (DESIGN.md's answer contract).

Public API used by every transport (Discord, console, CLI). Work in progress:
the methods below keep their signatures; their bodies are being written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from knowledge.loader import KnowledgeBase
from knowledge.models import Answer

log = logging.getLogger(__name__)

CompletionField = Literal["speaker_or_quote", "actor", "topic", "side", "conflict", "source"]


@dataclass(frozen=True, slots=True)
class Choice:
    """An autocomplete choice: what the user sees and the value sent back."""

    name: str
    value: str


class AnswerEngine:
    """Answers questions from one immutable KnowledgeBase; build a new engine to reload."""

    kb: KnowledgeBase

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def ask(self, question: str) -> Answer:
        """Free text question -> Answer (answered=False when the sources don't say)."""
        return self._none(question)

    def casualties(self, side: str | None = None, conflict: str | None = None) -> Answer:
        """Casualty figures, optionally for one side (name/alias/id) and one conflict."""
        return self._none(f"casualties {side or ''} {conflict or ''}".strip())

    def who_said(self, query: str) -> Answer:
        """Given quoted words: who said them and where. Given a speaker: what they said."""
        return self._none(query)

    def responses(self, actor: str | None = None) -> Answer:
        """International responses, all or by one actor."""
        return self._none(actor or "responses")

    def background(self, topic: str | None = None) -> Answer:
        """Background notes, an overview or one topic."""
        return self._none(topic or "background")

    def timeline(self) -> Answer:
        """What happened when and where, in order."""
        return self._none("timeline")

    def sources(self, source: str | None = None) -> Answer:
        """The articles, with outlet, title, author, date and link where known."""
        return self._none(source or "sources")

    def complete(self, field: CompletionField, current: str, limit: int = 25) -> list[Choice]:
        """Autocomplete choices for a command option (at most ``limit``, names <= 100 chars)."""
        return []

    def _none(self, question: str) -> Answer:
        return Answer(question=question, answered=False, kind="none",
                      answer="The sources don't say.", confidence=0.0)
