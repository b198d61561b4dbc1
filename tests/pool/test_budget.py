"""RequestBudget (a token bucket) on its own, and as Session(max_requests_per_second=) against FakeTikTok."""

from __future__ import annotations

import threading
import time

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync._budget import RequestBudget


def test_a_full_bucket_gives_its_burst_then_nothing():
    budget = RequestBudget(rate=0.5, burst=3)
    assert [budget.try_acquire() for _ in range(4)] == [True, True, True, False]
    assert budget.granted == 3 and budget.available < 1


def test_tokens_come_back_at_the_rate():
    budget = RequestBudget(rate=20, burst=1)
    start = time.monotonic()
    for _ in range(11):
        assert budget.acquire(timeout=30)
    assert time.monotonic() - start >= 10 / 20 * 0.9  # the first is free, ten more at 20/s


def test_many_threads_share_one_budget():
    budget = RequestBudget(rate=40, burst=1)
    granted_at: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(5):
            assert budget.acquire(timeout=30)
            with lock:
                granted_at.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(8)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted_at) == 40 and budget.granted == 40
    assert max(granted_at) - start >= 39 / 40 * 0.9  # 40 tokens at 40/s, whatever the threads


def test_acquire_gives_up_when_stopped_or_timed_out():
    budget = RequestBudget(rate=0.01, burst=1)
    assert budget.acquire()
    start = time.monotonic()
    assert budget.acquire(timeout=0.3) is False
    assert 0.25 <= time.monotonic() - start < 5

    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    start = time.monotonic()
    assert budget.acquire(stop=stop) is False
    assert time.monotonic() - start < 0.2 + 2.0  # within a slice of the stop (generous bound)
    assert budget.wait_until_free(stop=stop) is False and budget.granted == 1


def test_a_penalty_holds_every_token_back():
    budget = RequestBudget(rate=1000, burst=10)
    budget.penalize(0.3)
    assert budget.available == 0 and not budget.try_acquire()
    start = time.monotonic()
    assert budget.acquire(timeout=30)
    assert time.monotonic() - start >= 0.25
    budget.penalize(0)  # nothing: a penalty is never shortened or negative
    assert budget.try_acquire()


@pytest.mark.parametrize(
    ("rate", "burst"), [(0, None), (-1, None), (True, None), ("5", None), (1, 0.5), (float("inf"), None)]
)
def test_bad_rates_and_bursts_are_refused(rate, burst):
    with pytest.raises(ValueError, match="rate|burst"):
        RequestBudget(rate, burst)


def test_a_session_without_a_rate_has_no_budget(fake):
    with fake.session() as s:
        assert s.budget is None
    with pytest.raises(ValueError, match="rate"):
        tls.Session(max_requests_per_second=0)


def test_every_request_of_a_session_takes_a_token(fake):
    """Four threads polling as fast as they can: the fake receives no more than the budget allows."""
    rooms = [fake.add_room(f"budget_{i}", live=True).room_id for i in range(4)]
    rate, seconds = 10.0, 2.0
    with fake.session(max_requests_per_second=rate) as s:
        assert s.budget is not None and s.budget.burst == 1  # evenly spaced by default
        end = time.monotonic() + seconds

        def poll(room_id: int) -> None:
            while time.monotonic() < end:
                tls.fetch_is_live(s, room_id=room_id)   # check_alive
                tls.fetch_live_status(s, "budget_0")    # room API + room info

        fake.clear_requests()
        threads = [threading.Thread(target=poll, args=(r,)) for r in rooms]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        received = sorted(r.received_at for r in fake.requests)
    span = received[-1] - received[0]
    assert len(received) <= rate * span + 2  # one at once, then one every 0.1 s however many threads ask
    assert len(received) >= rate * seconds * 0.5  # it was polling, not stuck
    # no one-second window holds more than a second's worth (give or take the one at its edge)
    for i, t in enumerate(received):
        in_window = sum(1 for u in received[i:] if u - t < 1.0)
        assert in_window <= rate + 1
