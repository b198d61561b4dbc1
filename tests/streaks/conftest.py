"""Fixtures for the gift streak tests: decoded events built the way TikTok sends them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import testing

ROOM = 7_100_000_000_000_000_001


@pytest.fixture
def decode() -> Callable[[Any], tls.Event]:
    """Turn a builder's message (``testing.gift(...)``) into the event a client would yield."""

    def run(message: Any) -> tls.Event:
        return tls.decode_message(message.method, message.payload)

    return run


@pytest.fixture
def rose(decode: Callable[[Any], tls.Event]) -> Callable[..., tls.Event]:
    """One message of a Rose streak (1 coin each) in room ROOM: ``rose(count, user=, group=, end=)``."""

    def make(count: int, *, user: str = "alice", group: int = 1, end: bool = False, **options: Any) -> tls.Event:
        return decode(testing.gift("Rose", user=user, gift_id=5655, diamond_count=1, repeat_count=count,
                                   repeat_end=end, group_id=group, room_id=options.pop("room_id", ROOM), **options))

    return make


@pytest.fixture
def room() -> int:
    """The room id the ``rose`` messages carry."""
    return ROOM


@pytest.fixture
def streaks() -> tls.GiftStreaks:
    return tls.GiftStreaks(timeout=10.0)
