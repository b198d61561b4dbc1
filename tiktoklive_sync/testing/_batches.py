"""Batches and frames for tests: wrap payloads as messages, messages as a fetch result, and a
fetch result as the bytes of a push frame, exactly as TikTok's push server lays them out.

``testing.builders`` re-exports everything here next to the event builders.

Example::

    frame = push_frame(fetch_result(message("WebcastChatMessage", payload), cursor="1"), gzip=True)
"""

from __future__ import annotations

import gzip as _gzip
import itertools
import time
from collections.abc import Mapping

from google.protobuf.message import DecodeError, Message

from ..live._protocol import build_fetch_result, build_frame, build_msg_frame
from ..proto import common_pb2
from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult

__all__ = ["fetch_result", "fresh_msg_id", "message", "push_frame", "rewrite_common", "stamp"]

#: msg_ids handed out here (the fake push server uses 7.4e18 and up, so they never collide)
_MSG_IDS = itertools.count(7_300_000_000_000_000_001)


def fresh_msg_id() -> int:
    """Return a msg_id no other builder call in this process has returned."""
    return next(_MSG_IDS)


def message(method: str, payload: bytes | Message, *, msg_id: int | None = None) -> BaseProtoMessage:
    """Wrap any payload (e.g. a real captured one) as a ``BaseProtoMessage``.

    ``msg_id`` defaults to the payload's own ``common.msg_id`` when it has one, else a fresh id.
    The payload is not changed (use :func:`stamp` to rewrite its header).
    """
    data = payload.SerializeToString() if isinstance(payload, Message) else bytes(payload)
    if msg_id is None:
        try:
            msg_id = common_pb2.CommonOnly.FromString(data).common.msg_id or fresh_msg_id()
        except DecodeError:  # not protobuf: the envelope still gets an id
            msg_id = fresh_msg_id()
    return BaseProtoMessage(method=method, payload=data, msg_id=msg_id)


def stamp(msg: BaseProtoMessage, *, room_id: int | None = None, msg_id: int | None = None) -> BaseProtoMessage:
    """Return a copy of ``msg`` whose header carries ``room_id`` / ``msg_id`` (given ones only).

    Works for any method: the common header (field 1) is rewritten in place, so the payload keeps
    exactly one header, as every message TikTok sends does.
    """
    out = BaseProtoMessage()
    out.CopyFrom(msg)
    out.payload = rewrite_common(msg.payload, room_id=room_id, msg_id=msg_id)
    if msg_id is not None:
        out.msg_id = msg_id
    return out


def rewrite_common(payload: bytes, *, room_id: int | None = None, msg_id: int | None = None) -> bytes:
    """Return ``payload`` (any webcast message) with ``room_id`` / ``msg_id`` set in its common header.

    The header (field 1) is rewritten where it stands; every other field keeps its bytes. Several
    copies of field 1 (which protobuf merges) become one. A payload without a header gets one in
    front. Returns ``payload`` unchanged if it is not protobuf.
    """
    fields = _top_level_fields(payload)
    if fields is None:
        return payload
    header = common_pb2.CommonMessageData()
    spans = [(start, end, body) for number, start, end, body in fields if number == 1]
    try:
        for _, _, body in spans:
            header.MergeFromString(body)
    except DecodeError:
        return payload
    if room_id is not None:
        header.room_id = room_id
    if msg_id is not None:
        header.msg_id = msg_id
    encoded = header.SerializeToString()
    new_field = b"\x0a" + _varint(len(encoded)) + encoded
    if not spans:
        return new_field + payload
    out, last = bytearray(), 0
    for index, (start, end, _) in enumerate(spans):
        out += payload[last:start]
        if index == 0:
            out += new_field
        last = end
    return bytes(out + payload[last:])


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _top_level_fields(data: bytes) -> list[tuple[int, int, int, bytes]] | None:
    """``(field number, start, end, body)`` of each top-level field, body only for length-delimited ones.

    Returns None if ``data`` is not well-formed protobuf.
    """
    fields, pos = [], 0
    try:
        while pos < len(data):
            start = pos
            key, pos = _read_varint(data, pos)
            number, wire = key >> 3, key & 7
            body = b""
            if wire == 0:
                _, pos = _read_varint(data, pos)
            elif wire == 1:
                pos += 8
            elif wire == 5:
                pos += 4
            elif wire == 2:
                length, pos = _read_varint(data, pos)
                body, pos = data[pos : pos + length], pos + length
            else:
                return None
            if pos > len(data) or number == 0:
                return None
            fields.append((number, start, pos, body))
    except ValueError:
        return None
    return fields


def fetch_result(
    *messages: BaseProtoMessage, cursor: str = "", internal_ext: str = "", need_ack: bool = True,
    now: int | None = None, is_first: bool = False, fetch_interval: int = 0, heartbeat_duration: int = 0,
) -> ProtoMessageFetchResult:
    """A batch of messages (``ProtoMessageFetchResult``), as one push frame or a sign-server fetch carries.

    Raises:
        ValueError: an item that is not a ``BaseProtoMessage``.
    """
    for item in messages:
        if not isinstance(item, BaseProtoMessage):
            raise ValueError(
                f"fetch_result takes BaseProtoMessage items (from the builders), not {type(item).__name__}"
            )
    return build_fetch_result(
        messages, cursor=cursor, internal_ext=internal_ext, need_ack=need_ack, is_first=is_first,
        now=now if now is not None else int(time.time() * 1000), fetch_interval=fetch_interval,
        heartbeat_duration=heartbeat_duration,
    )


def push_frame(
    result: ProtoMessageFetchResult | bytes, *, gzip: bool = False, log_id: int = 0, seq_id: int = 0,
    payload_type: str = "msg", headers: Mapping[str, str] | None = None,
) -> bytes:
    """Serialize a ``WebcastPushFrame`` carrying ``result`` (or raw payload bytes).

    With ``gzip=True`` the payload is gzipped and the ``compress_type`` header says so, as TikTok
    does; otherwise ``compress_type`` is ``none``. ``headers`` are added after it (e.g.
    ``im-cursor``).

    Returns:
        The frame's bytes, ready to send as one binary WebSocket message.
    """
    if payload_type == "msg":
        return build_msg_frame(result, gzip=gzip, log_id=log_id, seq_id=seq_id, headers=headers)
    payload = result.SerializeToString() if isinstance(result, ProtoMessageFetchResult) else bytes(result)
    if gzip:
        payload = _gzip.compress(payload, mtime=0)
    all_headers = {"compress_type": "gzip" if gzip else "none", **(headers or {})}
    return build_frame(payload_type, payload, log_id=log_id, seq_id=seq_id, headers=all_headers)
