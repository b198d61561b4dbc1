"""What the push server saw (the old import path; the records are in ``tiktoklive_sync.testing``).

:func:`common_patch` is kept for scripts written against it; new code uses
``testing.stamp`` / ``testing._batches.rewrite_common``, which rewrite the header in place.
"""

from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord

__all__ = ["HeartbeatRecord", "AckRecord", "EnterRoomRecord", "HandshakeRecord", "common_patch"]


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def common_patch(msg_id: int, room_id: int) -> bytes:
    """Wire bytes of ``field 1 { 2: msg_id, 3: room_id }`` (appended, protobuf merges it into the header)."""
    inner = b"\x10" + _varint(msg_id) + b"\x18" + _varint(room_id)
    return b"\x0a" + _varint(len(inner)) + inner
