"""Thread safety: one Session shared by many threads, several LiveClients at once, stop() races."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

import tiktoklive_sync as tls
from tests.helpers.faults import closed_port
from tests.helpers.live import FAST, WAIT, Collector, chat, client_for
from tiktoklive_sync.events._base import CommentEvent, Event
from tiktoklive_sync.events._lifecycle import ConnectEvent, DisconnectEvent
from tiktoklive_sync.events._room import LiveEndEvent
from tiktoklive_sync.testing import FakeRoom, FakeTikTok

THREADS = 16
ROUNDS = 6


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok() as f:
        yield f


def run_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    """Run ``target(i)`` on ``count`` threads released together; return the errors they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(WAIT)
            target(i)
        except BaseException as exc:  # handed to the test
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [t for t in threads if t.is_alive()], "a thread hung"
    return errors


# -- one Session, many threads (a Flask app's shared Session) ------------------------------------


def test_one_session_shared_by_16_threads_gives_every_thread_its_own_users_data(fake, caplog):
    caplog.set_level(logging.WARNING, logger="urllib3")
    rooms = [
        fake.add_room(f"creator{i:02d}", title=f"title of {i}", nickname=f"Creator {i}", live=i % 4 != 3,
                      user_count=1000 + i)
        for i in range(THREADS)
    ]

    def ask(i: int) -> None:
        room: FakeRoom = rooms[i]
        for _ in range(ROUNDS):
            info = tls.fetch_room_info(s, unique_id=room.unique_id)
            assert (info.id, info.title, info.owner.unique_id, info.owner.nickname, info.user_count) == (
                room.room_id, room.title, room.unique_id, room.nickname, room.user_count if room.live else 0,
            )
            assert tls.fetch_room_info(s, room_id=room.room_id).title == room.title
            assert tls.fetch_is_live(s, room_id=room.room_id) is room.live
            assert tls.fetch_user_unique_id(s, room.user_id) == room.unique_id
            status = tls.fetch_live_status(s, room.unique_id)
            assert (status.unique_id, status.is_live) == (room.unique_id, room.live)
            if room.live:
                assert tls.fetch_room_id_from_html(s, room.unique_id) == room.room_id
            batch = [rooms[(i + k) % THREADS] for k in range(4)]
            assert tls.fetch_is_live_room_ids(s, *(r.room_id for r in batch)) == [r.live for r in batch]

    with fake.session() as s:
        errors = run_threads(THREADS, ask)
    assert errors == []
    # the Session's pools hold a connection per thread: none is thrown away and reopened
    assert "Connection pool is full" not in caplog.text


def test_a_shared_session_logged_in_from_many_threads_sends_one_consistent_account(fake):
    room = fake.add_room("someone")
    with fake.session() as s:
        s.set_session("sid-0", "useast2a")

        def like(i: int) -> None:
            for _ in range(ROUNDS):
                tls.send_room_like(s, 1, room_id=room.room_id)

        errors = run_threads(8, like)
    assert errors == []
    likes = fake.requests_to("POST /webcast/room/like/")
    assert len(likes) == 8 * ROUNDS
    assert {r.cookies.get("sessionid") for r in likes} == {"sid-0"}


# -- several LiveClients in one process -------------------------------------------------------------


@pytest.mark.parametrize("shared_session", [False, True], ids=["own sessions", "one shared session"])
@pytest.mark.parametrize("connect", ["direct", "sign"])
def test_five_live_clients_on_threads_each_get_exactly_their_rooms_events(fake, connect, shared_session):
    rooms = [fake.add_room(f"room{i}") for i in range(5)]
    pushed: dict[int, list[int]] = {}
    for i, room in enumerate(rooms):
        pushed[room.room_id] = [fake.push(room.room_id, chat(f"{i}:{n}", user=f"u{i}"))[0] for n in range(20)]
        pushed[room.room_id].append(fake.end_live(room.room_id))
    got: dict[int, list[Event]] = {}
    shared = fake.session() if shared_session else None

    def watch(i: int) -> None:
        session = shared or fake.session()
        with tls.LiveClient(rooms[i].unique_id, session=session, connect=connect, **FAST) as client:
            got[rooms[i].room_id] = list(client.events())
        if shared is None:
            session.close()

    try:
        errors = run_threads(5, watch)
    finally:
        if shared is not None:
            shared.close()
    assert errors == []
    for i, room in enumerate(rooms):
        events = got[room.room_id]
        assert [e.msg_id for e in events if e.msg_id] == pushed[room.room_id]
        assert {e.room_id for e in events} == {room.room_id}
        comments = [e for e in events if isinstance(e, CommentEvent)]
        assert all(c.comment.startswith(f"{i}:") and c.user.unique_id == f"u{i}" for c in comments)
        assert isinstance(events[-2], LiveEndEvent)


# -- stop() races -------------------------------------------------------------------------------------


@pytest.fixture
def room(fake: FakeTikTok) -> FakeRoom:
    return fake.add_room("someone")


def test_stop_before_the_run_starts_is_not_lost(fake, room):
    fake.push(room.room_id, chat("never seen"))
    with client_for(fake) as client:
        client.stop()  # e.g. a shutdown signal that lands before the worker thread got going
        worker = threading.Thread(target=client.run, daemon=True)
        worker.start()
        worker.join(WAIT)
        assert not worker.is_alive()
        assert client.stats.connections == 0 and fake.ws_handshakes == []
        assert not client.stopping  # the stop was used up by that run: the client can run again
        fake.end_live(room.room_id)
        assert [type(e) for e in client.events() if not e.msg_id] == [ConnectEvent, DisconnectEvent]


def test_stop_right_after_starting_a_worker_thread_always_ends_it(fake, room):
    for _ in range(10):  # the race window differs each time; none may hang
        with client_for(fake) as client:
            worker = threading.Thread(target=client.run, daemon=True)
            worker.start()
            client.stop()
            worker.join(WAIT)
            assert not worker.is_alive()


def test_stop_twice_and_from_many_threads_at_once(fake, room):
    fake.push(room.room_id, chat("hi"))
    with client_for(fake) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        assert run_threads(16, lambda i: (client.stop(), client.stop())) == []
        run.thread.join(WAIT)
        client.stop()  # and again once it has ended
    assert not run.thread.is_alive() and run.error is None
    drops = run.of(DisconnectEvent)
    assert len(drops) == 1 and drops[0].reason == "stopped" and not drops[0].reconnecting
    assert len([h for h in fake.ws_handshakes if h.status == 101]) == 1


def test_stop_during_a_hung_connect_ends_the_run(fake, room):
    fake.hang("GET /sign/webcast/fetch")  # the sign fetch never answers (until the read timeout)
    client = tls.LiveClient("someone", session=fake.session(timeout=(2, 1.0)), connect="sign", **FAST)
    run = Collector(client)
    assert run.wait_for(lambda: bool(fake.requests_to("GET /sign/webcast/fetch")))
    client.stop()
    run.thread.join(WAIT)
    assert not run.thread.is_alive() and run.error is None and run.events == []
    assert len(fake.requests_to("GET /sign/webcast/fetch")) == 1  # no new attempt after the stop
    client.close()


def test_stop_during_the_backoff_after_a_drop_ends_the_run(fake, room):
    fake.push(room.room_id, chat("hi"))
    with client_for(fake, backoff_initial=30.0, backoff_max=30.0) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        fake.ws_direct_url = f"ws://127.0.0.1:{closed_port()}/x/"  # reconnects now fail: 30 s backoff
        client.session.endpoints = fake.endpoints
        fake.drop_connections()
        assert run.wait_for(lambda: bool(run.of(DisconnectEvent)))
        client.stop()
        run.thread.join(WAIT)
    assert not run.thread.is_alive() and run.error is None
    assert [e.reconnecting for e in run.of(DisconnectEvent)] == [True]


def test_many_threads_stopping_clients_that_are_connecting_and_running(fake):
    rooms = [fake.add_room(f"r{i}") for i in range(6)]
    for room in rooms:
        fake.push(room.room_id, chat("hi"))
    clients = [tls.LiveClient(r.unique_id, session=fake.session(), **FAST) for r in rooms]
    runs = [Collector(c) for c in clients]
    assert runs[0].wait_for(lambda: runs[0].of(CommentEvent))  # some connected, some still connecting
    assert run_threads(12, lambda i: clients[i % 6].stop()) == []
    for run, client in zip(runs, clients, strict=True):
        run.thread.join(WAIT)
        assert not run.thread.is_alive() and run.error is None
        assert not client.connected and (not run.events or isinstance(run.events[-1], DisconnectEvent))
        client.close()
    deadline = time.monotonic() + WAIT
    while fake.push_server.open_connections and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.push_server.open_connections == 0  # every socket was closed, none leaked
