"""The client's own events (not sent by TikTok): connected, disconnected; and the client's counters.

:class:`ConnectEvent` comes first from every successful connection (``reconnect=True`` after a
drop), :class:`DisconnectEvent` whenever a connection ends (``reconnecting`` says whether the client
will try again). Both are :class:`~tiktoklive_sync.events._base.Event` subclasses, so a handler for
``Event`` sees them too; they carry no protobuf message (``raw`` is None, ``msg_id`` is 0).

Example::

    @client.on(tls.DisconnectEvent)
    def dropped(event):
        log.warning("lost room %s: %s (retrying: %s)", event.room_id, event.reason, event.reconnecting)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ._base import Event

__all__ = ["ConnectEvent", "DisconnectEvent", "LiveStats"]


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True)
class ConnectEvent(Event):
    """The client is connected to the room's push server and has entered the room.

    Attributes:
        unique_id: the creator's @handle, if the client was given one.
        room_id: the room.
        mode: how the client got in: ``"direct"`` or ``"sign"``.
        reconnect: True if this connection replaces one that dropped.
    """

    unique_id: str | None
    room_id: int = field()  # field(): the base class's room_id property is not a default
    mode: str
    reconnect: bool = False
    create_time: int = field(default_factory=_now_ms, repr=False)
    msg_id: int = field(default=0, repr=False)
    method: str = field(default="ConnectEvent", repr=False)
    raw: Any = field(default=None, repr=False)

    @property
    def display_text(self) -> str:
        """A one-line description."""
        return f"connected to room {self.room_id} ({self.mode})"


@dataclass(frozen=True, slots=True)
class DisconnectEvent(Event):
    """A connection to the push server ended.

    Attributes:
        room_id: the room.
        reason: what happened (``"stopped"``, ``"live ended"``, a close reason, ``"stale socket"``...).
        code: the WebSocket close code, if the server sent one.
        reconnecting: True if the client will reconnect; False if the iterator ends now.
    """

    room_id: int = field()
    reason: str
    code: int | None = None
    reconnecting: bool = False
    create_time: int = field(default_factory=_now_ms, repr=False)
    msg_id: int = field(default=0, repr=False)
    method: str = field(default="DisconnectEvent", repr=False)
    raw: Any = field(default=None, repr=False)

    @property
    def display_text(self) -> str:
        """A one-line description."""
        return f"disconnected from room {self.room_id}: {self.reason}"


@dataclass
class LiveStats:
    """Counters of one LiveClient, for logs and tests (read them; the client updates them).

    Attributes:
        connections: successful connections (the first one included).
        frames: push frames received.
        events: events yielded (the client's own events included).
        duplicates: messages dropped because their msg_id was already delivered.
        undecodable: frames or messages skipped because they did not decode.
        heartbeats: heartbeat frames sent.
        acks: ack frames sent.
    """

    connections: int = 0
    frames: int = 0
    events: int = 0
    duplicates: int = 0
    undecodable: int = 0
    heartbeats: int = 0
    acks: int = 0
