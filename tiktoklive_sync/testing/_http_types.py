"""The HTTP side's plain types: a recorded request, a reply, a route (no I/O here)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from requests.structures import CaseInsensitiveDict

if TYPE_CHECKING:
    from ._state import FakeState

__all__ = ["RecordedRequest", "Reply", "Route", "RouteHandler", "JSON_TYPE", "HTML_TYPE"]

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received.

    Attributes:
        method: ``GET``, ``POST``, ...
        path: the URL path, percent-decoding left as sent.
        query: query parameters (the last value of each name); ``query_lists`` has them all.
        headers: the request headers (case-insensitive).
        cookies: the cookies the ``Cookie`` header carried.
        body: the raw request body.
        received_at: ``time.monotonic()`` when it arrived.
    """

    method: str
    path: str
    query: dict[str, str]
    query_lists: dict[str, list[str]]
    headers: CaseInsensitiveDict[str]
    cookies: dict[str, str]
    body: bytes = b""
    received_at: float = 0.0

    @property
    def route(self) -> str:
        """``"METHOD /path"``, the same form ``fail_next`` takes."""
        return f"{self.method} {self.path}"

    def json(self) -> Any:
        """Return the body parsed as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """Return the body parsed as an HTML form (``a=1&b=2``)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def text(self) -> str:
        """Everything a secret could hide in: the path, query, headers and body, as one string."""
        head = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method} {self.path}?{self.query_lists}\n{head}\n{self.body.decode('utf-8', 'replace')}"


@dataclass
class Reply:
    """An answer of a fake route."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, value: Any, status: int = 200, headers: Sequence[tuple[str, str]] = ()) -> Reply:
        """A JSON answer."""
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, body, JSON_TYPE, list(headers))

    @classmethod
    def html(cls, text: str, status: int = 200, headers: Sequence[tuple[str, str]] = ()) -> Reply:
        """An HTML answer."""
        return cls(status, text.encode("utf-8"), HTML_TYPE, list(headers))

    @classmethod
    def not_found(cls) -> Reply:
        """TikTok's plain 404."""
        return cls.html("<html><body><h1>404 Not Found</h1></body></html>", status=404)


#: a route handler: ``(state, request, match) -> Reply``
RouteHandler = Callable[["FakeState", RecordedRequest, "re.Match[str]"], Reply]


@dataclass(frozen=True)
class Route:
    """One route of the fake: a method, a path regex (full match) and its handler."""

    method: str
    pattern: re.Pattern[str]
    handler: RouteHandler

    @classmethod
    def of(cls, method: str, regex: str, handler: RouteHandler) -> Route:
        """Build a route from a regex string."""
        return cls(method, re.compile(regex), handler)
