"""The pure push protocol: what a client sends, what a server reads back, and batches both ways."""

from __future__ import annotations

import gzip

import pytest

from tests.helpers.live import chat
from tiktoklive_sync.errors import FrameDecodeError
from tiktoklive_sync.live._protocol import (
    Batch,
    RoomState,
    build_ack,
    build_fetch_result,
    build_frame,
    build_msg_frame,
    frame_payload,
    inflate,
    parse_fetch_result,
    parse_frame,
    read_client_frame,
    unpack_batch,
    unpack_fetch_result,
)

ROOM = 7_300_000_000_000_000_042


def test_a_client_enters_beats_and_acks_and_a_server_reads_it_back():
    state = RoomState(ROOM, cursor="c-9")
    enter, first, second = state.enter_room(), state.heartbeat(), state.heartbeat()
    assert read_client_frame(enter).kind == "im_enter_room"
    assert (read_client_frame(enter).room_id, read_client_frame(enter).cursor) == (ROOM, "c-9")
    assert [(read_client_frame(f).kind, read_client_frame(f).seq) for f in (first, second)] == [("hb", 1), ("hb", 2)]
    state.enter_room()
    assert read_client_frame(state.heartbeat()).seq == 1  # entering again restarts the count
    ack = read_client_frame(build_ack(77, "ext"))
    assert (ack.kind, ack.log_id, ack.internal_ext) == ("ack", 77, "ext")
    assert read_client_frame(build_ack(78, "")).internal_ext == "-"


def test_a_received_batch_moves_the_state_and_asks_for_an_ack_only_when_it_needs_one():
    state = RoomState(ROOM)
    for need_ack, expected in ((True, 5), (False, None)):
        result = build_fetch_result([chat("hi")], cursor=f"c-{need_ack}", internal_ext="ext-1", need_ack=need_ack)
        frame = parse_frame(build_msg_frame(result, gzip=need_ack, log_id=5))
        batch = unpack_batch(frame)
        ack = state.receive(frame, batch)
        assert (state.cursor, state.internal_ext) == (f"c-{need_ack}", "ext-1")
        assert (read_client_frame(ack).log_id if ack else None) == expected
    empty = unpack_batch(parse_frame(build_msg_frame(build_fetch_result([], cursor=""))))
    state.remember(empty)
    assert state.cursor == "c-False"  # an empty cursor never erases the resume point


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_batch_round_trips_and_unpacks_alike_whole_or_lazily(gzipped):
    messages = [chat(f"m{i}") for i in range(3)]
    frame = parse_frame(build_msg_frame(build_fetch_result(messages, cursor="7"), gzip=gzipped))
    whole = unpack_fetch_result(frame)
    batch = unpack_batch(frame)
    assert (batch.count, batch.cursor, batch.skipped) == (3, "7", 0)
    assert [m.payload for m in batch.messages()] == [m.payload for m in whole.messages]
    capped = unpack_batch(frame, max_messages=2)
    assert (len(list(capped.messages())), capped.skipped) == (2, 1)
    assert [m.method for m in Batch.from_result(whole).messages()] == ["WebcastChatMessage"] * 3


def test_the_payload_is_inflated_by_header_or_by_magic():
    result = build_fetch_result([chat("x")], cursor="1").SerializeToString()
    by_header = parse_frame(build_frame("msg", gzip.compress(result), headers={"compress_type": "gzip"}))
    by_magic = parse_frame(build_frame("msg", gzip.compress(result), headers={"compress_type": "none"}))
    plain = parse_frame(build_frame("msg", result))
    assert frame_payload(by_header) == frame_payload(by_magic) == frame_payload(plain) == result
    with pytest.raises(ValueError, match="max_inflated_size"):
        frame_payload(plain, limit=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="only 'msg' frames"):
        frame_payload(parse_frame(build_frame("hb")))


@pytest.mark.parametrize(
    "data, message",
    [
        (gzip.compress(b"x" * 1000)[:-9], "truncated"),
        (b"\x1f\x8b\x08" + b"\x00" * 20, "corrupt"),
        (gzip.compress(b"\x00" * 100_000), "more than 1000 bytes"),
    ],
    ids=["truncated", "corrupt", "bomb"],
)
def test_bad_gzip_is_a_frame_decode_error(data, message):
    with pytest.raises(FrameDecodeError, match=message):
        inflate(data, limit=1000)


def test_junk_is_a_frame_decode_error_not_a_protobuf_exception():
    with pytest.raises(FrameDecodeError):
        parse_frame(b"\x0a\xff\xff\xff\xff\x0f" + b"\xa5" * 10)
    with pytest.raises(FrameDecodeError):
        parse_fetch_result(b"\x0a\xff\xff\xff\xff\x0f")
    with pytest.raises(FrameDecodeError):
        read_client_frame(build_frame("hb", b"\x0a\xff\xff"))
    with pytest.raises(ValueError):
        parse_frame("not bytes")  # type: ignore[arg-type]


def test_a_large_batch_skips_message_envelopes_that_do_not_parse():
    good = chat("kept").SerializeToString()
    assert 128 <= len(good) < 16384
    field = b"\x0a" + bytes([len(good) & 0x7F | 0x80, len(good) >> 7]) + good  # field 1, a 2-byte varint length
    raw = field * 2 + b"\x0a\x03\x0a\xff\xff" + b"\x0a\x00" * 200_000 + b"\x12\x011"
    batch = unpack_batch(parse_frame(build_msg_frame(raw, gzip=True)))  # past 256 KiB: parsed lazily
    methods = [m.method for m in batch.messages()]
    assert methods[:2] == ["WebcastChatMessage"] * 2
    assert batch.broken == 1 and len(methods) == batch.max_messages - 1
