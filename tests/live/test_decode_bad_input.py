"""Bad input never crashes decoding: whole-frame problems raise FrameDecodeError, one bad message
inside a batch is logged and skipped, wrong arguments raise ValueError."""

from __future__ import annotations

import gzip
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tiktoklive_sync as tls
from tiktoklive_sync.errors import FrameDecodeError, TikTokLiveError
from tiktoklive_sync.events._methods import known_methods
from tiktoklive_sync.live._decode import parse_push_frame, unpack_fetch_result
from tiktoklive_sync.proto.envelope_pb2 import WebcastPushFrame
from tiktoklive_sync.testing import builders as b


def _batch() -> list:
    return [b.chat("one", user="alice"), b.like(2, user="bob"), b.gift("Rose", user="carol")]


def _frame_with_payload(payload: bytes, compress: str = "none", payload_type: str = "msg") -> bytes:
    frame = WebcastPushFrame(payload_type=payload_type, payload_encoding="pb", payload=payload)
    frame.headers.add(key="compress_type", value=compress)
    return frame.SerializeToString()


@pytest.mark.parametrize("data", [b"", b"\xff" * 64, b"\x00\x01\x02garbage", b"hello world, not protobuf"])
def test_garbage_frames_raise_frame_decode_error(data: bytes) -> None:
    with pytest.raises(FrameDecodeError) as info:
        tls.decode_frame(data)
    assert isinstance(info.value, TikTokLiveError)
    assert "push frame" in str(info.value)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_every_truncation_of_a_frame_raises(gz: bool) -> None:
    frame = b.push_frame(b.fetch_result(*_batch(), cursor="c", internal_ext="x"), gzip=gz, log_id=3, seq_id=2)
    assert len(tls.decode_frame(frame)) == 3
    for cut in range(len(frame)):
        with pytest.raises(FrameDecodeError):
            tls.decode_frame(frame[:cut])


def test_gzip_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = gzip.compress(b"\0" * (17 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(FrameDecodeError, match="gzip bomb"):
        tls.decode_frame(_frame_with_payload(bomb, "gzip"))


def test_max_inflated_size_is_configurable() -> None:
    frame = b.push_frame(b.fetch_result(*_batch()), gzip=True)
    inflated = len(b.fetch_result(*_batch()).SerializeToString())
    with pytest.raises(FrameDecodeError, match="inflates to more than 100 bytes"):
        tls.decode_frame(frame, max_inflated_size=100)
    assert len(tls.decode_frame(frame, max_inflated_size=inflated + 1000)) == 3
    with pytest.raises(ValueError, match="max_inflated_size"):
        tls.decode_frame(frame, max_inflated_size=0)


def test_corrupt_and_truncated_gzip() -> None:
    good = gzip.compress(b.fetch_result(*_batch()).SerializeToString())
    with pytest.raises(FrameDecodeError, match="corrupt"):
        tls.decode_frame(_frame_with_payload(good[:10] + b"\x00" * 40 + good[50:], "gzip"))
    with pytest.raises(FrameDecodeError, match="truncated"):
        tls.decode_frame(_frame_with_payload(good[: len(good) // 2], "gzip"))
    with pytest.raises(FrameDecodeError):
        tls.decode_frame(_frame_with_payload(b"definitely not gzip", "gzip"))


def test_gzip_is_sniffed_when_the_header_does_not_say_so() -> None:
    payload = gzip.compress(b.fetch_result(*_batch()).SerializeToString())
    for compress in ("none", ""):
        events = tls.decode_frame(_frame_with_payload(payload, compress))
        assert [type(e) for e in events] == [tls.CommentEvent, tls.LikeEvent, tls.GiftEvent]


def test_multi_member_gzip_and_unknown_compress_type() -> None:
    raw = b.fetch_result(*_batch()).SerializeToString()
    two_members = gzip.compress(raw[:40]) + gzip.compress(raw[40:])
    assert len(tls.decode_frame(_frame_with_payload(two_members, "gzip"))) == 3
    # an unknown compress type with a plain payload is parsed as-is
    assert len(tls.decode_frame(_frame_with_payload(raw, "br"))) == 3


@pytest.mark.parametrize("payload_type", ["hb", "ack", "im_enter_room_resp", "something_new"])
def test_other_payload_types_give_no_events(payload_type: str) -> None:
    frame = b.push_frame(b.fetch_result(*_batch()), payload_type=payload_type)
    assert tls.decode_frame(frame) == []
    with pytest.raises(ValueError, match="only 'msg' frames"):
        unpack_fetch_result(parse_push_frame(frame))


def test_msg_frame_whose_payload_is_not_a_fetch_result() -> None:
    with pytest.raises(FrameDecodeError, match="not a ProtoMessageFetchResult"):
        tls.decode_frame(_frame_with_payload(b"\x0a\x05ab"))
    with pytest.raises(FrameDecodeError, match="no payload"):
        tls.decode_frame(_frame_with_payload(b""))


def test_one_bad_message_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    good = _batch()
    broken = b.message("WebcastGiftMessage", b"\x2a\x05ab", msg_id=42)  # field 5 says 5 bytes, 2 follow
    bad_utf8 = b.message("WebcastChatMessage", b"\x1a\x02\xff\xfe", msg_id=43)  # content is not UTF-8
    frame = b.push_frame(b.fetch_result(good[0], broken, good[1], bad_utf8, good[2]), gzip=True)
    with caplog.at_level(logging.WARNING, logger="tiktoklive_sync"):
        events = tls.decode_frame(frame)
    assert [e.msg_id for e in events] == [m.msg_id for m in good]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "WebcastGiftMessage" in warnings[0].getMessage() and "42" in warnings[0].getMessage()
    assert "WebcastChatMessage" in warnings[1].getMessage()


def test_decode_message_raises_a_named_error_for_a_bad_payload() -> None:
    with pytest.raises(FrameDecodeError, match="WebcastChatMessage payload"):
        tls.decode_message("WebcastChatMessage", b"\x1a\x02\xff\xfe")
    with pytest.raises(FrameDecodeError):
        tls.decode_message("WebcastGiftMessage", b"\xff\xff\xff")


def test_unknown_method_never_raises_even_on_garbage() -> None:
    event = tls.decode_message("WebcastBrandNewMessage", b"\xff\xff\xff")
    assert isinstance(event, tls.UnknownEvent)
    assert (event.msg_id, event.room_id, event.create_time) == (0, 0, 0)
    assert event.payload == b"\xff\xff\xff"


def test_wrong_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError, match="frame must be bytes"):
        tls.decode_frame("not bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method must be a str"):
        tls.decode_message(b"WebcastChatMessage", b"")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="payload must be bytes"):
        tls.decode_message("WebcastChatMessage", "text")  # type: ignore[arg-type]
    # bytes-like inputs are fine
    frame = b.push_frame(b.fetch_result(b.chat("x")))
    assert len(tls.decode_frame(bytearray(frame))) == 1
    assert len(tls.decode_frame(memoryview(frame))) == 1
    assert isinstance(tls.decode_message("WebcastChatMessage", bytearray(b"\x1a\x01x")), tls.CommentEvent)


_REAL_FRAME = b.push_frame(b.fetch_result(*_batch(), cursor="c"), gzip=False, log_id=1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzzed_bytes_decode_or_raise_frame_decode_error(data: bytes) -> None:
    try:
        events = tls.decode_frame(data)
    except FrameDecodeError:
        return
    assert isinstance(events, list)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(_REAL_FRAME) - 1), st.integers(min_value=0, max_value=255))
def test_mutated_real_frame_decodes_or_raises_frame_decode_error(position: int, value: int) -> None:
    data = bytearray(_REAL_FRAME)
    data[position] = value
    try:
        events = tls.decode_frame(bytes(data))
    except FrameDecodeError:
        return
    for event in events:  # whatever survived is a usable event
        assert isinstance(event.msg_id, int)
        repr(event)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(known_methods())), st.binary(max_size=200))
def test_random_payloads_give_an_event_whose_properties_all_read(method: str, payload: bytes) -> None:
    try:
        event = tls.decode_message(method, payload)
    except FrameDecodeError:
        return
    for cls in type(event).__mro__:
        for name, attr in vars(cls).items():
            if isinstance(attr, property):
                getattr(event, name)
    repr(event)
    event.to_dict()
