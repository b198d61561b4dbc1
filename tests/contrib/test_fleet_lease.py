"""The Redis lease on a real redis-server: one owner, compare-and-renew, compare-and-delete, the keeper."""

from __future__ import annotations

import threading

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tiktoklive_sync.contrib.celery import Lease, LeaseKeeper

from .redis_server import free_port


@pytest.fixture
def client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url, socket_timeout=5)


def test_one_owner_at_a_time(client: redis.Redis) -> None:
    mine, theirs = Lease(client, "t:lease:1", "me", 5), Lease(client, "t:lease:1", "them", 5)
    assert mine.acquire() and not theirs.acquire()
    assert mine.held() and not theirs.held()
    assert mine.renew() and not theirs.renew()
    assert not theirs.release() and client.get("t:lease:1") == b"me"  # compare-and-delete leaves it alone
    assert mine.release() and client.get("t:lease:1") is None
    assert theirs.acquire()


def test_renew_extends_the_ttl(client: redis.Redis) -> None:
    lease = Lease(client, "t:lease:2", "me", 2)
    assert lease.acquire()
    client.pexpire("t:lease:2", 100)
    assert lease.renew()
    assert client.pttl("t:lease:2") > 1000


def test_a_lease_gone_from_redis_is_put_back_by_its_owner(client: redis.Redis) -> None:
    lease = Lease(client, "t:lease:3", "me", 5)
    assert lease.acquire()
    client.flushall()  # what a restart without persistence does
    assert lease.renew() and lease.held()


def test_the_keeper_reports_another_owner(client: redis.Redis) -> None:
    lease = Lease(client, "t:lease:4", "me", 0.6)
    assert lease.acquire()
    lost = threading.Event()
    reasons: list[str] = []
    keeper = LeaseKeeper(lease, lambda why: (reasons.append(why), lost.set())).start()
    try:
        client.set("t:lease:4", "them", px=5000)
        assert lost.wait(10)
    finally:
        keeper.stop()
    assert reasons == ["another worker holds the lease"] and keeper.lost == reasons[0]
    assert client.get("t:lease:4") == b"them"


def test_the_keeper_gives_up_after_a_whole_ttl_without_redis() -> None:
    away = redis.Redis(host="127.0.0.1", port=free_port(), socket_timeout=0.2, socket_connect_timeout=0.2,
                       retry=Retry(NoBackoff(), 0))
    lease = Lease(away, "t:lease:5", "me", 0.9)
    lost = threading.Event()
    keeper = LeaseKeeper(lease, lambda why: lost.set())
    assert keeper.renew_once() is None  # a first failure is tolerated (Redis may be restarting)
    keeper.start()
    try:
        assert lost.wait(15)
    finally:
        keeper.stop()
    assert keeper.lost is not None and "unreachable" in keeper.lost and keeper.errors >= 2


def test_a_ttl_must_be_positive(client: redis.Redis) -> None:
    with pytest.raises(ValueError, match="ttl"):
        Lease(client, "k", "t", 0)
