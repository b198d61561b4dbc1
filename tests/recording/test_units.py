"""Recording without a live ffmpeg: discovery, argument lists, progress parsing, checks that happen
before ffmpeg starts, and the stop escalation (on a stand-in process that ignores SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.recording import _ffmpeg as ff
from tiktoklive_sync.recording import _segments as segments
from tiktoklive_sync.recording import _worker as recording_worker

URL = "http://127.0.0.1:9/stream/1/hd.flv"


def room_data(qualities: dict[str, str] | None = None, status: int = 2) -> dict[str, Any]:
    """A room info ``data`` dict whose stream data offers ``qualities`` (quality -> flv URL)."""
    streams = {q: {"main": {"flv": url, "hls": ""}} for q, url in (qualities or {"hd": URL}).items()}
    pull = {"stream_data": json.dumps({"data": streams})}
    return {"id_str": "7001", "status": status, "stream_url": {"live_core_sdk_data": {"pull_data": pull}}}


@pytest.fixture
def no_popen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to start ffmpeg."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"ffmpeg was started: {args[0] if args else kwargs}")

    monkeypatch.setattr(recording_worker.subprocess, "Popen", refuse)


@pytest.fixture
def fake_ffmpeg(tmp_path: Path) -> str:
    exe = tmp_path / "bin" / "ffmpeg"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return str(exe)


# -- discovery ------------------------------------------------------------------------------------


def test_discovery_order_argument_env_path_then_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_ffmpeg: str
) -> None:
    other = tmp_path / "other-ffmpeg"
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    monkeypatch.setenv("TIKTOKLIVE_FFMPEG", str(other))
    monkeypatch.setenv("PATH", str(Path(fake_ffmpeg).parent))
    assert ff.find_ffmpeg(fake_ffmpeg) == fake_ffmpeg
    assert ff.find_ffmpeg() == str(other.resolve())
    monkeypatch.delenv("TIKTOKLIVE_FFMPEG")
    assert ff.find_ffmpeg() == fake_ffmpeg  # from PATH
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    assert ff.find_ffmpeg() == imageio_ffmpeg.get_ffmpeg_exe()


def test_ffmpeg_not_found_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(tls.FFmpegNotFoundError, match="not an executable"):
        ff.find_ffmpeg(tmp_path / "missing" / "ffmpeg")
    monkeypatch.setenv("TIKTOKLIVE_FFMPEG", "no-such-ffmpeg-anywhere")
    with pytest.raises(tls.FFmpegNotFoundError, match="TIKTOKLIVE_FFMPEG"):
        ff.find_ffmpeg()
    monkeypatch.delenv("TIKTOKLIVE_FFMPEG")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # the package is not installed
    with pytest.raises(tls.FFmpegNotFoundError) as caught:
        ff.find_ffmpeg()
    assert "pip install 'tiktoklive-sync[ffmpeg]'" in str(caught.value)
    assert isinstance(caught.value, tls.RecordingError)


def test_record_stream_without_ffmpeg_raises_before_starting_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_popen: None
) -> None:
    monkeypatch.delenv("TIKTOKLIVE_FFMPEG", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(tls.FFmpegNotFoundError):
        tls.record_stream(None, tmp_path / "out.mp4", room_data())
    assert list(tmp_path.iterdir()) == []


# -- checks before ffmpeg starts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("room", "match"),
    [
        ({"id_str": "7001", "status": 4}, "not live"),
        ({"id_str": "7001", "status": 2}, "no flv stream URL"),
        ({"id_str": "7001", "status": 2, "stream_url": {"live_core_sdk_data": {"pull_data": {"stream_data": "{"}}}},
         "no flv stream URL"),
    ],
)  # fmt: skip
def test_offline_room_or_no_stream_data_is_a_named_error(
    room: dict[str, Any], match: str, tmp_path: Path, no_popen: None, fake_ffmpeg: str
) -> None:
    with pytest.raises(tls.StreamUnavailableError, match=match):
        tls.record_stream(None, tmp_path / "out.flv", room, ffmpeg=fake_ffmpeg)


def test_output_directory_problems_are_caught_before_ffmpeg(tmp_path: Path, no_popen: None, fake_ffmpeg: str) -> None:
    with pytest.raises(tls.RecordingError, match="does not exist"):
        tls.record_stream(None, tmp_path / "nope" / "out.mp4", room_data(), ffmpeg=fake_ffmpeg)
    with pytest.raises(tls.RecordingError, match="is a directory"):
        tls.record_stream(None, tmp_path, room_data(), ffmpeg=fake_ffmpeg)
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(tls.RecordingError, match="not writable"):
            tls.record_stream(None, locked / "out.mp4", room_data(), ffmpeg=fake_ffmpeg)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"quality": "4k"}, "quality='4k' is not one of LD, SD, HD, UHD, ORIGIN"),
        ({"record_format": "rtmp"}, "record_format"),
        ({"record_for": "60"}, "record_for must be seconds"),
        ({"output_format": "hls"}, "output_format='hls' is not a container .* mp4, mov, flv, mkv, ts"),
        ({"output_format": "avi"}, "output_format='avi' is not a container"),
        ({"reconnect_streamed": 1}, "reconnects by itself"),
        ({"read_timeout": 0}, "read_timeout must be above 0"),
        ({"record_for": float("nan")}, "record_for must be a finite number"),
        ({"record_for": float("inf")}, "record_for must be a finite number"),
        ({"record_for": 0}, "record_for must be above 0"),
        ({"record_for": -5}, "record_for must be above 0"),
        ({"record_for": 1e12}, "record_for must be at most"),
        ({"read_timeout": float("nan")}, "read_timeout must be a finite number"),
        ({"read_timeout": float("inf")}, "read_timeout must be a finite number"),
        ({"read_timeout": True}, "read_timeout must be a number"),
        ({"max_reconnects": -1}, "max_reconnects must be at least 0"),
        ({"max_reconnects": 2.5}, "max_reconnects must be a whole number"),
        ({"reconnect_delay": float("nan")}, "reconnect_delay must be a finite number"),
        ({"reconnect_delay": -1}, "reconnect_delay must not be negative"),
        ({"reconnect": 3}, "reconnect must be a ReconnectSettings"),
        ({"rw_timeout": float("inf")}, "rw_timeout must be a whole number"),
        ({"rw_timeout": 0}, "rw_timeout must be at least 1"),
    ],
)
def test_wrong_arguments_are_value_errors(
    kwargs: dict[str, Any], match: str, tmp_path: Path, no_popen: None, fake_ffmpeg: str
) -> None:
    with pytest.raises(ValueError, match=match):
        tls.record_stream(None, tmp_path / "out.mp4", room_data(), ffmpeg=fake_ffmpeg, **kwargs)


def test_room_info_must_be_a_roominfo_or_a_dict(tmp_path: Path, no_popen: None) -> None:
    with pytest.raises(ValueError, match="RoomInfo"):
        tls.record_stream(None, tmp_path / "out.mp4", "https://example.invalid/x.flv")  # type: ignore[arg-type]


# -- argument lists ---------------------------------------------------------------------------------


def test_capture_argv_copies_with_read_timeout_progress_and_headers() -> None:
    argv = ff.capture_argv(
        "ffmpeg", URL, Path("/r/out.mp4.part0.flv"), muxer="flv", seconds=5, rw_timeout_us=2_000_000,
        user_agent="UA/1", referer="https://www.tiktok.com/",
    )  # fmt: skip
    joined = " ".join(argv)
    assert argv[0] == "ffmpeg" and argv[-3:] == ["flv", "-y", "/r/out.mp4.part0.flv"]
    assert "-rw_timeout 2000000" in joined and "-progress pipe:1" in joined and "-c copy" in joined
    assert "-t 5.000" in joined and "-flush_packets 1" in joined
    assert argv[argv.index("-user_agent") + 1] == "UA/1"
    assert argv[argv.index("-headers") + 1] == "Referer: https://www.tiktok.com/\r\n"
    assert argv.index("-rw_timeout") < argv.index("-i") < argv.index("-c")
    assert not any(a.startswith("-reconnect") for a in argv)
    unlimited = ff.capture_argv("ffmpeg", URL, Path("o.flv"), muxer="flv")
    assert "-user_agent" not in unlimited and "-t" not in unlimited  # no -t: until the live ends


def test_options_split_between_input_and_output_and_detect_encoding() -> None:
    inputs, outputs, encodes = ff.split_options({"rw_timeout": 5, "analyzeduration": "1M", "movflags": "+frag"})
    assert inputs == ["-rw_timeout", "5", "-analyzeduration", "1M"] and outputs == ["-movflags", "+frag"]
    assert not encodes
    _, outputs, encodes = ff.split_options({"c_v": "libx264", "crf": 23, "an": True, "sn": False})
    assert outputs == ["-c:v", "libx264", "-crf", "23", "-an"] and encodes
    assert not ff.split_options({"c:a": "copy"})[2]


def test_join_argv_remuxes_one_file_and_concatenates_several(tmp_path: Path) -> None:
    one = segments.join_argv("ffmpeg", [tmp_path / "a.flv"], None, tmp_path / "o.mp4", "mp4")
    assert one[one.index("-i") + 1] == str(tmp_path / "a.flv") and "+faststart" in one and "concat" not in one
    two = segments.join_argv(
        "ffmpeg", [tmp_path / "a.flv", tmp_path / "b.flv"], tmp_path / "l.txt", tmp_path / "o.flv", "flv"
    )
    assert two[two.index("-f") + 1] == "concat" and "+faststart" not in two
    spaced = segments.concat_list([tmp_path / "a.mp4", tmp_path / "b.mp4"], [2.6704])
    assert spaced == f"file '{tmp_path}/a.mp4'\nduration 2.670\nfile '{tmp_path}/b.mp4'\n"
    text = segments.concat_list([tmp_path / "it's.flv"])
    assert text == f"file '{tmp_path}/it'\\''s.flv'\n"


@pytest.mark.parametrize(
    ("name", "fmt", "muxer"),
    [("a.mp4", None, "mp4"), ("a.FLV", None, "flv"), ("a.mkv", None, "matroska"), ("a.ts", None, "mpegts"),
     ("a", None, "flv"), ("a.bin", "mkv", "matroska"), ("a.flv", "mp4", "mp4"), ("a.M4V", None, "mp4"),
     ("a.mov", None, "mov"), ("a.avi", "mpegts", "mpegts")],
)  # fmt: skip
def test_muxer_follows_output_format_then_file_ending(name: str, fmt: str | None, muxer: str | None) -> None:
    assert ff.muxer_for(Path(name), fmt) == muxer


def test_progress_parser_reads_blocks() -> None:
    parser = ff.ProgressParser()
    lines = ["frame=160", "bitrate=2746.5kbits/s", "total_size=1835008", "out_time_us=5345000", "speed=1.34x",
             "progress=continue", "out_time_us=N/A", "bitrate=N/A", "speed=N/A", "progress=end"]  # fmt: skip
    blocks = [b for b in (parser.feed(line + "\n") for line in lines) if b is not None]
    assert blocks[0] == {
        "seconds": 5.345,
        "bytes": 1835008,
        "bitrate": 2746.5,
        "speed": 1.34,
        "frame": 160,
        "end": False,
    }
    assert blocks[1]["seconds"] == 0.0 and blocks[1]["bitrate"] is None and blocks[1]["end"] is True
    assert parser.feed("garbage without equals sign") is None


# -- stopping ---------------------------------------------------------------------------------------


def test_stop_process_escalates_to_sigkill_and_reaps() -> None:
    stubborn = subprocess.Popen(
        [sys.executable, "-c", "import signal,sys,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "print('ready', flush=True); time.sleep(60)"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert stubborn.stdout is not None and stubborn.stdout.readline() == b"ready\n"
    assert ff.stop_process(stubborn, timeout=0.4) == -signal.SIGKILL
    assert stubborn.returncode == -signal.SIGKILL  # reaped: no zombie left


def test_stop_process_stops_at_the_first_step_that_works() -> None:
    polite = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read(1); sys.exit(0)"], stdin=subprocess.PIPE
    )
    assert ff.stop_process(polite, timeout=10) == 0  # 'q' on stdin was enough


# -- the output file: its ending, and an existing one ------------------------------------------------


@pytest.mark.parametrize("name", ["out.avi", "out.webm", "out.gif", "out.txt", "out.m3u8"])
def test_an_output_ending_that_cannot_be_recorded_is_refused_before_starting(
    name: str, tmp_path: Path, no_popen: None, fake_ffmpeg: str
) -> None:
    with pytest.raises(ValueError) as caught:
        tls.record_stream(None, tmp_path / name, room_data(), ffmpeg=fake_ffmpeg)
    message = str(caught.value)
    assert name in message and all(ending in message for ending in (".mp4", ".mov", ".flv", ".mkv", ".ts"))
    assert list(tmp_path.iterdir()) == [tmp_path / "bin"]


def test_an_existing_output_file_is_refused_unless_overwrite(tmp_path: Path, no_popen: None, fake_ffmpeg: str) -> None:
    earlier = tmp_path / "out.mp4"
    earlier.write_bytes(b"an earlier recording")
    with pytest.raises(tls.RecordingError, match=r"out\.mp4 already exists; pass overwrite=True .* another file name"):
        tls.record_stream(None, earlier, room_data(), ffmpeg=fake_ffmpeg)
    assert earlier.read_bytes() == b"an earlier recording"
    with pytest.raises(ValueError, match="overwrite must be True or False"):
        tls.record_stream(None, earlier, room_data(), ffmpeg=fake_ffmpeg, overwrite="yes")  # type: ignore[arg-type]


def test_a_capture_file_left_by_a_crashed_recording_counts_as_existing(
    tmp_path: Path, no_popen: None, fake_ffmpeg: str
) -> None:
    crashed = tmp_path / "out[1].mp4.part0.mp4"  # glob characters in the name are taken literally
    crashed.write_bytes(b"media of a recording whose process died")
    with pytest.raises(tls.RecordingError, match=r"part0\.mp4 exists \(the capture file of an earlier recording\)"):
        tls.record_stream(None, tmp_path / "out[1].mp4", room_data(), ffmpeg=fake_ffmpeg)
    assert crashed.exists()


# -- reconnect settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"attempts": 0}, "attempts must be at least 1"), ({"attempts": True}, "attempts must be a whole number"),
     ({"initial_delay": float("nan")}, "initial_delay must be a finite"),
     ({"max_delay": 0}, "max_delay must be above 0"), ({"max_delay": float("inf")}, "max_delay must be a finite"),
     ({"jitter": -1}, "jitter must not be negative")],
)  # fmt: skip
def test_reconnect_settings_check_their_numbers(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tls.recording.ReconnectSettings(**kwargs)


def test_reconnect_waits_double_up_to_the_cap_and_stop_cuts_them_short() -> None:
    import threading

    import tenacity

    from tiktoklive_sync._backoff import Stopped
    from tiktoklive_sync.recording._reconnect import NothingRecorded

    settings = tls.recording.ReconnectSettings(attempts=5, initial_delay=1, max_delay=3, jitter=0)
    slept: list[float] = []
    retrying = settings.retrying(threading.Event()).copy(sleep=slept.append)
    with pytest.raises(tenacity.RetryError):
        for attempt in retrying:
            with attempt:
                raise NothingRecorded()
    assert slept == [1, 2, 3, 3]  # four waits between five tries
    stopping = threading.Event()
    stopping.set()
    with pytest.raises(Stopped):
        for attempt in settings.retrying(stopping):
            with attempt:
                raise NothingRecorded()
    assert tls.recording.ReconnectSettings.from_legacy(0, 0.5) == tls.recording.ReconnectSettings(1, 0.5)


def test_mp4_is_captured_as_fragmented_mp4_and_flv_as_it_is() -> None:
    mp4 = ff.capture_argv("ffmpeg", URL, Path("o.mp4.part0.mp4"), muxer="mp4")
    assert mp4[mp4.index("-movflags") + 1] == "+frag_keyframe+empty_moov+default_base_moof"
    assert mp4[mp4.index("-frag_duration") + 1] == "1000000" and "-flush_packets" in mp4
    assert "-movflags" not in ff.capture_argv("ffmpeg", URL, Path("o.flv"), muxer="flv")
