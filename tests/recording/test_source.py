"""What may reach ffmpeg's ``-i``: hostile stream URLs in a crafted RoomInfo are refused before any
ffmpeg starts, ffmpeg may open only http(s), and https streams are verified against a CA bundle
(with a real ffmpeg and an https FLV server of our own on 127.0.0.1)."""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

import tiktoklive_sync as tls
from tests.helpers.recording import plays
from tiktoklive_sync.models import StreamUrls
from tiktoklive_sync.recording import _ffmpeg as ff
from tiktoklive_sync.recording import _source as source
from tiktoklive_sync.recording import _worker as recording_worker
from tiktoklive_sync.testing.flv_stream import FlvStream

ROOM = 7_000_000_000_000_000_321
USER = "hostile_creator"

HOSTILE = [
    "file:///etc/passwd",
    "FILE:/etc/hostname",
    "/etc/passwd",
    "etc/passwd",
    "concat:http://127.0.0.1:9/a.flv|file:/etc/passwd",
    "subfile,,start,0,end,0,,:/etc/passwd",
    "tcp://127.0.0.1:22",
    "udp://127.0.0.1:53",
    "rtmp://127.0.0.1/live/x",
    "data:text/plain,secret",
    "http:/etc/passwd",
    "http:///etc/passwd",
    "http://127.0.0.1:9/a.flv\r\nX: y",
    "http://127.0.0.1:9/a b.flv",
]


@pytest.fixture
def popen_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every attempt to start a capture ffmpeg."""
    calls: list[Any] = []
    real = subprocess.Popen

    def refuse(argv: Any, *args: Any, **kwargs: Any) -> Any:
        if "-i" not in argv:  # asking ffmpeg what it supports (-h) is fine
            return real(argv, *args, **kwargs)
        calls.append(argv)
        raise AssertionError(f"ffmpeg was started: {argv}")

    monkeypatch.setattr(recording_worker.subprocess, "Popen", refuse)
    return calls


def with_url(info: tls.RoomInfo, url: str) -> tls.RoomInfo:
    """The room info with one stream: ``url`` as its HD FLV."""
    return replace(info, stream_urls=StreamUrls(urls={tls.VideoQuality.HD: {tls.VideoFetchFormat.FLV: url}}))


@pytest.mark.ffmpeg
@pytest.mark.parametrize("url", HOSTILE)
def test_a_stream_url_that_is_not_http_is_refused_and_no_ffmpeg_starts(
    url: str, session: tls.Session, tmp_path: Path, popen_calls: list[Any]
) -> None:
    secret = tmp_path / "secret.flv"  # a local file a hostile answer would have ffmpeg copy out
    secret.write_bytes(b"FLV local secret")
    hostile = with_url(tls.fetch_room_info(session, room_id=ROOM), url.replace("/etc/passwd", str(secret)))
    with pytest.raises(tls.StreamUnavailableError) as caught:
        tls.record_stream(session, tmp_path / "out.mp4", hostile, quality="hd")
    assert str(ROOM) in str(caught.value) and "refusing" in str(caught.value)
    assert popen_calls == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.flv"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/a.flv", "HTTPS://pull-flv.example.com/live/x.flv?t=1&s=2",
                                 "http://[::1]:8080/x.flv"])  # fmt: skip
def test_http_and_https_urls_on_any_host_are_accepted(url: str) -> None:
    assert source.check_stream_url(url, 1) == url


def test_capture_argv_limits_protocols_and_verifies_tls_for_https() -> None:
    https = ff.capture_argv("ffmpeg", "https://cdn.example/x.flv", Path("o.flv"), muxer="flv", ca_file="/ca.pem")
    assert https[https.index("-protocol_whitelist") + 1] == "http,https,tcp,tls"
    assert https[https.index("-tls_verify") + 1] == "1" and https[https.index("-ca_file") + 1] == "/ca.pem"
    assert https.index("-protocol_whitelist") < https.index("-tls_verify") < https.index("-i")
    http = ff.capture_argv("ffmpeg", "http://cdn.example/x.flv", Path("o.flv"), muxer="flv", ca_file="/ca.pem")
    assert "-protocol_whitelist" in http and "-tls_verify" not in http  # ffmpeg refuses it on plain http


@pytest.mark.parametrize("name", ["tls_verify", "verify", "protocol_whitelist", "protocol_blacklist"])
def test_options_that_would_undo_the_guards_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="always verifies"):
        ff.split_options({name: 0})


@pytest.mark.ffmpeg
def test_the_whitelist_stops_ffmpeg_itself_from_opening_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.flv"
    secret.write_bytes(FlvStream().sample.preamble(0))
    argv = ff.capture_argv(ff.find_ffmpeg(), f"file:{secret}", tmp_path / "out.flv", muxer="flv", seconds=1)
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "not on whitelist" in done.stderr
    assert not (tmp_path / "out.flv").exists()


def _stand_in(tmp_path: Path, tls_help: str) -> str:
    """An 'ffmpeg' whose ``-h protocol=tls`` prints ``tls_help`` (an older or TLS-less build)."""
    exe = tmp_path / "old-ffmpeg"
    exe.write_text(f"#!/bin/sh\ncat <<'EOF'\n{tls_help}\nEOF\n")
    exe.chmod(0o755)
    return str(exe)


@pytest.mark.parametrize(
    ("tls_help", "missing"),
    [("", "-tls_verify / -ca_file"),
     ("tls AVOptions:\n  -ca_file   <string>  ED... Certificate Authority database file", "-tls_verify")],
)  # fmt: skip
def test_an_ffmpeg_that_cannot_verify_tls_is_refused_for_https(
    tls_help: str, missing: str, tmp_path: Path, popen_calls: list[Any]
) -> None:
    old = _stand_in(tmp_path, tls_help)
    room = {"id_str": "7001", "status": 2, "stream_url": {"flv_pull_url": {"HD1": "https://cdn.example/x.flv"}}}
    with pytest.raises(tls.RecordingError, match=f"cannot verify TLS certificates .*{missing} option"):
        tls.record_stream(None, tmp_path / "out.flv", room, ffmpeg=old)
    assert popen_calls == []


@pytest.mark.ffmpeg
def test_the_real_ffmpeg_has_the_tls_options() -> None:
    source.check_tls_support(ff.find_ffmpeg())  # raises if this ffmpeg could not verify


# -- an https stream, verified against the Session's CA bundle ------------------------------------


class _StreamHandler(BaseHTTPRequestHandler):
    stream: FlvStream

    def do_GET(self) -> None:
        self.close_connection = True
        self.stream.serve(self, room_id=ROOM, quality="hd")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def https_stream(tmp_path: Path) -> Iterator[tuple[str, Path, FlvStream]]:
    """An https FLV stream on 127.0.0.1 with a certificate of a private CA; yields (url, CA file, stream)."""
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    stream = FlvStream()
    handler = type("Handler", (_StreamHandler,), {"stream": stream})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/stream/{ROOM}/hd.flv", ca_file, stream
    finally:
        stream.close()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.mark.ffmpeg
def test_an_https_stream_is_recorded_when_its_certificate_verifies(
    https_stream: tuple[str, Path, FlvStream], session: tls.Session, tmp_path: Path
) -> None:
    url, ca_file, stream = https_stream
    session.verify = str(ca_file)
    info = with_url(tls.fetch_room_info(session, room_id=ROOM), url)
    rec = tls.record_stream(session, tmp_path / "tls.flv", info, record_for=1.5, live_check=lambda: False)
    assert rec.wait(timeout=60)
    assert rec.error is None, rec.error
    assert stream.connections == 1 and plays(rec.output_path)
    assert rec.process is not None and "-tls_verify" in rec.process.args


@pytest.mark.ffmpeg
def test_an_https_stream_with_an_untrusted_certificate_is_not_recorded(
    https_stream: tuple[str, Path, FlvStream], session: tls.Session, tmp_path: Path
) -> None:
    url, _, stream = https_stream  # the session trusts certifi's CAs, not this private one
    info = with_url(tls.fetch_room_info(session, room_id=ROOM), url)
    rec = tls.record_stream(session, tmp_path / "mitm.flv", info, live_check=lambda: False)
    assert rec.wait(timeout=60)
    assert isinstance(rec.error, tls.RecordingError) and "Nothing was recorded" in str(rec.error)
    assert stream.requests == []  # the handshake failed: not one request reached the server
    assert list(tmp_path.glob("mitm*")) == []
