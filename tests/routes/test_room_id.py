"""fetch_room_id_from_html, fetch_room_id_from_api and fetch_room_id (PROTOCOL.md 2.1, 2.2)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.payloads import (
    ROOM_ID,
    WEB,
    live_state,
    room_api_body,
    room_api_not_found_body,
    sigi_html,
)

LIVE_PAGE = f"{WEB}/@someone/live"
ROOM_API = f"{WEB}/api-live/user/room/"


# -- the live page ---------------------------------------------------------------------------


def test_html_route_reads_the_room_id_and_sends_no_default_params(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body=sigi_html(live_state()))
    assert tls.fetch_room_id_from_html(session, "@someone") == ROOM_ID
    sent = mocked.calls[0].request
    assert urlsplit(sent.url).query == ""  # HTML pages go out without the webcast params
    assert sent.headers["User-Agent"] == session.profile.user_agent
    assert "tiktok" not in sent.url  # the host came from the Session's Endpoints


def test_html_route_uses_the_real_tiktok_host_by_default(mocked) -> None:
    mocked.get("https://www.tiktok.com/@someone/live", body=sigi_html(live_state()))
    with tls.Session(retry=tls.RetryPolicy(attempts=1)) as s:
        assert tls.fetch_room_id_from_html(s, "https://www.tiktok.com/@someone/live") == ROOM_ID


def test_html_route_offline_user(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body=sigi_html(live_state(status=4)))
    with pytest.raises(tls.UserOfflineError, match="@someone is not live"):
        tls.fetch_room_id_from_html(session, "someone")


def test_html_route_offline_is_checked_before_the_missing_room_id(session, mocked) -> None:
    state = live_state(status=4)
    del state["LiveRoom"]["liveRoomUserInfo"]["user"]["roomId"]
    mocked.get(LIVE_PAGE, body=sigi_html(state))
    with pytest.raises(tls.UserOfflineError):
        tls.fetch_room_id_from_html(session, "someone")


@pytest.mark.parametrize(
    "live_room", ["missing", None, {}, {"liveRoomUserInfo": {}}, {"liveRoomUserInfo": {"user": {}}}, {"x": 1}]
)
def test_html_route_without_live_room_is_user_not_found(session, mocked, live_room) -> None:
    state = live_state()
    if live_room == "missing":
        del state["LiveRoom"]
    else:
        state["LiveRoom"] = live_room
    mocked.get(LIVE_PAGE, body=sigi_html(state))
    with pytest.raises(tls.UserNotFoundError) as caught:
        tls.fetch_room_id_from_html(session, "someone")
    assert caught.value.unique_id == "someone"


@pytest.mark.parametrize("room_id", [None, "", "0", "abc"])
def test_html_route_without_a_usable_room_id(session, mocked, room_id) -> None:
    state = live_state()
    state["LiveRoom"]["liveRoomUserInfo"]["user"]["roomId"] = room_id
    mocked.get(LIVE_PAGE, body=sigi_html(state))
    with pytest.raises(tls.FailedParseRoomIdError, match="no room id"):
        tls.fetch_room_id_from_html(session, "someone")


def test_html_route_page_without_sigi_state(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body="<html><body><div id='captcha'>Drag the slider</div></body></html>")
    with pytest.raises(tls.FailedParseRoomIdError) as caught:
        tls.fetch_room_id_from_html(session, "someone")
    assert caught.value.status == 200
    assert "Drag the slider" in caught.value.excerpt
    assert "SIGI_STATE" in str(caught.value)


@pytest.mark.parametrize("script", ["{not json", "[1, 2, 3]"])
def test_html_route_sigi_state_not_a_json_object(session, mocked, script) -> None:
    mocked.get(LIVE_PAGE, body=f'<html><script id="SIGI_STATE" type="application/json">{script}</script></html>')
    with pytest.raises(tls.FailedParseRoomIdError):
        tls.fetch_room_id_from_html(session, "someone")


def test_html_route_error_status(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body="upstream broke", status=502)
    with pytest.raises(tls.FailedParseRoomIdError) as caught:
        tls.fetch_room_id_from_html(session, "someone")
    assert caught.value.status == 502 and "upstream broke" in caught.value.excerpt


def test_html_route_login_redirect(session, mocked) -> None:
    mocked.get(LIVE_PAGE, status=302, headers={"Location": f"{WEB}/login?redirect_url=%2F%40someone%2Flive"})
    mocked.get(f"{WEB}/login", body="<html>Log in to TikTok</html>")
    with pytest.raises(tls.LoginRequiredError, match="login page"):
        tls.fetch_room_id_from_html(session, "someone")


@pytest.mark.parametrize("bad", ["", "   ", "@"])
def test_html_route_empty_unique_id_sends_nothing(session, mocked, bad) -> None:
    with pytest.raises(ValueError):
        tls.fetch_room_id_from_html(session, bad)
    assert len(mocked.calls) == 0


def test_html_route_quotes_odd_characters_into_the_path(session, mocked) -> None:
    mocked.get(f"{WEB}/@a%3Fb/live", body=sigi_html(live_state("a?b")))
    assert tls.fetch_room_id_from_html(session, "a?b") == ROOM_ID


# -- the room API ----------------------------------------------------------------------------


def test_api_route_reads_the_room_id_with_default_params(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body())
    assert tls.fetch_room_id_from_api(session, " @someone ") == ROOM_ID
    query = parse_qs(urlsplit(mocked.calls[0].request.url).query, keep_blank_values=True)
    assert query["uniqueId"] == ["someone"]
    assert query["sourceType"] == ["54"]
    assert query["aid"] == ["1988"] and query["app_name"] == ["tiktok_web"]
    assert query["device_id"] == [str(session.device_id)]


def test_api_route_user_not_found(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_not_found_body())
    with pytest.raises(tls.UserNotFoundError, match="no user @ghost") as caught:
        tls.fetch_room_id_from_api(session, "ghost")
    assert caught.value.unique_id == "ghost"


def test_api_route_not_found_by_status_code_alone(session, mocked) -> None:
    mocked.get(ROOM_API, json={"data": {}, "message": "", "statusCode": 19881007})
    with pytest.raises(tls.UserNotFoundError):
        tls.fetch_room_id_from_api(session, "ghost")


@pytest.mark.parametrize(
    "body",
    [
        {"data": {}, "statusCode": 0},
        {"data": {"user": {}}, "statusCode": 0},
        {"data": {"user": {"roomId": ""}}, "statusCode": 0},
        {"data": None, "statusCode": 0},
        {"statusCode": 0},
    ],
)
def test_api_route_json_missing_the_keys(session, mocked, body) -> None:
    mocked.get(ROOM_API, json=body)
    with pytest.raises(tls.FailedParseRoomIdError, match="no room id"):
        tls.fetch_room_id_from_api(session, "someone")


def test_api_route_non_zero_status_code(session, mocked) -> None:
    mocked.get(ROOM_API, json={"data": {}, "message": "params_error", "statusCode": 10201})
    with pytest.raises(tls.FailedParseRoomIdError, match="statusCode 10201 \\(params_error\\)"):
        tls.fetch_room_id_from_api(session, "someone")


def test_api_route_not_json(session, mocked) -> None:
    mocked.get(ROOM_API, body="<html>captcha</html>", status=200)
    with pytest.raises(tls.FailedParseRoomIdError, match="not JSON") as caught:
        tls.fetch_room_id_from_api(session, "someone")
    assert caught.value.status == 200 and "captcha" in caught.value.excerpt


def test_api_route_login_redirect(session, mocked) -> None:
    mocked.get(ROOM_API, status=302, headers={"Location": f"{WEB}/login"})
    mocked.get(f"{WEB}/login", body="log in")
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_room_id_from_api(session, "someone")


def test_api_route_hung_server_is_a_requests_timeout(session, mocked) -> None:
    mocked.get(ROOM_API, body=requests.ReadTimeout("read timed out (test)"))
    with pytest.raises(requests.Timeout):
        tls.fetch_room_id_from_api(session, "someone")


# -- HTML first, then the API ----------------------------------------------------------------


def test_fetch_room_id_prefers_the_live_page(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body=sigi_html(live_state()))
    assert tls.fetch_room_id(session, "someone") == ROOM_ID
    assert [urlsplit(c.request.url).path for c in mocked.calls] == ["/@someone/live"]


def test_fetch_room_id_falls_back_to_the_api_on_a_blocked_page(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body="<html>captcha</html>")
    mocked.get(ROOM_API, json=room_api_body(room_id=123))
    assert tls.fetch_room_id(session, "someone") == 123


def test_fetch_room_id_falls_back_on_a_transport_error(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body=requests.ConnectionError("reset"))
    mocked.get(ROOM_API, json=room_api_body(room_id=124))
    assert tls.fetch_room_id(session, "someone") == 124


def test_fetch_room_id_does_not_fall_back_when_offline(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body=sigi_html(live_state(status=4)))
    mocked.get(ROOM_API, json=room_api_body())
    with pytest.raises(tls.UserOfflineError):
        tls.fetch_room_id(session, "someone")
    assert len(mocked.calls) == 1


def test_fetch_room_id_chains_both_failures(session, mocked) -> None:
    mocked.get(LIVE_PAGE, body="<html>captcha</html>")
    mocked.get(ROOM_API, json=room_api_not_found_body())
    with pytest.raises(tls.UserNotFoundError) as caught:
        tls.fetch_room_id(session, "someone")
    assert isinstance(caught.value.__cause__, tls.FailedParseRoomIdError)
