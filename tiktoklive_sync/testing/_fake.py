"""``FakeTikTok``: TikTok, its sign server, push server and CDN on 127.0.0.1, for tests and demos.

Example::

    import tiktoklive_sync as tls
    from tiktoklive_sync.testing import FakeTikTok

    with FakeTikTok() as fake:
        fake.add_room("someone", room_id=7000000000000000001, live=True)
        fake.fail_next("GET /webcast/room/info/", status=429, retry_after=0.1)
        with fake.session() as s:
            info = tls.fetch_room_info(s, room_id=7000000000000000001)   # retried once, then 200

The fake speaks TikTok's real formats (PROTOCOL.md sections 1-4). It is made of parts that share
one :class:`~._state.FakeState` (rooms, faults, requests, what was sent, issued cookies): an HTTP
server answering the web app, webcast API and sign server routes, a WebSocket push server, and an
FLV stream source. :class:`FakeTikTok` starts, stops and wires them, and is what tests script.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from types import TracebackType
from typing import Any

from .._session import Endpoints, Session
from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from ._faults import Fault, FaultBook
from ._feeds import PushFeeds
from ._flv_stream import FlvStream
from ._handshake import DIRECT_PATH, HandshakePolicy
from ._http_server import FakeHTTPServer
from ._http_types import RecordedRequest
from ._live_controls import LiveControls, RoomRef
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from ._push_server import PushServer
from ._rooms import FakeRoom, RoomRegistry
from ._sign_routes import ROUTES as SIGN_ROUTES
from ._state import FakeState, StreamSource
from ._tiktok_routes import ROUTES as TIKTOK_ROUTES

__all__ = ["FakeTikTok", "StreamSource", "DIRECT_WS_PATH"]

#: the path of TikTok's direct (sign-free) WebSocket endpoint (PROTOCOL.md 4.6)
DIRECT_WS_PATH = DIRECT_PATH
#: where the bootstrap points when no push server is wired: the fake itself, so nothing leaves 127.0.0.1
_PLACEHOLDER_PUSH_PATH = "/webcast/im/push/v2/"
#: how long ``hang`` holds a request (the fake's stop always ends it sooner)
HANG_SECONDS = 3600.0


class FakeTikTok:
    """A loopback TikTok: web pages, webcast API, sign server, push server, streams and images.

    Start and stop it with ``with FakeTikTok() as fake:`` (or ``start()`` / ``close()``). While it
    runs, :attr:`base_url` is ``http://127.0.0.1:<free port>`` and :meth:`session` gives a
    :class:`~tiktoklive_sync.Session` pointed at it. The push side (``push``, ``end_live``,
    ``drop_connections``, ``heartbeats``, ...) is :attr:`live`, whose methods are also the fake's.

    Attributes:
        state: what the parts share (:class:`~._state.FakeState`).
        live: the push side's scripting (:class:`~._live_controls.LiveControls`).
        rooms: the creators and their rooms (see :meth:`add_room`).
        faults: the armed faults (see :meth:`fail_next`).
        ws_direct_url: the direct WebSocket URL put into :attr:`endpoints` (None: a local placeholder).
        sent_likes, sent_gifts, sent_chats: what the like, gift and chat routes received.
        stopping: set while the fake stops; long-running handlers give up when it is set.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._port_wanted = port
        self.state = FakeState()
        self.rooms: RoomRegistry = self.state.rooms
        self.faults: FaultBook = self.state.faults
        self.stopping: threading.Event = self.state.stopping
        self.sent_likes, self.sent_gifts, self.sent_chats = (
            self.state.sent_likes, self.state.sent_gifts, self.state.sent_chats)
        self.state.streams = FlvStream(is_live=self.state.room_is_live)
        self._push_url: str | None = None
        self.ws_direct_url: str | None = None
        self._feeds = PushFeeds()
        self._policy = HandshakePolicy.strict(self.state.issued_ttwid, lambda: self.state.web_url)
        self._push_server: PushServer | None = None
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.live = LiveControls(self._start_push_server, self.state.rooms)

    # -- what the parts share ----------------------------------------------------------------------

    @property
    def streams(self) -> StreamSource | None:
        """Serves ``/stream/<room_id>/<quality>.flv`` (default: the packaged sample while live; None: 404)."""
        return self.state.streams

    @streams.setter
    def streams(self, source: StreamSource | None) -> None:
        self.state.streams = source

    @property
    def check_alive_limit(self) -> int | None:
        """The most room ids ``check_alive`` accepts at once (None: no limit)."""
        return self.state.check_alive_limit

    @check_alive_limit.setter
    def check_alive_limit(self, limit: int | None) -> None:
        self.state.check_alive_limit = limit

    @property
    def first_batch(self) -> Any:
        """``room_id -> messages`` the sign bootstrap carries (none by default); tests may replace it."""
        return self.state.first_batch

    @first_batch.setter
    def first_batch(self, make: Any) -> None:
        self.state.first_batch = make

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> FakeTikTok:
        """Start serving (no-op if already running); returns the fake."""
        if self._server is not None:
            return self
        self.state.stopping.clear()
        server = FakeHTTPServer(self.state, [*TIKTOK_ROUTES, *SIGN_ROUTES], self.host, self._port_wanted)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeTikTok-http", daemon=True
        )
        self._server, self._thread = server, thread
        self.state.web_url = self.base_url
        thread.start()
        self._start_push_server()
        return self

    def close(self) -> None:
        """Stop serving and end every connection; delayed and hung requests are dropped. Idempotent."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self.state.stopping.set()
        if isinstance(self.state.streams, FlvStream):
            self.state.streams.drop()
        self._stop_push_server()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    stop = close

    def __enter__(self) -> FakeTikTok:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "stopped"
        return f"<FakeTikTok {where} rooms={len(self.rooms.all())}>"

    @property
    def running(self) -> bool:
        """True between start() and close()."""
        return self._server is not None

    @property
    def push_server(self) -> PushServer:
        """The running :class:`PushServer` (started on first use if the fake did not start it)."""
        return self._start_push_server()

    def _start_push_server(self) -> PushServer:
        if self._push_server is None:
            server = PushServer(feeds=self._feeds, policy=self._policy)
            server.on_live_ended = self.live.live_ended
            self._push_server = server
            if self.push_url is None:
                self.push_url = server.push_url
            if self.ws_direct_url is None:
                self.ws_direct_url = server.direct_url
        return self._push_server

    def _stop_push_server(self) -> None:
        server, self._push_server = self._push_server, None
        if server is None:
            return
        if self.push_url == server.push_url:
            self.push_url = None
        if self.ws_direct_url == server.direct_url:
            self.ws_direct_url = None
        server.close()

    # -- addresses ----------------------------------------------------------------------------------

    @property
    def push_url(self) -> str | None:
        """The WebSocket push server the sign bootstrap names (None: a local placeholder)."""
        return self._push_url

    @push_url.setter
    def push_url(self, url: str | None) -> None:
        self._push_url = url
        if self._server is not None:
            self.state.push_server_url = self.push_server_url

    @property
    def port(self) -> int:
        """The TCP port the fake listens on.

        Raises:
            RuntimeError: the fake is not running.
        """
        if self._server is None:
            raise RuntimeError("FakeTikTok is not running: use 'with FakeTikTok() as fake:' or call fake.start()")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the web app, ``/webcast`` API and ``/sign`` server live under it."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """Return the full URL of ``path`` on the fake (``fake.url("/webcast/gift/list/")``)."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    @property
    def push_server_url(self) -> str:
        """What the sign bootstrap names as ``push_server``: :attr:`push_url`, or a local placeholder."""
        return self.push_url or f"ws://{self.host}:{self.port}{_PLACEHOLDER_PUSH_PATH}"

    @property
    def endpoints(self) -> Endpoints:
        """:class:`~tiktoklive_sync.Endpoints` pointing every host at the fake (cookie domain 127.0.0.1)."""
        direct = self.ws_direct_url or f"ws://{self.host}:{self.port}{DIRECT_WS_PATH}"
        return replace(Endpoints().with_base(self.base_url), cookie_domain=self.host, ws_direct=direct)

    def session(self, **kwargs: Any) -> Session:
        """Return a :class:`~tiktoklive_sync.Session` pointed at the fake.

        ``kwargs`` go to ``Session`` (``timeout=``, ``retry=``, ``trusted_sign_hosts=``, ...). The
        session ignores proxy environment variables, so a system proxy cannot intercept loopback.
        """
        kwargs.setdefault("endpoints", self.endpoints)
        session = Session(**kwargs)
        session.trust_env = False
        return session

    # -- rooms --------------------------------------------------------------------------------------

    def add_room(
        self, unique_id: str, room_id: int | None = None, *, live: bool = True, title: str = "",
        nickname: str = "", age_restricted: bool = False, user_id: int | None = None, **fields: Any,
    ) -> FakeRoom:
        """Add (or replace) a creator and their room; ids are made up when not given.

        ``fields`` may set any other :class:`FakeRoom` field (``user_count=``, ``follower_count=``, ...).

        Returns:
            the :class:`FakeRoom`, which tests may change directly.
        Raises:
            ValueError: an empty unique id, a non-positive id, or a room id another user has.
        """
        return self.rooms.add(
            unique_id, room_id=room_id, user_id=user_id, live=live, title=title, nickname=nickname,
            age_restricted=age_restricted, **fields,
        )

    def room(self, unique_id: str) -> FakeRoom:
        """Return the room of ``unique_id``.

        Raises:
            KeyError: no such user on the fake.
        """
        room = self.rooms.by_unique_id(unique_id)
        if room is None:
            raise KeyError(f"no user @{unique_id} on the fake; add it with fake.add_room()")
        return room

    def users(self) -> list[FakeRoom]:
        """Every creator on the fake and their (current or last) room, in the order they were added."""
        return list(self.rooms.all())

    def issue_ttwid(self) -> str:
        """Mint an anonymous ``ttwid`` the fake accepts (as its pages set), for tests that open sockets by hand."""
        return self.state.issue_ttwid()

    def set_live(self, unique_id: str, live: bool) -> FakeRoom:
        """Start or end ``unique_id``'s live; returns the room.

        A live started after one ended is a new live, as on TikTok: a new room id with an empty
        history (the old id answers as an ended room).

        Raises:
            KeyError: no such user on the fake.
        """
        room = self.rooms.set_live(unique_id, live)
        if room is None:
            raise KeyError(f"no user @{unique_id} on the fake; add it with fake.add_room()")
        return room

    def remove_user(self, unique_id: str) -> None:
        """Make ``unique_id`` unknown: their pages and APIs answer "not found" from now on."""
        self.rooms.remove(unique_id)

    # -- static content -----------------------------------------------------------------------------

    def set_gift_list(self, gift_list: dict[str, Any] | str | bytes | None) -> None:
        """Serve this gift list answer (a dict, or JSON text/bytes served as-is); None restores the default."""
        self.state.set_gift_list(gift_list)

    def gift_list_bytes(self) -> bytes:
        """The body ``/webcast/gift/list/`` answers with."""
        return self.state.gift_list_bytes()

    def set_image(self, path: str, data: bytes) -> str:
        """Serve ``data`` at ``path`` (under ``/img/``); returns the image's full URL.

        Raises:
            ValueError: a path outside ``/img/``.
        """
        self.state.set_image(path, data)
        return self.url(path)

    def image_bytes(self, path: str) -> bytes | None:
        """The bytes set for ``path`` with :meth:`set_image`, or None (a generated PNG is served)."""
        return self.state.image_bytes(path)

    # -- faults and recorded requests ---------------------------------------------------------------

    def fail_next(self, route: str, status: int | None = None, *, times: int | None = 1, **options: Any) -> Fault:
        """Make the next ``times`` requests matching ``route`` fail (see :mod:`._faults` for every option).

        ``route`` is ``"GET /webcast/room/info/"`` (wildcards allowed). With no other argument the
        answer is a 500; ``retry_after`` alone means 429; ``delay`` alone delays the real answer.
        Options: ``retry_after``, ``delay``, ``body``, ``malformed``, ``redirect_to_login``,
        ``headers``, and the hostile ones ``redirect_to`` (+ ``redirect_status``), ``size``,
        ``gzip_bomb``, ``trickle``.

        Raises:
            ValueError: a bad route, status, delay, size or ``times``; an unknown option.
        """
        known = {"retry_after", "delay", "body", "malformed", "redirect_to_login", "headers", "redirect_to",
                 "redirect_status", "size", "gzip_bomb", "trickle"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown fail_next option(s) {unknown}; known: {sorted(known)}")
        options["headers"] = dict(options.get("headers") or {})
        return self.faults.arm(route, times=times, status=status, **options)

    def hang(self, route: str, *, times: int | None = 1, seconds: float = HANG_SECONDS) -> Fault:
        """Never answer the next ``times`` requests to ``route`` (until ``seconds`` or the fake stops)."""
        return self.fail_next(route, delay=seconds, times=times)

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        return self.state.requests()

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """The received requests matching ``route`` (``"GET /webcast/room/info/"``, wildcards allowed)."""
        return self.state.requests_to(route)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        self.state.clear_requests()

    # -- the live side (see LiveControls for each) -------------------------------------------------

    def push(self, room: RoomRef, *messages: BaseProtoMessage) -> list[int]:
        """Send ``messages`` to ``room`` as one batch; returns their msg_ids (:meth:`LiveControls.push`)."""
        return self.live.push(room, *messages)

    def replay(self, room: RoomRef, frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult]) -> int:
        """Send recorded frames to ``room`` (:meth:`LiveControls.replay`)."""
        return self.live.replay(room, frames)

    def end_live(self, room: RoomRef, *, offline: bool = True) -> int:
        """End the live with a control message; returns its msg_id (:meth:`LiveControls.end_live`)."""
        return self.live.end_live(room, offline=offline)

    def drop_connections(self) -> int:
        """Cut every open WebSocket without a close frame; returns how many."""
        return self.live.drop_connections()

    def cut_next_push(self, room: RoomRef) -> None:
        """Cut the next batch pushed to ``room`` half-way through its frame."""
        self.live.cut_next_push(room)

    def trickle_next_push(self, room: RoomRef, *, pieces: int = 6, pause: float = 0.1) -> None:
        """Send the next batch pushed to ``room`` in ``pieces`` parts, ``pause`` seconds apart."""
        self.live.trickle_next_push(room, pieces=pieces, pause=pause)

    def close_connections(self, code: int = 1000, reason: str = "") -> int:
        """Close every open WebSocket with a close frame carrying ``code``; returns how many."""
        return self.live.close_connections(code, reason)

    def push_raw(self, room: RoomRef, data: bytes) -> None:
        """Send ``data`` to ``room`` as one binary frame, as-is (bad frames)."""
        self.live.push_raw(room, data)

    def silence_connections(self) -> int:
        """Make every open WebSocket mute but open; returns how many."""
        return self.live.silence_connections()

    def refuse_direct(self, refuse: bool = True, *, status: int = 403) -> None:
        """Refuse (or stop refusing) direct handshakes with ``Handshake-Msg: DEVICE_BLOCKED``."""
        self.live.refuse_direct(refuse, status=status)

    def answer_handshakes_with_200(self, message: str | None = "illegal secret key") -> None:
        """Answer every WebSocket handshake with HTTP 200 and this ``Handshake-Msg`` (None: stop)."""
        self.live.answer_handshakes_with_200(message)

    def set_ping_interval(self, seconds: float) -> None:
        """The heartbeat period announced in ``Handshake-Options`` from now on."""
        self.live.set_ping_interval(seconds)

    @property
    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeat frames received from clients, oldest first."""
        return self.live.heartbeats

    @property
    def acks(self) -> list[AckRecord]:
        """Ack frames received from clients, oldest first."""
        return self.live.acks

    @property
    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received from clients, oldest first."""
        return self.live.enter_rooms

    @property
    def ws_handshakes(self) -> list[HandshakeRecord]:
        """WebSocket handshake attempts (mode, query parameters, headers, answer status)."""
        return self.live.ws_handshakes
