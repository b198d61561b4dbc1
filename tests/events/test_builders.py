"""testing.builders: messages with complete headers and fresh ids, batches and push frames laid
out as TikTok sends them."""

from __future__ import annotations

import gzip

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.proto import common_pb2
from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame
from tiktoklive_sync.testing import builders as b

ALL_BUILDERS = [
    lambda: b.chat("x"), lambda: b.gift(), lambda: b.like(), lambda: b.join(), lambda: b.subscribe(),
    lambda: b.follow(), lambda: b.share(), lambda: b.room_user_seq(1), lambda: b.control(1), lambda: b.live_end(),
    lambda: b.live_pause(), lambda: b.live_unpause(), lambda: b.sub_notify(), lambda: b.emote_chat(),
    lambda: b.question("q"), lambda: b.envelope(), lambda: b.battle(1, 1),
]


@pytest.mark.parametrize("build", ALL_BUILDERS)
def test_every_builder_writes_a_complete_header(build) -> None:
    msg = build()
    header = common_pb2.CommonOnly.FromString(msg.payload).common
    assert header.method == msg.method and header.msg_id == msg.msg_id != 0
    assert header.create_time > 1_700_000_000_000
    event = tls.decode_message(msg.method, msg.payload)
    assert not isinstance(event, tls.UnknownEvent) and event.msg_id == msg.msg_id


def test_msg_ids_are_fresh_and_room_id_is_settable() -> None:
    ids = [build().msg_id for build in ALL_BUILDERS for _ in range(3)]
    assert len(set(ids)) == len(ids)
    msg = b.chat("x", room_id=99, msg_id=1234, create_time=5)
    event = tls.decode_message(msg.method, msg.payload)
    assert (event.room_id, event.msg_id, event.create_time, msg.msg_id) == (99, 1234, 5, 1234)


def test_stamp_rewrites_the_header_of_any_message() -> None:
    msg = b.gift("Rose", user="u")
    stamped = b.stamp(msg, room_id=7, msg_id=8)
    event = tls.decode_message(stamped.method, stamped.payload)
    assert (event.room_id, event.msg_id, stamped.msg_id) == (7, 8, 8)
    assert event.gift.name == "Rose" and event.user.unique_id == "u"
    assert msg.msg_id != 8  # the original is untouched


def test_message_wraps_raw_payloads() -> None:
    header = common_pb2.CommonOnly()
    header.common.msg_id = 555
    assert b.message("WebcastX", header.SerializeToString()).msg_id == 555
    assert b.message("WebcastX", header).msg_id == 555
    assert b.message("WebcastX", b"\xff\xff").msg_id > 7_000_000_000_000_000_000
    assert b.message("WebcastX", b"", msg_id=3).msg_id == 3


def test_users_by_name_or_message() -> None:
    assert b.make_user("alice").id == b.make_user("alice").id
    user = b.make_user("x", user_id=5, nickname="X")
    event = tls.decode_message("WebcastChatMessage", b.chat("hi", user=user).payload)
    assert (event.user.id, event.user.nickname, event.user.unique_id) == (5, "X", "x")
    with pytest.raises(ValueError, match="user must be"):
        b.chat("hi", user=42)  # type: ignore[arg-type]


def test_fetch_result_and_push_frame_layout() -> None:
    result = b.fetch_result(b.chat("a"), b.like(), cursor="c1", internal_ext="ext", need_ack=True, now=123)
    assert (result.cursor, result.internal_ext, result.need_ack, result.now, len(result.messages)) == (
        "c1", "ext", True, 123, 2
    )
    for gz in (False, True):
        data = b.push_frame(result, gzip=gz, log_id=9, seq_id=4, headers={"im-cursor": "c1"})
        frame = WebcastPushFrame.FromString(data)
        assert (frame.log_id, frame.seq_id, frame.payload_type, frame.payload_encoding) == (9, 4, "msg", "pb")
        assert [(h.key, h.value) for h in frame.headers] == [("compress_type", "gzip" if gz else "none"),
                                                            ("im-cursor", "c1")]
        payload = gzip.decompress(frame.payload) if gz else frame.payload
        assert ProtoMessageFetchResult.FromString(payload) == result
    with pytest.raises(ValueError, match="BaseProtoMessage"):
        b.fetch_result("not a message")  # type: ignore[arg-type]


def test_builders_are_exported_by_testing() -> None:
    assert testing.chat is b.chat and testing.push_frame is b.push_frame and "fetch_result" in testing.__all__
