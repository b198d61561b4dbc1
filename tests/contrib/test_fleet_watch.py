"""Watcher (the body of watch_live) in-process, on a real Redis and FakeTikTok, into a SQLite sink."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tiktoklive_sync import testing
from tiktoklive_sync.contrib.celery import FleetConfig, Watcher, _watch, hand_back_all
from tiktoklive_sync.testing import FakeTikTok

from .fleet_support import rows, wait_for

ROOM = 7000000000000000009


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url, socket_timeout=5)
    yield c
    c.close()


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok() as f:
        f.add_room("alice", room_id=ROOM, live=True)
        yield f


@pytest.fixture
def config(fake: FakeTikTok, tmp_path: Path) -> FleetConfig:
    return FleetConfig(creators=["alice"], sink_url=f"sqlite:///{tmp_path / 'events.db'}", redis_url="redis://unused",
                       lease_ttl=1.5, checkpoint_interval=0.2, connect="direct", session_factory=fake.session)


def _watcher(config: FleetConfig, client: redis.Redis, redispatch: Any = None) -> Watcher:
    return Watcher(config, client, "alice", ROOM, config.sink_url, redispatch=redispatch, worker="w@test")


def _in_thread(watcher: Watcher) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.update(watcher.run()), daemon=True)
    thread.start()
    return thread, out


def _chats(fake: FakeTikTok, n: int, start: int = 0) -> set[tuple[int, int]]:
    ids = fake.push(ROOM, *[testing.chat(f"c{i}", user="bob") for i in range(start, start + n)])
    return {(ROOM, i) for i in ids}


def test_a_live_is_watched_to_its_end_then_lease_and_checkpoint_are_gone(
    fake: FakeTikTok, client: redis.Redis, config: FleetConfig
) -> None:
    pushed = _chats(fake, 5) | {(ROOM, fake.end_live(ROOM))}
    outcome = _watcher(config, client).run()
    assert outcome == {"unique_id": "alice", "room_id": ROOM, "outcome": "ended", "events": 6}
    assert sorted(rows(config.sink_url)) == sorted(pushed)
    assert client.get(f"tiktoklive:lease:{ROOM}") is None and client.get(f"tiktoklive:checkpoint:{ROOM}") is None


def test_a_live_owned_elsewhere_is_not_entered(fake: FakeTikTok, client: redis.Redis, config: FleetConfig) -> None:
    client.set(f"tiktoklive:lease:{ROOM}", "other|alice|x", px=10_000)
    assert _watcher(config, client).run()["outcome"] == "owned elsewhere"
    assert fake.ws_handshakes == []


def test_hand_back_saves_releases_and_redispatches_then_the_next_owner_resumes(
    fake: FakeTikTok, client: redis.Redis, config: FleetConfig
) -> None:
    redispatched: list[int] = []
    first = _watcher(config, client, lambda: redispatched.append(1))
    pushed = _chats(fake, 5)
    thread, out = _in_thread(first)
    wait_for("the first events written", lambda: first.events_written == 5, 20)
    first.hand_back()
    thread.join(20)
    assert out["outcome"] == "handed back" and redispatched == [1]
    assert client.get(f"tiktoklive:lease:{ROOM}") is None
    assert client.get(f"tiktoklive:checkpoint:{ROOM}") is not None
    pushed |= _chats(fake, 3, start=5) | {(ROOM, fake.end_live(ROOM))}
    second = _watcher(config, client)
    assert second.run()["outcome"] == "ended"
    assert second.events_written == 4  # only what the first did not write
    assert sorted(rows(config.sink_url)) == sorted(pushed)
    cursors = [h.params.get("cursor", "") for h in fake.ws_handshakes if h.status == 101]
    assert len(cursors) == 2 and cursors[1].isdigit() and int(cursors[1]) > 0


def test_a_lost_lease_stops_the_watcher_and_leaves_the_new_owner_alone(
    fake: FakeTikTok, client: redis.Redis, config: FleetConfig
) -> None:
    redispatched: list[int] = []
    watcher = _watcher(config, client, lambda: redispatched.append(1))
    _chats(fake, 2)
    thread, out = _in_thread(watcher)
    wait_for("events written", lambda: watcher.events_written == 2, 20)
    client.set(f"tiktoklive:lease:{ROOM}", "other|alice|y", px=10_000)
    thread.join(20)
    assert out["outcome"] == "lease lost: another worker holds the lease"
    assert client.get(f"tiktoklive:lease:{ROOM}") == b"other|alice|y" and redispatched == []
    assert fake.push_server.open_connections == 0


def test_hand_back_all_stops_running_watchers_and_refuses_new_ones(
    fake: FakeTikTok, client: redis.Redis, config: FleetConfig
) -> None:
    watcher = _watcher(config, client)
    _chats(fake, 1)
    thread, out = _in_thread(watcher)
    wait_for("events written", lambda: watcher.events_written == 1, 20)
    try:
        assert hand_back_all() == 1
        thread.join(20)
        assert out["outcome"] == "handed back"
        assert _watcher(config, client).run()["outcome"] == "shutting down"
    finally:
        _watch._shutting_down.clear()


@pytest.mark.ffmpeg
def test_with_a_record_dir_the_live_is_recorded_too(
    fake: FakeTikTok, client: redis.Redis, config: FleetConfig, tmp_path: Path
) -> None:
    videos = tmp_path / "videos"
    watcher = Watcher(config, client, "alice", ROOM, config.sink_url, str(videos), worker="w@test")
    _chats(fake, 1)
    thread, out = _in_thread(watcher)
    wait_for("events written", lambda: watcher.events_written == 1, 20)
    wait_for("video bytes", lambda: any(p.stat().st_size > 10_000 for p in videos.glob("*.flv")), 60, 0.2)
    fake.end_live(ROOM)
    thread.join(60)
    assert out["outcome"] == "ended"
    [video] = videos.glob("alice-7000000000000000009-*.flv")
    assert video.read_bytes()[:3] == b"FLV"
