"""What every question handler is given: the knowledge base and the parts built over it, once per engine."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.compose import Composer
from knowledge.loader import KnowledgeBase
from knowledge.lookups import Lookups
from knowledge.overviews import Overviews
from knowledge.resolver import NameResolver
from knowledge.retrieval import ItemRetriever


@dataclass(frozen=True)
class HandlerParts:
    """The engine's parts a handler reads: built before the handlers, never the engine itself."""

    kb: KnowledgeBase
    compose: Composer
    retriever: ItemRetriever
    names: NameResolver
    lookups: Lookups
    overviews: Overviews


class Handler:
    """Base of the question handlers: short names for the parts they use everywhere."""

    def __init__(self, parts: HandlerParts) -> None:
        self.parts = parts
        self.kb = parts.kb
        self.c = parts.compose
        self.r = parts.retriever
        self.names = parts.names
        self.look = parts.lookups
        self.overviews = parts.overviews


__all__ = ["Handler", "HandlerParts"]
