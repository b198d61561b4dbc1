"""SIGTERM (Docker, systemd, Kubernetes) does what Ctrl-C does: a finished file, a summary, exit 0."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tiktoklive_sync.recording._ffmpeg import probe
from tiktoklive_sync.testing.demo import DEMO_USER

from ._process import interrupt, running, spawn


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
    with running(spawn("--fake", "record", DEMO_USER, str(target))) as proc:
        _wait_for_file(target, timeout=60)
        time.sleep(1.0)
        out, err = interrupt(proc, signum, timeout=90)
    assert proc.returncode == 0, err
    assert f"saved {target}" in out
    assert "Traceback" not in err and "stopping: finishing the file" in err
    facts = probe(target)
    assert facts.container.startswith("mov") or "mp4" in facts.container
    assert facts.has_video and facts.has_audio and facts.duration > 0.5
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]  # no capture part left behind


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_to_watch_prints_the_summary_and_exits_0(signum: int) -> None:
    with running(spawn("--fake", "watch", DEMO_USER, "--json")) as proc:
        first = proc.stdout.readline() if proc.stdout else ""
        assert json.loads(first)["type"]
        out, err = interrupt(proc, signum, timeout=30)
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
        with running(spawn("--proxy", f"http://127.0.0.1:{port}", "--timeout", "60", "room-info", "someone")) as proc:
            conn, _ = silent.accept()  # the command is now waiting for the proxy's answer
            with conn:
                time.sleep(0.5)
                out, err = interrupt(proc, signal.SIGTERM, timeout=30)
    assert proc.returncode == 143, err
    assert err.splitlines() == ["tiktoklive-sync: interrupted"]


def test_sigterm_to_watch_many_with_wait_prints_the_summary_and_exits_0() -> None:
    with running(spawn("--fake", "watch", DEMO_USER, "quiet_creator", "--wait", "--interval", "0.5", "--json")) as proc:
        first = proc.stdout.readline() if proc.stdout else ""
        assert json.loads(first)["creator"] == DEMO_USER
        out, err = interrupt(proc, signal.SIGTERM, timeout=60)
    assert proc.returncode == 0, err
    assert "watched 2 creators for " in err and "1 live, " in err and "Traceback" not in err
    records = [json.loads(line) for line in out.splitlines()]
    assert records and records[-1]["type"] == "disconnect"  # the pool's last events still came out


@pytest.mark.ffmpeg
def test_sigterm_to_record_many_finishes_each_recording(tmp_path: Path) -> None:
    with running(spawn("--fake", "record", DEMO_USER, "quiet_creator", "--dir", str(tmp_path), "--wait",
                 "--interval", "0.5")) as proc:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 50_000 for p in tmp_path.rglob("*") if p.is_file()):
            assert time.monotonic() < deadline, "nothing was recorded"
            time.sleep(0.2)
        time.sleep(1.0)
        out, err = interrupt(proc, signal.SIGTERM, timeout=90)
    assert proc.returncode == 0, err
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].parent == tmp_path / DEMO_USER and files[0].suffix == ".mp4"
    saved, = out.splitlines()
    assert saved.startswith(f"saved {files[0]} (@{DEMO_USER}, ")
    facts = probe(files[0])
    assert facts.has_video and facts.has_audio and facts.duration > 0.5
    assert "recorded 2 creators for " in err


@pytest.mark.ffmpeg
def test_sigterm_to_the_demo_still_finishes_and_shows_the_recording() -> None:
    with running(spawn("demo", "--seconds", "60")) as proc:
        for line in proc.stdout or []:
            if " comment " in line:
                break
        time.sleep(1.0)
        out, err = interrupt(proc, signal.SIGTERM, timeout=90)
    assert proc.returncode == 0, err
    assert "saved " in out and "video      h264" in out
