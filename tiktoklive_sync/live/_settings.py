"""LiveClient's timing and limits as data, and which connection failures are worth a retry.

Example::

    fast = LiveSettings(stale_timeout=5, backoff_initial=0.1, backoff_max=1)
    client = tls.LiveClient("someone", settings=fast)       # or LiveClient("someone", stale_timeout=5)
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from .._validate import positive_number, whole_number
from ..errors import SignAPIError, SignatureRateLimitError, WebcastBlocked200Error, WebcastFetchResultError
from ._protocol import MAX_MESSAGES_PER_FRAME

__all__ = ["LiveSettings", "is_transient"]

#: the longest time any setting may name (a day): a larger one is a mistake, and timers overflow on inf
_LONGEST = 86_400.0


@dataclass(frozen=True)
class LiveSettings:
    """How a :class:`~tiktoklive_sync.LiveClient` paces itself. Every time is in seconds.

    Attributes:
        heartbeat_interval: the heartbeat period; None (default) means what the server asks for in
            its handshake (``Handshake-Options: ping-interval``), else ``default_heartbeat``, never
            more than ``max_heartbeat``.
        default_heartbeat: the period when the server does not say.
        max_heartbeat: the longest period taken from the server (TikTok drops quiet clients).
        stale_timeout: a connection that brings no push frame for this long is replaced (pings,
            oversized or undecodable frames do not count as traffic).
        connect_timeout: the TCP/TLS connect and WebSocket handshake limit.
        connect_attempts: tries per (re)connection before the error is raised (1 = no retry).
        backoff_initial: the first wait between tries; it doubles (with jitter of up to itself) up to
            ``backoff_max``.
        backoff_max: the longest wait between tries. A server that asks for a longer wait
            (a 429's ``Retry-After``) is not retried: its error is raised, with ``retry_after``.
        poll_interval: kept for compatibility; the loop no longer polls (it sleeps until the next
            heartbeat or the stale deadline, and ``stop()`` wakes it at once).
        reconnect: replace a connection that drops (False: the iterator ends instead).
        dedupe_size: how many delivered msg_ids are remembered to drop repeats.
        process_first_batch: deliver the messages of the sign server's first response.
        compress: ask the push server for gzipped frames.
        max_messages_per_frame: the most messages decoded from one frame; the rest are skipped
            (logged, counted in ``stats.undecodable``).

    Raises:
        ValueError: a time that is not a finite number above 0 (and at most a day), a count that is
            not a whole number in range, or a flag that is not a bool; the message names the field.
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
    max_messages_per_frame: int = MAX_MESSAGES_PER_FRAME

    def __post_init__(self) -> None:
        for name in ("reconnect", "process_first_batch", "compress"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"LiveSettings.{name} must be True or False, not {getattr(self, name)!r}")
        if self.heartbeat_interval is not None:
            positive_number("LiveSettings.heartbeat_interval", self.heartbeat_interval, maximum=_LONGEST)
        for name in ("default_heartbeat", "max_heartbeat", "stale_timeout", "connect_timeout", "backoff_initial",
                     "backoff_max", "poll_interval"):
            positive_number(f"LiveSettings.{name}", getattr(self, name), maximum=_LONGEST)
        whole_number("LiveSettings.connect_attempts", self.connect_attempts, maximum=1_000)
        whole_number("LiveSettings.dedupe_size", self.dedupe_size, maximum=10_000_000)
        whole_number("LiveSettings.max_messages_per_frame", self.max_messages_per_frame, maximum=10_000_000)


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
