"""``register(app, ...)``: the fleet's tasks and settings on a Celery app.

The tasks:

- ``tiktoklive_sync.poll_creators`` (beat runs it every ``poll_interval`` seconds): finds the live
  creators nobody owns and dispatches a watcher for each (:mod:`._poll`).
- ``tiktoklive_sync.watch_live(unique_id, room_id, sink_url, record_dir=None)``: watches one live
  until it ends (:mod:`._watch`); ``acks_late``, ``reject_on_worker_lost``, no time limits.

With ``configure=True`` (the default) the app also gets the settings long tasks need:
``worker_prefetch_multiplier=1`` (a worker takes no more lives than it has free threads),
``visibility_timeout`` of a day (the Redis broker re-delivers an unacknowledged task after it: the
lease makes such a second delivery return at once), broker reconnects forever, running tasks kept
on a broker connection loss, and the beat schedule of ``poll_creators``.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import redis as redis_lib
from celery import Celery, Task, signals
from redis.backoff import NoBackoff
from redis.retry import Retry

from ._config import FleetConfig
from ._poll import poll_once
from ._watch import Watcher, hand_back_all, shutdown_key

__all__ = ["Fleet", "register", "VISIBILITY_TIMEOUT"]

log = logging.getLogger("tiktoklive_sync.fleet")

#: the Redis broker's visibility timeout set by ``register`` (seconds): longer than a live
VISIBILITY_TIMEOUT = 24 * 3600
_signals_connected = threading.Event()
_fleets: list[Fleet] = []


@dataclass
class Fleet:
    """What :func:`register` made: the settings, the app and its two tasks.

    Attributes:
        config: the :class:`FleetConfig`.
        app: the Celery app.
        poll_creators: the poll task (``fleet.poll_creators.delay()`` runs a poll now).
        watch_live: the watch task.
    """

    config: FleetConfig
    app: Celery
    poll_creators: Any = None
    watch_live: Any = None
    _redis: Any = field(default=None, repr=False)
    _poll_session: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def redis(self) -> Any:
        """This process's Redis client for leases and checkpoints (made on first use)."""
        with self._lock:
            if self._redis is None:
                # a renewal must fail fast (well within the TTL) rather than retry for seconds
                timeout = min(5.0, max(0.5, self.config.lease_ttl / 6))
                self._redis = redis_lib.Redis.from_url(
                    self.config.redis_url, socket_timeout=timeout, socket_connect_timeout=timeout,
                    health_check_interval=10, retry=Retry(NoBackoff(), 1),
                )
            return self._redis

    def poll_session(self) -> Any:
        """This process's Session for polls, kept between polls (so a request budget it has holds across them)."""
        with self._lock:
            if self._poll_session is None:
                self._poll_session = self.config.session_factory()
            return self._poll_session

    def dispatch(self, unique_id: str, room_id: int) -> None:
        """Queue ``watch_live`` for this live with the configured sink and record dir."""
        self.watch_live.apply_async(args=(unique_id, room_id, self.config.sink_url, self.config.record_dir))


def register(
    app: Celery, creators: Any = (), *, sink_url: str = "sqlite:///tiktoklive_events.db",
    record_dir: str | None = None, redis_url: str | None = None, poll_interval: float = 30.0,
    lease_ttl: float = 30.0, configure: bool = True, name_prefix: str = "tiktoklive_sync", **options: Any,
) -> Fleet:
    """Add ``poll_creators`` and ``watch_live`` to ``app``; returns the :class:`Fleet`.

    Args:
        app: your Celery app (its broker carries the tasks).
        creators: the @handles to poll.
        sink_url: where every worker writes events (a shared database: ``postgresql://...``, or
            ``sqlite:///file.db`` on one machine; ``*.jsonl`` gives a file per worker).
        record_dir: record each live's video there too (None: no recording).
        redis_url: the Redis of leases and checkpoints (default: the app's broker URL).
        poll_interval: seconds between polls (beat schedule).
        lease_ttl: seconds before a dead worker's lease runs out.
        configure: also apply the settings long tasks need (see the module docstring).
        name_prefix: the tasks' name prefix (``<prefix>.poll_creators``, ``<prefix>.watch_live``).
        options: more :class:`FleetConfig` fields (``checkpoint_interval=``, ``session_factory=``,
            ``open_sink=``, ``connect=``, ``live_options=``, ``resolve_per_poll=``, ``key_prefix=``).

    Raises:
        ValueError: a bad setting, or no Redis URL (none given and the broker is not Redis).
    """
    if redis_url is None:
        broker = str(app.conf.broker_url or "")
        if not broker.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("register() needs redis_url=... (the broker is not Redis, so it cannot hold the leases)")
        redis_url = broker
    try:
        config = FleetConfig(creators=list(creators), sink_url=sink_url, record_dir=record_dir, redis_url=redis_url,
                             poll_interval=poll_interval, lease_ttl=lease_ttl, **options)
    except TypeError as exc:
        raise ValueError(f"unknown fleet option: {exc}") from None
    fleet = Fleet(config=config, app=app)
    _define_tasks(fleet, name_prefix)
    if configure:
        _configure(app, fleet, name_prefix)
    _connect_signals()
    _fleets.append(fleet)
    return fleet


def _define_tasks(fleet: Fleet, prefix: str) -> None:
    app, config = fleet.app, fleet.config

    @app.task(name=f"{prefix}.poll_creators", ignore_result=True)
    def poll_creators() -> dict[str, Any]:
        """Dispatch a watcher for every configured creator who is live and not owned."""
        return poll_once(config, fleet.redis(), fleet.poll_session(), fleet.dispatch)

    @app.task(name=f"{prefix}.watch_live", bind=True, ignore_result=True, acks_late=True,
              reject_on_worker_lost=True, time_limit=None, soft_time_limit=None)
    def watch_live(
        self: Task, unique_id: str, room_id: int, sink_url: str, record_dir: str | None = None
    ) -> dict[str, Any]:
        """Watch one live into ``sink_url`` until it ends, the lease is lost or the worker stops."""
        watcher = Watcher(config, fleet.redis(), unique_id, int(room_id), sink_url, record_dir,
                          redispatch=lambda: fleet.watch_live.apply_async(
                              args=(unique_id, room_id, sink_url, record_dir)),
                          worker=str(self.request.hostname or ""))
        outcome = watcher.run()
        log.info("watch_live @%s room %s: %s (%d events)", unique_id, room_id, outcome["outcome"], outcome["events"])
        return outcome

    fleet.poll_creators, fleet.watch_live = poll_creators, watch_live


def _configure(app: Celery, fleet: Fleet, prefix: str) -> None:
    transport = dict(app.conf.broker_transport_options or {})
    transport.setdefault("visibility_timeout", VISIBILITY_TIMEOUT)
    schedule = dict(app.conf.beat_schedule or {})
    schedule[f"{prefix}.poll_creators"] = {"task": f"{prefix}.poll_creators",
                                           "schedule": float(fleet.config.poll_interval)}
    app.conf.update(
        worker_prefetch_multiplier=1,
        broker_transport_options=transport,
        broker_connection_retry=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        beat_schedule=schedule,
    )


def _hand_back(sender: Any = None, **_: Any) -> None:
    """worker_shutting_down runs in the worker's signal handler: do the work on a thread."""
    threading.Thread(target=_hand_back_now, args=(str(sender or ""),), name="fleet-hand-back", daemon=True).start()


def _hand_back_now(hostname: str) -> None:
    count = hand_back_all()  # the watchers of a threads pool, in this process
    if count:
        log.warning("worker shutting down: handed back %d live(s)", count)
    for fleet in list(_fleets):  # those of a prefork pool learn it from Redis at their next renewal
        try:
            fleet.redis().set(shutdown_key(fleet.config, hostname), os.getpid(), ex=3600)
        except Exception as exc:
            log.warning("could not announce the shutdown in Redis (%s)", exc)


def _connect_signals() -> None:
    if not _signals_connected.is_set():
        signals.worker_shutting_down.connect(_hand_back, weak=False)
        _signals_connected.set()
