"""Soak: one LiveClient receives a million events from FakeTikTok, with the connection cut regularly.

FakeTikTok runs in a child process (a real push server is elsewhere, and its memory, threads and
sockets must not be counted as the client's). The child pushes large batches built from a few
prebuilt message payloads, each stamped with a fresh msg_id (an appended common header), and
forgets batches the client is long past, so the feed stays small. This process runs the client:
it asks the child for more batches as it consumes them, and every ``--drop-every`` events asks it
to cut every WebSocket without a close frame; the client reconnects, resumes from its last cursor
and drops the repeats itself.

Reported: events per second; for this process, resident memory (VmRSS), threads and open file
descriptors when the first connection is up, after the warm-up, at the end (still connected) and
after ``close()`` (they must not grow); events lost and delivered twice, counted by msg_id over
every event pushed; reconnects; the repeats the client dropped.

Run: ``python benchmarks/soak.py [--events 1000000] [--batch 500] [--drop-every 50000]``
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult
from tiktoklive_sync.testing import FakeTikTok
from tiktoklive_sync.testing.push_records import common_patch

FIRST_ID = 7_500_000_000_000_000_001  # msg_ids of the soak's events: FIRST_ID + 0 .. events - 1
USER = "soak"
WINDOW_BATCHES = 16  # batches asked for ahead of what the client has received
KEEP_BATCHES = 64  # batches the child keeps behind the newest (a reconnect resumes within them)


# -- the child: FakeTikTok and a feeder ---------------------------------------------------------------


def _templates() -> list[tuple[str, bytes]]:
    """A mix of message kinds as (method, payload without msg_id / room_id)."""
    people = [testing.make_user(f"viewer{i}", nickname=f"Viewer {i}") for i in range(8)]
    built = [
        testing.chat("what a stream!", user=people[0]),
        testing.like(5, total=1200, user=people[1]),
        testing.chat("hello from the soak test", user=people[2]),
        testing.gift("Rose", user=people[3], repeat_count=3),
        testing.join(user=people[4]),
        testing.chat("another comment, a little longer than the others", user=people[5]),
        testing.follow(user=people[6]),
        testing.like(1, total=1201, user=people[7]),
    ]
    return [(m.method, bytes(m.payload)) for m in built]


def _serve(conn: Connection, batch_size: int) -> None:
    """Run FakeTikTok; obey ("push", n) / ("drop", None) / ("end", None) / ("stop", None)."""
    templates = _templates()
    with FakeTikTok() as fake:
        room_id = fake.add_room(USER).room_id
        server = fake.push_server
        conn.send({"endpoints": fake.endpoints, "room_id": room_id})
        next_id, batches = FIRST_ID, 0
        while True:
            command, arg = conn.recv()
            if command == "push":
                for _ in range(arg):
                    result = ProtoMessageFetchResult()
                    for offset in range(batch_size):
                        method, payload = templates[offset % len(templates)]
                        result.messages.add(method=method, msg_id=next_id,
                                            payload=payload + common_patch(next_id, room_id))
                        next_id += 1
                    server.replay(room_id, [result])
                    batches += 1
                server.forget_before(room_id, batches - KEEP_BATCHES)
            elif command == "drop":
                fake.drop_connections()
            elif command == "end":
                fake.end_live(room_id)
            elif command == "stop":
                conn.send("stopped")
                return


# -- this process: the client -------------------------------------------------------------------------


@dataclass
class Snapshot:
    """What this process holds at one moment."""

    rss_mb: float
    threads: int
    fds: int

    @classmethod
    def now(cls) -> Snapshot:
        rss = 0.0
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        return cls(rss_mb=rss, threads=threading.active_count(), fds=len(os.listdir("/proc/self/fd")))

    def row(self, label: str) -> str:
        return f"{label:<28} {self.rss_mb:>9.1f} {self.threads:>8} {self.fds:>6}"


@dataclass
class Tally:
    """Deliveries counted by msg_id."""

    total: int
    received: int = 0
    twice: int = 0
    connects: int = 0

    def __post_init__(self) -> None:
        self.seen = bytearray(self.total)

    def count(self, msg_id: int) -> None:
        index = msg_id - FIRST_ID
        if 0 <= index < self.total:
            if self.seen[index]:
                self.twice += 1
            else:
                self.seen[index] = 1
                self.received += 1

    @property
    def lost(self) -> int:
        return self.total - sum(self.seen)


def soak(events: int, batch: int, drop_every: int) -> int:
    """Run the soak and print the report; returns the exit status (1 if anything was lost or doubled)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, batch), daemon=True)
    process.start()
    info: dict[str, Any] = parent.recv()
    batches_total = -(-events // batch)
    tally = Tally(total=batches_total * batch)
    asked = min(WINDOW_BATCHES, batches_total)
    parent.send(("push", asked))
    session = tls.Session(endpoints=info["endpoints"])
    session.trust_env = False
    client = tls.LiveClient(USER, session=session)
    snaps: dict[str, Snapshot] = {}
    next_drop, drops = drop_every, 0
    marks = {tally.total // 10: "10% of the events", tally.total // 2: "50%"}
    started = started_warm = time.perf_counter()
    warm_count = 0
    for event in client.events():
        if event.msg_id:
            tally.count(event.msg_id)
        if isinstance(event, tls.ConnectEvent):
            tally.connects += 1
            snaps.setdefault("first connection up", Snapshot.now())
        elif isinstance(event, tls.LiveEndEvent):
            snaps["last event (connected)"] = Snapshot.now()
        label = next((text for at, text in marks.items() if tally.received >= at and text not in snaps), None)
        if label is not None:
            snaps[label] = Snapshot.now()
            if warm_count == 0:
                started_warm, warm_count = time.perf_counter(), tally.received
        if asked < batches_total and (asked - WINDOW_BATCHES // 2) * batch <= tally.received:
            more = min(WINDOW_BATCHES // 2, batches_total - asked)
            parent.send(("push", more))
            asked += more
            if asked == batches_total:
                parent.send(("end", None))
        if drop_every and tally.received >= next_drop and tally.received < tally.total:
            parent.send(("drop", None))
            drops += 1
            next_drop += drop_every
    elapsed = time.perf_counter() - started
    steady = (tally.received - warm_count) / (time.perf_counter() - started_warm)
    stats = client.stats
    client.close()
    snaps["after close()"] = Snapshot.now()
    parent.send(("stop", None))
    parent.recv()
    process.join(10)

    print(f"soak: {tally.total:,} events in batches of {batch}, a drop every {drop_every:,} events")
    print(f"  events/s          {tally.received / elapsed:>12,.0f} overall, {steady:,.0f} after warm-up")
    print(f"  wall time         {elapsed:>12.1f} s")
    print(f"  lost              {tally.lost:>12,}")
    print(f"  delivered twice   {tally.twice:>12,}")
    print(f"  drops / connects  {drops:>6} / {tally.connects}")
    print(f"  repeats dropped   {stats.duplicates:>12,}  (history the server re-sent on reconnect)")
    print(f"  undecodable       {stats.undecodable:>12,}")
    print(f"  {'this process at':<28} {'RSS (MB)':>9} {'threads':>8} {'fds':>6}")
    for label, snap in snaps.items():
        print("  " + snap.row(label))
    return 1 if tally.lost or tally.twice else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to push (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=500, help="messages per push frame (default 500)")
    parser.add_argument("--drop-every", type=int, default=50_000, help="cut the connection every N events")
    parser.add_argument("--verbose", action="store_true", help="show the client's warnings (one per drop)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.ERROR)
    if args.events < 1 or args.batch < 1 or args.drop_every < 0:
        parser.error("--events and --batch must be positive, --drop-every zero or more")
    return soak(args.events, args.batch, args.drop_every)


if __name__ == "__main__":
    sys.exit(main())
