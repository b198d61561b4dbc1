"""One live watched by one worker: lease, LiveClient, sink, checkpoints, optional recording.

:class:`Watcher.run` is the body of the ``watch_live`` task. In order:

1. take the lease (``SET NX PX``); someone else has it: return at once;
2. wait one renewal period (``ttl / 3``) so that a previous owner that did not see the lease change
   (Redis restarted empty) has noticed and left the room;
3. read the checkpoint, enter the room after it, and write every event with a msg_id to the sink;
   every ``checkpoint_interval`` seconds flush the sink and save a checkpoint of what it holds;
4. at the end close the connection first, then flush, then checkpoint (or forget the checkpoint if
   the live ended), then release the lease. Handed back (warm shutdown): dispatch the live again.

A lost lease (another owner, or Redis away for a whole TTL) stops the watcher without writing a
checkpoint or touching the lease: the new owner's state wins.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tiktoklive_sync as tls

from ._checkpoints import CheckpointStore, WrittenIds, safe_checkpoint
from ._config import FleetConfig, Sink
from ._lease import Lease, LeaseKeeper

__all__ = ["Watcher", "hand_back_all", "running_watchers", "shutting_down"]

log = logging.getLogger("tiktoklive_sync.fleet")

_running: set[Watcher] = set()
_running_lock = threading.Lock()
_shutting_down = threading.Event()


def running_watchers() -> list[Watcher]:
    """The watchers running in this process now."""
    with _running_lock:
        return list(_running)


def shutting_down() -> bool:
    """True once :func:`hand_back_all` ran in this process (the worker is shutting down)."""
    return _shutting_down.is_set()


def shutdown_key(config: FleetConfig, worker: str) -> str:
    """The Redis key saying that ``worker`` (a Celery hostname) shuts down; its value is the worker's pid."""
    return config.key("shutdown", worker)


def hand_back_all() -> int:
    """Hand back every live this process watches (warm shutdown); returns how many.

    Returns at once; each watcher then closes its connection, saves its checkpoint, releases its
    lease and dispatches its live again. New ``watch_live`` tasks in this process return at once.
    (Watchers in prefork child processes learn it from :func:`shutdown_key` at their next renewal.)
    """
    _shutting_down.set()
    watchers = running_watchers()
    for watcher in watchers:
        watcher.hand_back()
    return len(watchers)


class Watcher:
    """Watch ``room_id`` of ``unique_id`` into ``sink_url`` for as long as the lease is ours.

    Args:
        config: the fleet's settings.
        redis: a ``redis.Redis`` client for leases and checkpoints.
        redispatch: called (no arguments) after a hand-back, to queue the live again.
        worker: this worker's name, written into the lease token.
    """

    def __init__(
        self, config: FleetConfig, redis: Any, unique_id: str, room_id: int, sink_url: str,
        record_dir: str | None = None, *, redispatch: Callable[[], None] | None = None, worker: str = "",
    ) -> None:
        self.config, self.redis = config, redis
        self.unique_id, self.room_id = unique_id, int(room_id)
        self.sink_url, self.record_dir = sink_url, record_dir
        self.redispatch = redispatch
        self.worker = worker or config.worker_name
        self.token = f"{self.worker}|{unique_id}|{uuid.uuid4().hex}"
        self.lease = Lease(redis, config.key("lease", self.room_id), self.token, config.lease_ttl)
        self.checkpoints = CheckpointStore(redis, config.key_prefix)
        self.events_written = 0
        self._stop_reason: str | None = None
        self._stopped = threading.Event()
        self._client: tls.LiveClient | None = None

    def __repr__(self) -> str:
        return f"<Watcher @{self.unique_id} room {self.room_id}>"

    # -- stopping from other threads ------------------------------------------------------------

    def hand_back(self) -> None:
        """Stop and give the live back (save, release, dispatch again); returns at once."""
        self._stop("handed back")

    def _lost(self, reason: str) -> None:
        log.warning("@%s room %d: lease lost (%s); stopping", self.unique_id, self.room_id, reason)
        self._stop(f"lease lost: {reason}")

    def _stop(self, reason: str) -> None:
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stopped.set()
        client = self._client
        if client is not None:
            client.stop()

    def _worker_stopping(self) -> bool:
        """True if this worker's main process announced a warm shutdown in Redis (prefork pools)."""
        try:
            value = self.redis.get(shutdown_key(self.config, self.worker))
        except Exception:
            return False
        return value is not None and value.strip().isdigit() and int(value) in (os.getpid(), os.getppid())

    def _check_worker(self) -> None:
        if self._stop_reason is None and self._worker_stopping():
            self.hand_back()

    # -- the task body ----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Watch the live until it ends, the lease is lost or the worker shuts down.

        Returns:
            ``{"unique_id", "room_id", "outcome", "events"}``; outcome is ``"ended"``,
            ``"handed back"``, ``"lease lost: ..."``, ``"owned elsewhere"`` or ``"shutting down"``.
        Raises:
            what the LiveClient or the sink raise (the lease is released first, so the next poll
            dispatches the live again); redis.RedisError if Redis is away when the lease is taken.
        """
        if shutting_down() or self._worker_stopping():
            return self._outcome("shutting down")
        if not self.lease.acquire():
            return self._outcome("owned elsewhere")
        with _running_lock:
            _running.add(self)
        keeper = LeaseKeeper(self.lease, self._lost, self._check_worker).start()
        try:
            if not self._stopped.wait(keeper.interval * 1.2):
                self._watch()
        finally:
            keeper.stop()
            with _running_lock:
                _running.discard(self)
            self._finish()
        return self._outcome(self._stop_reason or "ended")

    def _finish(self) -> None:
        reason = self._stop_reason or ""
        if reason.startswith("lease lost"):
            return
        try:
            self.lease.release()
        except Exception as exc:
            log.warning("could not release lease %s (%s); it expires by itself", self.lease.key, exc)
        if reason == "handed back" and self.redispatch is not None:
            try:
                self.redispatch()
            except Exception as exc:
                log.warning("could not dispatch @%s again (%s); the next poll will", self.unique_id, exc)

    def _watch(self) -> None:
        checkpoint = self._load_checkpoint()
        written = WrittenIds(initial=checkpoint.recent_msg_ids if checkpoint else ())
        session = self.config.session_factory()
        client = tls.LiveClient(room_id=self.room_id, session=session, connect=self.config.connect,  # type: ignore[arg-type]
                                resume=checkpoint, **self.config.live_options)
        self._client = client
        if self._stopped.is_set():
            client.stop()
        try:
            sink = self._open_sink()
        except BaseException:
            client.close()
            session.close()
            raise
        recording = self._start_recording(session)
        try:
            self._pump(client, sink, written)
        finally:
            client.close()  # the socket is closed before anything else: no two owners in the room
            if recording is not None:
                recording.stop()
            try:
                self._save_or_forget(client, sink, written)
            finally:
                sink.close()
                session.close()

    def _pump(self, client: tls.LiveClient, sink: Sink, written: WrittenIds) -> None:
        next_checkpoint = time.monotonic() + self.config.checkpoint_interval
        try:
            for event in client.events():
                msg_id = getattr(event, "msg_id", 0)
                if msg_id:
                    sink(self.unique_id, event)
                    written.written(msg_id)
                    self.events_written += 1
                if time.monotonic() >= next_checkpoint and self._stop_reason is None:
                    self._checkpoint(client, sink, written)
                    next_checkpoint = time.monotonic() + self.config.checkpoint_interval
        except tls.UserOfflineError:
            log.info("@%s room %d is not live (any more)", self.unique_id, self.room_id)

    def _checkpoint(self, client: tls.LiveClient, sink: Sink, written: WrittenIds) -> None:
        """Flush the sink, then save a checkpoint of what it holds (Redis errors are logged)."""
        sink.flush()
        written.flushed()
        try:
            self.checkpoints.save(safe_checkpoint(client, written))
        except Exception as exc:
            log.warning("could not save the checkpoint of room %d (%s)", self.room_id, exc)

    def _save_or_forget(self, client: tls.LiveClient, sink: Sink, written: WrittenIds) -> None:
        reason = self._stop_reason
        if reason is not None and reason.startswith("lease lost"):
            sink.flush()  # what was received is kept; the new owner's checkpoint stays as it is
            return
        if reason is None:  # the live ended
            sink.flush()
            try:
                self.checkpoints.delete(self.room_id)
            except Exception as exc:
                log.warning("could not forget the checkpoint of room %d (%s)", self.room_id, exc)
            return
        try:
            still_ours = self.lease.held()
        except Exception:
            still_ours = True  # Redis away: saving fails too, and says so in the log
        if still_ours:
            self._checkpoint(client, sink, written)
        else:  # expired meanwhile: the next owner's checkpoint is not ours to overwrite
            sink.flush()

    def _open_sink(self) -> Sink:
        """Open the sink, trying again twice: workers starting together race to create its tables."""
        for attempt in range(3):
            try:
                return self.config.open_sink(self.sink_url)
            except Exception as exc:
                if attempt == 2 or self._stopped.wait(0.5 * (attempt + 1)):
                    raise
                log.warning("could not open the sink %s (%s); trying again", self.sink_url, exc)
        raise AssertionError("unreachable")

    def _load_checkpoint(self) -> tls.LiveCheckpoint | None:
        try:
            return self.checkpoints.load(self.room_id)
        except Exception as exc:
            log.warning("could not read the checkpoint of room %d (%s); starting fresh", self.room_id, exc)
            return None

    def _start_recording(self, session: tls.Session) -> tls.Recording | None:
        if not self.record_dir:
            return None
        folder = Path(self.record_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.unique_id}-{self.room_id}-{time.strftime('%Y%m%dT%H%M%S')}.flv"
        try:
            info = tls.fetch_room_info(session, room_id=self.room_id)
            return tls.record_stream(session, path, info)
        except Exception as exc:
            log.warning("@%s: not recording (%s)", self.unique_id, exc)
            return None

    def _outcome(self, outcome: str) -> dict[str, Any]:
        return {"unique_id": self.unique_id, "room_id": self.room_id, "outcome": outcome,
                "events": self.events_written}
