"""A local Discord protocol fake (REST + gateway on loopback) for end-to-end tests of the real bot."""

from tests.fakediscord.interactions import InteractionRecord
from tests.fakediscord.payloads import FakeFile, FakeGuild, FakeUser
from tests.fakediscord.server import FakeDiscord, RecordedRequest, Violation

__all__ = [
    "FakeDiscord",
    "FakeFile",
    "FakeGuild",
    "FakeUser",
    "InteractionRecord",
    "RecordedRequest",
    "Violation",
]
