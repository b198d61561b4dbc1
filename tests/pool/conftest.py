"""Shared fixtures of the pool tests: a FakeTikTok, a Session on it, and a pool running on a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.testing import FakeTikTok

#: generous bound for anything a test waits for (a busy 2-core machine)
WAIT = 30.0
#: the pools' check interval in tests: creators going live are found within a fraction of a second
CHECK = 0.2
#: LiveClient settings that reconnect quickly
FAST = tls.LiveSettings(backoff_initial=0.05, backoff_max=0.2, poll_interval=0.05)


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok() as f:
        yield f


@pytest.fixture
def session(fake: FakeTikTok) -> Iterator[tls.Session]:
    with fake.session() as s:
        yield s


class PoolRun:
    """A LivePool running ``run()`` on a thread; every ``(unique_id, event)`` handled is kept."""

    def __init__(self, pool: tls.LivePool, event_type: type = object) -> None:
        self.pool = pool
        self.items: list[tuple[str, Any]] = []
        self._cond = threading.Condition()
        pool.add_handler(event_type, self._keep)
        self.thread = threading.Thread(target=pool.run, name="test-pool-run", daemon=True)
        self.thread.start()

    def _keep(self, unique_id: str, item: Any) -> None:
        with self._cond:
            self.items.append((unique_id, item))
            self._cond.notify_all()

    def of(self, kind: type, unique_id: str | None = None) -> list[Any]:
        """The items of ``kind`` handled so far (of one creator, if given)."""
        with self._cond:
            return [i for u, i in self.items if isinstance(i, kind) and unique_id in (None, u)]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
        """Wait until ``predicate()`` holds (re-checked on every event and every 0.1 s)."""
        end = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.1))
        return True

    def stop(self, timeout: float = WAIT) -> float:
        """Stop the pool and wait for run() to return; returns the seconds it took."""
        start = time.monotonic()
        self.pool.stop()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "run() did not return after stop()"
        return time.monotonic() - start


@pytest.fixture
def start_pool() -> Iterator[Callable[..., PoolRun]]:
    """``start_pool(pool, event_type=object)`` runs the pool on a thread; it is stopped at the end."""
    runs: list[PoolRun] = []

    def start(pool: tls.LivePool, event_type: type = object) -> PoolRun:
        run = PoolRun(pool, event_type)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.stop()
    leftovers = [t.name for t in threading.enumerate() if t.name.startswith("tiktoklive-pool")]
    assert leftovers == [], "pool threads outlived the pool"


def msg_ids(items: list[Any]) -> list[int]:
    return [i.msg_id for i in items if getattr(i, "msg_id", 0)]


@pytest.fixture
def ids_of() -> Callable[[list[Any]], list[int]]:
    """``ids_of(events)``: the msg_ids of the events that have one, in order."""
    return msg_ids


@pytest.fixture
def pool_for(session: tls.Session) -> Callable[..., tls.LivePool]:
    """``pool_for(["a", "b"], **options)``: a LivePool on the fake with quick checks and reconnects."""

    def make(unique_ids: list[str], **options: Any) -> tls.LivePool:
        options.setdefault("session", session)
        options.setdefault("check_interval", CHECK)
        options.setdefault("settings", FAST)
        return tls.LivePool(unique_ids, **options)

    return make
