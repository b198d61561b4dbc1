"""SIGTERM (Docker, systemd, Kubernetes) does what Ctrl-C does: a finished file, a summary, exit 0."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tiktoklive_sync.recording._ffmpeg import probe
from tiktoklive_sync.testing.demo import DEMO_USER

from ._process import spawn


def _wait_for_file(path: Path, timeout: float) -> None:
    """Wait until something is being written next to ``path`` (the capture file), or time out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.stat().st_size > 50_000 for p in path.parent.iterdir()):
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing was recorded into {path.parent} within {timeout} s")


@pytest.mark.ffmpeg
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_to_record_finishes_a_playable_mp4_and_exits_0(tmp_path: Path, signum: int) -> None:
    target = tmp_path / "out.mp4"
    proc = spawn("--fake", "record", DEMO_USER, str(target))
    try:
        _wait_for_file(target, timeout=60)
        time.sleep(1.0)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=90)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert f"saved {target}" in out
    assert "Traceback" not in err and "stopping: finishing the file" in err
    facts = probe(target)
    assert facts.container.startswith("mov") or "mp4" in facts.container
    assert facts.has_video and facts.has_audio and facts.duration > 0.5
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]  # no capture part left behind


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_to_watch_prints_the_summary_and_exits_0(signum: int) -> None:
    proc = spawn("--fake", "watch", DEMO_USER, "--json")
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        assert json.loads(first)["type"]
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    summary = [line for line in err.splitlines() if line.startswith(f"watched @{DEMO_USER} for ")]
    assert len(summary) == 1 and " events (" in summary[0]
    assert "Traceback" not in err and "interrupted" not in err
    assert all(json.loads(line) for line in out.splitlines())  # every line that got out is whole


def test_sigterm_cuts_a_short_command_with_143() -> None:
    # room-info against an unanswering proxy (a listening socket that never replies) waits on the read
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        proc = spawn("--proxy", f"http://127.0.0.1:{port}", "--timeout", "60", "room-info", "someone")
        try:
            conn, _ = silent.accept()  # the command is now waiting for the proxy's answer
            with conn:
                time.sleep(0.5)
                proc.send_signal(signal.SIGTERM)
                out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, err
    assert err.splitlines() == ["tiktoklive-sync: interrupted"]
