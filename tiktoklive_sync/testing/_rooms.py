"""The fake TikTok's idea of a creator and their room.

A :class:`FakeRoom` is what :meth:`FakeTikTok.add_room` creates and what every page and JSON answer
of the fake is built from. It is a plain mutable dataclass: tests may change fields directly
(``fake.room("someone").user_count = 99``) and the next request sees the change.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field, replace

__all__ = ["FakeRoom", "RoomRegistry", "ROOM_STATUS_LIVE", "ROOM_STATUS_ENDED"]

#: TikTok's room / user status values (PROTOCOL.md 2.1-2.3): 2 = broadcasting, 4 = ended
ROOM_STATUS_LIVE = 2
ROOM_STATUS_ENDED = 4

_FIRST_ROOM_ID = 7_300_000_000_000_000_001
_FIRST_USER_ID = 6_800_000_000_000_000_001


@dataclass
class FakeRoom:
    """A creator on the fake TikTok and their (current or last) live room.

    Attributes:
        unique_id: the @handle, without the @.
        room_id: the live room id (19 digits, like TikTok's).
        user_id: the creator's numeric user id.
        live: True while broadcasting.
        title: the live title.
        nickname: the display name.
        age_restricted: True for an 18+ room (room info answers with ``prompts``).
        user_count: viewers now.
        follower_count, following_count, like_count: figures shown in the answers.
        create_time: when the live started (unix seconds).
    """

    unique_id: str
    room_id: int
    user_id: int
    live: bool = True
    title: str = ""
    nickname: str = ""
    age_restricted: bool = False
    user_count: int = 120
    follower_count: int = 5_400
    following_count: int = 87
    like_count: int = 3_210
    create_time: int = field(default_factory=lambda: int(time.time()) - 600)
    #: True once a live of this room has ended: the next live gets a new room id
    ended_live: bool = field(default=False, repr=False)

    @property
    def status(self) -> int:
        """TikTok's status number for this room: 2 while live, 4 otherwise."""
        return ROOM_STATUS_LIVE if self.live else ROOM_STATUS_ENDED

    @property
    def sec_uid(self) -> str:
        """A stable stand-in for TikTok's opaque ``secUid``."""
        return f"MS4wLjABAAAA{self.user_id:x}"


class RoomRegistry:
    """The fake's rooms, by unique id, room id and user id; safe to use from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_unique: dict[str, FakeRoom] = {}
        self._past: dict[int, FakeRoom] = {}  # room id of an ended live -> that room as it ended
        self._room_ids = itertools.count(_FIRST_ROOM_ID)
        self._user_ids = itertools.count(_FIRST_USER_ID)

    def add(self, unique_id: str, *, room_id: int | None, user_id: int | None, **fields: object) -> FakeRoom:
        """Create (or replace) the room of ``unique_id`` and return it.

        Raises:
            ValueError: an empty unique id, a non-positive id, or a room id another user has.
        """
        key = normalise_unique_id(unique_id)
        with self._lock:
            rid = room_id if room_id is not None else self._fresh_room_id()
            uid = user_id if user_id is not None else next(self._user_ids)
            if rid <= 0 or uid <= 0:
                raise ValueError("room_id and user_id must be positive integers")
            for other in self._by_unique.values():
                if other.room_id == rid and other.unique_id != key:
                    raise ValueError(f"room id {rid} already belongs to @{other.unique_id}")
            room = FakeRoom(unique_id=key, room_id=rid, user_id=uid, **fields)  # type: ignore[arg-type]
            if not room.nickname:
                room.nickname = key.replace("_", " ").title()
            if not room.title:
                room.title = f"{room.nickname}'s LIVE"
            self._by_unique[key] = room
            return room

    def remove(self, unique_id: str) -> FakeRoom | None:
        """Forget ``unique_id``; return the room it had, or None."""
        with self._lock:
            return self._by_unique.pop(normalise_unique_id(unique_id), None)

    def by_unique_id(self, unique_id: str) -> FakeRoom | None:
        """Return the room of ``unique_id`` (case-insensitive, '@' allowed), or None."""
        try:
            key = normalise_unique_id(unique_id)
        except ValueError:
            return None
        with self._lock:
            return self._by_unique.get(key)

    def by_room_id(self, room_id: int | str) -> FakeRoom | None:
        """Return the room with this id, or None (also for ids that are not numbers).

        The id of an ended live of a creator who is live again in a new room gives that ended room
        (not live), as TikTok's room info does for an old room id.
        """
        rid = _to_int(room_id)
        with self._lock:
            current = next((r for r in self._by_unique.values() if r.room_id == rid), None)
            return current if current is not None else self._past.get(rid or 0)

    def by_user_id(self, user_id: int | str) -> FakeRoom | None:
        """Return the room of the user with this numeric id, or None."""
        uid = _to_int(user_id)
        with self._lock:
            return next((r for r in self._by_unique.values() if r.user_id == uid), None)

    def set_live(self, unique_id: str, live: bool) -> FakeRoom | None:
        """Start or end the live of ``unique_id``; returns the room, or None for an unknown user.

        Starting a live after one ended is a new live, as on TikTok: a new room id (the old one
        keeps answering as an ended room) and a new start time.
        """
        key = normalise_unique_id(unique_id)
        with self._lock:
            room = self._by_unique.get(key)
            if room is None:
                return None
            if live and not room.live and room.ended_live:
                self._past[room.room_id] = replace(room)
                room.room_id = self._fresh_room_id()
                room.create_time = int(time.time())
                room.ended_live = False
            elif not live and room.live:
                room.ended_live = True
            room.live = live
            return room

    def _fresh_room_id(self) -> int:
        taken = {r.room_id for r in self._by_unique.values()} | set(self._past)
        rid = next(self._room_ids)
        while rid in taken:
            rid = next(self._room_ids)
        return rid

    def all(self) -> list[FakeRoom]:
        """Return every room, in the order they were added."""
        with self._lock:
            return list(self._by_unique.values())


def normalise_unique_id(unique_id: str) -> str:
    """Return ``unique_id`` without surrounding blanks or a leading '@', lower-cased.

    Raises:
        ValueError: nothing is left.
    """
    key = unique_id.strip().lstrip("@").strip().lower()
    if not key:
        raise ValueError("unique_id must not be empty")
    return key


def _to_int(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None
