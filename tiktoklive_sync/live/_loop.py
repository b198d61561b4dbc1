"""The read loop of one push connection, on the client's own thread: frames in, events out, heartbeats.

:func:`run_connection` reads a connection that has entered its room (:class:`~._dial.Dialer` enters
it): it blocks in the socket until the next heartbeat is due or
the connection goes stale, whichever is sooner: no heartbeat thread, no polling. Every push frame is
unpacked by :mod:`._protocol` (acked when it asks) and its events are decoded lazily by
:func:`~._decode.batch_events`, so a frame of a million messages costs no more than the cap of
messages decoded. The stale watchdog counts only push frames that decode: pings, oversized frames
and junk do not keep a connection alive. ``stop()`` shuts the socket down, which wakes the read at
once; between events the stop flag is looked at, so a stop ends the loop within one event's work.

A handler that blocks (the consumer of the iterator) delays heartbeats: keep handlers shorter than
the heartbeat interval (10 s), or hand work to a queue.

Example::

    outcome = yield from run_connection(conn, state, settings, stats, seen, stopping=lambda: flag)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterator

from ..errors import FrameDecodeError, PushConnectionError
from ..events._base import Event
from ..events._lifecycle import LiveStats
from ..events._room import LiveEndEvent
from ..proto.envelope_pb2 import WebcastPushFrame
from ._connection import PushConnection
from ._decode import batch_events
from ._protocol import RecentIds, RoomState, unpack_batch
from ._settings import LiveSettings

__all__ = ["deliver", "heartbeat_interval", "run_connection"]

log = logging.getLogger("tiktoklive_sync")

#: what ended a connection: "live ended", "stopped", "stale socket ...", or the socket's error
Outcome = str | PushConnectionError


def heartbeat_interval(settings: LiveSettings, conn: PushConnection) -> float:
    """The heartbeat period: the setting, else what the server asked for (at most ``max_heartbeat``)."""
    if settings.heartbeat_interval is not None:
        return settings.heartbeat_interval
    return min(conn.ping_interval or settings.default_heartbeat, settings.max_heartbeat)


def deliver(events: Iterator[Event], stats: LiveStats, stopping: Callable[[], bool]) -> Generator[Event, None, bool]:
    """Yield ``events`` (counted); return True if one of them ended the live. Ends early on a stop."""
    for event in events:
        stats.events += 1
        yield event
        if isinstance(event, LiveEndEvent):
            return True
        if stopping():
            return False
    return False


def _events_of(
    conn: PushConnection, frame: WebcastPushFrame, state: RoomState, settings: LiveSettings, stats: LiveStats,
    seen: RecentIds,
) -> Iterator[Event] | None:
    """Unpack, ack and remember one frame; return its events (lazy), or None if it did not decode."""
    if frame.payload_type != "msg":
        log.debug("ignoring a %r frame", frame.payload_type)
        return iter(())
    try:
        batch = unpack_batch(frame, max_messages=settings.max_messages_per_frame)
    except (FrameDecodeError, ValueError) as exc:
        stats.undecodable += 1
        log.warning("skipping a frame that did not decode: %s", exc)
        return None
    ack = state.receive(frame, batch)
    if ack is not None:
        try:
            conn.send(ack)
            stats.acks += 1
        except PushConnectionError as exc:
            log.debug("could not ack frame %d: %s", frame.log_id, exc)
    return batch_events(batch, seen=seen, stats=stats)


def run_connection(
    conn: PushConnection, state: RoomState, settings: LiveSettings, stats: LiveStats, seen: RecentIds, *,
    stopping: Callable[[], bool],
) -> Generator[Event, None, Outcome]:
    """Read a connection that has entered its room until it ends; yield the events; return why it ended.

    Raises:
        nothing of its own: a socket failure is returned (the caller decides whether to reconnect).
    """
    interval = heartbeat_interval(settings, conn)
    stale = settings.stale_timeout
    log.debug("reading room %d (%s); heartbeat every %.2f s", state.room_id, conn.target.mode, interval)
    now = time.monotonic()
    next_beat, stale_at = now + interval, now + stale
    while not stopping():
        try:
            frame = conn.recv_until(min(next_beat, stale_at))
        except PushConnectionError as closed:
            return "stopped" if stopping() else closed
        if frame is not None:
            stats.frames += 1
            events = _events_of(conn, frame, state, settings, stats, seen)
            if events is not None:
                if (yield from deliver(events, stats, stopping)):
                    return "live ended"
                stale_at = time.monotonic() + stale
        now = time.monotonic()
        if now >= next_beat:
            try:
                conn.send(state.heartbeat())
            except PushConnectionError as exc:
                return "stopped" if stopping() else exc
            stats.heartbeats += 1
            next_beat = now + interval
        if now >= stale_at:
            log.warning("no push frame for %.1f s: treating the socket as stale", stale)
            return f"stale socket (no frame for {stale:g} s)"
    return "stopped"
