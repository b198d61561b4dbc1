"""FakeTikTok's WebSocket push server: TikTok's push protocol on 127.0.0.1 (PROTOCOL.md 4).

A :class:`PushServer` runs the ``websockets`` package's sync server on a free loopback port, one
thread per connection. It speaks what TikTok's push server speaks: the ``echo-protocol``
subprotocol, a ``Handshake-Options: ping-interval=N`` answer, gzipped ``msg`` push frames holding a
ProtoMessageFetchResult, and it reads the client's ``im_enter_room``, ``hb`` and ``ack`` frames.

Every room has a feed: an append-only list of batches (one batch = one ``msg`` frame). A connection
starts sending once the client has entered the room, from the batch after the ``cursor`` in its URL
(the cursor of batch *i* is ``str(i + 1)``), and first repeats up to ``history`` earlier batches, as
TikTok repeats recent comments on every (re)connect, so a client must drop duplicates itself. Batches
pushed before anyone connects wait in the feed, which keeps tests deterministic.

Faults: ``refuse_direct`` (``Handshake-Msg: DEVICE_BLOCKED``), ``handshake_200``, :meth:`push_raw`
(any bytes as a frame), and :class:`~.push_faults.PushFaults` (drops, cuts, close codes, restarts).
"""

from __future__ import annotations

import gzip
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from google.protobuf.message import DecodeError
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve
from websockets.typing import Subprotocol

from ..proto.common_pb2 import CommonOnly
from ..proto.envelope_pb2 import (
    BaseProtoMessage,
    HeartBeatMessage,
    ProtoMessageFetchResult,
    WebcastImEnterRoomMessage,
    WebcastPushFrame,
)
from .builders import live_end
from .push_faults import FrameWriter, PushFaults
from .push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord, common_patch

__all__ = ["PushServer", "SIGN_PATH", "DIRECT_PATH"]

log = logging.getLogger("tiktoklive_sync.testing")

SIGN_PATH = "/webcast/im/push/v2/"
DIRECT_PATH = "/webcast/im/ws_proxy/ws_reuse_supplement/"
_FIRST_MSG_ID = 7_400_000_000_000_000_001
_POLL = 0.02  # seconds a connection thread waits for client frames before looking at its feed
#: a feed entry: a batch (sent as a gzipped ``msg`` frame), or raw bytes sent as they are
_Entry = ProtoMessageFetchResult | bytes


@dataclass
class _Conn:
    number: int
    ws: ServerConnection
    room_id: int
    next_batch: int
    entered: bool = False
    silent: bool = False


def _echo_protocol_if_offered(_connection: ServerConnection, offered: Sequence[str]) -> Subprotocol | None:
    """Echo ``echo-protocol`` when the client asks for it (the signed path); the direct path asks for none."""
    return Subprotocol("echo-protocol") if "echo-protocol" in offered else None


class PushServer(PushFaults):
    """A loopback TikTok push server. Use as a context manager, or call :meth:`close`.

    Args:
        ping_interval: the heartbeat period announced in ``Handshake-Options`` (seconds).
        history: batches repeated before the cursor on every connection.
        need_ack: mark every batch ``need_ack`` (so clients ack it).
        host: interface to bind (always loopback in tests).

    Attributes:
        refuse_direct: refuse direct-path handshakes with ``Handshake-Msg: DEVICE_BLOCKED``.
        refuse_status: the HTTP status of that refusal.
        handshake_200: when set, answer every handshake with HTTP 200 and this ``Handshake-Msg``.
    """

    def __init__(
        self, *, ping_interval: float = 10.0, history: int = 2, need_ack: bool = True, host: str = "127.0.0.1"
    ) -> None:
        self.ping_interval = ping_interval
        self.history = history
        self.need_ack = need_ack
        self.refuse_direct = False
        self.refuse_status = int(HTTPStatus.FORBIDDEN)
        self.handshake_200: str | None = None
        #: called with the room id when an end-of-live message has been sent to a client
        self.on_live_ended: Callable[[int], None] | None = None
        self._end_ids: set[int] = set()
        self._lock = threading.Lock()
        self._feeds: dict[int, list[_Entry]] = {}
        self._cuts: dict[tuple[int, int], FrameWriter] = {}  # (room, feed index): sent its own way, once
        self._marks: dict[int, int] = {}  # room -> feed index where the current cursor series began
        self._cursor_base = 0  # added to every cursor handed out (a new series after a restart)
        self._host = host
        self._conns: dict[int, _Conn] = {}
        self._conn_numbers = itertools.count(1)
        self._msg_ids = itertools.count(_FIRST_MSG_ID)
        self._log_ids = itertools.count(1)
        self._heartbeats: list[HeartbeatRecord] = []
        self._acks: list[AckRecord] = []
        self._enters: list[EnterRoomRecord] = []
        self._handshakes: list[HandshakeRecord] = []
        self.port = 0
        self._serve(0)

    def _serve(self, port: int) -> None:
        """Listen on ``port`` (0: a free one) and serve on a new thread."""
        self._server = serve(
            self._handle, self._host, port, select_subprotocol=_echo_protocol_if_offered,
            process_request=self._process_request, process_response=self._process_response,
            compression=None, ping_interval=None, max_size=2**20, close_timeout=1,
        )
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-push-server", daemon=True)
        self._thread.start()

    def _shutdown(self, code: int, reason: str) -> None:
        self._server.shutdown(code=code, reason=reason)
        self._thread.join(timeout=5)

    # -- addresses ----------------------------------------------------------------------------

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

    # -- scripting ------------------------------------------------------------------------------

    def push(self, room_id: int, *messages: BaseProtoMessage) -> list[int]:
        """Queue ``messages`` as one batch for ``room_id``; returns the msg_id each one carries.

        A message keeps the msg_id it has (on the envelope, else in its common header); one with
        none gets a fresh one. A common header without a msg_id or room id gets them (appended as a
        second field 1, which protobuf merges), so events decode with the ids the test expects.
        """
        batch = ProtoMessageFetchResult()
        ids: list[int] = []
        with self._lock:
            for message in messages:
                copy = batch.messages.add()
                copy.CopyFrom(message)
                try:
                    header = CommonOnly.FromString(copy.payload).common
                except DecodeError:  # not protobuf (a test of bad payloads): leave the payload alone
                    header = None
                copy.msg_id = copy.msg_id or (header.msg_id if header is not None else 0) or next(self._msg_ids)
                if header is not None and not (header.msg_id and header.room_id):
                    copy.payload += common_patch(header.msg_id or copy.msg_id, header.room_id or room_id)
                ids.append(copy.msg_id)
            self._feed(room_id).append(batch)
        return ids

    def push_raw(self, room_id: int, data: bytes) -> None:
        """Queue ``data`` as one binary WebSocket message for ``room_id``, sent exactly as given.

        It takes its place in the feed like a batch (see :mod:`.push_faults` for bad frames to send).
        """
        with self._lock:
            self._feed(room_id).append(bytes(data))

    def replay(self, room_id: int, frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult]) -> int:
        """Queue recorded frames (serialized push frames, parsed ones, or fetch results) for ``room_id``.

        Messages are sent exactly as recorded (their own msg_ids); only the batch cursor is the
        fake's. Frames that are not ``msg`` frames are skipped.

        Returns:
            the number of batches queued.
        """
        batches: list[ProtoMessageFetchResult] = []
        for item in frames:
            if isinstance(item, ProtoMessageFetchResult):
                batches.append(item)
                continue
            frame = item if isinstance(item, WebcastPushFrame) else WebcastPushFrame.FromString(item)
            if frame.payload_type != "msg":
                continue
            payload = frame.payload
            if payload[:2] == b"\x1f\x8b":
                payload = gzip.decompress(payload)
            batches.append(ProtoMessageFetchResult.FromString(payload))
        with self._lock:
            self._feed(room_id).extend(batches)
        return len(batches)

    def forget_before(self, room_id: int, index: int) -> None:
        """Free the batches of ``room_id`` before feed ``index`` (long runs); a client resuming there gets none."""
        with self._lock:
            feed = self._feed(room_id)
            end = max(0, min(index, len(feed)))
            feed[:end] = [ProtoMessageFetchResult()] * end

    def end_live(self, room_id: int) -> int:
        """Queue a ``WebcastControlMessage`` with action 3 (stream ended) for ``room_id``; returns its msg_id."""
        msg_id = self.push(room_id, live_end(room_id=room_id))[0]
        with self._lock:
            self._end_ids.add(msg_id)
        return msg_id

    def bootstrap(self, room_id: int, cursor: str | None = None) -> ProtoMessageFetchResult:
        """The first webcast response for a sign server: no messages, pointing at this push server.

        The resume point travels in ``route_params["cursor"]`` (so a client that builds its URL
        from the route parameters resumes where it asked to).
        """
        start = cursor if cursor and cursor.isdigit() else "0"
        result = ProtoMessageFetchResult(
            cursor=start, push_server=self.push_url, is_first=True, internal_ext=f"fake_ext:{room_id}:{start}",
            heartbeat_duration=int(self.ping_interval * 1000), fetch_interval=1000, now=int(time.time() * 1000),
        )
        result.route_params["cursor"] = start
        result.route_params["internal_ext"] = result.internal_ext
        return result

    # -- what the server saw ----------------------------------------------------------------------

    @property
    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeat frames received, oldest first."""
        with self._lock:
            return list(self._heartbeats)

    @property
    def acks(self) -> list[AckRecord]:
        """Ack frames received, oldest first."""
        with self._lock:
            return list(self._acks)

    @property
    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received, oldest first."""
        with self._lock:
            return list(self._enters)

    @property
    def handshakes(self) -> list[HandshakeRecord]:
        """Handshake attempts, oldest first."""
        with self._lock:
            return list(self._handshakes)

    @property
    def open_connections(self) -> int:
        """Connections open right now."""
        with self._lock:
            return len(self._conns)

    # -- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving and close every connection."""
        self.drop_connections()
        self._shutdown(1001, "")

    def __enter__(self) -> PushServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------------

    def _feed(self, room_id: int) -> list[_Entry]:
        return self._feeds.setdefault(room_id, [])

    def _start_index(self, room_id: int, cursor: str) -> int:
        """The feed index a connection presenting ``cursor`` starts at (``history`` batches early).

        A cursor of the current series resumes after its batch; none, or one the server does not
        know (another series), starts where the current series began.
        """
        with self._lock:
            size, base = len(self._feed(room_id)), self._cursor_base
            after = self._marks.get(room_id, 0)
        if cursor.isdigit() and base <= int(cursor) <= base + size:
            after = int(cursor) - base
        return max(0, after - self.history)

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in request.headers.raw_items()}
        mode = "direct" if parts.path == DIRECT_PATH else "sign" if parts.path == SIGN_PATH else "?"
        response: Response | None = None
        if self.handshake_200 is not None:
            response = connection.respond(HTTPStatus.OK, "blocked\n")
            response.headers["Handshake-Msg"] = self.handshake_200
        elif mode == "?" or not params.get("room_id", "").isdigit():
            response = connection.respond(HTTPStatus.NOT_FOUND, "unknown push path or room\n")
        elif mode == "direct" and self.refuse_direct:
            response = connection.respond(self.refuse_status, "")
            response.headers["Handshake-Msg"] = "DEVICE_BLOCKED"
        elif mode == "direct" and "ttwid=" not in headers.get("cookie", ""):
            response = connection.respond(HTTPStatus.UNAUTHORIZED, "no ttwid cookie\n")
        elif mode == "sign" and "echo-protocol" not in headers.get("sec-websocket-protocol", ""):
            response = connection.respond(HTTPStatus.BAD_REQUEST, "subprotocol echo-protocol expected\n")
        status = response.status_code if response is not None else 101
        with self._lock:
            self._handshakes.append(HandshakeRecord(mode=mode, params=params, headers=headers, status=status))
        return response

    def _process_response(self, connection: ServerConnection, request: Request, response: Response) -> None:
        if response.status_code == HTTPStatus.SWITCHING_PROTOCOLS:
            response.headers["Handshake-Options"] = f"ping-interval={self.ping_interval:g}; ping-timeout=30"

    def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        room_id = int(query["room_id"][0])
        start = self._start_index(room_id, query.get("cursor", [""])[0])
        with self._lock:
            conn = _Conn(number=next(self._conn_numbers), ws=ws, room_id=room_id, next_batch=start)
            self._conns[conn.number] = conn
        try:
            while True:
                try:
                    data = ws.recv(timeout=_POLL)
                except TimeoutError:
                    data = None
                if isinstance(data, bytes):
                    self._on_client_frame(conn, data)
                if conn.entered and not conn.silent:
                    self._send_pending(conn)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._conns.pop(conn.number, None)

    def _on_client_frame(self, conn: _Conn, data: bytes) -> None:
        frame = WebcastPushFrame.FromString(data)
        kind = frame.payload_type
        with self._lock:
            if kind == "im_enter_room":
                enter = WebcastImEnterRoomMessage.FromString(frame.payload)
                self._enters.append(EnterRoomRecord(enter.room_id, enter.cursor, conn.number))
            elif kind == "hb":
                hb = HeartBeatMessage.FromString(frame.payload)
                self._heartbeats.append(HeartbeatRecord(hb.room_id, hb.send_packet_seq_id, conn.number))
            elif kind == "ack":
                self._acks.append(AckRecord(frame.log_id, frame.payload.decode("utf-8", "replace"), conn.number))
        if conn.silent:
            return
        if kind == "im_enter_room":
            conn.entered = True
            conn.ws.send(WebcastPushFrame(payload_type="im_enter_room_resp", payload_encoding="pb").SerializeToString())
        elif kind == "hb":
            conn.ws.send(WebcastPushFrame(payload_type="hb", payload_encoding="pb").SerializeToString())

    def _send_pending(self, conn: _Conn) -> None:
        while True:
            with self._lock:
                batches = self._feed(conn.room_id)
                if conn.silent or conn.next_batch >= len(batches):
                    return
                template = batches[conn.next_batch]
                writer = self._cuts.pop((conn.room_id, conn.next_batch), None)
                log_id = next(self._log_ids)
                ends = not isinstance(template, bytes) and any(m.msg_id in self._end_ids for m in template.messages)
            conn.next_batch += 1
            if isinstance(template, bytes):
                conn.ws.send(template)
                continue
            data = self._encode(conn, template, log_id)
            if writer is None:
                conn.ws.send(data)
            elif writer(conn.ws.socket, data):
                return  # the writer ended the connection
            if ends and self.on_live_ended is not None:
                self.on_live_ended(conn.room_id)

    def _encode(self, conn: _Conn, template: ProtoMessageFetchResult, log_id: int) -> bytes:
        result = ProtoMessageFetchResult()
        result.CopyFrom(template)
        cursor = self._cursor_base + conn.next_batch
        result.cursor = str(cursor)
        result.internal_ext = f"fake_ext:{conn.room_id}:{cursor}"
        result.need_ack = self.need_ack
        result.now = int(time.time() * 1000)
        frame = WebcastPushFrame(
            seq_id=conn.next_batch, log_id=log_id, payload_type="msg", payload_encoding="pb",
            payload=gzip.compress(result.SerializeToString(), compresslevel=1),
        )
        frame.headers.add(key="compress_type", value="gzip")
        return frame.SerializeToString()
