"""Client CPU per delivered event, and threads per live room, against FakeTikTok on 127.0.0.1.

One LiveClient watches one room of an in-process FakeTikTok; the fake is sent ``--events`` batches of one
comment each (the common case on a real live: a frame per message or two). The figure is the CPU time
of the client's own thread (``time.thread_time()``, so the fake's threads do not count) from its
ConnectEvent to the last comment, divided by the comments delivered: socket reads, framing, inflating,
acks, heartbeats, decoding and dedupe, end to end. Threads: the thread running the client plus every
thread the library started for the room (they are all named ``tiktoklive-*``), while connected.

Then idle: the client's CPU while connected to a room that sends nothing, for ``--idle`` seconds.

Run: ``python benchmarks/client_cpu.py [--events 5000] [--idle 5] [--rounds 3]``
(``PYTHONPATH=<other checkout> python benchmarks/client_cpu.py`` measures another version alike).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

import tiktoklive_sync as tls
from tiktoklive_sync import testing


def _watch(fake: testing.FakeTikTok, unique_id: str, wanted: int, out: dict[str, float]) -> None:
    client = tls.LiveClient(unique_id, session=fake.session(), connect="direct")
    seen = 0
    started = 0.0
    for event in client.events():
        if isinstance(event, tls.ConnectEvent):
            out["threads_connected"] = 1 + sum(t.name.startswith("tiktoklive") for t in threading.enumerate())
            out["connected"] = 1.0
            started = time.thread_time()
        elif isinstance(event, tls.CommentEvent):
            seen += 1
            if seen == 1:
                started = time.thread_time()  # from the first comment: the connect cost is not counted
            if seen >= wanted:
                out["cpu"] = time.thread_time() - started
                out["events"] = seen - 1
                client.stop()
        if "idle_until" in out and time.monotonic() >= out["idle_until"]:
            client.stop()
    out["idle_cpu"] = time.thread_time() - started
    client.close()


def busy_round(events: int) -> tuple[float, int]:
    """Returns (client CPU ms per event, threads per room while connected)."""
    with testing.FakeTikTok() as fake:
        fake.add_room("busy")
        out: dict[str, float] = {}
        thread = threading.Thread(target=_watch, args=(fake, "busy", events, out), daemon=True)
        thread.start()
        while "connected" not in out:
            time.sleep(0.01)
        gained = int(out["threads_connected"])
        alice = testing.make_user("alice")
        comments = [testing.chat(f"hello there {i}", user=alice) for i in range(events)]  # each its own msg_id
        for comment in comments:
            fake.push("busy", comment)
        thread.join(120)
        return out["cpu"] * 1000 / max(out["events"], 1), gained


def idle_round(seconds: float) -> float:
    """Returns the client's CPU use while idle, in % of one core."""
    with testing.FakeTikTok() as fake:
        fake.add_room("quiet")
        out: dict[str, float] = {}
        thread = threading.Thread(target=_watch, args=(fake, "quiet", 10**9, out), daemon=True)
        thread.start()
        while "connected" not in out:
            time.sleep(0.01)
        out["idle_until"] = time.monotonic() + seconds
        fake.push("quiet", testing.chat("wake up"))  # one event so the loop looks at the idle deadline
        time.sleep(seconds + 0.2)
        fake.push("quiet", testing.chat("time's up"))
        thread.join(30)
        return out["idle_cpu"] / seconds * 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"tiktoklive_sync from {tls.__file__}; Python {sys.version.split()[0]}")
    per_event, threads = [], []
    for _ in range(args.rounds):
        ms, gained = busy_round(args.events)
        per_event.append(ms)
        threads.append(gained)
    idle = idle_round(args.idle)
    print(f"client CPU per delivered event: best {min(per_event):.3f} ms, median {statistics.median(per_event):.3f} ms"
          f" over {args.rounds} rounds of {args.events} one-comment frames (goal <= 0.05 ms)")
    print(f"threads per live room (the client's own thread included): {max(threads)} (goal <= 1.1)")
    print(f"idle client CPU, one room: {idle:.2f}% of a core over {args.idle:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
