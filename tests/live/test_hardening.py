"""Hostile push servers and frames: memory, CPU and stop() stay bounded (each bound below the old figure).

The servers are small raw-socket WebSocket servers on 127.0.0.1 (FakeTikTok cannot lie about frame
lengths or flood pings); FakeTikTok still serves the HTTP side (room lookup, is-live, ttwid).
Old figures, for the bounds: a 2 KB frame of 1,000,000 empty messages cost 1.06 GB; 1.6 MB of empty
gzip members took ~4 s of CPU; a ping storm or a 2**62-byte frame header kept a socket "alive"
forever; stop() during a pending handshake waited for connect_timeout (10 s).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import socket
import struct
import threading
import time
import tracemalloc
from collections.abc import Callable

import pytest

import tiktoklive_sync as tls
from tests.helpers.live import FAST, chat
from tiktoklive_sync import testing
from tiktoklive_sync.errors import FrameDecodeError
from tiktoklive_sync.live._protocol import (
    MAX_GZIP_MEMBERS,
    MAX_MESSAGES_PER_FRAME,
    build_msg_frame,
    inflate,
    parse_frame,
    unpack_batch,
)
from tiktoklive_sync.testing import FakeTikTok

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MILLION_EMPTY = b"\x0a\x00" * 1_000_000 + b"\x12\x011"  # 1,000,000 empty messages, then cursor "1"

Script = Callable[[socket.socket, int, threading.Event], None]


def ws_header(length: int, opcode: int = 0x2) -> bytes:
    first = 0x80 | opcode
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def ws_message(data: bytes) -> bytes:
    return ws_header(len(data)) + data


class RawPushServer:
    """Accepts any number of WebSocket connections; ``script(sock, number, closing)`` plays each one.

    ``answer=False`` reads the handshake request and never answers it.
    """

    def __init__(self, script: Script, *, answer: bool = True) -> None:
        self.script = script
        self.answer = answer
        self.closing = threading.Event()
        self.requests = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/webcast/im/ws_proxy/ws_reuse_supplement/"
        self.threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        number = 0
        self.listener.settimeout(0.1)  # close() does not wake a blocked accept(): look at `closing` instead
        while not self.closing.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            number += 1
            thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        with conn:
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    piece = conn.recv(4096)
                    if not piece:
                        return
                    request += piece
                self.requests += 1
                if not self.answer:
                    self.closing.wait(30)
                    return
                key = next(line.split(b":", 1)[1].strip() for line in request.split(b"\r\n")
                           if line.lower().startswith(b"sec-websocket-key:"))
                accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest())
                conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
                self.script(conn, number, self.closing)
                conn.settimeout(0.5)
                while not self.closing.is_set():
                    try:
                        if not conn.recv(65536):
                            return
                    except TimeoutError:
                        continue
            except OSError:
                return

    def close(self) -> None:
        self.closing.set()
        self.listener.close()
        self._accepting.join(5)
        for thread in self.threads:
            thread.join(5)


def serve(fake: FakeTikTok, script: Script, **kwargs: bool) -> RawPushServer:
    server = RawPushServer(script, **kwargs)
    fake.ws_direct_url = server.url
    return server


def batch(*messages, cursor: str) -> bytes:
    return ws_message(build_msg_frame(testing.fetch_result(*messages, cursor=cursor, need_ack=False), gzip=True))


def good_then_end(fake: FakeTikTok) -> bytes:
    room_id = fake.room("someone").room_id
    return batch(chat("after"), cursor="10") + batch(testing.live_end(room_id=room_id), cursor="11")


# -- 11.8: a small frame of a million empty messages --------------------------------------------


def test_a_frame_of_a_million_empty_messages_costs_little_memory_and_is_capped(caplog):
    frame = build_msg_frame(MILLION_EMPTY, gzip=True)
    assert len(frame) < 4096  # ~2 KB on the wire, 2 MB inflated
    tracemalloc.start()
    try:
        with caplog.at_level(logging.WARNING, logger="tiktoklive_sync"):
            events = tls.decode_frame(frame)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(events) == MAX_MESSAGES_PER_FRAME
    assert peak < 64 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB (was 1.06 GB)"
    assert f"skipped {1_000_000 - MAX_MESSAGES_PER_FRAME} messages of a frame beyond the cap" in caplog.text


def test_a_batch_parses_its_messages_only_when_iterated():
    batch_of_million = unpack_batch(parse_frame(build_msg_frame(MILLION_EMPTY, gzip=True)))
    assert (batch_of_million.count, batch_of_million.cursor) == (1_000_000, "1")
    tracemalloc.start()
    try:
        messages = batch_of_million.messages()
        first_three = [next(messages) for _ in range(3)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [m.method for m in first_three] == ["", "", ""]
    assert peak < 1024 * 1024  # three messages' worth, not a million
    assert sum(1 for _ in messages) == MAX_MESSAGES_PER_FRAME - 3
    assert batch_of_million.skipped == 1_000_000 - MAX_MESSAGES_PER_FRAME


# -- 11.9: many empty gzip members ---------------------------------------------------------------


def test_many_empty_gzip_members_are_refused_in_little_time():
    empty_member = gzip.compress(b"", mtime=0)
    payload = empty_member * (1_600_000 // len(empty_member))  # 1.6 MB, as in the report (~4 s before)
    started = time.process_time()
    with pytest.raises(FrameDecodeError, match=f"more than {MAX_GZIP_MEMBERS} gzip members"):
        inflate(payload)
    assert time.process_time() - started < 0.5


def test_inflate_is_linear_in_the_input_for_the_members_it_accepts():
    members = [gzip.compress(bytes([i]) * 100_000, mtime=0) for i in range(MAX_GZIP_MEMBERS)]
    out = inflate(b"".join(members) + b"trailing junk is ignored")
    assert out == b"".join(bytes([i]) * 100_000 for i in range(MAX_GZIP_MEMBERS))
    started = time.process_time()
    for _ in range(20):
        inflate(b"".join(members))
    assert time.process_time() - started < 5.0  # 128 MB inflated in all; generous on a loaded machine


def test_stop_ends_the_iterator_quickly_while_huge_batches_flood_in(fake):
    flood = ws_message(build_msg_frame(MILLION_EMPTY, gzip=True))

    def script(sock: socket.socket, number: int, closing: threading.Event) -> None:
        while not closing.is_set():
            sock.sendall(flood)

    server = serve(fake, script)
    try:
        client = tls.LiveClient("someone", session=fake.session(), connect="direct", **FAST)
        seen = 0
        stopped_at = None
        for _event in client.events():
            seen += 1
            if seen == 100:
                stopped_at = time.monotonic()
                threading.Thread(target=client.stop).start()
        ended = time.monotonic() - stopped_at
        client.close()
    finally:
        server.close()
    assert ended < 2.0, f"the iterator ran on {ended:.1f} s after stop() (was 30 s)"


# -- 11.12: ping storm, huge frame header and a trickle --------------------------------------------


def _first_connection(flood: Script, fake: FakeTikTok) -> Script:
    def script(sock: socket.socket, number: int, closing: threading.Event) -> None:
        if number == 1:
            flood(sock, number, closing)
        else:
            sock.sendall(good_then_end(fake))

    return script


def ping_storm(sock: socket.socket, number: int, closing: threading.Event) -> None:
    pings = b"".join(ws_header(4, opcode=0x9) + b"ping" for _ in range(1000))
    while not closing.is_set():
        sock.sendall(pings)


def huge_header_then_trickle(sock: socket.socket, number: int, closing: threading.Event) -> None:
    sock.sendall(ws_header(2**62))
    while not closing.wait(0.05):
        sock.sendall(b"\x00")


@pytest.mark.parametrize("flood", [ping_storm, huge_header_then_trickle], ids=["ping storm", "2**62 header"])
def test_a_connection_without_push_frames_is_replaced_within_stale_timeout(fake, flood):
    server = serve(fake, _first_connection(flood, fake))
    stale = 1.0
    try:
        with tls.LiveClient("someone", session=fake.session(), connect="direct", **{**FAST, "stale_timeout": stale}
                            ) as client:
            timeline = []
            for event in client.events():
                timeline.append((time.monotonic(), event))
    finally:
        server.close()
    kinds = [type(e).__name__ for _, e in timeline]
    assert kinds == ["ConnectEvent", "DisconnectEvent", "ConnectEvent", "CommentEvent", "LiveEndEvent",
                     "DisconnectEvent"]
    (connected, _), (dropped, disconnect) = timeline[0], timeline[1]
    assert disconnect.reconnecting
    assert dropped - connected < stale + 1.5, f"replaced after {dropped - connected:.1f} s (was: never)"


def test_a_ping_storm_costs_the_reader_little_cpu(fake):
    server = serve(fake, _first_connection(ping_storm, fake))
    cpu: list[float] = []

    def watch() -> None:
        start = time.thread_time()
        with tls.LiveClient("someone", session=fake.session(), connect="direct", **{**FAST, "stale_timeout": 5.0}
                            ) as client:
            for event in client.events():
                if isinstance(event, tls.DisconnectEvent):
                    cpu.append(time.thread_time() - start)

    try:
        thread = threading.Thread(target=watch)
        thread.start()
        thread.join(30)
    finally:
        server.close()
    assert cpu and cpu[0] < 1.0, f"{cpu} CPU-s before the storm ended the connection (was ~1 CPU-s per s, forever)"


# -- 11.13: stop() while the handshake is pending -----------------------------------------------------


def test_stop_during_a_pending_handshake_takes_effect_within_a_second(fake):
    server = serve(fake, lambda sock, number, closing: None, answer=False)
    try:
        client = tls.LiveClient("someone", session=fake.session(), connect="direct", connect_timeout=10.0)
        events: list[tls.Event] = []
        thread = threading.Thread(target=lambda: events.extend(client.events()))
        thread.start()
        deadline = time.monotonic() + 10
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.requests == 1, "the handshake request never arrived"
        stopped = time.monotonic()
        client.stop()
        thread.join(5)
        took = time.monotonic() - stopped
        client.close()
    finally:
        server.close()
    assert not thread.is_alive()
    assert took < 1.0, f"stop() took {took:.1f} s during the handshake (was connect_timeout, 10 s)"
    assert events == []


# -- one thread per room -----------------------------------------------------------------------------------


def test_a_connected_client_runs_no_thread_of_its_own_and_still_sends_heartbeats(fake):
    room_id = fake.room("someone").room_id
    client = tls.LiveClient("someone", session=fake.session(), connect="direct",
                            **{**FAST, "heartbeat_interval": 0.05})
    events: list[tls.Event] = []
    runner = threading.Thread(target=lambda: events.extend(client.events()), name="room-runner")
    before = {t.ident for t in threading.enumerate()}
    runner.start()
    deadline = time.monotonic() + 10
    while len(fake.heartbeats) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    started = [t.name for t in threading.enumerate() if t.ident not in before and not t.name.startswith("fake")]
    library = [t.name for t in threading.enumerate() if t.name.startswith("tiktoklive")]
    fake.push(room_id, chat("still here"), testing.live_end(room_id=room_id))
    runner.join(10)
    client.close()
    assert library == []
    assert "room-runner" in started
    assert len(fake.heartbeats) >= 5
    assert [h.seq_id for h in fake.heartbeats[:5]] == [1, 2, 3, 4, 5]
    assert [type(e).__name__ for e in events] == ["ConnectEvent", "CommentEvent", "LiveEndEvent", "DisconnectEvent"]
