"""What one FakeTikTok knows: rooms, armed faults, received requests, what was sent, issued cookies.

A :class:`FakeState` is shared by the parts of the fake: the HTTP routes (web app, webcast API,
sign server) read and change it, the push server reads the cookies it issued, and
:class:`~tiktoklive_sync.testing.FakeTikTok` exposes it to tests. None of those parts knows the
others; they meet here.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from ._assets import gift_list_body
from ._faults import Fault, FaultBook, parse_route
from ._http_types import RecordedRequest
from ._rooms import RoomRegistry

__all__ = ["FakeState", "StreamSource", "mint_ttwid"]


class StreamSource(Protocol):
    """What ``fake.streams`` must offer: serve ``GET /stream/<room_id>/<quality>.flv`` on ``handler``."""

    def serve(self, handler: Any, room_id: int, quality: str) -> None: ...


def mint_ttwid() -> str:
    """Return a new anonymous ``ttwid`` value in TikTok's shape (``1|<token>|<unix time>|<hex>``)."""
    return f"1|{secrets.token_urlsafe(24)}|{int(time.time())}|{secrets.token_hex(16)}"


class FakeState:
    """The shared state of one fake; every method is safe to call from several threads.

    Attributes:
        rooms: the creators and their rooms.
        faults: the armed HTTP faults.
        web_url: the fake's own base URL (``http://127.0.0.1:<port>``), once it listens.
        push_server_url: what the sign bootstrap names as ``push_server``.
        check_alive_limit: the most room ids ``check_alive`` accepts at once (None: no limit).
        streams: serves the FLV streams of live rooms (None: 404).
        first_batch: the messages the sign bootstrap of a room carries (none by default).
        sent_likes, sent_gifts, sent_chats: what the like, gift and chat routes received.
        stopping: set while the fake stops; long-running handlers give up when it is set.
    """

    def __init__(self) -> None:
        self.rooms = RoomRegistry()
        self.faults = FaultBook()
        self.web_url = ""
        self.push_server_url = ""
        self.check_alive_limit: int | None = None
        self.streams: StreamSource | None = None
        self.first_batch: Callable[[int], list[Any]] = lambda room_id: []
        self.sent_likes: list[dict[str, Any]] = []
        self.sent_gifts: list[dict[str, Any]] = []
        self.sent_chats: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._ttwids: set[str] = set()
        self._gift_list: bytes | None = None
        self._images: dict[str, bytes] = {}

    # -- requests -------------------------------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        """Keep ``request`` (the HTTP server calls this for every request it reads)."""
        with self._lock:
            self._requests.append(request)

    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """The received requests matching ``route`` (``"GET /webcast/room/info/"``, wildcards allowed).

        Raises:
            ValueError: a malformed route.
        """
        method, pattern = parse_route(route)
        probe = Fault(method=method, pattern=pattern)
        return [r for r in self.requests() if probe.matches(r.method, r.path)]

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._requests.clear()

    # -- anonymous cookies ------------------------------------------------------------------------

    def issue_ttwid(self) -> str:
        """Mint a ``ttwid`` and remember it as issued by this fake; returns its value."""
        value = mint_ttwid()
        with self._lock:
            self._ttwids.add(value)
        return value

    def issued_ttwid(self, value: str) -> bool:
        """True if ``value`` is a ``ttwid`` this fake handed out (a page's Set-Cookie or the sign server)."""
        with self._lock:
            return value in self._ttwids

    # -- static content ---------------------------------------------------------------------------

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
        return json.dumps(gift_list_body(self.web_url)).encode("utf-8")

    def set_image(self, path: str, data: bytes) -> None:
        """Serve ``data`` at ``path`` (under ``/img/``).

        Raises:
            ValueError: a path outside ``/img/``.
        """
        if not path.startswith("/img/"):
            raise ValueError("image paths start with /img/")
        with self._lock:
            self._images[path] = bytes(data)

    def image_bytes(self, path: str) -> bytes | None:
        """The bytes set for ``path`` with :meth:`set_image`, or None (a generated PNG is served)."""
        with self._lock:
            return self._images.get(path)

    def room_is_live(self, room_id: int) -> bool:
        """True if ``room_id`` is a live room on the fake (its stream is served)."""
        room = self.rooms.by_room_id(room_id)
        return room is not None and room.live
