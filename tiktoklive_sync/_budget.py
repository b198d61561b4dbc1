"""A request budget: a thread-safe token bucket that every request of a Session draws from.

TikTok's WAF blocks IPs that send too much too fast, so a process that polls many creators shares
one budget between all its threads: ``Session(max_requests_per_second=2)`` makes every request of
that Session (every route, retries and redirects included) take a token before it is sent.

Example::

    budget = RequestBudget(rate=2.0, burst=4)
    budget.acquire()                      # blocks until a token is free; returns True
    budget.acquire(stop=stop_event)       # ... or False as soon as stop_event is set
    budget.penalize(30.0)                 # after a 429: nobody sends for 30 s
"""

from __future__ import annotations

import math
import threading
import time

__all__ = ["RequestBudget", "WAIT_SLICE"]

#: the longest single sleep while waiting for a token: a stop is noticed within it. Waits sleep and
#: look at ``stop.is_set()`` rather than block in ``stop.wait()``, so a signal handler that sets the
#: event can never find its lock held by the thread it interrupted
WAIT_SLICE = 0.25


class RequestBudget:
    """A token bucket: ``rate`` tokens a second, at most ``burst`` saved up. Safe from any thread.

    Args:
        rate: tokens (requests) per second; must be positive.
        burst: the most tokens saved up while idle (default 1: requests evenly spaced, never two
            closer than ``1 / rate`` seconds).

    Attributes:
        rate, burst: as given.
        granted: tokens handed out so far.
        waited: seconds callers spent waiting for tokens, summed over all callers.

    Raises:
        ValueError: a rate that is not a positive number, or a burst below 1.
    """

    def __init__(self, rate: float, burst: float | None = None) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0 or math.isinf(rate):
            raise ValueError(f"rate must be a positive number of requests per second, not {rate!r}")
        if burst is None:
            burst = 1.0
        if isinstance(burst, bool) or not isinstance(burst, (int, float)) or not burst >= 1 or math.isinf(burst):
            raise ValueError(f"burst must be a number of at least 1, not {burst!r}")
        self.rate = float(rate)
        self.burst = float(burst)
        self.granted = 0
        self.waited = 0.0
        self._tokens = self.burst
        self._stamp = time.monotonic()
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RequestBudget {self.rate:g}/s burst={self.burst:g} granted={self.granted}>"

    def _refill(self, now: float) -> None:
        """Add the tokens earned since the last look (the lock is held)."""
        if now > self._stamp:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now

    def _delay(self, now: float) -> float:
        """Seconds until a token can be taken, 0 if one can now (the lock is held)."""
        self._refill(now)
        pause = self._paused_until - now
        lack = (1.0 - self._tokens) / self.rate if self._tokens < 1.0 else 0.0
        return max(0.0, pause, lack)

    def try_acquire(self) -> bool:
        """Take a token if one is free now; never waits.

        Returns:
            True if a token was taken.
        """
        with self._lock:
            if self._delay(time.monotonic()) > 0:
                return False
            self._tokens -= 1.0
            self.granted += 1
            return True

    def acquire(self, *, stop: threading.Event | None = None, timeout: float | None = None) -> bool:
        """Take a token, waiting (in slices of at most :data:`WAIT_SLICE` s) until one is free.

        Args:
            stop: give up as soon as this event is set.
            timeout: give up after this many seconds (None: wait as long as it takes).
        Returns:
            True if a token was taken; False if ``stop`` was set or ``timeout`` passed first.
        """
        start = time.monotonic()
        deadline = None if timeout is None else start + timeout
        while True:
            now = time.monotonic()
            with self._lock:
                delay = self._delay(now)
                if delay <= 0:
                    self._tokens -= 1.0
                    self.granted += 1
                    self.waited += now - start
                    return True
            if stop is not None and stop.is_set():
                return False
            step = min(delay, WAIT_SLICE)
            if deadline is not None:
                if now >= deadline:
                    return False
                step = min(step, deadline - now)
            time.sleep(step)  # not stop.wait(): a signal handler may set ``stop`` (see WAIT_SLICE)

    def wait_until_free(self, *, stop: threading.Event | None = None, timeout: float | None = None) -> bool:
        """Wait until a token could be taken, without taking it (to wait where a stop is noticed).

        Returns:
            True once a token is free; False if ``stop`` was set or ``timeout`` passed first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            now = time.monotonic()
            with self._lock:
                delay = self._delay(now)
            if delay <= 0:
                return True
            if (stop is not None and stop.is_set()) or (deadline is not None and now >= deadline):
                return False
            time.sleep(min(delay, WAIT_SLICE, deadline - now if deadline is not None else WAIT_SLICE))

    def penalize(self, seconds: float) -> None:
        """Hand out no token for the next ``seconds`` (e.g. after TikTok answered 429); never shortens a pause."""
        if seconds > 0:
            with self._lock:
                self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    @property
    def available(self) -> float:
        """Tokens free right now (fractions included; 0 during a penalty)."""
        now = time.monotonic()
        with self._lock:
            self._refill(now)
            return 0.0 if self._paused_until > now else self._tokens
