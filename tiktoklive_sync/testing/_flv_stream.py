"""A live FLV pull stream for tests: what a CDN edge serves for TikTok's ``...flv`` stream URLs.

:class:`FlvStream` serves a short FLV file (by default the packaged ``data/sample_live.flv``, 5 s of
720x1280 h264 + aac) as an endless live stream over HTTP/1.1 chunked transfer:

- every connection starts with a fresh FLV header, the ``onMetaData`` tag (duration and file size
  zeroed, as live edges send them) and the AVC/AAC sequence headers;
- then the media tags follow: the first ``burst_ms`` at once (a CDN edge's GOP cache, which lets a
  player start at once), the rest paced at real time by their timestamps, looped with timestamps
  that keep increasing (each loop adds the sample's length), starting at the stream's live clock;
- :meth:`FlvStream.drop`, :meth:`FlvStream.stall`, :meth:`FlvStream.end` and :meth:`FlvStream.rejoin`
  produce the faults a real edge produces, from any thread.

It is not a server itself: mount it in any ``http.server`` based server and call
:meth:`FlvStream.serve` from the request handler (FakeTikTok does that for
``GET /stream/<room_id>/<quality>.flv``)::

    stream = FlvStream()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            stream.serve(self, room_id=1, quality="hd")

A served connection never blocks server shutdown: :meth:`FlvStream.close` wakes and ends them all.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path

__all__ = ["FlvTag", "FlvSample", "FlvStream", "SAMPLE_PATH"]

#: the packaged 5 s sample (a stream copy of a synthetic TikTok-LIVE-like FLV)
SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "sample_live.flv"

AUDIO, VIDEO, SCRIPT = 8, 9, 18
_ALL = object()  # the "every room" key of the fault sets
_POLL = 0.25  # seconds between liveness checks of a waiting connection


@dataclass(frozen=True)
class FlvTag:
    """One FLV tag: its type (8 audio, 9 video, 18 script), timestamp (ms) and body."""

    kind: int
    timestamp: int
    body: bytes

    @property
    def is_keyframe(self) -> bool:
        """True for a video key frame (frame type 1; for AVC a coded frame, not a header or end mark)."""
        if self.kind != VIDEO or not self.body or self.body[0] >> 4 != 1:
            return False
        return self.body[0] & 0x0F != 7 or (len(self.body) > 1 and self.body[1] == 1)

    @property
    def is_sequence_header(self) -> bool:
        """True for the AVC decoder configuration or the AAC AudioSpecificConfig tag."""
        if len(self.body) < 2:
            return False
        if self.kind == VIDEO:
            return self.body[0] & 0x0F == 7 and self.body[1] == 0
        return self.kind == AUDIO and self.body[0] >> 4 == 10 and self.body[1] == 0

    @property
    def is_end_of_sequence(self) -> bool:
        """True for the AVC end-of-sequence tag an encoder writes last."""
        return self.kind == VIDEO and len(self.body) >= 2 and self.body[0] & 0x0F == 7 and self.body[1] == 2

    def encode(self, timestamp: int | None = None) -> bytes:
        """Return the tag's bytes (header, body, PreviousTagSize), optionally with another timestamp."""
        ts = (self.timestamp if timestamp is None else timestamp) & 0xFFFFFFFF
        size = len(self.body)
        header = bytes([self.kind]) + size.to_bytes(3, "big") + (ts & 0xFFFFFF).to_bytes(3, "big")
        header += bytes([ts >> 24]) + b"\x00\x00\x00"
        return header + self.body + (size + 11).to_bytes(4, "big")


def parse_flv(data: bytes) -> tuple[int, list[FlvTag]]:
    """Split an FLV file into its header flags and tags.

    Returns:
        ``(flags, tags)``: the header's audio/video flags byte and every complete tag in order.
    Raises:
        ValueError: the data does not start with an FLV header.
    """
    if len(data) < 13 or data[:3] != b"FLV":
        raise ValueError("not an FLV file (no 'FLV' signature)")
    offset = int.from_bytes(data[5:9], "big") + 4
    tags = []
    while offset + 11 <= len(data):
        size = int.from_bytes(data[offset + 1 : offset + 4], "big")
        end = offset + 11 + size
        if end > len(data):
            break
        ts = int.from_bytes(data[offset + 4 : offset + 7], "big") | (data[offset + 7] << 24)
        tags.append(FlvTag(data[offset], ts, bytes(data[offset + 11 : end])))
        offset = end + 4
    return data[4], tags


def _zero_amf_number(body: bytes, name: bytes) -> bytes:
    """Return a script tag body with the AMF number property ``name`` set to 0.0."""
    key = len(name).to_bytes(2, "big") + name + b"\x00"
    at = body.find(key)
    if at < 0 or at + len(key) + 8 > len(body):
        return body
    start = at + len(key)
    return body[:start] + bytes(8) + body[start + 8 :]


@dataclass(frozen=True)
class FlvSample:
    """An FLV file prepared for looping as a live stream.

    Attributes:
        flags: the FLV header's flags byte (5 = audio + video).
        metadata: the ``onMetaData`` tag with duration and file size zeroed (or None).
        headers: the sequence header tags, sent once at the start of every connection.
        media: the audio/video tags of one loop, from the first key frame, timestamps from 0.
        period_ms: the length of one loop: where the next loop's timestamps start.
    """

    flags: int
    metadata: FlvTag | None
    headers: tuple[FlvTag, ...]
    media: tuple[FlvTag, ...]
    period_ms: int

    @classmethod
    def from_bytes(cls, data: bytes) -> FlvSample:
        """Prepare FLV bytes for looping.

        Raises:
            ValueError: not an FLV file, or no video key frame in it.
        """
        flags, tags = parse_flv(data)
        metadata = next((t for t in tags if t.kind == SCRIPT), None)
        if metadata is not None:
            body = _zero_amf_number(_zero_amf_number(metadata.body, b"duration"), b"filesize")
            metadata = FlvTag(SCRIPT, 0, body)
        headers = tuple(FlvTag(t.kind, 0, t.body) for t in tags if t.is_sequence_header)
        media_tags = [t for t in tags if t.kind in (AUDIO, VIDEO) and not t.is_sequence_header]
        media_tags = [t for t in media_tags if not t.is_end_of_sequence]
        first_key = next((i for i, t in enumerate(media_tags) if t.is_keyframe), None)
        if first_key is None:
            raise ValueError("the FLV has no video key frame to start a loop at")
        media_tags = media_tags[first_key:]
        origin = media_tags[0].timestamp
        media = tuple(FlvTag(t.kind, max(0, t.timestamp - origin), t.body) for t in media_tags)
        # one loop lasts as many video frame intervals as it has frames (the mean interval, so
        # 33/34 ms alternation at 30 fps does not drift)
        video_ts = [t.timestamp for t in media if t.kind == VIDEO]
        if len(video_ts) > 1 and video_ts[-1] > 0:
            period = round(video_ts[-1] * len(video_ts) / (len(video_ts) - 1))
        else:
            period = max(t.timestamp for t in media) + 40
        return cls(flags, metadata, headers, media, period)

    @classmethod
    def from_file(cls, path: str | Path = SAMPLE_PATH) -> FlvSample:
        """Read and prepare an FLV file (default: the packaged sample)."""
        return cls.from_bytes(Path(path).read_bytes())

    def preamble(self, timestamp: int) -> bytes:
        """Return the FLV header, metadata and sequence headers a new connection starts with."""
        out = b"FLV\x01" + bytes([self.flags]) + (9).to_bytes(4, "big") + bytes(4)
        if self.metadata is not None:
            out += self.metadata.encode(timestamp)
        return out + b"".join(t.encode(timestamp) for t in self.headers)

    def timeline(self, start: int) -> Iterator[tuple[int, FlvTag]]:
        """Yield ``(stream timestamp, tag)`` forever, looping, timestamps from ``start`` upwards."""
        base = start
        while True:
            for tag in self.media:
                yield base + tag.timestamp, tag
            base += self.period_ms


@lru_cache(maxsize=1)
def _default_sample() -> FlvSample:
    return FlvSample.from_file(SAMPLE_PATH)


class _Gone(Exception):
    """The connection ended (client went away, drop, end or close)."""


class FlvStream:
    """A looping live FLV stream with fault controls, served through ``http.server`` handlers.

    Args:
        sample: an :class:`FlvSample`, or the path of an FLV file (default: the packaged sample).
        speed: pacing factor (1.0 = real time; 2.0 sends twice as fast).
        burst_ms: media milliseconds sent at once when a connection starts (a CDN's GOP cache).
        write_timeout: seconds a blocked write to a client may take before the connection is ended.
        is_live: ``is_live(room_id)``; when given, a room that is not live answers 404 and its open
            connections end (as TikTok's CDN does when a live ends).

    Attributes:
        connections: how many connections were served so far.
        requests: ``(room_id, quality)`` of every served connection, in order.
    Raises:
        ValueError: a speed that is not positive, or a sample that is not a usable FLV.
    """

    def __init__(
        self,
        sample: FlvSample | str | Path | None = None,
        *,
        speed: float = 1.0,
        burst_ms: int = 2000,
        write_timeout: float = 10.0,
        is_live: Callable[[int], bool] | None = None,
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        if isinstance(sample, FlvSample):
            self.sample = sample
        else:
            self.sample = _default_sample() if sample is None else FlvSample.from_file(sample)
        self._is_live = is_live
        self.speed = speed
        self.burst_ms = max(0, burst_ms)
        self.write_timeout = write_timeout
        self.connections = 0
        self.requests: list[tuple[int, str]] = []
        self._cond = threading.Condition()
        self._epoch = time.monotonic()
        self._stalled: set[object] = set()
        self._ended: set[object] = set()
        self._generation: dict[object, int] = {}
        self._active: dict[socket.socket, int] = {}
        self._closed = False

    # -- controls (any thread) ----------------------------------------------------------------

    def drop(self, room_id: int | None = None) -> None:
        """Cut the open connections (of one room, or all) mid-stream; new ones are served as usual."""
        with self._cond:
            self._bump(room_id)

    def stall(self, room_id: int | None = None) -> None:
        """Keep connections open but send nothing more, until :meth:`rejoin` or :meth:`drop`.

        Connections opened while stalled get their response headers and then no data.
        """
        with self._cond:
            self._stalled.add(_ALL if room_id is None else room_id)
            self._cond.notify_all()

    def end(self, room_id: int | None = None) -> None:
        """End the stream: cut open connections and answer new ones 404, until :meth:`rejoin`."""
        with self._cond:
            self._ended.add(_ALL if room_id is None else room_id)
            self._bump(room_id)

    def rejoin(self, room_id: int | None = None) -> None:
        """Bring the stream back after :meth:`stall` or :meth:`end`.

        Connections that were stalled are cut (as an edge resets them), so clients reconnect and
        get a fresh FLV header. ``rejoin()`` without a room clears every room's faults.
        """
        with self._cond:
            if room_id is None:
                self._stalled.clear()
                self._ended.clear()
            else:
                self._stalled.discard(room_id)
                self._ended.discard(room_id)
            self._bump(room_id)

    def close(self) -> None:
        """End every connection now and refuse new ones. Safe to call twice."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            sockets = list(self._active)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its handler thread

    @property
    def active(self) -> int:
        """How many connections are being served right now."""
        with self._cond:
            return len(self._active)

    def wait_for_connections(self, count: int, timeout: float = 10.0) -> bool:
        """Block until at least ``count`` connections were served in total; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.connections < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # -- serving ------------------------------------------------------------------------------

    def serve(self, handler: BaseHTTPRequestHandler, room_id: int, quality: str = "") -> None:
        """Answer one GET with the live stream until the client leaves or a fault ends it.

        Blocks the handler's thread for the life of the connection; returns quietly when the
        client disconnects, on :meth:`drop` / :meth:`end` / :meth:`close`, or after a write blocked
        longer than ``write_timeout``.
        """
        live = self._is_live is None or self._is_live(room_id)
        with self._cond:
            refused = self._closed or self._matches(self._ended, room_id) or not live
            if not refused:
                self.connections += 1
                self.requests.append((room_id, quality))
                generation = self._generation_of(room_id)
                start_ts = int((time.monotonic() - self._epoch) * 1000 * self.speed)
                self._active[handler.connection] = room_id
                self._cond.notify_all()
        handler.close_connection = True
        if refused:
            handler.send_error(404, "stream ended")
            return
        try:
            handler.connection.settimeout(self.write_timeout)
            handler.protocol_version = "HTTP/1.1"
            handler.send_response(200)
            handler.send_header("Content-Type", "video/x-flv")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.send_header("Cache-Control", "no-cache")
            handler.send_header("Connection", "close")
            handler.end_headers()
            self._pump(handler, room_id, generation, start_ts)
        except (_Gone, OSError):
            pass  # the client went away or a fault cut the stream: both end the response
        finally:
            with self._cond:
                self._active.pop(handler.connection, None)
                self._cond.notify_all()

    def _pump(self, handler: BaseHTTPRequestHandler, room_id: int, generation: tuple[int, int], start_ts: int) -> None:
        self._hold(0.0, room_id, generation)  # a stalled stream sends not even the FLV header
        started = time.monotonic() - self.burst_ms / 1000 / self.speed
        self._write(handler, self.sample.preamble(start_ts))
        batch: list[bytes] = []
        for ts, tag in self.sample.timeline(start_ts):
            due = started + (ts - start_ts) / 1000 / self.speed
            if due > time.monotonic() and batch:
                self._write(handler, b"".join(batch))
                batch = []
            self._hold(due, room_id, generation)
            batch.append(tag.encode(ts))

    def _hold(self, due: float, room_id: int, generation: tuple[int, int]) -> None:
        """Return once ``due`` (monotonic time) has come and the room is not stalled.

        Raises:
            _Gone: the connection was cut (drop, end, rejoin, close) or the room is no longer live.
        """
        while True:
            with self._cond:
                if self._closed or self._generation_of(room_id) != generation:
                    raise _Gone
                stalled = self._matches(self._stalled, room_id)
                left = due - time.monotonic()
                ready = not stalled and left <= 0
                if not ready:
                    self._cond.wait(_POLL if stalled else min(left, _POLL))
            if self._is_live is not None and not self._is_live(room_id):
                raise _Gone
            if ready:
                return

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, data: bytes) -> None:
        handler.wfile.write(b"%x\r\n%b\r\n" % (len(data), data))

    # -- state helpers (called with the lock held) ---------------------------------------------

    def _bump(self, room_id: int | None) -> None:
        key = _ALL if room_id is None else room_id
        self._generation[key] = self._generation.get(key, 0) + 1
        self._cond.notify_all()

    def _generation_of(self, room_id: int) -> tuple[int, int]:
        return self._generation.get(_ALL, 0), self._generation.get(room_id, 0)

    @staticmethod
    def _matches(keys: set[object], room_id: int) -> bool:
        return _ALL in keys or room_id in keys
