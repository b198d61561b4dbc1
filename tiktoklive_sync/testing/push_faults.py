"""Faults of FakeTikTok's push server, and the bad frames a hostile push server sends.

:class:`PushFaults` is mixed into :class:`~tiktoklive_sync.testing.PushServer`; every switch acts
on the connections open now (or, for :meth:`PushFaults.cut_next_push`, on the next batch pushed):

- :meth:`~PushFaults.drop_connections`: cut the TCP stream, no close frame;
- :meth:`~PushFaults.cut_next_push`: send half of the next batch's WebSocket frame, then cut;
- :meth:`~PushFaults.trickle_next_push`: send the next batch's frame in pieces, pausing between them;
- :meth:`~PushFaults.close_connections`: a clean close frame with a code (e.g. 1011);
- :meth:`~PushFaults.silence_connections`: open but mute (no batches, no heartbeat answers);
- :meth:`~PushFaults.stop_listening` / :meth:`~PushFaults.listen_again` / :meth:`~PushFaults.restart`:
  the server goes away (connections refused) and comes back on the same port, optionally handing
  out cursors of a new series, so a client's old cursor means nothing to it.

The frame builders (:func:`garbage_frame`, :func:`truncated_gzip_frame`, :func:`gzip_bomb_frame`,
:func:`oversized_frame`) return bytes to queue with ``PushServer.push_raw``.

Example::

    server.push_raw(room_id, gzip_bomb_frame())      # one bad frame, in order with the batches
    server.cut_next_push(room_id)
    server.push(room_id, testing.chat("arrives after the reconnect"))
"""

from __future__ import annotations

import gzip
import logging
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any

from ..proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame

__all__ = [
    "FrameWriter",
    "PushFaults",
    "garbage_frame",
    "gzip_bomb_frame",
    "oversized_frame",
    "truncated_gzip_frame",
    "websocket_frame_header",
]

log = logging.getLogger("tiktoklive_sync.testing")

#: how far apart two cursor series are (a restart with new cursors adds this to every cursor)
CURSOR_SERIES_STEP = 1_000_000
#: writes one batch's frame to a connection's socket its own way; returns True if it ended the connection
FrameWriter = Callable[[socket.socket, bytes], bool]


def websocket_frame_header(length: int, opcode: int = 0x2) -> bytes:
    """Return the header of an unmasked, final server-to-client WebSocket frame of ``length`` bytes."""
    first = 0x80 | opcode
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def _msg_frame(payload: bytes, *, gzipped: bool) -> bytes:
    frame = WebcastPushFrame(payload_type="msg", payload_encoding="pb", payload=payload, log_id=1)
    frame.headers.add(key="compress_type", value="gzip" if gzipped else "none")
    return frame.SerializeToString()


def garbage_frame(size: int = 64) -> bytes:
    """Bytes that are not a ``WebcastPushFrame`` (a field that claims more bytes than follow)."""
    return (b"\x0a\xff\xff\xff\xff\x0f" + b"\xa5" * size)[: max(size, 7)]


def truncated_gzip_frame(result: ProtoMessageFetchResult) -> bytes:
    """A ``msg`` frame whose gzipped payload (``result``) stops half-way."""
    packed = gzip.compress(result.SerializeToString())
    return _msg_frame(packed[: max(10, len(packed) // 2)], gzipped=True)


def gzip_bomb_frame(inflated_size: int = 64 * 1024 * 1024) -> bytes:
    """A ``msg`` frame of a few dozen KiB whose payload inflates to ``inflated_size`` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(inflated_size >> 20)]
    parts.append(packer.compress(bytes(inflated_size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return _msg_frame(b"".join(parts), gzipped=True)


def oversized_frame(size: int) -> bytes:
    """A well-formed ``msg`` frame of at least ``size`` bytes (its payload is padding)."""
    return _msg_frame(b"\x00" * size, gzipped=False)


class PushFaults:
    """The fault switches of :class:`~tiktoklive_sync.testing.PushServer` (a mixin)."""

    # provided by PushServer
    _lock: threading.Lock
    _conns: dict[int, Any]
    _feeds: dict[int, list[Any]]
    _cuts: dict[tuple[int, int], FrameWriter]
    _marks: dict[int, int]
    _cursor_base: int
    port: int

    def _serve(self, port: int) -> None:  # provided by PushServer
        raise NotImplementedError

    def _shutdown(self, code: int, reason: str) -> None:  # provided by PushServer
        raise NotImplementedError

    def drop_connections(self) -> int:
        """Cut every open connection without a close frame; returns how many were cut."""
        with self._lock:
            conns = list(self._conns.values())
        for conn in conns:
            try:
                conn.ws.socket.shutdown(socket.SHUT_RDWR)  # no close frame: the TCP stream just ends
            except OSError:
                log.debug("connection %d was already gone", conn.number)
        return len(conns)

    def silence_connections(self) -> int:
        """Make every open connection mute (it stays open, sends nothing); returns how many."""
        with self._lock:
            for conn in self._conns.values():
                conn.silent = True
            return len(self._conns)

    def close_connections(self, code: int = 1000, reason: str = "") -> int:
        """Close every open connection with a close frame carrying ``code``; returns how many."""
        with self._lock:
            conns = list(self._conns.values())
        for conn in conns:
            conn.ws.close(code, reason)
        return len(conns)

    def cut_next_push(self, room_id: int) -> None:
        """The next batch pushed to ``room_id`` is cut the first time it is sent.

        Half of its WebSocket frame goes out, then the TCP stream ends (no close frame). A client
        that reconnects with its last cursor gets the batch whole.
        """
        self._write_next_push(room_id, cut_mid_frame)

    def trickle_next_push(self, room_id: int, *, pieces: int = 6, pause: float = 0.1) -> None:
        """Send the next batch pushed to ``room_id`` (once) as ``pieces`` bits with ``pause`` seconds between.

        A slow network: a client whose reads time out mid-frame must still get the frame whole.
        """
        self._write_next_push(room_id, lambda sock, data: trickle_frame(sock, data, pieces, pause))

    def _write_next_push(self, room_id: int, writer: FrameWriter) -> None:
        with self._lock:
            self._cuts[(room_id, len(self._feeds.setdefault(room_id, [])))] = writer

    def stop_listening(self) -> None:
        """Go away like a restarting server: close every connection (1012) and refuse new ones."""
        self._shutdown(1012, "service restart")

    def listen_again(self, *, new_cursors: bool = True) -> None:
        """Serve again on the same port (after :meth:`stop_listening`).

        With ``new_cursors``, cursors from now on are of a new series: a client presenting one from
        before is resumed from the batches queued since the restart (after ``history`` repeats),
        as a server that lost its state would.
        """
        if new_cursors:
            with self._lock:
                self._cursor_base += CURSOR_SERIES_STEP
                self._marks = {room: len(feed) for room, feed in self._feeds.items()}
        self._serve(self.port)

    def restart(self, *, new_cursors: bool = True) -> None:
        """:meth:`stop_listening`, then :meth:`listen_again`."""
        self.stop_listening()
        self.listen_again(new_cursors=new_cursors)


def cut_mid_frame(sock: socket.socket, data: bytes) -> bool:
    """Write the header and half of a binary WebSocket frame carrying ``data``, then end the stream."""
    try:
        sock.sendall(websocket_frame_header(len(data)) + data[: len(data) // 2])
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        log.debug("the connection went away before the cut")
    return True


def trickle_frame(sock: socket.socket, data: bytes, pieces: int, pause: float) -> bool:
    """Write a binary WebSocket frame carrying ``data`` in ``pieces`` parts, ``pause`` seconds apart."""
    frame = websocket_frame_header(len(data)) + data
    step = max(1, -(-len(frame) // pieces))
    for start in range(0, len(frame), step):
        if start:
            time.sleep(pause)
        try:
            sock.sendall(frame[start : start + step])
        except OSError:
            log.debug("the connection went away while trickling a frame")
            return True
    return False
