"""Signer: sign server requests, its error rules, and where the session id may go."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses
from responses import matchers

import tiktoklive_sync as tls
from tiktoklive_sync._signer import parse_cookie_string, strip_signature_params
from tiktoklive_sync.proto import envelope_pb2

SIGN = "https://api.eulerstream.com"
FETCH = SIGN + "/webcast/fetch"
SID = "0123456789abcdef0123456789abcdef"
FAST = tls.RetryPolicy(attempts=3, backoff=0, max_wait=5)


def _fetch_body() -> bytes:
    result = envelope_pb2.ProtoMessageFetchResult(cursor="c1", push_server="wss://push.example/ws", is_first=True)
    result.route_params["k"] = "v"
    return result.SerializeToString()


def _ok(**headers: str) -> dict[str, object]:
    return {
        "body": _fetch_body(),
        "status": 200,
        "headers": {"X-Set-TT-Cookie": "ttwid=abc; tt_csrf_token=x", "X-Room-Id": "42", **headers},
    }


@responses.activate
def test_fetch_returns_body_cookies_and_room_id() -> None:
    responses.get(FETCH, **_ok(**{"X-Request-Id": "log-1"}))  # type: ignore[arg-type]
    s = tls.Session(sign_api_key="secret-key")
    got = s.signer.fetch(42, unique_id="someone")
    assert got.cookies == {"ttwid": "abc", "tt_csrf_token": "x"}
    assert got.room_id == 42 and got.log_id == "log-1" and not got.authenticated
    assert envelope_pb2.ProtoMessageFetchResult.FromString(got.body).cursor == "c1"
    sent = responses.calls[0].request
    assert sent.headers["X-Api-Key"] == "secret-key"
    assert "Cookie" not in sent.headers  # TikTok cookies never go to the sign server
    assert "room_id=42" in sent.url and "client_enter=true" in sent.url and "platform=web" in sent.url
    assert "session_id" not in sent.url


@responses.activate
def test_session_id_goes_only_to_a_trusted_sign_host(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    responses.get(FETCH, **_ok())  # type: ignore[arg-type]
    untrusted = tls.Session()
    untrusted.set_session(SID, "eu-ttp2")
    with pytest.raises(tls.AuthenticatedWebSocketConnectionError) as info:
        untrusted.signer.fetch(42)
    assert SID not in str(info.value)
    assert len(responses.calls) == 0
    # explicitly anonymous: the session id is left out
    untrusted.signer.fetch(42, authenticated=False)
    assert SID not in responses.calls[0].request.url
    trusted = tls.Session(trusted_sign_hosts=["api.eulerstream.com"])
    trusted.set_session(SID, "eu-ttp2")
    assert trusted.signer.fetch(42).authenticated
    assert f"session_id={SID}" in responses.calls[1].request.url
    assert SID not in caplog.text


def test_mobile_platform_needs_a_session() -> None:
    with pytest.raises(ValueError, match="session id"):
        tls.Session().signer.fetch(1, platform="mobile")
    with pytest.raises(ValueError, match="platform"):
        tls.Session().signer.fetch(1, platform="tv")


@responses.activate
def test_rate_limit_with_a_long_wait_raises_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    responses.get(
        FETCH, status=429, json={"message": "Too many connections", "limit_label": "anon"},
        headers={"Retry-After": "120", "X-Request-Id": "r-9"},
    )
    with pytest.raises(tls.SignatureRateLimitError) as info:
        tls.Session(retry=FAST).signer.fetch(1)
    err = info.value
    assert err.retry_after == 120 and err.status == 429 and err.log_id == "r-9"
    assert err.reason is tls.SignAPIError.ErrorReason.RATE_LIMIT
    assert "Too many connections" in str(err)
    monkeypatch.setenv("SIGN_SERVER_MESSAGE_DISABLED", "1")
    with pytest.raises(tls.SignatureRateLimitError) as info:
        tls.Session(retry=FAST).signer.fetch(1)
    assert "Too many connections" not in str(info.value)


@responses.activate
def test_rate_limit_with_a_short_wait_is_retried() -> None:
    responses.get(FETCH, status=429, headers={"Retry-After": "0"})
    responses.get(FETCH, **_ok())  # type: ignore[arg-type]
    assert tls.Session(retry=FAST).signer.fetch(1).cookies["ttwid"] == "abc"
    assert len(responses.calls) == 2


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "reason"),
    [
        (402, b"{}", {}, tls.PremiumEndpointError, tls.SignAPIError.ErrorReason.PREMIUM_ENDPOINT),
        (500, b"boom", {}, tls.SignAPIError, tls.SignAPIError.ErrorReason.SIGN_NOT_200),
        (200, b"", {"X-Set-TT-Cookie": "a=b"}, tls.SignAPIError, tls.SignAPIError.ErrorReason.EMPTY_PAYLOAD),
        (200, b"\x12\x01x", {}, tls.SignAPIError, tls.SignAPIError.ErrorReason.EMPTY_COOKIES),
    ],
)
@responses.activate
def test_fetch_error_rules(status: int, body: bytes, headers: dict[str, str], error: type, reason: object) -> None:
    responses.get(FETCH, status=status, body=body, headers=headers)
    with pytest.raises(error) as info:
        tls.Session(retry=tls.RetryPolicy(attempts=1)).signer.fetch(1)
    assert info.value.reason == reason


@responses.activate
def test_connection_failure_is_requests_connection_error() -> None:
    responses.get(FETCH, body=requests.ConnectionError("refused"))
    with pytest.raises(requests.ConnectionError) as info:  # not wrapped (errors.py policy)
        tls.Session(retry=tls.RetryPolicy(attempts=1)).signer.fetch(1)
    assert not isinstance(info.value, tls.SignAPIError) and "refused" in str(info.value)


@responses.activate
def test_sign_url_strips_old_tokens_and_returns_the_signed_url() -> None:
    signed = "https://webcast.tiktok.com/webcast/room/like/?room_id=1&msToken=t&X-Bogus=b"
    responses.post(
        SIGN + "/webcast/sign_url",
        json={"code": 200, "response": {"signedUrl": signed, "userAgent": "UA/1"}},
        match=[matchers.query_param_matcher({"client": "ttlive-python"})],
    )
    got = tls.Session().signer.sign_url(
        "https://webcast.tiktok.com/webcast/room/like/?room_id=1&msToken=old&X-Bogus=old", method="GET", kind="fetch"
    )
    assert got.url == signed and got.user_agent == "UA/1"
    body = json.loads(responses.calls[0].request.body)
    assert body["url"] == "https://webcast.tiktok.com/webcast/room/like/?room_id=1"
    assert body["type"] == "fetch" and "sessionId" not in body


@pytest.mark.parametrize(
    ("status", "payload", "error"),
    [
        (200, {"code": 403, "message": "premium"}, tls.PremiumEndpointError),
        (403, {"message": "no"}, tls.PremiumEndpointError),
        (500, {"message": "x"}, tls.UnexpectedSignatureError),
        (200, {"code": 200, "response": {}}, tls.SignatureMissingTokensError),
        (200, {"code": 200, "response": {"signedUrl": "https://x/?a=1"}}, tls.SignatureMissingTokensError),
    ],
)
@responses.activate
def test_sign_url_error_rules(status: int, payload: dict[str, object], error: type) -> None:
    responses.post(SIGN + "/webcast/sign_url", status=status, json=payload)
    with pytest.raises(error):
        tls.Session().signer.sign_url("https://webcast.tiktok.com/webcast/room/like/")


@responses.activate
def test_sign_url_not_json_is_unexpected() -> None:
    responses.post(SIGN + "/webcast/sign_url", body="<html>")
    with pytest.raises(tls.UnexpectedSignatureError):
        tls.Session().signer.sign_url("https://webcast.tiktok.com/webcast/room/like/")


@responses.activate
def test_send_chat_needs_a_trusted_host_and_is_never_retried() -> None:
    responses.post(SIGN + "/webcast/chat", status=503, body="busy")
    s = tls.Session(retry=FAST, trusted_sign_hosts=["api.eulerstream.com"])
    with pytest.raises(ValueError):
        s.signer.send_chat("hi", 1)
    s.set_session(SID, "eu-ttp2")
    with pytest.raises(tls.SignAPIError):
        s.signer.send_chat("hi", 1)
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["x-cookie-header"] == f"sessionid={SID}; tt-target-idc=eu-ttp2"


def test_helpers() -> None:
    assert parse_cookie_string("a=1; b = 2;;c") == {"a": "1", "b": "2"}
    assert strip_signature_params("https://h/p?x=1&msToken=2&_signature=3") == "https://h/p?x=1"
