"""Where FakeTikTok behaves as TikTok does (PROTOCOL.md), so a client fit only to the fake fails here.

One common header per message; each way into the push server requires only what TikTok requires
there (subprotocol on the signed path, issued ttwid + Origin + query on the direct one); ttwid is
set by the home, profile and live pages; pings are never answered; a new live is a new room id.
"""

from __future__ import annotations

import time

import pytest
import requests
import websocket

import tiktoklive_sync as tls
from tiktoklive_sync import BrowserProfile, testing
from tiktoklive_sync.live._urls import build_direct_url
from tiktoklive_sync.proto.common_pb2 import CommonOnly
from tiktoklive_sync.testing import FakeTikTok
from tiktoklive_sync.testing._batches import _top_level_fields

PROFILE = BrowserProfile()


@pytest.fixture
def fake():
    with FakeTikTok() as f:
        yield f


@pytest.fixture
def http():
    with requests.Session() as s:
        s.trust_env = False
        yield s


def header_copies(payload: bytes) -> int:
    return sum(1 for number, *_ in _top_level_fields(payload) or [] if number == 1)


# -- one header per message -----------------------------------------------------------------------


def test_a_builder_without_room_id_gets_its_header_rewritten_in_place_not_appended(fake):
    room = fake.add_room("someone")
    bare = testing.chat("hello", user="alice")  # room_id=0: the header lacks the room
    assert header_copies(bare.payload) == 1
    fake.push(room.room_id, bare)
    fake.end_live(room.room_id)
    with tls.LiveClient("someone", session=fake.session(), connect="direct") as client:
        events = list(client.events())
    comment = next(e for e in events if isinstance(e, tls.CommentEvent))
    assert (comment.comment, comment.room_id, comment.msg_id) == ("hello", room.room_id, bare.msg_id)
    sent = fake.push_server.feeds.take(room.room_id, 0)
    assert sent is not None and not isinstance(sent.entry, bytes)
    payload = sent.entry.messages[0].payload
    assert header_copies(payload) == 1  # a decoder keeping the last copy still sees method and time
    header = CommonOnly.FromString(payload).common
    assert (header.method, header.room_id, header.msg_id) == ("WebcastChatMessage", room.room_id, bare.msg_id)
    assert header.create_time > 0


def test_stamp_rewrites_the_header_in_place_and_merges_extra_copies():
    msg = testing.gift("Rose", user="bob")
    stamped = testing.stamp(msg, room_id=42, msg_id=7)
    assert header_copies(stamped.payload) == 1
    header = CommonOnly.FromString(stamped.payload).common
    assert (header.room_id, header.msg_id, header.method) == (42, 7, "WebcastGiftMessage")
    assert header.display_text.key == "live_gift_send_message_to_guest"  # the rest of the header kept
    doubled = testing.message("WebcastChatMessage", msg.payload + CommonOnly(common={"room_id": 9}).SerializeToString())
    assert header_copies(doubled.payload) == 2
    fixed = testing.stamp(doubled, msg_id=8)
    assert header_copies(fixed.payload) == 1
    assert CommonOnly.FromString(fixed.payload).common.room_id == 9


# -- handshakes -------------------------------------------------------------------------------------


def open_direct(fake: FakeTikTok, *, ttwid: str | None, origin: str | None = "https://www.tiktok.com",
                url: str | None = None, subprotocols: list[str] | None = None) -> websocket.WebSocket:
    room = fake.rooms.all()[0]
    target = url or build_direct_url(fake.push_server.direct_url, room.room_id, PROFILE)
    headers = [f"Cookie: ttwid={ttwid}"] if ttwid is not None else []
    options = {"origin": origin} if origin else {"suppress_origin": True}
    return websocket.create_connection(target, header=headers, subprotocols=subprotocols, timeout=5, **options)


def test_the_direct_path_needs_no_subprotocol_and_echoes_one_offered(fake):
    fake.add_room("someone")
    plain = open_direct(fake, ttwid=fake.issue_ttwid())
    assert plain.getsubprotocol() is None
    plain.close()
    offered = open_direct(fake, ttwid=fake.issue_ttwid(), subprotocols=["echo-protocol"])
    assert offered.getsubprotocol() == "echo-protocol"
    offered.close()
    assert [h.status for h in fake.ws_handshakes] == [101, 101]


def test_the_signed_path_demands_echo_protocol(fake):
    room = fake.add_room("someone")
    url = fake.push_server.push_url + f"?room_id={room.room_id}"
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        websocket.create_connection(url, timeout=5)
    assert caught.value.status_code == 400
    ok = websocket.create_connection(url, subprotocols=["echo-protocol"], timeout=5)
    assert ok.getsubprotocol() == "echo-protocol"
    ok.close()


@pytest.mark.parametrize(
    "case, status",
    [("made-up ttwid", 403), ("no Origin", 403), ("foreign Origin", 403), ("no query", 400), ("wrong aid", 400)],
)
def test_the_direct_path_is_as_strict_as_protocol_md_says(fake, case, status):
    room = fake.add_room("someone")
    good = build_direct_url(fake.push_server.direct_url, room.room_id, PROFILE)
    options = {
        "made-up ttwid": {"ttwid": "1|made-up|0|0"},
        "no Origin": {"origin": None},
        "foreign Origin": {"origin": "https://evil.example"},
        "no query": {"url": fake.push_server.direct_url + f"?room_id={room.room_id}"},
        "wrong aid": {"url": good.replace("aid=1988", "aid=1")},
    }[case]
    kwargs = {"ttwid": fake.issue_ttwid(), **options}
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        open_direct(fake, **kwargs)
    assert caught.value.status_code == status
    assert [h.status for h in fake.ws_handshakes] == [status]


def test_a_standalone_push_server_stays_lenient():
    with testing.PushServer() as server:
        url = server.direct_url + "?room_id=5"
        ws = websocket.create_connection(url, header=["Cookie: ttwid=anything"], suppress_origin=True, timeout=5)
        ws.close()
        assert [h.status for h in server.handshakes] == [101]


def test_our_client_passes_the_strict_direct_checks_and_the_signed_ones(fake):
    room = fake.add_room("someone")
    fake.end_live(room.room_id)
    for connect in ("direct", "sign"):
        with tls.LiveClient("someone", session=fake.session(sign_api_key="k"), connect=connect) as client:
            assert any(isinstance(e, tls.LiveEndEvent) for e in client.events())
        fake.set_live("someone", True)
        fake.end_live("someone")
    assert [(h.mode, h.status) for h in fake.ws_handshakes] == [("direct", 101), ("sign", 101)]


# -- ttwid ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/@someone", "/@someone/live"])
def test_home_profile_and_live_pages_mint_a_ttwid_the_direct_path_accepts(fake, http, path):
    fake.add_room("someone")
    response = http.get(fake.url(path), timeout=5)
    ttwid = response.cookies.get("ttwid")
    assert response.status_code == 200 and ttwid and ttwid.startswith("1|")
    assert http.get(fake.url(path), timeout=5).cookies.get("ttwid") is None  # a visitor who has one keeps it
    open_direct(fake, ttwid=ttwid).close()


def test_the_sign_server_cookie_ttwid_is_one_the_fake_issued(fake, http):
    room = fake.add_room("someone")
    r = http.get(fake.url("/sign/webcast/fetch"), params={"room_id": room.room_id}, timeout=5)
    cookie = dict(item.split("=", 1) for item in r.headers["X-Set-TT-Cookie"].split("; "))
    open_direct(fake, ttwid=cookie["ttwid"]).close()


# -- pings ------------------------------------------------------------------------------------------


def test_pings_are_never_answered(fake):
    room = fake.add_room("someone")
    ws = open_direct(fake, ttwid=fake.issue_ttwid())
    try:
        ws.ping(b"are you there")
        fake.push(room.room_id, testing.chat("after the ping"))
        ws.send_binary(testing.push_frame(b"", payload_type="im_enter_room"))
        ws.settimeout(2)
        seen = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            opcode, data = ws.recv_data_frame(control_frame=True)
            seen.append(opcode.opcode if hasattr(opcode, "opcode") else opcode)
            if len(seen) >= 2:  # the enter-room answer and the batch
                break
        assert websocket.ABNF.OPCODE_PONG not in seen
        assert seen.count(websocket.ABNF.OPCODE_BINARY) == 2
    finally:
        ws.close()


# -- a new live -------------------------------------------------------------------------------------


def test_a_new_live_is_a_new_room_id_with_an_empty_history(fake):
    old = fake.add_room("bob").room_id
    fake.push("bob", testing.chat("old live"))
    fake.end_live("bob")
    with tls.LiveClient("bob", session=fake.session()) as client:
        list(client.events())
    assert fake.room("bob").live is False
    new = fake.set_live("bob", True).room_id
    assert new != old
    with fake.session() as s:
        assert tls.fetch_room_id(s, "bob") == new
        assert tls.fetch_room_info(s, unique_id="bob").id == new
        assert tls.fetch_room_info(s, room_id=old).status == 4  # the old room answers as ended
        assert tls.fetch_is_live_room_ids(s, old, new) == [False, True]
    fake.push("bob", testing.chat("new live"))
    fake.end_live("bob")
    with tls.LiveClient("bob", session=fake.session()) as client:
        comments = [e.comment for e in client.events() if isinstance(e, tls.CommentEvent)]
    assert comments == ["new live"]  # nothing of the old live, not its end


def test_users_lists_every_creator_and_room(fake):
    fake.add_room("a", live=True)
    fake.add_room("b", live=False)
    assert [(r.unique_id, r.live) for r in fake.users()] == [("a", True), ("b", False)]
