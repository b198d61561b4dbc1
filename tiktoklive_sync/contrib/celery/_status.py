"""What the fleet is doing now, read from Redis: who owns which live, and for how much longer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Owner", "owners", "format_owners"]


@dataclass(frozen=True)
class Owner:
    """One lease: the room, the creator, the worker holding it and the lease's remaining seconds."""

    room_id: int
    unique_id: str
    worker: str
    expires_in: float
    has_checkpoint: bool


def owners(redis: Any, key_prefix: str = "tiktoklive") -> list[Owner]:
    """Every lease held now, sorted by creator.

    Raises:
        redis.RedisError: Redis could not be reached.
    """
    found: list[Owner] = []
    prefix = f"{key_prefix}:lease:"
    for key in redis.scan_iter(match=prefix + "*", count=500):
        name = _text(key)
        token, pttl = redis.get(key), redis.pttl(key)
        if token is None or not name[len(prefix):].isdigit():
            continue
        worker, _, rest = _text(token).partition("|")
        unique_id = rest.partition("|")[0]
        room_id = int(name[len(prefix):])
        checkpoint = bool(redis.exists(f"{key_prefix}:checkpoint:{room_id}"))
        found.append(Owner(room_id, unique_id, worker, max(0.0, pttl / 1000), checkpoint))
    return sorted(found, key=lambda o: (o.unique_id, o.room_id))


def format_owners(found: list[Owner]) -> str:
    """A table of ``found`` for a terminal (one line saying so when there is none)."""
    if not found:
        return "no live is being watched"
    lines = [f"{'creator':<24} {'room id':<20} {'worker':<32} lease  checkpoint"]
    for o in found:
        lines.append(f"@{o.unique_id:<23} {o.room_id:<20} {o.worker:<32} {o.expires_in:4.1f}s "
                     f"{'yes' if o.has_checkpoint else 'no'}")
    return "\n".join(lines)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
