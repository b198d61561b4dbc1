"""send_room_chat, send_room_like, send_room_gift (PROTOCOL.md 2.8-2.10): signed, sent exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tests.helpers.payloads import ROOM_ID, SIGN, USER_ID, WEB, WEBCAST, make_session

SIGN_URL = f"{SIGN}/webcast/sign_url"
CHAT = f"{SIGN}/webcast/chat"
LIKE = f"{WEBCAST}/room/like/"
GIFT = f"{WEBCAST}/gift/send/"
SECRET = "5ess10n1d0123456789abcdef"
#: a Session that WOULD retry idempotent requests: the POSTs must still go out once
RETRYING = tls.RetryPolicy(attempts=4, backoff=0, max_wait=0)


@pytest.fixture
def session() -> Iterator[tls.Session]:
    with make_session(retry=RETRYING, trusted_sign_hosts=["sign.example.test"]) as s:
        s.set_session(SECRET, "useast2a")
        yield s


def _sign_for(mocked: responses.RequestsMock, target: str) -> str:
    signed = f"{target}?aid=1988&room_id={ROOM_ID}&msToken=tok&X-Bogus=bog&_signature=sig"
    mocked.post(SIGN_URL, json={"code": 200, "response": {"signedUrl": signed, "userAgent": "SignedUA/1.0"}})
    return signed


def _posts_to(mocked: responses.RequestsMock, url: str) -> list[responses.Call]:
    return [c for c in mocked.calls if c.request.method == "POST" and c.request.url.split("?")[0] == url]


# -- chat (through the sign server) ----------------------------------------------------------


def test_chat(session, mocked) -> None:
    mocked.post(CHAT, json={"code": 200, "message": "sent", "data": {"msg_id": 1}})
    answer = tls.send_room_chat(session, "hi there & welcome", room_id=ROOM_ID)
    assert answer == {"code": 200, "message": "sent", "data": {"msg_id": 1}}
    request = mocked.calls[0].request
    assert json.loads(request.body) == {"content": "hi there & welcome", "targetRoomId": str(ROOM_ID)}
    assert f"sessionid={SECRET}" in request.headers["x-cookie-header"]


def test_chat_is_sent_once_on_5xx(session, mocked) -> None:
    mocked.post(CHAT, body="upstream error", status=503)
    with pytest.raises(tls.SignAPIError) as caught:
        tls.send_room_chat(session, "hi", room_id=ROOM_ID)
    assert caught.value.status == 503
    assert len(_posts_to(mocked, CHAT)) == 1
    assert SECRET not in str(caught.value)


def test_chat_premium(session, mocked) -> None:
    mocked.post(CHAT, json={"code": 403, "message": "premium only"}, status=403)
    with pytest.raises(tls.PremiumEndpointError):
        tls.send_room_chat(session, "hi", room_id=ROOM_ID)


def test_chat_untrusted_sign_host(mocked) -> None:
    with make_session() as s:
        s.set_session(SECRET, "useast2a")
        with pytest.raises(tls.AuthenticatedWebSocketConnectionError) as caught:
            tls.send_room_chat(s, "hi", room_id=ROOM_ID)
    assert SECRET not in str(caught.value)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    ("content", "room_id", "match"),
    [("hi", None, "room_id"), ("", ROOM_ID, "content"), ("  ", ROOM_ID, "content"), ("hi", "x", "room_id")],
)
def test_chat_bad_arguments(session, mocked, content, room_id, match) -> None:
    with pytest.raises(ValueError, match=match):
        tls.send_room_chat(session, content, room_id=room_id)
    assert len(mocked.calls) == 0


def test_chat_needs_a_session(mocked) -> None:
    with make_session(trusted_sign_hosts=["sign.example.test"]) as s:
        with pytest.raises(ValueError, match="logged-in session"):
            tls.send_room_chat(s, "hi", room_id=ROOM_ID)
    assert len(mocked.calls) == 0


# -- likes -----------------------------------------------------------------------------------


def test_like(session, mocked) -> None:
    signed = _sign_for(mocked, LIKE)
    mocked.post(LIKE, json={"data": {"result": "ok", "like_count": 5}, "status_code": 0})
    answer = tls.send_room_like(session, 5, room_id=str(ROOM_ID))
    assert answer["data"]["like_count"] == 5
    sign_request = json.loads(mocked.calls[0].request.body)
    assert sign_request["method"] == "GET" and sign_request["type"] == "fetch"  # TikTok's quirk
    asked = parse_qs(urlsplit(sign_request["url"]).query)
    assert asked["room_id"] == [str(ROOM_ID)] and asked["count"] == ["5"] and asked["aid"] == ["1988"]
    assert "msToken" not in asked  # the placeholder is stripped before signing
    post = mocked.calls[1].request
    assert post.method == "POST" and post.url == signed and post.headers["User-Agent"] == "SignedUA/1.0"


@pytest.mark.parametrize("body", ["<html>503 Service Unavailable</html>", '{"message": "overloaded"}'])
def test_like_is_sent_once_on_5xx(session, mocked, body) -> None:
    _sign_for(mocked, LIKE)
    mocked.post(LIKE, body=body, status=503)
    with pytest.raises(tls.RoomActionError) as caught:  # a named error, like the GET routes
        tls.send_room_like(session, 1, room_id=ROOM_ID)
    assert caught.value.status == 503 and "(HTTP 503)" in str(caught.value)
    assert not isinstance(caught.value, requests.RequestException)
    assert len(_posts_to(mocked, LIKE)) == 1


def test_like_blocked_with_a_non_json_200(session, mocked) -> None:
    _sign_for(mocked, LIKE)
    mocked.post(LIKE, body="<html>Access denied</html>", status=200)
    with pytest.raises(tls.WebcastBlocked200Error, match="not JSON") as caught:
        tls.send_room_like(session, 1, room_id=ROOM_ID)
    assert caught.value.status == 200 and "Access denied" in caught.value.excerpt


def test_like_json_that_is_not_an_object(session, mocked) -> None:
    _sign_for(mocked, LIKE)
    mocked.post(LIKE, json=["x"])
    with pytest.raises(tls.WebcastBlocked200Error, match="JSON that is not an object"):
        tls.send_room_like(session, 1, room_id=ROOM_ID)


@pytest.mark.parametrize("status", [200, 400])
def test_like_offline_room(session, mocked, status) -> None:
    _sign_for(mocked, LIKE)
    mocked.post(LIKE, json={"data": {"result": "room_err"}, "status_code": 30003}, status=status)
    with pytest.raises(tls.UserOfflineError, match="room_err"):
        tls.send_room_like(session, 1, room_id=ROOM_ID)


def test_like_login_redirect(session, mocked) -> None:
    _sign_for(mocked, LIKE)
    mocked.post(LIKE, status=302, headers={"Location": f"{WEB}/login"})
    mocked.get(f"{WEB}/login", body="log in")
    with pytest.raises(tls.LoginRequiredError):
        tls.send_room_like(session, 1, room_id=ROOM_ID)


def test_like_sign_server_failure_sends_nothing_to_tiktok(session, mocked) -> None:
    mocked.post(SIGN_URL, json={"code": 200, "response": {"signedUrl": f"{LIKE}?no=token"}})
    with pytest.raises(tls.SignatureMissingTokensError):
        tls.send_room_like(session, 1, room_id=ROOM_ID)
    assert _posts_to(mocked, LIKE) == []


@pytest.mark.parametrize(("count", "room_id"), [(0, ROOM_ID), (-2, ROOM_ID), ("many", ROOM_ID), (1, None), (1, 0)])
def test_like_bad_arguments(session, mocked, count, room_id) -> None:
    with pytest.raises(ValueError):
        tls.send_room_like(session, count, room_id=room_id)
    assert len(mocked.calls) == 0


# -- gifts -----------------------------------------------------------------------------------


def test_gift_form_with_defaults(session, mocked) -> None:
    signed = _sign_for(mocked, GIFT)
    mocked.post(GIFT, json={"data": {"result": "ok"}, "status_code": 0})
    payload: tls.GiftPayload = {"room_id": ROOM_ID, "gift_id": 5655, "to_user_id": USER_ID, "count": 3,
                                "is_subscription": True}
    assert tls.send_room_gift(session, payload) == {"data": {"result": "ok"}, "status_code": 0}
    post = mocked.calls[1].request
    assert post.url == signed
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=UTF-8"
    form = {k: v[0] for k, v in parse_qs(post.body).items()}
    assert form["room_id"] == str(ROOM_ID) and form["gift_id"] == "5655" and form["to_user_id"] == str(USER_ID)
    assert form["count"] == "3" and form["is_subscription"] == "true" and form["is_opted_in_host"] == "true"
    assert form["enter_from"] == "live_detail_" and form["send_scene"] == "1" and form["send_type"] == "1"
    assert form["send_gift_req_start_ms"].isdigit() and len(form["send_gift_req_start_ms"]) == 13
    sign_request = json.loads(mocked.calls[0].request.body)
    assert sign_request["method"] == "GET" and sign_request["type"] == "fetch"


def test_gift_is_sent_once_on_5xx(session, mocked) -> None:
    _sign_for(mocked, GIFT)
    mocked.post(GIFT, body="bad gateway", status=502)
    with pytest.raises(tls.RoomActionError):
        tls.send_room_gift(session, {"room_id": ROOM_ID, "gift_id": 5655, "to_user_id": USER_ID})
    assert len(_posts_to(mocked, GIFT)) == 1


def test_gift_offline_room(session, mocked) -> None:
    _sign_for(mocked, GIFT)
    mocked.post(GIFT, json={"data": {"result": "room_err"}})
    with pytest.raises(tls.UserOfflineError):
        tls.send_room_gift(session, {"room_id": ROOM_ID, "gift_id": 5655, "to_user_id": USER_ID})


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ({"gift_id": 5655, "to_user_id": USER_ID}, "room_id"),
        ({"room_id": ROOM_ID, "to_user_id": USER_ID}, "gift_id"),
        ({"room_id": ROOM_ID, "gift_id": 5655}, "to_user_id"),
        ({"room_id": ROOM_ID, "gift_id": "rose", "to_user_id": USER_ID}, "gift_id"),
        ({"room_id": ROOM_ID, "gift_id": 5655, "to_user_id": USER_ID, "count": 0}, "count"),
        ("not a dict", "GiftPayload"),
    ],
)
def test_gift_bad_payload(session, mocked, payload, match) -> None:
    with pytest.raises(ValueError, match=match):
        tls.send_room_gift(session, payload)
    assert len(mocked.calls) == 0
