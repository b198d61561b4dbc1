"""Where a LiveClient stands in a room, so another client (another process) can take over.

A :class:`LiveCheckpoint` holds the room id, the cursor and ``internal_ext`` of the last batch received
and the most recent delivered msg_ids. A client created with ``LiveClient(..., resume=checkpoint)``
enters the room after that cursor and drops the messages already delivered, so a watcher that dies can
be replaced without losing or repeating events (events already written twice are what a sink's
unique key on ``(room_id, msg_id)`` is for).

Example::

    saved = client.checkpoint().to_dict()          # JSON-ready: store it anywhere
    ...
    client = tls.LiveClient(room_id=saved["room_id"], resume=tls.LiveCheckpoint.from_dict(saved))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["LiveCheckpoint"]

#: msg_ids kept in a checkpoint by default (a few seconds of a busy room)
CHECKPOINT_IDS = 2_000


@dataclass(frozen=True)
class LiveCheckpoint:
    """A resumable position in one room's event stream.

    Attributes:
        room_id: the room the position belongs to.
        cursor: the cursor of the last batch received (None before the first batch).
        internal_ext: the ``internal_ext`` of the last batch received, if any.
        recent_msg_ids: the most recently delivered msg_ids, oldest first.
    """

    room_id: int
    cursor: str | None = None
    internal_ext: str | None = None
    recent_msg_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``from_dict`` reads it back)."""
        return {
            "room_id": self.room_id,
            "cursor": self.cursor,
            "internal_ext": self.internal_ext,
            "recent_msg_ids": list(self.recent_msg_ids),
        }

    @classmethod
    def from_dict(cls, data: Any) -> LiveCheckpoint:
        """Read a dict made by :meth:`to_dict`.

        Raises:
            ValueError: ``data`` is not such a dict (a field missing or of the wrong type).
        """
        if not isinstance(data, dict):
            raise ValueError(f"a checkpoint is a dict made by LiveCheckpoint.to_dict(), not {type(data).__name__}")
        room_id = data.get("room_id")
        if isinstance(room_id, bool) or not isinstance(room_id, int) or not 0 < room_id < 2**64:
            raise ValueError(f"checkpoint room_id must be a positive 64-bit int, not {room_id!r}")
        cursor, ext = data.get("cursor"), data.get("internal_ext")
        for name, value in (("cursor", cursor), ("internal_ext", ext)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"checkpoint {name} must be a string or None, not {type(value).__name__}")
        ids = data.get("recent_msg_ids", [])
        if not isinstance(ids, (list, tuple)) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < 2**64 for i in ids
        ):
            raise ValueError("checkpoint recent_msg_ids must be a list of 64-bit msg ids")
        return cls(room_id=room_id, cursor=cursor, internal_ext=ext, recent_msg_ids=tuple(ids))
