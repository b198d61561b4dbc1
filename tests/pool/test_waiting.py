"""wait_until_live and watch_live_status against FakeTikTok: answers, changes, batching, pacing, stops."""

from __future__ import annotations

import threading
import time

import pytest

import tiktoklive_sync as tls

NO_RETRY = tls.RetryPolicy(attempts=1)

ROOM_API = "GET /api-live/user/room/"
CHECK_ALIVE = "GET /webcast/room/check_alive/"


def later(seconds: float, action) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


# -- wait_until_live --------------------------------------------------------------------------------


def test_wait_until_live_returns_the_room_id_of_a_live_creator_at_once(fake, session):
    room = fake.add_room("on_air", live=True)
    assert tls.wait_until_live(session, "@on_air", interval=30) == room.room_id


def test_wait_until_live_blocks_until_the_live_starts(fake, session):
    room = fake.add_room("soon", live=False)
    starter = later(0.5, lambda: fake.set_live("soon", True))
    assert tls.wait_until_live(session, "soon", interval=0.1, timeout=30) == room.room_id
    starter.join()
    assert len(fake.requests_to(ROOM_API)) >= 2  # it did wait and ask again


def test_wait_until_live_raises_for_a_creator_that_does_not_exist(session):
    with pytest.raises(tls.UserNotFoundError, match="ghost"):
        tls.wait_until_live(session, "ghost", interval=0.1)


def test_wait_until_live_times_out(fake, session):
    fake.add_room("asleep", live=False)
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="did not go live within 0.5 s"):
        tls.wait_until_live(session, "asleep", interval=0.1, timeout=0.5)
    assert 0.5 <= time.monotonic() - start < 10
    assert len(fake.requests_to(ROOM_API)) >= 3  # every 0.1 s, not once


def test_wait_until_live_stops_within_a_second_when_told_from_another_thread(fake, session):
    fake.add_room("never", live=False)
    stop = threading.Event()
    later(0.3, stop.set)
    start = time.monotonic()
    with pytest.raises(InterruptedError, match="stopped"):
        tls.wait_until_live(session, "never", interval=60, stop=stop)
    assert time.monotonic() - start < 0.3 + 2.0  # within a second of the stop (generous bound)


@pytest.mark.parametrize(("kwargs", "message"), [({"interval": 0}, "interval"), ({"timeout": -1}, "timeout")])
def test_wait_until_live_refuses_bad_arguments(session, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tls.wait_until_live(session, "x", **kwargs)
    with pytest.raises(ValueError, match="empty"):
        tls.wait_until_live(session, " @ ")


# -- watch_live_status -------------------------------------------------------------------------------


def changes_until(iterator, count: int, stop: threading.Event) -> list[tls.LiveChange]:
    out: list[tls.LiveChange] = []
    for change in iterator:
        out.append(change)
        if len(out) == count:
            stop.set()
    return out


def test_watch_live_status_yields_first_answers_then_changes(fake, session):
    live = fake.add_room("w_live", live=True)
    offline = fake.add_room("w_off", live=False)
    stop = threading.Event()
    changes = tls.watch_live_status(session, ["w_live", "w_off", "w_ghost"], interval=0.2, stop=stop)
    first = [next(changes) for _ in range(3)]
    assert {(c.unique_id, c.state, c.room_id) for c in first} == {
        ("w_live", tls.LiveState.LIVE, live.room_id),
        ("w_off", tls.LiveState.OFFLINE, offline.room_id),
        ("w_ghost", tls.LiveState.NOT_FOUND, None),
    }
    assert all(c.at.tzinfo is not None and c.evidence for c in first)

    fake.set_live("w_off", True)
    fake.set_live("w_live", False)
    seen = changes_until(changes, 2, stop)
    assert {(c.unique_id, c.state) for c in seen} == {("w_off", tls.LiveState.LIVE), ("w_live", tls.LiveState.OFFLINE)}


def test_a_new_live_with_a_new_room_id_is_a_change(fake, session):
    fake.add_room("relive", room_id=7_000_000_000_000_000_401, live=True)
    stop = threading.Event()
    changes = tls.watch_live_status(session, ["relive"], interval=0.1, stop=stop)
    assert next(changes).room_id == 7_000_000_000_000_000_401
    fake.set_live("relive", False)
    assert next(changes).state is tls.LiveState.OFFLINE
    fake.add_room("relive", room_id=7_000_000_000_000_000_402, live=True)
    change = next(changes)
    stop.set()
    assert (change.state, change.room_id) == (tls.LiveState.LIVE, 7_000_000_000_000_000_402)


def test_live_creators_are_checked_by_room_id_in_batches_of_50(fake, session):
    names = [f"batch_{i:02d}" for i in range(60)]
    for n in names:
        fake.add_room(n, live=True)
    stop = threading.Event()
    changes = tls.watch_live_status(session, names, interval=0.3, stop=stop)
    assert len([next(changes) for _ in names]) == 60  # the first round resolved everyone
    resolved = len(fake.requests_to(ROOM_API))
    fake.clear_requests()
    fake.set_live("batch_07", False)
    change = next(changes)
    stop.set()
    assert (change.unique_id, change.state) == ("batch_07", tls.LiveState.OFFLINE)
    assert resolved == 60
    sizes = [len(r.query["room_ids"].split(",")) for r in fake.requests_to(CHECK_ALIVE)]
    assert sizes and set(sizes) <= {50, 10}
    assert fake.requests_to(ROOM_API) == []  # live creators are not re-resolved


def test_a_round_of_checks_is_spread_over_the_interval(fake, session):
    names = [f"spread_{i}" for i in range(5)]
    for n in names:
        fake.add_room(n, live=False)
    stop = threading.Event()
    changes = tls.watch_live_status(session, names, interval=1.0, stop=stop)
    assert len([next(changes) for _ in names]) == 5
    later(3.2, stop.set)
    assert list(changes) == []
    times = [r.received_at for r in fake.requests_to(ROOM_API)]
    later_rounds = times[5:]
    assert len(later_rounds) >= 8
    gaps = [b - a for a, b in zip(later_rounds, later_rounds[1:], strict=False)]
    assert min(gaps) > 0.05  # one request every ~0.2 s, never a burst of five


def test_a_rate_limited_answer_changes_nothing_and_backs_off(fake):
    fake.add_room("limited", live=True)
    with fake.session(retry=NO_RETRY, max_requests_per_second=100) as s:
        fake.fail_next("GET /*", status=429, times=2)  # the room API, then the live page
        stop = threading.Event()
        start = time.monotonic()
        first = next(tls.watch_live_status(s, ["limited"], interval=0.5, stop=stop))
        waited = time.monotonic() - start
        stop.set()
        assert (first.unique_id, first.state) == ("limited", tls.LiveState.LIVE)  # never "blocked"
        assert waited >= 0.5  # it backed off before asking again
        assert s.budget is not None and s.budget.granted >= 4


def test_watch_live_status_refuses_bad_input(session):
    with pytest.raises(ValueError, match="at least one"):
        next(tls.watch_live_status(session, []))
    with pytest.raises(ValueError, match="not one string"):
        next(tls.watch_live_status(session, "someone"))
    with pytest.raises(ValueError, match="interval"):
        next(tls.watch_live_status(session, ["a"], interval=-1))


def test_wait_until_live_lets_an_exception_from_a_signal_handler_through(fake, session):
    import signal

    class Interrupted(Exception):
        pass

    def handler(signum, frame):
        raise Interrupted

    fake.add_room("sig_wait", live=False)
    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    start = time.monotonic()
    try:
        with pytest.raises(Interrupted):
            tls.wait_until_live(session, "sig_wait", interval=60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - start < 0.3 + 2.0
