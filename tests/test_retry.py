"""RetryPolicy: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

import email.utils

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tiktoklive_sync._retry import retry_after_seconds

URL = "https://webcast.tiktok.com/webcast/room/info/"
FAST = tls.RetryPolicy(attempts=3, backoff=0, max_wait=5)


def _response(headers: dict[str, str]) -> requests.Response:
    r = requests.Response()
    r.status_code = 429
    r.headers.update(headers)
    return r


def test_retry_after_forms() -> None:
    now = 1_700_000_000.0
    assert retry_after_seconds(_response({"Retry-After": "7"}), now) == 7
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after_seconds(_response({"Retry-After": date}), now) == pytest.approx(30, abs=1)
    assert retry_after_seconds(_response({"RateLimit-Reset": str(int(now + 12))}), now) == 12
    assert retry_after_seconds(_response({"RateLimit-Reset": "4"}), now) == 4
    assert retry_after_seconds(_response({"Retry-After": "soon"}), now) is None
    assert retry_after_seconds(_response({}), now) is None


@responses.activate
def test_get_429_with_retry_after_is_retried_then_succeeds() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "0"})
    responses.get(URL, json={"ok": 1})
    r = tls.Session(retry=FAST).get(URL)
    assert r.status_code == 200 and len(responses.calls) == 2


@responses.activate
def test_5xx_burst_gives_back_the_last_response_after_attempts() -> None:
    for _ in range(5):
        responses.get(URL, status=503)
    r = tls.Session(retry=FAST).get(URL)
    assert r.status_code == 503 and len(responses.calls) == 3


@responses.activate
def test_connection_errors_are_retried_then_raised() -> None:
    responses.get(URL, body=requests.ConnectionError("refused"))
    responses.get(URL, body=requests.ConnectionError("refused"))
    responses.get(URL, body=requests.ConnectionError("refused"))
    with pytest.raises(requests.ConnectionError):
        tls.Session(retry=FAST).get(URL)
    assert len(responses.calls) == 3


@responses.activate
def test_read_timeouts_are_not_retried() -> None:
    responses.get(URL, body=requests.ReadTimeout("slow"))
    with pytest.raises(requests.ReadTimeout):
        tls.Session(retry=FAST).get(URL)
    assert len(responses.calls) == 1


@responses.activate
def test_a_retry_after_longer_than_max_wait_is_not_waited_for() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    r = tls.Session(retry=FAST).get(URL)
    assert r.status_code == 429 and len(responses.calls) == 1


@responses.activate
def test_posts_are_never_retried() -> None:
    responses.post(URL, status=503)
    r = tls.Session(retry=FAST).post(URL, data={"a": 1})
    assert r.status_code == 503 and len(responses.calls) == 1


@responses.activate
def test_retry_false_sends_once() -> None:
    responses.get(URL, status=503)
    tls.Session(retry=FAST).get(URL, retry=False)
    assert len(responses.calls) == 1


def test_policy_validation() -> None:
    with pytest.raises(ValueError):
        tls.RetryPolicy(attempts=0)
    with pytest.raises(ValueError):
        tls.RetryPolicy(max_wait=-1)
    assert not tls.RetryPolicy(attempts=1).applies_to("GET")
    assert not tls.RetryPolicy().applies_to("POST")
