"""Turning WebSocket frames and message payloads into typed events.

The layers (PROTOCOL.md 4.2-4.3): a ``WebcastPushFrame`` whose ``payload_type`` is ``"msg"``
carries a (possibly gzipped) ``ProtoMessageFetchResult``, whose ``messages`` each name a
``method`` and carry that message's bytes. The public entry points:

* :func:`decode_frame` - one frame's bytes to a list of events (the whole pipeline);
* :func:`decode_message` - one ``(method, payload)`` pair to one event.

and :func:`batch_events`, the one place a batch becomes events (lazily, with msg_id dedupe when
given the ids already delivered): the live client and :func:`decode_frame` both use it. Frames and
batches themselves are read by :mod:`tiktoklive_sync.live._protocol`.

Error policy: whatever is wrong with a whole frame (not protobuf, truncated, bad gzip, a gzip
bomb) raises :class:`~tiktoklive_sync.errors.FrameDecodeError`. Inside a frame, one message
that does not parse is logged at WARNING and skipped; the rest of the batch is kept.
:func:`decode_message` called directly raises ``FrameDecodeError`` for a payload that does not
parse as its method's message. A method this library does not know is never an error: it
becomes an :class:`UnknownEvent` that still exposes ``msg_id``, ``room_id`` and ``create_time``.

Example::

    events = decode_frame(frame_bytes)

    frame = parse_frame(frame_bytes)                # what a client does, step by step
    if frame.payload_type == "msg":
        batch = unpack_batch(frame)                 # messages not parsed yet
        for event in batch_events(batch, seen=recent_ids):
            ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from google.protobuf.message import DecodeError

from ..errors import FrameDecodeError
from ..events._base import Event
from ..events._lifecycle import LiveStats
from ..events._methods import method_table
from ..events._unknown import UnknownEvent
from ..proto.envelope_pb2 import ProtoMessageFetchResult
from ._protocol import (
    DEFAULT_MAX_INFLATED_SIZE,
    GZIP_MAGIC,
    MAX_MESSAGES_PER_FRAME,
    Batch,
    RecentIds,
    parse_frame,
    unpack_batch,
    unpack_fetch_result,
)

#: the name this module has always exported for :func:`~tiktoklive_sync.live._protocol.parse_frame`
parse_push_frame = parse_frame

__all__ = [
    "DEFAULT_MAX_INFLATED_SIZE",
    "GZIP_MAGIC",
    "UnknownEvent",
    "batch_events",
    "decode_frame",
    "decode_message",
    "events_from_result",
    "parse_push_frame",
    "unpack_fetch_result",
]

log = logging.getLogger("tiktoklive_sync")

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


def batch_events(
    batch: Batch, *, seen: RecentIds | None = None, stats: LiveStats | None = None
) -> Iterator[Event]:
    """Yield the events of a batch, in order, decoding each message only when it is reached.

    A message that does not decode is logged at WARNING and skipped; unknown methods become
    ``UnknownEvent``. With ``seen``, a message whose msg_id was already delivered is dropped (and
    remembered otherwise). Messages beyond the batch's cap are not decoded: they are logged (named,
    with their number) and counted as undecodable.

    Args:
        batch: from :func:`~tiktoklive_sync.live._protocol.unpack_batch` or ``Batch.from_result``.
        seen: the msg_ids already delivered, or None to keep every message.
        stats: counters to update (``duplicates``, ``undecodable``), or None.
    """
    table = _TABLE
    repeat = seen.check_and_add if seen is not None else None
    for message in batch.messages():
        key = message.msg_id if repeat is not None else 0
        if key and repeat is not None and repeat(key):
            if stats is not None:
                stats.duplicates += 1
            continue
        method = message.method
        entry = table.get(method) or _lookup(method)
        if entry is None:
            event: Event = UnknownEvent(method, message.payload)
        else:
            try:
                event = entry[1](method, entry[0](message.payload))
            except DecodeError as exc:
                if stats is not None:
                    stats.undecodable += 1
                log.warning("skipped a %s message that did not decode (msg_id %d): its payload did not parse: %s",
                            method or "?", message.msg_id, exc)
                continue
        if repeat is not None and not key and event.msg_id and repeat(event.msg_id):
            if stats is not None:
                stats.duplicates += 1
            continue
        yield event
    if batch.broken:  # known only now: a large batch's envelopes are parsed as they are reached
        if stats is not None:
            stats.undecodable += batch.broken
        log.warning("skipped %d message envelopes of a frame that did not parse", batch.broken)
    if batch.count > batch.max_messages:
        if stats is not None:
            stats.undecodable += batch.skipped
        log.warning("skipped %d messages of a frame beyond the cap of %d messages per frame (%d in the frame)",
                    batch.skipped, batch.max_messages, batch.count)


def events_from_result(result: ProtoMessageFetchResult) -> list[Event]:
    """Decode every message of a parsed fetch result, in order (see :func:`batch_events`).

    Returns:
        One event per message that decoded.
    """
    return list(batch_events(Batch.from_result(result)))


def decode_frame(
    data: bytes, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE, max_messages: int = MAX_MESSAGES_PER_FRAME
) -> list[Event]:
    """Decode one WebSocket frame into its events.

    Args:
        data: one binary WebSocket message from TikTok's push server (a ``WebcastPushFrame``).
        max_inflated_size: refuse gzipped payloads that inflate beyond this many bytes.
        max_messages: decode at most this many messages of the frame (the rest are logged and skipped).

    Returns:
        The events of a ``"msg"`` frame, in order (a message that does not parse is logged and
        skipped); an empty list for every other payload type (heartbeats, acks, ...).

    Raises:
        FrameDecodeError: the frame itself is garbage, truncated, corrupt gzip or a gzip bomb.
        ValueError: ``data`` is not bytes, or ``max_inflated_size`` is not positive.
    """
    frame = parse_frame(data)
    if frame.payload_type != "msg":
        log.debug("ignoring a %r frame", frame.payload_type)
        return []
    return [*batch_events(unpack_batch(frame, max_inflated_size=max_inflated_size, max_messages=max_messages))]
