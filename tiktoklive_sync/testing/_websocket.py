"""The server side of RFC 6455 on asyncio streams, as little of it as a push server needs.

The fake writes its own WebSocket layer (instead of running ``websockets``' server) because it
must misbehave on purpose and be exact where TikTok is: it never answers a ping (TikTok does not,
PROTOCOL.md 4.1, and no WebSocket library lets a server turn its automatic pong off), and its
fault switches write half frames, trickle frames or end the TCP stream without a close frame.

Everything here is framing: the handshake request and answer, frame headers, reading one client
frame (masked, as RFC 6455 requires of clients).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from dataclasses import dataclass
from http import HTTPStatus

__all__ = [
    "CLOSE",
    "BINARY",
    "PING",
    "PONG",
    "TEXT",
    "CONTINUATION",
    "Handshake",
    "ProtocolViolation",
    "accept_value",
    "close_frame",
    "frame",
    "frame_header",
    "http_response",
    "read_frame",
    "read_handshake",
]

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_MAX_HEAD = 64 * 1024


class ProtocolViolation(Exception):
    """The client broke RFC 6455 (an unmasked frame, a bad length, a message over the size limit)."""


@dataclass(frozen=True)
class Handshake:
    """The client's opening request: method, target (path and query) and headers (names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]


async def read_handshake(reader: asyncio.StreamReader) -> Handshake:
    """Read the HTTP request that opens a WebSocket.

    Raises:
        ProtocolViolation: not an HTTP request, or a head over 64 KiB.
        asyncio.IncompleteReadError: the client went away first.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as exc:
        raise ProtocolViolation("request head too long") from exc
    if len(head) > _MAX_HEAD:
        raise ProtocolViolation("request head too long")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ProtocolViolation(f"not an HTTP request line: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return Handshake(parts[0], parts[1], headers)


def accept_value(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` answer to a client's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode("ascii")


def http_response(status: int, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    """The bytes of an HTTP/1.1 answer (``Content-Length`` added unless it is a 101)."""
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
    if status != HTTPStatus.SWITCHING_PROTOCOLS:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def frame_header(length: int, opcode: int = BINARY) -> bytes:
    """The header of an unmasked, final server-to-client frame of ``length`` bytes."""
    first = 0x80 | opcode
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def frame(payload: bytes, opcode: int = BINARY) -> bytes:
    """A whole unmasked, final server-to-client frame."""
    return frame_header(len(payload), opcode) + payload


def close_frame(code: int, reason: str = "") -> bytes:
    """A close frame carrying ``code`` and ``reason``."""
    return frame(struct.pack("!H", code) + reason.encode("utf-8")[:123], CLOSE)


async def read_frame(reader: asyncio.StreamReader, max_size: int) -> tuple[bool, int, bytes]:
    """Read one client frame; returns ``(fin, opcode, unmasked payload)``.

    Raises:
        ProtocolViolation: an unmasked frame or one longer than ``max_size``.
        asyncio.IncompleteReadError: the stream ended mid-frame.
    """
    first, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    if not second & 0x80:
        raise ProtocolViolation("client frames must be masked")
    if length > max_size:
        raise ProtocolViolation(f"a client frame of {length} bytes (limit {max_size})")
    mask = await reader.readexactly(4)
    data = await reader.readexactly(length)
    if length:
        key = (mask * (length // 4 + 1))[:length]
        data = (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
    return bool(first & 0x80), first & 0x0F, data
