"""SqlSink: events and gift streaks into SQLite or PostgreSQL, in batches, on a background thread.

Example::

    from tiktoklive_sync.sinks import SqlSink

    with SqlSink("sqlite:///events.db") as sink:     # or "postgresql://user:pw@host/db"
        for event in client.events():
            sink("someone", event)                     # returns at once; a thread writes batches
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from types import TracebackType
from typing import Any

from ..errors import SinkError
from ..events import Event
from ..streaks import GiftStreak
from ._schema import (
    Tables,
    client_event_row,
    event_row,
    first_line,
    insert_ignoring_duplicates,
    open_engine,
    refusal_errors,
    streak_row,
)

__all__ = ["SqlSink"]

log = logging.getLogger("tiktoklive_sync")

#: the longest wait between two attempts at a batch that failed
_MAX_RETRY_DELAY = 30.0
#: sinks not closed yet: closed at interpreter exit, so what they queued is written
_OPEN: weakref.WeakSet[SqlSink] = weakref.WeakSet()


@atexit.register
def _close_open_sinks() -> None:
    for sink in list(_OPEN):
        try:
            sink.close(timeout=10.0)
        except Exception as exc:  # at exit there is no caller left to raise to
            log.error("SqlSink: %s", exc)


class SqlSink:
    """A handler ``sink(unique_id, event_or_streak)`` that stores events in a SQL database.

    Events go to the ``events`` table (one row per (room_id, msg_id): writing an event twice keeps
    one row), :class:`~tiktoklive_sync.GiftStreak` records to ``gift_streaks``, events without a
    msg_id (the client's ConnectEvent / DisconnectEvent) to ``client_events``, one row each; the
    tables are created if missing (schema in the README). Calls only queue the record; a background
    thread writes what is queued as one transaction when ``batch_size`` records are waiting, at
    least every ``flush_interval`` seconds, at :meth:`flush` and at :meth:`close`. A failed write is
    logged and retried (with a growing delay, at most 30 s) until it succeeds: nothing is dropped
    (records wait in memory meanwhile). Only a record the database refuses as data (a constraint or
    trigger of your own, say) is set aside, logged at ERROR level with its content, so that it cannot
    block the rest. A sink still open when the interpreter exits is closed then.

    Args:
        url: ``sqlite:///events.db`` (a file; ``sqlite://`` for memory) or
            ``postgresql://user:password@host:5432/db`` (plain ``postgresql://`` uses psycopg 3).
        batch_size: the most records per write; a write starts as soon as this many are queued.
        flush_interval: seconds a queued record waits at most before it is written.
        connect_timeout: seconds to wait for the database when opening it.

    Raises:
        SinkError: the ``[sql]`` extra is missing, or the URL is invalid or unreachable (checked
            here, by connecting and creating the tables).
        ValueError: ``batch_size`` or ``flush_interval`` is not positive.

    Attributes:
        engine: the SQLAlchemy engine (query the tables with it).
        tables: ``tables.events``, ``tables.gift_streaks``, ``tables.client_events`` (SQLAlchemy tables).
        written: records handled so far (stored, or rejected).
        rejected: records the database refused as data (a constraint, a value it cannot hold): each is
            logged at ERROR level with its content and not retried; 0 for everything this library makes.
    """

    def __init__(self, url: str = "sqlite:///events.db", *, batch_size: int = 1000, flush_interval: float = 1.0,
                 connect_timeout: float = 10.0) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
        if isinstance(flush_interval, bool) or not isinstance(flush_interval, (int, float)) or not flush_interval > 0:
            raise ValueError(f"flush_interval must be a positive number of seconds, not {flush_interval!r}")
        self.url = url
        self.batch_size = batch_size
        self.flush_interval = float(flush_interval)
        self.engine = open_engine(url, connect_timeout)
        self.tables = Tables()
        try:
            self.tables.create(self.engine)
        except Exception as exc:
            self.engine.dispose()
            raise SinkError(f"cannot create the tables in {url.split('@')[-1]}: {exc}") from exc
        self.written = 0
        self.rejected = 0
        self.last_error: BaseException | None = None
        self._refused = refusal_errors()
        self._queue: list[tuple[str | None, Any]] = []
        self._queued = 0
        self._wake = threading.Condition()
        self._flush_wanted = False
        self._closing = False
        self._closed = False
        self._give_up_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="tiktoklive-sync-sql-sink", daemon=True)
        self._thread.start()
        _OPEN.add(self)

    # -- the handler ---------------------------------------------------------------------------

    def __call__(self, unique_id: str | None, item: Event | GiftStreak) -> None:
        """Queue one event or GiftStreak of creator ``unique_id`` (returns at once).

        Raises:
            SinkError: the sink is closed.
            TypeError: ``item`` is neither an event nor a GiftStreak.
        """
        if not isinstance(item, (Event, GiftStreak)):
            raise TypeError(f"a sink takes events and GiftStreak records, not {type(item).__name__}")
        with self._wake:
            if self._closing:
                raise SinkError("this SqlSink is closed; make a new one to write more")
            queue = self._queue
            queue.append((unique_id, item))
            self._queued += 1
            if len(queue) == 1 or len(queue) >= self.batch_size:  # the writer may be idle, or a batch is due
                self._wake.notify()

    @property
    def pending(self) -> int:
        """Records queued and not written yet."""
        with self._wake:
            return self._queued - self.written

    def flush(self, timeout: float = 30.0) -> None:
        """Write everything queued so far; return when it is in the database.

        Raises:
            SinkError: it could not be written within ``timeout`` seconds (the records stay queued
                and the thread keeps trying; the message gives the database's last error).
        """
        deadline = time.monotonic() + timeout
        with self._wake:
            target = self._queued
            self._flush_wanted = True
            self._wake.notify_all()
            while self.written < target and self._thread.is_alive():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SinkError(f"{target - self.written} records not written after {timeout:g} s; "
                                    f"the database's last error: {self.last_error!r}")
                self._wake.wait(min(left, 0.5))

    def close(self, timeout: float = 30.0) -> None:
        """Write everything still queued, stop the thread, release the database. Safe to call twice.

        Raises:
            SinkError: some records could not be written within ``timeout`` seconds (they are lost
                with this sink; the message says how many and why).
        """
        with self._wake:
            if self._closed:
                return
            self._closing = True
            self._give_up_at = time.monotonic() + timeout
            self._wake.notify_all()
        self._thread.join(timeout + 5.0)
        with self._wake:
            self._closed = True
            unwritten = self._queued - self.written
        _OPEN.discard(self)
        self.engine.dispose()
        if unwritten:
            raise SinkError(f"{unwritten} records could not be written to {self.url.split('@')[-1]} "
                            f"before close(): {self.last_error!r}")

    def __enter__(self) -> SqlSink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlSink({self.url.split('@')[-1]!r}, written={self.written}, pending={self.pending})"

    # -- the writer thread ---------------------------------------------------------------------

    def _run(self) -> None:
        delay = 0.0  # after a failed write: the wait before the next attempt
        retry_at = 0.0
        last_write = time.monotonic()
        while True:
            with self._wake:
                while True:
                    now = time.monotonic()
                    if self._closing and (not self._queue or now >= (self._give_up_at or now)):
                        return
                    wait = 1.0
                    if self._queue:
                        if delay:
                            ready_at = retry_at
                        elif len(self._queue) >= self.batch_size or self._flush_wanted or self._closing:
                            ready_at = now
                        else:
                            ready_at = last_write + self.flush_interval
                        if now >= ready_at:
                            break
                        wait = ready_at - now
                    self._wake.wait(min(wait, 1.0))
                batch = self._queue[: self.batch_size]
            try:
                self._write(batch)
            except Exception as exc:  # logged and retried: never dropped
                delay = min(max(delay * 2, 0.25), 1.0 if self._closing else _MAX_RETRY_DELAY)
                retry_at = time.monotonic() + delay
                self.last_error = exc
                log.warning("SqlSink: writing %d records failed (%s); retrying in %.2f s",
                            len(batch), exc, delay, exc_info=log.isEnabledFor(logging.DEBUG))
            else:
                delay = 0.0
                with self._wake:
                    del self._queue[: len(batch)]
                    self.written += len(batch)
                    if not self._queue:
                        self._flush_wanted = False
                    self._wake.notify_all()
            last_write = time.monotonic()

    def _write(self, batch: list[tuple[str | None, Any]]) -> None:
        try:
            self._insert(batch)
        except self._refused:  # one bad record must not hold back the rest: find it
            if len(batch) == 1:
                raise
            for record in batch:
                try:
                    self._insert([record])
                except self._refused as exc:
                    self.rejected += 1
                    creator, item = record
                    log.error("SqlSink: the database refused a record, which is not stored (%s): creator=%r %s",
                              first_line(exc), creator, item.to_dict())

    def _insert(self, batch: list[tuple[str | None, Any]]) -> None:
        events: list[dict[str, Any]] = []
        streaks: list[dict[str, Any]] = []
        client_events: list[dict[str, Any]] = []
        for creator, item in batch:
            if isinstance(item, GiftStreak):
                streaks.append(streak_row(creator, item))
                continue
            row = event_row(creator, item)
            if row["msg_id"] is None:
                client_events.append(client_event_row(row))
            else:
                events.append(row)
        with self.engine.begin() as connection:
            insert_ignoring_duplicates(connection, self.tables.events, events)
            insert_ignoring_duplicates(connection, self.tables.gift_streaks, streaks)
            insert_ignoring_duplicates(connection, self.tables.client_events, client_events, keyed=False)
