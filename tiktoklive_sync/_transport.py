"""The transport adapter: where every request of a Session gets its limits, retries and budget.

:class:`TransportAdapter` is a ``requests.adapters.HTTPAdapter`` (as requests itself builds its
transport in ``adapters.py``) that the Session mounts for ``http://`` and ``https://``. Its
:meth:`~TransportAdapter.send` is the one place that applies, to every request, whether it came from a
route, the sign server client, ``Session.send()`` or user code:

- ``verify``: only ``True`` or the path of an existing CA bundle (anything else: ValueError);
- the default ``timeout`` (requests has none), cut to what is left of the deadline;
- a **total deadline** per call (``Session.deadline``), covering the connection, every retry and
  wait, and the reading of the body in chunks: a server that trickles one byte a second ends in
  ``requests.ReadTimeout`` at the deadline, however short each read is;
- a **body limit** (``Session.max_body_bytes``), counted on the decompressed bytes as they are read
  (urllib3 inflates with a bound on each step), so a gzip bomb or a 100 MiB page costs no more than the
  limit: :class:`~tiktoklive_sync.errors.ResponseTooLargeError`;
- the **retry policy** (:class:`~tiktoklive_sync._retry.RetryPolicy`: GET/HEAD/OPTIONS only, never
  POST), so the sign server client gets it without building its own;
- the **request budget** (``Session.budget``: anything with ``acquire()``), one token per attempt.

Transport failures stay requests' exceptions (errors.py draws the policy), with their text scrubbed
of session ids and keys. Responses asked for with ``stream=True`` are handed over unread; read them
with :func:`read_body` to get the same limit and deadline.

How the deadline is kept: each attempt arms a timer for the time left; the connection pools of this
adapter use connection classes that hand their socket to that timer when they start reading the
answer (``getresponse``), and the timer shuts the socket down when the deadline passes, so even a
server that trickles its *headers* a byte at a time is cut off (requests' own timeouts are per read).
The body reader also checks the deadline between reads. A socket of a SOCKS proxy is not watched; there
the deadline is checked between reads of the body only.
"""

from __future__ import annotations

import contextvars
import copy
import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from ._retry import retry_after_seconds
from ._scrub import scrub
from .errors import ResponseTooLargeError

if TYPE_CHECKING:
    from ._session import Session

__all__ = ["TransportAdapter", "read_body", "check_verify", "retries_disabled", "one_deadline", "CHUNK_BYTES"]

log = logging.getLogger("tiktoklive_sync")

#: bytes asked for per read while a body is read (decompressed output per step is bounded by it too)
CHUNK_BYTES = 64 * 1024

_no_retry: contextvars.ContextVar[bool] = contextvars.ContextVar("tiktoklive_sync_no_retry", default=False)


_call_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("tiktoklive_sync_deadline", default=None)


@contextmanager
def one_deadline(seconds: float) -> Iterator[None]:
    """Within the block, every request of this thread (each redirect hop of one call) shares one deadline."""
    outer = _call_deadline.get()
    mine = time.monotonic() + seconds
    token = _call_deadline.set(mine if outer is None else min(outer, mine))
    try:
        yield
    finally:
        _call_deadline.reset(token)


@contextmanager
def retries_disabled() -> Iterator[None]:
    """Within the block, requests of this thread are sent exactly once (``Session.request(retry=False)``)."""
    token = _no_retry.set(True)
    try:
        yield
    finally:
        _no_retry.reset(token)


def check_verify(value: Any, where: str = "verify") -> bool | str:
    """Return ``value`` if it is ``True`` or the path of an existing CA bundle (file or directory).

    Raises:
        ValueError: anything else (False, 0, "", [], None, a path that does not exist), saying why.
    """
    if value is True:
        return True
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bool):
        path = os.fspath(value)
        if path and os.path.exists(path):
            return str(path)
        if path:
            raise ValueError(f"{where}={path!r}: no CA bundle exists at that path")
    raise ValueError(
        f"{where}={value!r} is refused: TLS verification cannot be turned off in tiktoklive_sync. "
        "Pass True, or the path of a CA bundle (e.g. an intercepting proxy's)."
    )


def _scrubbed(exc: requests.RequestException) -> requests.RequestException:
    """A copy of ``exc`` (same class, same request/response) whose text holds no secret."""
    clean = copy.copy(exc)
    clean.args = (scrub(str(exc)),)
    return clean


def _over_limit(response: requests.Response, limit: int, announced: str | None = None) -> ResponseTooLargeError:
    host = urlsplit(response.url or "").hostname or "the server"
    size = f"{announced} bytes, more than" if announced is not None else "larger than"
    return ResponseTooLargeError(
        f"The answer from {host} is {size} the limit of {limit} bytes; stopped reading.",
        status=response.status_code,
        limit=limit,
        announced=announced,
    )


def read_body(response: requests.Response, *, limit: int, deadline: float | None = None) -> bytes:
    """Read (and decompress) the rest of a streamed response, at most ``limit`` bytes, by ``deadline``.

    ``deadline`` is a ``time.monotonic()`` value. The body is stored as ``response.content`` too.

    Returns:
        the body's bytes (decompressed).
    Raises:
        ResponseTooLargeError: ``Content-Length`` or the decompressed bytes pass ``limit``.
        requests.ReadTimeout: the deadline passed (or one read timed out).
        requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError: the body broke off or does not decompress.
    """
    announced = response.headers.get("Content-Length", "").strip()
    encoded = response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")
    # ASCII digits only ("²".isdigit() is True); more than 20 digits is past any limit (and int() refuses
    # more than 4300)
    if not encoded and announced.isascii() and announced.isdigit() and (len(announced) > 20 or int(announced) > limit):
        response.close()
        raise _over_limit(response, limit, announced if len(announced) <= 20 else "over 10**20")
    if getattr(response, "_content_consumed", False) or response.raw is None:
        content = response.content or b""  # already read (e.g. a mocked transport)
        if len(content) > limit:
            raise _over_limit(response, limit)
        return content
    parts: list[bytes] = []
    size = 0
    try:
        while True:
            if deadline is not None and time.monotonic() > deadline:
                raise requests.ReadTimeout(
                    "the answer did not arrive within the Session's total deadline (Session(deadline=...))",
                    response=response, request=response.request,
                )
            part = response.raw.read1(CHUNK_BYTES, decode_content=True)
            if not part:
                break
            size += len(part)
            if size > limit:
                raise _over_limit(response, limit)
            parts.append(part)
    except (requests.RequestException, ResponseTooLargeError):  # ours (a RequestException is an OSError)
        response.close()
        raise
    except urllib3.exceptions.ReadTimeoutError as exc:
        response.close()
        raise requests.ReadTimeout(scrub(str(exc)), response=response, request=response.request) from None
    except urllib3.exceptions.DecodeError as exc:
        response.close()
        raise requests.exceptions.ContentDecodingError(scrub(str(exc)), response=response) from None
    except urllib3.exceptions.SSLError as exc:
        response.close()
        raise requests.exceptions.SSLError(scrub(str(exc)), response=response) from None
    except (urllib3.exceptions.ProtocolError, OSError) as exc:
        response.close()
        raise requests.exceptions.ChunkedEncodingError(scrub(str(exc)), response=response) from None
    except BaseException:
        response.close()
        raise
    content = b"".join(parts)
    response._content = content  # what requests' own Response.content does once it has read it all
    response._content_consumed = True  # type: ignore[attr-defined]
    response.raw.release_conn()
    return content


_watching = threading.local()


class _DeadlineWatch:
    """Shuts the socket of the current attempt down once the deadline passes (see the module doc)."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            _shut(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _WatchedConnection:
    """Mixed into urllib3's connection classes: the answer's socket is handed to the deadline watch."""

    sock: socket.socket | None

    def getresponse(self) -> Any:
        watch = getattr(_watching, "watch", None)
        if watch is not None:
            watch.attach(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _HTTPConnection(_WatchedConnection, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_WatchedConnection, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_WATCHED_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class TransportAdapter(requests.adapters.HTTPAdapter):
    """The Session's adapter: timeout, deadline, body limit, retry policy and budget (module doc).

    Args:
        session: the Session whose settings are read on every send (held weakly).
        **kwargs: as ``HTTPAdapter`` (``pool_maxsize``, ...).
    """

    def __init__(self, session: Session, **kwargs: Any) -> None:
        self._owner: weakref.ref[Session] = weakref.ref(session)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """requests' pool manager, with connection classes the deadline can watch."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """requests' proxy manager; an HTTP(S) proxy's connections are watched too."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Send ``request`` under the owning Session's limits and retry policy.

        Returns:
            the response (its body read and checked unless ``stream=True``); after retries on a
            retryable status, the last one.
        Raises:
            ValueError: a ``verify`` that turns TLS checks off.
            ResponseTooLargeError: the body passed ``Session.max_body_bytes``.
            requests.Timeout: a read, the connection, or the total deadline timed out.
            requests.RequestException: any other transport failure (after retries, for GETs).
        """
        owner = getattr(self, "_owner", None)  # not kept by pickling (requests' __attrs__)
        session = owner() if owner is not None else None
        if session is None:  # the Session is gone: behave as requests' own adapter
            return super().send(request, stream, timeout, verify, cert, proxies)
        verify = check_verify(verify)
        connect, read = _pair(timeout if timeout is not None else session.timeout)
        deadline = time.monotonic() + session.deadline
        shared = _call_deadline.get()
        if shared is not None:
            deadline = min(deadline, shared)
        policy = session.retry_policy
        args = (request, stream, connect, read, deadline, verify, cert, proxies)
        if _no_retry.get() or not policy.applies_to(request.method or "GET"):
            return self._attempt(session, *args)
        return policy.retrying(deadline=deadline)(self._attempt, session, *args)

    def _attempt(
        self, session: Session, request: requests.PreparedRequest, stream: bool, connect: float | None,
        read: float | None, deadline: float, verify: bool | str, cert: Any, proxies: Any,
    ) -> requests.Response:
        budget = getattr(session, "budget", None)
        if budget is not None:
            budget.acquire()
        left = deadline - time.monotonic()
        if left <= 0:
            raise requests.ConnectTimeout(
                "no time was left of the Session's total deadline (Session(deadline=...))", request=request
            )
        timeout = (_cut(connect, left), _cut(read, left))
        watch = _DeadlineWatch(left)
        _watching.watch = watch
        try:
            response = super().send(request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
            _watching.watch = None
            if not stream:
                read_body(response, limit=session.max_body_bytes, deadline=deadline)
        except requests.RequestException as exc:
            if watch.fired:
                raise requests.ReadTimeout(
                    "the answer did not arrive within the Session's total deadline (Session(deadline=...))",
                    request=request,
                ) from None
            raise _scrubbed(exc) from None
        finally:
            _watching.watch = None
            watch.cancel()
        _penalize_on_429(budget, response)
        return response


def _penalize_on_429(budget: Any, response: requests.Response) -> None:
    """Tell a budget that can hold everyone back (``penalize(seconds)``) that the server said 429."""
    penalize = getattr(budget, "penalize", None)
    if penalize is not None and response.status_code == 429:
        asked = retry_after_seconds(response)
        penalize(min(asked, 300.0) if asked is not None else 1.0)


def _pair(timeout: Any) -> tuple[float | None, float | None]:
    if isinstance(timeout, tuple):
        return timeout[0], timeout[1]
    return timeout, timeout


def _cut(value: float | None, left: float) -> float:
    return left if value is None else min(value, left)
