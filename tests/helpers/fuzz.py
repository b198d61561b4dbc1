"""What the fuzz tests (``test_fuzz_*.py``) share: the checks every outcome must pass, canned HTTP
answers served without sockets, and the real inputs (hostile values and mutations are in
``tests.helpers.fuzz_values``).

The property all fuzz tests assert: a parser returns a valid result or raises a named
``TikTokLiveError`` subclass whose message reads; nothing else escapes (no KeyError, TypeError,
IndexError, AttributeError, UnicodeError, RecursionError, bare ValueError) and no call hangs.
"""

from __future__ import annotations

import functools
import json
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests
from hypothesis import strategies as st
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

import tiktoklive_sync as tls
from tiktoklive_sync.errors import TikTokLiveError

T = TypeVar("T")

#: a single parser call taking this long on inputs of a few KiB is a hang, not slowness
HANG_SECONDS = 20.0


# -- the checks ------------------------------------------------------------------------------


class Hang(AssertionError):
    """A parser call did not return within HANG_SECONDS."""


@contextmanager
def no_hang(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail with :class:`Hang` if the block runs longer than ``seconds`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"a parser call ran for more than {seconds:g} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_error(exc: TikTokLiveError) -> None:
    """A named error is usable: its message renders, it carries the documented attributes."""
    text = str(exc)
    assert text.strip(), f"{type(exc).__name__} has an empty message"
    repr(exc)
    assert exc.status is None or isinstance(exc.status, int)
    assert isinstance(exc.excerpt, str) and len(exc.excerpt) <= 210


def outcome(call: Callable[[], T], *, allowed: tuple[type[BaseException], ...] = ()) -> T | TikTokLiveError:
    """Run ``call`` under the hang guard; return its result or the TikTokLiveError it raised.

    Any other exception propagates (and fails the test) unless it is one of ``allowed``, which is
    returned like a named error.
    """
    try:
        with no_hang():
            return call()
    except TikTokLiveError as exc:
        check_error(exc)
        return exc
    except allowed as exc:  # type: ignore[misc]
        return exc  # type: ignore[return-value]


# -- canned HTTP answers, no sockets ---------------------------------------------------------

HEADER_TEXT = st.text(st.characters(max_codepoint=255, blacklist_characters="\r\n"), max_size=24)
JSON_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/html", "",
                      "text/plain; charset=latin-1", "application/json; charset=utf-16",
                      "application/json; charset=idna"]
HTML_CONTENT_TYPES = ["text/html; charset=utf-8", "text/html", "", "text/html; charset=iso-8859-1",
                      "text/html; charset=utf-16", "text/html; charset=idna", "text/html; charset=punycode",
                      "text/html; charset=rot13", "text/html; charset=base64", "text/html; charset=nonsense",
                      "text/html; charset=utf_7", "text/html; charset=uu", "text/html; charset=zlib"]
STATUSES = [200] * 8 + [201, 204, 206, 299, 300, 304, 400, 401, 403, 404, 429, 500, 502, 503, 504, 100, 999]
LOGIN_PAGES = ["https://web.example.test/login?redirect_url=x", "https://web.example.test/foo/login/",
               "https://web.example.test/LOGIN"]
LOGIN_URLS = [*LOGIN_PAGES, "https://web.example.test/loginx"]  # the last is not a login page


_URLS = st.sampled_from([None, None, None, None, None, None, *LOGIN_URLS])
_STATUSES = st.sampled_from(STATUSES)


@dataclass
class Answer:
    """One canned HTTP answer."""

    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    url: str | None = None  # the final URL (after redirects); None: the request's URL


def answers(bodies: st.SearchStrategy[bytes], content_types: list[str] = JSON_CONTENT_TYPES,
            any_content_type: bool = False) -> st.SearchStrategy[Answer]:
    """HTTP answers around ``bodies``: mostly 200, sometimes odd statuses, charsets, login URLs.

    ``any_content_type``: also arbitrary Content-Type text (for parsers that read the charset;
    the JSON routes parse the bytes whatever the header says, so there it only costs time).
    """
    content_type = st.sampled_from(content_types)
    if any_content_type:
        content_type = content_type | HEADER_TEXT
    headers = st.fixed_dictionaries({"Content-Type": content_type})
    return st.builds(Answer, bodies, _STATUSES, headers, _URLS)


def usable(answer: Answer) -> bool:
    """True if a route may read data from ``answer``: a 2xx that is not a login page."""
    return 200 <= answer.status < 300 and answer.url not in LOGIN_PAGES


class CannedAdapter(BaseAdapter):
    """A requests transport that answers every request with the next canned :class:`Answer`.

    Mount it on a Session (``session.mount("https://", adapter)``) and the real route runs end to
    end with no socket. The last answer is repeated once the queue runs dry.
    """

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[Answer] = []
        self.requests: list[requests.PreparedRequest] = []

    def serve(self, *queue: Answer) -> None:
        self.queue = list(queue)
        self.requests = []

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        assert timeout is not None, f"a request was sent without a timeout: {request.url}"
        assert verify is not False, "a request was sent with TLS verification off"
        self.requests.append(request)
        answer = self.queue.pop(0) if len(self.queue) > 1 else self.queue[0]
        response = requests.Response()
        response.status_code = answer.status
        response._content = answer.body
        response._content_consumed = True
        response.headers = CaseInsensitiveDict(answer.headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = answer.url or request.url or ""
        response.reason = "Fuzzed"
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        pass


@functools.cache
def canned_session() -> tuple[tls.Session, CannedAdapter]:
    """A Session (against the test endpoints, no retries, no sign key) whose every request is canned."""
    from tests.helpers.payloads import make_session

    session = make_session()
    session.trust_env = False  # no proxy look-ups in the environment: nothing leaves the process
    adapter = CannedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


def run_route(route: Callable[..., T], *args: Any, answer: Answer | list[Answer], **kwargs: Any) -> T | TikTokLiveError:
    """Call ``route(session, *args, **kwargs)`` with ``answer`` (or a queue of answers) canned."""
    session, adapter = canned_session()
    adapter.serve(*(answer if isinstance(answer, list) else [answer]))
    return outcome(lambda: route(session, *args, **kwargs))


# -- real inputs -----------------------------------------------------------------------------

TESTS = Path(__file__).resolve().parents[1]
REALDATA = TESTS / "data" / "realdata"


@functools.cache
def real_gift_list() -> dict[str, Any]:
    """The real gift list capture (a whole ``/webcast/gift/list/`` answer)."""
    return json.loads((REALDATA / "gift_list_jwjava_2024-01-05.json").read_text("utf-8"))


@functools.cache
def real_messages() -> tuple[tuple[str, bytes], ...]:
    """``(method, payload)`` for every real message capture (the method from the file name)."""
    out = []
    for path in sorted(REALDATA.glob("msg_*.bin")):
        # msg_jwjava_<source>_<Method>_<n>.bin
        method = path.stem.split("_", 3)[3].rsplit("_", 1)[0]
        out.append((method, path.read_bytes()))
    return tuple(out)


def read_frames(path: Path, count: int) -> list[bytes]:
    """The first ``count`` frames of a bench ``frames.bin`` (uint32 big-endian length prefixes)."""
    frames: list[bytes] = []
    with path.open("rb") as handle:
        while len(frames) < count:
            prefix = handle.read(4)
            if len(prefix) < 4:
                break
            (size,) = struct.unpack(">I", prefix)
            frames.append(handle.read(size))
    return frames


def read_all_properties(value: Any, depth: int = 0) -> None:
    """Read every property of an event and of the views it hands out, their reprs, and to_dict."""
    for cls in type(value).__mro__:
        for name, attr in vars(cls).items():
            if isinstance(attr, property):
                inner = getattr(value, name)
                if depth < 2:
                    for item in inner if isinstance(inner, (list, tuple)) else [inner]:
                        if type(item).__module__ == "tiktoklive_sync.events._views":
                            read_all_properties(item, depth + 1)
    repr(value)
    if hasattr(value, "to_dict"):
        value.to_dict()
