"""Hostile HTTP answers against the transport's limits: bombs, huge bodies, trickles, a request budget.

Each server here is a raw socket server on 127.0.0.1 (tests/helpers/hostile.py) that plays TikTok
badly on purpose. Figures are measured (peak memory with tracemalloc, wall time, bytes the server
managed to send) and bounded well below what the same attack cost before the transport had limits:
a 256 MiB gzip bomb of room info took +1 GB, a trickle held a call for minutes.
"""

from __future__ import annotations

import socket
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.hostile import HostileServer, Request, reply

MiB = 1024 * 1024


def _session(base: str, **options) -> tls.Session:
    session = tls.Session(endpoints=tls.Endpoints().with_base(base), **options)
    session.trust_env = False
    return session


def _gzip_of_zeros(inflated: int) -> bytes:
    """A gzip member that inflates to ``inflated`` bytes of a JSON-looking body, made without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b'{"status_code": 0, "data": {"title": "')]
    block = b"0" * MiB
    for _ in range(inflated // MiB):
        parts.append(packer.compress(block))
    parts.append(packer.compress(b'"}}'))
    parts.append(packer.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _gzip_of_zeros(256 * MiB)  # ~250 KB on the wire


def _peak_of(call) -> tuple[int, BaseException | None]:
    tracemalloc.start()
    error: BaseException | None = None
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - the error is what the test looks at
        error = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, error


def test_a_gzip_bombed_room_info_is_refused_at_the_body_limit_without_the_memory(bomb: bytes) -> None:
    answer = reply(200, bomb, {"Content-Type": "application/json", "Content-Encoding": "gzip"})
    with HostileServer(lambda conn, req: conn.sendall(answer)) as server, _session(server.url) as s:
        peak, error = _peak_of(lambda: tls.fetch_room_info(s, room_id=1))
    assert isinstance(error, tls.ResponseTooLargeError), error
    assert error.limit == tls.Session().max_body_bytes == 8 * MiB
    assert "larger than the limit" in str(error)
    # the limit (8 MiB) plus a few reads; before: the whole 256 MiB (and +1 GB RSS)
    assert peak < 40 * MiB, f"peak {peak / MiB:.1f} MiB"


def test_a_smaller_body_limit_is_the_session_setting(bomb: bytes) -> None:
    answer = reply(200, bomb, {"Content-Encoding": "gzip"})
    with HostileServer(lambda conn, req: conn.sendall(answer)) as server:
        with _session(server.url, max_body_bytes=64 * 1024) as s:
            peak, error = _peak_of(lambda: s.get(server.url + "/webcast/room/info/"))
    assert isinstance(error, tls.ResponseTooLargeError) and error.limit == 64 * 1024
    assert peak < 8 * MiB


def _endless_chunks(conn: socket.socket, request: Request, sent: list[int]) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (MiB, b"1" * MiB)
    while sent[0] < 100 * MiB:
        conn.sendall(chunk)
        sent[0] += MiB


def test_a_plain_100_mib_body_is_refused_early_without_the_memory() -> None:
    sent = [0]
    with HostileServer(lambda conn, req: _endless_chunks(conn, req, sent)) as server, _session(server.url) as s:
        peak, error = _peak_of(lambda: tls.fetch_room_info(s, unique_id="someone"))
    assert isinstance(error, tls.ResponseTooLargeError), error
    assert peak < 40 * MiB, f"peak {peak / MiB:.1f} MiB"
    assert sent[0] < 60 * MiB  # the client hung up long before the server was done


def test_an_announced_huge_body_is_refused_before_reading_it() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{"
    with HostileServer(lambda conn, req: (conn.sendall(head), time.sleep(3))) as server, _session(server.url) as s:
        started = time.monotonic()
        with pytest.raises(tls.ResponseTooLargeError, match="104857600 bytes"):
            tls.fetch_room_info(s, room_id=1)
        assert time.monotonic() - started < 2.5  # refused on the header, not after the server's 3 s


def _trickle(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        time.sleep(0.9)
        conn.sendall(b" ")


@pytest.fixture
def trickling() -> Iterator[HostileServer]:
    with HostileServer(_trickle) as server:
        yield server


def test_a_trickling_body_ends_in_requests_timeout_at_the_total_deadline(trickling: HostileServer) -> None:
    # one byte per 0.9 s never trips timeout=(2, 2); before, the call lasted 1000 x 0.9 s = 15 minutes
    with _session(trickling.url, timeout=(2, 2), deadline=3) as s:
        started = time.monotonic()
        with pytest.raises(requests.Timeout, match="deadline"):
            tls.fetch_room_info(s, room_id=1)
        took = time.monotonic() - started
    assert took < 3 + 2 + 5  # the deadline, one read, and a generous margin for a loaded machine


def _trickle_headers(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(1000):
        time.sleep(0.9)
        conn.sendall(b"X: y\r\n")


def test_trickling_headers_end_at_the_deadline_too() -> None:
    with HostileServer(_trickle_headers) as server, _session(server.url, timeout=(2, 2), deadline=3) as s:
        started = time.monotonic()
        with pytest.raises(requests.Timeout, match="deadline"):
            tls.fetch_room_info(s, room_id=1)
        took = time.monotonic() - started
    assert took < 3 + 5  # requests' timeouts are per read: without the watch this ran 15 minutes


def test_a_budget_that_can_pause_everyone_is_told_about_a_429() -> None:
    class Budget:
        def __init__(self) -> None:
            self.acquired, self.paused = 0, []

        def acquire(self) -> bool:
            self.acquired += 1
            return True

        def penalize(self, seconds: float) -> None:
            self.paused.append(seconds)

    answers = iter([reply(429, b"", {"Retry-After": "0.2"}), reply(200, b"{}")])
    with HostileServer(lambda conn, req: conn.sendall(next(answers))) as server, _session(server.url) as s:
        s.budget = Budget()
        assert s.get(server.url + "/x").status_code == 200
        assert s.budget.acquired == 2 and s.budget.paused == [0.2]


def test_one_deadline_covers_a_chain_of_slow_redirects() -> None:
    def slow_redirect(conn: socket.socket, request: Request) -> None:
        time.sleep(0.8)
        conn.sendall(reply(302, b"", {"Location": f"/hop{len(server.requests)}"}))

    with HostileServer(slow_redirect) as server, _session(server.url, deadline=2) as s:
        started = time.monotonic()
        with pytest.raises(requests.Timeout):
            s.get(server.url + "/start")
        took = time.monotonic() - started
    assert len(server.requests) <= 4 and took < 2 + 5  # 30 hops were allowed: 24 s without one deadline


def test_the_default_deadline_is_a_small_multiple_of_the_read_timeout() -> None:
    assert tls.Session(timeout=(2, 2)).deadline == 8
    assert tls.Session().deadline == 60  # (5, 15) by default
    assert tls.Session(timeout=3).deadline == 12


def test_the_deadline_covers_retries_and_their_waits() -> None:
    answer = reply(503, b"busy", {"Retry-After": "1"})
    policy = tls.RetryPolicy(attempts=50, max_seconds=100, max_wait=5)
    with HostileServer(lambda conn, req: conn.sendall(answer)) as server:
        with _session(server.url, retry=policy, deadline=2.5) as s:
            started = time.monotonic()
            with pytest.raises(tls.FailedFetchRoomInfoError, match="HTTP 503"):
                tls.fetch_room_info(s, room_id=1)
            took = time.monotonic() - started
    assert len(server.requests) <= 3 and took < 2.5 + 5  # 50 attempts were allowed; the deadline ended it


def test_the_request_budget_spaces_every_request_and_every_retry() -> None:
    answers = iter([reply(503, b"", {"Retry-After": "0"})] + [reply(200, b"{}")] * 10)
    with HostileServer(lambda conn, req: conn.sendall(next(answers))) as server:
        with _session(server.url, max_requests_per_second=10, retry=tls.RetryPolicy(backoff=0)) as s:
            started = time.monotonic()
            for _ in range(4):
                s.get(server.url + "/x")
            took = time.monotonic() - started
    assert len(server.requests) == 5  # 4 calls, one retried: 5 tokens
    assert took >= 4 / 10 * 0.9  # 5 requests at 10/s: at least 0.4 s whatever the machine
