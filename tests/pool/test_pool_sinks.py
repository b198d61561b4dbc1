"""LivePool with GiftStreak handlers and sinks: streaks counted once, SqlSink rows without loss or repeats."""

from __future__ import annotations

import sqlite3

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.sinks import SqlSink


def streak_ticks(counts: list[int], *, user: str, group_id: int, end: bool) -> list:
    """One gift message per tick of a Rose streak; only the last has repeat_end, if ``end``."""
    return [testing.gift("Rose", user, repeat_count=c, repeat_end=end and i == len(counts) - 1, group_id=group_id)
            for i, c in enumerate(counts)]


def test_an_unfinished_streak_is_flushed_at_live_end_and_counted_once(fake, pool_for, start_pool):
    fake.add_room("giver", live=True)
    for tick in streak_ticks([1, 2, 3], user="ana", group_id=11, end=True):
        fake.push("giver", tick)
    for tick in streak_ticks([1, 2, 3, 4, 5], user="ben", group_id=22, end=False):  # its end never comes
        fake.push("giver", tick)
    fake.end_live("giver")
    run = start_pool(pool_for(["giver"]), event_type=tls.GiftStreak)
    assert run.wait_for(lambda: len(run.of(tls.GiftStreak)) == 2)
    assert run.wait_for(lambda: not run.pool.status()["giver"].watching)
    streaks = {s.unique_id: s for s in run.of(tls.GiftStreak)}
    assert (streaks["ana"].count, streaks["ana"].completed) == (3, True)
    assert (streaks["ben"].count, streaks["ben"].completed) == (5, False)  # the 5 Roses are not lost
    run.stop()
    assert len(run.of(tls.GiftStreak)) == 2  # nothing handed out twice at stop


def test_streaks_open_at_stop_are_flushed(fake, pool_for, start_pool):
    fake.add_room("stopper", live=True)
    for tick in streak_ticks([1, 2], user="cat", group_id=33, end=False):
        fake.push("stopper", tick)
    run = start_pool(pool_for(["stopper"]))
    assert run.wait_for(lambda: len(run.of(tls.GiftEvent)) == 2)
    assert run.of(tls.GiftStreak) == []
    run.stop()
    [streak] = run.of(tls.GiftStreak)
    assert (streak.unique_id, streak.count, streak.completed) == ("cat", 2, False)


def test_no_streaks_are_made_without_a_handler_for_them(fake, pool_for, start_pool):
    fake.add_room("plain", live=True)
    fake.push("plain", testing.gift("Rose", "dan", repeat_count=1, repeat_end=True))
    run = start_pool(pool_for(["plain"]), event_type=tls.Event)
    assert run.wait_for(lambda: len(run.of(tls.GiftEvent)) == 1)
    run.stop()
    assert run.of(tls.GiftStreak) == []


def test_drop_connections_mid_live_leaves_every_event_once_in_sqlite(fake, pool_for, start_pool, tmp_path):
    names = ["sql_a", "sql_b"]
    for n in names:
        fake.add_room(n, live=True)
    pushed = {n: [fake.push(n, testing.chat(f"{n} before {i}"))[0] for i in range(10)] for n in names}
    path = tmp_path / "events.db"
    pool = pool_for(names)
    with SqlSink(f"sqlite:///{path}") as sink:
        pool.add_handler(tls.Event, sink)
        run = start_pool(pool)
        assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 20)
        assert fake.drop_connections() == 2
        for n in names:
            pushed[n] += [fake.push(n, testing.chat(f"{n} after {i}"))[0] for i in range(10)]
            pushed[n].append(fake.end_live(n))
        assert run.wait_for(lambda: len(run.of(tls.LiveEndEvent)) == 2)
        run.stop()  # flushes the sink
        with sqlite3.connect(path) as db:
            rows = db.execute("SELECT creator, msg_id FROM events WHERE msg_id IS NOT NULL ORDER BY id").fetchall()
    for n in names:
        assert [m for c, m in rows if c == n] == pushed[n]  # every one, once, in order


def test_a_sink_that_raises_is_logged_and_the_other_sinks_get_everything(fake, pool_for, start_pool, caplog):
    fake.add_room("sinky", live=True)
    ids = fake.push("sinky", testing.chat("a"), testing.chat("b"), testing.chat("c"))
    kept: list[int] = []

    def broken_sink(unique_id, event):
        raise OSError("disk full")

    pool = pool_for(["sinky"])
    pool.add_handler(tls.Event, broken_sink)
    pool.add_handler(tls.Event, lambda unique_id, event: kept.append(event.msg_id))
    run = start_pool(pool)
    assert run.wait_for(lambda: [m for m in kept if m] == ids)
    assert "broken_sink failed" in caplog.text and "disk full" in caplog.text
