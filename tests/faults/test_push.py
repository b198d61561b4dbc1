"""Fault matrix, push side: a push server that cuts, closes, goes quiet, restarts or sends bad frames.

Every test counts deliveries by msg_id: nothing pushed is lost and nothing is delivered twice,
whatever the fault; and it checks what the user sees (a DisconnectEvent, a log record, an error).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from tests.helpers.faults import LogWatch, lost_and_duplicated
from tests.helpers.live import WAIT, Collector, chat, client_for
from tiktoklive_sync import testing
from tiktoklive_sync.events._base import CommentEvent
from tiktoklive_sync.events._lifecycle import ConnectEvent, DisconnectEvent
from tiktoklive_sync.events._room import LiveEndEvent
from tiktoklive_sync.live._connection import MAX_FRAME_BYTES
from tiktoklive_sync.testing import FakeTikTok
from tiktoklive_sync.testing.push_faults import (
    CURSOR_SERIES_STEP,
    garbage_frame,
    gzip_bomb_frame,
    oversized_frame,
    truncated_gzip_frame,
)

BEFORE = 5  # batches delivered before the fault
AFTER = 5  # batches pushed after it


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    with LogWatch() as watch:
        yield watch


def run_through(fake: FakeTikTok, room_id: int, fault: Callable[[], None], **options) -> tuple[Collector, list[int]]:
    """Deliver BEFORE batches, apply ``fault``, push AFTER batches and the live's end; wait for the end."""
    pushed = [fake.push(room_id, chat(f"before {i}"))[0] for i in range(BEFORE)]
    with client_for(fake, **options) as client:
        run = Collector(client)
        assert run.wait_for(lambda: len(run.of(CommentEvent)) == BEFORE)
        fault()
        pushed += [fake.push(room_id, chat(f"after {i}"))[0] for i in range(AFTER)]
        pushed.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert not run.thread.is_alive() and run.error is None
    return run, pushed


def assert_exactly_once(run: Collector, pushed: list[int]) -> None:
    lost, duplicated = lost_and_duplicated(run.events, pushed)
    assert (lost, duplicated) == ([], [])
    assert [e.msg_id for e in run.events if e.msg_id] == pushed  # and in order
    assert isinstance(run.events[-2], LiveEndEvent)


# -- faults that end the connection: the client reconnects, resumes, drops the repeats --------------


def restart_with_new_cursors(fake: FakeTikTok, logs: LogWatch) -> Callable[[], None]:
    def fault() -> None:
        fake.push_server.stop_listening()  # close frames (1012), then connections refused
        assert logs.wait_for("connecting to room")  # the client is retrying against a closed port
        fake.push_server.listen_again(new_cursors=True)

    return fault


@pytest.mark.parametrize("connect", ["direct", "sign"])
@pytest.mark.parametrize(
    "fault, code, reason",
    [
        ("cut mid-frame", None, "connection lost"),
        ("no close frame", None, "connection lost"),
        ("close frame 1011", 1011, "internal error"),
        ("normal close while live", 1000, "bye"),
        ("restart, new cursors", 1012, "service restart"),
    ],
)
def test_a_connection_that_ends_is_replaced_with_nothing_lost_or_repeated(
    fake, room_id, logs, connect, fault, code, reason
):
    actions: dict[str, Callable[[], object]] = {
        "cut mid-frame": lambda: fake.cut_next_push(room_id),  # the first batch pushed after this
        "no close frame": fake.drop_connections,
        "close frame 1011": lambda: fake.close_connections(1011, "internal error"),
        "normal close while live": lambda: fake.close_connections(1000, "bye"),
        "restart, new cursors": restart_with_new_cursors(fake, logs),
    }
    run, pushed = run_through(fake, room_id, actions[fault], connect=connect, connect_attempts=50)

    assert_exactly_once(run, pushed)
    drops = run.of(DisconnectEvent)
    assert len(drops) == 2  # the fault, then the live's end
    assert drops[0].code == code and reason in drops[0].reason and drops[0].reconnecting
    assert (drops[1].reason, drops[1].reconnecting) == ("live ended", False)
    assert [e.reconnect for e in run.of(ConnectEvent)] == [False, True]
    assert run.client.stats.duplicates > 0  # the server repeated history: the client dropped it
    warned = logs.messages(logging.WARNING)
    assert any(f"room {room_id} ended" in m and "reconnecting" in m for m in warned)
    opened = [h for h in fake.ws_handshakes if h.status == 101]
    assert len(opened) == 2 and all(h.mode == connect for h in opened)


def test_after_a_restart_the_client_resumes_in_the_new_cursor_series(fake, room_id, logs):
    run, pushed = run_through(fake, room_id, restart_with_new_cursors(fake, logs), connect_attempts=50)
    assert_exactly_once(run, pushed)
    old, new = [h.params.get("cursor") for h in fake.ws_handshakes if h.status == 101]
    assert old is None and 0 < int(new) < CURSOR_SERIES_STEP  # it asked with a cursor the server forgot
    assert int(run.client.cursor) > CURSOR_SERIES_STEP  # and took up the new series


def test_a_second_drop_after_a_restart_resumes_from_a_new_series_cursor(fake, room_id, logs):
    pushed = [fake.push(room_id, chat("one"))[0]]
    with client_for(fake, connect_attempts=50) as client:
        run = Collector(client)
        assert run.wait_for(lambda: len(run.of(CommentEvent)) == 1)
        restart_with_new_cursors(fake, logs)()
        pushed += fake.push(room_id, chat("two"))
        assert run.wait_for(lambda: len(run.of(CommentEvent)) == 2)
        fake.drop_connections()
        pushed += fake.push(room_id, chat("three"))
        pushed.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert run.error is None
    assert_exactly_once(run, pushed)
    cursors = [h.params.get("cursor") for h in fake.ws_handshakes if h.status == 101]
    assert len(cursors) == 3 and int(cursors[2]) > CURSOR_SERIES_STEP


def test_a_server_that_stops_answering_heartbeats_is_treated_as_stale(fake, room_id, logs):
    # heartbeats every 50 ms keep a healthy socket busy; a mute one is given up after 0.5 s
    run, pushed = run_through(
        fake, room_id, fake.silence_connections, heartbeat_interval=0.05, stale_timeout=0.5
    )
    assert_exactly_once(run, pushed)
    drop = run.of(DisconnectEvent)[0]
    assert drop.reason.startswith("stale socket") and drop.reconnecting and drop.code is None
    assert any("treating the socket as stale" in m for m in logs.messages(logging.WARNING))
    first_connection = {h.connection for h in fake.heartbeats if h.connection == 1}
    assert first_connection  # the client did send heartbeats on the connection that went quiet


# -- bad frames: skipped and logged; the connection and the rest of the stream survive -----------


def _bad_frames() -> dict[str, tuple[Callable[[], bytes], str]]:
    batch = testing.fetch_result(testing.chat("lost in transit"), cursor="9")
    return {
        "garbage": (garbage_frame, "not a push frame"),
        "truncated gzip": (lambda: truncated_gzip_frame(batch), "truncated"),
        "gzip bomb": (gzip_bomb_frame, "gzip bomb"),
        "oversized": (lambda: oversized_frame(MAX_FRAME_BYTES + 1), "over the"),
    }


@pytest.mark.parametrize("kind", list(_bad_frames()))
@pytest.mark.parametrize("connect", ["direct", "sign"])
def test_a_bad_frame_is_skipped_and_logged_and_the_stream_goes_on(fake, room_id, logs, kind, connect):
    build, phrase = _bad_frames()[kind]
    pushed = fake.push(room_id, chat("before"), chat("also before"))
    fake.push_raw(room_id, build())
    pushed += fake.push(room_id, chat("after"))
    pushed.append(fake.end_live(room_id))
    with client_for(fake, connect=connect) as client:
        events = list(client.events())
    assert lost_and_duplicated(events, pushed) == ([], [])
    assert [e.msg_id for e in events if e.msg_id] == pushed
    assert client.stats.connections == 1  # no reconnect: one bad frame is not a broken connection
    warned = [m for m in logs.messages(logging.WARNING) if "frame" in m]
    assert len(warned) == 1 and phrase in warned[0]
    if kind in ("truncated gzip", "gzip bomb"):
        assert client.stats.undecodable == 1


def test_a_message_whose_payload_does_not_parse_is_skipped_and_its_batch_kept(fake, room_id, logs):
    junk = testing.message("WebcastGiftMessage", b"\x0a\xff\xff\xff\xff\x0f")
    good = [chat("a"), chat("b")]
    ids = fake.push(room_id, good[0], junk, good[1])
    end = fake.end_live(room_id)
    with client_for(fake) as client:
        events = list(client.events())
    delivered = [e.msg_id for e in events if e.msg_id]
    assert delivered == [ids[0], ids[2], end]
    assert client.stats.undecodable == 1
    assert any("WebcastGiftMessage message that did not decode" in m for m in logs.messages(logging.WARNING))


@pytest.mark.parametrize("connect", ["direct", "sign"])
def test_a_frame_trickling_in_slower_than_the_read_timeout_arrives_whole(fake, room_id, logs, connect):
    pushed = fake.push(room_id, chat("before"))
    fake.trickle_next_push(room_id, pieces=6, pause=0.12)  # each pause is longer than poll_interval (0.05 s)
    pushed += fake.push(room_id, *(chat(f"slow {i}") for i in range(50)))
    pushed += fake.push(room_id, chat("after"))
    pushed.append(fake.end_live(room_id))
    with client_for(fake, connect=connect) as client:
        events = list(client.events())
    assert [e.msg_id for e in events if e.msg_id] == pushed
    assert client.stats.connections == 1 and client.stats.undecodable == 0
    assert not [m for m in logs.messages(logging.WARNING) if "frame" in m]
