"""LiveClient reconnects: drops, stale sockets, the two ways in, refusals (FakeTikTok)."""

from __future__ import annotations

import pytest

from tests.helpers.live import FAST, WAIT, Collector, chat, client_for, message_ids
from tiktoklive_sync import WebcastBlocked200Error
from tiktoklive_sync.events._base import CommentEvent, Event
from tiktoklive_sync.events._lifecycle import ConnectEvent, DisconnectEvent
from tiktoklive_sync.live.client import LiveClient

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
    # the first ttwid may come from the live page (TikTok sets it there too); the fresh one from a page fetch
    assert [r for r in fake.requests if r.method == "GET" and r.path in ("/", "/@someone")]
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
