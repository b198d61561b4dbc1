"""fetch_live_status: LIVE / OFFLINE / AGE_RESTRICTED / NOT_FOUND / BLOCKED, with the evidence."""

from __future__ import annotations

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.payloads import (
    ROOM_ID,
    WEB,
    WEBCAST,
    live_state,
    room_api_body,
    room_api_not_found_body,
    room_info_data,
    sigi_html,
    webcast_body,
)

ROOM_API = f"{WEB}/api-live/user/room/"
LIVE_PAGE = f"{WEB}/@someone/live"
INFO = f"{WEBCAST}/room/info/"
CAPTCHA = "<html><body>Verify to continue: drag the puzzle piece</body></html>"


def test_live(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body(status=2))
    mocked.get(INFO, json=webcast_body(room_info_data()))
    status = tls.fetch_live_status(session, "@someone")
    assert status.state is tls.LiveState.LIVE and status.is_live and bool(status)
    assert status.unique_id == "someone" and status.room_id == ROOM_ID
    assert "room API" in status.evidence and "room info agrees" in status.evidence
    assert status.error is None


def test_live_even_when_room_info_cannot_confirm(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body(status=2))
    mocked.get(INFO, body="bad gateway", status=502)
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.LIVE
    assert "could not confirm" in status.evidence
    assert isinstance(status.error, tls.FailedFetchRoomInfoError)


def test_age_restricted(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body(status=2))
    mocked.get(INFO, json=webcast_body({"message": "x", "prompts": "This LIVE is age-restricted"}, 4003110))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.AGE_RESTRICTED and not status
    assert status.room_id == ROOM_ID and "age-restricted" in status.evidence
    assert isinstance(status.error, tls.AgeRestrictedError)


def test_offline(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body(status=4))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.OFFLINE and not status
    assert "status 4" in status.evidence
    assert len(mocked.calls) == 1  # no need to ask anything else


def test_offline_without_a_room(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body(room_id="", status=0))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.OFFLINE and status.room_id is None and "no room" in status.evidence


def test_not_found(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_not_found_body())
    status = tls.fetch_live_status(session, "ghost")
    assert status.state is tls.LiveState.NOT_FOUND
    assert isinstance(status.error, tls.UserNotFoundError) and "no such user" in status.evidence


def test_blocked_everywhere_by_captchas(session, mocked) -> None:
    mocked.get(ROOM_API, body=CAPTCHA)
    mocked.get(LIVE_PAGE, body=CAPTCHA)
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.BLOCKED
    assert isinstance(status.error, tls.FailedParseRoomIdError)
    assert "captcha" in status.evidence and "room API failed before that" in status.evidence


def test_blocked_by_login_redirects(session, mocked) -> None:
    mocked.get(ROOM_API, status=302, headers={"Location": f"{WEB}/login"})
    mocked.get(LIVE_PAGE, status=302, headers={"Location": f"{WEB}/login"})
    mocked.get(f"{WEB}/login", body="log in")
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.BLOCKED
    assert isinstance(status.error, tls.LoginRequiredError) and "login page" in status.evidence


def test_blocked_api_and_a_page_without_live_room_is_still_blocked(session, mocked) -> None:
    state = live_state()
    del state["LiveRoom"]
    mocked.get(ROOM_API, body=CAPTCHA)
    mocked.get(LIVE_PAGE, body=sigi_html(state))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.BLOCKED and "captcha artefact" in status.evidence


def test_blocked_api_but_the_live_page_says_offline(session, mocked) -> None:
    mocked.get(ROOM_API, body=CAPTCHA)
    mocked.get(LIVE_PAGE, body=sigi_html(live_state(status=4)))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.OFFLINE and "live page" in status.evidence


def test_blocked_api_but_the_live_page_says_live(session, mocked) -> None:
    mocked.get(ROOM_API, json={"data": {}, "message": "", "statusCode": 10000})
    mocked.get(LIVE_PAGE, body=sigi_html(live_state(status=2)))
    mocked.get(INFO, json=webcast_body(room_info_data()))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.LIVE and status.room_id == ROOM_ID and "live page" in status.evidence


def test_api_room_without_status_asks_the_live_page(session, mocked) -> None:
    body = room_api_body()
    del body["data"]["liveRoom"]
    del body["data"]["user"]["status"]
    mocked.get(ROOM_API, json=body)
    state = live_state()
    del state["LiveRoom"]
    mocked.get(LIVE_PAGE, body=sigi_html(state))
    status = tls.fetch_live_status(session, "someone")
    assert status.state is tls.LiveState.NOT_FOUND and "live page" in status.evidence


def test_empty_unique_id(session, mocked) -> None:
    with pytest.raises(ValueError):
        tls.fetch_live_status(session, "")
    assert len(mocked.calls) == 0


def test_no_answer_at_all_is_not_evidence(session, mocked) -> None:
    mocked.get(ROOM_API, body=requests.ConnectionError("refused"))
    with pytest.raises(requests.ConnectionError):
        tls.fetch_live_status(session, "someone")
