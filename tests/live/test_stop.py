"""Stopping a LiveClient: from another thread, a signal handler, during backoff, mid-iteration."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from tests.helpers.live import FAST, Collector, chat, client_for
from tiktoklive_sync.events._base import CommentEvent
from tiktoklive_sync.events._lifecycle import ConnectEvent, DisconnectEvent
from tiktoklive_sync.live.client import LiveClient

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
