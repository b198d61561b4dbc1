"""A bounded memory of recently delivered message ids, to drop repeats (PROTOCOL.md 6, "duplicates").

TikTok repeats recent messages when a client (re)connects (``history_comment_count``) and redelivers
batches whose ack was lost. :class:`RecentIds` remembers the last ``maxsize`` ids in insertion
order and forgets the oldest first, so memory stays flat however long a live runs.

Example::

    seen = RecentIds(maxsize=10_000)
    if not seen.check_and_add(message.msg_id):
        deliver(message)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

__all__ = ["RecentIds"]


class RecentIds:
    """A set of at most ``maxsize`` ids that forgets the least recently seen first.

    Not thread-safe: one reader loop owns it.

    Raises:
        ValueError: ``maxsize`` below 1.
    """

    def __init__(self, maxsize: int = 10_000) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize!r}")
        self.maxsize = maxsize
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def check_and_add(self, msg_id: int) -> bool:
        """Remember ``msg_id``.

        Returns:
            True if it was already remembered (a duplicate: drop it), False if it is new.
        """
        if msg_id in self._ids:
            self._ids.move_to_end(msg_id)
            return True
        self._ids[msg_id] = None
        if len(self._ids) > self.maxsize:
            self._ids.popitem(last=False)
        return False

    def recent(self, n: int) -> list[int]:
        """Return the ``n`` most recently seen ids, oldest first."""
        if n <= 0:
            return []
        out: list[int] = []
        for msg_id in reversed(self._ids):
            out.append(msg_id)
            if len(out) >= n:
                break
        out.reverse()
        return out

    def update(self, ids: Iterable[int]) -> None:
        """Remember every id of ``ids`` (in order, as if each was seen)."""
        for msg_id in ids:
            self.check_and_add(msg_id)

    def clear(self) -> None:
        """Forget every id."""
        self._ids.clear()
