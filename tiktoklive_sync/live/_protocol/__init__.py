"""TikTok's push protocol as pure functions and small state objects: no sockets, no threads, no clock.

Everything that builds or parses a push frame lives in this package (PROTOCOL.md 4.2-4.4): frames in
:mod:`._frames`, batches in :mod:`._batches`, state in :mod:`._state`, for the client and
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

from ._batches import (
    MAX_MESSAGES_PER_FRAME,
    Batch,
    build_fetch_result,
    parse_fetch_result,
    unpack_batch,
    unpack_fetch_result,
)
from ._frames import (
    DEFAULT_MAX_INFLATED_SIZE,
    GZIP_MAGIC,
    MAX_GZIP_MEMBERS,
    ClientFrame,
    build_ack,
    build_enter_room,
    build_frame,
    build_heartbeat,
    build_msg_frame,
    frame_payload,
    inflate,
    parse_frame,
    read_client_frame,
)
from ._state import RecentIds, RoomState

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
