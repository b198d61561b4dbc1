"""Recording end to end with a real ffmpeg (imageio-ffmpeg) from FakeTikTok's live FLV stream,
through the public API: fetch_room_info -> record_stream -> a file checked with ``ffmpeg -i``.

Every test ends by checking that no ffmpeg child is left running or unreaped (no zombies: conftest.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

import tiktoklive_sync as tls
from tests.helpers.recording import plays
from tiktoklive_sync.models import StreamUrls
from tiktoklive_sync.recording import ReconnectSettings
from tiktoklive_sync.recording._ffmpeg import probe
from tiktoklive_sync.testing import FakeTikTok
from tiktoklive_sync.testing.flv_stream import FlvStream

pytestmark = pytest.mark.ffmpeg

ROOM = 7_000_000_000_000_000_123
USER = "recorded_creator"


class Reached:
    """An on_progress callback that records every update and signals when ``seconds`` is reached."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.updates: list[tls.RecordingProgress] = []
        self.event = threading.Event()

    def __call__(self, progress: tls.RecordingProgress) -> None:
        self.updates.append(progress)
        if progress.seconds >= self.seconds:
            self.event.set()

    def wait(self) -> None:
        assert self.event.wait(30), f"the recording never reached {self.seconds} s: {self.updates[-1:]}"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".part" in p.name or ".joining" in p.name)


def test_records_five_seconds_to_mp4_and_flv_at_once(fake: FakeTikTok, session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, unique_id=USER)
    finished: list[tls.Recording] = []
    progress = Reached(5.0)
    mp4 = tls.record_stream(session, tmp_path / "five.mp4", info, record_for=5, quality=tls.VideoQuality.HD,
                            on_progress=progress, on_finish=finished.append)  # fmt: skip
    flv = tls.record_stream(session, tmp_path / "five.flv", info.raw, record_for=5, quality="hd")
    assert mp4.is_recording and flv.is_recording
    assert mp4.wait(timeout=60) and flv.wait(timeout=60)
    assert not mp4.is_recording and finished == [mp4]

    for rec, container in ((mp4, "mp4"), (flv, "flv")):
        media = probe(rec.output_path)
        assert container in media.container
        assert 4.0 <= media.duration <= 6.5
        assert (media.video, media.audio) == ("h264", "aac")  # copied, not re-encoded
        assert rec.returncode == 0 and rec.error is None
        assert [s.reason for s in rec.segments] == ["finished"] and rec.gaps == ()
    data = mp4.output_path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: the index comes first
    assert 4.0 <= progress.updates[-1].seconds <= 6.5 and progress.updates[-1].bytes > 1_000_000
    assert mp4.progress.seconds >= 4.0 and mp4.quality is tls.VideoQuality.HD and not mp4.quality_fell_back
    assert leftovers(tmp_path) == []

    streams = fake.requests_to("GET /stream/*")
    assert [r.path for r in streams] == [f"/stream/{ROOM}/hd.flv"] * 2
    assert streams[0].headers["User-Agent"] == session.headers["User-Agent"]
    assert streams[0].headers["Referer"] == session.headers["Referer"]
    assert "Cookie" not in streams[0].headers


def test_stop_after_three_seconds_yields_a_playable_mp4(session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(3.0)
    with tls.record_stream(session, tmp_path / "stopped.mp4", info, on_progress=progress) as rec:
        progress.wait()
        assert rec.stop() == 0  # 'q' was enough: ffmpeg finished the file itself
        assert not rec.is_recording and rec.stop() == 0  # a second stop is harmless
    assert rec.segments[-1].reason == "stopped" and rec.error is None
    assert 2.5 <= probe(rec.output_path).duration <= 5.0
    assert plays(rec.output_path)


def test_a_stall_is_detected_and_ends_the_recording(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.5)
    rec = tls.record_stream(session, tmp_path / "stall.flv", info, live_check=lambda: False,
                            on_progress=progress, rw_timeout=1_000_000)  # fmt: skip
    progress.wait()
    assert isinstance(fake.streams, FlvStream)
    fake.streams.stall()
    assert rec.wait(timeout=30), "a stalled source hung the recording"
    assert [s.reason for s in rec.segments] == ["stalled"]
    assert "timed out" in rec.stderr_tail
    assert probe(rec.output_path).duration >= 1.0 and plays(rec.output_path)


def test_a_source_that_stays_stalled_gives_up_instead_of_hanging(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path
) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.0)
    rec = tls.record_stream(session, tmp_path / "gave_up.flv", info, read_timeout=1,
                            reconnect=ReconnectSettings(attempts=1), live_check=lambda: True,
                            on_progress=progress)  # fmt: skip
    progress.wait()
    assert isinstance(fake.streams, FlvStream)
    fake.streams.stall()
    assert rec.wait(timeout=30), "a source that never came back hung the recording"
    assert [s.reason for s in rec.segments] == ["stalled", "stalled"]  # one retry, which got nothing
    assert rec.segments[1].seconds == 0 and rec.gaps == ()
    assert rec.segments[0].path == rec.output_path and rec.segments[1].path is None  # nothing recorded: no file
    assert probe(rec.output_path).duration >= 1.0 and leftovers(tmp_path) == []


def test_a_stalled_source_that_comes_back_rolls_to_a_new_segment(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path
) -> None:
    stream = fake.streams
    assert isinstance(stream, FlvStream)
    asked: list[bool] = []

    def edge_comes_back() -> bool:  # the live check runs when the stall is detected
        asked.append(True)
        stream.rejoin()
        return True

    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.5)
    rec = tls.record_stream(session, tmp_path / "rolled.mp4", info, record_for=3.5, read_timeout=1,
                            live_check=edge_comes_back, on_progress=progress)  # fmt: skip
    progress.wait()
    stream.stall()
    assert rec.wait(timeout=40)
    assert [s.reason for s in rec.segments] == ["stalled", "finished"] and asked == [True]
    assert len(rec.gaps) == 1 and rec.gaps[0].seconds >= 0.5  # at least the read timeout went by
    assert 3.0 <= probe(rec.output_path).duration <= 5.0 and plays(rec.output_path)


def test_a_drop_while_live_rolls_to_a_second_segment_and_joins_them(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path
) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(2.0)
    rec = tls.record_stream(session, tmp_path / "dropped.mp4", info, record_for=4.5, on_progress=progress)
    progress.wait()
    assert isinstance(fake.streams, FlvStream)
    before = len(fake.requests_to("GET /webcast/room/info/"))
    fake.streams.drop(room_id=ROOM)
    assert rec.wait(timeout=40)
    assert len(fake.requests_to("GET /webcast/room/info/")) == before + 1  # asked "still live?"
    assert [s.reason for s in rec.segments] == ["source ended", "finished"]
    assert len(rec.gaps) == 1 and rec.gaps[0].after_segment == 0
    media = probe(rec.output_path)
    assert 4.0 <= media.duration <= 6.5 and media.has_video and media.has_audio
    assert plays(rec.output_path) and leftovers(tmp_path) == []
    assert len(fake.requests_to("GET /stream/*")) == 2


def test_the_live_ending_ends_the_recording(fake: FakeTikTok, session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.5)
    rec = tls.record_stream(session, tmp_path / "ended.flv", info, on_progress=progress)
    progress.wait()
    fake.set_live(USER, False)  # the CDN ends the stream and room info says "ended"
    assert rec.wait(timeout=30)
    assert [s.reason for s in rec.segments] == ["source ended"] and rec.returncode == 0
    assert plays(rec.output_path)


def test_killing_ffmpeg_leaves_a_playable_partial_file(session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(2.0)
    rec = tls.record_stream(session, tmp_path / "killed.mp4", info, on_progress=progress)
    progress.wait()
    assert rec.process is not None
    rec.process.kill()
    assert rec.wait(timeout=30)
    assert rec.returncode == -9 and [s.reason for s in rec.segments] == ["killed"]  # no reconnect after a kill
    assert rec.output_path == tmp_path / "killed.mp4"
    assert probe(rec.output_path).duration >= 1.5 and plays(rec.output_path)


def test_a_second_recording_to_the_same_file_is_refused(session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    rec = tls.record_stream(session, tmp_path / "same.flv", info)
    try:
        with pytest.raises(tls.DuplicateDownloadError, match="already being recorded"):
            tls.record_stream(session, tmp_path / "." / "same.flv", info)
    finally:
        rec.stop()
    again = tls.record_stream(session, tmp_path / "same.flv", info, overwrite=True)  # once the first has ended
    again.stop()
    assert not again.is_recording


def test_a_missing_quality_falls_back_to_the_nearest(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    low = (tls.VideoQuality.SD, tls.VideoQuality.LD)
    only_sd: dict[tls.VideoQuality, Mapping[tls.VideoFetchFormat, str]] = {
        q: f for q, f in info.stream_urls.urls.items() if q in low
    }
    info = replace(info, stream_urls=StreamUrls(urls=only_sd))
    with caplog.at_level(logging.WARNING, logger="tiktoklive_sync"):
        rec = tls.record_stream(session, tmp_path / "fallback.flv", info, quality=tls.VideoQuality.HD)
    assert isinstance(fake.streams, FlvStream)
    assert fake.streams.wait_for_connections(1)
    rec.stop()
    assert rec.quality is tls.VideoQuality.SD and rec.requested_quality is tls.VideoQuality.HD
    assert rec.quality_fell_back and fake.streams.requests == [(ROOM, "sd")]
    assert any("no hd stream" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_a_bad_stream_url_ends_with_the_exit_code_and_ffmpeg_s_words(session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    gone = info.stream_urls.urls[tls.VideoQuality.HD][tls.VideoFetchFormat.FLV].replace(str(ROOM), "404")
    info = replace(info, stream_urls=StreamUrls(urls={tls.VideoQuality.HD: {tls.VideoFetchFormat.FLV: gone}}))
    rec = tls.record_stream(session, tmp_path / "bad.mp4", info, quality="hd", live_check=lambda: True)
    assert rec.wait(timeout=30)
    assert rec.returncode not in (0, None) and "404" in rec.stderr_tail
    assert isinstance(rec.error, tls.RecordingError) and "Nothing was recorded" in str(rec.error)
    assert [s.reason for s in rec.segments] == ["failed"]  # no reconnect loop on a URL that never worked
    assert list(tmp_path.iterdir()) == []


def test_the_default_quality_is_the_best_the_room_offers(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    best = info.stream_urls.qualities[-1]
    only_low = replace(info, stream_urls=StreamUrls(urls={
        q: f for q, f in info.stream_urls.urls.items() if q in (tls.VideoQuality.LD, tls.VideoQuality.SD)
    }))  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="tiktoklive_sync"):
        top = tls.record_stream(session, tmp_path / "top.flv", info)
        low = tls.record_stream(session, tmp_path / "low.flv", only_low)
    assert isinstance(fake.streams, FlvStream) and fake.streams.wait_for_connections(2)
    top.stop()
    low.stop()
    assert best is tls.VideoQuality.ORIGIN and top.quality is best and top.requested_quality is best
    assert low.quality is tls.VideoQuality.SD and not low.quality_fell_back  # nothing was asked: no fallback
    assert sorted(fake.streams.requests) == sorted([(ROOM, "origin"), (ROOM, "sd")])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_segments_name_the_file_that_holds_their_media(fake: FakeTikTok, session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.5)
    rec = tls.record_stream(session, tmp_path / "held.mp4", info, record_for=3.5, on_progress=progress)
    progress.wait()
    running = rec.segments[0].path
    assert running is not None and running.exists() and ".part0" in running.name  # while it records
    assert isinstance(fake.streams, FlvStream)
    fake.streams.drop(room_id=ROOM)
    assert rec.wait(timeout=40) and len(rec.segments) == 2
    assert [s.path for s in rec.segments] == [rec.output_path] * 2 and rec.output_path.exists()
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_an_existing_file(session: tls.Session, tmp_path: Path) -> None:
    target = tmp_path / "again.flv"
    target.write_bytes(b"an earlier recording")
    info = tls.fetch_room_info(session, room_id=ROOM)
    with pytest.raises(tls.RecordingError, match="already exists"):
        tls.record_stream(session, target, info, record_for=1)
    rec = tls.record_stream(session, target, info, record_for=1, overwrite=True)
    assert rec.wait(timeout=40) and rec.error is None
    assert probe(target).duration >= 0.5 and plays(target)


def test_stop_cuts_a_reconnect_wait_short(fake: FakeTikTok, session: tls.Session, tmp_path: Path) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.0)
    patient = ReconnectSettings(attempts=5, initial_delay=600, jitter=0)  # 10 minutes after an empty segment
    rec = tls.record_stream(session, tmp_path / "waiting.flv", info, read_timeout=1, reconnect=patient,
                            live_check=lambda: True, on_progress=progress)  # fmt: skip
    progress.wait()
    assert isinstance(fake.streams, FlvStream)
    fake.streams.stall()
    for _ in range(300):  # the first reconnect stalls too; then the worker waits its 600 s
        if len(rec.segments) == 2 and rec.segments[1].ended is not None:
            break
        rec.wait(timeout=0.1)
    assert [s.reason for s in rec.segments] == ["stalled", "stalled"]
    started = time.monotonic()
    rec.stop()
    assert time.monotonic() - started < 20 and not rec.is_recording  # not 600 s
    assert len(rec.segments) == 2 and rec.error is None and plays(rec.output_path)


def test_the_deprecated_reconnect_arguments_warn_and_still_work(
    fake: FakeTikTok, session: tls.Session, tmp_path: Path
) -> None:
    info = tls.fetch_room_info(session, room_id=ROOM)
    progress = Reached(1.0)
    with pytest.warns(DeprecationWarning, match="max_reconnects=, reconnect_delay=.* is deprecated"):
        rec = tls.record_stream(session, tmp_path / "old.flv", info, read_timeout=1, max_reconnects=0,
                                reconnect_delay=0, live_check=lambda: True, on_progress=progress)  # fmt: skip
    progress.wait()
    assert isinstance(fake.streams, FlvStream)
    fake.streams.stall()
    assert rec.wait(timeout=30)
    assert [s.reason for s in rec.segments] == ["stalled", "stalled"]  # max_reconnects=0: one more try
    with pytest.raises(ValueError, match="not both"):
        tls.record_stream(session, tmp_path / "both.flv", info, reconnect=ReconnectSettings(), max_reconnects=1)
