"""FakeTikTok's push server: feeds, cursors, history repeats, faults, and real recorded frames."""

from __future__ import annotations

import pytest

from tiktoklive_sync import BrowserProfile, CommentEvent, LiveClient, LiveEndEvent, testing
from tiktoklive_sync.live._connection import PushConnection, WebSocketTarget
from tiktoklive_sync.live._decode import decode_message, unpack_fetch_result
from tiktoklive_sync.live._protocol import build_enter_room
from tiktoklive_sync.live._urls import build_direct_url, build_sign_url
from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult
from tiktoklive_sync.testing import FakeTikTok, PushServer
from tiktoklive_sync.testing._corpus import make_corpus

ROOM = 7_300_000_000_000_000_077
PROFILE = BrowserProfile()


@pytest.fixture
def server():
    with PushServer(history=2) as srv:
        yield srv


def open_direct(server: PushServer, *, cursor: str | None = None) -> PushConnection:
    url = build_direct_url(server.direct_url, ROOM, PROFILE, cursor=cursor)
    conn = PushConnection(
        WebSocketTarget(url=url, cookie="ttwid=x", user_agent=PROFILE.user_agent, mode="direct"), room_id=ROOM
    )
    conn.open()
    conn.send(build_enter_room(ROOM))
    return conn


def read_batches(conn: PushConnection, count: int) -> list[ProtoMessageFetchResult]:
    batches = []
    for _ in range(500):
        if len(batches) == count:
            break
        frame = conn.recv(timeout=0.02)
        if frame is not None and frame.payload_type == "msg":
            assert [h.value for h in frame.headers if h.key == "compress_type"] == ["gzip"]
            batches.append(unpack_fetch_result(frame))
    return batches


def test_messages_pushed_before_anyone_connects_wait_and_arrive_in_order(server):
    first = server.push(ROOM, testing.chat("a"), testing.chat("b"))
    second = server.push(ROOM, testing.like(3))
    conn = open_direct(server)
    try:
        batches = read_batches(conn, 2)
    finally:
        conn.close()
    assert [[m.msg_id for m in b.messages] for b in batches] == [first, second]
    assert [b.cursor for b in batches] == ["1", "2"]
    assert all(b.need_ack for b in batches)
    comment = decode_message(batches[0].messages[0].method, batches[0].messages[0].payload)
    assert isinstance(comment, CommentEvent)
    assert (comment.comment, comment.room_id, comment.msg_id) == ("a", ROOM, first[0])


def test_push_keeps_given_ids_fills_missing_ones_and_stamps_the_room(server):
    given = testing.chat("mine", msg_id=7_000_000_000_000_000_123, room_id=555)
    bare = testing.message("WebcastChatMessage", b"")  # no header at all
    bare.msg_id = 0
    ids = server.push(ROOM, given, bare)
    assert ids[0] == 7_000_000_000_000_000_123
    assert ids[1] >= 7_400_000_000_000_000_001
    conn = open_direct(server)
    try:
        (batch,) = read_batches(conn, 1)
    finally:
        conn.close()
    mine, filled = (decode_message(m.method, m.payload) for m in batch.messages)
    assert (mine.msg_id, mine.room_id) == (ids[0], 555)  # a room id the test chose is kept
    assert (filled.msg_id, filled.room_id) == (ids[1], ROOM)


def test_a_connection_resumes_after_its_cursor_and_repeats_recent_history(server):
    ids = [server.push(ROOM, testing.chat(str(i)))[0] for i in range(6)]
    conn = open_direct(server, cursor="4")
    try:
        batches = read_batches(conn, 4)
    finally:
        conn.close()
    # history=2: batches 3 and 4 again, then 5 and 6
    assert [b.messages[0].msg_id for b in batches] == ids[2:]
    assert [b.cursor for b in batches] == ["3", "4", "5", "6"]


def test_nothing_is_sent_before_enter_room(server):
    server.push(ROOM, testing.chat("x"))
    url = build_direct_url(server.direct_url, ROOM, PROFILE)
    conn = PushConnection(
        WebSocketTarget(url=url, cookie="ttwid=x", user_agent=PROFILE.user_agent, mode="direct"), room_id=ROOM
    )
    conn.open()
    try:
        assert all(conn.recv(timeout=0.02) is None for _ in range(5))
        conn.send(build_enter_room(ROOM))
        assert len(read_batches(conn, 1)) == 1
    finally:
        conn.close()


def test_bootstrap_points_at_the_push_server_and_carries_the_resume_cursor(server):
    fetch = server.bootstrap(ROOM, cursor="3")
    assert fetch.push_server == server.push_url and fetch.is_first
    assert fetch.route_params["cursor"] == "3"
    url = build_sign_url(fetch, ROOM, PROFILE)
    assert "cursor=3" in url


@pytest.mark.parametrize(
    "path, cookie, status",
    [
        ("/elsewhere/", "ttwid=x", 404),
        (None, "", 401),  # the direct path needs the ttwid cookie
    ],
)
def test_bad_handshakes_are_refused(server, path, cookie, status):
    base = server.url + path if path else server.direct_url
    url = build_direct_url(base, ROOM, PROFILE)
    conn = PushConnection(
        WebSocketTarget(url=url, cookie=cookie, user_agent=PROFILE.user_agent, mode="direct"), room_id=ROOM
    )
    with pytest.raises(ConnectionError):
        conn.open()
    assert [h.status for h in server.handshakes] == [status]


def test_fake_wires_both_ways_in_to_its_push_server_and_stops_it():
    with FakeTikTok() as fake:
        server = fake.push_server
        assert fake.push_url == server.push_url
        assert fake.endpoints.ws_direct == server.direct_url
        assert fake.push_server_url == server.push_url
        with fake.session() as s:
            assert s.endpoints.ws_direct == server.direct_url
    assert fake.push_url is None and fake.ws_direct_url is None
    with pytest.raises(OSError):
        PushConnection(
            WebSocketTarget(url=server.direct_url + "?room_id=1", cookie="ttwid=x", user_agent="UA", mode="direct"),
            room_id=1, connect_timeout=2,
        ).open()


def test_push_by_unique_id_and_unknown_names():
    with FakeTikTok() as fake:
        room = fake.add_room("someone")
        fake.push("@someone", testing.chat("hi"))
        fake.push(str(room.room_id), testing.chat("hi again"))
        with pytest.raises(ValueError):
            fake.push("nobody", testing.chat("lost"))


def test_recorded_frames_replay_through_the_live_client_exactly():
    frames, manifest = make_corpus(20)
    expected = [tuple(m) for frame in manifest["first_20_frames"] for m in frame["messages"]]
    with FakeTikTok() as fake:
        room = fake.add_room("someone")
        assert fake.replay(room.room_id, frames) == 20
        fake.end_live(room.room_id)
        with LiveClient("someone", session=fake.session(), poll_interval=0.05) as client:
            events = [e for e in client.events() if e.msg_id]
    assert [(e.method, e.msg_id) for e in events[:-1]] == expected
    assert isinstance(events[-1], LiveEndEvent)
    assert client.stats.undecodable == 0
    assert {e.room_id for e in events[:-1]} == {manifest["room_id"]}
