"""Scripting FakeTikTok's live side from a test: pushes, the end of a live, push-socket faults, records.

:class:`LiveControls` is ``fake.live``; FakeTikTok's methods of the same names (``fake.push``,
``fake.end_live``, ``fake.drop_connections``, ...) call it. Rooms are named by room id or by the
unique id of a creator on the fake.

Example::

    with FakeTikTok() as fake:
        room = fake.add_room("someone")
        ids = fake.push(room.room_id, testing.chat("hello", user="alice"))
        fake.end_live(room.room_id)
        with tls.LiveClient("someone", session=fake.session()) as client:
            events = list(client.events())     # ... CommentEvent, LiveEndEvent
        assert fake.heartbeats and fake.acks
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from ._push_server import PushServer
from ._rooms import RoomRegistry

__all__ = ["LiveControls", "RoomRef"]

#: a room named by its id, or by the unique id of its creator (``"someone"``, ``"@someone"``)
RoomRef = int | str


class LiveControls:
    """The push side of one fake. Messages pushed before a client connects wait in the room's feed.

    Args:
        server: gives the running push server (started on first use).
        rooms: the fake's rooms (to name rooms by unique id, and to end a live).
    """

    def __init__(self, server: Callable[[], PushServer], rooms: RoomRegistry) -> None:
        self._server = server
        self._rooms = rooms
        self._lock = threading.Lock()
        self._ending: set[int] = set()

    def room_id(self, room: RoomRef) -> int:
        """The room id of ``room``.

        Raises:
            ValueError: neither a room id nor the unique id of a creator on the fake.
        """
        if isinstance(room, int):
            return room
        found = self._rooms.by_unique_id(room)
        if found is not None:
            return found.room_id
        if room.strip().isdigit():
            return int(room)
        raise ValueError(f"no room for {room!r}: pass a room id or the unique id of a room added with add_room()")

    # -- scripting ------------------------------------------------------------------------------------

    def push(self, room: RoomRef, *messages: BaseProtoMessage) -> list[int]:
        """Send ``messages`` to ``room`` as one batch, in order; returns the msg_id of each.

        Messages without a msg_id get a fresh unique one (also written into their common header,
        in place, with the room id), so a test can count deliveries by msg_id.

        Raises:
            ValueError: an unknown unique id.
        """
        return self._server().push(self.room_id(room), *messages)

    def replay(self, room: RoomRef, frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult]) -> int:
        """Send recorded frames (e.g. a capture) to ``room``, messages as recorded; returns the batches queued."""
        return self._server().replay(self.room_id(room), frames)

    def end_live(self, room: RoomRef, *, offline: bool = True) -> int:
        """End the live: push a ``WebcastControlMessage`` with action 3 (stream ended); returns its msg_id.

        With ``offline`` (the default) the room also turns not-live for the HTTP API once the
        message has been sent to a client (so a client that connects after this call still finds
        the room live and receives everything pushed before the end).
        """
        room_id = self.room_id(room)
        if offline:
            with self._lock:
                self._ending.add(room_id)
        return self._server().end_live(room_id)

    def live_ended(self, room_id: int) -> None:
        """The push server sent the end of ``room_id``'s live: the room turns not-live if :meth:`end_live` asked."""
        with self._lock:
            ending = room_id in self._ending
        room = self._rooms.by_room_id(room_id)
        if ending and room is not None and room.live and room.room_id == room_id:
            self._rooms.set_live(room.unique_id, False)

    # -- faults ---------------------------------------------------------------------------------------

    def drop_connections(self) -> int:
        """Cut every open WebSocket at once, without a close frame; returns how many were cut."""
        return self._server().drop_connections()

    def cut_next_push(self, room: RoomRef) -> None:
        """Cut the next batch pushed to ``room`` half-way through its frame (once; then no close frame)."""
        self._server().cut_next_push(self.room_id(room))

    def trickle_next_push(self, room: RoomRef, *, pieces: int = 6, pause: float = 0.1) -> None:
        """Send the next batch pushed to ``room`` in ``pieces`` parts, ``pause`` seconds apart (a slow network)."""
        self._server().trickle_next_push(self.room_id(room), pieces=pieces, pause=pause)

    def close_connections(self, code: int = 1000, reason: str = "") -> int:
        """Close every open WebSocket with a close frame carrying ``code``; returns how many."""
        return self._server().close_connections(code, reason)

    def push_raw(self, room: RoomRef, data: bytes) -> None:
        """Send ``data`` to ``room`` as one binary frame, as-is, in order with the batches (bad frames)."""
        self._server().push_raw(self.room_id(room), data)

    def silence_connections(self) -> int:
        """Make every open WebSocket mute but open (a stale socket); returns how many."""
        return self._server().silence_connections()

    def refuse_direct(self, refuse: bool = True, *, status: int = 403) -> None:
        """Refuse (or stop refusing) direct handshakes with ``Handshake-Msg: DEVICE_BLOCKED``."""
        server = self._server()
        server.refuse_direct = refuse
        server.refuse_status = status

    def answer_handshakes_with_200(self, message: str | None = "illegal secret key") -> None:
        """Answer every WebSocket handshake with HTTP 200 and this ``Handshake-Msg`` (None: stop)."""
        self._server().handshake_200 = message

    def set_ping_interval(self, seconds: float) -> None:
        """The heartbeat period announced in ``Handshake-Options`` from now on."""
        self._server().ping_interval = seconds

    # -- what the push server saw ---------------------------------------------------------------------

    @property
    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeat frames received from clients, oldest first."""
        return self._server().heartbeats

    @property
    def acks(self) -> list[AckRecord]:
        """Ack frames received from clients, oldest first."""
        return self._server().acks

    @property
    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received from clients, oldest first."""
        return self._server().enter_rooms

    @property
    def ws_handshakes(self) -> list[HandshakeRecord]:
        """WebSocket handshake attempts (mode, query parameters, headers, answer status)."""
        return self._server().handshakes
