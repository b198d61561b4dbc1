"""fetch_image_data (PROTOCOL.md 2.6): str or Image, streamed with a size limit."""

from __future__ import annotations

import gzip

import pytest
import requests

import tiktoklive_sync as tls

URL = "https://p16.example.test/avatar/abc~tplv-100x100.webp"
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_by_url(session, mocked) -> None:
    mocked.get(URL, body=PICTURE, content_type="image/png")
    assert tls.fetch_image_data(session, URL) == PICTURE


def test_by_image_uses_the_first_url(session, mocked) -> None:
    mocked.get(URL, body=PICTURE)
    image = tls.Image.from_json({"url_list": [URL, "https://other.example.test/x.webp"], "uri": "abc"})
    assert tls.fetch_image_data(session, image) == PICTURE
    assert len(mocked.calls) == 1 and mocked.calls[0].request.url == URL


def test_exactly_the_limit_is_fine(session, mocked) -> None:
    mocked.get(URL, body=PICTURE)
    assert tls.fetch_image_data(session, URL, max_bytes=len(PICTURE)) == PICTURE


def test_too_large_by_content_length(session, mocked) -> None:
    mocked.get(URL, body=PICTURE, headers={"Content-Length": str(len(PICTURE))})
    with pytest.raises(tls.FailedFetchImageError, match=f"{len(PICTURE)} bytes, more than max_bytes=100"):
        tls.fetch_image_data(session, URL, max_bytes=100)


def test_too_large_while_streaming_counts_decoded_bytes(session, mocked) -> None:
    # 2 MB of zeros gzip down to ~2 KB: the limit must apply to what is decoded, not what is sent
    bomb = gzip.compress(bytes(2_000_000))
    mocked.get(URL, body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(tls.FailedFetchImageError, match="larger than max_bytes=100000"):
        tls.fetch_image_data(session, URL, max_bytes=100_000)


@pytest.mark.parametrize("status", [403, 404, 500])
def test_error_status(session, mocked, status) -> None:
    mocked.get(URL, body="Access Denied: expired signature", status=status)
    with pytest.raises(tls.FailedFetchImageError) as caught:
        tls.fetch_image_data(session, URL)
    assert caught.value.status == status and "expired signature" in caught.value.excerpt


@pytest.mark.parametrize("bad", ["", "  ", "ftp://x.example.test/a.png", "not a url", "/relative.png", 12, None])
def test_bad_image_argument(session, mocked, bad) -> None:
    with pytest.raises(ValueError):
        tls.fetch_image_data(session, bad)
    assert len(mocked.calls) == 0


def test_image_without_urls(session) -> None:
    with pytest.raises(ValueError, match="no URLs"):
        tls.fetch_image_data(session, tls.Image())


def test_bad_max_bytes(session) -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        tls.fetch_image_data(session, URL, max_bytes=0)


def test_transport_errors_are_requests_errors(session, mocked) -> None:
    mocked.get(URL, body=requests.ReadTimeout("read timed out (test)"))
    with pytest.raises(requests.Timeout):
        tls.fetch_image_data(session, URL)
