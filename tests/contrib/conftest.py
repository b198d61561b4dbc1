"""Fixtures of the fleet tests: a real redis-server, FakeTikTok in its own process, workers and beat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .fleet_support import FakeProcess, Fleet
from .redis_server import INSTALL_HINT, RedisServer, find_redis_server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server on 127.0.0.1:<free port> for the whole session (fails, never skips, without one)."""
    binary = find_redis_server()
    if binary is None:
        pytest.fail(INSTALL_HINT)
    server = RedisServer(binary, tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test (and running: a restart test may have stopped it)."""
    if redis_server.process is None or redis_server.process.poll() is not None:
        redis_server.start()
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def fake_process() -> Iterator[FakeProcess]:
    """FakeTikTok with 6 live rooms in a child process."""
    fake = FakeProcess(6)
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def fleet(redis_url: str, fake_process: FakeProcess, tmp_path: Path) -> Iterator[Fleet]:
    """A fleet (no workers yet) writing to ``tmp_path / "events.db"``; every process is killed after the test."""
    harness = Fleet(redis_url, fake_process, tmp_path, f"sqlite:///{tmp_path / 'events.db'}")
    try:
        yield harness
    finally:
        harness.close()
