"""Completed gift streaks: one record per gift streak, every gift counted exactly once.

TikTok sends a streakable gift (``gift.type == 1``, e.g. Rose) as a run of messages that share a
``group_id`` with a *cumulative* ``repeat_count``; the last one has ``repeat_end``. Summing the
messages over-counts, and counting only at ``repeat_end`` loses every streak whose last message
never came (a dropped connection, the live ending). :class:`GiftStreaks` follows each streak and
hands out one :class:`GiftStreak` when it ends:

* at ``repeat_end`` (``completed=True``);
* after ``timeout`` seconds without a new message for it (``completed=False``, the last count seen);
* at a ``LiveEndEvent`` of its room, or at :meth:`GiftStreaks.flush` (``completed=False``);
* when its sender starts a new streak of the same gift (``completed=False``).

A gift that is not streakable is one complete streak by itself, handed out at once. A message that
arrives for a streak already handed out (a late ``repeat_end`` after a timeout) adds only the gifts
not counted yet, as a further record; a repeated or older count adds nothing.

Example::

    streaks = tls.GiftStreaks(timeout=10)
    for event in client.events():
        for streak in streaks.feed(event):
            print(streak.unique_id, "sent", streak.count, "x", streak.gift_name, "=", streak.value)
    for streak in streaks.flush():      # whatever was still open when the iterator ended
        ...
"""

from __future__ import annotations

import datetime as _dt
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

from ._records import iso_utc
from .events import GiftEvent, LiveEndEvent

__all__ = ["GiftStreak", "GiftStreaks"]

#: how many handed-out streaks are remembered, to recognise their late messages
_FINISHED_LIMIT = 20_000

_Key = tuple[int, int, int, int]  # room_id, user_id, gift_id, group_id


@dataclass(frozen=True, slots=True)
class GiftStreak:
    """One finished gift streak (or one gift that cannot streak).

    Attributes:
        unique_id: the sender's @handle.
        user_id: the sender's numeric id.
        nickname: the sender's display name.
        gift_id: the gift's id.
        gift_name: the gift's name.
        count: how many of the gift this record counts.
        diamond_count: coins ONE of the gift is worth.
        value: ``count * diamond_count``.
        completed: True when the streak ended with TikTok's ``repeat_end`` (or the gift cannot
            streak); False when it was closed by timeout, live end, a new streak or ``flush()``
            (``count`` is then the last count seen, the best there is).
        started_at: when the streak's first message was created (UTC).
        ended_at: when its last message was created (UTC).
        room_id: the room (0 if the messages did not say).
        group_id: TikTok's id of the streak (0 if the messages did not say).
        msg_id: the msg_id of the last message this record counts (None if it had none).
    """

    unique_id: str
    user_id: int
    nickname: str
    gift_id: int
    gift_name: str
    count: int
    diamond_count: int
    value: int
    completed: bool
    started_at: _dt.datetime
    ended_at: _dt.datetime
    room_id: int = 0
    group_id: int = 0
    msg_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the streak as a flat, JSON-ready record: ``type`` ("GiftStreak"), every attribute,
        and the datetimes as ISO-8601 UTC strings."""
        data = asdict(self)
        data["started_at"] = iso_utc(self.started_at)
        data["ended_at"] = iso_utc(self.ended_at)
        return {"type": "GiftStreak", **data}


class _Open:
    """A streak still running: what its messages said so far."""

    __slots__ = ("event", "base", "count", "started_at", "ended_at", "seen")

    def __init__(self, event: GiftEvent, base: int, count: int, at: _dt.datetime, seen: float) -> None:
        self.event = event
        self.base = base  # gifts of this group already handed out in earlier records
        self.count = count  # the highest cumulative repeat_count seen
        self.started_at = at
        self.ended_at = at
        self.seen = seen  # time.monotonic() of the last message


def _created(event: GiftEvent) -> _dt.datetime:
    return event.created_at or _dt.datetime.now(_dt.timezone.utc)


class GiftStreaks:
    """Turns gift messages into one :class:`GiftStreak` per finished streak.

    Args:
        timeout: seconds without a new message after which an open streak is handed out as not
            completed (10 s by default; TikTok's combo window is a few seconds).

    Raises:
        ValueError: ``timeout`` is not a positive number.

    Safe to use from one feeding thread plus a timer thread calling :meth:`expire`.
    """

    def __init__(self, timeout: float = 10.0) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.timeout = float(timeout)
        self._open: dict[_Key, _Open] = {}
        self._by_sender: dict[tuple[int, int, int], _Key] = {}  # (room, user, gift) -> open key
        self._finished: OrderedDict[_Key, int] = OrderedDict()  # key -> gifts handed out
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of streaks open now."""
        return len(self._open)

    def feed(self, event: Any) -> list[GiftStreak]:
        """Take one event (any kind; only gifts and live ends matter).

        Returns:
            The streaks that ended with this event, plus any that timed out: a ``repeat_end`` or
            one-shot gift gives its streak; a ``LiveEndEvent`` gives every open streak of its room
            (every open streak when it has no room id). Often an empty list.
        """
        if isinstance(event, GiftEvent):
            with self._lock:
                out = self._expire(time.monotonic())
                self._gift(event, out)
                return out
        if isinstance(event, LiveEndEvent):
            with self._lock:
                room = event.room_id
                keys = [key for key in self._open if not room or key[0] in (room, 0)]
                return [self._close(key, completed=False) for key in keys]
        return []

    def expire(self, now: float | _dt.datetime | None = None) -> list[GiftStreak]:
        """Hand out the streaks that had no message for ``timeout`` seconds.

        Args:
            now: the time to judge by: a ``time.monotonic()`` reading, or an aware datetime (wall
                clock); default: now.

        Returns:
            The streaks closed, as not completed.
        """
        if now is None:
            reading = time.monotonic()
        elif isinstance(now, _dt.datetime):
            moment = now if now.tzinfo is not None else now.replace(tzinfo=_dt.timezone.utc)
            reading = time.monotonic() + (moment.timestamp() - time.time())
        else:
            reading = float(now)
        with self._lock:
            return self._expire(reading)

    def flush(self) -> list[GiftStreak]:
        """Hand out every open streak (as not completed), e.g. when a client stops.

        Returns:
            The streaks closed.
        """
        with self._lock:
            return [self._close(key, completed=False) for key in list(self._open)]

    # -- inside the lock ---------------------------------------------------------------------

    def _expire(self, now: float) -> list[GiftStreak]:
        if not self._open:
            return []
        limit = now - self.timeout
        stale = [key for key, item in self._open.items() if item.seen <= limit]
        return [self._close(key, completed=False) for key in stale]

    def _gift(self, event: GiftEvent, out: list[GiftStreak]) -> None:
        raw = event.raw
        room, user, gift = event.room_id, raw.user.id, event.gift_id
        count = max(raw.repeat_count, 1)
        at = _created(event)
        if raw.gift.type != 1:  # not streakable: one complete gift (or a batch of them) per message
            out.append(self._record(event, count, completed=True, started=at, ended=at))
            return
        key = (room, user, gift, raw.group_id)
        item = self._open.get(key)
        if item is None:
            base = self._finished.get(key, 0)
            if count <= base:  # a late or repeated message of a streak already handed out
                return
            sender = (room, user, gift)
            previous = self._by_sender.get(sender)
            if previous is not None and previous in self._open:  # a new streak ends the sender's last one
                out.append(self._close(previous, completed=False))
            item = _Open(event, base, count, at, time.monotonic())
            self._open[key] = item
            self._by_sender[sender] = key
        else:
            if count > item.count:
                item.count = count
                item.event = event
            if at > item.ended_at:
                item.ended_at = at
            item.seen = time.monotonic()
        if event.repeat_end:
            item.event = event
            out.append(self._close(key, completed=True))

    def _close(self, key: _Key, *, completed: bool) -> GiftStreak:
        item = self._open.pop(key)
        if self._by_sender.get(key[:3]) == key:
            del self._by_sender[key[:3]]
        self._finished[key] = item.count
        self._finished.move_to_end(key)
        while len(self._finished) > _FINISHED_LIMIT:
            self._finished.popitem(last=False)
        return self._record(item.event, item.count - item.base, completed=completed,
                            started=item.started_at, ended=item.ended_at)

    @staticmethod
    def _record(event: GiftEvent, count: int, *, completed: bool, started: _dt.datetime,
                ended: _dt.datetime) -> GiftStreak:
        raw = event.raw
        diamonds = raw.gift.diamond_count
        return GiftStreak(
            unique_id=raw.user.display_id, user_id=raw.user.id, nickname=raw.user.nickname,
            gift_id=event.gift_id, gift_name=raw.gift.name, count=count, diamond_count=diamonds,
            value=count * diamonds, completed=completed, started_at=started, ended_at=ended,
            room_id=event.room_id, group_id=raw.group_id, msg_id=event.msg_id or None,
        )
