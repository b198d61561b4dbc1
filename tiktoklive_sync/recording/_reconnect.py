"""How a recording reconnects when its source drops while the room is still live: one settings object,
built from the library's shared tenacity building blocks (:mod:`tiktoklive_sync._backoff`).

A drop after media was recorded starts the next segment at once. A segment that then records nothing
(the edge is still down) is retried after a wait that doubles each time, plus jitter, up to
``max_delay``; after ``attempts`` such segments in a row the recording gives up and finishes its file.
A :meth:`Recording.stop` cuts any wait short.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import tenacity

from .._backoff import StopAwareSleep, exponential
from .._validate import non_negative_number, positive_number, whole_number

__all__ = ["ReconnectSettings", "NothingRecorded"]


class NothingRecorded(Exception):
    """A segment started after a drop recorded no media: control flow for the retry, never raised to users."""


@dataclass(frozen=True)
class ReconnectSettings:
    """How a recording reconnects after its source dropped while the room is live.

    ``record_stream(..., reconnect=ReconnectSettings(attempts=8, max_delay=60))``.

    Attributes:
        attempts: segments tried in a row after a drop before giving up when none of them records
            anything (at least 1; default 4). A segment that records media starts the count afresh.
        initial_delay: seconds waited after the first of them recorded nothing; doubled for each
            further one (default 1.0; 0 retries at once).
        max_delay: the longest wait between two tries (default 30.0).
        jitter: the most random seconds added to each wait, so that many recordings dropped by
            one edge do not come back at the same instant (default: ``initial_delay``).
    Raises:
        ValueError: a number that is not finite or out of range, naming it.
    """

    attempts: int = 4
    initial_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float | None = None

    def __post_init__(self) -> None:
        whole_number("attempts", self.attempts, minimum=1, maximum=1000)
        non_negative_number("initial_delay", self.initial_delay, maximum=3600)
        positive_number("max_delay", self.max_delay, maximum=3600)
        if self.jitter is not None:
            non_negative_number("jitter", self.jitter, maximum=3600)

    def retrying(self, stopping: threading.Event | Callable[[], bool]) -> tenacity.Retrying:
        """Return the tenacity loop for one drop: retries :class:`NothingRecorded` only, waits per these
        settings, and raises :class:`~tiktoklive_sync._backoff.Stopped` from a wait once ``stopping`` is set
        (an Event, or a callable returning True).

        When the attempts are used up it raises ``tenacity.RetryError``.
        """
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=exponential(initial=self.initial_delay, maximum=self.max_delay, jitter=self.jitter),
            retry=tenacity.retry_if_exception_type(NothingRecorded),
            sleep=StopAwareSleep(stopping),
        )

    @classmethod
    def from_legacy(cls, max_reconnects: int | None, reconnect_delay: float | None) -> ReconnectSettings:
        """Return the settings the deprecated ``max_reconnects`` / ``reconnect_delay`` arguments meant.

        ``max_reconnects=n`` allowed n retries after the first segment that recorded nothing: n + 1 tries.

        Raises:
            ValueError: a number that is not finite or out of range, naming it.
        """
        attempts = 4 if max_reconnects is None else 1 + whole_number("max_reconnects", max_reconnects, minimum=0,
                                                                      maximum=999)  # fmt: skip
        delay = (
            1.0 if reconnect_delay is None else non_negative_number("reconnect_delay", reconnect_delay, maximum=3600)
        )
        return cls(attempts=attempts, initial_delay=delay)
