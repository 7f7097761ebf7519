"""Domain exceptions of the knowledge layer: one module, so transports catch one family."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a knowledge directory: where it is and why."""

    file: str
    item: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.item}]" if self.item else "")
        return f"{where}: {self.reason}"


class KnowledgeError(Exception):
    """Base of every error the knowledge layer raises on purpose."""


class InvalidKnowledgeBase(KnowledgeError):
    """A knowledge directory failed validation; nothing from it was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")


class StoreError(KnowledgeError):
    """The runtime database could not be read or written."""
