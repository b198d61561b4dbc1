"""Bad frames a hostile push server sends: bytes to queue with ``PushServer.push_raw``.

:func:`garbage_frame`, :func:`truncated_gzip_frame`, :func:`gzip_bomb_frame` and
:func:`oversized_frame` return the bytes of one WebSocket message; :func:`websocket_frame_header`
is the header of a server frame, for tests writing raw sockets.

Example::

    server.push_raw(room_id, gzip_bomb_frame())      # one bad frame, in order with the batches
"""

from __future__ import annotations

import gzip
import zlib

from ..proto.envelope_pb2 import ProtoMessageFetchResult
from ._push_frames import msg_frame
from ._websocket import frame_header

__all__ = [
    "garbage_frame",
    "gzip_bomb_frame",
    "oversized_frame",
    "truncated_gzip_frame",
    "websocket_frame_header",
]


def websocket_frame_header(length: int, opcode: int = 0x2) -> bytes:
    """Return the header of an unmasked, final server-to-client WebSocket frame of ``length`` bytes."""
    return frame_header(length, opcode)


def garbage_frame(size: int = 64) -> bytes:
    """Bytes that are not a ``WebcastPushFrame`` (a field that claims more bytes than follow)."""
    return (b"\x0a\xff\xff\xff\xff\x0f" + b"\xa5" * size)[: max(size, 7)]


def truncated_gzip_frame(result: ProtoMessageFetchResult) -> bytes:
    """A ``msg`` frame whose gzipped payload (``result``) stops half-way."""
    packed = gzip.compress(result.SerializeToString())
    return msg_frame(packed[: max(10, len(packed) // 2)], gzipped=True)


def gzip_bomb_frame(inflated_size: int = 64 * 1024 * 1024) -> bytes:
    """A ``msg`` frame of a few dozen KiB whose payload inflates to ``inflated_size`` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(inflated_size >> 20)]
    parts.append(packer.compress(bytes(inflated_size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return msg_frame(b"".join(parts), gzipped=True)


def oversized_frame(size: int) -> bytes:
    """A well-formed ``msg`` frame of at least ``size`` bytes (its payload is padding)."""
    return msg_frame(b"\x00" * size, gzipped=False)
