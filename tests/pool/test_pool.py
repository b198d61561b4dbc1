"""LivePool against FakeTikTok: waiting, watching, live ends and new lives, many creators, faults."""

from __future__ import annotations

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import testing


def test_a_creator_offline_at_start_is_watched_once_live(fake, pool_for, start_pool):
    fake.add_room("later", live=False)
    run = start_pool(pool_for(["later"]))
    assert run.wait_for(lambda: run.pool.status()["later"].state is tls.LiveState.OFFLINE)
    assert run.of(tls.Event) == [] and not run.pool.status()["later"].watching

    fake.set_live("later", True)
    ids = fake.push("later", testing.chat("now live", user="fan"))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent, "later")) == 1)
    comment = run.of(tls.CommentEvent, "later")[0]
    assert comment.comment == "now live" and comment.msg_id == ids[0]
    status = run.pool.status()["later"]
    assert status.watching and status.state is tls.LiveState.LIVE
    assert status.room_id == fake.room("later").room_id and status.connected_since is not None


def test_live_end_then_waiting_then_a_second_live_with_a_new_room_id(fake, pool_for, start_pool, ids_of):
    first_room = fake.add_room("twice", room_id=7_000_000_000_000_000_101, live=True).room_id
    first = fake.push(first_room, testing.chat("first live"))
    run = start_pool(pool_for(["twice"]))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 1)
    first.append(fake.end_live(first_room))
    assert run.wait_for(lambda: len(run.of(tls.DisconnectEvent)) == 1)
    assert run.wait_for(lambda: not run.pool.status()["twice"].watching)
    assert run.pool.status()["twice"].state is tls.LiveState.OFFLINE

    # the next live gets a new room id, as on TikTok
    second_room = fake.add_room("twice", room_id=7_000_000_000_000_000_202, live=True).room_id
    second = fake.push(second_room, testing.chat("second live"))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 2)
    second.append(fake.end_live(second_room))
    assert run.wait_for(lambda: len(run.of(tls.DisconnectEvent)) == 2)

    connects = run.of(tls.ConnectEvent)
    assert [c.room_id for c in connects] == [first_room, second_room]
    assert [e.room_id for e in run.of(tls.LiveEndEvent)] == [first_room, second_room]
    assert ids_of(run.of(tls.Event)) == first + second  # in order, each once
    assert run.pool.status()["twice"].lives_seen == 2


def test_lifecycle_events_come_in_order_per_creator(fake, pool_for, start_pool):
    room = fake.add_room("cycle", live=True).room_id
    fake.push(room, testing.chat("hello"))
    fake.end_live(room)
    run = start_pool(pool_for(["cycle"]))
    assert run.wait_for(lambda: len(run.of(tls.DisconnectEvent)) == 1)
    kinds = [type(e).__name__ for e in run.of(tls.Event)]
    assert kinds == ["ConnectEvent", "CommentEvent", "LiveEndEvent", "DisconnectEvent"]


def test_three_creators_at_once_each_get_only_their_own_events(fake, pool_for, start_pool):
    names = ["ann", "ben", "cat"]
    rooms = {n: fake.add_room(n, live=True).room_id for n in names}
    pushed = {n: [fake.push(n, testing.chat(f"{n} {i}"))[0] for i in range(5)] for n in names}
    run = start_pool(pool_for(names))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 15)
    for n in names:
        comments = run.of(tls.CommentEvent, n)
        assert [c.msg_id for c in comments] == pushed[n]
        assert all(c.comment.startswith(n + " ") for c in comments)
        assert {c.room_id for c in run.of(tls.ConnectEvent, n)} == {rooms[n]}
    assert {n: s.watching for n, s in run.pool.status().items()} == dict.fromkeys(names, True)
    assert all(s.events_seen >= 6 for s in run.pool.status().values())


def test_drop_connections_mid_live_loses_nothing_and_repeats_nothing(fake, pool_for, start_pool):
    names = ["drop_a", "drop_b"]
    for n in names:
        fake.add_room(n, live=True)
    pushed = {n: [fake.push(n, testing.chat(f"before {i}"))[0] for i in range(10)] for n in names}
    run = start_pool(pool_for(names))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 20)
    assert fake.drop_connections() == 2
    for n in names:
        pushed[n] += [fake.push(n, testing.chat(f"after {i}"))[0] for i in range(10)]
        pushed[n].append(fake.end_live(n))
    assert run.wait_for(lambda: len(run.of(tls.LiveEndEvent)) == 2)
    for n in names:
        delivered = [e.msg_id for e in run.of(tls.Event, n) if e.msg_id]
        assert delivered == pushed[n]  # none lost, none twice, in order
        assert [c.reconnect for c in run.of(tls.ConnectEvent, n)] == [False, True]


def test_events_iterator_yields_pairs_and_break_stops_the_pool(fake, pool_for):
    fake.add_room("iter", live=True)
    fake.push("iter", testing.chat("one"), testing.chat("two"))
    pool = pool_for(["iter"])
    seen = []
    for unique_id, event in pool.events():
        seen.append((unique_id, type(event).__name__))
        if isinstance(event, tls.CommentEvent) and event.comment == "two":
            break
    assert seen == [("iter", "ConnectEvent"), ("iter", "CommentEvent"), ("iter", "CommentEvent")]
    assert pool.stopping and not pool.status()["iter"].watching
    with pytest.raises(RuntimeError, match="already run"):
        next(pool.events())


def test_a_handler_that_raises_is_logged_and_the_others_still_get_the_event(fake, pool_for, start_pool, caplog):
    fake.add_room("boom", live=True)
    fake.push("boom", testing.chat("a"), testing.chat("b"))
    pool = pool_for(["boom"])
    after: list[str] = []

    @pool.on(tls.CommentEvent)
    def explode(unique_id, event):
        raise RuntimeError("handler bug")

    pool.add_handler(tls.CommentEvent, lambda unique_id, event: after.append(event.comment))
    run = start_pool(pool)
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 2)
    assert run.wait_for(lambda: after == ["a", "b"])
    assert "handler explode failed" in caplog.text and "handler bug" in caplog.text


def test_unknown_and_age_restricted_creators_are_reported_and_the_pool_goes_on(fake, pool_for, start_pool):
    fake.add_room("fine", live=True)
    fake.add_room("adults", live=True, age_restricted=True)
    fake.push("fine", testing.chat("still here"))
    run = start_pool(pool_for(["ghost", "adults", "fine"]))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent, "fine")) == 1)
    assert run.wait_for(lambda: run.pool.status()["ghost"].state is tls.LiveState.NOT_FOUND)
    assert run.wait_for(lambda: run.pool.status()["adults"].state is tls.LiveState.AGE_RESTRICTED)
    status = run.pool.status()
    assert isinstance(status["ghost"].last_error, tls.UserNotFoundError)
    assert isinstance(status["adults"].last_error, tls.AgeRestrictedError)
    assert not status["ghost"].watching and not status["adults"].watching and status["fine"].watching


def test_add_and_remove_while_running(fake, pool_for, start_pool):
    fake.add_room("first", live=True)
    fake.add_room("added", live=True)
    fake.push("added", testing.chat("welcome"))
    run = start_pool(pool_for(["first"]))
    assert run.wait_for(lambda: run.pool.status()["first"].watching)
    run.pool.add("@Added")
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent, "added")) == 1)
    with pytest.raises(ValueError, match="already in the pool"):
        run.pool.add("added")

    run.pool.remove("first")
    assert run.wait_for(lambda: any(not e.reconnecting for e in run.of(tls.DisconnectEvent, "first")))
    assert run.pool.unique_ids == ["added"] and set(run.pool.status()) == {"added"}
    fake.push("first", testing.chat("nobody listens"))
    with pytest.raises(ValueError, match="not in the pool"):
        run.pool.remove("first")
    assert run.of(tls.CommentEvent, "first") == []


def test_stop_from_another_thread_ends_run_within_a_few_seconds(fake, pool_for, start_pool):
    for n in ("s1", "s2", "s3"):
        fake.add_room(n, live=True)
    run = start_pool(pool_for(["s1", "s2", "s3", "s4_offline"]))
    assert run.wait_for(lambda: len(run.of(tls.ConnectEvent)) == 3)
    assert run.stop() < 10
    stopped = [e for e in run.of(tls.DisconnectEvent) if e.reason == "stopped"]
    assert len(stopped) == 3  # every room's end is delivered before run() returns


def test_stop_from_a_signal_handler(fake, pool_for):
    import signal
    import threading

    fake.add_room("sig", live=True)
    pool = pool_for(["sig"])
    previous = signal.signal(signal.SIGALRM, lambda *_: pool.stop())
    watching = threading.Event()
    pool.add_handler(tls.ConnectEvent, lambda unique_id, event: watching.set())
    timer = threading.Thread(target=lambda: watching.wait(30) and signal.setitimer(signal.ITIMER_REAL, 0.2))
    try:
        timer.start()
        pool.run()  # returns once the signal handler has stopped it
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        timer.join()
    assert watching.is_set() and pool.stopping and not pool.status()["sig"].watching


def test_sinks_get_every_event_and_are_flushed_at_the_end(fake, pool_for, start_pool):
    class ListSink:
        def __init__(self) -> None:
            self.rows: list[tuple[str, int]] = []
            self.flushed = 0

        def __call__(self, unique_id, event) -> None:
            self.rows.append((unique_id, event.msg_id))

        def flush(self) -> None:
            self.flushed += 1

    fake.add_room("sunk", live=True)
    ids = fake.push("sunk", testing.chat("x"), testing.like(3))
    ids.append(fake.end_live("sunk"))
    sink = ListSink()
    pool = pool_for(["sunk"])
    pool.add_handler(tls.Event, sink)
    run = start_pool(pool)
    assert run.wait_for(lambda: len(run.of(tls.LiveEndEvent)) == 1)
    run.stop()
    assert [m for _, m in sink.rows if m] == ids and sink.flushed == 1


@pytest.mark.parametrize(
    ("unique_ids", "message"),
    [
        ([], "at least one"),
        (["a b", "ok", "x/y", ""], r"not TikTok @handles: 'a b', 'x/y', ''"),
        (["dup", "@DUP"], r"more than once: '@DUP' \(same as 'dup'\)"),
        ("single", "not one string"),
    ],
)
def test_bad_creator_lists_are_refused_with_their_names(session, unique_ids, message):
    with pytest.raises(ValueError, match=message):
        tls.LivePool(unique_ids, session=session)


def test_bad_options_are_refused(session, tmp_path):
    with pytest.raises(ValueError, match="check_interval"):
        tls.LivePool(["a"], session=session, check_interval=0)
    with pytest.raises(ValueError, match="connect"):
        tls.LivePool(["a"], session=session, connect="carrier-pigeon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="record_quality"):
        tls.LivePool(["a"], session=session, record_quality="8k")
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="record_dir"):
        tls.LivePool(["a"], session=session, record_dir=tmp_path / "file" / "sub")
    with pytest.raises(ValueError, match="class"):
        tls.LivePool(["a"], session=session).on("CommentEvent")  # type: ignore[arg-type]


def test_a_creator_live_again_is_watched_in_the_new_room_without_repeats(fake, pool_for, start_pool, ids_of):
    room = fake.add_room("same_room", live=True).room_id
    first = fake.push(room, testing.chat("first"))
    first.append(fake.end_live(room))
    run = start_pool(pool_for(["same_room"]))
    assert run.wait_for(lambda: len(run.of(tls.DisconnectEvent)) == 1)
    assert run.wait_for(lambda: not run.pool.status()["same_room"].watching)
    again = fake.set_live("same_room", True).room_id  # as on TikTok, a new live has a new room id
    assert again != room
    second = fake.push(again, testing.chat("second"))
    assert run.wait_for(lambda: len(run.of(tls.CommentEvent)) == 2)
    second.append(fake.end_live(again))
    assert run.wait_for(lambda: len(run.of(tls.LiveEndEvent)) == 2)
    assert ids_of(run.of(tls.Event)) == first + second  # the first live's messages are not repeated
    assert [e.room_id for e in run.of(tls.CommentEvent)] == [room, again]


def test_idle_creators_cost_no_thread_and_a_live_one_costs_one(fake, pool_for, start_pool):
    import threading

    names = [f"idle_{i}" for i in range(8)]
    for n in names:
        fake.add_room(n, live=False)

    def pool_threads() -> list[str]:
        return sorted(t.name for t in threading.enumerate() if t.name.startswith("tiktoklive-pool"))

    run = start_pool(pool_for(names))
    assert run.wait_for(lambda: all(s.state is tls.LiveState.OFFLINE for s in run.pool.status().values()))
    assert pool_threads() == ["tiktoklive-pool-poller"]
    fake.set_live("idle_3", True)
    assert run.wait_for(lambda: len(run.of(tls.ConnectEvent)) == 1)
    assert pool_threads() == ["tiktoklive-pool-@idle_3", "tiktoklive-pool-poller"]
