"""Fuzzing the WebSocket decoding (work in progress: the regression tests come first)."""

from __future__ import annotations

import pytest
from fuzz_support import no_hang

import tiktoklive_sync as tls
from tiktoklive_sync.proto.messages_pb2 import ChatMessage
from tiktoklive_sync.testing import builders as b


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
