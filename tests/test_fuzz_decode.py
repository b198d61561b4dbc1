"""Fuzzing the WebSocket decoding (work in progress: the regression tests come first)."""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_support import no_hang

import tiktoklive_sync as tls
from tiktoklive_sync.live.methods import known_methods
from tiktoklive_sync.proto.messages_pb2 import ChatMessage
from tiktoklive_sync.testing import builders as b

PROTO_CLASSES = known_methods()


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
