"""The shared backoff building blocks and the number checks."""

from __future__ import annotations

import math
import threading
import time

import pytest
import tenacity

from tiktoklive_sync._backoff import StopAwareSleep, Stopped, exponential, server_directed, stop_when_asked_longer
from tiktoklive_sync._validate import id64, non_negative_number, positive_number, whole_number


def _state(attempt: int) -> tenacity.RetryCallState:
    state = tenacity.RetryCallState(tenacity.Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    return state


def test_exponential_doubles_up_to_the_maximum_with_bounded_jitter() -> None:
    wait = exponential(initial=1.0, maximum=8.0, jitter=0.0)
    assert [wait(_state(n)) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    jittered = exponential(initial=1.0, maximum=8.0)
    assert all(1.0 <= jittered(_state(1)) <= 2.0 for _ in range(50))


def test_server_directed_never_waits_less_than_asked() -> None:
    wait = server_directed(lambda state: 5.0, exponential(initial=1.0, maximum=8.0, jitter=0.0))
    assert wait(_state(1)) == 5.0 and wait(_state(4)) == 8.0
    assert server_directed(lambda state: None, exponential(initial=1, maximum=8, jitter=0))(_state(2)) == 2.0


def test_stop_when_asked_longer_gives_up_and_says_so() -> None:
    seen: list[float] = []
    stop = stop_when_asked_longer(lambda state: 60.0, limit=30.0, on_give_up=seen.append)
    assert stop(_state(1)) and seen == [60.0]
    assert not stop_when_asked_longer(lambda state: 3.0, limit=30.0)(_state(1))


def test_a_stop_aware_sleep_on_an_event_ends_at_once_when_set() -> None:
    event = threading.Event()
    threading.Timer(0.1, event.set).start()
    started = time.monotonic()
    with pytest.raises(Stopped):
        StopAwareSleep(event)(30.0)
    assert time.monotonic() - started < 5.0
    StopAwareSleep(threading.Event())(0.01)  # not stopped: sleeps and returns


def test_a_stop_aware_sleep_on_a_callable_looks_every_slice() -> None:
    flag = {"stop": False}
    threading.Timer(0.1, lambda: flag.update(stop=True)).start()
    with pytest.raises(Stopped):
        StopAwareSleep(lambda: flag["stop"], slice_seconds=0.02)(30.0)


@pytest.mark.parametrize("bad", [0, -1, math.inf, -math.inf, math.nan, True, "1", None])
def test_positive_number_refuses_what_is_not_a_finite_positive_number(bad: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        positive_number("timeout", bad)


def test_number_checks_accept_good_values_and_bounds() -> None:
    assert positive_number("t", 2) == 2.0 and non_negative_number("t", 0) == 0.0
    with pytest.raises(ValueError, match="at most"):
        positive_number("t", 11, maximum=10)
    with pytest.raises(ValueError, match="negative"):
        non_negative_number("t", -0.5)
    assert whole_number("n", 3) == 3
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="n must"):
            whole_number("n", bad)


@pytest.mark.parametrize("bad", [0, -5, 2**64, "18446744073709551616", "12a", "", True, 1.0, "1" * 21])
def test_id64_refuses_what_is_not_a_64_bit_id(bad: object) -> None:
    with pytest.raises(ValueError, match="room_id"):
        id64("room_id", bad)


def test_id64_reads_ints_and_digit_strings() -> None:
    assert id64("room_id", "7000000000000000001") == 7000000000000000001 and id64("room_id", 2**64 - 1) == 2**64 - 1
