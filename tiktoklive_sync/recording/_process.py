"""Stopping and reaping ffmpeg processes, and reading what they said on stderr.

Everything here may run on any thread; :func:`signal_process` also in a signal handler.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from collections.abc import Callable
from typing import IO

__all__ = ["stop_process", "signal_process", "reap", "stderr_tail"]

log = logging.getLogger("tiktoklive_sync")


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """Stop an ffmpeg cleanly if it can be, by force if not (see :func:`signal_process`); reap it.

    Returns:
        the exit code.
    """
    signal_process(process, timeout)
    return process.wait()


def signal_process(process: subprocess.Popen[bytes], timeout: float = 10.0, *, steps: int = 4) -> None:
    """Ask ffmpeg to stop, escalating until it has exited; does not reap it.

    ``q`` on stdin (ffmpeg finishes the file, exit 0), then SIGTERM (exit 255, file complete), a
    second SIGTERM (a stalled ffmpeg ignores the first), then SIGKILL. The first step gets half of
    ``timeout``, the SIGTERMs a quarter each; ``steps`` limits how far it goes. It waits by polling
    (``poll()`` never blocks on a lock) and writes ``q`` with ``os.write``, so it is safe to call
    from a signal handler.
    """
    plan: list[tuple[Callable[[subprocess.Popen[bytes]], None], float]] = [
        (_send_q, timeout / 2), (_terminate, timeout / 4), (_terminate, timeout / 4), (_kill, 0.0),
    ]  # fmt: skip
    for step, grace in plan[:steps]:
        if process.poll() is not None:
            return
        step(process)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return
            time.sleep(0.02)
        log.debug("ffmpeg %d still running after %s; escalating", process.pid, step.__name__)


def reap(process: subprocess.Popen[bytes]) -> int:
    """Wait for ``process`` (killing it if it lingers) and close its pipes; return its exit code."""
    try:
        rc = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        rc = process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass  # a broken pipe to a dead ffmpeg has nothing left to flush
    return rc


def stderr_tail(stderr: IO[bytes], lines: int = 15) -> str:
    """Return the last ``lines`` lines of an ffmpeg stderr capture file."""
    stderr.seek(0, os.SEEK_END)
    size = stderr.tell()
    stderr.seek(max(0, size - 4096))
    text = stderr.read().decode("utf-8", "replace")
    return "\n".join(text.strip().splitlines()[-lines:])


def _send_q(process: subprocess.Popen[bytes]) -> None:
    try:
        if process.stdin is not None:  # os.write: a buffered write takes a lock a signal handler could re-enter
            os.write(process.stdin.fileno(), b"q")
    except (OSError, ValueError):
        pass  # stdin already closed: ffmpeg is exiting; the next steps wait for it


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
