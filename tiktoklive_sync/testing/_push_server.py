"""FakeTikTok's WebSocket push server: TikTok's push protocol on 127.0.0.1 (PROTOCOL.md 4).

A :class:`PushServer` serves every connection from ONE thread running an asyncio loop (a listen
backlog of 1024), so a thousand idle connections cost nothing and a push reaches its room's
connections at once: pushing wakes them, nothing polls. It speaks what TikTok's push server
speaks: ``Handshake-Options: ping-interval=N``, gzipped ``msg`` frames holding a
ProtoMessageFetchResult, answers to ``im_enter_room`` and ``hb``; it never answers a WebSocket
ping. What each way in requires is :mod:`._handshake`'s; frames are built in :mod:`._push_frames`.

Every room has a feed (:mod:`._feeds`). A connection starts sending once the client has entered
the room, from the batch after the ``cursor`` in its URL, and first repeats up to ``history``
earlier batches, as TikTok repeats recent comments on every (re)connect. Batches pushed before
anyone connects wait in the feed, which keeps tests deterministic.

Faults: ``refuse_direct``, ``handshake_200``, :meth:`PushServer.push_raw` (any bytes as a frame),
drops, cuts, trickles, close codes, silence, restarts (see each method).
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

from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from . import _websocket as ws
from ._feeds import Pending, PushFeeds
from ._handshake import DIRECT_PATH, SIGN_PATH, SUBPROTOCOL, HandshakePolicy, Refusal
from ._push_frames import (
    batch_frame,
    batches_from_recorded,
    bootstrap_result,
    enter_room_answer,
    heartbeat_answer,
    parse_client_frame,
)
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from .builders import live_end

__all__ = ["PushServer", "SIGN_PATH", "DIRECT_PATH"]

log = logging.getLogger("tiktoklive_sync.testing")

_T = TypeVar("_T")
#: writes one batch's WebSocket frame its own way; returns True if it ended the connection
FrameWriter = Callable[[asyncio.StreamWriter, bytes], Coroutine[Any, Any, bool]]


@dataclass(eq=False)
class _Conn:
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


class PushServer:
    """A loopback TikTok push server. Use as a context manager, or call :meth:`close`.

    Args:
        ping_interval: the heartbeat period announced in ``Handshake-Options`` (seconds).
        history: batches repeated before the cursor on every connection.
        need_ack: mark every batch ``need_ack`` (so clients ack it).
        host: interface to bind (always loopback in tests).
        feeds: the feeds and records to serve (a new :class:`~._feeds.PushFeeds` by default).
        policy: the handshake checks (a lenient :class:`~._handshake.HandshakePolicy` by default).
        backlog: the listen backlog (many clients connecting at once are not refused).

    Attributes:
        on_live_ended: called with the room id once an end-of-live message has been sent to a client.
    """

    def __init__(
        self, *, ping_interval: float = 10.0, history: int = 2, need_ack: bool = True, host: str = "127.0.0.1",
        feeds: PushFeeds | None = None, policy: HandshakePolicy | None = None, backlog: int = 1024,
    ) -> None:
        self.ping_interval = ping_interval
        self.history = history
        self.need_ack = need_ack
        self.feeds = feeds if feeds is not None else PushFeeds()
        self.policy = policy if policy is not None else HandshakePolicy()
        self.backlog = backlog
        self.max_client_frame = 1 << 20
        self.on_live_ended: Callable[[int], None] | None = None
        self._host = host
        self._conns: dict[int, _Conn] = {}  # changed on the loop's thread only
        self._numbers = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-push-server", daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None
        self.port = 0
        self._serve(0)

    # -- switches kept on the handshake policy ------------------------------------------------------

    @property
    def refuse_direct(self) -> bool:
        """Refuse direct-path handshakes with ``Handshake-Msg: DEVICE_BLOCKED``."""
        return self.policy.refuse_direct

    @refuse_direct.setter
    def refuse_direct(self, value: bool) -> None:
        self.policy.refuse_direct = value

    @property
    def refuse_status(self) -> int:
        """The HTTP status of the ``refuse_direct`` refusal."""
        return self.policy.refuse_status

    @refuse_status.setter
    def refuse_status(self, value: int) -> None:
        self.policy.refuse_status = value

    @property
    def handshake_200(self) -> str | None:
        """When set, every handshake is answered with HTTP 200 and this ``Handshake-Msg``."""
        return self.policy.handshake_200

    @handshake_200.setter
    def handshake_200(self, value: str | None) -> None:
        self.policy.handshake_200 = value

    # -- addresses ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>``."""
        return f"ws://127.0.0.1:{self.port}"

    @property
    def push_url(self) -> str:
        """The push server URL the sign server hands out (the fetch result's ``push_server``)."""
        return self.url + SIGN_PATH

    @property
    def direct_url(self) -> str:
        """The push URL of the direct way in (``Endpoints.ws_direct``)."""
        return self.url + DIRECT_PATH

    # -- scripting ------------------------------------------------------------------------------------

    def push(self, room_id: int, *messages: BaseProtoMessage) -> list[int]:
        """Queue ``messages`` as one batch for ``room_id``; returns the msg_id each one carries.

        A message keeps the msg_id it has (on the envelope, else in its common header); one with
        none gets a fresh one; a header without msg_id or room id gets them, rewritten in place.
        """
        ids = self.feeds.push(room_id, messages)
        self._wake(room_id)
        return ids

    def push_raw(self, room_id: int, data: bytes) -> None:
        """Queue ``data`` as one binary WebSocket message for ``room_id``, sent exactly as given."""
        self.feeds.extend(room_id, [bytes(data)])
        self._wake(room_id)

    def replay(self, room_id: int, frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult]) -> int:
        """Queue recorded frames (serialized push frames, parsed ones, or fetch results) for ``room_id``.

        Messages are sent exactly as recorded; only the batch cursor is the fake's. Frames that are
        not ``msg`` frames are skipped. Returns the number of batches queued.
        """
        count = self.feeds.extend(room_id, batches_from_recorded(frames))
        self._wake(room_id)
        return count

    def forget_before(self, room_id: int, index: int) -> None:
        """Free the batches of ``room_id`` before feed ``index`` (long runs); a client resuming there gets none."""
        self.feeds.forget_before(room_id, index)

    def end_live(self, room_id: int) -> int:
        """Queue a ``WebcastControlMessage`` with action 3 (stream ended) for ``room_id``; returns its msg_id."""
        msg_id = self.feeds.push(room_id, [live_end(room_id=room_id)], ends_live=True)[0]
        self._wake(room_id)
        return msg_id

    def bootstrap(self, room_id: int, cursor: str | None = None) -> ProtoMessageFetchResult:
        """The first webcast response for a sign server: no messages, pointing at this push server."""
        return bootstrap_result(self.push_url, room_id, cursor, self.ping_interval)

    # -- what the server saw --------------------------------------------------------------------------

    @property
    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeat frames received, oldest first."""
        return self.feeds.heartbeats()

    @property
    def acks(self) -> list[AckRecord]:
        """Ack frames received, oldest first."""
        return self.feeds.acks()

    @property
    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received, oldest first."""
        return self.feeds.enter_rooms()

    @property
    def handshakes(self) -> list[HandshakeRecord]:
        """Handshake attempts, oldest first."""
        return self.feeds.handshakes()

    @property
    def open_connections(self) -> int:
        """Connections open right now."""
        return len(self._conns)

    # -- faults ---------------------------------------------------------------------------------------

    def drop_connections(self) -> int:
        """Cut every open connection without a close frame; returns how many were cut."""
        return self._call(self._each_conn(_abort))

    def silence_connections(self) -> int:
        """Make every open connection mute (it stays open, sends nothing); returns how many."""

        async def mute(conn: _Conn) -> None:
            conn.silent = True

        return self._call(self._each_conn(mute))

    def close_connections(self, code: int = 1000, reason: str = "") -> int:
        """Close every open connection with a close frame carrying ``code``; returns how many."""
        return self._call(self._each_conn(lambda conn: self._close(conn, code, reason)))

    def cut_next_push(self, room_id: int) -> None:
        """The next batch pushed to ``room_id`` is cut the first time it is sent.

        Half of its WebSocket frame goes out, then the TCP stream ends (no close frame). A client
        that reconnects with its last cursor gets the batch whole.
        """
        self.feeds.write_next_push_with(room_id, _cut_mid_frame)

    def trickle_next_push(self, room_id: int, *, pieces: int = 6, pause: float = 0.1) -> None:
        """Send the next batch pushed to ``room_id`` (once) as ``pieces`` bits with ``pause`` seconds between."""

        async def trickle(writer: asyncio.StreamWriter, data: bytes) -> bool:
            step = max(1, -(-len(data) // pieces))
            for start in range(0, len(data), step):
                if start:
                    await asyncio.sleep(pause)
                writer.write(data[start : start + step])
            return False

        self.feeds.write_next_push_with(room_id, trickle)

    def stop_listening(self) -> None:
        """Go away like a restarting server: close every connection (1012) and refuse new ones."""
        self._call(self._stop_listening(1012, "service restart"))

    def listen_again(self, *, new_cursors: bool = True) -> None:
        """Serve again on the same port (after :meth:`stop_listening`).

        With ``new_cursors``, cursors from now on are of a new series: a client presenting one from
        before is resumed from the batches queued since the restart (after ``history`` repeats).
        """
        if new_cursors:
            self.feeds.new_series()
        self._serve(self.port)

    def restart(self, *, new_cursors: bool = True) -> None:
        """:meth:`stop_listening`, then :meth:`listen_again`."""
        self.stop_listening()
        self.listen_again(new_cursors=new_cursors)

    # -- lifecycle ------------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving, cut every connection and end the server's thread. Idempotent."""
        if self._loop.is_closed():
            return
        self._call(self._stop_listening(1001, ""))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> PushServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop's side --------------------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def _serve(self, port: int) -> None:
        async def listen() -> asyncio.Server:
            return await asyncio.start_server(
                self._client, self._host, port, backlog=self.backlog, reuse_address=True, limit=1 << 16
            )

        self._server = self._call(listen())
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop_listening(self, code: int, reason: str) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        conns = list(self._conns.values())
        for conn in conns:
            await self._close(conn, code, reason)
        for _ in range(50):  # give clients a moment to answer the close frame
            if not self._conns:
                break
            await asyncio.sleep(0.02)
        for conn in list(self._conns.values()):
            await _abort(conn)

    async def _each_conn(self, action: Callable[[_Conn], Coroutine[Any, Any, None]]) -> int:
        conns = list(self._conns.values())
        for conn in conns:
            await action(conn)
        return len(conns)

    async def _close(self, conn: _Conn, code: int, reason: str) -> None:
        if not conn.close_sent and not conn.writer.is_closing():
            conn.close_sent = True
            conn.write(ws.close_frame(code, reason))
            self._loop.call_later(1.0, conn.writer.transport.abort)

    def _wake(self, room_id: int) -> None:
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

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> _Conn | None:
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
        answer.append(("Handshake-Options", f"ping-interval={self.ping_interval:g}; ping-timeout=30"))
        writer.write(ws.http_response(101, answer))
        room_id = int(params["room_id"])
        start = self.feeds.start_index(room_id, params.get("cursor", ""), self.history)
        return _Conn(number=next(self._numbers), room_id=room_id, next_batch=start, writer=writer)

    async def _read(self, reader: asyncio.StreamReader, conn: _Conn) -> None:
        message: bytearray | None = None
        binary = False
        while True:
            fin, opcode, data = await ws.read_frame(reader, self.max_client_frame)
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

    def _on_client_frame(self, conn: _Conn, data: bytes) -> None:
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

    async def _pump(self, conn: _Conn) -> None:
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

    async def _send(self, conn: _Conn, pending: Pending) -> bool:
        """Write one feed entry; returns True if a fault writer ended the connection."""
        if isinstance(pending.entry, bytes):
            conn.write(ws.frame(pending.entry))
            return False
        data = ws.frame(batch_frame(
            pending.entry, room_id=conn.room_id, cursor=self.feeds.cursor_base + conn.next_batch,
            seq_id=conn.next_batch, log_id=pending.log_id, need_ack=self.need_ack,
        ))
        if pending.ends_live and self.on_live_ended is not None:
            self.on_live_ended(conn.room_id)  # before the write: the client may act on the frame at once
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


async def _abort(conn: _Conn) -> None:
    """End the TCP stream at once, without a close frame."""
    sock = conn.writer.get_extra_info("socket")
    with contextlib.suppress(OSError, AttributeError):
        sock.shutdown(socket.SHUT_RDWR)
    conn.writer.transport.abort()


async def _cut_mid_frame(writer: asyncio.StreamWriter, data: bytes) -> bool:
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
