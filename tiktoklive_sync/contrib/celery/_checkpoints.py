"""Checkpoints of the lives being watched, kept in Redis so another worker can take over.

A checkpoint is :meth:`LiveCheckpoint.to_dict` as JSON under ``<prefix>:checkpoint:<room_id>``.
Only msg_ids already flushed to the sink go into it (:class:`WrittenIds` filters them): a watcher
killed right after saving loses nothing, because the new owner asks TikTok for everything after the
cursor and drops only what the sink already holds.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import tiktoklive_sync as tls

__all__ = ["CheckpointStore", "WrittenIds", "safe_checkpoint"]

log = logging.getLogger("tiktoklive_sync.fleet")

#: how long an unused checkpoint stays in Redis (a live longer than this starts over)
CHECKPOINT_KEEP_SECONDS = 7 * 24 * 3600


class CheckpointStore:
    """Read and write checkpoints in Redis under ``<prefix>:checkpoint:<room_id>``."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def key(self, room_id: int) -> str:
        """The Redis key of ``room_id``'s checkpoint."""
        return f"{self.prefix}:checkpoint:{room_id}"

    def save(self, checkpoint: tls.LiveCheckpoint) -> None:
        """Store ``checkpoint`` (replacing the previous one).

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        data = json.dumps(checkpoint.to_dict(), separators=(",", ":"))
        self.client.set(self.key(checkpoint.room_id), data, ex=CHECKPOINT_KEEP_SECONDS)

    def load(self, room_id: int) -> tls.LiveCheckpoint | None:
        """Return ``room_id``'s checkpoint, or None if there is none or it does not read back.

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        raw = self.client.get(self.key(room_id))
        if raw is None:
            return None
        try:
            checkpoint = tls.LiveCheckpoint.from_dict(json.loads(raw))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            log.warning("ignoring the unreadable checkpoint of room %d: %s", room_id, exc)
            return None
        return checkpoint if checkpoint.room_id == room_id else None

    def delete(self, room_id: int) -> None:
        """Forget ``room_id``'s checkpoint (the live ended).

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        self.client.delete(self.key(room_id))


class WrittenIds:
    """The most recent msg_ids known to be in the sink (written and flushed), bounded in size."""

    def __init__(self, size: int = 20_000, initial: Iterable[int] = ()) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._pending: list[int] = []
        for msg_id in initial:
            self._add(msg_id)

    def written(self, msg_id: int) -> None:
        """Note that ``msg_id`` was handed to the sink (counted once the sink is flushed)."""
        self._pending.append(msg_id)

    def flushed(self) -> None:
        """Note that the sink was flushed: every id handed to it so far is in the database."""
        for msg_id in self._pending:
            self._add(msg_id)
        self._pending.clear()

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def _add(self, msg_id: int) -> None:
        self._ids[msg_id] = None
        self._ids.move_to_end(msg_id)
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)


def safe_checkpoint(client: tls.LiveClient, written: WrittenIds) -> tls.LiveCheckpoint:
    """The client's checkpoint keeping only msg_ids already in the sink.

    The client remembers a batch's ids as soon as the batch arrives, before its events reach the
    sink; those still in flight are left out, so a new owner receives them again.

    Raises:
        RuntimeError: the client's room id is not known yet.
    """
    checkpoint = client.checkpoint()
    kept = tuple(i for i in checkpoint.recent_msg_ids if i in written)
    return tls.LiveCheckpoint(room_id=checkpoint.room_id, cursor=checkpoint.cursor,
                              internal_ext=checkpoint.internal_ext, recent_msg_ids=kept)
