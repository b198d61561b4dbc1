"""Waiting for creators to go live: :func:`wait_until_live`, :func:`watch_live_status`.

Polling is TikTok's cheapest honest way. A creator's room id changes with every live, so:

- a creator known to be live is checked by room id with ``check_alive``, 50 rooms per request
  (:func:`~tiktoklive_sync.fetch_is_live_room_ids`);
- any other creator is re-resolved with :func:`~tiktoklive_sync.fetch_live_status` (one request
  while offline), which also finds the new room id.

One round of checks is spread evenly over ``interval`` (the first round runs at once, as fast as the
Session's request budget allows). A rate-limited answer (HTTP 429, the sign server's rate limit, a
transport failure) changes no state: the poller backs off (5 s, or ``interval`` if shorter,
doubling up to 5 minutes) and pauses the Session's :class:`~tiktoklive_sync.RequestBudget` for as
long (at most 30 s, so other users of the Session are not held for minutes). A WAF or captcha page
is reported as ``LiveState.BLOCKED`` and backed off the same way.

Example::

    with tls.Session(max_requests_per_second=2) as s:
        room_id = tls.wait_until_live(s, "someone", interval=30)
        for change in tls.watch_live_status(s, ["a", "b", "c"], interval=60):
            print(change.unique_id, change.state.value, change.room_id)
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import requests

from .errors import LoginRequiredError, SignatureRateLimitError, TikTokLiveError, UserNotFoundError
from .models import LiveState, LiveStatus
from .routes import fetch_is_live_room_ids, fetch_live_status
from .routes._common import normalize_unique_id
from .routes.is_live import CHECK_ALIVE_CHUNK_SIZE

if TYPE_CHECKING:
    from ._session import Session

__all__ = ["LiveChange", "StatusPoller", "wait_until_live", "watch_live_status", "WAIT_SLICE"]

log = logging.getLogger("tiktoklive_sync")

#: the longest single sleep of a waiting loop: a stop is noticed within it
WAIT_SLICE = 0.25
#: the first back-off after a rate-limited answer, and the longest (it doubles in between)
BACKOFF_FIRST, BACKOFF_MAX = 5.0, 300.0
#: the longest pause of the Session's request budget after a rate-limited answer
BUDGET_PAUSE_MAX = 30.0
#: how often ``tick`` is called while the poller waits (seconds)
TICK_EVERY = 1.0
_WATCHABLE = (LiveState.LIVE, LiveState.AGE_RESTRICTED)


@dataclass(frozen=True)
class LiveChange:
    """A creator's live state changed (or was learnt for the first time).

    Attributes:
        unique_id: the creator's @handle.
        state: the new :class:`~tiktoklive_sync.LiveState`.
        room_id: the room (of the live, while LIVE; the last one known otherwise), if known.
        at: when the change was seen (an aware UTC datetime).
        evidence: which answer of TikTok's led to it.
        error: the error behind a NOT_FOUND / BLOCKED state, if any.
    """

    unique_id: str
    state: LiveState
    room_id: int | None
    at: datetime
    evidence: str = ""
    error: BaseException | None = field(default=None, compare=False, repr=False)


@dataclass
class _Creator:
    unique_id: str
    state: LiveState | None = None
    room_id: int | None = None
    held: bool = False


def is_rate_limited(error: BaseException | None) -> bool:
    """True if ``error`` means "too many requests" rather than an answer about the creator."""
    while error is not None:
        if isinstance(error, SignatureRateLimitError):
            return True
        if getattr(error, "status", None) == 429:
            return True
        response = getattr(error, "response", None)
        if isinstance(error, requests.RequestException) and getattr(response, "status_code", None) == 429:
            return True
        error = error.__cause__
    return False


class StatusPoller:
    """Polls many creators' live states on one thread; :meth:`changes` yields what changed.

    :meth:`add`, :meth:`remove`, :meth:`hold` and :meth:`release` may be called from other threads
    while :meth:`changes` runs; an added or released creator is checked at the next opportunity.

    Args:
        session: the Session to send with (its request budget is honoured).
        unique_ids: the creators (already normalized @handles).
        interval: seconds a round of checks is spread over.
        stop: set it to end :meth:`changes` (within :data:`WAIT_SLICE` s, or when the request in
            flight returns).
        tick: called on the polling thread about once a second while it waits (housekeeping).
    """

    def __init__(
        self, session: Session, unique_ids: Iterable[str], *, interval: float, stop: threading.Event | None = None,
        tick: Callable[[], None] | None = None,
    ) -> None:
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not interval > 0:
            raise ValueError(f"interval must be a positive number of seconds, not {interval!r}")
        self.session = session
        self.interval = float(interval)
        self.stop = stop if stop is not None else threading.Event()
        self.backoff = 0.0
        self._tick = tick
        self._last_tick = time.monotonic()
        #: requests sent by the poller (a check_alive batch counts once)
        self.checks = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._creators: dict[str, _Creator] = {u: _Creator(u) for u in unique_ids}
        self._urgent: collections.deque[str] = collections.deque()  # the first round checks everyone at once

    # -- membership (any thread) -----------------------------------------------------------------

    def add(self, unique_id: str) -> None:
        """Start polling ``unique_id`` (checked at the next opportunity)."""
        with self._lock:
            self._creators.setdefault(unique_id, _Creator(unique_id))
            self._urgent.append(unique_id)
        self._wake.set()

    def remove(self, unique_id: str) -> None:
        """Stop polling ``unique_id``."""
        with self._lock:
            self._creators.pop(unique_id, None)

    def hold(self, unique_id: str) -> None:
        """Stop checking ``unique_id`` for now (its live is being watched)."""
        with self._lock:
            creator = self._creators.get(unique_id)
            if creator is not None:
                creator.held = True

    def release(self, unique_id: str, *, state: LiveState | None = None) -> None:
        """Check ``unique_id`` again from now on, starting from ``state`` (None: unknown, so the next
        answer counts as a change)."""
        with self._lock:
            creator = self._creators.get(unique_id)
            if creator is None:
                return
            creator.held, creator.state = False, state
            self._urgent.append(unique_id)
        self._wake.set()

    # -- the loop -----------------------------------------------------------------------------------

    def changes(self, deadline: float | None = None) -> Iterator[LiveChange]:
        """Yield a :class:`LiveChange` whenever a creator's state (or, while live, room id) changes.

        Args:
            deadline: a ``time.monotonic()`` value after which the iterator ends.
        Yields:
            the changes, the first answer for each creator included.
        """
        first = True
        while not self._done(deadline):
            round_start = time.monotonic()
            work = self._plan()
            spacing = 0.0 if first or not work else self.interval / len(work)
            first = False
            for index, item in enumerate(work):
                yield from self._sleep_until(round_start + index * spacing, deadline)
                if self._done(deadline):
                    return
                yield from self._check(item)
            yield from self._sleep_until(round_start + self.interval, deadline)

    def _done(self, deadline: float | None) -> bool:
        return self.stop.is_set() or (deadline is not None and time.monotonic() >= deadline)

    def _plan(self) -> list[list[str]]:
        """One round: a check_alive batch of up to 50 live creators, or one creator to resolve."""
        with self._lock:
            active = [c for c in self._creators.values() if not c.held]
        alive = [c.unique_id for c in active if c.state in _WATCHABLE and c.room_id]
        resolve = [[c.unique_id] for c in active if not (c.state in _WATCHABLE and c.room_id)]
        batches = [alive[i : i + CHECK_ALIVE_CHUNK_SIZE] for i in range(0, len(alive), CHECK_ALIVE_CHUNK_SIZE)]
        return [*batches, *resolve]

    def _sleep_until(self, when: float, deadline: float | None) -> Iterator[LiveChange]:
        """Wait until ``when`` (and any back-off), checking urgent creators meanwhile."""
        while not self._done(deadline):
            with self._lock:
                urgent = self._urgent.popleft() if self._urgent else None
            if urgent is not None:
                yield from self._check([urgent])
                continue
            now = time.monotonic()
            if self._tick is not None and now - self._last_tick >= TICK_EVERY:
                self._last_tick = now
                self._tick()
            if now >= when:
                return
            self._wake.wait(min(WAIT_SLICE, when - now))
            self._wake.clear()

    def _pace(self) -> bool:
        """Wait out the back-off and the budget; False if stopped meanwhile."""
        if self.backoff > 0:
            until = time.monotonic() + self.backoff
            while not self.stop.is_set() and (left := until - time.monotonic()) > 0:
                time.sleep(min(WAIT_SLICE, left))  # not stop.wait(): a signal handler may set it
        budget = getattr(self.session, "budget", None)
        if budget is not None and not budget.wait_until_free(stop=self.stop):
            return False
        return not self.stop.is_set()

    def _throttled(self, what: str, error: BaseException) -> None:
        self.backoff = min(BACKOFF_MAX, max(min(BACKOFF_FIRST, self.interval), self.backoff * 2))
        budget = getattr(self.session, "budget", None)
        if budget is not None:  # everyone on the Session pauses too, but not for minutes
            budget.penalize(min(self.backoff, BUDGET_PAUSE_MAX))
        log.warning("TikTok rate-limited %s (%s): backing off %.0f s", what, type(error).__name__, self.backoff)

    def _check(self, uids: list[str]) -> Iterator[LiveChange]:
        with self._lock:
            creators = [c for u in uids if (c := self._creators.get(u)) is not None and not c.held]
        if not creators or not self._pace():
            return
        self.checks += 1
        if len(creators) == 1 and not (creators[0].state in _WATCHABLE and creators[0].room_id):
            yield from self._resolve(creators[0])
        else:
            yield from self._check_alive(creators)

    def _resolve(self, creator: _Creator) -> Iterator[LiveChange]:
        uid = creator.unique_id
        try:
            status = fetch_live_status(self.session, uid)
        except (requests.RequestException, TikTokLiveError) as exc:
            self._throttled(f"the live status of @{uid}", exc)
            return
        if status.state is LiveState.BLOCKED and is_rate_limited(status.error):
            assert status.error is not None
            self._throttled(f"the live status of @{uid}", status.error)
            return
        if status.state is LiveState.BLOCKED:
            self._throttled(f"the live status of @{uid} (a block page)", status.error or LoginRequiredError())
        else:
            self.backoff = 0.0
        yield from self._update(creator, status)

    def _check_alive(self, creators: list[_Creator]) -> Iterator[LiveChange]:
        rooms = [c.room_id for c in creators if c.room_id]
        try:
            alive = fetch_is_live_room_ids(self.session, *rooms)
        except (TikTokLiveError, requests.RequestException) as exc:
            if is_rate_limited(exc) or isinstance(exc, requests.RequestException):
                self._throttled(f"check_alive for {len(rooms)} rooms", exc)
            else:  # an answer without one of the rooms: find each creator again
                log.info("check_alive failed (%s); resolving %d creators again", exc, len(creators))
                with self._lock:
                    self._urgent.extend(c.unique_id for c in creators)
            return
        self.backoff = 0.0
        for creator, live in zip(creators, alive, strict=True):
            if not live:
                status = LiveStatus(LiveState.OFFLINE, creator.unique_id, creator.room_id,
                                    evidence=f"check_alive says room {creator.room_id} is no longer live.")
                yield from self._update(creator, status)

    def _update(self, creator: _Creator, status: LiveStatus) -> Iterator[LiveChange]:
        with self._lock:
            if creator.held or self._creators.get(creator.unique_id) is not creator:
                return  # held or removed while the request was in flight
            same_room = status.state not in _WATCHABLE or status.room_id == creator.room_id
            changed = status.state is not creator.state or not same_room
            creator.state = status.state
            if status.room_id is not None:
                creator.room_id = status.room_id
        if changed:
            yield LiveChange(creator.unique_id, status.state, status.room_id, datetime.now(timezone.utc),
                             evidence=status.evidence, error=status.error)


def watch_live_status(
    session: Session, unique_ids: Iterable[str], *, interval: float = 60.0, stop: threading.Event | None = None
) -> Iterator[LiveChange]:
    """Yield a :class:`LiveChange` whenever one of the creators' :class:`~tiktoklive_sync.LiveState` changes.

    The first answer for each creator counts as a change. A new live with a new room id while the
    creator was live (an end and a restart between two checks) is a change too. Runs until ``stop``
    is set (or the caller stops iterating).

    Args:
        session: the Session to send with; give it ``max_requests_per_second=`` to bound the rate.
        unique_ids: the creators' @handles.
        interval: seconds one round of checks is spread over.
        stop: set it (from any thread or a signal handler) to end the iterator within a second.
    Yields:
        :class:`LiveChange` records.
    Raises:
        ValueError: no creators, a handle that is not one, or an interval that is not positive.
    """
    uids = list(dict.fromkeys(normalize_unique_id(u) for u in _as_list(unique_ids)))
    if not uids:
        raise ValueError("watch_live_status needs at least one creator's @handle")
    yield from StatusPoller(session, uids, interval=interval, stop=stop).changes()


def wait_until_live(
    session: Session,
    unique_id: str,
    *,
    interval: float = 30.0,
    timeout: float | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Block until the creator is live; return the room id of that live.

    Checks at once, then every ``interval`` seconds (backing off when TikTok rate-limits). An
    age-restricted (18+) live counts as live: watching it needs a logged-in Session.

    Args:
        session: the Session to send with.
        unique_id: the creator's @handle.
        interval: seconds between checks.
        timeout: give up after this many seconds (None: wait as long as it takes).
        stop: set it from another thread (or a signal handler) to give up within a second.
    Returns:
        the live room's id.
    Raises:
        UserNotFoundError: the creator does not exist.
        TimeoutError: ``timeout`` passed first.
        InterruptedError: ``stop`` was set.
        ValueError: an empty handle, or an interval / timeout that is not positive.
    """
    uid = normalize_unique_id(unique_id)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(f"timeout must be positive seconds or None, not {timeout!r}")
    stop = stop if stop is not None else threading.Event()
    deadline = None if timeout is None else time.monotonic() + timeout
    for change in StatusPoller(session, [uid], interval=interval, stop=stop).changes(deadline):
        if change.state is LiveState.NOT_FOUND:
            raise UserNotFoundError(f"@{uid} does not exist on TikTok: {change.evidence}", unique_id=uid)
        if change.state in _WATCHABLE and change.room_id is not None:
            return change.room_id
        log.debug("@%s is %s; waiting", uid, change.state.value)
    if stop.is_set():
        raise InterruptedError(f"waiting for @{uid} to go live was stopped")
    raise TimeoutError(f"@{uid} did not go live within {timeout:g} s")


def _as_list(unique_ids: Iterable[str]) -> list[str]:
    if isinstance(unique_ids, str):
        raise ValueError("pass a list of @handles, not one string (e.g. ['someone'])")
    return list(unique_ids)
