"""Helpers shared by the LiveClient tests (test_live_client / _reconnect / _stop)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tiktoklive_sync import testing
from tiktoklive_sync.events._base import Event
from tiktoklive_sync.live.client import LiveClient
from tiktoklive_sync.proto.envelope_pb2 import BaseProtoMessage
from tiktoklive_sync.testing import FakeTikTok

#: fast timings, so reconnects and stops take milliseconds (the defaults are seconds)
FAST = {"poll_interval": 0.05, "backoff_initial": 0.02, "backoff_max": 0.2, "connect_timeout": 5.0}
WAIT = 15.0  # generous bound for conditions that normally hold within milliseconds


def chat(text: str, user: str = "alice") -> BaseProtoMessage:
    return testing.chat(text, user=testing.make_user(user, nickname=user.title()))


def client_for(fake: FakeTikTok, **options) -> LiveClient:
    return LiveClient("someone", session=fake.session(), **{**FAST, **options})


class Collector:
    """Runs ``client.events()`` on a thread and keeps what it yields."""

    def __init__(self, client: LiveClient) -> None:
        self.client = client
        self.events: list[Event] = []
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for event in self.client.events():
                with self._cond:
                    self.events.append(event)
                    self._cond.notify_all()
        except BaseException as exc:  # handed to the test
            self.error = exc
        finally:
            with self._cond:
                self._cond.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> bool:
        """Wait (up to WAIT seconds) until ``predicate()`` holds; it may look at the fake as well."""
        deadline = time.monotonic() + WAIT
        with self._cond:
            while not predicate():
                if not self.thread.is_alive() or time.monotonic() > deadline:
                    return predicate()
                self._cond.wait(0.02)
            return True

    def of(self, kind: type[Event]) -> list[Event]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]


def message_ids(events: list[Event]) -> list[int]:
    return [e.msg_id for e in events if e.msg_id]

