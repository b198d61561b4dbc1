"""The worker behind :class:`tiktoklive_sync.Recording`: runs ffmpeg segment after segment, reads
its progress, decides whether to reconnect, and finishes the output file.

One worker thread per recording; it ends when the file is final, and it always reaps every
ffmpeg it started (no zombies). Users meet it only through ``Recording``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import tenacity

from .._backoff import Stopped
from ..errors import RecordingError
from ..models import RoomInfo
from ._ffmpeg import ProgressParser, capture_argv
from ._jobs import CaptureJob, Gap, RecordingProgress, Segment
from ._process import reap, signal_process, stderr_tail, stop_process
from ._reconnect import NothingRecorded
from ._segments import join_files
from ._source import check_stream_url, check_tls_support

__all__ = ["Worker"]

log = logging.getLogger("tiktoklive_sync")

#: a capture file smaller than this with no progress reported holds no media
_MIN_MEDIA_BYTES = 4096
#: recorded seconds this close to record_for count as "done" (no new segment for the rest)
_RECORD_FOR_SLACK = 0.5
#: what ffmpeg says when the output cannot be written: a new segment would fail the same way
_OUTPUT_ERRORS = ("No space left on device", "File too large", "Disk quota exceeded", "Read-only file system")


@dataclass
class _Run:
    index: int
    path: Path
    process: subprocess.Popen[bytes]
    stderr: IO[bytes]
    started: float = field(default_factory=time.time)
    ended: float | None = None
    seconds: float = 0.0
    bytes: int = 0
    reason: str = "running"
    has_data: bool = False  # set when it ends: did it record any media?
    finished: bool = False  # set once the recording's file is final (then holder says where it went)
    first_data: float | None = None  # wall-clock times of the first and last progress with media
    last_data: float | None = None

    #: where its media is now (see Segment.path); the capture file until the recording is final
    holder: Path | None = None

    def snapshot(self) -> Segment:
        holder = self.path if self.holder is None and not self.finished else self.holder
        return Segment(self.index, holder, self.started, self.ended, self.seconds, self.bytes,
                       self.process.returncode, self.reason)  # fmt: skip


class Worker:
    """Runs the capture ffmpeg(s) of one recording on its own thread; see the module docstring."""

    def __init__(
        self,
        job: CaptureJob,
        live_check: Callable[[], bool | RoomInfo | None],
        on_progress: Callable[[RecordingProgress], None] | None = None,
    ) -> None:
        self.job = job
        self.url = job.url
        self.output_path = job.output
        self.progress = RecordingProgress()
        self.error: RecordingError | None = None
        self.stderr_tail = ""
        self.finished = threading.Event()
        self.on_done: Callable[[], None] | None = None
        self._live_check = live_check
        self._on_progress = on_progress
        # Taken by the worker thread (and start()) only. What other threads read is published as
        # immutable snapshots, so no reader (a signal handler included) ever waits on it.
        self._lock = threading.Lock()
        self._runs: list[_Run] = []
        self._segments: tuple[Segment, ...] = ()
        self._gaps: tuple[Gap, ...] = ()
        self._stop_requested = False  # a plain flag: setting it takes no lock
        self._done = False  # set before `finished`: the file is final
        self._thread = threading.Thread(target=self._main, name=f"tiktoklive-record:{job.output.name}", daemon=True)

    # -- public face (used by Recording) -------------------------------------------------------

    def start(self) -> None:
        """Start the first ffmpeg (here, so start-up errors reach the caller) and the thread.

        Raises:
            RecordingError: ffmpeg could not be executed.
        """
        self._launch()
        self._thread.start()

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        runs = self._runs  # appending to a list is atomic: no lock needed to read its last item
        return runs[-1].process if runs else None

    @property
    def returncode(self) -> int | None:
        process = self.process
        return process.returncode if process is not None else None

    def segments(self) -> tuple[Segment, ...]:
        return self._segments

    def gaps(self) -> tuple[Gap, ...]:
        return self._gaps

    def _publish(self) -> None:
        """Refresh the snapshots readers see (called with the lock held, after every change)."""
        self._segments = tuple(r.snapshot() for r in self._runs)
        runs = [r for r in self._runs if r.ended is not None and r.has_data]
        self._gaps = tuple(
            Gap(a.index, a.last_data or a.ended or a.started, b.first_data or b.started)
            for a, b in zip(runs, runs[1:], strict=False)
        )

    def join(self, timeout: float | None) -> bool:
        if threading.current_thread() is self._thread:
            return self.finished.is_set()
        # Wait on the Event, not Thread.join: a Ctrl-C that interrupts Thread.join() can leave the
        # thread looking finished while it still writes the file (CPython issue), and stop() would
        # then return before the output exists.
        if not self.finished.wait(timeout):
            return False
        self._thread.join(5.0)  # only the on_done callback can still be running
        return True

    def stop(self, timeout: float) -> None:
        """Stop the current ffmpeg gracefully (escalating), start no new one, wait for the file.

        Safe in a signal handler: it sets a flag, signals ffmpeg and waits by polling, taking no
        lock the interrupted code could hold; the worker thread finishes the file meanwhile.
        """
        self._stop_requested = True
        if threading.current_thread() is self._thread:  # from a callback: the thread finishes by itself
            run = self._runs[-1] if self._runs else None
            if run is not None:
                signal_process(run.process, 0.0, steps=1)
            return
        signalled: set[int] = set()
        while not self._done:
            runs = self._runs
            run = runs[-1] if runs else None
            if run is not None and run.index not in signalled and run.process.poll() is None:
                signalled.add(run.index)  # a segment started just as stop() came is stopped too
                signal_process(run.process, timeout)
            else:
                time.sleep(0.02)

    # -- the thread ----------------------------------------------------------------------------

    def _main(self) -> None:
        try:
            run: _Run | None = self._runs[-1]
            assert run is not None
            self._pump(run)
            while run is not None and self._should_reconnect(run):
                run = self._reconnect()
        except Exception as exc:  # never die silently: record why, then still finish the file
            log.exception("recording to %s failed", self.job.output)
            self.error = exc if isinstance(exc, RecordingError) else RecordingError(f"Recording failed: {exc}")
        finally:
            for r in self._runs:
                if r.ended is None:
                    if r.process.poll() is None:
                        stop_process(r.process, 5.0)
                    self._settle(r)
            try:
                self._finish_file()
            except Exception as exc:
                log.exception("could not finish %s", self.job.output)
                self.error = RecordingError(f"Could not finish {self.job.output}: {exc}")
            self._done = True  # first: a stop() polling for it must not need the Event's lock
            self.finished.set()
            if self.on_done is not None:
                self.on_done()

    def _launch(self) -> _Run | None:
        job = self.job
        with self._lock:
            if self._stop_requested:
                return None
            index = len(self._runs)
            path = job.output.with_name(f"{job.output.name}.part{index}{job.capture_suffix}")
            done = sum(r.seconds for r in self._runs)
            seconds = None if job.record_for is None else max(0.1, job.record_for - done)
            argv = capture_argv(
                job.ffmpeg, self.url, path, muxer=job.capture_muxer, seconds=seconds,
                rw_timeout_us=job.rw_timeout_us, user_agent=job.user_agent, referer=job.referer,
                input_args=job.input_args, output_args=job.output_args, ca_file=job.ca_file,
            )  # fmt: skip
            stderr = tempfile.TemporaryFile()
            try:
                process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
            except OSError as exc:
                stderr.close()
                raise RecordingError(f"Could not run ffmpeg ({job.ffmpeg}): {exc}") from exc
            run = _Run(index, path, process, stderr)
            self._runs.append(run)
            self._publish()
        log.debug("segment %d of %s: %s", index, job.output, " ".join(argv[:-1]))
        return run

    def _pump(self, run: _Run) -> None:
        """Read the run's progress until ffmpeg exits, then settle it."""
        parser = ProgressParser()
        assert run.process.stdout is not None
        for line in run.process.stdout:
            block = parser.feed(line.decode("ascii", "replace"))
            if block is not None:
                self._progressed(run, block)
        self._settle(run)
        log.info("segment %d of %s ended (%s, exit %s, %.1f s)", run.index, self.job.output,
                 run.reason, run.process.returncode, run.seconds)  # fmt: skip

    def _reconnect(self) -> _Run | None:
        """After a drop: start segments until one records media, waiting per the reconnect settings
        between ones that record nothing.

        Returns:
            the (ended) segment that recorded media, or None: the attempts were used up, the live
            ended, or stop() was called.
        """
        settings = self.job.reconnect
        try:
            for attempt in settings.retrying(lambda: self._stop_requested):
                with attempt:
                    run = self._launch()
                    if run is None:
                        return None
                    self._pump(run)
                    if run.has_data:
                        return run
                    if attempt.retry_state.attempt_number < settings.attempts and not self._should_reconnect(run):
                        return None
                    raise NothingRecorded(f"segment {run.index} recorded nothing")
        except Stopped:
            return None
        except tenacity.RetryError:
            log.warning("%s: %d segments in a row recorded nothing; giving up", self.job.output, settings.attempts)
        return None

    def _settle(self, run: _Run) -> None:
        """Reap the run's ffmpeg and note what it left and why it ended."""
        rc = reap(run.process)
        tail = stderr_tail(run.stderr)
        with self._lock:
            run.ended = time.time()
            size = run.path.stat().st_size if run.path.exists() else 0
            run.bytes = max(run.bytes, size)
            run.has_data = size > 0 and (run.seconds > 0 or size >= _MIN_MEDIA_BYTES)
            if rc < 0 or rc == 255:
                run.reason = "killed"
            elif "timed out" in tail:
                run.reason = "stalled"
            else:
                run.reason = "source ended" if rc == 0 else "failed"
            self.stderr_tail = tail
            self._publish()

    def _progressed(self, run: _Run, block: dict[str, Any]) -> None:
        with self._lock:
            if block["seconds"] > run.seconds:
                run.last_data = time.time()
                run.first_data = run.first_data or run.last_data
            run.seconds = max(run.seconds, block["seconds"])
            run.bytes = max(run.bytes, block["bytes"])
            earlier = [r for r in self._runs if r is not run]
            progress = RecordingProgress(
                seconds=sum(r.seconds for r in earlier) + run.seconds,
                bytes=sum(r.bytes for r in earlier) + run.bytes,
                bitrate=block["bitrate"],
                speed=block["speed"],
                segment=run.index,
            )
            self.progress = progress
            self._publish()
        log.debug("recording %s: %.1f s, %d bytes, %s kbit/s, speed %s", self.job.output.name,
                  progress.seconds, progress.bytes, progress.bitrate, progress.speed)  # fmt: skip
        if self._on_progress is not None:
            try:
                self._on_progress(progress)
            except Exception:
                log.exception("the on_progress callback raised")

    def _should_reconnect(self, run: _Run) -> bool:
        """Decide whether the source dropping (not a stop, a kill or the end) warrants a new segment."""
        job = self.job
        recorded = self.progress.seconds
        if self._stop_requested:
            with self._lock:
                run.reason = "stopped"
                self._publish()
            return False
        if job.record_for is not None and recorded >= job.record_for - _RECORD_FOR_SLACK:
            with self._lock:
                run.reason = "finished"
                self._publish()
            return False
        rc = run.process.returncode
        if rc is None or rc < 0 or rc == 255 or not any(r.has_data for r in self._runs):
            return False  # killed, or it never recorded anything (bad URL): not a drop
        cause = next((words for words in _OUTPUT_ERRORS if words in self.stderr_tail), None)
        if cause is not None:  # the disk, not the source: reconnecting cannot help
            self.error = RecordingError(
                f"ffmpeg could not write {job.output.parent} ({cause}); the recording stopped after {recorded:.1f} s."
            )
            log.warning("%s", self.error)
            return False
        answer = self._live_check()
        if answer is False or (isinstance(answer, RoomInfo) and not answer.is_live):
            log.info("the live of %s has ended", job.output)
            return False
        if isinstance(answer, RoomInfo):
            picked = answer.stream_urls.pick(job.quality, job.record_format)
            if picked is not None:
                self.url = self._fresh_url(picked[1], answer.id)
        log.info("the source of %s dropped while the room is live: starting segment %d", job.output, run.index + 1)
        return True

    def _fresh_url(self, url: str, room_id: int) -> str:
        """Return the stream URL a fresh room info names if it is fit for ffmpeg, else the one in use."""
        try:
            check_stream_url(url, room_id)
            if url[:8].lower() == "https://":
                check_tls_support(self.job.ffmpeg)
        except RecordingError as exc:
            log.warning("keeping the stream URL in use: %s", exc)
            return self.url
        return url

    # -- finishing the file ----------------------------------------------------------------------

    def _finish_file(self) -> None:
        """Delete empty capture files, make the output from the others, and note where each went."""
        with self._lock:
            runs = list(self._runs)
        kept = [r for r in runs if r.has_data]
        for r in runs:
            r.stderr.close()
            if r not in kept:
                r.path.unlink(missing_ok=True)
        try:
            self._finish_kept(kept)
        finally:
            with self._lock:
                for r in runs:
                    r.holder = (r.path if r.path.exists() else self.output_path) if r in kept else None
                    r.finished = True
                self._publish()

    def _finish_kept(self, kept: list[_Run]) -> None:
        job = self.job
        if not kept:
            rc = self._runs[-1].process.returncode if self._runs else None
            self.error = RecordingError(
                f"Nothing was recorded (ffmpeg exit code {rc}). ffmpeg said: {self.stderr_tail}"
            )
            return
        if len(kept) == 1 and job.capture_muxer == job.final_muxer:
            # the capture container is crash-tolerant: even a killed ffmpeg's file is kept as written
            os.replace(kept[0].path, job.output)
            return
        problem = join_files(job.ffmpeg, [r.path for r in kept], job.output, job.final_muxer)
        if problem is not None:
            if len(kept) == 1:
                self.output_path = kept[0].path
            names = ", ".join(str(r.path) for r in kept)
            self.error = RecordingError(f"Could not write {job.output} ({problem}); the recording is kept in {names}.")
            log.warning("%s", self.error)
