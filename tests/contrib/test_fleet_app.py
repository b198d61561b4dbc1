"""register(app, ...), the ready app from TIKTOKLIVE_FLEET_*, FleetConfig checks, the status command."""

from __future__ import annotations

import subprocess
import sys

import pytest
import redis
from celery import Celery

from tiktoklive_sync.contrib.celery import VISIBILITY_TIMEOUT, FleetConfig, make_app, register

from .fleet_support import ROOT, _env
from .redis_server import free_port


def test_register_adds_the_tasks_and_the_settings_of_long_tasks() -> None:
    app = Celery("mine", broker="redis://127.0.0.1:1/0")
    fleet = register(app, ["alice", "@bob"], sink_url="events.jsonl", poll_interval=12, lease_ttl=20)
    assert fleet.config.creators == ["alice", "bob"] and fleet.config.redis_url == "redis://127.0.0.1:1/0"
    watch = app.tasks["tiktoklive_sync.watch_live"]
    assert watch.acks_late and watch.reject_on_worker_lost
    assert watch.time_limit is None and watch.soft_time_limit is None
    assert "tiktoklive_sync.poll_creators" in app.tasks
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] == VISIBILITY_TIMEOUT
    assert app.conf.beat_schedule["tiktoklive_sync.poll_creators"]["schedule"] == 12.0


def test_register_keeps_your_visibility_timeout_and_can_leave_the_app_alone() -> None:
    app = Celery("mine", broker="redis://127.0.0.1:1/0")
    app.conf.broker_transport_options = {"visibility_timeout": 99_999}
    register(app, ["alice"])
    assert app.conf.broker_transport_options["visibility_timeout"] == 99_999
    other = Celery("other", broker="redis://127.0.0.1:1/0")
    register(other, ["alice"], configure=False)
    assert not other.conf.beat_schedule


def test_register_needs_a_redis_when_the_broker_is_not_one() -> None:
    with pytest.raises(ValueError, match="redis_url"):
        register(Celery("mq", broker="amqp://guest@localhost//"), ["alice"])
    fleet = register(Celery("mq2", broker="amqp://guest@localhost//"), ["alice"], redis_url="redis://r:6379/1")
    assert fleet.config.redis_url == "redis://r:6379/1"


@pytest.mark.parametrize("bad", [{"creators": "alice"}, {"creators": [""]}, {"lease_ttl": 0}, {"poll_interval": -1},
                                 {"resolve_per_poll": 0}, {"connect": "carrier-pigeon"}, {"sink_url": ""}])
def test_bad_settings_are_value_errors(bad: dict) -> None:
    with pytest.raises(ValueError):
        FleetConfig(**{"creators": ["alice"], **bad})


def test_an_unknown_option_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown fleet option"):
        register(Celery("x", broker="redis://127.0.0.1:1/0"), ["alice"], lease_tll=3)


def test_the_ready_app_reads_the_environment() -> None:
    app, fleet = make_app({
        "TIKTOKLIVE_FLEET_BROKER": "redis://127.0.0.1:2/0", "TIKTOKLIVE_FLEET_CREATORS": "alice, bob carol",
        "TIKTOKLIVE_FLEET_SINK": "sqlite:///x.db", "TIKTOKLIVE_FLEET_POLL_INTERVAL": "7",
        "TIKTOKLIVE_FLEET_LEASE_TTL": "9", "TIKTOKLIVE_FLEET_RECORD_DIR": "/tmp/videos",
        "TIKTOKLIVE_FLEET_SESSION": "tiktoklive_sync:Session",
    })
    assert fleet.config.creators == ["alice", "bob", "carol"]
    assert (fleet.config.sink_url, fleet.config.record_dir) == ("sqlite:///x.db", "/tmp/videos")
    assert (fleet.config.poll_interval, fleet.config.lease_ttl) == (7.0, 9.0)
    assert fleet.config.redis_url == "redis://127.0.0.1:2/0" and app.conf.broker_url == "redis://127.0.0.1:2/0"


@pytest.mark.parametrize(("env", "message"), [
    ({"TIKTOKLIVE_FLEET_LEASE_TTL": "soon"}, "TIKTOKLIVE_FLEET_LEASE_TTL"),
    ({"TIKTOKLIVE_FLEET_POLL_INTERVAL": "0"}, "positive"),
    ({"TIKTOKLIVE_FLEET_SESSION": "nowhere"}, "module:callable"),
    ({"TIKTOKLIVE_FLEET_SESSION": "tiktoklive_sync:NoSuchThing"}, "does not load"),
])
def test_a_bad_variable_says_which(env: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_app(env)


def _status(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiktoklive_sync.contrib.celery", "status", *args], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=60, check=False)


def test_status_prints_owners_and_leases(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    assert _status("--redis", redis_url).stdout.strip() == "no live is being watched"
    client.set("tiktoklive:lease:7000000000000000001", "w1@host|alice|abc", px=20_000)
    client.set("tiktoklive:checkpoint:7000000000000000001", "{}")
    done = _status("--redis", redis_url)
    client.close()
    assert done.returncode == 0
    line = done.stdout.splitlines()[1].split()
    assert line[:3] == ["@alice", "7000000000000000001", "w1@host"] and line[-1] == "yes"


def test_status_without_redis_says_so() -> None:
    done = _status("--redis", f"redis://127.0.0.1:{free_port()}/0")
    assert done.returncode == 1 and "cannot read the fleet's state" in done.stderr


def test_max_rps_gives_every_session_a_request_budget_and_polls_keep_theirs() -> None:
    _, fleet = make_app({"TIKTOKLIVE_FLEET_MAX_RPS": "2.5", "TIKTOKLIVE_FLEET_CREATORS": "alice"})
    session = fleet.poll_session()
    try:
        assert session.budget is not None and fleet.poll_session() is session
    finally:
        session.close()
    with pytest.raises(ValueError, match="MAX_RPS and"):
        make_app({"TIKTOKLIVE_FLEET_MAX_RPS": "2", "TIKTOKLIVE_FLEET_SESSION": "tiktoklive_sync:Session"})
    with pytest.raises(ValueError, match="MAX_RPS must be a number"):
        make_app({"TIKTOKLIVE_FLEET_MAX_RPS": "fast"})
