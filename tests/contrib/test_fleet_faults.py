"""The fleet under faults: real redis-server, two real Celery workers, beat, FakeTikTok in its own process.

Six creators are live and receive chat messages all along. A worker is SIGKILLed (or SIGTERMed, or
Redis restarts) mid-live; afterwards the database must hold every pushed message exactly once, and
the fake must never have seen two connections to one room at the same time.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from .fleet_support import (
    CHECKPOINT_INTERVAL,
    LEASE_TTL,
    POLL_INTERVAL,
    FakeProcess,
    Fleet,
    new_postgres_database,
    overlaps,
    rows,
    wait_for,
)
from .redis_server import RedisServer

pytestmark = pytest.mark.slow
#: the watcher waits this long after taking a lease before entering the room (ttl / 3, plus 20 %)
SETTLE = LEASE_TTL / 3 * 1.2
#: generous slack for a loaded 2-core machine on top of every bound the fleet promises
SLACK = 15.0


def _start(fleet: Fleet, pool: str = "threads") -> None:
    fleet.start_worker("w1", pool=pool)
    fleet.start_worker("w2", pool=pool)
    fleet.start_beat()
    fleet.fake.call("feed", rate=20, batch=2)
    wait_for("6 lives owned", lambda: len(fleet.owners()) == 6, 60)
    wait_for("a checkpoint of every live", lambda: all(o.has_checkpoint for o in fleet.owners()), 30)
    time.sleep(CHECKPOINT_INTERVAL)


def _connections_per_room(fleet: Fleet) -> dict[int, list[str]]:
    """room_id -> the cursor each accepted connection asked to resume after, oldest first."""
    seen: dict[int, list[str]] = {}
    for room_id, cursor in fleet.fake.resumes():
        seen.setdefault(room_id, []).append(cursor)
    return seen


def _resumed(fleet: Fleet, before: dict[int, list[str]], rooms: set[int]) -> None:
    """The new owners of ``rooms`` connect; where a room was watched before, after a checkpoint's cursor."""
    def new_connections() -> dict[int, list[str]]:
        seen = _connections_per_room(fleet)
        return seen if all(len(seen.get(r, ())) > len(before.get(r, ())) for r in rooms) else {}

    seen = wait_for("the new owners to connect", new_connections, SETTLE + SLACK, 0.2)
    for room_id in rooms:
        cursor = seen[room_id][-1]
        if before.get(room_id):
            assert cursor.isdigit() and int(cursor) > 0, f"room {room_id} started over (cursors: {seen[room_id]})"


def _victim(fleet: Fleet) -> str:
    """The worker holding the most lives (at least 3 of the 6)."""
    owned = fleet.owned_by()
    return max(("w1", "w2"), key=lambda w: len(owned.get(w, ())))


def _all_owned_by(fleet: Fleet, worker: str) -> bool:
    owned = fleet.owners()
    return len(owned) == 6 and all(o.worker.startswith(worker + "@") for o in owned)


def _finish_and_check(fleet: Fleet) -> None:
    time.sleep(2 * CHECKPOINT_INTERVAL)
    pushed = fleet.fake.call("stop_feed")["pushed"]
    ends = fleet.fake.call("end_all")["ends"]
    wait_for("every watcher to end with its live", lambda: not fleet.owners(), 60)
    expected = {(int(r), m) for r, ids in pushed.items() for m in ids} | {(int(r), m) for r, m in ends.items()}
    got = rows(fleet.sink_url)
    assert len(expected) > 6 * 20
    missing, extra = expected - set(got), set(got) - expected
    assert not missing, f"{len(missing)} of {len(expected)} pushed events lost, e.g. {sorted(missing)[:3]}"
    assert not extra, f"{len(extra)} rows nobody pushed"
    assert len(got) == len(set(got)), "an event is in the database twice"
    connections = fleet.fake.connections()
    assert {r for r, _, _ in connections} == set(fleet.fake.rooms.values())
    assert not overlaps(connections), f"two workers in one room at once: {overlaps(connections)}"


@pytest.mark.parametrize("pool", ["threads", "prefork"])
def test_sigkill_mid_live_the_other_worker_takes_all_six_and_nothing_is_lost(fleet: Fleet, pool: str) -> None:
    _sigkill_one_worker(fleet, pool)


def test_sigkill_with_the_events_in_postgresql(
    redis_url: str, fake_process: FakeProcess, postgres_url: str, tmp_path: Path
) -> None:
    fleet = Fleet(redis_url, fake_process, tmp_path, new_postgres_database(postgres_url))
    try:
        _sigkill_one_worker(fleet)
    finally:
        fleet.close()


def _sigkill_one_worker(fleet: Fleet, pool: str = "threads") -> None:
    _start(fleet, pool)
    victim = _victim(fleet)
    survivor = "w2" if victim == "w1" else "w1"
    moved = {o.room_id for o in fleet.owners() if o.worker.startswith(victim + "@")}
    connected = _connections_per_room(fleet)
    fleet.signal(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    assert fleet.wait_exit(victim, 10) == -signal.SIGKILL
    wait_for(f"{survivor} to own all 6", lambda: _all_owned_by(fleet, survivor),
             LEASE_TTL + POLL_INTERVAL + SETTLE + SLACK)
    takeover = time.monotonic() - killed_at
    assert takeover >= LEASE_TTL * 0.5  # the dead worker's leases ran out; nobody stole them early
    _resumed(fleet, connected, moved)
    _finish_and_check(fleet)


@pytest.mark.parametrize("pool", ["threads", "prefork"])
def test_sigterm_hands_the_lives_back_at_once(fleet: Fleet, pool: str) -> None:
    _start(fleet, pool)
    victim = _victim(fleet)
    survivor = "w2" if victim == "w1" else "w1"
    moved = {o.room_id for o in fleet.owners() if o.worker.startswith(victim + "@")}
    connected = _connections_per_room(fleet)
    fleet.signal(victim, signal.SIGTERM)
    assert fleet.wait_exit(victim, 30) == 0  # warm shutdown finished: the watchers stopped
    assert "handed back" in fleet.log(victim)
    # a threads pool hands back at once; prefork children learn it at their next renewal (ttl / 3)
    wait_for(f"{survivor} to own all 6", lambda: _all_owned_by(fleet, survivor),
             LEASE_TTL / 3 + POLL_INTERVAL + SETTLE + SLACK)
    _resumed(fleet, connected, moved)
    _finish_and_check(fleet)


def test_redis_restart_the_fleet_recovers(fleet: Fleet, redis_server: RedisServer) -> None:
    _start(fleet)
    before = {o.room_id: o.worker for o in fleet.owners()}
    redis_server.restart(down_for=LEASE_TTL / 2)  # empty again: no leases, checkpoints or queued tasks
    wait_for("6 lives owned again", lambda: len(fleet.owners()) == 6, LEASE_TTL + POLL_INTERVAL + SLACK)
    time.sleep(2 * CHECKPOINT_INTERVAL)
    after = {o.room_id: o.worker for o in fleet.owners()}
    assert len(after) == 6 and set(after) == set(before)
    assert all(fleet.workers[w].poll() is None for w in ("w1", "w2"))
    _finish_and_check(fleet)
