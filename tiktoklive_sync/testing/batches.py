"""Batches and frames for tests: wrap payloads as messages, messages as a fetch result, and a
fetch result as the bytes of a push frame, exactly as TikTok's push server lays them out.

``testing.builders`` re-exports everything here next to the event builders.

Example::

    frame = push_frame(fetch_result(message("WebcastChatMessage", payload), cursor="1"), gzip=True)
"""

from __future__ import annotations

import gzip as _gzip
import itertools
import time
from collections.abc import Mapping

from google.protobuf.message import DecodeError, Message

from ..proto import common_pb2
from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame

__all__ = ["fetch_result", "fresh_msg_id", "message", "push_frame", "stamp"]

#: msg_ids handed out here (the fake push server uses 7.4e18 and up, so they never collide)
_MSG_IDS = itertools.count(7_300_000_000_000_000_001)


def fresh_msg_id() -> int:
    """Return a msg_id no other builder call in this process has returned."""
    return next(_MSG_IDS)


def message(method: str, payload: bytes | Message, *, msg_id: int | None = None) -> BaseProtoMessage:
    """Wrap any payload (e.g. a real captured one) as a ``BaseProtoMessage``.

    ``msg_id`` defaults to the payload's own ``common.msg_id`` when it has one, else a fresh id.
    The payload is not changed (use :func:`stamp` to rewrite its header).
    """
    data = payload.SerializeToString() if isinstance(payload, Message) else bytes(payload)
    if msg_id is None:
        try:
            msg_id = common_pb2.CommonOnly.FromString(data).common.msg_id or fresh_msg_id()
        except DecodeError:  # not protobuf: the envelope still gets an id
            msg_id = fresh_msg_id()
    return BaseProtoMessage(method=method, payload=data, msg_id=msg_id)


def stamp(msg: BaseProtoMessage, *, room_id: int | None = None, msg_id: int | None = None) -> BaseProtoMessage:
    """Return a copy of ``msg`` whose header carries ``room_id`` / ``msg_id`` (given ones only).

    Works for any method: the new values are appended as a second field 1, which protobuf's
    merge rule folds into the existing common header.
    """
    patch = common_pb2.CommonOnly()
    if room_id is not None:
        patch.common.room_id = room_id
    if msg_id is not None:
        patch.common.msg_id = msg_id
    out = BaseProtoMessage()
    out.CopyFrom(msg)
    out.payload = msg.payload + patch.SerializeToString()
    if msg_id is not None:
        out.msg_id = msg_id
    return out


def fetch_result(
    *messages: BaseProtoMessage, cursor: str = "", internal_ext: str = "", need_ack: bool = True,
    now: int | None = None, is_first: bool = False, fetch_interval: int = 0, heartbeat_duration: int = 0,
) -> ProtoMessageFetchResult:
    """A batch of messages (``ProtoMessageFetchResult``), as one push frame or a sign-server fetch carries."""
    result = ProtoMessageFetchResult(
        cursor=cursor, internal_ext=internal_ext, need_ack=need_ack, is_first=is_first,
        now=now if now is not None else int(time.time() * 1000),
        fetch_interval=fetch_interval, heartbeat_duration=heartbeat_duration,
    )
    for item in messages:
        if not isinstance(item, BaseProtoMessage):
            raise ValueError(
                f"fetch_result takes BaseProtoMessage items (from the builders), not {type(item).__name__}"
            )
        result.messages.add().CopyFrom(item)
    return result


def push_frame(
    result: ProtoMessageFetchResult | bytes, *, gzip: bool = False, log_id: int = 0, seq_id: int = 0,
    payload_type: str = "msg", headers: Mapping[str, str] | None = None,
) -> bytes:
    """Serialize a ``WebcastPushFrame`` carrying ``result`` (or raw payload bytes).

    With ``gzip=True`` the payload is gzipped and the ``compress_type`` header says so, as TikTok
    does; otherwise ``compress_type`` is ``none``. ``headers`` are added after it (e.g.
    ``im-cursor``).

    Returns:
        The frame's bytes, ready to send as one binary WebSocket message.
    """
    payload = result.SerializeToString() if isinstance(result, ProtoMessageFetchResult) else bytes(result)
    if gzip:
        payload = _gzip.compress(payload, mtime=0)
    frame = WebcastPushFrame(seq_id=seq_id, log_id=log_id, payload_encoding="pb", payload_type=payload_type,
                             payload=payload)
    frame.headers.add(key="compress_type", value="gzip" if gzip else "none")
    for key, value in (headers or {}).items():
        frame.headers.add(key=key, value=value)
    return frame.SerializeToString()
