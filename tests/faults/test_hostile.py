"""Fault matrix, a hostile push server: frames far over the size limit must not be held in memory.

FakeTikTok's push server (the websockets package) cannot lie about a frame's length, so this test
speaks WebSocket by hand on a raw socket: after the handshake it announces a huge frame and streams
its bytes from one small buffer, then sends well-formed batches. The client must throw the huge
frame away as it arrives (memory, measured with tracemalloc, stays under the limit), say so in a
warning, and deliver the batches that follow on the same connection.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import socket
import threading
import tracemalloc

import pytest

import tiktoklive_sync as tls
from tests.helpers.faults import LogWatch
from tests.helpers.live import FAST, chat
from tiktoklive_sync import testing
from tiktoklive_sync.live._connection import MAX_FRAME_BYTES
from tiktoklive_sync.testing.push_faults import websocket_frame_header

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
ZEROS = memoryview(bytes(64 * 1024))


class HostilePushServer:
    """One connection: the handshake, then ``script(sock)`` writes whatever it wants; then it drains."""

    def __init__(self, script) -> None:
        self.script = script
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            key = next(line.split(b":", 1)[1].strip() for line in request.split(b"\r\n")
                       if line.lower().startswith(b"sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest())
            conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\nSec-WebSocket-Protocol: echo-protocol\r\n\r\n")
            try:
                self.script(conn)
                while conn.recv(65536):  # read the client's frames until it hangs up
                    pass
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()
        self.thread.join(10)


def stream_zeros(sock: socket.socket, size: int) -> None:
    left = size
    while left:
        part = ZEROS[: min(left, len(ZEROS))]
        sock.sendall(part)
        left -= len(part)


def batch_frame(*messages, cursor: str) -> bytes:
    data = testing.push_frame(testing.fetch_result(*messages, cursor=cursor, need_ack=False), gzip=True)
    return websocket_frame_header(len(data)) + data


def one_huge_frame(sock: socket.socket) -> None:
    sock.sendall(websocket_frame_header(4 * MAX_FRAME_BYTES))
    stream_zeros(sock, 4 * MAX_FRAME_BYTES)


def many_fragments(sock: socket.socket) -> None:
    piece = MAX_FRAME_BYTES // 4
    for i in range(24):  # 6x the limit in fragments that are each a quarter of it
        first, last = i == 0, i == 23
        header = bytearray(websocket_frame_header(piece, opcode=0x2 if first else 0x0))
        if not last:
            header[0] &= 0x7F  # FIN off: more fragments follow
        sock.sendall(bytes(header))
        stream_zeros(sock, piece)


@pytest.mark.parametrize(
    "flood, size, most_held",
    [
        (one_huge_frame, 4 * MAX_FRAME_BYTES, MAX_FRAME_BYTES),
        # fragments are joined by bytes concatenation: up to the limit, held twice while joining
        (many_fragments, 6 * MAX_FRAME_BYTES, 3 * MAX_FRAME_BYTES),
    ],
    ids=["one frame", "fragments"],
)
def test_an_oversized_message_is_thrown_away_as_it_arrives(fake, flood, size, most_held):
    room_id = fake.room("someone").room_id
    good = [chat("after the flood"), chat("and more")]
    end = testing.live_end(room_id=room_id)

    def script(sock: socket.socket) -> None:
        flood(sock)
        sock.sendall(batch_frame(*good, cursor="1") + batch_frame(end, cursor="2"))

    server = HostilePushServer(script)
    fake.ws_direct_url = f"ws://127.0.0.1:{server.port}/webcast/im/ws_proxy/ws_reuse_supplement/"
    tracemalloc.start()
    try:
        with LogWatch() as logs, tls.LiveClient("someone", session=fake.session(), connect="direct", **FAST) as c:
            events = list(c.events())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        server.close()
    assert [e.msg_id for e in events if e.msg_id] == [m.msg_id for m in (*good, end)]
    assert c.stats.connections == 1  # the connection survived the flood
    warned = [m for m in logs.messages(logging.WARNING) if "over the" in m]
    assert len(warned) == 1 and f"skipping a {size}-byte frame" in warned[0]
    assert peak < most_held < size  # what went by was never held whole
