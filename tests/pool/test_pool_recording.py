"""LivePool with record_dir: every live is recorded to record_dir/<unique_id>/<start time>.mp4."""

from __future__ import annotations

import re
import subprocess
import threading

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.recording._ffmpeg import find_ffmpeg, probe

pytestmark = pytest.mark.ffmpeg


def plays(path) -> bool:
    """True if ffmpeg decodes every frame of ``path`` to the end (exit status 0).

    Warnings are tolerated: on a loaded machine ffmpeg has been seen to note a repeated timestamp
    ("non monotonically increasing dts") in a file that still decodes to the end.
    """
    result = subprocess.run(
        [find_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.returncode == 0


def test_stop_mid_live_finishes_a_playable_recording(fake, pool_for, start_pool, tmp_path):
    fake.add_room("filmed", live=True)
    fake.add_room("idle", live=False)
    pool = pool_for(["filmed", "idle"], record_dir=tmp_path / "recordings", record_quality="hd")
    run = start_pool(pool)
    assert run.wait_for(lambda: pool.status()["filmed"].recording_path is not None)
    path = pool.status()["filmed"].recording_path
    assert path.parent == tmp_path / "recordings" / "filmed"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.mp4", path.name)
    threading.Event().wait(3.0)  # let some seconds of stream be recorded
    assert run.stop() < 20
    assert path.is_file() and plays(path)
    assert probe(path).duration >= 1.0
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no capture files left over
    assert not (tmp_path / "recordings" / "idle").exists()
    assert [t.name for t in threading.enumerate() if t.name.startswith("tiktoklive-record")] == []


def test_each_live_gets_its_own_file(fake, pool_for, start_pool, tmp_path):
    room = fake.add_room("twice_filmed", room_id=7_000_000_000_000_000_301, live=True).room_id
    pool = pool_for(["twice_filmed"], record_dir=tmp_path)
    run = start_pool(pool)
    assert run.wait_for(lambda: len(run.of(tls.ConnectEvent)) == 1)
    threading.Event().wait(2.0)
    fake.end_live(room)
    assert run.wait_for(lambda: not pool.status()["twice_filmed"].watching)
    first = pool.status()["twice_filmed"].recording_path
    threading.Event().wait(1.1)  # the next start time is another second
    fake.add_room("twice_filmed", room_id=7_000_000_000_000_000_302, live=True)
    assert run.wait_for(lambda: pool.status()["twice_filmed"].recording_path not in (None, first))
    threading.Event().wait(2.0)
    run.stop()
    second = pool.status()["twice_filmed"].recording_path
    assert first != second and plays(first) and plays(second)
