"""Fixtures for the sink tests: events as a client yields them, and databases to write to.

``db_url`` runs a test on both databases a SqlSink speaks: an SQLite file and a fresh database on
the real PostgreSQL server of the session (``postgres_url`` in tests/conftest.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import tiktoklive_sync as tls
from tiktoklive_sync import testing

ROOM = 7_200_000_000_000_000_001


@pytest.fixture
def room() -> int:
    """The room id of the events ``make_events`` builds."""
    return ROOM


@pytest.fixture
def decode() -> Callable[[Any], tls.Event]:
    """Turn a builder's message (``testing.chat(...)``) into the event a client would yield."""

    def run(message: Any) -> tls.Event:
        return tls.decode_message(message.method, message.payload)

    return run


@pytest.fixture
def make_events(decode: Callable[[Any], tls.Event]) -> Callable[[int], list[tls.Event]]:
    """``make_events(n)``: n comments in room ROOM, each with its own msg_id."""

    def make(count: int, room_id: int = ROOM) -> list[tls.Event]:
        return [decode(testing.chat(f"comment {n}", user=f"viewer{n % 50}", room_id=room_id)) for n in range(count)]

    return make


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'events.db'}"


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A new, empty database on the session's PostgreSQL server; dropped after the test."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database: an SQLite file, then a database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def query() -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
    """``query(url, sql, **params)``: rows of a SELECT, read through a connection of its own."""
    engines: dict[str, sa.Engine] = {}

    def run(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        if url not in engines:
            engines[url] = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engines[url].connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]

    yield run
    for engine in engines.values():
        engine.dispose()
