"""FakeTikTok's live side: scripting the WebSocket push server from a test.

:class:`LivePush` is mixed into :class:`~tiktoklive_sync.testing.FakeTikTok`. When the fake starts,
it starts a :class:`~tiktoklive_sync.testing.push_server.PushServer` on another loopback port and
points both ways in at it: the sign bootstrap's ``push_server`` (``fake.push_url``) and the direct
WebSocket endpoint (``fake.ws_direct_url``, which ``fake.session()`` puts in its Endpoints).

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

from collections.abc import Callable, Iterable

from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from .push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from .push_server import PushServer
from .rooms import RoomRegistry

__all__ = ["LivePush"]


class LivePush:
    """The push-server half of FakeTikTok (a mixin; use it through ``FakeTikTok``).

    Messages pushed before a client connects wait in the room's feed and are delivered once it
    enters the room, so tests need no sleeps.
    """

    # provided by FakeTikTok
    push_url: str | None
    ws_direct_url: str | None
    rooms: RoomRegistry
    _close_hooks: list[Callable[[], None]]

    _push_server: PushServer | None = None
    _ending: frozenset[int] = frozenset()

    # -- lifecycle ----------------------------------------------------------------------------

    def _start_live_push(self) -> PushServer:
        """Start the push server (once) and point ``push_url`` / ``ws_direct_url`` at it."""
        if self._push_server is None:
            server = PushServer()
            server.on_live_ended = self._mark_offline
            self._push_server = server
            if self.push_url is None:
                self.push_url = server.push_url
            if self.ws_direct_url is None:
                self.ws_direct_url = server.direct_url
            self._close_hooks.append(self._stop_live_push)
        return self._push_server

    def _stop_live_push(self) -> None:
        server, self._push_server = self._push_server, None
        if server is None:
            return
        if self.push_url == server.push_url:
            self.push_url = None
        if self.ws_direct_url == server.direct_url:
            self.ws_direct_url = None
        server.close()

    def _mark_offline(self, room_id: int) -> None:
        room = self.rooms.by_room_id(room_id)
        if room is not None and room.live and room_id in self._ending:
            room.live = False

    @property
    def push_server(self) -> PushServer:
        """The running :class:`PushServer` (started on first use if the fake did not start it)."""
        return self._start_live_push()

    def _room_id(self, room: int | str) -> int:
        if isinstance(room, int):
            return room
        found = self.rooms.by_unique_id(room)
        if found is not None:
            return found.room_id
        if room.strip().isdigit():
            return int(room)
        raise ValueError(f"no room for {room!r}: pass a room id or the unique id of a room added with add_room()")

    # -- scripting ------------------------------------------------------------------------------

    def push(self, room: int | str, *messages: BaseProtoMessage) -> list[int]:
        """Send ``messages`` to ``room`` (a room id or unique id) as one batch, in order.

        Messages without a msg_id get a fresh unique one (also written into their common header,
        with the room id), so a test can count deliveries by msg_id.

        Returns:
            the msg_id of each message.
        Raises:
            ValueError: an unknown unique id.
        """
        return self.push_server.push(self._room_id(room), *messages)

    def replay(self, room: int | str, frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult]) -> int:
        """Send recorded frames (e.g. from the shared bench corpus) to ``room``, messages as recorded.

        Returns:
            the number of batches queued.
        """
        return self.push_server.replay(self._room_id(room), frames)

    def end_live(self, room: int | str, *, offline: bool = True) -> int:
        """End the live: push a ``WebcastControlMessage`` with action 3 (stream ended).

        With ``offline`` (the default) the room also turns not-live for the HTTP API, once the
        message has been sent to a client (so a client that connects after this call still finds
        the room live and receives everything pushed before the end).

        Returns:
            the control message's msg_id.
        """
        room_id = self._room_id(room)
        if offline:
            self._ending = self._ending | {room_id}
        return self.push_server.end_live(room_id)

    # -- faults -----------------------------------------------------------------------------------

    def drop_connections(self) -> int:
        """Cut every open WebSocket at once, without a close frame; returns how many were cut."""
        return self.push_server.drop_connections()

    def cut_next_push(self, room: int | str) -> None:
        """Cut the next batch pushed to ``room`` half-way through its frame (once; then no close frame)."""
        self.push_server.cut_next_push(self._room_id(room))

    def trickle_next_push(self, room: int | str, *, pieces: int = 6, pause: float = 0.1) -> None:
        """Send the next batch pushed to ``room`` in ``pieces`` parts, ``pause`` seconds apart (a slow network)."""
        self.push_server.trickle_next_push(self._room_id(room), pieces=pieces, pause=pause)

    def close_connections(self, code: int = 1000, reason: str = "") -> int:
        """Close every open WebSocket with a close frame carrying ``code``; returns how many."""
        return self.push_server.close_connections(code, reason)

    def push_raw(self, room: int | str, data: bytes) -> None:
        """Send ``data`` to ``room`` as one binary frame, as-is, in order with the batches (bad frames)."""
        self.push_server.push_raw(self._room_id(room), data)

    def silence_connections(self) -> int:
        """Make every open WebSocket mute but open (a stale socket); returns how many."""
        return self.push_server.silence_connections()

    def refuse_direct(self, refuse: bool = True, *, status: int = 403) -> None:
        """Refuse (or stop refusing) direct handshakes with ``Handshake-Msg: DEVICE_BLOCKED``."""
        self.push_server.refuse_direct = refuse
        self.push_server.refuse_status = status

    def answer_handshakes_with_200(self, message: str | None = "illegal secret key") -> None:
        """Answer every WebSocket handshake with HTTP 200 and this ``Handshake-Msg`` (None: stop)."""
        self.push_server.handshake_200 = message

    def set_ping_interval(self, seconds: float) -> None:
        """The heartbeat period announced in ``Handshake-Options`` from now on."""
        self.push_server.ping_interval = seconds

    # -- what the push server saw ---------------------------------------------------------------

    @property
    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeat frames received from clients, oldest first."""
        return self.push_server.heartbeats

    @property
    def acks(self) -> list[AckRecord]:
        """Ack frames received from clients, oldest first."""
        return self.push_server.acks

    @property
    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received from clients, oldest first."""
        return self.push_server.enter_rooms

    @property
    def ws_handshakes(self) -> list[HandshakeRecord]:
        """WebSocket handshake attempts (mode, query parameters, headers, answer status)."""
        return self.push_server.handshakes
