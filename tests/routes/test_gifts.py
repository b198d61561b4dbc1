"""fetch_gift_list (PROTOCOL.md 2.5), including the real captured gift list."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.payloads import ROOM_ID, SIGN, WEB, WEBCAST, webcast_body

GIFTS = f"{WEBCAST}/gift/list/"


def test_real_gift_list_capture(session, mocked, realdata_dir: Path) -> None:
    """The verbatim 2024-01-05 gift list answer; expected values from realdata/SOURCES.md."""
    raw = (realdata_dir / "gift_list_jwjava_2024-01-05.json").read_bytes()
    mocked.get(GIFTS, body=raw, content_type="application/json")
    gifts = tls.fetch_gift_list(session)
    assert isinstance(gifts, tls.GiftList)
    assert len(gifts) == 116
    rose = gifts.by_id(5655)
    assert rose is not None
    assert (rose.id, rose.name, rose.diamond_count, rose.type) == (5655, "Rose", 1, 1)
    assert rose.streakable
    assert gifts.by_name("rose") == rose
    first = [(g.id, g.name, g.diamond_count) for g in list(gifts)[:3]]
    assert first == [(9639, "2024", 1), (6064, "GG", 1), (5827, "Ice Cream Cone", 1)]
    assert rose.image.url.startswith("https://")
    assert gifts.raw is not None and "gifts" in gifts.raw
    assert json.loads(raw)["status_code"] == 0


def test_room_id_and_default_params_are_sent(session, mocked) -> None:
    mocked.get(GIFTS, json=webcast_body({"gifts": [{"id": 1, "name": "A", "diamond_count": 2, "type": 2}]}))
    gifts = tls.fetch_gift_list(session, room_id=ROOM_ID)
    assert [g.name for g in gifts] == ["A"]
    query = parse_qs(urlsplit(mocked.calls[0].request.url).query)
    assert query["room_id"] == [str(ROOM_ID)] and query["aid"] == ["1988"]


def test_without_room_id_no_room_param(session, mocked) -> None:
    mocked.get(GIFTS, json=webcast_body({"gifts": []}))
    assert len(tls.fetch_gift_list(session)) == 0
    assert "room_id" not in parse_qs(urlsplit(mocked.calls[0].request.url).query)


@pytest.mark.parametrize(
    "body",
    [
        webcast_body({}),
        webcast_body(None),
        webcast_body({"gifts": "none"}),
        {"extra": {}, "status_code": 0},
        webcast_body({"message": "params error", "gifts": []}, status_code=10011),
    ],
)
def test_json_missing_the_keys_or_an_error_code(session, mocked, body) -> None:
    mocked.get(GIFTS, json=body)
    with pytest.raises(tls.FailedFetchGiftListError):
        tls.fetch_gift_list(session)


def test_not_json(session, mocked) -> None:
    mocked.get(GIFTS, body=b"\x00\x01binary", status=200)
    with pytest.raises(tls.FailedFetchGiftListError, match="not JSON") as caught:
        tls.fetch_gift_list(session)
    assert caught.value.status == 200


def test_error_status(session, mocked) -> None:
    mocked.get(GIFTS, json={"message": "forbidden"}, status=403)
    with pytest.raises(tls.FailedFetchGiftListError) as caught:
        tls.fetch_gift_list(session)
    assert caught.value.status == 403 and "forbidden" in caught.value.excerpt


def test_transport_failure(session, mocked) -> None:
    original = requests.ConnectionError("connection reset")
    mocked.get(GIFTS, body=original)
    with pytest.raises(requests.ConnectionError) as caught:  # requests' own, never wrapped
        tls.fetch_gift_list(session)
    assert type(caught.value) is requests.ConnectionError and "connection reset" in str(caught.value)


def test_login_redirect(session, mocked) -> None:
    mocked.get(GIFTS, status=302, headers={"Location": f"{WEB}/login"})
    mocked.get(f"{WEB}/login", body="log in")
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_gift_list(session)


def test_bad_room_id(session, mocked) -> None:
    with pytest.raises(ValueError, match="room_id"):
        tls.fetch_gift_list(session, room_id=-1)
    assert len(mocked.calls) == 0


def test_signed_request_goes_to_the_signed_url(session, mocked) -> None:
    signed = f"{GIFTS}?aid=1988&room_id={ROOM_ID}&msToken=tok&X-Bogus=bog"
    mocked.post(f"{SIGN}/webcast/sign_url", json={"code": 200, "response": {"signedUrl": signed, "userAgent": "UA/1"}})
    mocked.get(GIFTS, json=webcast_body({"gifts": [{"id": 5655, "name": "Rose"}]}))
    gifts = tls.fetch_gift_list(session, room_id=ROOM_ID, signed=True)
    assert gifts.by_id(5655) is not None
    sign_body = json.loads(mocked.calls[0].request.body)
    assert urlsplit(sign_body["url"]).path == "/webcast/gift/list/"
    assert parse_qs(urlsplit(sign_body["url"]).query)["room_id"] == [str(ROOM_ID)]
    fetched = mocked.calls[1].request
    assert fetched.url == signed and fetched.headers["User-Agent"] == "UA/1"


def test_signed_request_sign_server_failure(session, mocked) -> None:
    mocked.post(f"{SIGN}/webcast/sign_url", body="oops", status=500)
    with pytest.raises(tls.SignAPIError):
        tls.fetch_gift_list(session, signed=True)
