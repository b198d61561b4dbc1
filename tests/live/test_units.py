"""The live client's small parts: msg_id memory, settings, retry classification, its own events."""

from __future__ import annotations

import pytest
import requests

import tiktoklive_sync as tls
from tiktoklive_sync import (
    PremiumEndpointError,
    SignAPIError,
    SignatureRateLimitError,
    UserOfflineError,
    WebcastBlocked200Error,
    WebsocketURLMissingError,
)
from tiktoklive_sync.errors import PushConnectionError, WebSocketRefusedError
from tiktoklive_sync.live._protocol import RecentIds
from tiktoklive_sync.live._settings import LiveSettings, is_transient


def test_recent_ids_reports_repeats_and_forgets_the_oldest_first():
    seen = RecentIds(maxsize=3)
    assert [seen.check_and_add(i) for i in (1, 2, 3)] == [False, False, False]
    assert seen.check_and_add(1) is True  # a repeat; 1 becomes the most recent
    assert seen.check_and_add(4) is False  # evicts 2, the least recently seen
    assert len(seen) == 3
    assert 2 not in seen and 1 in seen and 3 in seen and 4 in seen
    assert seen.check_and_add(2) is False
    seen.clear()
    assert len(seen) == 0


def test_recent_ids_memory_stays_bounded():
    seen = RecentIds(maxsize=100)
    for msg_id in range(10_000):
        seen.check_and_add(msg_id)
    assert len(seen) == 100
    assert all(i in seen for i in range(9_900, 10_000))


def test_recent_ids_needs_a_positive_size():
    with pytest.raises(ValueError):
        RecentIds(0)


@pytest.mark.parametrize(
    "options",
    [
        {"stale_timeout": 0},
        {"poll_interval": -0.1},
        {"heartbeat_interval": 0},
        {"connect_attempts": 0},
        {"connect_attempts": 1.5},
        {"dedupe_size": 0},
        {"backoff_max": "soon"},
        {"reconnect": "yes"},
        {"compress": 1},
    ],
)
def test_settings_refuse_bad_values(options):
    with pytest.raises(ValueError):
        LiveSettings(**options)


@pytest.mark.parametrize(
    "name, value",
    [
        ("stale_timeout", float("nan")),
        ("heartbeat_interval", float("inf")),
        ("connect_timeout", float("inf")),
        ("backoff_max", float("nan")),
        ("backoff_initial", float("-inf")),
        ("default_heartbeat", True),
        ("stale_timeout", 10**9),
        ("connect_attempts", True),
        ("max_messages_per_frame", 0),
    ],
)
def test_settings_refuse_non_finite_and_out_of_range_numbers_naming_the_field(name, value):
    with pytest.raises(ValueError, match=f"LiveSettings.{name}"):
        LiveSettings(**{name: value})
    with pytest.raises(ValueError, match=name):
        tls.LiveClient(room_id=7, **{name: value})


def test_settings_defaults_follow_the_protocol():
    s = LiveSettings()
    assert s.heartbeat_interval is None  # the server's ping-interval decides
    assert s.max_heartbeat <= 10  # TikTok drops clients that go quiet for longer
    assert s.stale_timeout == 60
    assert s.reconnect and s.compress


@pytest.mark.parametrize(
    "error, transient",
    [
        (PushConnectionError(None, "lost"), True),
        (requests.ConnectionError("refused"), True),
        (requests.Timeout("slow"), True),
        (TimeoutError(), True),
        (SignatureRateLimitError("429", retry_after=1.0), True),
        (SignAPIError("down", reason=SignAPIError.ErrorReason.CONNECT_ERROR), True),
        (SignAPIError("empty", reason=SignAPIError.ErrorReason.EMPTY_PAYLOAD), True),
        (SignAPIError("boom", status=502), True),
        (WebsocketURLMissingError("no push server"), True),
        (SignAPIError("bad request", status=400), False),
        (PremiumEndpointError("pay"), False),
        (WebcastBlocked200Error("blocked", status=200), False),
        (WebSocketRefusedError("refused", handshake_msg="DEVICE_BLOCKED", status=403), False),
        (UserOfflineError("offline"), False),
        (ValueError("bad"), False),
    ],
)
def test_which_connect_failures_are_retried(error, transient):
    assert is_transient(error) is transient


def test_client_events_are_events_without_a_protobuf_message():
    connect = tls.ConnectEvent(unique_id="someone", room_id=42, mode="direct", reconnect=True)
    gone = tls.DisconnectEvent(room_id=42, reason="stopped", code=1000)
    for event in (connect, gone):
        assert isinstance(event, tls.Event)
        assert event.msg_id == 0 and event.raw is None and event.room_id == 42
        assert event.create_time > 1_600_000_000_000 and event.created_at is not None
    assert connect.to_dict() == {
        "type": "ConnectEvent", "method": "ConnectEvent", "msg_id": None, "room_id": 42, "unique_id": "someone",
        "mode": "direct", "reconnect": True, "create_time": connect.create_time,
        "created_at": connect.created_at.isoformat(), "display_text": connect.display_text,
    }
    assert gone.to_dict()["reason"] == "stopped" and gone.to_dict()["code"] == 1000
    assert "room 42" in connect.display_text and "stopped" in gone.display_text
    with pytest.raises(AttributeError):
        connect.room_id = 1  # type: ignore[misc]


def test_client_state_before_it_runs():
    client = tls.LiveClient("@SomeOne", stale_timeout=5)
    try:
        assert client.unique_id == "SomeOne"  # the @ goes; TikTok handles are matched as given
        assert client.room_id is None and client.mode is None and client.cursor is None
        assert not client.connected and not client.stopping
        assert client.settings.stale_timeout == 5
        assert "@SomeOne" in repr(client) and "idle" in repr(client)
        client.stop()
        assert client.stopping
    finally:
        client.close()


def test_settings_object_and_keyword_overrides_combine():
    base = LiveSettings(stale_timeout=9, poll_interval=0.1)
    client = tls.LiveClient(room_id=7, settings=base, poll_interval=0.2)
    assert (client.settings.stale_timeout, client.settings.poll_interval) == (9, 0.2)
    assert client.room_id == 7
    client.close()
