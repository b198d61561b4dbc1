"""Fuzzing the WebSocket decoding: ``decode_frame`` (push frame -> gzip -> batch -> events) and
``decode_message`` (one method + payload -> one event), and every property of what they return.

Inputs: the first frames of the bench corpus (real push-frame layout, ~20% gzipped) and the real
message captures of tests/data/realdata, mutated at every layer (frame bytes; the batch inside,
re-gzipped; one message's payload or method; one protobuf field set to a hostile value), and
arbitrary bytes. The property: a list of events (each readable: every property, repr, to_dict) or a
``FrameDecodeError``; nothing else escapes and nothing hangs.
"""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st

import tiktoklive_sync as tls
from tests.helpers.fuzz import (
    no_hang,
    outcome,
    read_all_properties,
    real_messages,
)
from tests.helpers.fuzz_values import (
    ODD_STRINGS,
    mutate_bytes,
)
from tiktoklive_sync.events._methods import known_methods
from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame
from tiktoklive_sync.proto.messages_pb2 import ChatMessage
from tiktoklive_sync.testing import builders as b
from tiktoklive_sync.testing._corpus import make_corpus

#: bench frames used as bases (the first ones of frames.bin)
FRAME_COUNT = 60
FRAMES: list[bytes] = []  # filled from the bench corpus by the fixture below
METHODS = sorted(known_methods())
PROTO_CLASSES = known_methods()
MESSAGES = list(real_messages())
BUILT = [  # builder messages: events whose display texts, streaks and counts the captures lack
    b.chat("hi", user="alice"), b.gift("Rose", user="bob", repeat_count=3), b.like(5, user="carol"),
    b.follow("dave"), b.share("erin", users_joined=4), b.join("frank"), b.subscribe("gina"),
    b.room_user_seq(12), b.control(3), b.sub_notify("hank"), b.emote_chat(user="ivy"),
    b.question("why?", user="jo"), b.envelope(), b.battle(1, 1, scores={1: 2}),
]
MESSAGES += [(m.method, m.payload) for m in BUILT]


@pytest.fixture(scope="module", autouse=True)
def _bench_frames() -> None:
    if not FRAMES:
        FRAMES.extend(make_corpus(FRAME_COUNT, seed=20240601)[0])
    assert len(FRAMES) == FRAME_COUNT


# -- hostile protobuf field values -------------------------------------------------------------

_INDEX = st.integers(min_value=0, max_value=2**20)
HOSTILE_PROTO_STRINGS = [
    *(text for text in ODD_STRINGS if text != "\ud800"),  # protobuf strings must encode as UTF-8
    "{0:user} sent {1:gift} \u00d7 {2:string}", "{" + "9" * 5000 + "}", "{0:" * 3000, "{99}", "{-1}",
    "_lv" + "9" * 5000 + ".png", "https://p16.example.test/badge_lv99.png", "pm_mt_guidance_viewer_" + "7" * 5000
    + "_share", "pm_main_follow_message_viewer_2", "ttlive_superfan_x", "x" * 20000,
]
_INT_RANGES = {
    FieldDescriptor.CPPTYPE_INT32: [0, 1, -1, 2**31 - 1, -(2**31), 3, 4, 19],
    FieldDescriptor.CPPTYPE_INT64: [0, 1, -1, 2**63 - 1, -(2**63), 253402300800000, -62135596800001],
    FieldDescriptor.CPPTYPE_UINT32: [0, 1, 2**32 - 1, 3],
    FieldDescriptor.CPPTYPE_UINT64: [0, 1, 2**64 - 1, 2**63, 253402300800000, 10**17],
    FieldDescriptor.CPPTYPE_DOUBLE: [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e308],
    FieldDescriptor.CPPTYPE_FLOAT: [0.0, float("inf"), float("nan"), -1.5],
    FieldDescriptor.CPPTYPE_BOOL: [True, False],
    FieldDescriptor.CPPTYPE_ENUM: [0, 1, 3, 99999, -1, 2**31 - 1],
}


def _fields(message: Message, depth: int = 0) -> list[tuple[Message, FieldDescriptor]]:
    """(message, field) for every field of ``message`` and of the sub-messages it has set."""
    out = []
    for field in message.DESCRIPTOR.fields:
        out.append((message, field))
        if depth >= 3 or field.cpp_type != FieldDescriptor.CPPTYPE_MESSAGE:
            continue
        if field.is_repeated:
            value = getattr(message, field.name)
            if field.message_type.GetOptions().map_entry:
                continue
            for item in list(value)[:2]:
                out += _fields(item, depth + 1)
        elif message.HasField(field.name):
            out += _fields(getattr(message, field.name), depth + 1)
    return out


def _hostile_value(draw: st.DrawFn, field: FieldDescriptor) -> Any:
    if field.cpp_type == FieldDescriptor.CPPTYPE_STRING:
        if field.type == FieldDescriptor.TYPE_BYTES:
            return draw(st.binary(max_size=32))
        return HOSTILE_PROTO_STRINGS[draw(_INDEX) % len(HOSTILE_PROTO_STRINGS)]
    choices = _INT_RANGES[field.cpp_type]
    return choices[draw(_INDEX) % len(choices)]


def mutate_fields(draw: st.DrawFn, message: Message, count: int) -> None:
    """Set ``count`` random fields (anywhere in the message tree) to hostile values, in place."""
    for _ in range(count):
        targets = _fields(message)
        owner, field = targets[draw(_INDEX) % len(targets)]
        if field.cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
            container = getattr(owner, field.name)
            if field.is_repeated:
                if not field.message_type.GetOptions().map_entry:
                    container.add()  # an empty item: every field at its default
            else:
                container.SetInParent()  # present, every field at its default
        elif field.is_repeated:
            getattr(owner, field.name).append(_hostile_value(draw, field))
        else:
            setattr(owner, field.name, _hostile_value(draw, field))


_COUNTS = st.integers(min_value=1, max_value=3)
_MESSAGE_OPS = st.sampled_from(["bytes", "fields", "fields", "method", "as-is"])
_METHOD_SPELLINGS = st.sampled_from(["same", "lower", "no-prefix", "other", "unknown", "empty"])


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, bytes]:
    """A (method, payload) pair: a real or built message, mutated in its bytes, fields or method."""
    method, payload = MESSAGES[draw(_INDEX) % len(MESSAGES)]
    op = draw(_MESSAGE_OPS)
    if op == "bytes":
        payload = mutate_bytes(draw, payload)
    elif op == "fields" and method in PROTO_CLASSES:
        message = PROTO_CLASSES[method].FromString(payload)
        mutate_fields(draw, message, draw(_COUNTS))
        payload = message.SerializeToString()
    elif op == "method":
        spelling = draw(_METHOD_SPELLINGS)
        if spelling == "lower":
            method = method.lower()
        elif spelling == "no-prefix":
            method = method.removeprefix("Webcast")
        elif spelling == "other":  # the payload of one message read as another
            method = METHODS[draw(_INDEX) % len(METHODS)]
        elif spelling == "unknown":
            method = draw(st.text(max_size=12))
        elif spelling == "empty":
            method = ""
    return method, payload


def _check_event(event: Any) -> None:
    assert isinstance(event, tls.Event)
    assert isinstance(event.msg_id, int) and isinstance(event.method, str)
    read_all_properties(event)


@given(st.one_of(messages(), messages(), messages(), st.tuples(st.sampled_from(METHODS), st.binary(max_size=64))))
def test_decode_message_gives_a_readable_event_or_frame_decode_error(pair: tuple[str, bytes]) -> None:
    method, payload = pair
    event = outcome(lambda: tls.decode_message(method, payload))
    if isinstance(event, tls.TikTokLiveError):
        assert isinstance(event, tls.FrameDecodeError)
        return
    with no_hang():  # reading an event raises nothing at all
        _check_event(event)


# -- frames --------------------------------------------------------------------------------------

_FRAME_OPS = st.sampled_from(["frame-bytes", "batch-bytes", "message", "message", "message", "payload-type"])
_COMPRESS = st.sampled_from(["same", "same", "none", "gzip", "deflate", ""])


def _rewrap(frame: WebcastPushFrame, batch: bytes, gzipped: bool, compress: str) -> bytes:
    out = WebcastPushFrame()
    out.CopyFrom(frame)
    out.payload = gzip.compress(batch, compresslevel=1, mtime=0) if gzipped else batch
    if compress != "same":
        del out.headers[:]
        out.headers.add(key="compress_type", value=compress)
    return out.SerializeToString()


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    """A bench frame mutated at one layer: its bytes, its batch's bytes, one message, its type."""
    data = FRAMES[draw(_INDEX) % len(FRAMES)]
    op = draw(_FRAME_OPS)
    if op == "frame-bytes":
        return mutate_bytes(draw, data)
    frame = WebcastPushFrame.FromString(data)
    if op == "payload-type":
        frame.payload_type = draw(st.sampled_from(["hb", "ack", "im_enter_room_resp", "", "MSG", "msg "]))
        return frame.SerializeToString()
    gzipped = frame.payload[:2] == b"\x1f\x8b"
    batch = gzip.decompress(frame.payload) if gzipped else frame.payload
    if op == "batch-bytes":
        batch = mutate_bytes(draw, batch)
    else:
        result = ProtoMessageFetchResult.FromString(batch)
        if result.messages:
            index = draw(_INDEX) % len(result.messages)
            method, payload = draw(messages())
            target = result.messages[index]
            if draw(st.booleans()):  # one of the frame's own messages, mutated
                base = PROTO_CLASSES.get(target.method)
                if base is not None:
                    message = base.FromString(target.payload)
                    mutate_fields(draw, message, draw(_COUNTS))
                    method, payload = target.method, message.SerializeToString()
            target.method, target.payload = method, payload
        batch = result.SerializeToString()
    return _rewrap(frame, batch, gzipped, draw(_COMPRESS))


@given(st.one_of(frames(), frames(), frames(), st.binary(max_size=128)), st.sampled_from([None, None, None, 64, 4096]))
def test_decode_frame_gives_readable_events_or_frame_decode_error(data: bytes, limit: int | None) -> None:
    kwargs = {} if limit is None else {"max_inflated_size": limit}
    events = outcome(lambda: tls.decode_frame(data, **kwargs))
    if isinstance(events, tls.TikTokLiveError):
        assert isinstance(events, tls.FrameDecodeError)
        return
    assert isinstance(events, list)
    with no_hang():
        for event in events:
            _check_event(event)


def test_the_unmutated_bases_decode() -> None:
    # the bases the fuzzing mutates decode to events: the properties above are not vacuous
    assert sum(len(tls.decode_frame(frame)) for frame in FRAMES) > FRAME_COUNT
    for method, payload in MESSAGES:
        _check_event(tls.decode_message(method, payload))


# -- bugs the fuzzing found (kept as plain regression tests) -----------------------------------


def _chat_with_display_pattern(pattern: str) -> tls.CommentEvent:
    chat = ChatMessage.FromString(b.chat("hi", user="alice").payload)
    chat.common.display_text.key = "chat"
    chat.common.display_text.default_pattern = pattern
    chat.common.display_text.pieces.add().string_value = "alice"
    return tls.decode_message("WebcastChatMessage", chat.SerializeToString())


@pytest.mark.parametrize("digits", ["9" * 5000, "0" * 5000, "1" * 10])
def test_a_placeholder_index_too_long_for_int_renders_empty(digits: str) -> None:
    # found by test_decode_message_gives_a_readable_event_or_frame_decode_error: render_text raised
    # ValueError ("Exceeds the limit (4300 digits)") for a "{9999...}" placeholder
    event = _chat_with_display_pattern("{0:user} says {" + digits + "}!")
    assert event.display_text == "alice says !"


@pytest.mark.parametrize("pattern", ["{0:" * 100_000, "{0:user" * 50_000 + "}"])
def test_a_display_text_of_unclosed_placeholders_renders_in_linear_time(pattern: str) -> None:
    # found by fuzzing the display texts: "{0:" repeated made the placeholder regex backtrack
    # quadratically (90 KB took 20 s), a hang for a frame of 1 MB
    event = _chat_with_display_pattern(pattern)
    with no_hang():
        text = event.display_text
    assert text.startswith("{0:")


@pytest.mark.parametrize("create_time", [2**63 - 1, -(2**63), 253402300800000, -62135596800001])
def test_a_create_time_no_datetime_can_hold_gives_created_at_none(create_time: int) -> None:
    # found by test_decode_message_gives_a_readable_event_or_frame_decode_error: created_at raised
    # ValueError ("year 292278994 is out of range") for create_time 2**63 - 1
    chat = ChatMessage.FromString(b.chat("hi", user="alice").payload)
    chat.common.create_time = create_time
    event = tls.decode_message("WebcastChatMessage", chat.SerializeToString())
    assert event.create_time == create_time and event.created_at is None
    assert event.comment == "hi" and repr(event)


LONG = "9" * 5000


def _payload(message: Any, edit: Any) -> bytes:
    """The payload of builder ``message`` after ``edit(parsed message)``."""
    parsed = PROTO_CLASSES[message.method].FromString(message.payload)
    edit(parsed)
    return parsed.SerializeToString()


def test_numbers_in_text_fields_too_long_for_int_read_as_absent() -> None:
    # found by test_decode_frame_gives_readable_events_or_frame_decode_error: BadgeView.level (and
    # ShareEvent.users_joined, EnvelopeEvent.sender_id) raised ValueError for 5000-digit strings
    def long_badge(chat: Any) -> None:
        badge = chat.user.badge_list[0]
        badge.privilege_log_extra.level = LONG
        badge.image.image.url_list[0] = f"https://p16.example.test/badge_lv{LONG}.png"

    chat = tls.decode_message("WebcastChatMessage", _payload(b.chat("hi", user=b.make_user("a", gifter_level=7)),
                                                             long_badge))
    assert chat.user.badges[0].level is None and chat.user.gifter_level is None and repr(chat.user.badges[0])

    def long_key(social: Any) -> None:
        social.common.display_text.key = f"pm_mt_guidance_viewer_{LONG}_share"

    share = tls.decode_message("WebcastSocialMessage", _payload(b.share("bob", users_joined=3), long_key))
    assert isinstance(share, tls.ShareEvent) and share.users_joined is None

    def long_sender(envelope: Any) -> None:
        envelope.envelope_info.send_user_id = LONG

    box = tls.decode_message("WebcastEnvelopeMessage", _payload(b.envelope(user="carol"), long_sender))
    assert box.sender_id == 0
    # plain numbers still read
    assert tls.decode_message("WebcastSocialMessage", b.share("bob", users_joined=3).payload).users_joined == 3
    assert tls.decode_message("WebcastChatMessage", b.chat("x", user=b.make_user("a", gifter_level=7)).payload
                              ).user.gifter_level == 7
