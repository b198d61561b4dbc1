"""The push server's state: each room's feed of batches, cursors, and what clients sent.

Every room has a feed: an append-only list of entries, each a batch (sent as one gzipped ``msg``
frame) or raw bytes (sent as one binary message, as given). The cursor of entry *i* is
``series base + i + 1``; a restart that loses state starts a new series. :class:`PushFeeds` is
thread-safe: tests push from their thread while the server's loop reads.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult
from ._push_frames import empty_batch, stamp_messages
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord

__all__ = ["CURSOR_SERIES_STEP", "Entry", "Pending", "PushFeeds"]

#: how far apart two cursor series are (a restart with new cursors adds this to every cursor)
CURSOR_SERIES_STEP = 1_000_000
_FIRST_MSG_ID = 7_400_000_000_000_000_001
#: a feed entry: a batch (sent as a gzipped ``msg`` frame), or raw bytes sent as they are
Entry = ProtoMessageFetchResult | bytes


@dataclass(frozen=True)
class Pending:
    """The next entry a connection sends: the entry, its special writer (if any), its log id."""

    entry: Entry
    writer: Any
    log_id: int
    ends_live: bool


class PushFeeds:
    """Feeds, cursor series and records of one push server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._feeds: dict[int, list[Entry]] = {}
        self._writers: dict[tuple[int, int], Any] = {}  # (room, feed index): sent its own way, once
        self._marks: dict[int, int] = {}  # room -> feed index where the current cursor series began
        self.cursor_base = 0
        self._end_ids: set[int] = set()
        self._msg_ids = itertools.count(_FIRST_MSG_ID)
        self._log_ids = itertools.count(1)
        self._heartbeats: list[HeartbeatRecord] = []
        self._acks: list[AckRecord] = []
        self._enters: list[EnterRoomRecord] = []
        self._handshakes: list[HandshakeRecord] = []

    # -- feeds ------------------------------------------------------------------------------------

    def push(self, room_id: int, messages: Iterable[BaseProtoMessage], *, ends_live: bool = False) -> list[int]:
        """Append ``messages`` as one batch; returns their msg_ids (``ends_live``: the live ends with it)."""
        with self._lock:
            batch, ids = stamp_messages(messages, room_id, self._msg_ids)
            self._feeds.setdefault(room_id, []).append(batch)
            if ends_live:
                self._end_ids.update(ids)
        return ids

    def extend(self, room_id: int, entries: Iterable[Entry]) -> int:
        """Append batches or raw frames as they are; returns how many."""
        items = list(entries)
        with self._lock:
            self._feeds.setdefault(room_id, []).extend(items)
        return len(items)

    def forget_before(self, room_id: int, index: int) -> None:
        """Free the entries of ``room_id`` before ``index`` (long runs); a client resuming there gets none."""
        with self._lock:
            feed = self._feeds.setdefault(room_id, [])
            end = max(0, min(index, len(feed)))
            feed[:end] = [empty_batch()] * end

    def write_next_push_with(self, room_id: int, writer: Any) -> None:
        """The next entry pushed to ``room_id`` is written by ``writer``, the first time it is sent."""
        with self._lock:
            self._writers[(room_id, len(self._feeds.setdefault(room_id, [])))] = writer

    def take(self, room_id: int, index: int) -> Pending | None:
        """The entry at ``index`` of ``room_id``'s feed to send now, or None if there is none yet."""
        with self._lock:
            feed = self._feeds.get(room_id, [])
            if index >= len(feed):
                return None
            entry = feed[index]
            ends = not isinstance(entry, bytes) and any(m.msg_id in self._end_ids for m in entry.messages)
            return Pending(entry, self._writers.pop((room_id, index), None), next(self._log_ids), ends)

    def start_index(self, room_id: int, cursor: str, history: int) -> int:
        """The feed index a connection presenting ``cursor`` starts at (``history`` entries early).

        A cursor of the current series resumes after its entry; none, or one of another series,
        starts where the current series began.
        """
        with self._lock:
            size, base = len(self._feeds.get(room_id, [])), self.cursor_base
            after = self._marks.get(room_id, 0)
        if cursor.isdigit() and base <= int(cursor) <= base + size:
            after = int(cursor) - base
        return max(0, after - history)

    def new_series(self) -> None:
        """Cursors from now on are of a new series (a server that lost its state)."""
        with self._lock:
            self.cursor_base += CURSOR_SERIES_STEP
            self._marks = {room: len(feed) for room, feed in self._feeds.items()}

    # -- records ------------------------------------------------------------------------------------

    def record(self, item: HeartbeatRecord | AckRecord | EnterRoomRecord | HandshakeRecord) -> None:
        """Keep what a client sent (or a handshake and its answer)."""
        with self._lock:
            if isinstance(item, HeartbeatRecord):
                self._heartbeats.append(item)
            elif isinstance(item, AckRecord):
                self._acks.append(item)
            elif isinstance(item, EnterRoomRecord):
                self._enters.append(item)
            else:
                self._handshakes.append(item)

    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeats received, oldest first."""
        with self._lock:
            return list(self._heartbeats)

    def acks(self) -> list[AckRecord]:
        """Acks received, oldest first."""
        with self._lock:
            return list(self._acks)

    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received, oldest first."""
        with self._lock:
            return list(self._enters)

    def handshakes(self) -> list[HandshakeRecord]:
        """Handshake attempts, oldest first."""
        with self._lock:
            return list(self._handshakes)
