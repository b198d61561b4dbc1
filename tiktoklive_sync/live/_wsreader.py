"""A websocket-client ``WebSocket`` whose reads are bounded: an oversized message is never held in memory.

websocket-client reads a whole frame (and joins all fragments of a message) before handing it over,
whatever length the frame header claims, so a broken or hostile push server could make the client
buffer gigabytes. :class:`BoundedWebSocket` reads such a frame piece by piece and throws the pieces
away (resuming where it was after a read time-out, as websocket-client does), and stops collecting
the fragments of a message once they pass the limit. The message then comes out of ``recv_data``
with an empty payload and its size appended to :attr:`BoundedWebSocket.dropped`; the connection
itself stays usable.

Example::

    ws = BoundedWebSocket(8 * 1024 * 1024, enable_multithread=True, skip_utf8_validation=True)
    ws.connect(url)
    opcode, data = ws.recv_data()
    if ws.dropped:
        log.warning("skipped a %d-byte message", ws.dropped.pop())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from websocket import ABNF, WebSocket, WebSocketProtocolException
from websocket._abnf import continuous_frame, frame_buffer  # the reader classes WebSocket is built from

__all__ = ["BoundedWebSocket"]

_CHUNK = 64 * 1024


class _BoundedFrames(frame_buffer):
    """websocket-client's frame reader, except that a payload over ``limit`` is read and discarded."""

    def __init__(self, recv: Callable[[int], bytes], skip_utf8: bool, limit: int, dropped: list[int]) -> None:
        super().__init__(recv, skip_utf8)
        self.limit = limit
        self.dropped = dropped
        self._discarded = 0  # bytes of the current oversized payload thrown away so far

    def recv_strict(self, bufsize: int) -> bytes:
        if bufsize <= self.limit:
            return bytes(super().recv_strict(bufsize))
        if self.header is not None and self.header[4] >= 0x8:  # close, ping, pong: at most 125 bytes
            raise WebSocketProtocolException(f"a control frame claims {bufsize} bytes")
        if self.recv_buffer:  # bytes of this payload read before a time-out
            self._discarded += sum(len(part) for part in self.recv_buffer)
            self.recv_buffer = []
        while self._discarded < bufsize:
            piece = self.recv(min(_CHUNK, bufsize - self._discarded))  # a time-out leaves _discarded as is
            self._discarded += len(piece)
        self._discarded = 0
        self.dropped.append(bufsize)
        return b""


class _BoundedMessages(continuous_frame):
    """websocket-client's fragment collector, except that it stops collecting past ``limit`` bytes."""

    def __init__(self, fire: bool, skip_utf8: bool, limit: int, dropped: list[int]) -> None:
        super().__init__(fire, skip_utf8)
        self.limit = limit
        self.dropped = dropped
        self._seen = 0  # bytes of the current message, kept or not

    def add(self, frame: ABNF) -> None:
        self._seen += len(frame.data)
        over = self._seen > self.limit
        if over:
            frame.data = b""
        super().add(frame)
        if over and self.cont_data is not None:
            self.cont_data[1] = b""
        if frame.fin:
            if over:
                self.dropped.append(self._seen)
            self._seen = 0


class BoundedWebSocket(WebSocket):
    """A ``websocket.WebSocket`` that never buffers a message over ``max_message`` bytes (see above).

    Args:
        max_message: the largest message kept, in bytes.
        options: passed to ``websocket.WebSocket``.

    Attributes:
        dropped: the sizes of the messages thrown away, oldest first (the caller pops them).
    """

    def __init__(self, max_message: int, **options: Any) -> None:
        super().__init__(**options)
        self.dropped: list[int] = []
        skip_utf8 = bool(options.get("skip_utf8_validation", False))
        self.frame_buffer = _BoundedFrames(self._recv, skip_utf8, max_message, self.dropped)
        self.cont_frame = _BoundedMessages(bool(options.get("fire_cont_frame", False)), skip_utf8, max_message,
                                           self.dropped)
