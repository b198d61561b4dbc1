"""LivePool: many creators in one process; whoever goes live is watched (and recorded).

One poller thread checks every creator that is not live-and-watched (see
:func:`~tiktoklive_sync.watch_live_status` for how); when one goes live the pool starts a
:class:`~tiktoklive_sync.LiveClient` for that live on a thread of its own (and, with ``record_dir``,
a recording into ``record_dir/<unique_id>/<start time>.mp4``). At the live's end the creator goes
back to waiting, and their next live (a new room id) is picked up. Idle creators cost no thread.

Events from all rooms go through one queue to the thread that iterates :meth:`LivePool.events` or
calls :meth:`LivePool.run`: handlers run there, one at a time, so they need no locks.

Example::

    import tiktoklive_sync as tls

    pool = tls.LivePool(["alice", "bob", "carol"], record_dir="recordings")

    @pool.on(tls.CommentEvent)
    def comment(unique_id, event):
        print(unique_id, event.user.nickname, event.comment)

    signal.signal(signal.SIGTERM, lambda *_: pool.stop())
    pool.run()        # blocks until pool.stop(); or: for unique_id, event in pool.events(): ...
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from ._pool_input import check_handles, check_quality, check_record_dir
from ._pool_watch import CreatorStatus, PoolEntry, flush_handlers, live_again, watch_live
from ._session import Session
from ._waiting import WAIT_SLICE, LiveChange, StatusPoller
from .events import Event
from .live._settings import LiveSettings
from .models import LiveState, VideoQuality
from .routes._common import normalize_unique_id

__all__ = ["LivePool", "CreatorStatus", "DEFAULT_POOL_RATE"]

log = logging.getLogger("tiktoklive_sync")

#: requests per second of the Session a pool makes for itself (pass your own Session to change it)
DEFAULT_POOL_RATE = 5.0
#: events waiting for the consumer before the rooms' threads wait (back-pressure, not loss)
QUEUE_SIZE = 10_000
#: seconds stop() leaves the rooms' threads to finish, all together (recordings are finished within it)
JOIN_TIMEOUT = 20.0
_CONNECT_MODES = ("auto", "direct", "sign")
Handler = Callable[[str, Any], object]
T = TypeVar("T")


class LivePool:
    """Watch many creators from one process; see the module docstring.

    Args:
        unique_ids: the creators' @handles (at least one; no repeats).
        session: the Session for every request (default: a new one with a request budget of
            :data:`DEFAULT_POOL_RATE` per second, closed with the pool).
        check_interval: seconds one round of live checks is spread over.
        record_dir: record every live into ``record_dir/<unique_id>/<start time>.mp4`` (needs ffmpeg).
        record_quality: the :class:`~tiktoklive_sync.VideoQuality` to record (default: the recorder's).
        connect: how each LiveClient connects: ``"auto"``, ``"direct"`` or ``"sign"``.
        settings: :class:`~tiktoklive_sync.LiveSettings` for every LiveClient.

    Raises:
        ValueError: an empty list, a repeated creator, handles that are not handles (all named),
            a check_interval that is not positive, a bad connect value or record_quality, or a
            record_dir that cannot be created.
    """

    def __init__(
        self,
        unique_ids: Iterable[str],
        *,
        session: Session | None = None,
        check_interval: float = 60.0,
        record_dir: str | Path | None = None,
        record_quality: VideoQuality | str | None = None,
        connect: Literal["auto", "direct", "sign"] = "auto",
        settings: LiveSettings | None = None,
    ) -> None:
        if isinstance(unique_ids, str):
            raise ValueError("LivePool takes a list of @handles, not one string: LivePool(['someone'])")
        uids = check_handles(list(unique_ids))
        if isinstance(check_interval, bool) or not isinstance(check_interval, (int, float)) or check_interval <= 0:
            raise ValueError(f"check_interval must be a positive number of seconds, not {check_interval!r}")
        if connect not in _CONNECT_MODES:
            raise ValueError(f"connect must be one of {', '.join(_CONNECT_MODES)}, not {connect!r}")
        self.record_quality = check_quality(record_quality)
        self.record_dir = check_record_dir(record_dir)
        self._own_session = session is None
        self.session = session if session is not None else Session(max_requests_per_second=DEFAULT_POOL_RATE)
        self.check_interval = float(check_interval)
        self.connect = connect
        self.settings = settings
        self._handlers: list[tuple[type, Handler]] = []
        self._lock = threading.Lock()
        self._entries: dict[str, PoolEntry] = {u: PoolEntry(u) for u in uids}
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(QUEUE_SIZE)
        self._stop_event = threading.Event()
        self._poller = StatusPoller(self.session, uids, interval=self.check_interval, stop=self._stop_event,
                                    tick=self._expire_streaks)
        self._poller_thread: threading.Thread | None = None
        self._watchers: list[threading.Thread] = []  # the threads of watched lives (started, maybe ended)
        self._stopping = False
        self._closed = False
        self._started = False

    def __repr__(self) -> str:
        watching = sum(1 for e in list(self._entries.values()) if e.watching)
        return f"<LivePool {len(self._entries)} creators, {watching} watched>"

    # -- handlers ----------------------------------------------------------------------------------

    def on(self, event_type: type[T]) -> Callable[[Callable[[str, T], object]], Callable[[str, T], object]]:
        """Register the decorated ``handler(unique_id, event)`` for ``event_type`` and its subclasses.

        ``Event`` receives every event; ``GiftStreak`` receives completed gift streaks.

        Returns:
            a decorator that registers the function and returns it unchanged.
        Raises:
            ValueError: ``event_type`` is not a class.
        """
        if not isinstance(event_type, type):
            raise ValueError(f"on() takes a class such as CommentEvent, not {event_type!r}")

        def register(handler: Callable[[str, T], object]) -> Callable[[str, T], object]:
            self.add_handler(event_type, handler)
            return handler

        return register

    def add_handler(self, event_type: type[T], handler: Callable[[str, T], object]) -> None:
        """Register ``handler(unique_id, event)`` for ``event_type`` (a sink is such a handler).

        Raises:
            ValueError: ``event_type`` is not a class, or ``handler`` is not callable.
        """
        if not isinstance(event_type, type):
            raise ValueError(f"add_handler() takes a class such as CommentEvent, not {event_type!r}")
        if not callable(handler):
            raise ValueError(f"a handler must be callable as handler(unique_id, event), not {handler!r}")
        with self._lock:
            self._handlers.append((event_type, handler))

    def remove_handler(self, handler: Handler) -> None:
        """Unregister ``handler`` for every class it was registered for."""
        with self._lock:
            self._handlers = [(t, h) for t, h in self._handlers if h is not handler]

    def _wants(self, kind: type | None) -> bool:
        return kind is not None and any(issubclass(kind, t) for t, _ in list(self._handlers))

    def _dispatch(self, unique_id: str, item: Any) -> None:
        for event_type, handler in list(self._handlers):
            if isinstance(item, event_type):
                try:
                    handler(unique_id, item)
                except Exception:
                    log.exception("handler %s failed on @%s's %s", getattr(handler, "__name__", handler),
                                  unique_id, type(item).__name__)

    # -- creators ----------------------------------------------------------------------------------

    def add(self, unique_id: str) -> None:
        """Add a creator (also while the pool runs: they are checked at once).

        Raises:
            ValueError: not a handle, or already in the pool.
        """
        (uid,) = check_handles([unique_id])
        with self._lock:
            if uid in self._entries:
                raise ValueError(f"@{uid} is already in the pool")
            self._entries[uid] = PoolEntry(uid)
        self._poller.add(uid)

    def remove(self, unique_id: str) -> None:
        """Remove a creator; a live being watched is stopped (its recording finished).

        Raises:
            ValueError: not in the pool.
        """
        uid = normalize_unique_id(unique_id).lower()
        with self._lock:
            entry = self._entries.pop(uid, None)
        if entry is None:
            raise ValueError(f"@{uid} is not in the pool")
        entry.removed = True
        self._poller.remove(uid)
        client = entry.client
        if client is not None:
            client.stop()

    @property
    def unique_ids(self) -> list[str]:
        """The creators in the pool, in the order added."""
        return list(self._entries)

    def status(self) -> dict[str, CreatorStatus]:
        """Return a :class:`CreatorStatus` per creator (safe from any thread)."""
        return {uid: entry.snapshot() for uid, entry in list(self._entries.items())}

    # -- running -------------------------------------------------------------------------------------

    def run(self) -> None:
        """Deliver every event to the registered handlers until :meth:`stop`; blocks.

        Handlers run on this thread, one at a time; a handler that raises is logged and the others
        still get the event. At the end, handlers with a ``flush()`` method (sinks) are flushed.

        Raises:
            RuntimeError: the pool has already run (a pool runs once).
        """
        try:
            for unique_id, item in self._items():
                self._dispatch(unique_id, item)
        finally:
            flush_handlers(h for _, h in list(self._handlers))

    def events(self) -> Iterator[tuple[str, Any]]:
        """Yield ``(unique_id, event)`` for every event of every watched live until :meth:`stop`.

        Leaving the loop early (``break``) stops the pool. Completed gift streaks go to handlers
        only (:meth:`run`), not here.

        Raises:
            RuntimeError: the pool has already run (a pool runs once).
        """
        for unique_id, item in self._items():
            if isinstance(item, Event):
                yield unique_id, item

    def stop(self) -> None:
        """Ask the pool to stop; returns at once. Safe from any thread and from a signal handler.

        Every LiveClient is stopped (its socket aborted) and every recording finished; the poller
        ends within a second. :meth:`run` / :meth:`events` return once the rooms' last events
        (their DisconnectEvents, flushed gift streaks) have been delivered, within a few seconds.
        """
        if self._stopping:
            return
        self._stopping = True
        self._stop_event.set()
        for entry in list(self._entries.values()):
            client = entry.client
            if client is not None:
                client.stop()

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stopping

    def __enter__(self) -> LivePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if not self._started:
            self._close_session()

    # -- internals -----------------------------------------------------------------------------------

    def _items(self) -> Iterator[tuple[str, Any]]:
        self._start()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=WAIT_SLICE)
                except queue.Empty:
                    if self._stopping and self._all_done():
                        break
                    continue
                yield item
            while True:  # anything queued after the last look
                try:
                    yield self._queue.get_nowait()
                except queue.Empty:
                    break
        finally:
            self.stop()
            self._closed = True  # the rooms' threads stop waiting for room in the queue
            self._join()
            self._close_session()

    def _start(self) -> None:
        with self._lock:
            if self._started:
                raise RuntimeError("this LivePool has already run; make a new one")
            self._started = True
        thread = threading.Thread(target=self._poll, name="tiktoklive-pool-poller", daemon=True)
        self._poller_thread = thread
        thread.start()

    def _poll(self) -> None:
        while not self._stopping:
            try:
                for change in self._poller.changes():
                    self._on_change(change)
                return
            except Exception:  # a bug, not TikTok: log it and go on polling
                log.exception("the pool's poller failed; polling again in a second")
                time.sleep(1.0)

    def _on_change(self, change: LiveChange) -> None:
        entry = self._entries.get(change.unique_id)
        if entry is None or entry.watching:
            return
        entry.state = change.state
        if change.state in (LiveState.NOT_FOUND, LiveState.BLOCKED, LiveState.AGE_RESTRICTED):
            entry.last_error = change.error or RuntimeError(change.evidence)
            log.warning("@%s: %s (%s)", change.unique_id, change.state.value, change.evidence)
        if change.state is not LiveState.LIVE or change.room_id is None:
            return
        if change.room_id == entry.ended_room_id and not live_again(self.session, change.room_id):
            log.debug("@%s: room %d still answers live after its end; waiting", entry.unique_id, change.room_id)
            return
        with self._lock:
            if self._stopping or entry.removed:
                return
            entry.watching, entry.room_id = True, change.room_id
            self._poller.hold(entry.unique_id)
        thread = threading.Thread(target=self._watch, args=(entry, change.room_id),
                                  name=f"tiktoklive-pool-@{entry.unique_id}", daemon=True)
        entry.thread = thread
        with self._lock:
            self._watchers = [t for t in self._watchers if t.is_alive()] + [thread]
        thread.start()

    def _watch(self, entry: PoolEntry, room_id: int) -> None:
        ended = False
        try:
            ended = watch_live(self, entry, room_id)
        except Exception as exc:  # a bug, not TikTok: keep the pool going
            entry.last_error = exc
            log.exception("watching @%s failed", entry.unique_id)
        finally:
            entry.watching = False
            if ended:
                entry.ended_room_id = room_id
            if not entry.removed and not self._stopping:
                # after an end the creator is offline; after a failure, the next round decides again
                self._poller.release(entry.unique_id, state=LiveState.OFFLINE if ended else None)

    def _expire_streaks(self) -> None:
        """Hand out the gift streaks that timed out in rooms that went quiet (on the poller thread)."""
        for entry in list(self._entries.values()):
            streaks = entry.streaks
            if streaks is not None:
                for streak in streaks.expire():
                    self.put(entry.unique_id, streak)

    def put(self, unique_id: str, item: Any) -> None:
        """Queue ``item`` for the consumer (waits while the queue is full, unless the pool is closed)."""
        while not self._closed:
            try:
                self._queue.put((unique_id, item), timeout=WAIT_SLICE)
                return
            except queue.Full:
                continue

    def _all_done(self) -> bool:
        poller = self._poller_thread
        if poller is not None and poller.is_alive():
            return False
        return not any(t.is_alive() for t in list(self._watchers))  # removed creators' lives included

    def _join(self) -> None:
        threads = [self._poller_thread, *list(self._watchers)]
        deadline = time.monotonic() + JOIN_TIMEOUT  # for all of them together
        for thread in threads:
            if thread is not None and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
                if thread.is_alive():
                    log.warning("%s did not end within %g s of the stop", thread.name, JOIN_TIMEOUT)

    def _close_session(self) -> None:
        if self._own_session:
            self.session.close()
