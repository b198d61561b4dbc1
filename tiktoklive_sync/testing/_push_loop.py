"""The push server's network side: one asyncio loop on one thread serving every connection.

:class:`PushLoop` listens (backlog 1024), answers handshakes as its :class:`~._handshake.HandshakePolicy`
says, reads client frames (never answering a ping: TikTok does not), and sends each connection its
room's feed as :class:`~._feeds.PushFeeds` fills it, woken by pushes (nothing polls).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import threading
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from . import _websocket as ws
from ._feeds import Pending, PushFeeds
from ._handshake import DIRECT_PATH, SIGN_PATH, SUBPROTOCOL, HandshakePolicy, Refusal
from ._push_frames import batch_frame, enter_room_answer, heartbeat_answer, parse_client_frame
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord

__all__ = ["Conn", "FrameWriter", "PushLoop", "PushSettings", "abort", "cut_mid_frame"]

log = logging.getLogger("tiktoklive_sync.testing")

_T = TypeVar("_T")
#: writes one batch's WebSocket frame its own way; returns True if it ended the connection
FrameWriter = Callable[[asyncio.StreamWriter, bytes], Coroutine[Any, Any, bool]]


@dataclass
class PushSettings:
    """What a push server announces and how it sends (see :class:`~._push_server.PushServer`)."""

    ping_interval: float = 10.0
    history: int = 2
    need_ack: bool = True
    max_client_frame: int = 1 << 20
    on_live_ended: Callable[[int], None] | None = None


@dataclass(eq=False)
class Conn:
    """One open push connection (changed on the loop's thread only)."""

    number: int
    room_id: int
    next_batch: int
    writer: asyncio.StreamWriter
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    entered: bool = False
    silent: bool = False
    close_sent: bool = False
    held: list[bytes] | None = None  # frames waiting while a fault writer owns the stream

    def write(self, data: bytes) -> None:
        """Write ``data`` now, or after the fault writer that owns the stream is done."""
        if self.held is not None:
            self.held.append(data)
        else:
            self.writer.write(data)


class PushLoop:
    """The loop thread, the listening socket and the open connections of one push server.

    Args:
        feeds: what to send and where to record what clients send.
        policy: the handshake checks.
        settings: announced heartbeat period, history repeats, acks, the end-of-live callback.
    """

    def __init__(
        self, feeds: PushFeeds, policy: HandshakePolicy, settings: PushSettings, *, host: str, backlog: int
    ) -> None:
        self.feeds, self.policy, self.settings = feeds, policy, settings
        self._host, self._backlog = host, backlog
        self._conns: dict[int, Conn] = {}  # changed on the loop's thread only
        self._numbers = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-push-server", daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None

    @property
    def open_connections(self) -> int:
        """Connections open right now."""
        return len(self._conns)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._loop.is_closed()

    def close(self) -> None:
        """Close every connection (1001), stop listening and end the thread. Idempotent."""
        if self._loop.is_closed():
            return
        self.call(self.stop_listening(1001, ""))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coro`` on the loop and wait for its result (from any other thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def listen(self, port: int) -> int:
        """Listen on ``port`` (0: a free one); returns the port."""
        async def listen() -> asyncio.Server:
            return await asyncio.start_server(
                self._client, self._host, port, backlog=self._backlog, reuse_address=True, limit=1 << 16
            )

        self._server = self.call(listen())
        return int(self._server.sockets[0].getsockname()[1])

    async def stop_listening(self, code: int, reason: str) -> None:
        """Stop accepting; close every connection with ``code`` (cut those that do not answer within 1 s)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        conns = list(self._conns.values())
        for conn in conns:
            await self.close_conn(conn, code, reason)
        for _ in range(50):  # give clients a moment to answer the close frame
            if not self._conns:
                break
            await asyncio.sleep(0.02)
        for conn in list(self._conns.values()):
            await abort(conn)
        for _ in range(50):  # let the cut connections' tasks finish before the loop may stop
            if not self._conns:
                break
            await asyncio.sleep(0.01)

    async def each_conn(self, action: Callable[[Conn], Coroutine[Any, Any, None]]) -> int:
        """Apply ``action`` to every open connection; returns how many."""
        conns = list(self._conns.values())
        for conn in conns:
            await action(conn)
        return len(conns)

    async def close_conn(self, conn: Conn, code: int, reason: str) -> None:
        """Send a close frame with ``code`` (once); cut the stream if the client has not closed in 1 s."""
        if not conn.close_sent and not conn.writer.is_closing():
            conn.close_sent = True
            conn.write(ws.close_frame(code, reason))
            self._loop.call_later(1.0, conn.writer.transport.abort)

    def wake(self, room_id: int) -> None:
        """Let the connections of ``room_id`` send what their feed holds (from any thread)."""
        def wake() -> None:
            for conn in self._conns.values():
                if conn.room_id == room_id:
                    conn.wake.set()

        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(wake)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            conn = await self._handshake(reader, writer)
        except (ws.ProtocolViolation, asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            conn = None
        if conn is None:
            writer.close()
            return
        self._conns[conn.number] = conn
        pump = asyncio.create_task(self._pump(conn))
        try:
            await self._read(reader, conn)
        except (ws.ProtocolViolation, asyncio.IncompleteReadError, ConnectionError):
            log.debug("push connection %d ended", conn.number)
        finally:
            pump.cancel()
            self._conns.pop(conn.number, None)
            writer.close()

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Conn | None:
        request = await asyncio.wait_for(ws.read_handshake(reader), 10)
        parts = urlsplit(request.target)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        mode = "direct" if parts.path == DIRECT_PATH else "sign" if parts.path == SIGN_PATH else "?"
        headers = request.headers
        cookies = dict(_cookie_pairs(headers.get("cookie", "")))
        refusal = self.policy.judge(mode, params, headers, cookies)
        key = headers.get("sec-websocket-key", "")
        if refusal is None and (headers.get("upgrade", "").lower() != "websocket" or not key):
            refusal = Refusal(400, "a WebSocket handshake was expected\n")
        self.feeds.record(HandshakeRecord(mode, params, dict(headers), refusal.status if refusal else 101))
        if refusal is not None:
            writer.write(ws.http_response(refusal.status, [("Content-Type", "text/plain"), *refusal.headers],
                                          refusal.body.encode("utf-8")))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            return None
        answer = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", ws.accept_value(key))]
        if SUBPROTOCOL in [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")]:
            answer.append(("Sec-WebSocket-Protocol", SUBPROTOCOL))
        answer.append(("Handshake-Options", f"ping-interval={self.settings.ping_interval:g}; ping-timeout=30"))
        writer.write(ws.http_response(101, answer))
        room_id = int(params["room_id"])
        start = self.feeds.start_index(room_id, params.get("cursor", ""), self.settings.history)
        return Conn(number=next(self._numbers), room_id=room_id, next_batch=start, writer=writer)

    async def _read(self, reader: asyncio.StreamReader, conn: Conn) -> None:
        message: bytearray | None = None
        binary = False
        while True:
            fin, opcode, data = await ws.read_frame(reader, self.settings.max_client_frame)
            if opcode in (ws.PING, ws.PONG):
                continue  # TikTok never answers a ping (PROTOCOL.md 4.1)
            if opcode == ws.CLOSE:
                if not conn.close_sent:
                    conn.close_sent = True
                    conn.write(ws.frame(data[:2], ws.CLOSE))
                return
            if opcode in (ws.TEXT, ws.BINARY):
                message, binary = bytearray(data), opcode == ws.BINARY
            elif message is not None:
                message += data
            if fin and message is not None:
                if binary:
                    self._on_client_frame(conn, bytes(message))
                message = None

    def _on_client_frame(self, conn: Conn, data: bytes) -> None:
        frame = parse_client_frame(data)
        if frame is None:
            log.debug("push connection %d sent a frame that is not a push frame", conn.number)
            return
        if frame.kind == "im_enter_room":
            self.feeds.record(EnterRoomRecord(frame.room_id, frame.cursor, conn.number))
        elif frame.kind == "hb":
            self.feeds.record(HeartbeatRecord(frame.room_id, frame.seq, conn.number))
        elif frame.kind == "ack":
            self.feeds.record(AckRecord(frame.log_id, frame.internal_ext, conn.number))
        if conn.silent or conn.close_sent or conn.writer.is_closing():
            return
        if frame.kind == "im_enter_room":
            conn.entered = True
            conn.write(ws.frame(enter_room_answer()))
            conn.wake.set()
        elif frame.kind == "hb":
            conn.write(ws.frame(heartbeat_answer()))

    async def _pump(self, conn: Conn) -> None:
        """Send the room's batches to ``conn`` as they arrive (woken by pushes and by entering)."""
        while True:
            await conn.wake.wait()
            conn.wake.clear()
            while conn.entered and not (conn.silent or conn.close_sent or conn.writer.is_closing()):
                pending = self.feeds.take(conn.room_id, conn.next_batch)
                if pending is None:
                    break
                conn.next_batch += 1
                if await self._send(conn, pending):
                    return
                with contextlib.suppress(ConnectionError):
                    await conn.writer.drain()

    async def _send(self, conn: Conn, pending: Pending) -> bool:
        """Write one feed entry; returns True if a fault writer ended the connection."""
        if isinstance(pending.entry, bytes):
            conn.write(ws.frame(pending.entry))
            return False
        data = ws.frame(batch_frame(
            pending.entry, room_id=conn.room_id, cursor=self.feeds.cursor_base + conn.next_batch,
            seq_id=conn.next_batch, log_id=pending.log_id, need_ack=self.settings.need_ack,
        ))
        if pending.ends_live and self.settings.on_live_ended is not None:
            self.settings.on_live_ended(conn.room_id)  # before the write: the client may act on the frame at once
        if pending.writer is None:
            conn.write(data)
        else:
            conn.held = []
            try:
                if await pending.writer(conn.writer, data):
                    return True
            finally:
                held, conn.held = conn.held, None
            for item in held:
                conn.write(item)
        return False

async def abort(conn: Conn) -> None:
    """End the TCP stream at once, without a close frame."""
    sock = conn.writer.get_extra_info("socket")
    with contextlib.suppress(OSError, AttributeError):
        sock.shutdown(socket.SHUT_RDWR)
    conn.writer.transport.abort()


async def cut_mid_frame(writer: asyncio.StreamWriter, data: bytes) -> bool:
    """Write the header and half of a WebSocket frame (``data`` is the whole frame), then end the stream."""
    writer.write(data[: len(data) // 2])
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError, AttributeError):
        sock.shutdown(socket.SHUT_RDWR)
    writer.transport.abort()
    return True


def _cookie_pairs(header: str) -> Iterable[tuple[str, str]]:
    for item in header.split(";"):
        name, sep, value = item.strip().partition("=")
        if sep and name:
            yield name, value
