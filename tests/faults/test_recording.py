"""Fault matrix, recording side: ffmpeg killed mid-recording, and the output's disk filling up.

What the user must get either way: ``wait()`` returns, ``returncode`` and ``stderr_tail`` say what
happened, the media recorded so far is kept in a file that plays, and nothing is retried that
cannot help (a full disk is not a dropped source).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.recording import ReconnectSettings
from tiktoklive_sync.recording._ffmpeg import find_ffmpeg, probe
from tiktoklive_sync.testing import FakeTikTok

pytestmark = pytest.mark.ffmpeg

QUICK = ReconnectSettings(initial_delay=0.2)

DISK_BYTES = 512 * 1024


def plays(path: Path) -> bool:
    """True if ffmpeg reads every packet of ``path`` (a stream copy) without an error."""
    result = subprocess.run(
        [find_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path), "-c", "copy", "-f", "null", "-"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.returncode == 0


class Reached:
    """An ``on_progress`` callback that is set once ``seconds`` of media have been recorded."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.last, self.event = seconds, None, threading.Event()

    def __call__(self, progress: tls.RecordingProgress) -> None:
        self.last = progress
        if progress.seconds >= self.seconds:
            self.event.set()


# -- ffmpeg killed ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sig, suffix, rc",
    [
        (signal.SIGKILL, ".flv", -signal.SIGKILL),
        (signal.SIGKILL, ".mp4", -signal.SIGKILL),
        (signal.SIGKILL, ".ts", -signal.SIGKILL),
        (signal.SIGTERM, ".mkv", 255),
    ],
    ids=["SIGKILL-flv", "SIGKILL-fragmented-mp4", "SIGKILL-ts", "SIGTERM-mkv"],
)
def test_ffmpeg_killed_mid_recording_leaves_a_playable_partial_file(fake, tmp_path, sig, suffix, rc):
    reached = Reached(1.5)
    with fake.session() as s:
        info = tls.fetch_room_info(s, unique_id="someone")
        rec = tls.record_stream(s, tmp_path / f"out{suffix}", info, on_progress=reached)
        assert reached.event.wait(30), f"no progress: {reached.last}"
        assert rec.process is not None
        os.kill(rec.process.pid, sig)  # as the OOM killer or an operator would
        assert rec.wait(timeout=30)  # wait() returns
    assert rec.returncode == rc
    assert [seg.reason for seg in rec.segments] == ["killed"]  # not mistaken for a dropped source
    assert isinstance(rec.stderr_tail, str)
    assert rec.error is None and rec.output_path == tmp_path / f"out{suffix}"
    assert probe(rec.output_path).duration >= 1.0 and plays(rec.output_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out{suffix}"]  # no capture files left behind


# -- SIGTERM to the process: Recording.stop() from a signal handler --------------------------------------

SIGTERM_CHILD = r"""
import json, os, signal, sys, threading, time
import tiktoklive_sync as tls
from tiktoklive_sync.testing import FakeTikTok
out = sys.argv[1]
with FakeTikTok() as fake:
    fake.add_room("someone")
    with fake.session() as s:
        rec = tls.record_stream(s, out, tls.fetch_room_info(s, unique_id="someone"))
        stopped = []

        def on_sigterm(signum, frame):  # what a worker under Docker / systemd writes
            rec.stop()
            stopped.append(rec.is_recording)

        signal.signal(signal.SIGTERM, on_sigterm)
        while rec.progress.seconds < 1.5:
            time.sleep(0.05)
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
        while not stopped:  # the main thread busy in every accessor the handler could interrupt
            rec.segments, rec.gaps, rec.process, rec.progress, rec.returncode
            rec.wait(timeout=0.001)
print(json.dumps({"stopped": stopped, "reasons": [seg.reason for seg in rec.segments], "error": str(rec.error or ""),
                  "output": str(rec.output_path), "paths": [str(seg.path) for seg in rec.segments]}))
"""


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_stop_from_a_sigterm_handler_finishes_the_file(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", SIGTERM_CHILD, str(out)], capture_output=True, text=True, timeout=120, env=env
    )  # a deadlocked handler would hang here, and fail the test
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["stopped"] == [False]  # stop() returned with the file final
    assert result["reasons"] == ["stopped"] and result["error"] == ""
    assert result["output"] == str(out) and result["paths"] == [str(out)]
    assert probe(out).duration >= 1.0 and plays(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


# -- a full disk ----------------------------------------------------------------------------------------


def _mount_tiny_tmpfs(path: Path) -> bool:
    path.mkdir()
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        return False
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(path)], capture_output=True, timeout=30
    )
    return done.returncode == 0


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory on a disk of DISK_BYTES (a tmpfs), or else one where files may not grow past it.

    Yields (directory, how): "tmpfs" when the mount worked (root, as here and in CI); otherwise
    "rlimit": the recording must then run in a child process under RLIMIT_FSIZE.
    """
    disk = tmp_path / "disk"
    if _mount_tiny_tmpfs(disk):
        try:
            yield disk, "tmpfs"
        finally:
            subprocess.run([shutil.which("umount") or "umount", "-l", str(disk)], capture_output=True, timeout=30)
    else:
        yield disk, "rlimit"


CHILD = r"""
import json, resource, sys
import tiktoklive_sync as tls
from tiktoklive_sync.recording import ReconnectSettings
from tiktoklive_sync.testing import FakeTikTok
QUICK = ReconnectSettings(initial_delay=0.2)
limit, out = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
with FakeTikTok() as fake:
    fake.add_room("someone")
    with fake.session() as s:
        rec = tls.record_stream(s, out, tls.fetch_room_info(s, unique_id="someone"), reconnect=QUICK)
        done = rec.wait(timeout=60)
print(json.dumps({"done": done, "error": str(rec.error or ""), "tail": rec.stderr_tail,
                  "reasons": [seg.reason for seg in rec.segments], "output": str(rec.output_path)}))
"""


def _record_until_the_disk_is_full(fake: FakeTikTok, disk: Path, how: str) -> dict[str, object]:
    out = disk / "out.flv"
    if how == "rlimit":  # the limit must not hit pytest itself: the recording runs in a child
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(DISK_BYTES), str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])
    with fake.session() as s:
        rec = tls.record_stream(s, out, tls.fetch_room_info(s, unique_id="someone"), reconnect=QUICK)
        finished = rec.wait(timeout=60)
        rec.stop()
    return {
        "done": finished,
        "error": str(rec.error or ""),
        "tail": rec.stderr_tail,
        "reasons": [seg.reason for seg in rec.segments],
        "output": str(rec.output_path),
    }


def test_a_full_disk_ends_the_recording_with_a_clear_error_and_keeps_what_was_written(fake, full_disk):
    disk, how = full_disk
    result = _record_until_the_disk_is_full(fake, disk, how)
    assert result["done"] is True  # wait() returned: no hang on a full disk
    assert result["error"], "a recording cut short by a full disk must say so"
    if how == "tmpfs":  # ffmpeg fails with ENOSPC, and the error says so
        assert "No space left on device" in str(result["error"]) and result["reasons"] == ["failed"]
    else:  # past RLIMIT_FSIZE the kernel kills ffmpeg (SIGXFSZ)
        assert result["reasons"] == ["killed"]
    assert len(result["reasons"]) == 1, f"reconnecting cannot help a full disk: {result['reasons']}"
    kept = Path(str(result["output"]))
    assert kept.is_file() and kept.stat().st_size > 0 and plays(kept)  # what fitted is kept, and plays
