"""Faults the fake TikTok can inject: error statuses, Retry-After, slow or hung answers, broken bodies.

A :class:`Fault` is armed with ``fake.fail_next(route, ...)`` and used up by the next ``times``
requests that match ``route`` (``"GET /webcast/room/info/"``; shell-style wildcards such as
``"GET /@*/live"`` work; a route without a method matches every method).

What a matching request gets:

- ``redirect_to_login=True``: a 302 to the fake's ``/login`` page, like TikTok's login wall;
- ``status`` (or ``retry_after`` alone, which means 429): that status, a small JSON error body (or
  ``body``), and a ``Retry-After`` header when ``retry_after`` is given;
- ``body`` alone: the route's status 200 with that body instead of the real one;
- ``malformed=True``: the real answer, broken (truncated JSON, an HTML page whose data script is
  not JSON, bytes that are not protobuf);
- ``delay``: any of the above, ``delay`` seconds late (``math.inf``: never, until the fake stops).

Hostile answers (a server attacking the client):

- ``redirect_to=URL`` (``redirect_status``, 302 by default): a redirect anywhere, e.g. another host;
- ``size=N``: a JSON body of exactly ``N`` bytes instead of the real one;
- ``gzip_bomb=N``: a small gzip-encoded body (``Content-Encoding: gzip``) inflating to ``N`` bytes;
- ``trickle=S``: the answer's body one byte every ``S`` seconds.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import math
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "FaultBook", "parse_route", "malform", "encode_body"]

_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def parse_route(route: str) -> tuple[str | None, str]:
    """Split ``"GET /path"`` into ``("GET", "/path")``; a bare ``"/path"`` gives ``(None, "/path")``.

    Raises:
        ValueError: an unknown method, a path that does not start with '/', or one with a query.
    """
    parts = route.split()
    if len(parts) == 1:
        method, path = None, parts[0]
    elif len(parts) == 2:
        method, path = parts[0].upper(), parts[1]
        if method not in _METHODS:
            raise ValueError(f"unknown HTTP method in route {route!r}")
    else:
        raise ValueError(f"a route is 'METHOD /path', not {route!r}")
    if not path.startswith("/") or "?" in path:
        raise ValueError(f"the path of route {route!r} must start with '/' and carry no query")
    return method, path


def encode_body(body: Any) -> tuple[bytes, str]:
    """Return ``(bytes, content type)`` for a fault body: bytes, text (HTML if it starts with '<') or JSON."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        looks_json = data.lstrip()[:1] in (b"{", b"[")
        return data, "application/json; charset=utf-8" if looks_json else "application/octet-stream"
    if isinstance(body, str):
        ctype = "text/html; charset=utf-8" if body.lstrip().startswith("<") else "application/json; charset=utf-8"
        return body.encode("utf-8"), ctype
    return json.dumps(body).encode("utf-8"), "application/json; charset=utf-8"


def malform(body: bytes, content_type: str) -> bytes:
    """Return a broken copy of ``body`` that a parser of ``content_type`` must reject."""
    if "html" in content_type:
        marker = b'type="application/json">'
        start = body.find(marker)
        if start >= 0:
            start += len(marker)
            end = body.find(b"</script>", start)
            inner = body[start:end] if end > start else b""
            return body[:start] + inner[: max(1, len(inner) // 2)] + body[end:]
        return body[: len(body) // 2]
    if "protobuf" in content_type or "octet-stream" in content_type:
        return b"\x0a\xff\xff\xff\xff\x0f\x12"  # a field claiming more bytes than follow
    return body[: max(1, len(body) // 2)]


@dataclass
class Fault:
    """One armed fault (see the module docstring for what each field does)."""

    method: str | None
    pattern: str
    status: int | None = None
    retry_after: float | str | None = None
    delay: float | None = None
    body: Any = None
    malformed: bool = False
    redirect_to_login: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    remaining: int | None = 1
    redirect_to: str | None = None
    redirect_status: int = 302
    size: int | None = None
    gzip_bomb: int | None = None
    trickle: float | None = None

    def matches(self, method: str, path: str) -> bool:
        """True if this fault applies to a ``method`` request for ``path``."""
        if self.method is not None and self.method != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.pattern)

    @property
    def final_status(self) -> int | None:
        """The status this fault answers with, or None if the route's own answer is kept."""
        if self.redirect_to_login:
            return 302
        if self.status is not None:
            return self.status
        if self.retry_after is not None:
            return 429
        if self.redirect_to is not None:
            return self.redirect_status
        keeps_answer = (self.body, self.delay, self.size, self.gzip_bomb, self.trickle)
        if self.malformed or any(option is not None for option in keeps_answer):
            return None
        return 500

    def error_reply(self) -> tuple[int, bytes, str, list[tuple[str, str]]]:
        """Return ``(status, body, content type, headers)`` for a fault that replaces the answer."""
        status = self.final_status or 200
        headers = list(self.headers.items())
        if self.retry_after is not None:
            value = self.retry_after
            text = value if isinstance(value, str) else f"{value:g}"
            headers.append(("Retry-After", text))
        if self.body is not None:
            data, ctype = encode_body(self.body)
        else:
            message = {"status_code": status, "message": f"HTTP {status} injected by FakeTikTok"}
            data, ctype = encode_body(message)
        if self.malformed:
            data = malform(data, ctype)
        return status, data, ctype, headers


    def hostile_body(self) -> bytes:
        """The body of a ``size`` or ``gzip_bomb`` fault (gzip bytes for a bomb)."""
        if self.gzip_bomb is not None:
            return _gzip_bomb(self.gzip_bomb)
        return _sized_json(self.size or 0)

    def hostile_headers(self) -> list[tuple[str, str]]:
        """Extra headers of a hostile body (``Content-Encoding: gzip`` for a bomb)."""
        return [("Content-Encoding", "gzip")] if self.gzip_bomb is not None else []


def _sized_json(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes (at least ``{}``)."""
    if size < 12:
        return b"{}".ljust(max(size, 2))
    return b'{"pad":"' + b"x" * (size - 10) + b'"}'


@functools.lru_cache(maxsize=4)
def _gzip_bomb(inflated: int) -> bytes:
    """Gzip bytes that inflate to a JSON object of ``inflated`` bytes (mostly blanks)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b'{"pad":"')]
    blank, left = b" " * (1 << 20), max(0, inflated - 10)
    while left:
        step = min(left, len(blank))
        parts.append(packer.compress(blank[:step]))
        left -= step
    parts.append(packer.compress(b'"}'))
    parts.append(packer.flush())
    return b"".join(parts)


class FaultBook:
    """The armed faults of one fake, used up in the order they were armed; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def arm(self, route: str, *, times: int | None = 1, **options: Any) -> Fault:
        """Arm a fault for the next ``times`` matching requests (None: every one, until cleared).

        Raises:
            ValueError: a bad route, ``times`` < 1, a negative delay, or a status outside 100-599.
        """
        method, pattern = parse_route(route)
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every request)")
        delay = options.get("delay")
        if delay is not None and (delay < 0 or (isinstance(delay, float) and math.isnan(delay))):
            raise ValueError("delay must be zero or more seconds")
        status = options.get("status")
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status (100-599), not {status}")
        for name in ("size", "gzip_bomb"):
            value = options.get(name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a whole number of bytes, not {value!r}")
        trickle = options.get("trickle")
        if trickle is not None and not (isinstance(trickle, (int, float)) and 0 < trickle < math.inf):
            raise ValueError(f"trickle must be a finite positive number of seconds, not {trickle!r}")
        fault = Fault(method=method, pattern=pattern, remaining=times, **options)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first armed fault matching this request and use one of its ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        """Return the faults still armed."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()
