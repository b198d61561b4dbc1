"""The push server's frames: what it sends and how it reads what clients send (PROTOCOL.md 4.2-4.4).

This is the one place of the fake that builds or parses a ``WebcastPushFrame``: batches as gzipped
``msg`` frames, the answers to ``im_enter_room`` and ``hb``, the sign server's bootstrap, and the
client's ``im_enter_room`` / ``hb`` / ``ack`` frames. No I/O.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterable
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from ..proto.common_pb2 import CommonOnly
from ..proto.envelope_pb2 import (
    BaseProtoMessage,
    HeartBeatMessage,
    ProtoMessageFetchResult,
    WebcastImEnterRoomMessage,
    WebcastPushFrame,
)
from ._batches import rewrite_common

__all__ = [
    "ClientFrame",
    "batch_frame",
    "batches_from_recorded",
    "bootstrap_result",
    "enter_room_answer",
    "heartbeat_answer",
    "msg_frame",
    "parse_client_frame",
    "stamp_messages",
]


@dataclass(frozen=True)
class ClientFrame:
    """A frame a client sent: its kind (``im_enter_room``, ``hb``, ``ack``, ...) and what it said."""

    kind: str
    room_id: int = 0
    cursor: str = ""
    seq_id: int = 0
    log_id: int = 0
    ack_text: str = ""


def parse_client_frame(data: bytes) -> ClientFrame | None:
    """Read a client's frame; None if it is not a ``WebcastPushFrame`` (or its payload is broken)."""
    try:
        frame = WebcastPushFrame.FromString(data)
        kind = frame.payload_type
        if kind == "im_enter_room":
            enter = WebcastImEnterRoomMessage.FromString(frame.payload)
            return ClientFrame(kind, room_id=enter.room_id, cursor=enter.cursor)
        if kind == "hb":
            hb = HeartBeatMessage.FromString(frame.payload)
            return ClientFrame(kind, room_id=hb.room_id, seq_id=hb.send_packet_seq_id)
        if kind == "ack":
            return ClientFrame(kind, log_id=frame.log_id, ack_text=frame.payload.decode("utf-8", "replace"))
        return ClientFrame(kind)
    except DecodeError:
        return None


def enter_room_answer() -> bytes:
    """The server's ``im_enter_room_resp`` frame."""
    return WebcastPushFrame(payload_type="im_enter_room_resp", payload_encoding="pb").SerializeToString()


def heartbeat_answer() -> bytes:
    """The server's answer to a heartbeat (an ``hb`` frame)."""
    return WebcastPushFrame(payload_type="hb", payload_encoding="pb").SerializeToString()


def stamp_messages(
    messages: Iterable[BaseProtoMessage], room_id: int, fresh_id: Iterable[int]
) -> tuple[ProtoMessageFetchResult, list[int]]:
    """Copy ``messages`` into a batch for ``room_id``; returns the batch and each message's msg_id.

    A message keeps the msg_id it has (on the envelope, else in its common header); one with none
    takes the next of ``fresh_id``. A common header lacking its msg_id or room id gets them written
    in place (one header per message, as TikTok sends); a payload that is not protobuf is kept.
    """
    batch, ids, fresh = ProtoMessageFetchResult(), [], iter(fresh_id)
    for message in messages:
        copy = batch.messages.add()
        copy.CopyFrom(message)
        try:
            header = CommonOnly.FromString(copy.payload).common
        except DecodeError:
            header = None
        copy.msg_id = copy.msg_id or (header.msg_id if header is not None else 0) or next(fresh)
        if header is not None and not (header.msg_id and header.room_id):
            copy.payload = rewrite_common(
                copy.payload, msg_id=header.msg_id or copy.msg_id, room_id=header.room_id or room_id
            )
        ids.append(copy.msg_id)
    return batch, ids


def batch_frame(
    template: ProtoMessageFetchResult, *, room_id: int, cursor: int, seq_id: int, log_id: int, need_ack: bool
) -> bytes:
    """A gzipped ``msg`` frame carrying ``template`` with the connection's cursor and ``internal_ext``."""
    result = ProtoMessageFetchResult()
    result.CopyFrom(template)
    result.cursor = str(cursor)
    result.internal_ext = f"fake_ext:{room_id}:{cursor}"
    result.need_ack = need_ack
    result.now = int(time.time() * 1000)
    frame = WebcastPushFrame(
        seq_id=seq_id, log_id=log_id, payload_type="msg", payload_encoding="pb",
        payload=gzip.compress(result.SerializeToString(), compresslevel=1),
    )
    frame.headers.add(key="compress_type", value="gzip")
    return frame.SerializeToString()


def msg_frame(payload: bytes, *, gzipped: bool) -> bytes:
    """A ``msg`` frame around ``payload`` as given (``compress_type`` says ``gzip`` or ``none``), log id 1."""
    frame = WebcastPushFrame(payload_type="msg", payload_encoding="pb", payload=payload, log_id=1)
    frame.headers.add(key="compress_type", value="gzip" if gzipped else "none")
    return frame.SerializeToString()


def batches_from_recorded(
    frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult],
) -> list[ProtoMessageFetchResult]:
    """The batches of recorded frames (serialized or parsed push frames, or fetch results); non-``msg`` skipped."""
    batches: list[ProtoMessageFetchResult] = []
    for item in frames:
        if isinstance(item, ProtoMessageFetchResult):
            batches.append(item)
            continue
        frame = item if isinstance(item, WebcastPushFrame) else WebcastPushFrame.FromString(item)
        if frame.payload_type != "msg":
            continue
        payload = frame.payload
        if payload[:2] == b"\x1f\x8b":
            payload = gzip.decompress(payload)
        batches.append(ProtoMessageFetchResult.FromString(payload))
    return batches


def bootstrap_result(push_url: str, room_id: int, cursor: str | None, ping_interval: float) -> ProtoMessageFetchResult:
    """A sign server's first webcast response pointing at ``push_url``, resuming after ``cursor``.

    The resume point travels in ``route_params["cursor"]``, so a client that builds its URL from
    the route parameters resumes where it asked to.
    """
    start = cursor if cursor and cursor.isdigit() else "0"
    result = ProtoMessageFetchResult(
        cursor=start, push_server=push_url, is_first=True, internal_ext=f"fake_ext:{room_id}:{start}",
        heartbeat_duration=int(ping_interval * 1000), fetch_interval=1000, now=int(time.time() * 1000),
    )
    result.route_params["cursor"] = start
    result.route_params["internal_ext"] = result.internal_ext
    return result
