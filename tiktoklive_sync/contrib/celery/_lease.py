"""One owner per live: a lease in Redis, taken with ``SET NX PX`` and kept by a renewing thread.

A :class:`Lease` is a Redis key whose value is the owner's token. Only the holder of the token
renews it (a compare-and-renew Lua script) or deletes it (compare-and-delete), so a worker that lost
its lease can never take it back from the new owner. :class:`LeaseKeeper` renews a lease every
``ttl / 3`` seconds and reports when it is lost: another token is in the key, or Redis could not be
reached for ``ttl`` seconds (after that another worker may own the live).

When Redis comes back empty (restarted without persistence) the key is missing: the keeper puts its
token back, unless somebody else was faster, in which case it reports the lease lost. A new owner
waits one renewal period before entering the room (see the watcher), so the two never overlap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Lease", "LeaseKeeper"]

log = logging.getLogger("tiktoklive_sync.fleet")

# KEYS[1] lease key; ARGV[1] token; ARGV[2] ttl in ms.
# 1: renewed; 2: the key was gone (Redis restarted empty) and is ours again; 0: another owner.
_RENEW = """
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
if not held then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 2
end
return 0
"""

# KEYS[1] lease key; ARGV[1] token. 1: deleted; 0: not ours (left alone).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """A lease on ``key`` held with ``token`` for ``ttl`` seconds at a time.

    Args:
        client: a ``redis.Redis`` client.
        key: the Redis key of the lease.
        token: this owner's token (unique per watcher run).
        ttl: seconds the lease lives without renewal (> 0).

    Raises:
        ValueError: ``ttl`` is not positive.
    """

    def __init__(self, client: Any, key: str, token: str, ttl: float) -> None:
        if not ttl > 0:
            raise ValueError(f"lease ttl must be positive seconds, not {ttl!r}")
        self.client, self.key, self.token, self.ttl = client, key, token, float(ttl)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    @property
    def ttl_ms(self) -> int:
        """The TTL in milliseconds, as Redis takes it."""
        return max(1, int(self.ttl * 1000))

    def acquire(self) -> bool:
        """Take the lease if nobody holds it (``SET NX PX``); returns True if it is now ours.

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        """Extend the lease if it is still ours (or put it back if Redis lost it); False: lost.

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        result = int(self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))
        if result == 2:
            log.warning("lease %s was gone from Redis (restarted?); it is ours again", self.key)
        return result != 0

    def release(self) -> bool:
        """Delete the lease if it is still ours; returns True if it was deleted.

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        return bool(int(self._release(keys=[self.key], args=[self.token])))

    def held(self) -> bool:
        """True if Redis holds this lease's token now.

        Raises:
            redis.RedisError: Redis could not be reached.
        """
        value = self.client.get(self.key)
        return value is not None and _text(value) == self.token


class LeaseKeeper:
    """Renew ``lease`` every ``ttl / 3`` seconds on a daemon thread until :meth:`stop`.

    ``on_tick()`` (if given) is called after every renewal while the lease is held.
    ``on_lost(reason)`` is called once, from the keeper's thread, when the lease is lost: another
    owner holds it, or no renewal succeeded for ``ttl`` seconds (Redis unreachable). Renewal errors
    shorter than that are logged and tolerated, so a Redis restart does not stop a watcher.
    """

    def __init__(
        self, lease: Lease, on_lost: Callable[[str], None], on_tick: Callable[[], None] | None = None
    ) -> None:
        self.lease = lease
        self.on_lost = on_lost
        self.on_tick = on_tick
        self.interval = lease.ttl / 3
        self.lost: str | None = None
        self.errors = 0
        self._stop = threading.Event()
        self._last_ok = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"lease-{lease.key}", daemon=True)

    def start(self) -> LeaseKeeper:
        """Start renewing; returns the keeper."""
        self._last_ok = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop renewing (the lease itself is left as it is) and wait for the thread."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            reason = self.renew_once()
            if reason is not None:
                self.lost = reason
                self.on_lost(reason)
                return
            if self.on_tick is not None:
                self.on_tick()

    def renew_once(self) -> str | None:
        """Renew once; return why the lease is lost, or None while it is held."""
        try:
            if self.lease.renew():
                self._last_ok = time.monotonic()
                return None
            return "another worker holds the lease"
        except Exception as exc:  # redis.RedisError and socket errors: Redis is away
            self.errors += 1
            away = time.monotonic() - self._last_ok
            log.warning("could not renew lease %s (%s); Redis away for %.1f s", self.lease.key, exc, away)
            if away >= self.lease.ttl:
                return f"Redis unreachable for {away:.1f} s (lease ttl {self.lease.ttl:g} s)"
            return None


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
