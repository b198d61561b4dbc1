"""``poll_creators``: find the creators who are live and not owned, and dispatch a watcher for each.

Each poll:

- checks the creators whose room id is known (kept in the Redis hash ``<prefix>:rooms``) in batches
  with ``check_alive`` (:func:`tiktoklive_sync.fetch_is_live_room_ids`), ``check_alive_chunk`` rooms
  per request; a room found offline is forgotten (the next live has a new room id);
- re-resolves up to ``resolve_per_poll`` of the others (:func:`tiktoklive_sync.fetch_live_status`),
  taking turns across polls so that every creator is asked about in time;
- dispatches ``watch_live`` for every live room with no lease, at most once per lease TTL
  (``<prefix>:dispatched:<room_id>``), so overlapping polls do not queue the same live twice.

Only one poll runs at a time across the fleet (``<prefix>:poll-lock``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import tiktoklive_sync as tls

from ._config import FleetConfig

__all__ = ["poll_once"]

log = logging.getLogger("tiktoklive_sync.fleet")


def poll_once(
    config: FleetConfig, redis: Any, session: tls.Session, dispatch: Callable[[str, int], None]
) -> dict[str, Any]:
    """Run one poll; ``dispatch(unique_id, room_id)`` queues a watcher.

    Returns:
        ``{"live": [...], "dispatched": [...], "skipped": bool}`` (skipped: another poll was running).
    Raises:
        redis.RedisError: Redis could not be reached (the next poll tries again).
    """
    lock_key, token = config.key("poll-lock"), uuid.uuid4().hex
    if not redis.set(lock_key, token, nx=True, px=int(max(config.poll_interval, 1.0) * 4000)):
        return {"live": [], "dispatched": [], "skipped": True}
    try:
        live = _live_rooms(config, redis, session)
        dispatched = [uid for uid, room_id in live if _dispatch_if_free(config, redis, uid, room_id, dispatch)]
    finally:
        if redis.get(lock_key) in (token, token.encode()):
            redis.delete(lock_key)
    return {"live": [uid for uid, _ in live], "dispatched": dispatched, "skipped": False}


def _live_rooms(config: FleetConfig, redis: Any, session: tls.Session) -> list[tuple[str, int]]:
    rooms_key = config.key("rooms")
    known = {_text(k): int(v) for k, v in redis.hgetall(rooms_key).items()}
    with_room = [(uid, known[uid]) for uid in config.creators if uid in known]
    unknown = [uid for uid in config.creators if uid not in known]
    live: list[tuple[str, int]] = []
    chunk = config.check_alive_chunk
    for start in range(0, len(with_room), chunk):
        part = with_room[start : start + chunk]
        try:
            alive = tls.fetch_is_live_room_ids(session, *[r for _, r in part], chunk_size=chunk)
        except (tls.TikTokLiveError, OSError, ValueError) as exc:
            log.warning("check_alive failed for %d rooms (%s); resolving them again", len(part), exc)
            alive = [False] * len(part)
        for (uid, room_id), is_live in zip(part, alive, strict=True):
            if is_live:
                live.append((uid, room_id))
            else:
                redis.hdel(rooms_key, uid)
                unknown.append(uid)
    for uid in _take_turns(config, redis, unknown):
        try:
            status = tls.fetch_live_status(session, uid)
        except (tls.TikTokLiveError, OSError, ValueError) as exc:
            log.warning("could not tell whether @%s is live (%s)", uid, exc)
            continue
        if status.is_live and status.room_id:
            redis.hset(rooms_key, uid, status.room_id)
            live.append((uid, status.room_id))
    return live


def _take_turns(config: FleetConfig, redis: Any, creators: list[str]) -> list[str]:
    """Up to ``resolve_per_poll`` of ``creators``, starting where the previous poll stopped."""
    n = min(config.resolve_per_poll, len(creators))
    if n == 0:
        return []
    start = int(redis.incrby(config.key("resolve-turn"), n)) - n
    return [creators[(start + i) % len(creators)] for i in range(n)]


def _dispatch_if_free(
    config: FleetConfig, redis: Any, uid: str, room_id: int, dispatch: Callable[[str, int], None]
) -> bool:
    if redis.exists(config.key("lease", room_id)):
        return False
    if not redis.set(config.key("dispatched", room_id), uid, nx=True, px=int(config.lease_ttl * 1000)):
        return False
    dispatch(uid, room_id)
    log.info("dispatched a watcher for @%s (room %d)", uid, room_id)
    return True


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
