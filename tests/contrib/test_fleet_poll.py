"""poll_once on a real Redis against FakeTikTok: who is live, who is owned, what gets dispatched."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

import tiktoklive_sync as tls
from tiktoklive_sync.contrib.celery import FleetConfig
from tiktoklive_sync.contrib.celery._poll import poll_once
from tiktoklive_sync.testing import FakeTikTok


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url, socket_timeout=5)
    yield c
    c.close()


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok() as f:
        f.add_room("alice", room_id=7000000000000000001, live=True)
        f.add_room("bob", room_id=7000000000000000002, live=True)
        f.add_room("carol", room_id=7000000000000000003, live=False)
        yield f


def _poll(config: FleetConfig, client: redis.Redis, session: tls.Session) -> tuple[dict, list[tuple[str, int]]]:
    queued: list[tuple[str, int]] = []
    result = poll_once(config, client, session, lambda uid, room: queued.append((uid, room)))
    return result, queued


def test_live_creators_nobody_owns_are_dispatched_once(fake: FakeTikTok, client: redis.Redis) -> None:
    config = FleetConfig(creators=["alice", "@bob", "carol"], redis_url="redis://unused")
    with fake.session() as s:
        result, queued = _poll(config, client, s)
        assert sorted(queued) == [("alice", 7000000000000000001), ("bob", 7000000000000000002)]
        assert sorted(result["live"]) == ["alice", "bob"] and not result["skipped"]
        assert client.hgetall("tiktoklive:rooms") == {b"alice": b"7000000000000000001", b"bob": b"7000000000000000002"}
        fake.clear_requests()
        _, again = _poll(config, client, s)  # within a lease TTL of the first dispatch: not queued twice
        assert again == []
        # known room ids are checked in one check_alive request, not resolved again
        assert len(fake.requests_to("GET /webcast/room/check_alive/")) == 1


def test_an_owned_live_is_left_alone_and_an_ended_one_is_forgotten(fake: FakeTikTok, client: redis.Redis) -> None:
    config = FleetConfig(creators=["alice", "bob"], redis_url="redis://unused")
    client.set("tiktoklive:lease:7000000000000000001", "w1|alice|x", px=10_000)
    with fake.session() as s:
        _, queued = _poll(config, client, s)
        assert queued == [("bob", 7000000000000000002)]
        fake.set_live("bob", False)
        client.delete("tiktoklive:dispatched:7000000000000000002")
        result, queued = _poll(config, client, s)
        assert queued == [] and result["live"] == ["alice"]
        assert client.hget("tiktoklive:rooms", "bob") is None


def test_offline_creators_take_turns_within_resolve_per_poll(fake: FakeTikTok, client: redis.Redis) -> None:
    for name in ("dan", "erin", "fay"):
        fake.add_room(name, live=False)
    config = FleetConfig(creators=["dan", "erin", "fay"], redis_url="redis://unused", resolve_per_poll=1)
    asked: list[str] = []
    with fake.session() as s:
        for _ in range(3):
            fake.clear_requests()
            _poll(config, client, s)
            asked += [r.query.get("uniqueId", "") for r in fake.requests if r.query.get("uniqueId")]
    assert set(asked) == {"dan", "erin", "fay"}


def test_one_poll_at_a_time(fake: FakeTikTok, client: redis.Redis) -> None:
    config = FleetConfig(creators=["alice"], redis_url="redis://unused")
    client.set("tiktoklive:poll-lock", "another", px=10_000)
    with fake.session() as s:
        result, queued = _poll(config, client, s)
    assert result["skipped"] and queued == []


def test_a_failing_tiktok_is_logged_not_raised(fake: FakeTikTok, client: redis.Redis) -> None:
    config = FleetConfig(creators=["alice"], redis_url="redis://unused")
    fake.fail_next("GET /*", status=500, times=None)
    with fake.session(retry=tls.RetryPolicy(attempts=1)) as s:
        result, queued = _poll(config, client, s)
    assert queued == [] and result["live"] == []
