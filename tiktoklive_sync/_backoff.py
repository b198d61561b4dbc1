"""The tenacity building blocks every retry and reconnect in the library is made of.

One place for: exponential backoff with jitter, a wait the server asks for (``Retry-After``) taking
precedence, giving up when the server asks for longer than we are willing to wait, and a sleep that a
``stop()`` from another thread (or a signal handler) cuts short. The HTTP transport, the live client's
reconnects and the recording's reconnects are each configured by one settings object and built from
these, so a change to how the library backs off is made here once.

Example::

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(5) | stop_when_asked_longer(asked, limit=30),
        wait=server_directed(asked, exponential(initial=1, maximum=30)),
        sleep=StopAwareSleep(stop_event),
    )
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import tenacity

__all__ = ["Stopped", "StopAwareSleep", "exponential", "server_directed", "stop_when_asked_longer", "AskedWait"]

#: reads, from a finished attempt, how long the server asked us to wait (None: it did not say)
AskedWait = Callable[[tenacity.RetryCallState], "float | None"]


class Stopped(Exception):
    """Raised by a :class:`StopAwareSleep` when a stop was requested: control flow, never seen by users."""


def exponential(*, initial: float, maximum: float, jitter: float | None = None) -> tenacity.wait.wait_base:
    """Return a wait that starts at ``initial``, doubles per attempt up to ``maximum``, plus jitter.

    ``jitter`` (default ``initial``) is the most random time added, so that many clients that failed
    together do not come back together.
    """
    spread = initial if jitter is None else jitter
    # wait_exponential + wait_random rather than wait_exponential_jitter, whose arguments changed name
    # between tenacity releases; the sum is capped at ``maximum`` plus the jitter
    return tenacity.wait_exponential(multiplier=initial, max=maximum) + tenacity.wait_random(0, spread)


def server_directed(asked: AskedWait, fallback: tenacity.wait.wait_base) -> Callable[[tenacity.RetryCallState], float]:
    """Return a wait that is never shorter than what the server asked for, else ``fallback``'s."""

    def wait(state: tenacity.RetryCallState) -> float:
        seconds = float(fallback(state))
        wanted = asked(state)
        return max(seconds, wanted) if wanted is not None else seconds

    return wait


def stop_when_asked_longer(
    asked: AskedWait, limit: float, on_give_up: Callable[[float], None] | None = None
) -> Callable[[tenacity.RetryCallState], bool]:
    """Return a stop condition: give up when the server asks to wait longer than ``limit`` seconds.

    Retrying sooner than asked only prolongs a rate limit; the caller gets the error (or response)
    instead of a thread asleep for minutes. ``on_give_up(seconds)`` is called when it gives up (to log).
    """

    def stop(state: tenacity.RetryCallState) -> bool:
        wanted = asked(state)
        if wanted is None or wanted <= limit:
            return False
        if on_give_up is not None:
            on_give_up(wanted)
        return True

    return stop


class StopAwareSleep:
    """A ``sleep`` for tenacity that ends early, raising :class:`Stopped`, once a stop is requested.

    Args:
        stop: a ``threading.Event`` (set by ``stop()``) or a callable returning True once stopping.
        slice_seconds: with a callable, how often it is looked at (an Event wakes the sleep at once).
    """

    def __init__(self, stop: threading.Event | Callable[[], bool], slice_seconds: float = 0.25) -> None:
        self._stop = stop
        self._slice = slice_seconds

    def __call__(self, seconds: float) -> None:
        stop = self._stop
        if isinstance(stop, threading.Event):
            if stop.wait(max(0.0, seconds)):
                raise Stopped()
            return
        deadline = time.monotonic() + seconds
        while not stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, self._slice))
        raise Stopped()
