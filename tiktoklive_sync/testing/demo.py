"""A FakeTikTok with a scripted live room, for the ``demo`` command, ``--fake`` and the examples.

``start_demo_fake()`` starts a :class:`FakeTikTok` where ``@demo_creator`` is live (with a stream
and a chatty audience pushing comments, likes, gifts, joins, follows and shares a few times a
second), ``@quiet_creator`` is offline, and ``@age_gated`` is an 18+ room.
"""

from __future__ import annotations

import itertools
import logging
import threading
from types import TracebackType
from typing import Any

from . import builders
from ._fake import FakeTikTok

__all__ = ["DEMO_USER", "OFFLINE_USER", "DemoFake", "start_demo_fake"]

log = logging.getLogger("tiktoklive_sync")

DEMO_USER = "demo_creator"
OFFLINE_USER = "quiet_creator"
AGE_GATED_USER = "age_gated"
DEMO_ROOM_ID = 7_400_000_000_000_000_001

_VIEWERS = [("ana_draws", "Ana"), ("ben.codes", "Ben"), ("chloé", "Chloé ✨"), ("dmitri_88", "Дмитрий")]
_COMMENTS = ["hello from the demo!", "what are you drawing?", "first time here 👋", "love the colours", "GG"]


class DemoFake(FakeTikTok):
    """A FakeTikTok whose demo room receives a scripted stream of events while it runs.

    Args:
        interval: seconds between scripted batches.
    """

    def __init__(self, *, interval: float = 0.4, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.interval = interval
        self._halt = threading.Event()
        self._script: threading.Thread | None = None

    def start(self) -> DemoFake:
        """Start the servers, add the scripted rooms and the audience thread; returns self."""
        super().start()
        self.add_room(DEMO_USER, room_id=DEMO_ROOM_ID, live=True, title="Drawing with chat (demo)",
                      nickname="Demo Creator", user_count=128)
        self.add_room(OFFLINE_USER, live=False, nickname="Quiet Creator")
        self.add_room(AGE_GATED_USER, live=True, age_restricted=True)
        self._halt.clear()
        self._script = threading.Thread(target=self._audience, name="tiktoklive-demo-audience", daemon=True)
        self._script.start()
        return self

    def close(self) -> None:
        """Stop the audience thread and the servers."""
        self._halt.set()
        if self._script is not None:
            self._script.join(timeout=5)
            self._script = None
        super().close()

    def __enter__(self) -> DemoFake:
        return self if self.running else self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _audience(self) -> None:
        """Push one scripted batch per interval until closed."""
        for step in itertools.count():
            if self._halt.wait(self.interval):
                return
            try:
                self.push(DEMO_ROOM_ID, *scripted_batch(step))
            except Exception:  # the fake must keep serving even if a push fails
                log.exception("demo audience: push failed")


def scripted_batch(step: int) -> list[Any]:
    """Return the messages of scripted batch number ``step`` (a cycle of the common event kinds)."""
    unique_id, nickname = _VIEWERS[step % len(_VIEWERS)]
    user = builders.make_user(unique_id, nickname=nickname)
    kind = step % 6
    if kind == 0:
        return [builders.join(user), builders.chat(_COMMENTS[step % len(_COMMENTS)], user)]
    if kind == 1:
        return [builders.like(1 + step % 5, user, total=10 * step)]
    if kind == 2:
        return [builders.gift("Rose", user, repeat_count=1 + step % 3, repeat_end=True)]
    if kind == 3:
        return [builders.follow(user), builders.room_user_seq(120 + step)]
    if kind == 4:
        return [builders.chat(_COMMENTS[(step + 2) % len(_COMMENTS)], user)]
    return [builders.share(user)]


def start_demo_fake(**kwargs: Any) -> DemoFake:
    """Start and return a :class:`DemoFake` (close it, or use it in a ``with`` block)."""
    return DemoFake(**kwargs).start()
