"""Routes under the Session's retry policy: GETs retried on 429 / 5xx, never past the policy.

(That like / gift / chat POSTs go out exactly once on a 5xx is shown in test_routes_interact.py.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tests.helpers.payloads import (
    ROOM_ID,
    WEB,
    WEBCAST,
    check_alive_body,
    live_state,
    make_session,
    room_info_data,
    sigi_html,
    webcast_body,
)

INFO = f"{WEBCAST}/room/info/"
CHECK_ALIVE = f"{WEBCAST}/room/check_alive/"
LIVE_PAGE = f"{WEB}/@someone/live"
FAST_RETRIES = tls.RetryPolicy(attempts=3, backoff=0, max_wait=5)


@pytest.fixture
def session() -> Iterator[tls.Session]:
    with make_session(retry=FAST_RETRIES) as s:
        yield s


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def test_429_with_retry_after_is_retried_and_succeeds(session, mocked) -> None:
    mocked.get(INFO, json={"message": "slow down"}, status=429, headers={"Retry-After": "0"})
    mocked.get(INFO, json=webcast_body(room_info_data()))
    info = tls.fetch_room_info(session, room_id=ROOM_ID)
    assert info.id == ROOM_ID
    assert [c.response.status_code for c in mocked.calls] == [429, 200]


def test_5xx_then_success_on_check_alive(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, body="busy", status=503)
    mocked.get(CHECK_ALIVE, body=requests.ConnectionError("reset by peer"))
    mocked.get(CHECK_ALIVE, json=check_alive_body([(ROOM_ID, True)]))
    assert tls.fetch_is_live(session, room_id=ROOM_ID) is True
    assert len(mocked.calls) == 3


def test_retries_run_out_into_the_named_error_with_the_status(session, mocked) -> None:
    for _ in range(3):
        mocked.get(LIVE_PAGE, body="rate limited", status=429, headers={"Retry-After": "0"})
    with pytest.raises(tls.FailedParseRoomIdError) as caught:
        tls.fetch_room_id_from_html(session, "someone")
    assert caught.value.status == 429 and "rate limited" in caught.value.excerpt
    assert len(mocked.calls) == 3


def test_a_long_retry_after_is_not_slept_through(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body="come back later", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(tls.FailedParseRoomIdError) as caught:
        tls.fetch_room_id_from_html(session, "someone")
    assert caught.value.status == 429
    assert len(mocked.calls) == 1


def test_html_page_retried_after_a_502(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body="bad gateway", status=502)
    mocked.get(LIVE_PAGE, body=sigi_html(live_state()))
    assert tls.fetch_room_id_from_html(session, "someone") == ROOM_ID
