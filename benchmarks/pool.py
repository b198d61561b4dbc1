"""Pool: one LivePool watching many creators of a FakeTikTok that runs in a child process.

The child holds ``--creators`` creators, ``--live`` of them live, and on command pushes one comment
per live room ``--rate`` times a second, the push time (``time.time()``) as the comment's text. This
process runs one :class:`tiktoklive_sync.LivePool` over all creators, with a SqlSink on SQLite (in a
temporary directory) and a counting handler for every event.

Reported:

- rooms connected, and the time from ``run()`` until the last one's ConnectEvent;
- idle: process CPU (percent of one core) over ``--idle`` seconds with every live room connected and
  nothing pushed; threads; resident memory (VmRSS) per live room over the process before the pool;
- load: events per second delivered to the handlers (and written by the SqlSink), lost and delivered
  twice (by msg_id), p50/p99 delivery latency (push time in the comment vs. time handled), client
  CPU per delivered event;
- TikTok requests per minute spent on polling (what the fake received after every room connected).

Run: ``python benchmarks/pool.py [--creators 1000 --live 200 --rate 10 --seconds 30]``
(``--interval`` is the pool's check_interval, ``--no-sql`` counts in a handler only).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.testing import FakeTikTok

POLL_PATHS = ("/api-live/user/room/", "/webcast/room/check_alive/", "/webcast/room/info/")


def name(index: int) -> str:
    return f"creator_{index:05d}"


# -- the child: FakeTikTok and a pusher ------------------------------------------------------------------


def _serve(conn: Connection, creators: int, live: int) -> None:
    """Run FakeTikTok; obey ("push", (seconds, rate)) / ("requests", None) / ("stop", None)."""
    logging.disable(logging.WARNING)
    with FakeTikTok() as fake:
        fake.streams = None  # no video: this measures events
        rooms = [fake.add_room(name(i), live=i < live).room_id for i in range(creators)]
        conn.send({"endpoints": fake.endpoints})
        mark = 0
        while True:
            command, arg = conn.recv()
            if command == "push":
                seconds, rate = arg
                pushed, end = 0, time.monotonic() + seconds
                tick = time.monotonic()
                while tick < end:
                    for room_id in rooms[:live]:
                        fake.push(room_id, testing.chat(f"{time.time():.6f}", user="bench"))
                        pushed += 1
                    tick += 1.0 / rate
                    time.sleep(max(0.0, tick - time.monotonic()))
                conn.send(pushed)
            elif command == "requests":  # polling requests since the last ask, and the seconds they span
                received = fake.requests
                fresh = [r for r in received[mark:] if r.path.rstrip("/") + "/" in POLL_PATHS]
                mark = len(received)
                conn.send(len(fresh))
            elif command == "stop":
                conn.send("stopped")
                return


# -- this process: the pool ----------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Meter:
    """Counts what the pool's handlers receive; comments carry their push time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connects = 0
        self.last_connect = 0.0
        self.comments = 0
        self.events = 0
        self.latencies: list[float] = []
        self.ids: set[int] = set()
        self.twice = 0

    def __call__(self, unique_id: str, event: Any) -> None:
        now = time.time()
        with self.lock:
            self.events += 1
            if isinstance(event, tls.ConnectEvent):
                self.connects += 1
                self.last_connect = time.monotonic()
            elif isinstance(event, tls.CommentEvent):
                self.comments += 1
                self.latencies.append(now - float(event.comment))
                if event.msg_id in self.ids:
                    self.twice += 1
                self.ids.add(event.msg_id)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench(creators: int, live: int, rate: float, seconds: float, idle: float, interval: float, sql: bool) -> int:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, creators, live), daemon=True)
    process.start()
    info = parent.recv()
    session = tls.Session(endpoints=info["endpoints"])
    session.trust_env = False
    tls.fetch_live_status(session, name(creators - 1))  # warm up requests before measuring memory
    meter = Meter()
    pool = tls.LivePool([name(i) for i in range(creators)], session=session, check_interval=interval)
    pool.add_handler(tls.Event, meter)
    tmp = tempfile.TemporaryDirectory()
    sink = tls.sinks.SqlSink(f"sqlite:///{Path(tmp.name) / 'events.db'}") if sql else None
    if sink is not None:
        pool.add_handler(tls.Event, sink)
    rss_before, threads_before = rss_mb(), threading.active_count()
    runner = threading.Thread(target=pool.run, name="bench-pool-run")
    started = time.monotonic()
    runner.start()
    deadline = started + max(120.0, live * 0.5)
    while meter.connects < live and time.monotonic() < deadline:
        time.sleep(0.05)
    connect_s = meter.last_connect - started if meter.connects else float("nan")
    # polling is counted from the second round on (the first checks everyone at once)
    time.sleep(max(1.0, started + interval - time.monotonic()))
    parent.send(("requests", None))
    parent.recv()  # forget the requests of the start

    cpu0, wall0 = time.process_time(), time.monotonic()
    time.sleep(idle)
    idle_cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0) * 100
    threads, rss = threading.active_count(), rss_mb()

    before = meter.comments
    cpu1 = time.process_time()
    push_start = time.monotonic()
    parent.send(("push", (seconds, rate)))
    pushed = parent.recv()
    drain_end = time.monotonic() + 30
    while meter.comments - before < pushed and time.monotonic() < drain_end:
        time.sleep(0.05)
    delivered = meter.comments - before
    load_s = time.monotonic() - push_start
    cpu_per_event_ms = (time.process_time() - cpu1) / max(1, delivered) * 1000
    parent.send(("requests", None))
    polled = parent.recv()
    poll_minutes = (time.monotonic() - wall0) / 60

    stop_start = time.monotonic()
    pool.stop()
    runner.join(60)
    stop_s = time.monotonic() - stop_start
    written = 0
    if sink is not None:
        sink.close()
        written = sink.written
    tmp.cleanup()
    parent.send(("stop", None))
    parent.recv()
    process.join(10)

    per_room = live or 1
    rows = [
        ("creators / live", f"{creators} / {live}"),
        ("rooms connected", f"{meter.connects}"),
        ("time to connect them", f"{connect_s:.2f} s"),
        (f"idle CPU ({meter.connects} rooms)", f"{idle_cpu:.1f} % of a core"),
        ("threads (before the pool)", f"{threads} ({threads_before}): "
                                      f"{(threads - threads_before) / per_room:.2f} per live room"),
        ("RSS per live room", f"{(rss - rss_before) * 1024 / per_room:.0f} KB ({rss:.0f} MB in all)"),
        ("events pushed / delivered", f"{pushed} / {delivered}"),
        ("lost / delivered twice", f"{pushed - delivered} / {meter.twice}"),
        ("events/s delivered", f"{delivered / load_s:,.0f}" + (f" (SqlSink wrote {written:,} rows)" if sink else "")),
        ("delivery latency p50 / p99", f"{percentile(meter.latencies, 0.5) * 1000:.1f} / "
                                       f"{percentile(meter.latencies, 0.99) * 1000:.1f} ms"),
        ("client CPU per event", f"{cpu_per_event_ms:.3f} ms"),
        ("polling requests / minute", f"{polled / poll_minutes:.0f} (check_interval {interval:g} s)"),
        ("stop() until run() returned", f"{stop_s:.2f} s"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"pool benchmark, {time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}, {rate:g} events/s per live room for {seconds:g} s"
          f"{', SqlSink on SQLite' if sink else ''}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    lost = pushed - delivered
    if lost or meter.twice or meter.connects < live:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--creators", type=int, default=1000)
    p.add_argument("--live", type=int, default=200)
    p.add_argument("--rate", type=float, default=10.0, help="comments per second per live room")
    p.add_argument("--seconds", type=float, default=30.0, help="how long to push")
    p.add_argument("--idle", type=float, default=5.0, help="seconds of idle measurement")
    p.add_argument("--interval", type=float, default=60.0, help="the pool's check_interval")
    p.add_argument("--no-sql", action="store_true", help="no SqlSink (count in a handler only)")
    args = p.parse_args(argv)
    if not 0 <= args.live <= args.creators or args.creators < 1 or args.rate <= 0:
        p.error("need 1 <= creators, 0 <= live <= creators, rate > 0")
    logging.basicConfig(level=logging.ERROR)
    return bench(args.creators, args.live, args.rate, args.seconds, args.idle, args.interval, not args.no_sql)


if __name__ == "__main__":
    sys.exit(main())
