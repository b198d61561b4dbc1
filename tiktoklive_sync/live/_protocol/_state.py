"""One client's protocol state in a room (cursor, internal_ext, heartbeats, acks) and the msg_ids delivered."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from itertools import islice

from ...proto.envelope_pb2 import WebcastPushFrame
from ._batches import Batch
from ._frames import build_ack, build_enter_room, build_heartbeat


class RoomState:
    """One client's protocol state in a room: where it stands (cursor, internal_ext) and its heartbeats.

    ``cursor`` and ``internal_ext`` survive reconnects (a new connection resumes after them); the
    heartbeat sequence restarts with every :meth:`enter_room`.
    """

    __slots__ = ("room_id", "cursor", "internal_ext", "heartbeat_seq")

    def __init__(self, room_id: int, *, cursor: str | None = None, internal_ext: str | None = None) -> None:
        self.room_id = room_id
        self.cursor = cursor
        self.internal_ext = internal_ext
        self.heartbeat_seq = 0

    def enter_room(self) -> bytes:
        """Return the enter-room frame (resuming after the cursor, if any) and restart the heartbeats."""
        self.heartbeat_seq = 0
        return build_enter_room(self.room_id, self.cursor or "")

    def heartbeat(self) -> bytes:
        """Return the next heartbeat frame (sequence 1 right after enter-room)."""
        self.heartbeat_seq += 1
        return build_heartbeat(self.room_id, self.heartbeat_seq)

    def remember(self, batch: Batch) -> None:
        """Take the batch's cursor and internal_ext (where a reconnect resumes)."""
        if batch.cursor:
            self.cursor = batch.cursor
        if batch.internal_ext:
            self.internal_ext = batch.internal_ext

    def receive(self, frame: WebcastPushFrame, batch: Batch) -> bytes | None:
        """Remember a received batch; return the ack to send for it, or None if it asks for none."""
        self.remember(batch)
        return build_ack(frame.log_id, batch.internal_ext) if batch.need_ack else None


class RecentIds:
    """A set of at most ``maxsize`` msg_ids that forgets the least recently seen first.

    TikTok repeats recent messages on (re)connect and redelivers batches whose ack was lost
    (PROTOCOL.md 6); this drops the repeats with memory that stays flat. Not thread-safe: one reader
    loop owns it.

    Raises:
        ValueError: ``maxsize`` below 1.
    """

    def __init__(self, maxsize: int = 10_000) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize!r}")
        self.maxsize = maxsize
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def check_and_add(self, msg_id: int) -> bool:
        """Remember ``msg_id``; return True if it was already remembered (a duplicate), False if new."""
        ids = self._ids
        if msg_id in ids:
            ids.move_to_end(msg_id)
            return True
        ids[msg_id] = None
        if len(ids) > self.maxsize:
            ids.popitem(last=False)
        return False

    def recent(self, n: int) -> list[int]:
        """Return the ``n`` most recently seen ids, oldest first."""
        if n <= 0:
            return []
        out = list(islice(reversed(self._ids), n))
        out.reverse()
        return out

    def update(self, ids: Iterable[int]) -> None:
        """Remember every id of ``ids`` (in order, as if each was seen)."""
        for msg_id in ids:
            self.check_and_add(msg_id)

    def clear(self) -> None:
        """Forget every id."""
        self._ids.clear()
