"""What a recording is asked to do (:class:`CaptureJob`) and what it reports (progress, segments, gaps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import VideoFetchFormat, VideoQuality
from ._reconnect import ReconnectSettings

__all__ = ["CaptureJob", "RecordingProgress", "Segment", "Gap"]


@dataclass(frozen=True)
class CaptureJob:
    """Everything a recording needs to run ffmpeg, decided (and checked) before it starts."""

    ffmpeg: str
    url: str
    output: Path
    final_muxer: str
    capture_muxer: str
    capture_suffix: str
    quality: VideoQuality
    record_format: VideoFetchFormat
    record_for: float | None
    rw_timeout_us: int
    user_agent: str | None
    referer: str | None
    input_args: tuple[str, ...] = ()
    output_args: tuple[str, ...] = ()
    ca_file: str | None = None
    reconnect: ReconnectSettings = field(default_factory=ReconnectSettings)


@dataclass(frozen=True)
class RecordingProgress:
    """How far a recording has got.

    Attributes:
        seconds: media seconds recorded so far, all segments together.
        bytes: bytes written so far, all segments together.
        bitrate: the current output bitrate in kbit/s (None until ffmpeg knows).
        speed: how fast the current segment records relative to real time (~1.0 for a live).
        segment: the index of the segment being recorded.
    """

    seconds: float = 0.0
    bytes: int = 0
    bitrate: float | None = None
    speed: float | None = None
    segment: int = 0


@dataclass(frozen=True)
class Segment:
    """One ffmpeg run of a recording.

    Attributes:
        index: 0 for the first.
        path: the file holding this segment's media: its capture file while it records, the output
            file once the recording is final (or, if joining failed, the capture file kept); None
            for a segment that recorded nothing (its empty capture file is deleted).
        started, ended: wall-clock times (``time.time()``); ended is None while it runs.
        seconds, bytes: what it recorded. returncode: ffmpeg's exit code (None while it runs).
        reason: why it ended: "stopped", "finished" (record_for reached), "source ended",
            "stalled" (no data for the read timeout), "killed", "failed" or "running".
    """

    index: int
    path: Path | None
    started: float
    ended: float | None
    seconds: float
    bytes: int
    returncode: int | None
    reason: str


@dataclass(frozen=True)
class Gap:
    """A hole in a recording, in wall-clock times (``time.time()``, to within ffmpeg's ~0.5 s progress
    period): ``start`` is when the segment before last reported new media, ``end`` when the next
    segment first did. The joined file simply continues across it."""

    after_segment: int
    start: float
    end: float

    @property
    def seconds(self) -> float:
        """How long the hole lasted."""
        return max(0.0, self.end - self.start)
