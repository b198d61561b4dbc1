"""TikTok's push protocol as pure functions and small state objects: no sockets, no threads, no clock.

Everything that builds or parses a push frame lives here (PROTOCOL.md 4.2-4.4), for the client and
for FakeTikTok's push server alike; the socket layer moves bytes and this module says what they mean.

API summary:

* frames: :func:`parse_frame` (bytes -> ``WebcastPushFrame``, ``FrameDecodeError`` for junk),
  :func:`build_frame` (any frame), :func:`build_msg_frame` (a batch, gzipped or not),
  :func:`build_heartbeat`, :func:`build_enter_room`, :func:`build_ack` (what a client sends),
  :func:`read_client_frame` (what a server reads back: a :class:`ClientFrame`).
* payloads: :func:`inflate` (gzip, any number of members up to ``max_members``, linear time, at most
  ``limit`` bytes out), :func:`frame_payload` (a ``"msg"`` frame's payload, inflated when its
  ``compress_type`` header or the gzip magic says so).
* batches: :func:`unpack_batch` (a ``"msg"`` frame -> :class:`Batch`, whose messages are parsed
  lazily, one at a time, at most ``max_messages`` per frame; the rest is counted in
  :attr:`Batch.skipped`), :func:`unpack_fetch_result` (the whole ``ProtoMessageFetchResult``,
  for small trusted batches and tests), :func:`parse_fetch_result` (the sign server's bare first
  answer), :func:`build_fetch_result` (a server's batch).
* state: :class:`RoomState` (one connection's cursor, ``internal_ext``, heartbeat sequence and
  acks) and :class:`RecentIds` (the msg_ids already delivered, bounded).

Example (a client)::

    state = RoomState(room_id, cursor=None)
    send(state.enter_room()); send(state.heartbeat())
    frame = parse_frame(data)
    if frame.payload_type == "msg":
        batch = unpack_batch(frame)
        ack = state.receive(frame, batch)      # remembers cursor / internal_ext
        if ack is not None:
            send(ack)
        for message in batch.messages():       # lazy: BaseProtoMessage one by one
            ...
"""

from __future__ import annotations

import gzip as _gzip
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

from ..errors import FrameDecodeError
from ..proto.envelope_pb2 import (
    BaseProtoMessage,
    HeartBeatMessage,
    ProtoMessageFetchResult,
    WebcastImEnterRoomMessage,
    WebcastPushFrame,
)

__all__ = [
    "DEFAULT_MAX_INFLATED_SIZE",
    "GZIP_MAGIC",
    "MAX_GZIP_MEMBERS",
    "MAX_MESSAGES_PER_FRAME",
    "Batch",
    "ClientFrame",
    "RecentIds",
    "RoomState",
    "build_ack",
    "build_enter_room",
    "build_fetch_result",
    "build_frame",
    "build_heartbeat",
    "build_msg_frame",
    "frame_payload",
    "inflate",
    "parse_fetch_result",
    "parse_frame",
    "read_client_frame",
    "unpack_batch",
    "unpack_fetch_result",
]

#: cap on a frame's inflated payload (gzip bomb guard); real batches are a few KiB
DEFAULT_MAX_INFLATED_SIZE = 16 * 1024 * 1024
#: the most gzip members one payload may hold (TikTok sends one)
MAX_GZIP_MEMBERS = 64
#: the most messages taken from one frame (real batches hold a few dozen); the rest are skipped
MAX_MESSAGES_PER_FRAME = 10_000
GZIP_MAGIC = b"\x1f\x8b\x08"
_FIRST_STEP = 4096  # input bytes fed to the inflater at first; doubles per step within a member
_MAX_STEP = 1 << 20


# -- frames -----------------------------------------------------------------------------------


def parse_frame(data: bytes | bytearray | memoryview) -> WebcastPushFrame:
    """Parse one binary WebSocket message as a ``WebcastPushFrame``.

    Raises:
        FrameDecodeError: not a push frame (garbage, truncated, or no ``payload_type``).
        ValueError: ``data`` is not bytes.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"a frame must be bytes, not {type(data).__name__}")
    try:
        frame = WebcastPushFrame.FromString(data if isinstance(data, bytes) else bytes(data))
    except DecodeError as exc:
        raise FrameDecodeError(
            f"A WebSocket message of {len(data)} bytes is not a push frame ({exc}); it was "
            "truncated or is not TikTok's protobuf."
        ) from exc
    if not frame.payload_type:
        raise FrameDecodeError(
            f"A WebSocket message of {len(data)} bytes has no payload_type, so it is not a push "
            "frame (garbage, or truncated before the payload)."
        )
    return frame


def build_frame(
    payload_type: str, payload: bytes = b"", *, log_id: int = 0, seq_id: int = 0,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """Return the bytes of one ``WebcastPushFrame`` (``payload_encoding`` ``"pb"``)."""
    frame = WebcastPushFrame(seq_id=seq_id, log_id=log_id, payload_encoding="pb", payload_type=payload_type,
                             payload=payload)
    for key, value in (headers or {}).items():
        frame.headers.add(key=key, value=value)
    return frame.SerializeToString()


def build_msg_frame(
    result: ProtoMessageFetchResult | bytes, *, gzip: bool = False, log_id: int = 0, seq_id: int = 0,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """Return a ``"msg"`` frame carrying ``result``, gzipped (``compress_type: gzip``) or not (``none``)."""
    payload = result.SerializeToString() if isinstance(result, ProtoMessageFetchResult) else bytes(result)
    if gzip:
        payload = _gzip.compress(payload, mtime=0)
    all_headers = {"compress_type": "gzip" if gzip else "none"}
    all_headers.update(headers or {})
    return build_frame("msg", payload, log_id=log_id, seq_id=seq_id, headers=all_headers)


def build_heartbeat(room_id: int, seq: int) -> bytes:
    """Return an ``hb`` frame (PROTOCOL.md 4.4): the room and the heartbeat's sequence number."""
    return build_frame("hb", HeartBeatMessage(room_id=room_id, send_packet_seq_id=seq).SerializeToString())


def build_enter_room(room_id: int, cursor: str = "") -> bytes:
    """Return the ``im_enter_room`` frame a client sends right after the handshake."""
    message = WebcastImEnterRoomMessage(
        room_id=room_id, live_id=12, identity="audience", cursor=cursor, filter_welcome_msg="0"
    )
    return build_frame("im_enter_room", message.SerializeToString())


def build_ack(log_id: int, internal_ext: str) -> bytes:
    """Return the ``ack`` of a batch: the frame's ``log_id``, the batch's ``internal_ext`` (``-`` if empty)."""
    return build_frame("ack", (internal_ext or "-").encode("utf-8"), log_id=log_id)


@dataclass(frozen=True)
class ClientFrame:
    """What a client sent, as a server reads it (:func:`read_client_frame`).

    Attributes:
        kind: the frame's ``payload_type`` (``"im_enter_room"``, ``"hb"``, ``"ack"``, or another).
        room_id: the room of an enter-room or heartbeat frame (0 otherwise).
        seq: a heartbeat's sequence number.
        cursor: an enter-room frame's cursor.
        log_id: an ack's log_id.
        internal_ext: an ack's payload.
    """

    kind: str
    room_id: int = 0
    seq: int = 0
    cursor: str = ""
    log_id: int = 0
    internal_ext: str = ""


def read_client_frame(data: bytes) -> ClientFrame:
    """Read a frame a client sent.

    Raises:
        FrameDecodeError: not a push frame, or an enter-room / heartbeat payload that does not parse.
    """
    frame = parse_frame(data)
    kind = frame.payload_type
    try:
        if kind == "im_enter_room":
            enter = WebcastImEnterRoomMessage.FromString(frame.payload)
            return ClientFrame(kind, room_id=enter.room_id, cursor=enter.cursor)
        if kind == "hb":
            beat = HeartBeatMessage.FromString(frame.payload)
            return ClientFrame(kind, room_id=beat.room_id, seq=beat.send_packet_seq_id)
    except DecodeError as exc:
        raise FrameDecodeError(f"A client's {kind!r} frame carries a payload that does not parse: {exc}") from exc
    if kind == "ack":
        return ClientFrame(kind, log_id=frame.log_id, internal_ext=frame.payload.decode("utf-8", "replace"))
    return ClientFrame(kind, log_id=frame.log_id)


# -- payloads -----------------------------------------------------------------------------------


def inflate(data: bytes, *, limit: int = DEFAULT_MAX_INFLATED_SIZE, max_members: int = MAX_GZIP_MEMBERS) -> bytes:
    """Gunzip ``data``: one member, or up to ``max_members`` back to back, in time linear in the input.

    Input is fed to the inflater in growing slices of a memoryview, so what follows a member is never
    copied whole (the quadratic trap of re-slicing ``unused_data``); bytes after the last member that
    are not gzip are ignored.

    Raises:
        FrameDecodeError: corrupt or truncated gzip, more than ``limit`` bytes out (a gzip bomb), or
            more than ``max_members`` members.
    """
    view = memoryview(data)
    total = len(view)
    out = bytearray()
    pos = 0
    members = 0
    while pos < total:
        if members and view[pos:pos + 3] != GZIP_MAGIC:
            break  # trailing bytes that are not another member
        members += 1
        if members > max_members:
            raise FrameDecodeError(
                f"A frame payload ({total} bytes) holds more than {max_members} gzip members; TikTok sends "
                "one, so it was refused as hostile."
            )
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        step = _FIRST_STEP
        while not inflater.eof:
            if pos >= total:
                raise FrameDecodeError(f"A gzipped frame payload ({total} bytes) is truncated.")
            chunk = view[pos:pos + step]
            pos += len(chunk)
            step = min(step * 2, _MAX_STEP)
            try:
                out += inflater.decompress(chunk, limit + 1 - len(out))
                while inflater.unconsumed_tail and len(out) <= limit:
                    out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
            except zlib.error as exc:
                raise FrameDecodeError(f"A gzipped frame payload ({total} bytes) is corrupt: {exc}.") from exc
            if len(out) > limit:
                raise FrameDecodeError(
                    f"A frame payload inflates to more than {limit} bytes (from {total} gzipped bytes) "
                    "and was refused as a likely gzip bomb; raise max_inflated_size if you really "
                    "expect batches this large."
                )
        pos -= len(inflater.unused_data)
    return bytes(out)


def frame_payload(frame: WebcastPushFrame, *, limit: int = DEFAULT_MAX_INFLATED_SIZE) -> bytes:
    """Return a ``"msg"`` frame's payload, inflated if its ``compress_type`` or the gzip magic says so.

    Raises:
        FrameDecodeError: an empty payload, or one that does not inflate (see :func:`inflate`).
        ValueError: not a ``"msg"`` frame, or ``limit`` not positive.
    """
    if frame.payload_type != "msg":
        raise ValueError(f"only 'msg' frames carry messages; this one is {frame.payload_type!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise ValueError(f"max_inflated_size must be a positive whole number, not {limit!r}")
    payload = frame.payload
    if not payload:
        raise FrameDecodeError("A msg frame carries no payload; it was truncated (a real batch always has a cursor).")
    if payload[:3] == GZIP_MAGIC:
        return inflate(payload, limit=limit)
    for header in frame.headers:
        if header.key == "compress_type":
            if header.value == "gzip":
                return inflate(payload, limit=limit)
            break
    return payload


# -- batches --------------------------------------------------------------------------------------


def _raw_fetch_result_class() -> Any:
    """A ``ProtoMessageFetchResult`` twin whose ``messages`` are raw bytes (parsed one at a time later).

    Parsing it costs one pointer per message instead of a message object per message, so a frame of a
    million empty messages stays cheap; ``route_params`` (field 7, only in the sign server's first
    answer) is left out and kept as unknown bytes.
    """
    file = descriptor_pb2.FileDescriptorProto()
    ProtoMessageFetchResult.DESCRIPTOR.file.CopyToProto(file)  # the same syntax (field presence rules)
    file.ClearField("message_type")
    file.ClearField("enum_type")
    file.ClearField("dependency")
    file.name, file.package = "tiktoklive_sync/live/raw_fetch_result.proto", "tiktoklive_sync.raw"
    original = descriptor_pb2.DescriptorProto()
    ProtoMessageFetchResult.DESCRIPTOR.CopyToProto(original)
    twin = file.message_type.add(name="RawFetchResult")
    for field in original.field:
        if field.number == 7:
            continue
        copy = twin.field.add()
        copy.CopyFrom(field)
        if field.number == 1:
            copy.type = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
            copy.ClearField("type_name")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tiktoklive_sync.raw.RawFetchResult"))


_RawFetchResult = _raw_fetch_result_class()


class Batch:
    """One batch of messages (a ``ProtoMessageFetchResult``), its messages parsed lazily.

    Attributes:
        cursor, internal_ext, need_ack, fetch_interval, now: the batch's fields.
        count: how many messages the batch holds.
        max_messages: how many of them :meth:`messages` yields at most.
    """

    __slots__ = ("cursor", "internal_ext", "need_ack", "fetch_interval", "now", "count", "max_messages", "broken",
                 "_items", "_raw")

    def __init__(self, result: Any, *, max_messages: int = MAX_MESSAGES_PER_FRAME, raw: bool) -> None:
        self.cursor: str = result.cursor
        self.internal_ext: str = result.internal_ext
        self.need_ack: bool = result.need_ack
        self.fetch_interval: int = result.fetch_interval
        self.now: int = result.now
        self._items = result.messages
        self._raw = raw
        self.count = len(self._items)
        self.max_messages = max_messages
        self.broken = 0  # message envelopes met so far that did not parse (skipped by messages())

    @classmethod
    def from_result(cls, result: ProtoMessageFetchResult, *, max_messages: int = MAX_MESSAGES_PER_FRAME) -> Batch:
        """Wrap a fetch result parsed elsewhere (e.g. the sign server's first answer)."""
        return cls(result, max_messages=max_messages, raw=False)

    @property
    def skipped(self) -> int:
        """Messages beyond ``max_messages``, which :meth:`messages` does not yield."""
        return max(0, self.count - self.max_messages)

    def messages(self) -> Iterator[BaseProtoMessage]:
        """Yield the batch's messages in order, parsing each only when it is reached.

        A message envelope that does not parse is skipped and counted in :attr:`broken`.
        """
        items = islice(self._items, self.max_messages)
        if not self._raw:
            yield from items
            return
        parse = BaseProtoMessage.FromString
        for raw in items:
            try:
                yield parse(raw)
            except DecodeError:
                self.broken += 1

    def __repr__(self) -> str:
        return f"<Batch {self.count} messages cursor={self.cursor!r} need_ack={self.need_ack}>"


def unpack_batch(
    frame: WebcastPushFrame, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE,
    max_messages: int = MAX_MESSAGES_PER_FRAME,
) -> Batch:
    """Return the batch a ``"msg"`` frame carries, its messages left unparsed until iterated.

    Raises:
        FrameDecodeError: the payload is empty, corrupt, too large, or not a fetch result.
        ValueError: not a ``"msg"`` frame, or a bad limit.
    """
    payload = frame_payload(frame, limit=max_inflated_size)
    try:
        result = _RawFetchResult.FromString(payload)
    except DecodeError as exc:
        raise FrameDecodeError(
            f"A msg frame's payload ({len(payload)} bytes after decompression) is not a "
            f"ProtoMessageFetchResult: {exc}."
        ) from exc
    return Batch(result, max_messages=max_messages, raw=True)


def unpack_fetch_result(
    frame: WebcastPushFrame, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE
) -> ProtoMessageFetchResult:
    """Return the whole ``ProtoMessageFetchResult`` of a ``"msg"`` frame, every message parsed at once.

    For small, trusted batches and tests; a client reads frames with :func:`unpack_batch`.

    Raises:
        FrameDecodeError: the payload is empty, corrupt, too large, or not a fetch result.
        ValueError: not a ``"msg"`` frame, or ``max_inflated_size`` not positive.
    """
    payload = frame_payload(frame, limit=max_inflated_size)
    try:
        return ProtoMessageFetchResult.FromString(payload)
    except DecodeError as exc:
        raise FrameDecodeError(
            f"A msg frame's payload ({len(payload)} bytes after decompression) is not a "
            f"ProtoMessageFetchResult: {exc}."
        ) from exc


def parse_fetch_result(data: bytes) -> ProtoMessageFetchResult:
    """Parse a bare ``ProtoMessageFetchResult`` (the sign server's first webcast answer), all at once.

    Raises:
        FrameDecodeError: the bytes are not a fetch result.
    """
    try:
        return ProtoMessageFetchResult.FromString(data)
    except DecodeError as exc:
        raise FrameDecodeError(f"{len(data)} bytes are not a ProtoMessageFetchResult: {exc}.") from exc


def build_fetch_result(
    messages: Iterable[BaseProtoMessage], *, cursor: str, internal_ext: str = "", need_ack: bool = False,
    fetch_interval: int = 1000, now: int = 0, **fields: Any,
) -> ProtoMessageFetchResult:
    """Return a batch a push server sends (``fields``: any other ``ProtoMessageFetchResult`` field)."""
    result = ProtoMessageFetchResult(cursor=cursor, internal_ext=internal_ext, need_ack=need_ack,
                                     fetch_interval=fetch_interval, now=now, **fields)
    result.messages.extend(messages)
    return result


# -- state ----------------------------------------------------------------------------------------


class RoomState:
    """One client's protocol state in a room: where it stands (cursor, internal_ext) and its heartbeats.

    ``cursor`` and ``internal_ext`` survive reconnects (a new connection resumes after them); the
    heartbeat sequence restarts with every :meth:`enter_room`.
    """

    __slots__ = ("room_id", "cursor", "internal_ext", "heartbeat_seq")

    def __init__(self, room_id: int, *, cursor: str | None = None, internal_ext: str | None = None) -> None:
        self.room_id = room_id
        self.cursor = cursor
        self.internal_ext = internal_ext
        self.heartbeat_seq = 0

    def enter_room(self) -> bytes:
        """Return the enter-room frame (resuming after the cursor, if any) and restart the heartbeats."""
        self.heartbeat_seq = 0
        return build_enter_room(self.room_id, self.cursor or "")

    def heartbeat(self) -> bytes:
        """Return the next heartbeat frame (sequence 1 right after enter-room)."""
        self.heartbeat_seq += 1
        return build_heartbeat(self.room_id, self.heartbeat_seq)

    def remember(self, batch: Batch) -> None:
        """Take the batch's cursor and internal_ext (where a reconnect resumes)."""
        if batch.cursor:
            self.cursor = batch.cursor
        if batch.internal_ext:
            self.internal_ext = batch.internal_ext

    def receive(self, frame: WebcastPushFrame, batch: Batch) -> bytes | None:
        """Remember a received batch; return the ack to send for it, or None if it asks for none."""
        self.remember(batch)
        return build_ack(frame.log_id, batch.internal_ext) if batch.need_ack else None


class RecentIds:
    """A set of at most ``maxsize`` msg_ids that forgets the least recently seen first.

    TikTok repeats recent messages on (re)connect and redelivers batches whose ack was lost
    (PROTOCOL.md 6); this drops the repeats with memory that stays flat. Not thread-safe: one reader
    loop owns it.

    Raises:
        ValueError: ``maxsize`` below 1.
    """

    def __init__(self, maxsize: int = 10_000) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize!r}")
        self.maxsize = maxsize
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def check_and_add(self, msg_id: int) -> bool:
        """Remember ``msg_id``; return True if it was already remembered (a duplicate), False if new."""
        ids = self._ids
        if msg_id in ids:
            ids.move_to_end(msg_id)
            return True
        ids[msg_id] = None
        if len(ids) > self.maxsize:
            ids.popitem(last=False)
        return False

    def recent(self, n: int) -> list[int]:
        """Return the ``n`` most recently seen ids, oldest first."""
        if n <= 0:
            return []
        out = list(islice(reversed(self._ids), n))
        out.reverse()
        return out

    def update(self, ids: Iterable[int]) -> None:
        """Remember every id of ``ids`` (in order, as if each was seen)."""
        for msg_id in ids:
            self.check_and_add(msg_id)

    def clear(self) -> None:
        """Forget every id."""
        self._ids.clear()
