"""FakeTikTok's sign server answers like Euler Stream's API (PROTOCOL.md 1.5)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tiktoklive_sync._signer import parse_cookie_string
from tiktoklive_sync.proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult
from tiktoklive_sync.testing import FakeTikTok

ROOM_ID = 7_000_000_000_000_000_009


@pytest.fixture
def http() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s


def test_fetch_returns_a_first_webcast_response(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    r = http.get(
        fake_tiktok.url("/sign/webcast/fetch"), params={"room_id": ROOM_ID, "client": "ttlive-python"}, timeout=5
    )
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/x-protobuf"
    result = ProtoMessageFetchResult()
    result.ParseFromString(r.content)
    assert result.is_first and result.cursor and result.internal_ext
    assert result.push_server == fake_tiktok.push_server_url
    assert result.push_server.startswith("ws://127.0.0.1:")  # never a real host
    assert result.route_params["wrss"] and result.route_params["debug_tag"] == ""
    cookies = parse_cookie_string(r.headers["X-Set-TT-Cookie"])
    assert cookies["ttwid"]
    assert r.headers["X-Room-Id"] == str(ROOM_ID)


def test_fetch_names_the_wired_push_server_and_first_batch(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.push_url = "ws://127.0.0.1:1/webcast/im/push/"
    message = BaseProtoMessage(method="WebcastChatMessage", payload=b"\x1a\x02hi", msg_id=7)
    fake_tiktok.first_batch = lambda room_id: [message] if room_id == ROOM_ID else []  # type: ignore[method-assign]
    r = http.get(fake_tiktok.url("/sign/webcast/fetch/"), params={"room_id": ROOM_ID}, timeout=5)
    result = ProtoMessageFetchResult.FromString(r.content)
    assert result.push_server == "ws://127.0.0.1:1/webcast/im/push/"
    assert [m.method for m in result.messages] == ["WebcastChatMessage"] and result.messages[0].msg_id == 7


def test_fetch_without_a_push_server_names_a_local_placeholder(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.push_url = None
    r = http.get(fake_tiktok.url("/sign/webcast/fetch"), params={"room_id": ROOM_ID}, timeout=5)
    push_server = ProtoMessageFetchResult.FromString(r.content).push_server
    assert push_server == f"ws://127.0.0.1:{fake_tiktok.port}/webcast/im/push/v2/"


def test_fetch_without_room_id_is_a_400(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    r = http.get(fake_tiktok.url("/sign/webcast/fetch"), timeout=5)
    assert r.status_code == 400 and "room_id" in r.json()["message"]


def test_sign_url_adds_tokens(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    target = fake_tiktok.url("/webcast/room/like/?room_id=1&count=2")
    r = http.post(fake_tiktok.url("/sign/webcast/sign_url"), json={"url": target, "userAgent": "UA/1.0"}, timeout=5)
    body = r.json()
    assert body["code"] == 200 and body["response"]["userAgent"] == "UA/1.0"
    signed = body["response"]["signedUrl"]
    assert signed.startswith(target + "&")
    query = parse_qs(urlsplit(signed).query)
    assert query["room_id"] == ["1"] and query["msToken"][0] and query["X-Bogus"][0] and query["_signature"][0]
    missing = http.post(fake_tiktok.url("/sign/webcast/sign_url"), json={"userAgent": "x"}, timeout=5)
    assert missing.status_code == 400


def test_chat_needs_a_session_cookie_header_and_a_live_room(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.add_room("someone", room_id=ROOM_ID)
    url = fake_tiktok.url("/sign/webcast/chat")
    body = {"content": "hello", "targetRoomId": str(ROOM_ID)}
    assert http.post(url, json=body, timeout=5).status_code == 401
    ok = http.post(url, json=body, headers={"x-cookie-header": "sessionid=abc; tt-target-idc=useast2a"}, timeout=5)
    assert ok.json()["code"] == 200 and fake_tiktok.sent_chats == [{"room_id": ROOM_ID, "content": "hello"}]
    fake_tiktok.set_live("someone", False)
    offline = http.post(url, json=body, headers={"x-cookie-header": "sessionid=abc"}, timeout=5)
    assert offline.json()["code"] == 404 and len(fake_tiktok.sent_chats) == 1
