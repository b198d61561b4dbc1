"""Record a live stream with ffmpeg: stream copy, on a worker thread, with files that survive anything.

:func:`record_stream` starts ffmpeg (``subprocess.Popen``, an argument list, stdin a pipe) and
returns a :class:`Recording` at once; a worker thread reads ffmpeg's ``-progress`` output. How it
behaves (its ffmpeg CPU against a bare ``ffmpeg -i URL -c copy`` is measured in benchmarks/recording.py):

- streams are copied (``-c copy``), never re-encoded unless codec options are passed;
- ffmpeg writes into a crash-tolerant container: a killed ffmpeg leaves a playable file. ``.flv`` and
  ``.ts`` are written as they are; ``.mp4`` / ``.mov`` as fragmented MP4 (the index first, then
  fragments of at most a second), so no remux pass runs at the end; ``.mkv`` (not crash-tolerant)
  is captured as FLV and remuxed once the capture ends;
- ``-rw_timeout`` is always set, so a stalled source ends ffmpeg instead of hanging it;
- when the source drops while the room is still live, a new ffmpeg records the next segment, and
  at the end the segments are joined with the concat demuxer; :attr:`Recording.gaps` lists the holes;
- :meth:`Recording.stop` sends ``q``, then SIGTERM twice, then SIGKILL, waiting each time.

Example::

    info = tls.fetch_room_info(s, unique_id="someone")
    with tls.record_stream(s, "out.mp4", info, record_for=60, quality=tls.VideoQuality.HD) as rec:
        rec.wait()
    print(rec.output_path, rec.progress.seconds)
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import threading
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .._validate import non_negative_number, positive_number, whole_number
from ..errors import DuplicateDownloadError, RecordingError, UserOfflineError
from ..models import RoomInfo, VideoFetchFormat, VideoQuality
from ._checks import check_output, enum_value, pick_url, record_seconds, room_of, session_header
from ._ffmpeg import CRASH_TOLERANT_MUXERS, find_ffmpeg, muxer_for, split_options
from ._jobs import CaptureJob, Gap, RecordingProgress, Segment
from ._reconnect import ReconnectSettings
from ._source import ca_bundle, check_tls_support
from ._worker import Worker

__all__ = ["record_stream", "Recording", "RecordingProgress", "Segment", "Gap", "LiveCheck"]

log = logging.getLogger("tiktoklive_sync")

#: answers "is the room still live?" after the source dropped: True/False, a fresh RoomInfo (its
#: status and stream URL are used), or None for "cannot tell" (then reconnecting is bounded by
#: max_reconnects)
LiveCheck = Callable[[], "bool | RoomInfo | None"]

#: the longest read timeout / reconnect delay accepted, in seconds
MAX_READ_TIMEOUT = 3600.0
_CAPTURE_SUFFIX = {"flv": ".flv", "mpegts": ".ts", "mp4": ".mp4", "mov": ".mov"}
_ACTIVE: dict[str, Recording] = {}
_ACTIVE_LOCK = threading.Lock()


def record_stream(
    session: Any,
    output_path: str | os.PathLike[str],
    room_info: RoomInfo | Mapping[str, Any],
    record_for: float | None = None,
    quality: VideoQuality | str | None = None,
    record_format: VideoFetchFormat | str = VideoFetchFormat.FLV,
    output_format: str | None = None,
    ffmpeg: str | os.PathLike[str] | None = None,
    *,
    read_timeout: float = 15.0,
    live_check: LiveCheck | None = None,
    reconnect: ReconnectSettings | None = None,
    max_reconnects: int | None = None,
    reconnect_delay: float | None = None,
    on_progress: Callable[[RecordingProgress], None] | None = None,
    on_finish: Callable[[Recording], None] | None = None,
    overwrite: bool = False,
    **ffmpeg_options: Any,
) -> Recording:
    """Start recording a live room's stream to ``output_path``; returns at once.

    Args:
        session: the Session (its User-Agent and Referer go to the stream server; it answers the
            "still live?" question when the source drops).
        output_path: the file to write; its ending picks the container (.mp4, .m4v, .mov, .flv,
            .mkv, .ts; none = .flv; any other ending is a ValueError listing these). An existing
            file is refused unless ``overwrite``. The parent directory must exist.
        room_info: a :class:`RoomInfo` or room info's raw ``data`` dict. Fetch it just before
            recording: stream URLs carry expiring tokens.
        record_for: seconds of stream to record (above 0, at most a week); None records until the
            live ends or :meth:`Recording.stop`.
        quality: the :class:`VideoQuality` wanted; None (the default): the best the room offers.
            If the room lacks the one asked for, the nearest one is used (logged as a warning, and
            :attr:`Recording.quality` says which).
        record_format: what to pull from TikTok (FLV; HLS and CMAF where offered).
        output_format: the container, overriding the file ending (``"mp4"``, ``"flv"``, ``"mkv"``...).
        ffmpeg: the ffmpeg binary (else ``$TIKTOKLIVE_FFMPEG``, PATH, the imageio-ffmpeg package).
        read_timeout: seconds without data after which the source counts as stalled
            (ffmpeg's ``-rw_timeout``; an ``rw_timeout=`` option in microseconds overrides it).
        live_check: asked whether the room is still live when the source drops (see
            :data:`LiveCheck`); default: fetch the room info with ``session``.
        reconnect: how to reconnect when the source drops while the room is live (a
            :class:`~tiktoklive_sync.recording.ReconnectSettings`; default: 4 tries, waits from 1 s
            doubling up to 30 s, cut short by :meth:`Recording.stop`).
        max_reconnects, reconnect_delay: deprecated (a DeprecationWarning): ``max_reconnects=n`` is
            ``ReconnectSettings(attempts=n + 1)``, ``reconnect_delay`` its ``initial_delay``.
        on_progress: called on the worker thread with a :class:`RecordingProgress` (~2x a second).
        on_finish: called on the worker thread with the Recording once its file is final.
        overwrite: replace an existing output file (and capture files an earlier recording to it
            left); False (the default) refuses to start instead.
        **ffmpeg_options: extra ffmpeg options, ``name=value`` -> ``-name value`` (codec options
            such as ``**{"c:v": "libx264"}`` re-encode those streams; the rest stay copied).

    Returns:
        the running :class:`Recording`.
    Raises:
        StreamUnavailableError: the room is not live, its info holds no stream URL, or the URL is not
            an http(s) URL (``file:``, ``concat:``, a local path, ``tcp://``... are refused).
        RecordingError: the output file exists (without ``overwrite``); the output directory is
            missing or not writable; an https stream and an ffmpeg that cannot verify TLS certificates.
        DuplicateDownloadError: a recording to the same file is already running.
        FFmpegNotFoundError: no ffmpeg was found.
        ValueError: a wrong argument (unknown quality; a number that is not finite or out of range,
            named in the message; an unsupported option...).
    """
    wanted = None if quality is None else enum_value(VideoQuality, quality, "quality")
    fmt = enum_value(VideoFetchFormat, record_format, "record_format")
    seconds = record_seconds(record_for)
    read_timeout = positive_number("read_timeout", read_timeout, maximum=MAX_READ_TIMEOUT)
    reconnect = _reconnect_settings(reconnect, max_reconnects, reconnect_delay)
    rw_timeout = ffmpeg_options.pop("rw_timeout", None)
    if rw_timeout is not None:
        whole_number("rw_timeout", rw_timeout, maximum=int(MAX_READ_TIMEOUT * 1_000_000))
    room = room_of(room_info)
    used_quality, url = pick_url(room, wanted, fmt)
    _refuse_duplicate(Path(output_path).expanduser().absolute())  # before "exists": it is ours, running
    output = check_output(output_path, overwrite=overwrite)
    final_muxer = muxer_for(output, output_format)
    input_args, output_args, encodes = split_options(ffmpeg_options)
    exe = find_ffmpeg(ffmpeg)
    if url[:8].lower() == "https://":
        check_tls_support(exe)
    if final_muxer in CRASH_TOLERANT_MUXERS:
        capture_muxer = final_muxer
    else:  # FLV holds what TikTok's FLV carries; MPEG-TS holds whatever an encoder makes
        capture_muxer = "flv" if fmt is VideoFetchFormat.FLV and not encodes else "mpegts"
    job = CaptureJob(
        ffmpeg=exe,
        url=url,
        output=output,
        final_muxer=final_muxer,
        capture_muxer=capture_muxer,
        capture_suffix=_CAPTURE_SUFFIX[capture_muxer],
        quality=used_quality,
        record_format=fmt,
        record_for=seconds,
        rw_timeout_us=int(rw_timeout) if rw_timeout is not None else int(read_timeout * 1_000_000),
        user_agent=session_header(session, "User-Agent"),
        referer=session_header(session, "Referer"),
        input_args=tuple(input_args),
        output_args=tuple(output_args),
        ca_file=ca_bundle(session),
        reconnect=reconnect,
    )
    check = live_check if live_check is not None else _session_live_check(session, room.id)
    return Recording._start(job, room, wanted or used_quality, used_quality, check, on_progress, on_finish)


class Recording:
    """A running (or finished) recording, made by :func:`record_stream`. A context manager: leaving
    the ``with`` block stops it.

    Attributes:
        output_path: where the recording is (the path asked for; if joining the capture files
            failed, the capture file that holds the data).
        quality: the quality recorded; requested_quality: the one asked for.
        url: the stream URL recorded (it changes if a reconnect fetched a fresh one).
        error: a :class:`RecordingError` when the recording failed or its file could not be
            finished, else None.
    """

    def __init__(self, worker: Worker, quality: VideoQuality, used: VideoQuality, key: str) -> None:
        self._worker = worker
        self._key = key
        self.requested_quality = quality
        self.quality = used

    @classmethod
    def _start(
        cls,
        job: CaptureJob,
        room: RoomInfo,
        quality: VideoQuality,
        used: VideoQuality,
        live_check: LiveCheck,
        on_progress: Callable[[RecordingProgress], None] | None,
        on_finish: Callable[[Recording], None] | None,
    ) -> Recording:
        key = _active_key(job.output)
        with _ACTIVE_LOCK:
            _refuse_duplicate(job.output)
            worker = Worker(job, live_check, on_progress)
            rec = cls(worker, quality, used, key)
            _ACTIVE[key] = rec
        worker.on_done = lambda: rec._done(on_finish)
        try:
            worker.start()
        except BaseException:
            with _ACTIVE_LOCK:
                _ACTIVE.pop(key, None)
            raise
        log.info("recording room %s (%s) to %s", room.id, used.value, job.output)
        return rec

    def _done(self, on_finish: Callable[[Recording], None] | None) -> None:
        with _ACTIVE_LOCK:
            if _ACTIVE.get(self._key) is self:
                del _ACTIVE[self._key]
        if on_finish is not None:
            try:
                on_finish(self)
            except Exception:
                log.exception("the on_finish callback of %r raised", self)

    # -- state ----------------------------------------------------------------------------------

    @property
    def is_recording(self) -> bool:
        """True until ffmpeg has ended and the file is final (also while reconnecting)."""
        return not self._worker.finished.is_set()

    @property
    def output_path(self) -> Path:
        """The recorded file (see the class docstring)."""
        return self._worker.output_path

    @property
    def output_filename(self) -> str:
        """``output_path`` as text (the reference library's name)."""
        return str(self.output_path)

    @property
    def url(self) -> str:
        """The stream URL being recorded."""
        return self._worker.url

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The current (or last) ffmpeg ``subprocess.Popen``, or None before the first one started."""
        return self._worker.process

    @property
    def returncode(self) -> int | None:
        """The last ffmpeg's exit code (0 = clean, 255 = stopped by a signal, < 0 = killed), or None."""
        return self._worker.returncode

    @property
    def progress(self) -> RecordingProgress:
        """Seconds and bytes recorded so far (all segments), the current bitrate and speed."""
        return self._worker.progress

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The ffmpeg runs so far, in order (one unless the source dropped)."""
        return self._worker.segments()

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """The holes between recorded segments (wall-clock times), in order."""
        return self._worker.gaps()

    @property
    def stderr_tail(self) -> str:
        """The last lines ffmpeg wrote to stderr (warnings and errors; "" if it said nothing)."""
        return self._worker.stderr_tail

    @property
    def error(self) -> RecordingError | None:
        """Why the recording failed or could not be finished, or None."""
        return self._worker.error

    @property
    def quality_fell_back(self) -> bool:
        """True if the room did not offer the requested quality and another one is recorded."""
        return self.quality is not self.requested_quality

    # -- control --------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the recording has ended and its file is final.

        Returns:
            True if it has ended, False if ``timeout`` seconds passed first.
        Raises:
            ValueError: ``timeout`` is not None or a finite number of at least 0.
        """
        if timeout is not None:
            timeout = non_negative_number("timeout", timeout)
        return self._worker.join(timeout)

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop recording and finish the file; blocks until done. Safe to call more than once.

        ffmpeg gets ``q`` on stdin (a clean stop), then SIGTERM, a second SIGTERM, then SIGKILL,
        each after a share of ``timeout`` seconds; every step waits for the exit.

        Returns:
            the last ffmpeg's exit code.
        Raises:
            ValueError: ``timeout`` is not a finite number above 0 (at most an hour).
        """
        self._worker.stop(positive_number("timeout", timeout, maximum=MAX_READ_TIMEOUT))
        return self.returncode

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "recording" if self.is_recording else f"finished rc={self.returncode}"
        return f"<Recording {self.output_path.name!r} {self.quality.value} {state} {self.progress.seconds:.1f}s>"


def _reconnect_settings(
    reconnect: ReconnectSettings | None, max_reconnects: int | None, reconnect_delay: float | None
) -> ReconnectSettings:
    """Return the reconnect settings to use, mapping (with a warning) the deprecated arguments."""
    if max_reconnects is None and reconnect_delay is None:
        if reconnect is not None and not isinstance(reconnect, ReconnectSettings):
            raise ValueError(f"reconnect must be a ReconnectSettings, not {type(reconnect).__name__}")
        return reconnect or ReconnectSettings()
    if reconnect is not None:
        raise ValueError("pass either reconnect= or the deprecated max_reconnects= / reconnect_delay=, not both")
    warnings.warn(
        "record_stream(max_reconnects=, reconnect_delay=) is deprecated; pass "
        "reconnect=tiktoklive_sync.recording.ReconnectSettings(attempts=max_reconnects + 1, initial_delay=...)",
        DeprecationWarning,
        stacklevel=3,
    )
    return ReconnectSettings.from_legacy(max_reconnects, reconnect_delay)


def _active_key(output: Path) -> str:
    return os.path.normcase(os.path.realpath(output))


def _refuse_duplicate(output: Path) -> None:
    """Raise DuplicateDownloadError if a recording to ``output`` is running (a dict read: no lock needed)."""
    if _active_key(output) in _ACTIVE:
        raise DuplicateDownloadError(f"{output} is already being recorded.")


def _stop_all_at_exit() -> None:
    """Finish every running recording when the interpreter exits (no orphaned ffmpeg)."""
    with _ACTIVE_LOCK:
        running = list(_ACTIVE.values())
    for rec in running:
        rec.stop(timeout=5.0)


atexit.register(_stop_all_at_exit)


def _session_live_check(session: Any, room_id: int) -> LiveCheck:
    """Return a live check that fetches the room info (fresh URL) or, lacking that, asks is-live."""

    def check() -> bool | RoomInfo | None:
        if not room_id:
            return None
        from .. import routes

        fetch = getattr(routes, "fetch_room_info", None) or getattr(routes, "fetch_is_live", None)
        if fetch is None:
            return None
        try:
            answer = fetch(session, room_id=room_id)
        except UserOfflineError:
            return False
        except Exception as exc:  # a failed check must not end the recording: retries are bounded
            log.warning("could not check whether room %s is still live: %s", room_id, exc)
            return None
        return answer if isinstance(answer, (bool, RoomInfo)) else None

    return check
