"""Sinks: how many events a second SqlSink (SQLite) and JsonlSink take, and what a record costs.

Events are decoded from builder messages once (a mix of 70% comments, 20% likes, 10% gifts, the
shape of a busy live), then handed to a sink as fast as one thread can, as a pool would. Reported:

* ``to_dict()``: µs per event (the flat record, the part every sink pays);
* SqlSink on an SQLite file: events per second from the first call to the end of ``close()``
  (everything committed), the caller's time per call, and the rows in the table at the end;
* SqlSink on PostgreSQL, when ``--postgres URL`` is given;
* JsonlSink: events per second (each line flushed).

Run: ``python benchmarks/sinks.py [--events 100000] [--batch 1000] [--postgres postgresql://...]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.sinks import JsonlSink, SqlSink

ROOM = 7_400_000_000_000_000_001


def make_events(count: int) -> list[Any]:
    """``count`` decoded events: 7 comments, 2 likes, 1 gift in every 10, each with its own msg_id."""
    out = []
    for n in range(count):
        kind = n % 10
        if kind < 7:
            message = testing.chat(f"comment number {n}", user=f"viewer{n % 500}", room_id=ROOM)
        elif kind < 9:
            message = testing.like(5, user=f"viewer{n % 500}", total=n, room_id=ROOM)
        else:
            message = testing.gift("Rose", user=f"viewer{n % 500}", repeat_count=1, room_id=ROOM)
        out.append(tls.decode_message(message.method, message.payload))
    return out


def bench_to_dict(events: list[Any]) -> float:
    started = time.perf_counter()
    for event in events:
        event.to_dict()
    return (time.perf_counter() - started) / len(events) * 1e6


def bench_sql(url: str, events: list[Any], batch: int) -> tuple[float, float, int]:
    import sqlalchemy as sa

    sink = SqlSink(url, batch_size=batch)
    started = time.perf_counter()
    for event in events:
        sink("bench", event)
    called = time.perf_counter() - started
    sink.flush(timeout=600)
    elapsed = time.perf_counter() - started
    with sink.engine.connect() as connection:
        rows = connection.execute(sa.select(sa.func.count()).select_from(sink.tables.events)).scalar_one()
    sink.close()
    return len(events) / elapsed, called / len(events) * 1e6, int(rows)


def bench_jsonl(path: Path, events: list[Any]) -> float:
    started = time.perf_counter()
    with JsonlSink(path) as sink:
        for event in events:
            sink("bench", event)
    return len(events) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--postgres", help="also measure this PostgreSQL database (its tables get rows)")
    args = parser.parse_args()
    events = make_events(args.events)
    print(f"{args.events:,} events (70% comments, 20% likes, 10% gifts)")
    print(f"to_dict(): {bench_to_dict(events):.1f} µs per event")
    with tempfile.TemporaryDirectory() as folder:
        rate, call, rows = bench_sql(f"sqlite:///{Path(folder) / 'events.db'}", events, args.batch)
        print(f"SqlSink, SQLite file: {rate:,.0f} events/s to committed rows ({call:.1f} µs per call), {rows:,} rows")
        if args.postgres:
            rate, call, rows = bench_sql(args.postgres, events, args.batch)
            print(f"SqlSink, PostgreSQL: {rate:,.0f} events/s to committed rows ({call:.1f} µs per call)")
        print(f"JsonlSink: {bench_jsonl(Path(folder) / 'events.jsonl', events):,.0f} events/s (a flush per line)")


if __name__ == "__main__":
    main()
