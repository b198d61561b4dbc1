"""The fleet tests' moving parts: the fake's process, Celery worker and beat processes, the database."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from tiktoklive_sync.contrib.celery import Owner, owners

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: fleet timings in the tests: short, so takeovers happen within seconds
LEASE_TTL, POLL_INTERVAL, CHECKPOINT_INTERVAL = 3.0, 1.0, 1.0


def wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.1) -> Any:
    """Return check()'s first truthy value; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


class FakeProcess:
    """FakeTikTok with ``rooms`` live rooms in a child process (tests/contrib/fake_process.py)."""

    def __init__(self, rooms: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "fake_process.py"), str(rooms)], cwd=ROOT, env=_env(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        hello = json.loads(self.process.stdout.readline() or "{}")
        if "base_url" not in hello:
            self.close()
            raise RuntimeError("the fake's process did not start")
        self.base_url: str = hello["base_url"]
        self.ws_direct: str = hello["ws_direct"]
        self.rooms: dict[str, int] = hello["rooms"]

    def call(self, cmd: str, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())  # type: ignore[no-any-return]

    def connections(self) -> list[tuple[int, float, float | None]]:
        return [(int(r), o, c) for r, o, c in self.call("connections")["connections"]]

    def resumes(self) -> list[tuple[int, str]]:
        """(room_id, cursor in the handshake URL) of every accepted connection, oldest first."""
        return [(int(r), c) for r, c in self.call("connections")["resumes"]]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.call("quit")
            except (OSError, ValueError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Fleet:
    """Celery workers and a beat running tests/contrib/fleet_worker_app.py against the fake."""

    def __init__(self, redis_url: str, fake: FakeProcess, directory: Path, sink_url: str) -> None:
        self.redis_url, self.fake, self.directory, self.sink_url = redis_url, fake, directory, sink_url
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.beat: subprocess.Popen[bytes] | None = None
        self.redis = redis.Redis.from_url(redis_url, socket_timeout=5)

    def env(self) -> dict[str, str]:
        env = _env()
        env["PYTHONPATH"] = os.pathsep.join([str(HERE), env["PYTHONPATH"]])
        env.update({
            "TIKTOKLIVE_FLEET_BROKER": self.redis_url, "TIKTOKLIVE_FLEET_CREATORS": ",".join(self.fake.rooms),
            "TIKTOKLIVE_FLEET_SINK": self.sink_url, "TIKTOKLIVE_FLEET_POLL_INTERVAL": str(POLL_INTERVAL),
            "TIKTOKLIVE_FLEET_LEASE_TTL": str(LEASE_TTL), "TIKTOKLIVE_FLEET_CHECKPOINT": str(CHECKPOINT_INTERVAL),
            "TIKTOKLIVE_FLEET_CONNECT": "direct", "TIKTOKLIVE_FLEET_SESSION": "fake_session:fake_session",
            "FAKE_BASE_URL": self.fake.base_url,
            "FAKE_WS_DIRECT": self.fake.ws_direct,
        })
        return env

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.directory / f"{name}.log", "ab")  # noqa: SIM115 (kept open by the child)
        process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "fleet_worker_app", *args],
                                   cwd=self.directory, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # its own process group: prefork children too
        log.close()
        return process

    def start_worker(self, name: str, concurrency: int = 10, pool: str = "threads") -> None:
        self.workers[name] = self._spawn(name, [
            "worker", f"--pool={pool}", f"-c{concurrency}", "-n", f"{name}@fleet-test", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ])
        wait_for(f"worker {name} to be ready", lambda: "ready." in self.log(name), 90, 0.2)

    def start_beat(self) -> None:
        self.beat = self._spawn("beat", ["beat", "--loglevel=INFO", "-s", str(self.directory / "beat-schedule")])

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def owners(self) -> list[Owner]:
        try:
            return owners(self.redis)
        except redis.RedisError:
            return []

    def owned_by(self) -> dict[str, set[str]]:
        """worker name -> the creators its leases name."""
        out: dict[str, set[str]] = {}
        for owner in self.owners():
            out.setdefault(owner.worker.partition("@")[0], set()).add(owner.unique_id)
        return out

    def signal(self, name: str, sig: int) -> None:
        self.workers[name].send_signal(sig)

    def wait_exit(self, name: str, timeout: float) -> int:
        return self.workers[name].wait(timeout=timeout)

    def close(self) -> None:
        processes = [*self.workers.values(), *([self.beat] if self.beat else [])]
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the worker and any pool children it left
        for process in processes:
            process.wait(timeout=20)
        self.redis.close()


def rows(sink_url: str) -> list[tuple[int, int]]:
    """Every (room_id, msg_id) row of the ``events`` table of ``sink_url`` (SQLite or PostgreSQL)."""
    query = "SELECT room_id, msg_id FROM events"
    if sink_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(sink_url.removeprefix("sqlite:///"), timeout=30)) as db:
            return [(int(r), int(m)) for r, m in db.execute(query)]
    import psycopg

    with psycopg.connect(sink_url) as db:
        return [(int(r), int(m)) for r, m in db.execute(query)]


def new_postgres_database(server_url: str) -> str:
    """Create an empty database on the PostgreSQL server of ``server_url``; return its URL."""
    import psycopg

    name = f"fleet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def overlaps(connections: list[tuple[int, float, float | None]]) -> list[str]:
    """Pairs of connections to the same room that were open at the same time."""
    found: list[str] = []
    by_room: dict[int, list[tuple[float, float]]] = {}
    for room_id, opened, closed in connections:
        by_room.setdefault(room_id, []).append((opened, float("inf") if closed is None else closed))
    for room_id, spans in by_room.items():
        spans.sort()
        for (o1, c1), (o2, c2) in zip(spans, spans[1:], strict=False):
            if o2 < c1:
                found.append(f"room {room_id}: [{o1:.2f}, {c1:.2f}] and [{o2:.2f}, {c2:.2f}]")
    return found


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(key, None)
    return env
