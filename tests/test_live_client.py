"""LiveClient against FakeTikTok: events in order, heartbeats and acks, reconnects, stop, end of live."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tiktoklive_sync import UserOfflineError, WebcastBlocked200Error, testing
from tiktoklive_sync.live.client import LiveClient
from tiktoklive_sync.live.events import CommentEvent, Event, GiftEvent, LikeEvent
from tiktoklive_sync.live.events_room import LiveEndEvent
from tiktoklive_sync.live.lifecycle import ConnectEvent, DisconnectEvent
from tiktoklive_sync.proto.envelope_pb2 import BaseProtoMessage
from tiktoklive_sync.testing import FakeTikTok

#: fast timings, so reconnects and stops take milliseconds (the defaults are seconds)
FAST = {"poll_interval": 0.05, "backoff_initial": 0.02, "backoff_max": 0.2, "connect_timeout": 5.0}
WAIT = 15.0  # generous bound for conditions that normally hold within milliseconds


def chat(text: str, user: str = "alice") -> BaseProtoMessage:
    return testing.chat(text, user=testing.make_user(user, nickname=user.title()))


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok() as f:
        f.add_room("someone")
        yield f


@pytest.fixture
def room_id(fake: FakeTikTok) -> int:
    return fake.room("someone").room_id


def client_for(fake: FakeTikTok, **options) -> LiveClient:
    return LiveClient("someone", session=fake.session(), **{**FAST, **options})


class Collector:
    """Runs ``client.events()`` on a thread and keeps what it yields."""

    def __init__(self, client: LiveClient) -> None:
        self.client = client
        self.events: list[Event] = []
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for event in self.client.events():
                with self._cond:
                    self.events.append(event)
                    self._cond.notify_all()
        except BaseException as exc:  # handed to the test
            self.error = exc
        finally:
            with self._cond:
                self._cond.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> bool:
        """Wait (up to WAIT seconds) until ``predicate()`` holds; it may look at the fake as well."""
        deadline = time.monotonic() + WAIT
        with self._cond:
            while not predicate():
                if not self.thread.is_alive() or time.monotonic() > deadline:
                    return predicate()
                self._cond.wait(0.02)
            return True

    def of(self, kind: type[Event]) -> list[Event]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]


def message_ids(events: list[Event]) -> list[int]:
    return [e.msg_id for e in events if e.msg_id]


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


# -- reconnects -------------------------------------------------------------------------------------


@pytest.mark.parametrize("connect", ["direct", "sign"])
def test_drop_mid_stream_reconnects_with_nothing_lost_and_nothing_twice(fake, room_id, connect):
    pushed = [fake.push(room_id, chat(f"first {i}"))[0] for i in range(12)]
    later: list[int] = []

    def drop_after_five(event: Event) -> None:
        if isinstance(event, CommentEvent) and event.comment == "first 4":
            assert fake.drop_connections() == 1
            later.extend(fake.push(room_id, chat(f"second {i}"))[0] for i in range(6))
            later.append(fake.end_live(room_id))

    with client_for(fake, connect=connect) as client:
        events = []
        for event in client.events():
            events.append(event)
            drop_after_five(event)

    delivered = message_ids(events)
    assert delivered == pushed + later  # in order, none lost
    assert len(set(delivered)) == len(delivered)  # none twice
    assert client.stats.duplicates > 0  # the server did repeat some: dedupe dropped them
    kinds = [type(e).__name__ for e in events if not e.msg_id]
    assert kinds == ["ConnectEvent", "DisconnectEvent", "ConnectEvent", "DisconnectEvent"]
    assert events[0].reconnect is False
    reconnect = next(e for e in events if isinstance(e, ConnectEvent) and e.reconnect)
    assert reconnect.mode == connect
    drop = next(e for e in events if isinstance(e, DisconnectEvent))
    assert drop.reconnecting and "lost" in drop.reason
    shakes = [h for h in fake.ws_handshakes if h.status == 101]
    assert len(shakes) == 2
    if connect == "direct":  # the new URL resumes from the last cursor the client saw
        assert shakes[0].params.get("cursor") is None
        assert int(shakes[1].params["cursor"]) >= 5
    else:  # a new sign fetch for the reconnect, resuming from the last cursor
        fetches = fake.requests_to("GET /sign/webcast/fetch")
        assert len(fetches) == 2
        assert "cursor" not in fetches[0].query and int(fetches[1].query["cursor"]) >= 5
        assert shakes[1].params["cursor"] == fetches[1].query["cursor"]  # via the bootstrap's route_params


def test_a_silent_socket_is_treated_as_stale_and_replaced(fake, room_id):
    first = fake.push(room_id, chat("before"))
    with client_for(fake, stale_timeout=0.3) as client:
        run = Collector(client)
        assert run.wait_for(lambda: len(run.of(CommentEvent)) == 1)
        fake.silence_connections()
        later = fake.push(room_id, chat("after"))
        later.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert run.error is None
    assert message_ids(run.events) == first + later
    drop = run.of(DisconnectEvent)[0]
    assert "stale" in drop.reason and drop.reconnecting
    assert client.stats.connections == 2


def test_reconnect_false_ends_at_the_first_drop(fake, room_id):
    fake.push(room_id, chat("x"))
    with client_for(fake, reconnect=False) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.drop_connections()
        run.thread.join(WAIT)
    assert not run.thread.is_alive() and run.error is None
    last = run.events[-1]
    assert isinstance(last, DisconnectEvent) and not last.reconnecting
    assert len([h for h in fake.ws_handshakes if h.status == 101]) == 1


def test_gives_up_after_the_connect_attempts_when_the_push_server_keeps_failing(fake, room_id):
    fake.push_server.handshake_200 = None
    fake.push_server.refuse_direct = False
    fake.ws_direct_url = fake.push_server.url + "/nowhere/"  # answers 404: transient, retried
    with LiveClient("someone", session=fake.session(), connect="direct", connect_attempts=3, **FAST) as client:
        with pytest.raises(ConnectionError):
            list(client.events())
    assert [h.status for h in fake.ws_handshakes] == [404, 404, 404]


# -- the two ways in ----------------------------------------------------------------------------------


def test_auto_falls_back_to_the_sign_server_when_direct_is_device_blocked(fake, room_id):
    fake.refuse_direct()
    ids = fake.push(room_id, chat("via sign"))
    with client_for(fake) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.drop_connections()  # the fallback sticks: the reconnect goes straight to the sign server
        ids.append(fake.end_live(room_id))
        run.thread.join(WAIT)
    assert run.error is None
    assert message_ids(run.events) == ids
    assert [e.mode for e in run.of(ConnectEvent)] == ["sign", "sign"]
    shakes = fake.ws_handshakes
    assert [(h.mode, h.status) for h in shakes] == [("direct", 403), ("sign", 101), ("sign", 101)]
    assert len(fake.requests_to("GET /sign/webcast/fetch")) == 2
    # the sign server's cookies (X-Set-TT-Cookie) travel in the WebSocket handshake
    assert "tt_chain_token=" in shakes[1].headers["cookie"]
    assert shakes[1].params["wrss"]  # the URL was built from the bootstrap's route_params


def test_forced_direct_retries_a_device_block_once_with_a_fresh_ttwid_then_raises(fake, room_id):
    fake.refuse_direct()
    with client_for(fake, connect="direct") as client, pytest.raises(WebcastBlocked200Error) as caught:
        list(client.events())
    assert "DEVICE_BLOCKED" in str(caught.value)
    shakes = fake.ws_handshakes
    assert [(h.mode, h.status) for h in shakes] == [("direct", 403), ("direct", 403)]
    cookies = [h.headers["cookie"] for h in shakes]
    assert cookies[0] != cookies[1]  # a new ttwid the second time
    assert len(fake.requests_to("GET /")) == 2
    assert not fake.requests_to("GET /sign/webcast/fetch")


def test_forced_sign_never_uses_the_direct_endpoint(fake, room_id):
    fake.end_live(room_id)
    with client_for(fake, connect="sign") as client:
        list(client.events())
    assert [h.mode for h in fake.ws_handshakes] == ["sign"]
    assert "origin" not in fake.ws_handshakes[0].headers


@pytest.mark.parametrize("connect", ["sign", "auto"])
def test_handshake_answered_200_raises_webcast_blocked_without_retrying(fake, room_id, connect):
    fake.answer_handshakes_with_200("illegal secret key")
    with client_for(fake, connect=connect) as client, pytest.raises(WebcastBlocked200Error) as caught:
        list(client.events())
    assert "illegal secret key" in str(caught.value)
    assert caught.value.status == 200
    expected = ["sign"] if connect == "sign" else ["direct", "sign"]
    assert [h.mode for h in fake.ws_handshakes] == expected


# -- stopping --------------------------------------------------------------------------------------


def test_stop_from_another_thread_ends_the_iterator(fake, room_id):
    fake.push(room_id, chat("hi"))
    with client_for(fake) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        client.stop()
        run.thread.join(timeout=5)  # generous: the loop looks at stop() every poll_interval
        assert not run.thread.is_alive()
    assert run.error is None
    last = run.events[-1]
    assert isinstance(last, DisconnectEvent) and last.reason == "stopped" and not last.reconnecting
    assert not client.connected


def test_stop_interrupts_the_backoff_between_attempts(fake, room_id):
    fake.ws_direct_url = fake.push_server.url + "/nowhere/"
    client = LiveClient("someone", session=fake.session(), connect="direct",
                        **{**FAST, "backoff_initial": 30.0, "backoff_max": 30.0})
    run = Collector(client)
    assert run.wait_for(lambda: len(fake.ws_handshakes) >= 1)
    client.stop()
    run.thread.join(timeout=5)
    assert not run.thread.is_alive()
    assert run.error is None and run.events == []
    client.close()


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs POSIX signals")
def test_stop_from_a_signal_handler(fake, room_id):
    assert threading.current_thread() is threading.main_thread()
    fake.push(room_id, chat("hi"))
    client = client_for(fake)
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: client.stop())
    try:
        events = []
        for event in client.events():
            events.append(event)
            if isinstance(event, CommentEvent):
                threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGUSR1)).start()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        client.close()
    assert isinstance(events[-1], DisconnectEvent) and events[-1].reason == "stopped"


def test_breaking_out_of_the_loop_closes_the_connection(fake, room_id):
    fake.push(room_id, chat("hi"))
    with client_for(fake) as client:
        for event in client.events():
            if isinstance(event, CommentEvent):
                break
        assert not client.connected
    for _ in range(100):
        if fake.push_server.open_connections == 0:
            break
        threading.Event().wait(0.02)
    assert fake.push_server.open_connections == 0


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


def test_a_drop_after_the_room_went_offline_ends_instead_of_reconnecting(fake, room_id):
    fake.push(room_id, chat("last words"))
    with client_for(fake) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.set_live("someone", False)  # ended without a control message reaching us
        fake.drop_connections()
        run.thread.join(WAIT)
    assert run.error is None and not run.thread.is_alive()
    last = run.events[-1]
    assert isinstance(last, DisconnectEvent) and not last.reconnecting
    assert "no longer live" in last.reason
    assert len([h for h in fake.ws_handshakes if h.status == 101]) == 1


def test_stop_without_iterating_further_closes_the_socket(fake, room_id):
    fake.push(room_id, chat("hi"))
    client = client_for(fake)
    events = client.events()
    assert isinstance(next(events), ConnectEvent)
    for _ in range(250):
        if fake.push_server.open_connections == 1:
            break
        time.sleep(0.02)
    assert fake.push_server.open_connections == 1
    client.stop()  # the consumer never comes back to the iterator
    for _ in range(250):
        if fake.push_server.open_connections == 0:
            break
        time.sleep(0.02)
    assert fake.push_server.open_connections == 0
    assert list(events)[-1].reason == "stopped"  # resuming the iterator just ends it
    client.close()
