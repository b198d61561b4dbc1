"""Many processes opening one database at once all get their tables (the fleet's workers do this)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import sqlalchemy

from tiktoklive_sync.sinks import SqlSink


def _open(url: str, ready: multiprocessing.synchronize.Barrier) -> None:  # type: ignore[name-defined]
    ready.wait()
    with SqlSink(url):
        pass


def test_sinks_opened_at_the_same_moment_by_many_processes_all_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(6)
    workers = [ctx.Process(target=_open, args=(url, ready)) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0] * 6
    names = set(sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names())
    assert {"events", "gift_streaks", "client_events"} <= names
