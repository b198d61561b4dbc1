"""Push frames: parse and build them, read what a client sent, inflate a frame's payload (PROTOCOL.md 4.2, 4.4)."""

from __future__ import annotations

import gzip as _gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from ...errors import FrameDecodeError
from ...proto.envelope_pb2 import (
    HeartBeatMessage,
    ProtoMessageFetchResult,
    WebcastImEnterRoomMessage,
    WebcastPushFrame,
)

#: cap on a frame's inflated payload (gzip bomb guard); real batches are a few KiB
DEFAULT_MAX_INFLATED_SIZE = 16 * 1024 * 1024
#: the most gzip members one payload may hold (TikTok sends one)
MAX_GZIP_MEMBERS = 64
#: the most messages taken from one frame (real batches hold a few dozen); the rest are skipped
MAX_MESSAGES_PER_FRAME = 10_000
GZIP_MAGIC = b"\x1f\x8b\x08"
_FIRST_STEP = 64 * 1024  # input bytes fed to the inflater at first; doubles per step within a member
_MAX_STEP = 1 << 20


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
    view = memoryview(data) if len(data) > _FIRST_STEP else data  # a small payload is fed whole, uncopied
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
    if type(limit) is not int or limit <= 0:  # noqa: E721  (a bool is not a size)
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
