"""Event.to_dict(): flat, JSON-ready records under the documented names, for every real capture and
for any bytes a message may hold."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.events._methods import known_methods

REALDATA = Path(__file__).resolve().parents[1] / "data" / "realdata"
CAPTURES = sorted(REALDATA.glob("msg_*.bin"))
PLAIN = (str, int, float, bool, type(None))


def method_of(path: Path) -> str:
    return re.sub(r"^msg_jwjava_(?:jw|log|test)_|(?:_\d+)?\.bin$", "", path.name)


def assert_flat(record: dict) -> None:
    """Only plain values (a list of plain values, or captions' language -> text, at most)."""
    for key, value in record.items():
        assert isinstance(key, str)
        if isinstance(value, list):
            assert all(isinstance(item, PLAIN) for item in value), key
        elif isinstance(value, dict):
            assert key == "captions" and all(isinstance(v, str) for v in value.values()), key
        else:
            assert isinstance(value, PLAIN), (key, value)
    assert json.loads(json.dumps(record)) == record


def test_there_are_captures_to_check():
    assert len(CAPTURES) >= 80


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name[11:-4])
def test_every_real_capture_gives_a_flat_record_of_its_event(path):
    event = tls.decode_message(method_of(path), path.read_bytes())
    record = event.to_dict()
    assert_flat(record)
    assert record["type"] == type(event).__name__ and record["method"] == event.method
    assert record["msg_id"] == (event.msg_id or None) and record["room_id"] == event.room_id
    if event.created_at is not None:
        assert dt.datetime.fromisoformat(record["created_at"]) == event.created_at
        assert record["created_at"].endswith("+00:00")
    if hasattr(event, "user"):
        assert record["user_id"] == (event.user.id or None) and record["unique_id"] == event.user.unique_id
        assert record["nickname"] == event.user.nickname


def test_the_real_comment_and_gift_read_under_their_documented_names():
    capture = REALDATA / "msg_jwjava_log_WebcastChatMessage_0.bin"
    record = tls.decode_message("WebcastChatMessage", capture.read_bytes()).to_dict()
    assert record["comment"] == "+999" and record["user_id"] == 7207083673244845061
    assert isinstance(record["user_id"], int) and record["user_id"] > 0
    gift = tls.decode_message("WebcastGiftMessage", (REALDATA / "msg_jwjava_test_WebcastGiftMessage.bin").read_bytes())
    record = gift.to_dict()
    assert (record["gift_id"], record["gift_name"], record["diamond_count"]) == (
        gift.gift_id, gift.gift_name, gift.diamond_count)
    assert (record["repeat_count"], record["repeat_end"], record["streaking"], record["value"]) == (
        gift.repeat_count, gift.repeat_end, gift.streaking, gift.value)
    assert record["to_user_id"] == (gift.to_user.id or None)


def test_built_events_read_back_their_fields():
    like = tls.decode_message(*_parts(testing.like(15, user="carol", total=1200, room_id=9)))
    assert {k: like.to_dict()[k] for k in ("type", "count", "total", "unique_id", "room_id")} == {
        "type": "LikeEvent", "count": 15, "total": 1200, "unique_id": "carol", "room_id": 9}
    end = tls.decode_message(*_parts(testing.live_end(room_id=9)))
    assert end.to_dict()["type"] == "LiveEndEvent" and end.to_dict()["action"] == 3


def _parts(message) -> tuple[str, bytes]:
    return message.method, message.payload


def test_client_events_and_unknown_messages():
    gone = tls.DisconnectEvent(room_id=42, reason="stale socket", code=1006, reconnecting=True).to_dict()
    assert {k: gone[k] for k in ("type", "msg_id", "room_id", "reason", "code", "reconnecting")} == {
        "type": "DisconnectEvent", "msg_id": None, "room_id": 42, "reason": "stale socket", "code": 1006,
        "reconnecting": True}
    unknown = tls.UnknownEvent("WebcastNeverSeenMessage", b"\x00\x01binary").to_dict()
    assert (unknown["type"], unknown["method"]) == ("UnknownEvent", "WebcastNeverSeenMessage")
    assert unknown["payload_size"] == 8
    assert base64.b64decode(unknown["payload_base64"]) == b"\x00\x01binary"
    assert_flat(unknown)


@pytest.mark.parametrize("method", sorted(known_methods()))
def test_an_empty_message_of_every_known_method_gives_a_flat_record(method):
    record = tls.decode_message(method, b"").to_dict()
    assert_flat(record)
    assert record["msg_id"] is None and record["created_at"] is None


@given(st.sampled_from(sorted(known_methods())), st.binary(max_size=300))
def test_random_payloads_give_flat_records_or_a_decode_error(method, payload):
    try:
        event = tls.decode_message(method, payload)
    except tls.FrameDecodeError:
        return
    assert_flat(event.to_dict())
