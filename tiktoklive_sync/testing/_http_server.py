"""The fake TikTok's HTTP server: a ``ThreadingHTTPServer`` on 127.0.0.1 that records and routes.

Every request is recorded in the :class:`~._state.FakeState` it was given, checked against the
armed faults, and then answered by the first route of its route table whose method and path
pattern match. Route handlers are plain functions ``(state, request, match) -> Reply``.

Threads: one per connection, all daemons. Connections are kept alive (HTTP/1.1) like TikTok's, so a
``requests.Session`` reuses them; :meth:`FakeHTTPServer.close_connections` ends them at shutdown,
and a delayed, hung or trickled answer waits on the state's ``stopping`` event, so stopping never
blocks.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections.abc import Sequence
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from requests.structures import CaseInsensitiveDict

from ._faults import Fault, malform
from ._http_types import RecordedRequest, Reply, Route
from ._state import FakeState

__all__ = ["FakeHTTPServer", "MAX_BODY_BYTES"]

log = logging.getLogger("tiktoklive_sync.testing")

#: the largest request body the fake reads (bigger ones get 413)
MAX_BODY_BYTES = 8 * 1024 * 1024


def _record(handler: BaseHTTPRequestHandler, body: bytes) -> RecordedRequest:
    parts = urlsplit(handler.path)
    lists = parse_qs(parts.query, keep_blank_values=True)
    cookies: dict[str, str] = {}
    for raw in handler.headers.get_all("Cookie") or []:
        try:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            cookies.update({k: m.value for k, m in jar.items()})
        except CookieError:
            for item in raw.split(";"):
                name, _, value = item.strip().partition("=")
                if name:
                    cookies[name] = value
    return RecordedRequest(
        method=handler.command,
        path=parts.path,
        query={k: v[-1] for k, v in lists.items()},
        query_lists=lists,
        headers=CaseInsensitiveDict(handler.headers.items()),
        cookies=cookies,
        body=body,
        received_at=time.monotonic(),
    )


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, records it, applies faults, routes it, writes the reply."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeTikTok"
    sys_version = ""
    timeout = 60  # an idle kept-alive connection ends after this many seconds
    # headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold every kept-alive answer back ~40 ms
    disable_nagle_algorithm = True
    server: FakeHTTPServer

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # the path only: a query may carry secrets (the sign server gets session_id when trusted)
        log.debug("fake tiktok: %s %s -> %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        log.debug("fake tiktok: connection problem (%s)", args[0] if args else "")

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes | None:
        length_text = self.headers.get("Content-Length") or "0"
        length = int(length_text) if length_text.isdigit() else -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._write(Reply.json({"message": "body too large or bad length"}, status=413))
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        state = self.server.state
        body = self._read_body()
        if body is None:
            return
        request = _record(self, body)
        state.record(request)
        fault = state.faults.take(request.method, request.path)
        if fault is not None and fault.delay:
            if state.stopping.wait(fault.delay):
                self.close_connection = True  # the fake is stopping: drop the request unanswered
                return
        status = fault.final_status if fault is not None else None
        if fault is not None and fault.redirect_to_login:
            base = state.web_url
            target = f"{base}/login?redirect_url={quote(base + self.path, safe='')}"
            reply = Reply.html("", status=302, headers=[("Location", target), *fault.headers.items()])
        elif fault is not None and fault.redirect_to is not None:
            reply = Reply.html("", status=fault.redirect_status, headers=[("Location", fault.redirect_to)])
        elif fault is not None and status is not None:
            code, data, ctype, headers = fault.error_reply()
            reply = Reply(code, data, ctype, headers)
        elif fault is not None and fault.body is not None:
            code, data, ctype, headers = fault.error_reply()
            reply = Reply(200, data, ctype, headers)
        else:
            if self._serve_stream(request):
                return
            try:
                reply = self.server.dispatch(request)
            except Exception as exc:  # a bug in a fake route: answer 500 and say so in the log
                log.exception("fake tiktok: route for %s failed", request.route)
                reply = Reply.json({"message": f"FakeTikTok route failed: {exc!r}", "status_code": 500}, 500)
            if fault is not None and fault.malformed:
                reply.body = malform(reply.body, reply.content_type)
        self._write(reply, fault)

    def _serve_stream(self, request: RecordedRequest) -> bool:
        """Hand ``GET /stream/<room_id>/<quality>.flv`` to ``fake.streams`` if one is set."""
        match = re.fullmatch(r"/stream/(\d+)/(\w+)\.flv", request.path)
        streams = self.server.state.streams
        if match is None or streams is None or request.method != "GET":
            return False
        self.close_connection = True  # a stream has no length: it ends when the connection does
        try:
            streams.serve(self, int(match.group(1)), match.group(2))
        except (BrokenPipeError, ConnectionResetError):
            log.debug("stream client went away")
        return True

    def _write(self, reply: Reply, fault: Fault | None = None) -> None:
        body, headers = reply.body, list(reply.headers)
        if fault is not None and (fault.size is not None or fault.gzip_bomb is not None):
            body, headers = fault.hostile_body(), [*headers, *fault.hostile_headers()]
        pause = fault.trickle if fault is not None else None
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and body:
                self._send_body(body, pause)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            log.debug("fake tiktok: client went away before the reply")

    def _send_body(self, body: bytes, pause: float | None) -> None:
        """Write ``body`` at once, or one byte every ``pause`` seconds (until the fake stops)."""
        if not pause:
            self.wfile.write(body)
            return
        self.close_connection = True
        for index in range(len(body)):
            if index and self.server.state.stopping.wait(pause):
                return
            self.wfile.write(body[index : index + 1])
            self.wfile.flush()


class FakeHTTPServer(ThreadingHTTPServer):
    """The loopback HTTP server of one fake: records into ``state``, answers from ``routes``."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # many clients connecting at once (a pool of creators) are not refused
    allow_reuse_address = True

    def __init__(self, state: FakeState, routes: Sequence[Route], host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = state
        self.routes = list(routes)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def dispatch(self, request: RecordedRequest) -> Reply:
        """Answer ``request`` with the first matching route (404 if none, 405 for a wrong method)."""
        wrong_method = False
        for route in self.routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            if route.method != request.method and not (route.method == "GET" and request.method == "HEAD"):
                wrong_method = True
                continue
            return route.handler(self.state, request, match)
        if wrong_method:
            return Reply.json({"message": "method not allowed", "status_code": 405}, status=405)
        return Reply.not_found()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("fake tiktok: error while handling a request from %s", client_address, exc_info=True)

    def close_connections(self) -> None:
        """End every open connection (idle kept-alive ones included) so their threads finish."""
        with self._open_lock:
            sockets = list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)
