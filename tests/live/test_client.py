"""LiveClient against FakeTikTok: scripted events in order, heartbeats and acks, handlers, arguments."""

from __future__ import annotations

import logging

import pytest

from tests.helpers.live import FAST, WAIT, Collector, chat, client_for
from tiktoklive_sync import UserOfflineError, testing
from tiktoklive_sync.events._base import CommentEvent, Event, GiftEvent, LikeEvent
from tiktoklive_sync.events._lifecycle import ConnectEvent, DisconnectEvent
from tiktoklive_sync.events._room import LiveEndEvent
from tiktoklive_sync.live.client import LiveClient

# -- scripted events ------------------------------------------------------------------------------


def test_scripted_events_arrive_in_order_with_their_fields(fake, room_id):
    ids = fake.push("someone", chat("hello", user="alice"), testing.gift("Rose", user="bob", repeat_count=3))
    ids += fake.push(room_id, testing.like(5, total=120), chat("bye", user="dave"))
    end_id = fake.end_live(room_id)

    with client_for(fake) as client:
        events = list(client.events())

    assert isinstance(events[0], ConnectEvent)
    assert (events[0].room_id, events[0].unique_id, events[0].mode, events[0].reconnect) == (
        room_id, "someone", "direct", False,
    )
    body = events[1:-1]
    assert [type(e) for e in body] == [CommentEvent, GiftEvent, LikeEvent, CommentEvent, LiveEndEvent]
    assert [e.msg_id for e in body] == [*ids, end_id]
    assert all(e.room_id == room_id for e in body)
    hello, rose, likes, bye = body[:4]
    assert (hello.comment, hello.user.unique_id, hello.user.nickname) == ("hello", "alice", "Alice")
    assert (rose.gift.name, rose.repeat_count, rose.user.unique_id, rose.streaking) == ("Rose", 3, "bob", False)
    assert (likes.count, likes.total) == (5, 120)
    assert bye.comment == "bye"
    last = events[-1]
    assert isinstance(last, DisconnectEvent)
    assert (last.reason, last.reconnecting) == ("live ended", False)
    assert client.stats.connections == 1 and client.stats.duplicates == 0


def test_live_end_ends_the_iterator_and_the_room_goes_offline(fake, room_id):
    fake.push(room_id, chat("one"))
    fake.end_live(room_id)
    fake.push(room_id, chat("after the end"))  # never delivered: the client stops at the end
    with client_for(fake) as client:
        events = list(client.events())
    assert [getattr(e, "comment", None) for e in events if isinstance(e, CommentEvent)] == ["one"]
    assert isinstance(events[-2], LiveEndEvent) and events[-2].action == 3
    assert fake.room("someone").live is False
    with client_for(fake) as again, pytest.raises(UserOfflineError):
        next(iter(again.events()))


def test_offline_room_raises_user_offline(fake):
    fake.add_room("sleeper", live=False)
    with LiveClient("sleeper", session=fake.session(), **FAST) as client, pytest.raises(UserOfflineError):
        list(client.events())


def test_room_id_skips_the_lookup(fake, room_id):
    fake.end_live(room_id)
    with LiveClient(room_id=room_id, session=fake.session(), **FAST) as client:
        events = list(client.events())
    assert client.room_id == room_id
    assert isinstance(events[0], ConnectEvent) and events[0].unique_id is None
    assert not fake.requests_to("GET /@someone/live")


def test_undecodable_message_is_skipped_and_the_stream_goes_on(fake, room_id, caplog):
    ids = fake.push(room_id, chat("before"), testing.message("WebcastChatMessage", b"\x0a\xff"))
    ids += fake.push(room_id, chat("after"))
    fake.end_live(room_id)
    with caplog.at_level(logging.WARNING, logger="tiktoklive_sync"), client_for(fake) as client:
        comments = [e.comment for e in client.events() if isinstance(e, CommentEvent)]
    assert comments == ["before", "after"]
    assert client.stats.undecodable == 1
    assert "did not decode" in caplog.text


# -- heartbeats and acks ---------------------------------------------------------------------------


def test_heartbeats_follow_the_servers_ping_interval_and_acks_echo_each_batch(fake, room_id):
    fake.set_ping_interval(0.05)
    fake.push(room_id, chat("a"))
    fake.push(room_id, chat("b"))
    with client_for(fake) as client:
        run = Collector(client)
        assert run.wait_for(lambda: len(run.of(CommentEvent)) == 2)
        assert run.wait_for(lambda: len(fake.heartbeats) >= 4), "heartbeats did not keep coming"
        client.stop()
        run.thread.join(WAIT)
    beats = fake.heartbeats
    assert [b.seq_id for b in beats[:4]] == [1, 2, 3, 4]
    assert {b.room_id for b in beats} == {room_id}
    acks = fake.acks
    assert [a.internal_ext for a in acks] == [f"fake_ext:{room_id}:1", f"fake_ext:{room_id}:2"]
    assert len({a.log_id for a in acks}) == 2 and all(a.log_id for a in acks)
    assert [(e.room_id, e.cursor) for e in fake.enter_rooms] == [(room_id, "")]


def test_heartbeat_interval_setting_overrides_the_server(fake, room_id):
    fake.set_ping_interval(600)
    with client_for(fake, heartbeat_interval=0.05) as client:
        run = Collector(client)
        assert run.wait_for(lambda: len(fake.heartbeats) >= 3)
        client.stop()
        run.thread.join(WAIT)


# -- handlers ---------------------------------------------------------------------------------------


def test_run_dispatches_to_handlers_and_a_raising_handler_does_not_stop_it(fake, room_id, caplog):
    fake.push(room_id, chat("one"), testing.gift("Rose"), chat("two"))
    fake.end_live(room_id)
    client = client_for(fake)
    seen: list[str] = []
    every: list[str] = []

    @client.on(CommentEvent)
    def explode(event: CommentEvent) -> None:
        seen.append(event.comment)
        raise RuntimeError("handler bug")

    @client.on(GiftEvent)
    def gifts(event: GiftEvent) -> None:
        seen.append(event.gift.name)

    client.add_handler(Event, lambda event: every.append(type(event).__name__))
    with caplog.at_level(logging.ERROR, logger="tiktoklive_sync"), client:
        client.run()
    assert seen == ["one", "Rose", "two"]
    assert every == ["ConnectEvent", "CommentEvent", "GiftEvent", "CommentEvent", "LiveEndEvent", "DisconnectEvent"]
    failures = [r for r in caplog.records if r.getMessage().startswith("handler explode failed")]
    assert len(failures) == 2 and all(r.exc_info for r in failures)


def test_remove_handler(fake, room_id):
    fake.push(room_id, chat("one"))
    fake.end_live(room_id)
    client = client_for(fake)
    calls: list[Event] = []
    handler = client.on(CommentEvent)(calls.append)
    client.remove_handler(handler)
    with client:
        client.run()
    assert calls == []


# -- arguments --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((), {}),
        (("someone",), {"room_id": 1}),
        (("someone",), {"connect": "carrier-pigeon"}),
        (("someone",), {"no_such_option": 1}),
        (("someone",), {"stale_timeout": 0}),
        (("someone",), {"room_id": None, "poll_interval": -1}),
        ((), {"room_id": "not a number"}),
    ],
)
def test_bad_arguments_raise_value_error(args, kwargs):
    with pytest.raises(ValueError):
        LiveClient(*args, **kwargs)


def test_on_needs_an_event_class():
    client = LiveClient(room_id=1)
    with pytest.raises(ValueError):
        client.on("CommentEvent")  # type: ignore[arg-type]
    client.close()


def test_one_iterator_at_a_time(fake, room_id):
    with client_for(fake) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(ConnectEvent))
        with pytest.raises(RuntimeError):
            next(iter(client.events()))
        client.stop()
        run.thread.join(WAIT)
