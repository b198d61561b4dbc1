"""Turning WebSocket frames and message payloads into typed events.

The layers (PROTOCOL.md 4.2-4.3): a ``WebcastPushFrame`` whose ``payload_type`` is ``"msg"``
carries a (possibly gzipped) ``ProtoMessageFetchResult``, whose ``messages`` each name a
``method`` and carry that message's bytes. The public entry points:

* :func:`decode_frame` - one frame's bytes to a list of events (the whole pipeline);
* :func:`decode_message` - one ``(method, payload)`` pair to one event.

and, for code that needs the layers in between (the live client acks frames and keeps the
cursor):

* :func:`parse_push_frame` - bytes to a ``WebcastPushFrame``;
* :func:`unpack_fetch_result` - a ``"msg"`` frame to its ``ProtoMessageFetchResult``
  (inflating gzip, bounded by ``max_inflated_size``);
* :func:`events_from_result` - a fetch result to events, skipping (and logging) messages
  that do not decode.

Error policy: whatever is wrong with a whole frame (not protobuf, truncated, bad gzip, a gzip
bomb) raises :class:`~tiktoklive_sync.errors.FrameDecodeError`. Inside a frame, one message
that does not parse is logged at WARNING and skipped; the rest of the batch is kept.
:func:`decode_message` called directly raises ``FrameDecodeError`` for a payload that does not
parse as its method's message. A method this library does not know is never an error: it
becomes an :class:`UnknownEvent` that still exposes ``msg_id``, ``room_id`` and ``create_time``.

Example::

    events = decode_frame(frame_bytes)

    frame = parse_push_frame(frame_bytes)           # what a client does, step by step
    if frame.payload_type == "msg":
        result = unpack_fetch_result(frame)
        if result.need_ack:
            ...                                     # ack with frame.log_id / result.internal_ext
        events = events_from_result(result)
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from typing import Any

from google.protobuf.message import DecodeError

from ..errors import FrameDecodeError
from ..events._base import Event
from ..events._methods import method_table
from ..events._unknown import UnknownEvent
from ..proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame

__all__ = [
    "DEFAULT_MAX_INFLATED_SIZE",
    "UnknownEvent",
    "decode_frame",
    "decode_message",
    "events_from_result",
    "parse_push_frame",
    "unpack_fetch_result",
]

log = logging.getLogger("tiktoklive_sync")

#: Default cap on a frame's inflated payload (gzip bomb guard); real batches are a few KiB.
DEFAULT_MAX_INFLATED_SIZE = 16 * 1024 * 1024

GZIP_MAGIC = b"\x1f\x8b\x08"

_Entry = tuple[Callable[[bytes], Any], Callable[[str, Any], Event]]
_TABLE: dict[str, _Entry] = method_table()
_BY_LOWER: dict[str, _Entry] = {name.lower(): entry for name, entry in _TABLE.items()}
_TABLE_LIMIT = 4 * len(_TABLE)  # aliases remembered at most (a hostile stream cannot grow it)


def _lookup(method: str) -> _Entry | None:
    entry = _TABLE.get(method)
    if entry is not None:
        return entry
    # Some captures name methods without the "Webcast" prefix ("LinkMicMethod") or with other
    # capitals; map those to the same class and remember the alias.
    entry = _BY_LOWER.get(method.lower()) or _BY_LOWER.get("webcast" + method.lower())
    if entry is not None and len(_TABLE) < _TABLE_LIMIT:
        _TABLE[method] = entry
    return entry


def decode_message(method: str, payload: bytes) -> Event:
    """Decode one webcast message into its event.

    Args:
        method: the message's method name as TikTok sends it (``BaseProtoMessage.method``),
            e.g. ``"WebcastChatMessage"``; the ``Webcast`` prefix may be left out.
        payload: the message's bytes (``BaseProtoMessage.payload``).

    Returns:
        The typed event (e.g. ``CommentEvent``), or ``UnknownEvent`` for a method this library
        has no class for.

    Raises:
        FrameDecodeError: the payload does not parse as the message its method names.
        ValueError: ``method`` is not a string or ``payload`` is not bytes.
    """
    if not isinstance(method, str):
        raise ValueError(f"method must be a str such as 'WebcastChatMessage', not {type(method).__name__}")
    if not isinstance(payload, bytes):
        if not isinstance(payload, (bytearray, memoryview)):
            raise ValueError(f"payload must be bytes, not {type(payload).__name__}")
        payload = bytes(payload)
    entry = _TABLE.get(method) or _lookup(method)
    if entry is None:
        return UnknownEvent(method, payload)
    parse, make = entry
    try:
        message = parse(payload)
    except DecodeError as exc:
        raise FrameDecodeError(
            f"The {method} payload ({len(payload)} bytes) did not parse: {exc}. TikTok may have "
            "changed this message's schema; the message is skipped when it comes inside a frame."
        ) from exc
    return make(method, message)


def parse_push_frame(data: bytes) -> WebcastPushFrame:
    """Parse one WebSocket binary message as a ``WebcastPushFrame``.

    Returns:
        The frame; look at ``payload_type`` (``"msg"`` carries events; ``"hb"``, ``"ack"``,
        ``"im_enter_room_resp"`` are transport-level).

    Raises:
        FrameDecodeError: the bytes are not a push frame (garbage, truncated, or no payload_type).
        ValueError: ``data`` is not bytes.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"a frame must be bytes, not {type(data).__name__}")
    try:
        frame = WebcastPushFrame.FromString(bytes(data))
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


def _inflate(data: bytes, limit: int) -> bytes:
    """Gunzip ``data`` (one or more members), refusing more than ``limit`` bytes of output."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise FrameDecodeError(f"A gzipped frame payload ({len(data)} bytes) is corrupt: {exc}.") from exc
        if len(out) > limit:
            raise FrameDecodeError(
                f"A frame payload inflates to more than {limit} bytes (from {len(data)} gzipped "
                "bytes) and was refused as a likely gzip bomb; raise max_inflated_size if you "
                "really expect batches this large."
            )
        if not inflater.eof:
            raise FrameDecodeError(f"A gzipped frame payload ({len(data)} bytes) is truncated.")
        rest = inflater.unused_data
        if rest[:3] != GZIP_MAGIC:
            if rest:
                log.debug("ignoring %d bytes after the gzip member of a frame payload", len(rest))
            break
    return bytes(out)


def unpack_fetch_result(
    frame: WebcastPushFrame, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE
) -> ProtoMessageFetchResult:
    """Return the batch of messages a ``"msg"`` push frame carries.

    The payload is gunzipped when the frame's ``compress_type`` header says ``gzip`` or the
    payload starts with the gzip magic bytes (``1f 8b 08``); other payloads are parsed as-is.

    Args:
        frame: a frame from :func:`parse_push_frame` with ``payload_type == "msg"``.
        max_inflated_size: refuse payloads that inflate to more bytes than this.

    Raises:
        FrameDecodeError: the payload is empty, corrupt, truncated, too large, or not a fetch result.
        ValueError: the frame is not a ``"msg"`` frame, or ``max_inflated_size`` is not positive.
    """
    if frame.payload_type != "msg":
        raise ValueError(f"only 'msg' frames carry messages; this one is {frame.payload_type!r}")
    if max_inflated_size <= 0:
        raise ValueError(f"max_inflated_size must be positive, not {max_inflated_size}")
    payload = frame.payload
    if not payload:
        raise FrameDecodeError(
            "A msg frame carries no payload; it was truncated (a real batch always has a cursor)."
        )
    compress = ""
    for header in frame.headers:
        if header.key == "compress_type":
            compress = header.value
            break
    if payload[:3] == GZIP_MAGIC or compress == "gzip":
        payload = _inflate(payload, max_inflated_size)
    elif compress not in ("", "none"):
        log.debug("unknown compress_type %r; parsing the payload as-is", compress)
    try:
        return ProtoMessageFetchResult.FromString(payload)
    except DecodeError as exc:
        raise FrameDecodeError(
            f"A msg frame's payload ({len(payload)} bytes after decompression) is not a "
            f"ProtoMessageFetchResult: {exc}."
        ) from exc


def events_from_result(result: ProtoMessageFetchResult) -> list[Event]:
    """Decode every message of a batch, in order.

    A message whose payload does not parse is logged at WARNING and skipped; the others are
    still returned. Unknown methods become ``UnknownEvent``.

    Returns:
        One event per message that decoded.
    """
    events: list[Event] = []
    append = events.append
    table = _TABLE
    for message in result.messages:
        method = message.method
        entry = table.get(method) or _lookup(method)
        if entry is None:
            append(UnknownEvent(method, message.payload))
            continue
        try:
            append(entry[1](method, entry[0](message.payload)))
        except DecodeError as exc:
            log.warning(
                "skipped a %s message (msg_id %d) whose payload did not parse: %s",
                method, message.msg_id, exc,
            )
    return events


def decode_frame(data: bytes, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE) -> list[Event]:
    """Decode one WebSocket frame into its events.

    Args:
        data: one binary WebSocket message from TikTok's push server (a ``WebcastPushFrame``).
        max_inflated_size: refuse gzipped payloads that inflate beyond this many bytes.

    Returns:
        The events of a ``"msg"`` frame, in order (a message that does not parse is logged and
        skipped); an empty list for every other payload type (heartbeats, acks, ...).

    Raises:
        FrameDecodeError: the frame itself is garbage, truncated, corrupt gzip or a gzip bomb.
        ValueError: ``data`` is not bytes, or ``max_inflated_size`` is not positive.
    """
    frame = parse_push_frame(data)
    if frame.payload_type != "msg":
        log.debug("ignoring a %r frame", frame.payload_type)
        return []
    return events_from_result(unpack_fetch_result(frame, max_inflated_size=max_inflated_size))
