"""Helpers for the fault matrix (tests/test_faults_*.py): counting deliveries, dead ports, logs."""

from __future__ import annotations

import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterable

import tiktoklive_sync as tls
from tiktoklive_sync.events._base import Event

#: quick Session retries, so a burst of failures costs milliseconds
FAST_RETRY = tls.RetryPolicy(attempts=3, backoff=0.01, max_wait=2.0, max_seconds=5.0)


def lost_and_duplicated(events: Iterable[Event], pushed: Iterable[int]) -> tuple[list[int], list[int]]:
    """Return (msg_ids pushed but never delivered, msg_ids delivered more than once)."""
    counts = Counter(e.msg_id for e in events if e.msg_id)
    lost = [i for i in pushed if counts[i] == 0]
    return lost, sorted(i for i, n in counts.items() if n > 1)


def closed_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LogWatch(logging.Handler):
    """Keeps every record of the ``tiktoklive_sync`` logger; :meth:`wait_for` blocks on a phrase."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._cond = threading.Condition()
        self._logger = logging.getLogger("tiktoklive_sync")
        self._old_level = self._logger.level

    def __enter__(self) -> LogWatch:
        self._logger.addHandler(self)
        self._logger.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._old_level)

    def emit(self, record: logging.LogRecord) -> None:
        with self._cond:
            self.records.append(record)
            self._cond.notify_all()

    def messages(self, level: int = logging.DEBUG) -> list[str]:
        with self._cond:
            return [r.getMessage() for r in self.records if r.levelno >= level]

    def wait_for(self, phrase: str, timeout: float = 15.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: any(phrase in r.getMessage() for r in self.records), timeout)
