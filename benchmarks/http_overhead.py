"""How much a route costs over bare requests: measured against FakeTikTok on 127.0.0.1.

For each route, the same URL (same query) is fetched two ways in the same run:

- ``route``: the library call, e.g. ``tls.fetch_room_info(session, room_id=...)`` (default
  parameters, headers and cookies, the retry wrapper, JSON parsing, the model);
- ``bare``: ``requests.Session().get(url)`` + ``json.loads(response.content)``.

Rounds alternate which of the two goes first, so drift on a noisy machine hits both alike. By
default FakeTikTok runs in a child process, as a real server would be elsewhere: its CPU time then
does not compete for this process's GIL (``--in-process`` runs it on a thread here instead).

A third side, ``+hdrs``, is the bare GET sent with the Session's headers and cookies (the
browser-like headers TikTok expects): the difference between it and the route is the library's
code alone. Reported per call: the median wall time over the rounds, the ratio route/bare (goal
<= 1.1x), the extra microseconds, and the client thread's CPU time (``time.thread_time``), the
figure least disturbed by other load on the machine.

Run: ``python benchmarks/http_overhead.py [--calls 200] [--rounds 9] [--in-process]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

import requests

import tiktoklive_sync as tls
from tiktoklive_sync.testing import FakeTikTok

ROOM_ID = 7_300_000_000_000_000_001


@dataclass
class Case:
    """One route, the bare request of the same URL, and the same with the route's headers and cookies."""

    name: str
    route: Callable[[], Any]
    bare: Callable[[], Any]
    bare_headers: Callable[[], Any]


@dataclass
class Timing:
    """Per-call microseconds of one side, one figure per round."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _serve(conn: Connection) -> None:
    """Child process: run a FakeTikTok with the bench room until told to stop."""
    with FakeTikTok() as fake:
        fake.add_room("bench", room_id=ROOM_ID, live=True)
        conn.send(fake.base_url)
        conn.recv()  # any message means stop


@contextmanager
def fake_base_url(in_process: bool) -> Iterator[str]:
    """Start FakeTikTok (in a child process unless ``in_process``) and yield its base URL."""
    if in_process:
        with FakeTikTok() as fake:
            fake.add_room("bench", room_id=ROOM_ID, live=True)
            yield fake.base_url
        return
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve, args=(child,), daemon=True)
    process.start()
    try:
        if not parent.poll(30):
            raise RuntimeError("FakeTikTok did not start in the child process within 30 s")
        yield parent.recv()
    finally:
        parent.send("stop")
        process.join(timeout=10)


def _session(base_url: str) -> tls.Session:
    endpoints = replace(tls.Endpoints().with_base(base_url), cookie_domain="127.0.0.1")
    session = tls.Session(endpoints=endpoints)
    session.trust_env = False
    return session


def _url(url: str, params: dict[str, str]) -> str:
    prepared = requests.Request("GET", url, params=params).prepare().url
    if prepared is None:
        raise RuntimeError(f"could not prepare {url}")
    return prepared


def build_cases(session: tls.Session, bare: requests.Session, dressed: requests.Session) -> list[Case]:
    """The routes measured, each with bare GETs of the URL the route sends."""
    ep = session.endpoints
    info_url = _url(ep.webcast_url("/room/info/"), session.api_params(room_id=ROOM_ID))
    gift_url = _url(ep.webcast_url("/gift/list/"), session.api_params())
    alive_url = _url(ep.webcast_url("/room/check_alive/"), session.api_params(room_ids=ROOM_ID))

    def get_json(http: requests.Session, url: str) -> Callable[[], Any]:
        return lambda: json.loads(http.get(url, timeout=(5, 15)).content)

    def case(name: str, route: Callable[[], Any], url: str) -> Case:
        return Case(name, route, get_json(bare, url), get_json(dressed, url))

    return [
        case("fetch_room_info", lambda: tls.fetch_room_info(session, room_id=ROOM_ID), info_url),
        case("fetch_gift_list", lambda: tls.fetch_gift_list(session), gift_url),
        case("fetch_is_live", lambda: tls.fetch_is_live(session, room_id=ROOM_ID), alive_url),
    ]


def _run(fn: Callable[[], Any], calls: int, into: Timing) -> None:
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    for _ in range(calls):
        fn()
    into.wall.append((time.perf_counter() - wall0) / calls * 1e6)
    into.cpu.append((time.thread_time() - cpu0) / calls * 1e6)


def measure(case: Case, calls: int, rounds: int) -> tuple[Timing, Timing, Timing]:
    """Return the timings of the route, bare requests and bare requests with the route's headers.

    Each round runs all three, starting with a different one each time.
    """
    sides = [(case.route, Timing()), (case.bare, Timing()), (case.bare_headers, Timing())]
    for fn, _ in sides:  # warm up connections and caches
        _run(fn, max(1, calls // 10), Timing())
    for i in range(rounds):
        for fn, into in sides[i % 3 :] + sides[: i % 3]:
            _run(fn, calls, into)
    return sides[0][1], sides[1][1], sides[2][1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per round (default 200)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds per route (default 9)")
    parser.add_argument("--in-process", action="store_true", help="run FakeTikTok on a thread of this process")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1:
        parser.error("--calls and --rounds must be at least 1")

    rows: list[tuple[str, list[float]]] = []
    with fake_base_url(args.in_process) as base, _session(base) as session:
        with requests.Session() as bare, requests.Session() as dressed:
            bare.trust_env = dressed.trust_env = False
            dressed.headers.update(session.headers)  # TikTok's browser-like headers
            dressed.cookies.update(session.cookies)  # and the default tt-target-idc cookie
            for case in build_cases(session, bare, dressed):
                route, plain, with_headers = measure(case, args.calls, args.rounds)
                figures = (plain.wall, with_headers.wall, route.wall, plain.cpu, route.cpu)
                rows.append((case.name, [statistics.median(v) for v in figures]))

    where = "a thread of this process" if args.in_process else "a child process"
    print(f"HTTP overhead: route vs bare requests.get + json.loads of the same URL; FakeTikTok on 127.0.0.1 in {where}")
    print(f"{args.calls} calls x {args.rounds} interleaved rounds, median µs per call, Python {sys.version.split()[0]}")
    header = (
        f"{'route':<16} {'bare':>6} {'+hdrs':>6} {'route':>6} {'ratio':>6} {'vs +hdrs':>8} {'extra':>6}"
        f" | {'bare cpu':>8} {'route cpu':>9} {'cpu ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, (bare_wall, dressed_wall, route_wall, bare_cpu, route_cpu) in rows:
        print(
            f"{name:<16} {bare_wall:>6.0f} {dressed_wall:>6.0f} {route_wall:>6.0f} {route_wall / bare_wall:>5.2f}x"
            f" {route_wall / dressed_wall:>7.2f}x {route_wall - bare_wall:>6.0f}"
            f" | {bare_cpu:>8.0f} {route_cpu:>9.0f} {route_cpu / bare_cpu:>8.2f}x"
        )
    print(
        "ratio = route / bare (goal <= 1.10x); +hdrs = bare with the Session's headers and cookies, as TikTok\n"
        "wants them; extra = route - bare; cpu = this thread's CPU time per call (the client's own cost)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
