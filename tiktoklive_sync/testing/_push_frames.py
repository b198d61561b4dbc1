"""The push server's frames: what it sends and how it reads what clients send (PROTOCOL.md 4.2-4.4).

The fake's frames are built and read by the library's own pure protocol module
(:mod:`tiktoklive_sync.live._protocol`), the one place that builds or parses push frames; this
module says what the fake sends: batches as gzipped ``msg`` frames with the connection's cursor,
the answers to ``im_enter_room`` and ``hb``, the sign server's bootstrap. No I/O.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from google.protobuf.message import DecodeError

from ..errors import FrameDecodeError
from ..live._protocol import (
    ClientFrame,
    build_fetch_result,
    build_frame,
    build_msg_frame,
    frame_payload,
    parse_fetch_result,
    parse_frame,
    read_client_frame,
)
from ..proto.common_pb2 import CommonOnly
from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from ._batches import rewrite_common

__all__ = [
    "ClientFrame",
    "batch_frame",
    "batches_from_recorded",
    "bootstrap_result",
    "empty_batch",
    "enter_room_answer",
    "heartbeat_answer",
    "msg_frame",
    "parse_client_frame",
    "stamp_messages",
]


def parse_client_frame(data: bytes) -> ClientFrame | None:
    """Read a client's frame; None if it is not a push frame (or its payload is broken)."""
    try:
        return read_client_frame(data)
    except FrameDecodeError:
        return None


def enter_room_answer() -> bytes:
    """The server's ``im_enter_room_resp`` frame."""
    return build_frame("im_enter_room_resp")


def heartbeat_answer() -> bytes:
    """The server's answer to a heartbeat (an ``hb`` frame)."""
    return build_frame("hb")


def empty_batch() -> ProtoMessageFetchResult:
    """A batch of no messages (what a forgotten feed entry becomes)."""
    return build_fetch_result([], cursor="", fetch_interval=0)


def stamp_messages(
    messages: Iterable[BaseProtoMessage], room_id: int, fresh_id: Iterable[int]
) -> tuple[ProtoMessageFetchResult, list[int]]:
    """Copy ``messages`` into a batch for ``room_id``; returns the batch and each message's msg_id.

    A message keeps the msg_id it has (on the envelope, else in its common header); one with none
    takes the next of ``fresh_id``. A common header lacking its msg_id or room id gets them written
    in place (one header per message, as TikTok sends); a payload that is not protobuf is kept.
    """
    batch, ids, fresh = empty_batch(), [], iter(fresh_id)
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
    result = empty_batch()
    result.MergeFrom(template)
    result.cursor = str(cursor)
    result.internal_ext = f"fake_ext:{room_id}:{cursor}"
    result.need_ack = need_ack
    result.now = int(time.time() * 1000)
    return build_msg_frame(result, gzip=True, log_id=log_id, seq_id=seq_id)


def msg_frame(payload: bytes, *, gzipped: bool) -> bytes:
    """A ``msg`` frame around ``payload`` as given (``compress_type`` says ``gzip`` or ``none``), log id 1."""
    return build_frame("msg", payload, log_id=1, headers={"compress_type": "gzip" if gzipped else "none"})


def batches_from_recorded(
    frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult],
) -> list[ProtoMessageFetchResult]:
    """The batches of recorded frames (serialized or parsed push frames, or fetch results); non-``msg`` skipped.

    Raises:
        FrameDecodeError: a recorded frame that does not parse.
    """
    batches: list[ProtoMessageFetchResult] = []
    for item in frames:
        if isinstance(item, ProtoMessageFetchResult):
            batches.append(item)
            continue
        frame = item if isinstance(item, WebcastPushFrame) else parse_frame(item)
        if frame.payload_type == "msg":
            batches.append(parse_fetch_result(frame_payload(frame)))
    return batches


def bootstrap_result(push_url: str, room_id: int, cursor: str | None, ping_interval: float) -> ProtoMessageFetchResult:
    """A sign server's first webcast response pointing at ``push_url``, resuming after ``cursor``.

    The resume point travels in ``route_params["cursor"]``, so a client that builds its URL from
    the route parameters resumes where it asked to.
    """
    start = cursor if cursor and cursor.isdigit() else "0"
    result = build_fetch_result(
        [], cursor=start, internal_ext=f"fake_ext:{room_id}:{start}", push_server=push_url, is_first=True,
        heartbeat_duration=int(ping_interval * 1000), now=int(time.time() * 1000),
    )
    result.route_params["cursor"] = start
    result.route_params["internal_ext"] = result.internal_ext
    return result
