"""``FakeTikTok``: TikTok, its sign server and CDN on 127.0.0.1, for tests and demos.

Example::

    import tiktoklive_sync as tls
    from tiktoklive_sync.testing import FakeTikTok

    with FakeTikTok() as fake:
        fake.add_room("someone", room_id=7000000000000000001, live=True)
        fake.fail_next("GET /webcast/room/info/", status=429, retry_after=0.1)
        with fake.session() as s:
            info = tls.fetch_room_info(s, room_id=7000000000000000001)   # retried once, then 200

The fake speaks TikTok's real formats (PROTOCOL.md sections 1-2); every request it receives is kept
in :attr:`FakeTikTok.requests` so tests can check what the library sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from types import TracebackType
from typing import Any, Protocol

from .._session import Endpoints, Session
from .assets import gift_list_body
from .faults import Fault, FaultBook, parse_route
from .flv_stream import FlvStream  # recording (helper D)
from .http_server import FakeHTTPServer, RecordedRequest
from .live_push import LivePush
from .rooms import FakeRoom, RoomRegistry
from .sign_api import ROUTES as SIGN_ROUTES
from .tiktok_api import ROUTES as TIKTOK_ROUTES

__all__ = ["FakeTikTok", "StreamSource", "DIRECT_WS_PATH"]

#: the path of TikTok's direct (sign-free) WebSocket endpoint (PROTOCOL.md 4.6)
DIRECT_WS_PATH = "/webcast/im/ws_proxy/ws_reuse_supplement/"
#: where the bootstrap points when no push server is wired: the fake itself, so nothing leaves 127.0.0.1
_PLACEHOLDER_PUSH_PATH = "/webcast/im/push/v2/"
#: how long ``hang`` holds a request (the fake's stop always ends it sooner)
HANG_SECONDS = 3600.0


class StreamSource(Protocol):
    """What ``fake.streams`` must offer: serve ``GET /stream/<room_id>/<quality>.flv`` on ``handler``."""

    def serve(self, handler: Any, room_id: int, quality: str) -> None: ...


class FakeTikTok(LivePush):
    """A thread-based loopback TikTok: web pages, webcast API, sign server, images.

    Start and stop it with ``with FakeTikTok() as fake:`` (or ``start()`` / ``close()``). While it
    runs, :attr:`base_url` is ``http://127.0.0.1:<free port>`` and :meth:`session` gives a
    :class:`~tiktoklive_sync.Session` pointed at it.

    Attributes:
        rooms: the creators and their rooms (see :meth:`add_room`).
        faults: the armed faults (see :meth:`fail_next`).
        streams: serves ``/stream/<room_id>/<quality>.flv`` (default: a :class:`FlvStream` of the
            packaged sample while the room is live; None: 404).
        push_url: the WebSocket push server the sign bootstrap names (None: a local placeholder).
        ws_direct_url: the direct WebSocket URL put into :attr:`endpoints` (None: a local placeholder).
        check_alive_limit: the most room ids ``check_alive`` accepts at once (None: no limit).
        sent_likes, sent_gifts, sent_chats: what the like, gift and chat routes received.
        stopping: set while the fake stops; long-running handlers should give up when it is set.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._port_wanted = port
        self.rooms = RoomRegistry()
        self.faults = FaultBook()
        # --- recording (helper D): every live room streams the packaged FLV sample ---
        self.streams: StreamSource | None = FlvStream(is_live=self._room_is_live)
        # --- end recording ---
        self.push_url: str | None = None
        self.ws_direct_url: str | None = None
        self.check_alive_limit: int | None = None
        self.sent_likes: list[dict[str, Any]] = []
        self.sent_gifts: list[dict[str, Any]] = []
        self.sent_chats: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._gift_list: bytes | None = None
        self._images: dict[str, bytes] = {}
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        #: callables run by close(), last added first (helpers' servers register their stop here)
        self._close_hooks: list[Callable[[], None]] = []

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeTikTok:
        """Start serving (no-op if already running); returns the fake."""
        if self._server is not None:
            return self
        self.stopping.clear()
        server = FakeHTTPServer(self, [*TIKTOK_ROUTES, *SIGN_ROUTES], self.host, self._port_wanted)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeTikTok-http", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        self._start_live_push()  # the WebSocket push server (testing/live_push.py)
        return self

    def close(self) -> None:
        """Stop serving and end every connection; delayed and hung requests are dropped. Idempotent."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self.stopping.set()
        if isinstance(self.streams, FlvStream):  # recording (helper D): end stalled streams too
            self.streams.drop()
        while self._close_hooks:
            self._close_hooks.pop()()
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

    # -- rooms ----------------------------------------------------------------------------

    def add_room(
        self,
        unique_id: str,
        room_id: int | None = None,
        *,
        live: bool = True,
        title: str = "",
        nickname: str = "",
        age_restricted: bool = False,
        user_id: int | None = None,
        **fields: Any,
    ) -> FakeRoom:
        """Add (or replace) a creator and their room; ids are made up when not given.

        ``fields`` may set any other :class:`FakeRoom` field (``user_count=``, ``follower_count=``, ...).

        Returns:
            the :class:`FakeRoom`, which tests may change directly.
        Raises:
            ValueError: an empty unique id, a non-positive id, or a room id another user has.
        """
        return self.rooms.add(
            unique_id,
            room_id=room_id,
            user_id=user_id,
            live=live,
            title=title,
            nickname=nickname,
            age_restricted=age_restricted,
            **fields,
        )

    def _room_is_live(self, room_id: int) -> bool:
        """True if ``room_id`` is a room on the fake that is live (its stream is served)."""
        room = self.rooms.by_room_id(room_id)
        return room is not None and room.live

    def room(self, unique_id: str) -> FakeRoom:
        """Return the room of ``unique_id``.

        Raises:
            KeyError: no such user on the fake.
        """
        room = self.rooms.by_unique_id(unique_id)
        if room is None:
            raise KeyError(f"no user @{unique_id} on the fake; add it with fake.add_room()")
        return room

    def set_live(self, unique_id: str, live: bool) -> FakeRoom:
        """Start or end ``unique_id``'s live; returns the room.

        Raises:
            KeyError: no such user on the fake.
        """
        room = self.room(unique_id)
        room.live = live
        return room

    def remove_user(self, unique_id: str) -> None:
        """Make ``unique_id`` unknown: their pages and APIs answer "not found" from now on."""
        self.rooms.remove(unique_id)

    # -- static content -------------------------------------------------------------------

    def set_gift_list(self, gift_list: dict[str, Any] | str | bytes | None) -> None:
        """Serve this gift list answer (a dict, or JSON text/bytes served as-is); None restores the default."""
        if gift_list is None or isinstance(gift_list, bytes):
            self._gift_list = gift_list
        elif isinstance(gift_list, str):
            self._gift_list = gift_list.encode("utf-8")
        else:
            self._gift_list = json.dumps(gift_list).encode("utf-8")

    def gift_list_bytes(self) -> bytes:
        """The body ``/webcast/gift/list/`` answers with."""
        if self._gift_list is not None:
            return self._gift_list
        return json.dumps(gift_list_body(self.base_url)).encode("utf-8")

    def set_image(self, path: str, data: bytes) -> str:
        """Serve ``data`` at ``path`` (under ``/img/``); returns the image's full URL.

        Raises:
            ValueError: a path outside ``/img/``.
        """
        if not path.startswith("/img/"):
            raise ValueError("image paths start with /img/")
        self._images[path] = bytes(data)
        return self.url(path)

    def image_bytes(self, path: str) -> bytes | None:
        """The bytes set for ``path`` with :meth:`set_image`, or None (a generated PNG is served)."""
        return self._images.get(path)

    # -- faults ---------------------------------------------------------------------------

    def fail_next(
        self,
        route: str,
        status: int | None = None,
        *,
        retry_after: float | str | None = None,
        delay: float | None = None,
        body: Any = None,
        malformed: bool = False,
        times: int | None = 1,
        redirect_to_login: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Make the next ``times`` requests matching ``route`` fail (see :mod:`.faults`).

        ``route`` is ``"GET /webcast/room/info/"`` (wildcards allowed). With no other argument the
        answer is a 500; ``retry_after`` alone means 429; ``delay`` alone delays the real answer.

        Raises:
            ValueError: a bad route, status, delay or ``times``.
        """
        return self.faults.arm(
            route,
            times=times,
            status=status,
            retry_after=retry_after,
            delay=delay,
            body=body,
            malformed=malformed,
            redirect_to_login=redirect_to_login,
            headers=dict(headers or {}),
        )

    def hang(self, route: str, *, times: int | None = 1, seconds: float = HANG_SECONDS) -> Fault:
        """Never answer the next ``times`` requests to ``route`` (until ``seconds`` or the fake stops)."""
        return self.fail_next(route, delay=seconds, times=times)

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.faults.clear()

    # -- recorded requests ----------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """The received requests matching ``route`` (``"GET /webcast/room/info/"``, wildcards allowed)."""
        method, pattern = parse_route(route)
        probe = Fault(method=method, pattern=pattern)
        return [r for r in self.requests if probe.matches(r.method, r.path)]

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._requests.clear()

    def first_batch(self, room_id: int) -> list[Any]:
        """The messages (``BaseProtoMessage``) the sign bootstrap carries for ``room_id``; none by default."""
        return []

    # --- live push (helper E) ---
    # push(), replay(), end_live(), drop_connections(), silence_connections(), refuse_direct(),
    # answer_handshakes_with_200(), heartbeats, acks, ... come from LivePush (testing/live_push.py),
    # which start() starts and close() stops through _close_hooks.
    # --- end live push ---
