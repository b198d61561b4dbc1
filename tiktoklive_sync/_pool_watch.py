"""One live of one creator in a LivePool: the LiveClient, the recording and the gift streaks.

:func:`watch_live` runs on the creator's own thread while the live lasts and hands every event to
the pool's queue. It never raises for TikTok's sake: what fails is logged and kept in the
creator's ``last_error``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from ._session import Session
from .errors import TikTokLiveError
from .events import ConnectEvent, DisconnectEvent, LiveEndEvent
from .live._checkpoint import LiveCheckpoint
from .live.client import LiveClient
from .models import LiveState
from .recording import record_stream
from .routes import fetch_is_live, fetch_room_info
from .streaks import GiftStreak, GiftStreaks

if TYPE_CHECKING:
    from .pool import LivePool

__all__ = ["CreatorStatus", "PoolEntry", "watch_live", "recording_path", "live_again", "flush_handlers"]

log = logging.getLogger("tiktoklive_sync")


@dataclass(frozen=True)
class CreatorStatus:
    """A snapshot of one creator in a :class:`LivePool` (see :meth:`LivePool.status`).

    Attributes:
        unique_id: the creator's @handle.
        state: the last known :class:`~tiktoklive_sync.LiveState` (None before the first check).
        room_id: the room of the current (or last) live, if known.
        watching: True while a LiveClient runs for the creator.
        connected_since: when the current push connection opened (None when not connected).
        events_seen: events received from the creator's lives so far (all lives).
        lives_seen: lives watched so far (the current one included).
        recording_path: the file of the current (or last) recording, if any.
        last_error: the last error for this creator (not found, age-restricted, blocked, a failed
            connection or recording), or None.
    """

    unique_id: str
    state: LiveState | None
    room_id: int | None
    watching: bool
    connected_since: datetime | None
    events_seen: int
    lives_seen: int
    recording_path: Path | None
    last_error: BaseException | None


@dataclass(eq=False)
class PoolEntry:
    """The pool's mutable record of one creator (read by ``status()``)."""

    unique_id: str
    state: LiveState | None = None
    room_id: int | None = None
    watching: bool = False
    connected_since: datetime | None = None
    events_seen: int = 0
    lives_seen: int = 0
    recording_path: Path | None = None
    last_error: BaseException | None = None
    ended_room_id: int | None = None
    checkpoint: Any = None
    removed: bool = False
    client: Any = None
    streaks: GiftStreaks | None = None
    thread: threading.Thread | None = None

    def snapshot(self) -> CreatorStatus:
        """Return what status() shows of this creator."""
        return CreatorStatus(
            unique_id=self.unique_id, state=self.state, room_id=self.room_id, watching=self.watching,
            connected_since=self.connected_since, events_seen=self.events_seen, lives_seen=self.lives_seen,
            recording_path=self.recording_path, last_error=self.last_error,
        )


def recording_path(record_dir: Path, unique_id: str, started: datetime, room_id: int) -> Path:
    """Return ``record_dir/<unique_id>/<start time, UTC>.mp4`` (the room id added if that file exists)."""
    folder = record_dir / unique_id
    folder.mkdir(parents=True, exist_ok=True)
    stamp = started.astimezone(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    path = folder / f"{stamp}.mp4"
    return path if not path.exists() else folder / f"{stamp}-{room_id}.mp4"


def _start_recording(pool: LivePool, entry: PoolEntry, room_id: int) -> Any:
    """Start recording the live; None (and ``last_error`` set) if that failed."""
    assert pool.record_dir is not None
    try:
        info = fetch_room_info(pool.session, room_id=room_id)
        path = recording_path(pool.record_dir, entry.unique_id, datetime.now(timezone.utc), room_id)
        options: dict[str, Any] = {"quality": pool.record_quality} if pool.record_quality is not None else {}
        rec = record_stream(pool.session, path, info, **options)
    except (TikTokLiveError, requests.RequestException, OSError, ValueError) as exc:
        entry.last_error = exc
        log.warning("cannot record @%s (room %d): %s", entry.unique_id, room_id, exc)
        return None
    entry.recording_path = path
    return rec


def _stop_recording(entry: PoolEntry, rec: Any) -> None:
    try:
        rec.stop()
    except Exception as exc:
        entry.last_error = exc
        log.exception("finishing @%s's recording failed", entry.unique_id)
        return
    if rec.error is not None:
        entry.last_error = rec.error
    entry.recording_path = rec.output_path


def _streak_tracker(pool: LivePool) -> GiftStreaks | None:
    """A GiftStreaks for this live when a handler wants GiftStreak records, else None."""
    return GiftStreaks() if pool._wants(GiftStreak) else None


def watch_live(pool: LivePool, entry: PoolEntry, room_id: int) -> bool:
    """Watch (and record) one live until it ends or the pool stops.

    Returns:
        True if the live ended (a LiveEndEvent), False if it stopped otherwise.
    """
    uid = entry.unique_id
    # a room watched before (its live resumed) continues after what was delivered then
    last = entry.checkpoint
    resume = last if last is not None and last.room_id == room_id else LiveCheckpoint(room_id=room_id)
    client = LiveClient(uid, session=pool.session, connect=pool.connect, settings=pool.settings, resume=resume)
    entry.client = client
    if pool.stopping or entry.removed:  # a stop that came before the client was visible to it
        entry.client = None
        return False
    entry.lives_seen += 1
    entry.state, entry.room_id = LiveState.LIVE, room_id
    log.info("@%s is live (room %d): watching", uid, room_id)
    rec = _start_recording(pool, entry, room_id) if pool.record_dir is not None else None
    streaks = entry.streaks = _streak_tracker(pool)
    ended = False
    try:
        for event in client.events():
            entry.events_seen += 1
            if isinstance(event, ConnectEvent):
                entry.connected_since = datetime.now(timezone.utc)
            elif isinstance(event, DisconnectEvent):
                entry.connected_since = None
            elif isinstance(event, LiveEndEvent):
                ended = True
            pool.put(uid, event)
            if streaks is not None:
                for streak in streaks.feed(event):
                    pool.put(uid, streak)
    except (TikTokLiveError, requests.RequestException, OSError) as exc:
        entry.last_error = exc
        log.warning("watching @%s (room %d) failed: %s", uid, room_id, exc)
    finally:
        entry.checkpoint = client.checkpoint()
        entry.client = entry.streaks = None
        entry.connected_since = None
        if streaks is not None:
            for streak in streaks.flush():
                pool.put(uid, streak)
        if rec is not None:
            _stop_recording(entry, rec)
        if ended:
            entry.state = LiveState.OFFLINE
        log.info("@%s: stopped watching room %d (%s)", uid, room_id, "live ended" if ended else "stopped")
    return ended


def live_again(session: Session, room_id: int) -> bool:
    """Whether check_alive says a room whose live ended is live again (False if it cannot tell)."""
    try:
        return bool(fetch_is_live(session, room_id=room_id))
    except Exception as exc:
        log.debug("could not check room %d again: %s", room_id, exc)
        return False


def flush_handlers(handlers: Iterable[Any]) -> None:
    """Call ``flush()`` once on every handler that has one (sinks), logging what fails."""
    seen: set[int] = set()
    for handler in handlers:
        flush = getattr(handler, "flush", None)
        if callable(flush) and id(handler) not in seen:
            seen.add(id(handler))
            try:
                flush()
            except Exception:
                log.exception("flushing %r failed", handler)
