"""The push connection on the wire: URLs, handshake headers, outbound frames, refusals (PROTOCOL.md 4)."""

from __future__ import annotations

from http.cookiejar import Cookie
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from tiktoklive_sync import BrowserProfile, WebcastBlocked200Error, WebsocketURLMissingError
from tiktoklive_sync.errors import PushConnectionError, WebSocketRefusedError
from tiktoklive_sync.live._connection import SUBPROTOCOL, PushConnection, WebSocketTarget
from tiktoklive_sync.live._protocol import RoomState, build_ack, build_enter_room
from tiktoklive_sync.live._urls import (
    VERSION_SUFFIX,
    build_direct_url,
    build_sign_url,
    cookie_header_for,
    ping_interval_from,
)
from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult
from tiktoklive_sync.testing.push_server import PushServer

ROOM = 7_300_000_000_000_000_042
PROFILE = BrowserProfile(
    user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)",
    language="en", lang_country="en-CA", country="CA", tz_name="America/Toronto",
    screen_width=2560, screen_height=1440, last_rtt=123,
)


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


@pytest.fixture
def server():
    with PushServer(ping_interval=7) as srv:
        yield srv


def target(url: str, *, cookie: str = "ttwid=abc", mode: str = "direct", origin: str | None = "https://www.tiktok.com"):
    return WebSocketTarget(url=url, cookie=cookie, user_agent=PROFILE.user_agent, origin=origin, mode=mode)


# -- URLs ----------------------------------------------------------------------------------------


def test_sign_url_route_params_then_static_params_then_room_and_the_raw_suffix():
    fetch = ProtoMessageFetchResult(push_server="wss://push.example/webcast/im/push/v2/", cursor="c1")
    fetch.route_params["wrss"] = "abc"
    fetch.route_params["debug_tag"] = ""
    fetch.route_params["aid"] = "9999"  # a static parameter wins over a route parameter
    url = build_sign_url(fetch, ROOM, PROFILE)

    assert url.startswith("wss://push.example/webcast/im/push/v2/?")
    keys = [k for k, _ in query_of(url)]
    assert set(keys[:2]) == {"wrss", "aid"}  # route params first (a map: in any order)
    assert url.endswith(VERSION_SUFFIX)
    params = dict(query_of(url))
    assert "debug_tag" not in params
    assert params["aid"] == "1988"
    assert params["room_id"] == str(ROOM)
    assert params["compress"] == "gzip"
    assert params["device_platform"] == "web"
    assert params["browser_language"] == "en-CA"
    assert params["screen_width"] == "2560"
    assert params["last_rtt"] == "123"
    # the UA remainder is percent-encoded exactly once
    assert params["browser_version"] == PROFILE.user_agent.split("/", 1)[1]
    assert [v for k, v in query_of(url) if k == "version_code"] == ["180800", "270000"]
    assert keys.index("room_id") > keys.index("did_rule")
    assert keys.index("compress") == keys.index("room_id") + 1


def test_sign_url_without_compression_sends_an_empty_compress_value():
    fetch = ProtoMessageFetchResult(push_server="wss://p/", cursor="c")
    fetch.route_params["a"] = "b"
    assert dict(query_of(build_sign_url(fetch, ROOM, PROFILE, compress=False)))["compress"] == ""


@pytest.mark.parametrize("push_server, routes", [("", {"a": "b"}), ("wss://p/", {})])
def test_sign_url_needs_a_push_server_and_route_params(push_server, routes):
    fetch = ProtoMessageFetchResult(push_server=push_server, cursor="c")
    fetch.route_params.update(routes)
    with pytest.raises(WebsocketURLMissingError):
        build_sign_url(fetch, ROOM, PROFILE)


def test_direct_url_carries_the_resume_point_only_when_given():
    base = "wss://webcast-ws.tiktok.com/webcast/im/ws_proxy/ws_reuse_supplement/"
    fresh = dict(query_of(build_direct_url(base, ROOM, PROFILE)))
    assert "cursor" not in fresh and "internal_ext" not in fresh
    assert fresh["browser_language"] == "en-US"
    assert fresh["room_id"] == str(ROOM)
    assert fresh["identity"] == "audience"
    resumed = dict(query_of(build_direct_url(base, ROOM, PROFILE, cursor="17", internal_ext="ext|1")))
    assert resumed["cursor"] == "17"
    assert resumed["internal_ext"] == "ext|1"


def _cookie(name: str, value: str, domain: str) -> Cookie:
    return Cookie(0, name, value, None, False, domain, True, domain.startswith("."), "/", False, False, None,
                  False, None, None, {})


def test_cookie_header_sends_login_cookies_only_to_trusted_hosts():
    jar = requests.cookies.RequestsCookieJar()
    jar.set_cookie(_cookie("ttwid", "anon", ".tiktok.com"))
    jar.set_cookie(_cookie("sessionid", "SECRET", ".tiktok.com"))
    jar.set_cookie(_cookie("sid_tt", "SECRET", ".tiktok.com"))
    jar.set_cookie(_cookie("empty", "", ".tiktok.com"))

    trusted = cookie_header_for(jar, "wss://webcast16-ws-useast1a.tiktok.com/x/", [".tiktok.com"])
    assert "ttwid=anon" in trusted and "sessionid=SECRET" in trusted and "sid_tt=SECRET" in trusted
    assert "empty" not in trusted

    elsewhere = cookie_header_for(jar, "wss://push.evil.example/x/", [".tiktok.com"])
    assert elsewhere == "ttwid=anon"


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"Handshake-Options": "ping-interval=10; ping-timeout=30"}, 10.0),
        ({"handshake-options": "ping-interval=2.5"}, 2.5),
        ({"handshake-options": "ping-interval=zero"}, None),
        ({"handshake-options": "ping-interval=-1"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_ping_interval_from_handshake_options(headers, expected):
    assert ping_interval_from(headers) == expected


# -- the connection against the loopback push server ------------------------------------------


def test_handshake_headers_subprotocol_and_server_ping_interval(server):
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    conn.open()
    try:
        assert conn.connected
        assert conn.ping_interval == 7.0
        (shake,) = server.handshakes
        assert shake.status == 101
        assert shake.mode == "direct"
        assert shake.headers["sec-websocket-protocol"] == SUBPROTOCOL
        assert shake.headers["user-agent"] == PROFILE.user_agent
        assert shake.headers["cookie"] == "ttwid=abc"
        assert shake.headers["origin"] == "https://www.tiktok.com"
        assert shake.params["room_id"] == str(ROOM)
    finally:
        conn.close()


def test_sign_connection_sends_no_origin(server):
    fetch = server.bootstrap(ROOM)
    conn = PushConnection(target(build_sign_url(fetch, ROOM, PROFILE), mode="sign", origin=None), room_id=ROOM)
    conn.open()
    conn.close()
    (shake,) = server.handshakes
    assert shake.mode == "sign"
    assert "origin" not in shake.headers


def test_enter_room_heartbeats_and_acks_reach_the_server(server):
    server.push(ROOM)  # an empty batch, so there is a frame to ack
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    conn.open()
    try:
        state = RoomState(ROOM)
        conn.send(state.enter_room())
        conn.send(state.heartbeat())
        conn.send(state.heartbeat())
        assert state.heartbeat_seq == 2
        kinds = []
        while "msg" not in kinds:
            frame = conn.recv(timeout=5)
            assert frame is not None, "the server sent nothing after enter-room"
            kinds.append(frame.payload_type)
            if frame.payload_type == "msg":
                conn.send(build_ack(frame.log_id, "ext-1"))
        conn.send(state.enter_room())  # re-entering resets the heartbeat counter
        conn.send(state.heartbeat())
        assert state.heartbeat_seq == 1
        for _ in range(200):
            if len(server.heartbeats) == 3 and server.acks:
                break
            conn.recv(timeout=0.02)
    finally:
        conn.close()
    assert kinds[0] == "im_enter_room_resp"
    assert [(e.room_id, e.cursor) for e in server.enter_rooms] == [(ROOM, ""), (ROOM, "")]
    assert [(h.room_id, h.seq_id) for h in server.heartbeats] == [(ROOM, 1), (ROOM, 2), (ROOM, 1)]
    (ack,) = server.acks
    assert ack.log_id == frame.log_id != 0
    assert ack.internal_ext == "ext-1"


def test_empty_internal_ext_is_acked_with_a_dash(server):
    server.push(ROOM)
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    conn.open()
    try:
        conn.send(build_enter_room(ROOM))
        frame = conn.recv(timeout=5)
        while frame is None or frame.payload_type != "msg":
            frame = conn.recv(timeout=5)
        conn.send(build_ack(frame.log_id, ""))
        for _ in range(200):
            if server.acks:
                break
            conn.recv(timeout=0.02)
    finally:
        conn.close()
    assert [a.internal_ext for a in server.acks] == ["-"]


def test_recv_returns_none_when_nothing_arrives(server):
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    conn.open()
    try:
        assert conn.recv(timeout=0.05) is None  # not entered: the server stays quiet
    finally:
        conn.close()


def test_handshake_answered_200_raises_webcast_blocked_with_the_handshake_msg(server):
    server.handshake_200 = "illegal secret key"
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    with pytest.raises(WebcastBlocked200Error) as caught:
        conn.open()
    assert isinstance(caught.value, WebSocketRefusedError)
    assert caught.value.status == 200
    assert caught.value.handshake_msg == "illegal secret key"
    assert "illegal secret key" in str(caught.value)
    assert not caught.value.device_blocked


def test_device_blocked_refusal_is_recognised(server):
    server.refuse_direct = True
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    with pytest.raises(WebSocketRefusedError) as caught:
        conn.open()
    assert caught.value.device_blocked
    assert caught.value.mode == "direct"
    assert caught.value.status == 403


def test_other_bad_statuses_are_a_transient_connection_failure(server):
    # no ttwid cookie on the direct path: the fake answers 401 without a Handshake-Msg
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE), cookie=""), room_id=ROOM)
    with pytest.raises(PushConnectionError) as caught:
        conn.open()
    assert not isinstance(caught.value, WebcastBlocked200Error)
    assert "401" in str(caught.value)


def test_connection_refused_is_a_push_connection_closed():
    conn = PushConnection(target("ws://127.0.0.1:9/nothing/?room_id=1"), room_id=ROOM, connect_timeout=2)
    with pytest.raises(PushConnectionError) as caught:
        conn.open()
    assert not caught.value.clean


def test_abrupt_drop_is_not_a_clean_close(server):
    conn = PushConnection(target(build_direct_url(server.direct_url, ROOM, PROFILE)), room_id=ROOM)
    conn.open()
    try:
        for _ in range(200):
            if server.open_connections:
                break
            conn.recv(timeout=0.01)
        assert server.drop_connections() == 1
        with pytest.raises(PushConnectionError) as caught:
            for _ in range(200):
                conn.recv(timeout=0.05)
        assert not caught.value.clean and not caught.value.normal
        assert caught.value.code is None
    finally:
        conn.close()


def test_repr_and_target_repr_hide_the_url_query_and_cookie(server):
    url = build_direct_url(server.direct_url, ROOM, PROFILE) + "&secret_token=zzz"
    t = target(url, cookie="sessionid=SECRET")
    assert "SECRET" not in repr(t) and "zzz" not in repr(t)
    assert t.host == server.direct_url
    assert "zzz" not in repr(PushConnection(t, room_id=ROOM))
