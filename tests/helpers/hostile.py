"""A raw, hostile HTTP server on 127.0.0.1: each test says byte by byte what it answers.

``HostileServer(answer)`` listens on a free port; for each request it reads the request head (and a
``Content-Length`` body), records it, and calls ``answer(conn, request)``, which writes whatever it
likes (a redirect, a trickle, a bomb) and may block; the server stops and closes every socket on exit.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

__all__ = ["HostileServer", "Request", "reply"]


@dataclass(frozen=True)
class Request:
    """One request the server received: the request line, the headers (lower-case names), the body."""

    line: str
    headers: dict[str, str]
    body: bytes
    raw: bytes

    @property
    def path(self) -> str:
        return self.line.split(" ")[1] if " " in self.line else ""


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    """Return a whole HTTP/1.1 answer with ``Content-Length`` (unless ``headers`` names a framing)."""
    head = [f"HTTP/1.1 {status} X"]
    given = {k.lower() for k in (headers or {})}
    for name, value in (headers or {}).items():
        head.append(f"{name}: {value}")
    if "content-length" not in given and "transfer-encoding" not in given:
        head.append(f"Content-Length: {len(body)}")
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


Answer = Callable[[socket.socket, Request], None]


class HostileServer:
    """A threaded raw HTTP server; ``url`` is its base, ``requests`` what it received."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[Request] = []
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(5)
        for conn in list(self._conns):
            try:
                conn.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conns.append(conn)
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            while len(rest) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                rest += chunk
            request = Request(lines[0], headers, rest[:length], head)
            self.requests.append(request)
            self._answer(conn, request)
        except OSError:
            pass  # the client went away: that is what most hostile answers are waiting for
        finally:
            try:
                conn.close()
            except OSError:
                pass
