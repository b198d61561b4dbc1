"""FlvStream: the looping live FLV pull stream FakeTikTok serves (no ffmpeg needed here)."""

from __future__ import annotations

import hashlib
import http.client
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tiktoklive_sync.testing._flv_stream import SAMPLE_PATH, FlvSample, FlvStream, FlvTag, parse_flv

FAST = 40.0  # pacing factor: one 5 s loop every ~0.13 s


class _Server:
    """A ThreadingHTTPServer that hands every GET /<room>/<quality> to one FlvStream."""

    def __init__(self, stream: FlvStream) -> None:
        self.stream = stream

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                _, room, quality = self.path.split("/")
                stream.serve(self, int(room), quality)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def get(self, room: int = 1, quality: str = "hd", timeout: float = 5.0) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.server_address[1], timeout=timeout)
        conn.request("GET", f"/{room}/{quality}")
        return conn.getresponse()

    def close(self) -> None:
        self.stream.close()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served() -> Iterator[_Server]:
    server = _Server(FlvStream(speed=FAST))
    yield server
    server.close()


def _tags(data: bytes) -> list[FlvTag]:
    return parse_flv(data)[1]


def _amf_number(body: bytes, name: bytes) -> float:
    key = len(name).to_bytes(2, "big") + name + b"\x00"
    at = body.index(key) + len(key)
    return float(struct.unpack(">d", body[at : at + 8])[0])


# -- the sample ---------------------------------------------------------------------------------


def test_the_packaged_sample_is_the_bench_sample() -> None:
    # the 5 s live-style FLV of the team's bench (RECORDING.md), packaged unchanged
    digest = hashlib.sha256(SAMPLE_PATH.read_bytes()).hexdigest()
    assert digest == "1a083d87d655fc17e31167242a4d0d1df04da5c0087f595ba4e34d7807985ae3"


def test_parse_flv_reads_every_tag_of_the_sample() -> None:
    flags, tags = parse_flv(SAMPLE_PATH.read_bytes())
    kinds = [t.kind for t in tags]
    assert flags == 5 and len(tags) == 372
    assert (kinds.count(9), kinds.count(8), kinds.count(18)) == (154, 217, 1)
    assert [t.timestamp for t in tags if t.is_keyframe] == [0, 2000, 4000]


def test_sample_is_prepared_for_looping_like_a_live_edge() -> None:
    sample = FlvSample.from_file()
    assert [t.kind for t in sample.headers] == [9, 8] and all(t.is_sequence_header for t in sample.headers)
    assert len(sample.media) == 152 + 216 and sample.media[0].is_keyframe
    assert not any(t.is_end_of_sequence or t.is_sequence_header for t in sample.media)
    assert sample.period_ms == 5067  # 152 frames at 30 fps
    assert sample.metadata is not None
    assert _amf_number(sample.metadata.body, b"duration") == 0.0
    assert _amf_number(sample.metadata.body, b"filesize") == 0.0
    assert _amf_number(sample.metadata.body, b"width") == 720.0


def test_timeline_loops_with_increasing_timestamps() -> None:
    sample = FlvSample.from_file()
    n = len(sample.media)
    timeline = sample.timeline(1000)
    first = [next(timeline) for _ in range(2 * n)]
    assert first[0] == (1000, sample.media[0])
    assert first[n][0] == 1000 + sample.period_ms and first[n][1] is sample.media[0]
    video = [ts for ts, tag in first if tag.kind == 9]
    assert all(b > a for a, b in zip(video, video[1:], strict=False))


def test_tag_encoding_round_trips_extended_timestamps() -> None:
    tags = [FlvTag(9, 0x12345678, b"\x17\x01abc"), FlvTag(8, 5, b"\xaf\x01xyz")]
    data = b"FLV\x01\x05" + (9).to_bytes(4, "big") + bytes(4) + b"".join(t.encode() for t in tags)
    assert parse_flv(data) == (5, tags)
    assert parse_flv(data + tags[0].encode()[:-6])[1] == tags  # a truncated last tag is left out


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="not an FLV"):
        FlvSample.from_bytes(b"<html>")
    only_audio = b"FLV\x01\x04" + (9).to_bytes(4, "big") + bytes(4) + FlvTag(8, 0, b"\xaf\x01x").encode()
    with pytest.raises(ValueError, match="key frame"):
        FlvSample.from_bytes(only_audio)
    with pytest.raises(ValueError, match="speed"):
        FlvStream(speed=0)


# -- serving ------------------------------------------------------------------------------------


def test_serves_chunked_flv_with_a_fresh_header_and_continuing_timestamps(served: _Server) -> None:
    response = served.get(room=7, quality="sd")
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Type") == "video/x-flv"
    data = response.read(int(1.8e6 * 2.3))  # a little over two loops
    response.close()
    assert data[:5] == b"FLV\x01\x05"
    tags = _tags(data)
    assert tags[0].kind == 18 and tags[1].is_sequence_header and tags[2].is_sequence_header
    video = [t.timestamp for t in tags[3:] if t.kind == 9]
    assert len(video) > 2 * 152 and all(b > a for a, b in zip(video, video[1:], strict=False))
    assert video[152] - video[0] == 5067
    assert served.stream.requests == [(7, "sd")] and served.stream.connections == 1


def test_drop_cuts_open_connections_and_new_ones_are_served(served: _Server) -> None:
    response = served.get()
    response.read(50_000)
    served.stream.drop()
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    again = served.get()
    assert again.read(5) == b"FLV\x01\x05"
    again.close()
    assert served.stream.connections == 2


def test_drop_of_one_room_leaves_the_others_alone(served: _Server) -> None:
    one, two = served.get(room=1), served.get(room=2)
    one.read(1000), two.read(1000)
    served.stream.drop(room_id=1)
    with pytest.raises(http.client.IncompleteRead):
        one.read()
    assert len(two.read(200_000)) == 200_000
    two.close()


def test_stall_keeps_the_connection_open_without_data_until_rejoin(served: _Server) -> None:
    response = served.get(timeout=0.5)
    response.read(100_000)
    served.stream.stall()
    with pytest.raises(socket.timeout):
        response.read(5_000_000)  # the socket buffers drain, then nothing more comes
    late = served.get(timeout=0.5)
    assert late.status == 200  # connections opened while stalled get headers ...
    with pytest.raises(socket.timeout):
        late.read(5)  # ... and not even the FLV header
    served.stream.rejoin()
    fresh = served.get()
    assert fresh.read(5) == b"FLV\x01\x05"
    fresh.close()
    assert served.stream.active <= 1  # rejoin cut the stalled ones (the fresh one may still run)


def test_end_answers_404_until_rejoin(served: _Server) -> None:
    served.stream.end(room_id=3)
    assert served.get(room=3).status == 404
    assert served.get(room=4).status == 200
    served.stream.rejoin(room_id=3)
    assert served.get(room=3).status == 200


def test_a_room_that_is_not_live_gets_404_and_its_stream_ends() -> None:
    live = {1: True}
    server = _Server(FlvStream(speed=FAST, is_live=lambda room: live.get(room, False)))
    try:
        assert server.get(room=2).status == 404
        response = server.get(room=1)
        response.read(10_000)
        live[1] = False
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    finally:
        server.close()


def test_close_ends_even_stalled_connections_so_shutdown_does_not_block() -> None:
    server = _Server(FlvStream(speed=FAST))
    response = server.get(timeout=5)
    response.read(5)
    server.stream.stall()
    assert server.stream.wait_for_connections(1) and server.stream.active == 1
    closer = threading.Thread(target=server.close)
    closer.start()
    closer.join(timeout=10)
    assert not closer.is_alive()
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        response.read()
    assert server.stream.active == 0
    assert not server.stream.wait_for_connections(2, timeout=0.1)
