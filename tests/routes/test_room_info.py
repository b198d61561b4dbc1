"""fetch_room_info (PROTOCOL.md 2.3)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tests.helpers.payloads import ROOM_ID, USER_ID, WEBCAST, room_info_data, webcast_body

INFO = f"{WEBCAST}/room/info/"
INFO_BY_USER = f"{WEBCAST}/room/info_by_user/"


def _query(call: responses.Call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def test_by_room_id(session, mocked) -> None:
    mocked.get(INFO, json=webcast_body(room_info_data()))
    info = tls.fetch_room_info(session, room_id=str(ROOM_ID))
    assert isinstance(info, tls.RoomInfo)
    assert info.id == ROOM_ID and info.is_live and info.title == "Cooking live" and info.user_count == 321
    assert info.owner.id == USER_ID and info.owner.unique_id == "someone" and info.owner.follower_count == 1234
    assert info.stream_urls.get(tls.VideoQuality.HD) == "https://pull.example.test/hd.flv"
    assert info.raw["stats"] == {"total_user": 999}
    query = _query(mocked.calls[0])
    assert query["room_id"] == [str(ROOM_ID)] and query["aid"] == ["1988"]


def test_by_unique_id(session, mocked) -> None:
    mocked.get(INFO_BY_USER, json=webcast_body(room_info_data()))
    info = tls.fetch_room_info(session, unique_id="@someone")
    assert info.id == ROOM_ID
    assert _query(mocked.calls[0])["unique_id"] == ["someone"]


@pytest.mark.parametrize("kwargs", [{}, {"room_id": ROOM_ID, "unique_id": "someone"}])
def test_both_or_neither_is_invalid(session, mocked, kwargs) -> None:
    with pytest.raises(tls.InvalidFetchRoomInfoPayload) as caught:
        tls.fetch_room_info(session, **kwargs)
    assert isinstance(caught.value, ValueError)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("bad", [0, -1, "abc", True, 1.5])
def test_bad_room_id(session, mocked, bad) -> None:
    with pytest.raises(ValueError, match="room_id"):
        tls.fetch_room_info(session, room_id=bad)
    assert len(mocked.calls) == 0


def test_empty_unique_id(session) -> None:
    with pytest.raises(ValueError, match="empty"):
        tls.fetch_room_info(session, unique_id="  ")


@pytest.mark.parametrize(
    "body",
    [
        webcast_body({"message": "age restricted room", "prompts": "This LIVE is age-restricted."}, 4003110),
        webcast_body({"prompts": "Log in to confirm your age", "id": ROOM_ID, "status": 2, "title": "x"}),
        webcast_body({"message": "18+"}, 4003110),
        webcast_body({}),
        webcast_body({"id": ROOM_ID}),
        {"extra": {}, "status_code": 0},
    ],
)
def test_age_restricted(session, mocked, body) -> None:
    mocked.get(INFO, json=body)
    with pytest.raises(tls.AgeRestrictedError, match="age-restricted") as caught:
        tls.fetch_room_info(session, room_id=ROOM_ID)
    assert "set_session" in str(caught.value)  # says what to do


def test_not_found_status_code(session, mocked) -> None:
    mocked.get(INFO, json=webcast_body({"message": "room not found"}, 4003168))
    with pytest.raises(tls.FailedFetchRoomInfoError, match="status_code 4003168 \\(room not found\\)"):
        tls.fetch_room_info(session, room_id=ROOM_ID)


def test_not_json(session, mocked) -> None:
    mocked.get(INFO, body="<html>blocked</html>")
    with pytest.raises(tls.FailedFetchRoomInfoError) as caught:
        tls.fetch_room_info(session, room_id=ROOM_ID)
    assert caught.value.status == 200 and "blocked" in caught.value.excerpt


def test_error_status(session, mocked) -> None:
    mocked.get(INFO, body="gateway", status=504)
    with pytest.raises(tls.FailedFetchRoomInfoError) as caught:
        tls.fetch_room_info(session, room_id=ROOM_ID)
    assert caught.value.status == 504


def test_json_not_an_object(session, mocked) -> None:
    mocked.get(INFO, json=["data"])
    with pytest.raises(tls.FailedFetchRoomInfoError, match="not a JSON object"):
        tls.fetch_room_info(session, room_id=ROOM_ID)


def test_transport_failure_is_requests_own_error(session, mocked) -> None:
    original = requests.ReadTimeout("read timed out (test)")
    mocked.get(INFO, body=original)
    with pytest.raises(requests.Timeout) as caught:  # `except requests.Timeout` works, as in every route
        tls.fetch_room_info(session, room_id=ROOM_ID)
    assert type(caught.value) is requests.ReadTimeout and "read timed out (test)" in str(caught.value)
    assert not isinstance(caught.value, tls.TikTokLiveError)


def test_login_redirect(session, mocked) -> None:
    mocked.get(INFO, status=302, headers={"Location": "https://web.example.test/login/"})
    mocked.get("https://web.example.test/login/", body="log in")
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_room_info(session, room_id=ROOM_ID)


def test_logged_in_session_marks_the_request(session, mocked) -> None:
    session.set_session("0123456789abcdef", "eu-ttp2")
    mocked.get(INFO, json=webcast_body(room_info_data()))
    tls.fetch_room_info(session, room_id=ROOM_ID)
    request = mocked.calls[0].request
    assert _query(mocked.calls[0])["user_is_login"] == ["true"]
    assert "sessionid=0123456789abcdef" in request.headers["Cookie"]
