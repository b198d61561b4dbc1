"""What FakeTikTok's push server saw, and the wire helpers it scripts messages with."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HeartbeatRecord", "AckRecord", "EnterRoomRecord", "HandshakeRecord", "common_patch", "varint"]


def varint(n: int) -> bytes:
    """Return the protobuf varint encoding of a non-negative ``n``."""
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def common_patch(msg_id: int, room_id: int) -> bytes:
    """Wire bytes of ``field 1 { 2: msg_id, 3: room_id }``.

    Appended to a message payload, protobuf's merge rule folds it into the message's common header
    (field 1 of every webcast message), whatever the message type.
    """
    inner = b"\x10" + varint(msg_id) + b"\x18" + varint(room_id)
    return b"\x0a" + varint(len(inner)) + inner


@dataclass(frozen=True)
class HeartbeatRecord:
    """A heartbeat frame the server received."""

    room_id: int
    seq_id: int
    connection: int


@dataclass(frozen=True)
class AckRecord:
    """An ack frame the server received: the acked frame's ``log_id`` and its payload."""

    log_id: int
    internal_ext: str
    connection: int


@dataclass(frozen=True)
class EnterRoomRecord:
    """An enter-room frame the server received."""

    room_id: int
    cursor: str
    connection: int


@dataclass(frozen=True)
class HandshakeRecord:
    """One WebSocket handshake attempt and what the server answered."""

    mode: str
    params: dict[str, str]
    headers: dict[str, str]
    status: int
