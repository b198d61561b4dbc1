"""Every real captured message in tests/data/realdata decodes to the values SOURCES.md gives.

The captures are single message payloads (what sits in ``BaseProtoMessage.payload``), not whole
frames; the frame tests below wrap them in frames built by ``testing.builders`` and say so.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.events._methods import known_methods
from tiktoklive_sync.testing import builders

REALDATA = Path(__file__).resolve().parents[1] / "data" / "realdata"


@dataclass
class Expected:
    file: str
    method: str | None
    room_id: int | None
    msg_id: int | None
    create_time: int | None
    fields: dict[str, Any] = field(default_factory=dict)


_HEADER = re.compile(r"^- expected: method=`([^`]*)` roomId=(\S+) msgId=(\S+) createTime=(\S+)\s*$", re.M)
_FIELD = re.compile(r"([\w.]+)=(user\((?:[^()']|'(?:[^'\\]|\\.)*')*\)|'(?:[^'\\]|\\.)*'|-?\d+)")


def _number(text: str) -> int | None:
    return None if text == "None" else int(text)


def _value(text: str) -> Any:
    if text.startswith("user("):
        return {key: _value(val) for key, val in _FIELD.findall(text[5:-1])}
    return ast.literal_eval(text)


def _parse_sources() -> list[Expected]:
    text = (REALDATA / "SOURCES.md").read_text(encoding="utf-8")
    out = []
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        name = section.split("`")[1]
        if not name.startswith("msg_"):
            continue
        head = _HEADER.search(section)
        assert head, f"no expected line for {name}"
        method, room, msg, created = head.groups()
        expected = Expected(name, None if method == "None" else method, _number(room), _number(msg), _number(created))
        line = re.search(r"^- expected fields: (.*)$", section, re.M)
        if line:
            expected.fields = {key: _value(val) for key, val in _FIELD.findall(line.group(1))}
            top_level_keys = re.findall(r"(?:^|; )([\w.]+)=", line.group(1))
            assert list(expected.fields) == top_level_keys, f"could not read every field of {name}"
        out.append(expected)
    return out


SOURCES = _parse_sources()


def _method_for(expected: Expected) -> str:
    """The method to decode with: SOURCES.md's (common.method), else the one in the file name."""
    if expected.method:
        return expected.method
    return re.sub(r"^msg_jwjava_(?:jw|log|test)_|(?:_\d+)?\.bin$", "", expected.file)


# how each expected field of SOURCES.md reads off our events
_READERS: dict[str, Callable[[Any], Any]] = {
    "action": lambda e: e.action,
    "content": lambda e: e.comment,
    "totalUser": lambda e: e.total_user,
    "ranks": lambda e: len(e.top_viewers),
    "count": lambda e: e.count,
    "giftId": lambda e: e.gift_id,
    "repeatCount": lambda e: e.repeat_count,
    "gift.name": lambda e: e.gift.name,
    "gift.id": lambda e: e.gift.id,
    "gift.diamondCount": lambda e: e.gift.diamond_count,
    "gift.type": lambda e: e.gift.type,
    "memberCount": lambda e: e.member_count,
    "shareType": lambda e: e.share_type,
    "emotes": lambda e: len(e.emotes),
    "total": lambda e: e.viewer_count if isinstance(e, tls.RoomUserSeqEvent) else e.total,
}


def test_sources_md_lists_every_capture() -> None:
    files = sorted(p.name for p in REALDATA.glob("msg_*.bin"))
    assert files and sorted(e.file for e in SOURCES) == files
    assert sum(1 for e in SOURCES if e.fields) >= 10


@pytest.mark.parametrize("expected", SOURCES, ids=lambda e: e.file[11:-4])
def test_capture_decodes_to_sources_values(expected: Expected) -> None:
    payload = (REALDATA / expected.file).read_bytes()
    method = _method_for(expected)
    event = tls.decode_message(method, payload)

    assert event.method == method
    assert event.msg_id == (expected.msg_id or 0)
    assert event.room_id == (expected.room_id or 0)
    assert event.create_time == (expected.create_time or 0)
    if expected.method:
        assert event.common.method == expected.method
    for name, value in expected.fields.items():
        if name == "user":
            user = event.user
            assert (user.id, user.unique_id, user.nickname) == (value["id"], value["uniqueId"], value["nickname"])
        else:
            assert _READERS[name](event) == value, name


@pytest.mark.parametrize("expected", SOURCES, ids=lambda e: e.file[11:-4])
def test_known_methods_get_their_class_and_every_property_reads(expected: Expected) -> None:
    method = _method_for(expected)
    event = tls.decode_message(method, (REALDATA / expected.file).read_bytes())
    canonical = method if method.startswith("Webcast") else "Webcast" + method
    assert isinstance(event, tls.UnknownEvent) == (canonical not in known_methods())
    # every typed property of the class works on real data (no AttributeError / ValueError)
    for cls in type(event).__mro__:
        for name, attr in vars(cls).items():
            if isinstance(attr, property):
                getattr(event, name)
    assert type(event).__name__ in repr(event)
    assert event.to_dict()["method"] == method


def test_aliases_without_the_webcast_prefix() -> None:
    payload = (REALDATA / "msg_jwjava_log_LinkMicMethod_0.bin").read_bytes()
    short = tls.decode_message("LinkMicMethod", payload)
    full = tls.decode_message("WebcastLinkMicMethod", payload)
    assert type(short) is type(full) is tls.events.LinkMicMethodEvent
    assert short.raw == full.raw and short.method == "LinkMicMethod"
    system = tls.decode_message("SystemMessage", (REALDATA / "msg_jwjava_log_RoomMessage_0.bin").read_bytes())
    assert isinstance(system, tls.events.SystemEvent) and system.message.startswith("Welcome to TikTok LIVE")


def test_specific_real_values() -> None:
    def load(name: str, method: str) -> Any:
        return tls.decode_message(method, (REALDATA / f"msg_jwjava_log_{name}_0.bin").read_bytes())

    share = load("WebcastSocialMessage", "WebcastSocialMessage")
    assert isinstance(share, tls.ShareEvent)
    gift = load("WebcastGiftMessage", "WebcastGiftMessage")
    assert gift.streakable and gift.streaking and gift.value == 1 and gift.gift.name == "Ice Cream Cone"
    control = load("WebcastControlMessage", "WebcastControlMessage")
    assert isinstance(control, tls.events.LiveUnpauseEvent)
    caption = load("WebcastCaptionMessage", "WebcastCaptionMessage")
    assert caption.captions["en"].startswith("Grab a toro.")
    armies = load("WebcastLinkMicArmies", "WebcastLinkMicArmies")
    assert armies.host_scores == {7195253152986547205: 1883, 6953610941431841794: 23}
    rank = load("WebcastRankTextMessage", "WebcastRankTextMessage")
    assert rank.text.endswith("just got the No. 1 gifter badge")
    question = load("WebcastQuestionNewMessage", "WebcastQuestionNewMessage")
    assert question.question == "Wie definierst du einen „guten“ Menschen?"
    assert question.user.unique_id == "shadowknigh11"
    pin = load("WebcastRoomPinMessage", "WebcastRoomPinMessage")
    assert isinstance(pin.pinned_event, tls.GiftEvent) and pin.pinned_event.gift_id == 6265
    poll = load("WebcastPollMessage", "WebcastPollMessage")
    assert [(o.text, o.votes) for o in poll.options] == [("😁", 1), ("😭", 0)]
    envelope = load("WebcastEnvelopeMessage", "WebcastEnvelopeMessage")
    assert (envelope.sender_unique_id, envelope.diamond_count, envelope.people_count) == ("crecee.saraa", 20, 16)
    weekly = load("WebcastWeeklyRankRewardMessage", "WebcastWeeklyRankRewardMessage")
    assert isinstance(weekly, tls.UnknownEvent) and (weekly.msg_id, weekly.room_id) == (0, 0)
    unknown = load("WebcastHashtagMessage", "WebcastHashtagMessage")
    assert isinstance(unknown, tls.UnknownEvent) and unknown.msg_id == 7285919453966879489


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_captures_wrapped_in_frames_decode_through_decode_frame(gzip: bool) -> None:
    """Not a real frame: the real payloads wrapped by our builders in a fetch result and push frame."""
    pairs = [(_method_for(e), (REALDATA / e.file).read_bytes()) for e in SOURCES]
    messages = [builders.message(method, payload) for method, payload in pairs]
    frame = builders.push_frame(builders.fetch_result(*messages, cursor="1", internal_ext="x"), gzip=gzip, log_id=7)
    events = tls.decode_frame(frame)
    singles = [tls.decode_message(method, payload) for method, payload in pairs]
    assert [type(e) for e in events] == [type(e) for e in singles]
    assert [(e.method, e.msg_id, e.room_id, e.create_time) for e in events] == [
        (e.method, e.msg_id, e.room_id, e.create_time) for e in singles
    ]
    assert all(a.raw == b.raw for a, b in zip(events, singles, strict=True))


def test_one_real_message_per_frame_like_tiktok_sends() -> None:
    for expected in SOURCES:
        payload = (REALDATA / expected.file).read_bytes()
        frame = builders.push_frame(builders.fetch_result(builders.message(_method_for(expected), payload)))
        [event] = tls.decode_frame(frame)
        assert event.msg_id == (expected.msg_id or 0)
