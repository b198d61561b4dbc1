"""FakeTikTok's injected faults: statuses, Retry-After, delays, hangs, broken bodies, login walls."""

from __future__ import annotations

import json
import math
import threading
import time

import pytest
import requests

from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult
from tiktoklive_sync.testing import FakeTikTok, pages
from tiktoklive_sync.testing._faults import FaultBook, malform, parse_route


@pytest.fixture
def http() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s


# -- the fault book, without a server --------------------------------------------------------


def test_parse_route() -> None:
    assert parse_route("GET /webcast/room/info/") == ("GET", "/webcast/room/info/")
    assert parse_route("post /x") == ("POST", "/x")
    assert parse_route("/@*/live") == (None, "/@*/live")
    for bad in ("FETCH /x", "GET x", "GET /x?a=1", "GET /x extra", ""):
        with pytest.raises(ValueError):
            parse_route(bad)


def test_fault_book_uses_faults_in_order_and_counts_times() -> None:
    book = FaultBook()
    book.arm("GET /a", status=500, times=2)
    book.arm("/a", status=404)
    assert book.take("POST", "/b") is None
    statuses = [getattr(book.take("GET", "/a"), "final_status", None) for _ in range(4)]
    assert statuses == [500, 500, 404, None]
    forever = book.arm("GET /@*/live", status=503, times=None)
    assert all(book.take("GET", f"/@u{i}/live") is forever for i in range(5))
    book.clear()
    assert book.pending() == [] and book.take("GET", "/@u/live") is None


def test_fault_book_rejects_bad_options() -> None:
    book = FaultBook()
    with pytest.raises(ValueError):
        book.arm("GET /a", times=0)
    with pytest.raises(ValueError):
        book.arm("GET /a", status=42)
    with pytest.raises(ValueError):
        book.arm("GET /a", delay=-1)


def test_default_statuses_of_a_fault() -> None:
    book = FaultBook()
    assert book.arm("/a").final_status == 500
    assert book.arm("/a", retry_after=3).final_status == 429
    assert book.arm("/a", delay=1).final_status is None  # the real answer, late
    assert book.arm("/a", malformed=True).final_status is None
    assert book.arm("/a", redirect_to_login=True).final_status == 302


def test_malform_breaks_every_kind_of_body() -> None:
    good = json.dumps({"data": {"a": 1}, "status_code": 0}).encode()
    with pytest.raises(ValueError):
        json.loads(malform(good, "application/json"))
    html = pages.live_page_html("http://x", "u", None).encode()
    broken = malform(html, "text/html; charset=utf-8")
    assert b'id="SIGI_STATE"' in broken and broken != html
    start = broken.index(b'type="application/json">') + len(b'type="application/json">')
    with pytest.raises(ValueError):
        json.loads(broken[start : broken.index(b"</script>", start)])
    with pytest.raises(Exception):  # noqa: B017 (protobuf's DecodeError)
        ProtoMessageFetchResult.FromString(malform(b"\x12\x01a", "application/x-protobuf"))


# -- faults through HTTP ---------------------------------------------------------------------


def test_status_with_retry_after_then_normal(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.fail_next("GET /webcast/gift/list/", status=429, retry_after=2)
    first = http.get(fake_tiktok.url("/webcast/gift/list/"), timeout=5)
    assert first.status_code == 429 and first.headers["Retry-After"] == "2"
    second = http.get(fake_tiktok.url("/webcast/gift/list/"), timeout=5)
    assert second.status_code == 200 and second.json()["data"]["gifts"]


def test_retry_after_alone_means_429_and_bare_fault_500(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.fail_next("GET /webcast/gift/list/", retry_after=0.5)
    fake_tiktok.fail_next("GET /webcast/gift/list/")
    first = http.get(fake_tiktok.url("/webcast/gift/list/"), timeout=5)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "0.5")
    assert http.get(fake_tiktok.url("/webcast/gift/list/"), timeout=5).status_code == 500


def test_body_and_malformed(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.add_room("someone")
    fake_tiktok.fail_next("GET /@*/live", body=pages.captcha_html())
    page = http.get(fake_tiktok.url("/@someone/live"), timeout=5)
    assert page.status_code == 200 and "SIGI_STATE" not in page.text and "captcha" in page.text
    fake_tiktok.fail_next("GET /api-live/user/room/", malformed=True)
    r = http.get(fake_tiktok.url("/api-live/user/room/"), params={"uniqueId": "someone"}, timeout=5)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    fake_tiktok.fail_next("GET /api-live/user/room/", status=503, body={"message": "busy"})
    r = http.get(fake_tiktok.url("/api-live/user/room/"), params={"uniqueId": "someone"}, timeout=5)
    assert r.status_code == 503 and r.json() == {"message": "busy"}


def test_redirect_to_login(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.fail_next("GET /webcast/room/info/", redirect_to_login=True)
    r = http.get(fake_tiktok.url("/webcast/room/info/"), params={"room_id": 1}, timeout=5)
    assert r.history and r.history[0].status_code == 302
    assert r.url.startswith(fake_tiktok.url("/login?redirect_url="))
    assert "Log in" in r.text


def test_delay_longer_than_timeout_is_a_timeout(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.fail_next("GET /webcast/gift/list/", delay=30)
    with pytest.raises(requests.Timeout):
        http.get(fake_tiktok.url("/webcast/gift/list/"), timeout=(2, 0.2))
    # a short delay just delays the real answer
    fake_tiktok.fail_next("GET /webcast/gift/list/", delay=0.05)
    assert http.get(fake_tiktok.url("/webcast/gift/list/"), timeout=5).json()["status_code"] == 0


def test_hang_is_released_when_the_fake_stops(http: requests.Session) -> None:
    fake = FakeTikTok().start()
    fake.hang("GET /webcast/gift/list/", seconds=math.inf)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            http.get(fake.url("/webcast/gift/list/"), timeout=(2, 30))
        except requests.RequestException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    for _ in range(200):  # wait until the fake holds the request
        if fake.requests:
            break
        threading.Event().wait(0.01)
    assert fake.requests_to("GET /webcast/gift/list/")
    fake.close()  # must not wait for the hung request
    caller.join(timeout=10)
    assert not caller.is_alive()
    assert outcome and isinstance(outcome[0], requests.ConnectionError)  # dropped unanswered
    assert not fake.running


# -- hostile answers ----------------------------------------------------------------------------


def test_redirect_to_another_host(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    elsewhere = "http://elsewhere.invalid/steal"
    fake_tiktok.fail_next("POST /sign/webcast/sign_url", redirect_to=elsewhere, redirect_status=307)
    r = http.post(fake_tiktok.url("/sign/webcast/sign_url"), json={"url": "x"}, allow_redirects=False, timeout=5)
    assert (r.status_code, r.headers["Location"]) == (307, "http://elsewhere.invalid/steal")


def test_a_body_of_exactly_n_bytes_and_a_gzip_bomb(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.add_room("someone")
    fake_tiktok.fail_next("GET /webcast/room/info/", size=300_000)
    r = http.get(fake_tiktok.url("/webcast/room/info/?room_id=1"), timeout=5)
    assert r.status_code == 200 and len(r.content) == 300_000 and json.loads(r.content)["pad"]
    fake_tiktok.fail_next("GET /webcast/room/info/", gzip_bomb=20 * 1024 * 1024)
    r = http.get(fake_tiktok.url("/webcast/room/info/?room_id=1"), timeout=5, stream=True)
    wire = int(r.headers["Content-Length"])
    assert r.headers["Content-Encoding"] == "gzip" and wire < 100_000
    assert len(r.raw.read(decode_content=True)) == 20 * 1024 * 1024  # inflates 200x and more
    with pytest.raises(ValueError):
        fake_tiktok.fail_next("GET /x", size=-1)


def test_trickle_sends_the_real_answer_one_byte_at_a_time(fake_tiktok: FakeTikTok, http: requests.Session) -> None:
    fake_tiktok.fail_next("GET /webcast/room/info/", trickle=0.005)
    started = time.monotonic()
    r = http.get(fake_tiktok.url("/webcast/room/info/?room_id=1"), timeout=5)
    assert r.json()["status_code"] == pages.ROOM_NOT_FOUND_STATUS_CODE  # the real answer, whole
    assert time.monotonic() - started > 0.005 * len(r.content) / 2  # but slowly (a lower bound only)
    with pytest.raises(ValueError):
        fake_tiktok.fail_next("GET /x", trickle=math.inf)
    with pytest.raises(ValueError, match="unknown fail_next option"):
        fake_tiktok.fail_next("GET /x", bomb=1)
