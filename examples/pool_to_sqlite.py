"""Watch several creators at once and keep every event and gift streak in SQLite.

    python examples/pool_to_sqlite.py alice bob carol [--db events.db] [--record DIR] [--seconds N]
    python examples/pool_to_sqlite.py --fake --seconds 6     # against an embedded FakeTikTok

Whoever goes live is watched until their live ends, then waited for again. Ctrl-C (or SIGTERM, or
--seconds) stops the pool: open streaks are written, recordings finished. At the end the script
prints how many events each creator sent and the top gifters.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator

import tiktoklive_sync as tls
from tiktoklive_sync.sinks import SqlSink


@contextlib.contextmanager
def fake_tiktok(creators: list[str]) -> Iterator[tls.Session]:
    """A FakeTikTok where the first creator is live, the second goes live a second later, and an
    audience sends comments and Rose streaks; yields a Session pointed at it."""
    from tiktoklive_sync import testing

    with testing.FakeTikTok() as fake:
        for index, unique_id in enumerate(creators):
            fake.add_room(unique_id, live=index == 0)
        fake.streams = None  # no video needed here
        halt = threading.Event()

        def audience() -> None:
            for step in range(10_000):
                if halt.wait(0.2):
                    return
                if step == 5 and len(creators) > 1:
                    fake.set_live(creators[1], True)
                for unique_id in creators[:2]:
                    viewer = ["ana", "ben", "chloe"][step % 3]
                    fake.push(unique_id, testing.chat(f"hello #{step}", user=viewer),
                              testing.gift("Rose", viewer, repeat_count=1 + step % 4, group_id=step // 4 + 1,
                                           repeat_end=step % 4 == 3))

        pusher = threading.Thread(target=audience, daemon=True)
        pusher.start()
        try:
            with fake.session() as session:
                yield session
        finally:
            halt.set()
            pusher.join()


def report(db_path: str) -> None:
    """Print events per creator and the top gifters, straight from the database."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        for creator, count in db.execute("SELECT creator, COUNT(*) FROM events GROUP BY creator ORDER BY creator"):
            print(f"@{creator}: {count} events")
        top = db.execute(
            "SELECT creator, unique_id, SUM(\"count\") AS gifts, SUM(value) AS coins FROM gift_streaks"
            " GROUP BY creator, user_id, unique_id ORDER BY coins DESC LIMIT 5"
        ).fetchall()
        for creator, unique_id, gifts, coins in top:
            print(f"top gifter of @{creator}: @{unique_id} sent {gifts} gifts ({coins} coins)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("creators", nargs="*", default=["demo_alice", "demo_bob", "demo_carol"], help="@handles")
    p.add_argument("--db", default="events.db", help="the SQLite file (default: events.db)")
    p.add_argument("--record", metavar="DIR", help="also record every live into DIR/<creator>/<start time>.mp4")
    p.add_argument("--seconds", type=float, help="stop after this long (default: until Ctrl-C)")
    p.add_argument("--fake", action="store_true", help="run against an embedded FakeTikTok (no network)")
    args = p.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if args.fake:
            session = stack.enter_context(fake_tiktok(args.creators))
            interval = 0.5
        else:
            session = stack.enter_context(tls.Session(max_requests_per_second=2))  # polite polling
            interval = 60.0
        sink = stack.enter_context(SqlSink(f"sqlite:///{args.db}"))
        pool = tls.LivePool(args.creators, session=session, check_interval=interval, record_dir=args.record)
        pool.add_handler(tls.Event, sink)        # every event, one row each
        pool.add_handler(tls.GiftStreak, sink)   # one row per finished gift streak

        @pool.on(tls.ConnectEvent)
        def connected(unique_id: str, event: tls.ConnectEvent) -> None:
            print(f"watching @{unique_id} (room {event.room_id})")

        @pool.on(tls.LiveEndEvent)
        def ended(unique_id: str, event: tls.LiveEndEvent) -> None:
            print(f"@{unique_id}'s live ended; waiting for the next one")

        signal.signal(signal.SIGTERM, lambda *_: pool.stop())  # stop() is safe in a signal handler
        if args.seconds:
            threading.Timer(args.seconds, pool.stop).start()
        started = time.monotonic()
        try:
            pool.run()  # blocks until pool.stop()
        except KeyboardInterrupt:
            pool.stop()
        for unique_id, status in pool.status().items():
            state = status.state.value if status.state else "unknown"
            error = f", last error: {status.last_error}" if status.last_error else ""
            print(f"@{unique_id}: {state}, {status.lives_seen} live(s), {status.events_seen} events{error}")
        print(f"stopped after {time.monotonic() - started:.1f} s")
    report(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
