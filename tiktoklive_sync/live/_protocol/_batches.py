"""Batches (``ProtoMessageFetchResult``): unpacked from a frame with their messages parsed lazily, and built."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

from ...errors import FrameDecodeError
from ...proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from ._frames import DEFAULT_MAX_INFLATED_SIZE, frame_payload

#: the most messages taken from one frame (real batches hold a few dozen); the rest are skipped
MAX_MESSAGES_PER_FRAME = 10_000
#: payloads up to this size are parsed whole by protobuf (at most ~128k messages: cheap); larger ones lazily
_EAGER_PARSE_BYTES = 256 * 1024


def _raw_fetch_result_class() -> Any:
    """A ``ProtoMessageFetchResult`` twin whose ``messages`` are raw bytes (parsed one at a time later).

    Parsing it costs one pointer per message instead of a message object per message, so a frame of a
    million empty messages stays cheap; ``route_params`` (field 7, only in the sign server's first
    answer) is left out and kept as unknown bytes.
    """
    file = descriptor_pb2.FileDescriptorProto()
    ProtoMessageFetchResult.DESCRIPTOR.file.CopyToProto(file)  # the same syntax (field presence rules)
    file.ClearField("message_type")
    file.ClearField("enum_type")
    file.ClearField("dependency")
    file.name, file.package = "tiktoklive_sync/live/raw_fetch_result.proto", "tiktoklive_sync.raw"
    original = descriptor_pb2.DescriptorProto()
    ProtoMessageFetchResult.DESCRIPTOR.CopyToProto(original)
    twin = file.message_type.add(name="RawFetchResult")
    for field in original.field:
        if field.number == 7:
            continue
        copy = twin.field.add()
        copy.CopyFrom(field)
        if field.number == 1:
            copy.type = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
            copy.ClearField("type_name")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tiktoklive_sync.raw.RawFetchResult"))


_RawFetchResult = _raw_fetch_result_class()


class Batch:
    """One batch of messages (a ``ProtoMessageFetchResult``), its messages parsed lazily.

    Attributes:
        cursor, internal_ext, need_ack, fetch_interval, now: the batch's fields.
        count: how many messages the batch holds.
        max_messages: how many of them :meth:`messages` yields at most.
    """

    __slots__ = ("count", "max_messages", "broken", "_result", "_raw")

    def __init__(self, result: Any, *, max_messages: int = MAX_MESSAGES_PER_FRAME, raw: bool) -> None:
        self._result = result
        self._raw = raw
        self.count: int = len(result.messages)
        self.max_messages = max_messages
        self.broken = 0  # message envelopes met so far that did not parse (skipped by messages())

    @property
    def cursor(self) -> str:
        return str(self._result.cursor)

    @property
    def internal_ext(self) -> str:
        return str(self._result.internal_ext)

    @property
    def need_ack(self) -> bool:
        return bool(self._result.need_ack)

    @property
    def fetch_interval(self) -> int:
        return int(self._result.fetch_interval)

    @property
    def now(self) -> int:
        return int(self._result.now)

    @classmethod
    def from_result(cls, result: ProtoMessageFetchResult, *, max_messages: int = MAX_MESSAGES_PER_FRAME) -> Batch:
        """Wrap a fetch result parsed elsewhere (e.g. the sign server's first answer)."""
        return cls(result, max_messages=max_messages, raw=False)

    @property
    def skipped(self) -> int:
        """Messages beyond ``max_messages``, which :meth:`messages` does not yield."""
        return max(0, self.count - self.max_messages)

    def messages(self) -> Iterable[BaseProtoMessage]:
        """The batch's messages in order, at most ``max_messages``; a large batch parses each when reached.

        A message envelope that does not parse is skipped and counted in :attr:`broken`.
        """
        items = self._result.messages
        if self.count > self.max_messages:
            items = islice(items, self.max_messages)
        return self._parsed(items) if self._raw else items

    def _parsed(self, raw_items: Iterable[bytes]) -> Iterator[BaseProtoMessage]:
        parse = BaseProtoMessage.FromString
        for raw in raw_items:
            try:
                yield parse(raw)
            except DecodeError:
                self.broken += 1

    def __repr__(self) -> str:
        return f"<Batch {self.count} messages cursor={self.cursor!r} need_ack={self.need_ack}>"


def unpack_batch(
    frame: WebcastPushFrame, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE,
    max_messages: int = MAX_MESSAGES_PER_FRAME,
) -> Batch:
    """Return the batch a ``"msg"`` frame carries; a large one keeps its messages unparsed until iterated.

    A payload of up to 256 KiB (every real batch) is parsed whole by protobuf; a larger one (at most
    ``max_inflated_size``) is parsed as a list of raw message envelopes, each parsed when
    :meth:`Batch.messages` reaches it, so a hostile frame of millions of tiny messages costs a
    pointer per message, not an object.

    Raises:
        FrameDecodeError: the payload is empty, corrupt, too large, or not a fetch result.
        ValueError: not a ``"msg"`` frame, or a bad limit.
    """
    payload = frame_payload(frame, limit=max_inflated_size)
    eager = len(payload) <= _EAGER_PARSE_BYTES  # a real batch: protobuf's own parse is the fastest
    try:
        result = (ProtoMessageFetchResult if eager else _RawFetchResult).FromString(payload)
    except DecodeError as exc:
        raise FrameDecodeError(
            f"A msg frame's payload ({len(payload)} bytes after decompression) is not a "
            f"ProtoMessageFetchResult: {exc}."
        ) from exc
    return Batch(result, max_messages=max_messages, raw=not eager)


def unpack_fetch_result(
    frame: WebcastPushFrame, *, max_inflated_size: int = DEFAULT_MAX_INFLATED_SIZE
) -> ProtoMessageFetchResult:
    """Return the whole ``ProtoMessageFetchResult`` of a ``"msg"`` frame, every message parsed at once.

    For small, trusted batches and tests; a client reads frames with :func:`unpack_batch`.

    Raises:
        FrameDecodeError: the payload is empty, corrupt, too large, or not a fetch result.
        ValueError: not a ``"msg"`` frame, or ``max_inflated_size`` not positive.
    """
    payload = frame_payload(frame, limit=max_inflated_size)
    try:
        return ProtoMessageFetchResult.FromString(payload)
    except DecodeError as exc:
        raise FrameDecodeError(
            f"A msg frame's payload ({len(payload)} bytes after decompression) is not a "
            f"ProtoMessageFetchResult: {exc}."
        ) from exc


def parse_fetch_result(data: bytes) -> ProtoMessageFetchResult:
    """Parse a bare ``ProtoMessageFetchResult`` (the sign server's first webcast answer), all at once.

    Raises:
        FrameDecodeError: the bytes are not a fetch result.
    """
    try:
        return ProtoMessageFetchResult.FromString(data)
    except DecodeError as exc:
        raise FrameDecodeError(f"{len(data)} bytes are not a ProtoMessageFetchResult: {exc}.") from exc


def build_fetch_result(
    messages: Iterable[BaseProtoMessage], *, cursor: str, internal_ext: str = "", need_ack: bool = False,
    fetch_interval: int = 1000, now: int = 0, **fields: Any,
) -> ProtoMessageFetchResult:
    """Return a batch a push server sends (``fields``: any other ``ProtoMessageFetchResult`` field)."""
    result = ProtoMessageFetchResult(cursor=cursor, internal_ext=internal_ext, need_ack=need_ack,
                                     fetch_interval=fetch_interval, now=now, **fields)
    result.messages.extend(messages)
    return result
