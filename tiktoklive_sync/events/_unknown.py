"""UnknownEvent: a message whose method this library has no class for (never an exception)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError

from ..proto.common_pb2 import CommonOnly
from ._base import Event

__all__ = ["UnknownEvent"]

log = logging.getLogger("tiktoklive_sync")

_EMPTY_HEADER = CommonOnly()


@dataclass(frozen=True, slots=True, repr=False)
class UnknownEvent(Event):
    """A message whose method this library has no class for.

    ``payload`` is the message's bytes, untouched. The common header (field 1 of every webcast
    message) is parsed on first use, so ``msg_id``, ``room_id`` and ``create_time`` work as on
    any event; they are 0 when the payload has no readable header. ``raw`` is the payload parsed
    as a header-only message (all other fields are kept as unknown fields).
    """

    method: str
    payload: bytes
    _header: Any = field(default=None, init=False, compare=False)

    @property
    def raw(self) -> CommonOnly:
        header = self._header
        if header is None:
            try:
                header = CommonOnly.FromString(self.payload)
            except DecodeError:
                log.debug("%s payload has no readable common header (%d bytes)", self.method, len(self.payload))
                header = _EMPTY_HEADER
            object.__setattr__(self, "_header", header)
        return header

    def __hash__(self) -> int:
        return hash((UnknownEvent, self.method, self.payload))

    def __repr__(self) -> str:
        return f"UnknownEvent(method={self.method!r}, msg_id={self.msg_id}, payload=<{len(self.payload)} bytes>)"
