"""Fault matrix, HTTP side: rate limits, 5xx bursts, hung endpoints and refused connections.

The LiveClient talks HTTP to TikTok (room lookup, is-live checks) and to the sign server (the
WebSocket bootstrap). Each fault is injected with FakeTikTok; the test checks what the user sees
(the events, a named error, log records) and, where events flow, that none is lost or repeated.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.faults import FAST_RETRY, LogWatch, closed_port, lost_and_duplicated
from tests.helpers.live import FAST, WAIT, Collector, chat
from tiktoklive_sync.errors import PushConnectionError
from tiktoklive_sync.events._base import CommentEvent
from tiktoklive_sync.testing import FakeTikTok

FETCH = "GET /sign/webcast/fetch"
NO_RETRY = tls.RetryPolicy(attempts=1)


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    with LogWatch() as watch:
        yield watch


def client(fake: FakeTikTok, *, retry: tls.RetryPolicy = FAST_RETRY, timeout=(5, 15), **options) -> tls.LiveClient:
    return tls.LiveClient("someone", session=fake.session(retry=retry, timeout=timeout), **{**FAST, **options})


def gaps(fake: FakeTikTok, route: str) -> list[float]:
    times = [r.received_at for r in fake.requests_to(route)]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def exactly_once(events, pushed) -> bool:
    return lost_and_duplicated(events, pushed) == ([], []) and [e.msg_id for e in events if e.msg_id] == pushed


# -- 429 + Retry-After on the sign server -----------------------------------------------------------


def test_sign_server_429_is_waited_out_as_asked_then_the_client_connects(fake, room_id, logs):
    fake.fail_next(FETCH, retry_after=0.3)
    pushed = fake.push(room_id, chat("hi"))
    pushed.append(fake.end_live(room_id))
    with client(fake, connect="sign") as c:
        events = list(c.events())
    assert exactly_once(events, pushed)
    assert len(fake.requests_to(FETCH)) == 2
    assert gaps(fake, FETCH)[0] >= 0.3  # not a moment before the server said
    # retry chatter is INFO (scrubbed); a user without -v sees only a final error, if any
    assert any("HTTP 429" in m for m in logs.messages(logging.INFO))
    assert not any("retrying" in m for m in logs.messages(logging.WARNING))


def test_persistent_429_backs_off_by_retry_after_then_raises_the_rate_limit_error(fake, room_id, logs):
    fake.fail_next(FETCH, retry_after=0.25, times=None)
    with client(fake, connect="sign", retry=NO_RETRY, connect_attempts=3, backoff_max=1.0) as c:
        with pytest.raises(tls.SignatureRateLimitError) as caught:
            list(c.events())
    assert caught.value.retry_after == pytest.approx(0.25)
    assert len(fake.requests_to(FETCH)) == 3
    assert min(gaps(fake, FETCH)) >= 0.25  # the client's own backoff (20 ms) yields to Retry-After
    assert fake.ws_handshakes == []
    assert len([m for m in logs.messages(logging.WARNING) if "attempt" in m and "SignatureRateLimitError" in m]) == 2


def test_a_retry_after_longer_than_the_backoff_limit_is_not_retried_early(fake, room_id):
    fake.fail_next(FETCH, retry_after=30, times=None)
    with client(fake, connect="sign", retry=NO_RETRY, connect_attempts=5, backoff_max=0.2) as c:
        with pytest.raises(tls.SignatureRateLimitError) as caught:
            list(c.events())
    assert caught.value.retry_after == pytest.approx(30)
    assert len(fake.requests_to(FETCH)) == 1  # asked to wait 30 s: the client reports it instead of hammering


def test_a_429_on_a_reconnect_delays_it_and_loses_nothing(fake, room_id):
    pushed = fake.push(room_id, chat("one"))
    with client(fake, connect="sign", retry=NO_RETRY, connect_attempts=5) as c:
        run = Collector(c)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.fail_next(FETCH, retry_after=0.2, times=2)
        fake.drop_connections()
        pushed += fake.push(room_id, chat("two"))
        pushed.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert run.error is None and exactly_once(run.events, pushed)
    assert len(fake.requests_to(FETCH)) == 4  # first connect, two 429s, the reconnect


# -- 5xx bursts ---------------------------------------------------------------------------------------


def test_5xx_bursts_on_the_http_routes_are_retried_and_the_client_starts(fake, room_id):
    fake.fail_next("GET /@*/live", status=502, times=2)
    fake.fail_next("GET /webcast/room/check_alive/", status=503, times=2)
    pushed = fake.push(room_id, chat("hi"))
    pushed.append(fake.end_live(room_id))
    with client(fake) as c:
        events = list(c.events())
    assert exactly_once(events, pushed)
    assert len(fake.requests_to("GET /@someone/live")) == 3
    assert len(fake.requests_to("GET /webcast/room/check_alive/")) >= 3


def test_a_5xx_burst_longer_than_the_retries_raises_a_named_error_with_the_status(fake, room_id):
    fake.fail_next("GET /webcast/room/check_alive/", status=503, times=None)
    with client(fake) as c, pytest.raises(tls.TikTokLiveError) as caught:
        list(c.events())
    assert caught.value.status == 503 and "503" in str(caught.value)
    assert len(fake.requests_to("GET /webcast/room/check_alive/")) == FAST_RETRY.attempts


def test_a_5xx_burst_on_the_sign_server_is_retried_across_connect_attempts(fake, room_id, logs):
    fake.fail_next(FETCH, status=502, times=4)  # two attempts of two requests each
    pushed = fake.push(room_id, chat("hi"))
    pushed.append(fake.end_live(room_id))
    with client(fake, connect="sign", retry=tls.RetryPolicy(attempts=2, backoff=0.01)) as c:
        events = list(c.events())
    assert exactly_once(events, pushed)
    assert len(fake.requests_to(FETCH)) == 5
    failed = [m for m in logs.messages(logging.WARNING) if "connecting to room" in m]
    assert len(failed) == 2 and all("502" in m for m in failed)


def test_a_sign_server_that_keeps_failing_raises_sign_api_error(fake, room_id):
    fake.fail_next(FETCH, status=500, times=None)
    with client(fake, connect="sign", retry=NO_RETRY, connect_attempts=3) as c:
        with pytest.raises(tls.SignAPIError) as caught:
            list(c.events())
    assert caught.value.status == 500
    assert len(fake.requests_to(FETCH)) == 3


def test_a_5xx_burst_during_a_reconnect_loses_nothing(fake, room_id):
    pushed = fake.push(room_id, chat("one"))
    with client(fake, connect="sign", retry=NO_RETRY, connect_attempts=10) as c:
        run = Collector(c)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.fail_next(FETCH, status=503, times=3)
        fake.fail_next("GET /webcast/room/check_alive/", status=500, times=None)  # "is it over?" cannot tell
        fake.drop_connections()
        pushed += fake.push(room_id, chat("two"))
        pushed.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert run.error is None and exactly_once(run.events, pushed)


# -- a hung endpoint -------------------------------------------------------------------------------


def test_a_hung_is_live_check_raises_a_timeout_within_the_session_timeout(fake, room_id):
    fake.hang("GET /webcast/room/check_alive/")
    with client(fake, timeout=(2, 0.3)) as c, pytest.raises(requests.Timeout):
        list(c.events())
    assert fake.ws_handshakes == []


def test_a_hung_sign_server_times_out_and_the_next_attempt_connects(fake, room_id, logs):
    fake.hang(FETCH)
    pushed = fake.push(room_id, chat("hi"))
    pushed.append(fake.end_live(room_id))
    with client(fake, connect="sign", timeout=(2, 0.3)) as c:
        events = list(c.events())
    assert exactly_once(events, pushed)
    # the transport failure is requests' own Timeout (errors.py policy), named in the reconnect log
    assert any("ReadTimeout" in m or "timed out" in m.lower() for m in logs.messages(logging.INFO))


def test_a_push_server_that_never_answers_the_handshake_times_out(fake, room_id):
    with socket.socket() as mute:  # accepts TCP connections (the backlog), never speaks
        mute.bind(("127.0.0.1", 0))
        mute.listen(8)
        fake.ws_direct_url = f"ws://127.0.0.1:{mute.getsockname()[1]}/webcast/im/ws_proxy/ws_reuse_supplement/"
        with client(fake, connect="direct", connect_timeout=0.3, connect_attempts=2) as c:
            with pytest.raises(PushConnectionError) as caught:
                list(c.events())
    assert "timed out" in str(caught.value).lower()


# -- connection refused ----------------------------------------------------------------------------


def test_tiktok_refusing_connections_raises_connection_error(fake):
    endpoints = fake.endpoints.with_base(f"http://127.0.0.1:{closed_port()}")
    session = tls.Session(endpoints=endpoints, retry=FAST_RETRY)
    session.trust_env = False
    with tls.LiveClient("someone", session=session, **FAST) as c, pytest.raises(requests.ConnectionError):
        list(c.events())


def test_a_push_server_refusing_connections_is_retried_then_raises(fake, room_id, logs):
    fake.ws_direct_url = f"ws://127.0.0.1:{closed_port()}/webcast/im/ws_proxy/ws_reuse_supplement/"
    with client(fake, connect="direct", connect_attempts=3) as c, pytest.raises(ConnectionError) as caught:
        list(c.events())
    assert "could not connect" in str(caught.value)
    assert len([m for m in logs.messages(logging.WARNING) if "connecting to room" in m]) == 2


def test_a_sign_server_refusing_connections_raises_requests_connection_error(fake, room_id):
    endpoints = replace(fake.endpoints, sign=f"http://127.0.0.1:{closed_port()}/sign")
    session = tls.Session(endpoints=endpoints, retry=NO_RETRY)
    session.trust_env = False
    with tls.LiveClient("someone", session=session, connect="sign", connect_attempts=2, **FAST) as c:
        with pytest.raises(requests.ConnectionError) as caught:  # a transport failure: requests' own
            list(c.events())
    assert not isinstance(caught.value, tls.TikTokLiveError)


def test_the_push_server_coming_back_after_refusing_is_picked_up_mid_stream(fake, room_id, logs):
    pushed = fake.push(room_id, chat("one"))
    with client(fake, connect_attempts=100) as c:
        run = Collector(c)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.push_server.stop_listening()
        assert logs.wait_for("could not connect")
        pushed += fake.push(room_id, chat("two"))
        threading.Timer(0.1, lambda: fake.push_server.listen_again(new_cursors=False)).start()
        pushed.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert run.error is None and exactly_once(run.events, pushed)
