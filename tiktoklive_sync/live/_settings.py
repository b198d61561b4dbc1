"""LiveClient's timing and limits as data, and which connection failures are worth a retry.

Example::

    fast = LiveSettings(stale_timeout=5, backoff_initial=0.1, backoff_max=1)
    client = tls.LiveClient("someone", settings=fast)       # or LiveClient("someone", stale_timeout=5)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import requests

from ..errors import SignAPIError, SignatureRateLimitError, WebcastBlocked200Error, WebcastFetchResultError

__all__ = ["LiveSettings", "is_transient"]


@dataclass(frozen=True)
class LiveSettings:
    """How a :class:`~tiktoklive_sync.LiveClient` paces itself. Every time is in seconds.

    Attributes:
        heartbeat_interval: the heartbeat period; None (default) means what the server asks for in
            its handshake (``Handshake-Options: ping-interval``), else ``default_heartbeat``, never
            more than ``max_heartbeat``.
        default_heartbeat: the period when the server does not say.
        max_heartbeat: the longest period taken from the server (TikTok drops quiet clients).
        stale_timeout: a connection that brings no frame for this long is replaced.
        connect_timeout: the TCP/TLS connect and WebSocket handshake limit.
        connect_attempts: tries per (re)connection before the error is raised (1 = no retry).
        backoff_initial: the first wait between tries; it doubles (with jitter) up to ``backoff_max``.
        backoff_max: the longest wait between tries. A server that asks for a longer wait
            (a 429's ``Retry-After``) is not retried: its error is raised, with ``retry_after``.
        poll_interval: how often the loop looks at :meth:`~LiveClient.stop` (also the recv slice).
        reconnect: replace a connection that drops (False: the iterator ends instead).
        dedupe_size: how many delivered msg_ids are remembered to drop repeats.
        process_first_batch: deliver the messages of the sign server's first response.
        compress: ask the push server for gzipped frames.

    Raises:
        ValueError: a time that is not positive, or a count below 1.
    """

    heartbeat_interval: float | None = None
    default_heartbeat: float = 10.0
    max_heartbeat: float = 10.0
    stale_timeout: float = 60.0
    connect_timeout: float = 10.0
    connect_attempts: int = 6
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    poll_interval: float = 0.25
    reconnect: bool = True
    dedupe_size: int = 10_000
    process_first_batch: bool = True
    compress: bool = True

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("reconnect", "process_first_batch", "compress"):
                if not isinstance(value, bool):
                    raise ValueError(f"LiveSettings.{f.name} must be True or False, not {value!r}")
                continue
            if value is None and f.name == "heartbeat_interval":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"LiveSettings.{f.name} must be a positive number, not {value!r}")
        for name in ("connect_attempts", "dedupe_size"):
            if not isinstance(getattr(self, name), int):
                raise ValueError(f"LiveSettings.{name} must be a whole number")


def is_transient(exc: BaseException) -> bool:
    """Return True if a failure to connect is worth another try after a backoff.

    Transient: lost or refused TCP connections, time-outs, the sign server's rate limit, its
    connection errors, empty answers and 5xx, an unusable first webcast response. Not transient:
    TikTok refusing the handshake (WebcastBlocked200Error), a paid feature, an untrusted sign host,
    wrong arguments, and anything else.
    """
    if isinstance(exc, WebcastBlocked200Error):
        return False
    if isinstance(exc, (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, SignatureRateLimitError | WebcastFetchResultError):
        return True
    if isinstance(exc, SignAPIError):
        reasons = (SignAPIError.ErrorReason.CONNECT_ERROR, SignAPIError.ErrorReason.EMPTY_PAYLOAD)
        return exc.reason in reasons or (exc.status is not None and exc.status >= 500)
    return False
