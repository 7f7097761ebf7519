"""Fixtures shared by the test packages: a throwaway PostgreSQL server for the tests that need one.

Tests that need the server take ``postgres_server`` (or ``pg_url``, a fresh database on it) and carry the
``postgres`` mark. They are run, never skipped: without the server programs (``make test`` installs them)
the fixture fails with what to install.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests import pgserver


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the throwaway PostgreSQL server (tests/pgserver.py)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pgserver.PostgresServer]:
    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL tests need a server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def pg_url(postgres_server: pgserver.PostgresServer) -> AsyncIterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    url = await postgres_server.create_database()
    yield url
    await postgres_server.drop_database(url)
