"""The fleet's settings: one :class:`FleetConfig` shared by the poll and watch tasks."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tiktoklive_sync as tls

__all__ = ["FleetConfig", "Sink", "default_open_sink"]

#: a sink: called with (unique_id, event); flush() makes what it was given durable; close() ends it
Sink = Any


def default_open_sink(url: str) -> Sink:
    """Open ``url`` with :func:`tiktoklive_sync.sinks.open_sink`.

    Raises:
        ImportError: this install has no ``tiktoklive_sync.sinks``.
        ValueError: a URL the sinks do not know.
    """
    from tiktoklive_sync.sinks import open_sink

    return open_sink(url)


@dataclass
class FleetConfig:
    """What the fleet watches and how.

    Attributes:
        creators: the @handles polled by ``poll_creators``.
        sink_url: where events go (``sqlite:///events.db``, ``postgresql://...``, ``events.jsonl``).
        record_dir: a directory to record each live's video into (None: no recording).
        redis_url: the Redis holding leases, checkpoints and known room ids.
        poll_interval: seconds between two polls (the beat schedule).
        lease_ttl: seconds a watcher's lease lives without renewal; a killed worker's lives are
            taken over after at most this plus one poll.
        checkpoint_interval: seconds between two checkpoints of a live.
        resolve_per_poll: offline creators re-resolved per poll (one request or more each); the
            creators with a known room id are checked in batches of ``check_alive_chunk``.
        check_alive_chunk: room ids per ``check_alive`` request.
        key_prefix: the prefix of every Redis key the fleet uses.
        connect: the LiveClient ``connect`` mode.
        live_options: more LiveClient options (``stale_timeout=``, ...).
        session_factory: makes the Session of each task (proxies, sign API key, request budget).
        open_sink: opens ``sink_url`` (default: :func:`tiktoklive_sync.sinks.open_sink`).
        worker_name: this process's name in leases (default: host and pid).
    """

    creators: Sequence[str] = ()
    sink_url: str = "sqlite:///tiktoklive_events.db"
    record_dir: str | None = None
    redis_url: str = "redis://127.0.0.1:6379/0"
    poll_interval: float = 30.0
    lease_ttl: float = 30.0
    checkpoint_interval: float = 5.0
    resolve_per_poll: int = 50
    check_alive_chunk: int = 50
    key_prefix: str = "tiktoklive"
    connect: str = "auto"
    live_options: dict[str, Any] = field(default_factory=dict)
    session_factory: Callable[[], tls.Session] = tls.Session
    open_sink: Callable[[str], Sink] = default_open_sink
    worker_name: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.creators, str):
            raise ValueError("creators is a list of @handles, not one string")
        self.creators = [_handle(c) for c in self.creators]
        for name in ("poll_interval", "lease_ttl", "checkpoint_interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        for name in ("resolve_per_poll", "check_alive_chunk"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, not {value!r}")
        if self.connect not in ("auto", "direct", "sign"):
            raise ValueError(f"connect must be auto, direct or sign, not {self.connect!r}")
        if not self.sink_url:
            raise ValueError("sink_url is needed: sqlite:///file.db, postgresql://..., or file.jsonl")
        if not self.worker_name:
            self.worker_name = f"{socket.gethostname()}:{_pid()}"

    def key(self, *parts: object) -> str:
        """``<prefix>:<part>:<part>...``."""
        return ":".join([self.key_prefix, *(str(p) for p in parts)])


def _pid() -> int:
    return os.getpid()


def _handle(creator: object) -> str:
    if not isinstance(creator, str) or not creator.strip().lstrip("@"):
        raise ValueError(f"a creator is a non-empty @handle string, not {creator!r}")
    return creator.strip().lstrip("@")
