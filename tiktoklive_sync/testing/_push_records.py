"""What FakeTikTok's push server saw: heartbeats, acks, enter-room frames and handshakes."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HeartbeatRecord", "AckRecord", "EnterRoomRecord", "HandshakeRecord"]


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
