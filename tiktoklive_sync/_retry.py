"""Retry policy as data: which requests are retried, how often, how long to wait.

A :class:`RetryPolicy` builds a ``tenacity.Retrying`` for one idempotent request. It retries
connection errors and the statuses in ``statuses`` (by default 429 and 5xx), waits what the server
asks for (``Retry-After`` in seconds or as an HTTP date, or ``RateLimit-Reset`` as a unix time) or
else backs off exponentially with jitter, and gives up after ``attempts`` tries or ``max_seconds``
in total. A server that asks for a longer wait than ``max_wait`` is not retried: the caller gets the
response (and the route raises its named error with the status) instead of a thread asleep for
minutes. POSTs (chat, like, gift) are never retried: they may already have taken effect.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import tenacity

from ._backoff import exponential, server_directed, stop_when_asked_longer
from ._scrub import scrub
from ._validate import non_negative_number, whole_number

__all__ = ["RetryPolicy", "retry_after_seconds", "NO_RETRY"]

log = logging.getLogger("tiktoklive_sync")

RETRYABLE_EXCEPTIONS = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_DAY = 86400.0


def retry_after_seconds(response: requests.Response, now: float | None = None) -> float | None:
    """Return how long the server asked us to wait, in seconds, or None if it did not say.

    Reads ``Retry-After`` (delta seconds or an HTTP date) and then ``RateLimit-Reset`` (a unix time,
    as TikTok's sign server sends it; small values are taken as delta seconds).
    """
    now = time.time() if now is None else now
    value = response.headers.get("Retry-After")
    if value:
        value = value.strip()
        try:
            seconds = float(value)
            return max(0.0, seconds) if math.isfinite(seconds) else None
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - now)
    reset = response.headers.get("RateLimit-Reset")
    if reset:
        try:
            number = float(reset.strip())
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        # A unix time is large; a small number is a delta (draft IETF RateLimit headers).
        return max(0.0, number - now) if number > 10**9 else max(0.0, number)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How a Session retries idempotent requests.

    Applied by the Session's transport adapter (:mod:`tiktoklive_sync._transport`), so every GET is
    covered: routes, the sign server client and ``Session.send()`` alike.

    Attributes:
        attempts: tries in all, the first included (1 = never retry); 1 to 100.
        max_seconds: time budget for all tries and waits together (at most a day).
        backoff: the first wait when the server does not say; doubles each time (with jitter).
        max_wait: the longest single wait; a longer Retry-After is not waited for.
        statuses: HTTP statuses that are retried.
        methods: HTTP methods that are retried (idempotent ones only: POST is refused).

    Raises:
        ValueError: a field that is not a finite number in range (naming it), or POST in ``methods``.
    """

    attempts: int = 3
    max_seconds: float = 30.0
    backoff: float = 0.5
    max_wait: float = 10.0
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"GET", "HEAD", "OPTIONS"}))

    def __post_init__(self) -> None:
        whole_number("RetryPolicy.attempts", self.attempts, minimum=1, maximum=100)
        non_negative_number("RetryPolicy.max_seconds", self.max_seconds, maximum=_DAY)
        non_negative_number("RetryPolicy.backoff", self.backoff, maximum=_DAY)
        non_negative_number("RetryPolicy.max_wait", self.max_wait, maximum=_DAY)
        for status in self.statuses:
            whole_number("RetryPolicy.statuses", status, minimum=100, maximum=599)
        unsafe = {m.upper() for m in self.methods} - _IDEMPOTENT
        if unsafe:
            raise ValueError(f"RetryPolicy.methods may hold idempotent methods only, not {sorted(unsafe)}")

    def applies_to(self, method: str) -> bool:
        """Return True if requests with this HTTP method may be retried."""
        return self.attempts > 1 and method.upper() in {m.upper() for m in self.methods}

    @staticmethod
    def _server_wait(state: tenacity.RetryCallState) -> float | None:
        outcome = state.outcome
        if outcome is None or outcome.failed:
            return None
        result = outcome.result()
        return retry_after_seconds(result) if isinstance(result, requests.Response) else None

    def _should_retry_response(self, response: Any) -> bool:
        return isinstance(response, requests.Response) and response.status_code in self.statuses

    def _give_up_on_budget(self, deadline: float | None) -> Callable[[tenacity.RetryCallState], bool]:
        """Stop when the next wait would run past ``max_seconds`` or the call's total deadline."""

        def stop(state: tenacity.RetryCallState) -> bool:
            upcoming = state.upcoming_sleep or 0.0
            elapsed = state.seconds_since_start or 0.0
            if elapsed + upcoming > self.max_seconds:
                return True
            return deadline is not None and time.monotonic() + upcoming >= deadline

        return stop

    @staticmethod
    def _before_sleep(state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        if outcome is None:
            return
        if outcome.failed:
            what = f"{type(outcome.exception()).__name__}: {outcome.exception()}"
        else:
            response = outcome.result()
            what = f"HTTP {response.status_code}"
            response.close()  # give the connection back before sleeping
        wait = state.next_action.sleep if state.next_action else 0.0
        # retries are chatter: INFO (a user sees the final error, not each attempt); scrubbed
        log.info("retrying after %s (attempt %d, waiting %.2f s)", scrub(what), state.attempt_number, wait)

    def retrying(self, *, deadline: float | None = None) -> tenacity.Retrying:
        """Return a ``tenacity.Retrying`` that runs one request under this policy.

        Built from the shared blocks of :mod:`tiktoklive_sync._backoff`: an exponential wait with
        jitter, overridden by what the server asks for (``Retry-After``), and giving up when the server
        asks for longer than ``max_wait``. ``deadline`` (a ``time.monotonic()`` value) also ends it.
        When retries run out on a retryable *status*, the last response is returned (so the caller can
        raise a named error that carries the status); on an exception, it is re-raised.
        """
        asked = self._server_wait
        stops = (
            tenacity.stop_after_attempt(self.attempts),
            stop_when_asked_longer(asked, self.max_wait, on_give_up=_log_give_up(self.max_wait)),
            self._give_up_on_budget(deadline),
        )
        return tenacity.Retrying(
            stop=lambda state: any(stop(state) for stop in stops),
            wait=server_directed(asked, exponential(initial=self.backoff, maximum=self.max_wait)),
            retry=(
                tenacity.retry_if_exception_type(RETRYABLE_EXCEPTIONS)
                | tenacity.retry_if_result(self._should_retry_response)
            ),
            before_sleep=self._before_sleep,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )


def _log_give_up(limit: float) -> Callable[[float], None]:
    def give_up(asked: float) -> None:
        log.info("not retrying: the server asked to wait %.1f s (limit %.1f s)", asked, limit)

    return give_up


#: a policy that never retries
NO_RETRY = RetryPolicy(attempts=1)
