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
import time
from dataclasses import dataclass, field
from typing import Any

import requests
import tenacity

__all__ = ["RetryPolicy", "retry_after_seconds", "NO_RETRY"]

log = logging.getLogger("tiktoklive_sync")

RETRYABLE_EXCEPTIONS = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


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
            return max(0.0, float(value))
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
        # A unix time is large; a small number is a delta (draft IETF RateLimit headers).
        return max(0.0, number - now) if number > 10**9 else max(0.0, number)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How a Session retries idempotent requests.

    Attributes:
        attempts: tries in all, the first included (1 = never retry).
        max_seconds: time budget for all tries and waits together.
        backoff: the first wait when the server does not say; doubles each time (with jitter).
        max_wait: the longest single wait; a longer Retry-After is not waited for.
        statuses: HTTP statuses that are retried.
        methods: HTTP methods that are retried (idempotent ones only).
    """

    attempts: int = 3
    max_seconds: float = 30.0
    backoff: float = 0.5
    max_wait: float = 10.0
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"GET", "HEAD", "OPTIONS"}))

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if self.max_seconds < 0 or self.backoff < 0 or self.max_wait < 0:
            raise ValueError("RetryPolicy times must not be negative")

    def applies_to(self, method: str) -> bool:
        """Return True if requests with this HTTP method may be retried."""
        return self.attempts > 1 and method.upper() in self.methods

    def _server_wait(self, state: tenacity.RetryCallState) -> float | None:
        outcome = state.outcome
        if outcome is None or outcome.failed:
            return None
        return retry_after_seconds(outcome.result())

    def _should_retry_response(self, response: Any) -> bool:
        return isinstance(response, requests.Response) and response.status_code in self.statuses

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= self.attempts:
            return True
        elapsed = state.seconds_since_start or 0.0
        asked = self._server_wait(state)
        if asked is not None and (asked > self.max_wait or elapsed + asked > self.max_seconds):
            log.warning("not retrying: server asked to wait %.1f s (limit %.1f s)", asked, self.max_wait)
            return True
        return elapsed >= self.max_seconds

    def _wait(self, state: tenacity.RetryCallState) -> float:
        asked = self._server_wait(state)
        if asked is not None:
            return asked
        backoff = tenacity.wait_exponential(multiplier=self.backoff, max=self.max_wait) + tenacity.wait_random(
            0, self.backoff
        )
        return float(min(self.max_wait, backoff(state)))

    @staticmethod
    def _before_sleep(state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        if outcome is None:
            return
        if outcome.failed:
            what = repr(outcome.exception())
        else:
            response = outcome.result()
            what = f"HTTP {response.status_code}"
            response.close()  # give the connection back before sleeping
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("retrying after %s (attempt %d, waiting %.2f s)", what, state.attempt_number, wait)

    def retrying(self) -> tenacity.Retrying:
        """Return a ``tenacity.Retrying`` that runs one request under this policy.

        When retries run out on a retryable *status*, the last response is returned (so the caller
        can raise a named error that carries the status); on an exception, it is re-raised.
        """
        return tenacity.Retrying(
            stop=self._stop,
            wait=self._wait,
            retry=(
                tenacity.retry_if_exception_type(RETRYABLE_EXCEPTIONS)
                | tenacity.retry_if_result(self._should_retry_response)
            ),
            before_sleep=self._before_sleep,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )


#: a policy that never retries
NO_RETRY = RetryPolicy(attempts=1)
