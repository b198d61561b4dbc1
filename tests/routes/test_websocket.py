"""fetch_signed_websocket (PROTOCOL.md 1.5, 4.1): the sign server's first webcast response."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tests.helpers.payloads import ENDPOINTS, ROOM_ID, SIGN, fetch_result_bytes, make_session

FETCH = f"{SIGN}/webcast/fetch"
COOKIES = {"X-Set-TT-Cookie": "ttwid=1%7Cabc; odin_tt=xyz", "X-Room-Id": str(ROOM_ID), "X-Request-Id": "log-1"}
SECRET = "f00dfacecafe0123456789abcdef"


def _query(mocked: responses.RequestsMock) -> dict[str, list[str]]:
    return parse_qs(urlsplit(mocked.calls[0].request.url).query)


def test_parses_the_first_response_and_keeps_the_cookies(session, mocked) -> None:
    mocked.get(FETCH, body=fetch_result_bytes(), headers=COOKIES, content_type="application/protobuf")
    first = tls.fetch_signed_websocket(session, str(ROOM_ID), unique_id="@someone", cursor="c-1")
    assert first.push_server == "wss://push.example.test/webcast/im/push/v2/"
    assert first.cursor.startswith("1704470094792_") and first.is_first
    assert first.route_params["im-cursor"] == "1704470094792"
    assert [m.method for m in first.messages] == ["WebcastRoomMessage"]
    assert session.cookies.get("ttwid", domain=ENDPOINTS.cookie_domain) == "1%7Cabc"
    assert session.cookies.get("odin_tt", domain=ENDPOINTS.cookie_domain) == "xyz"
    query = _query(mocked)
    assert query["room_id"] == [str(ROOM_ID)] and query["platform"] == ["web"]
    assert query["unique_id"] == ["someone"] and query["cursor"] == ["c-1"]
    assert query["user_agent"] == [session.profile.user_agent] and query["client_enter"] == ["true"]
    assert "session_id" not in query
    assert "Cookie" not in mocked.calls[0].request.headers  # TikTok cookies never go to the sign host


def test_session_id_goes_only_to_a_trusted_sign_host(mocked, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="tiktoklive_sync")
    mocked.get(FETCH, body=fetch_result_bytes(), headers=COOKIES)
    with make_session(trusted_sign_hosts=["sign.example.test"]) as s:
        tls.fetch_signed_websocket(s, ROOM_ID, session_id=SECRET, tt_target_idc="eu-ttp2")
        assert s.session_id == SECRET and s.tt_target_idc == "eu-ttp2"
    query = _query(mocked)
    assert query["session_id"] == [SECRET] and query["tt_target_idc"] == ["eu-ttp2"]
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_session_id_is_refused_for_an_untrusted_sign_host(session, mocked, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="tiktoklive_sync")
    mocked.get(FETCH, body=fetch_result_bytes(), headers=COOKIES)
    with pytest.raises(tls.AuthenticatedWebSocketConnectionError) as caught:
        tls.fetch_signed_websocket(session, ROOM_ID, session_id=SECRET, tt_target_idc="eu-ttp2")
    assert SECRET not in str(caught.value) and SECRET not in repr(session)
    assert len(mocked.calls) == 0
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_session_id_can_be_kept_from_an_untrusted_host_explicitly(session, mocked) -> None:
    mocked.get(FETCH, body=fetch_result_bytes(), headers=COOKIES)
    tls.fetch_signed_websocket(session, ROOM_ID, session_id=SECRET, tt_target_idc="eu-ttp2", authenticated=False)
    assert "session_id" not in _query(mocked) and SECRET not in mocked.calls[0].request.url


def test_session_id_without_idc(session, mocked) -> None:
    with pytest.raises(ValueError, match="tt_target_idc"):
        tls.fetch_signed_websocket(session, ROOM_ID, session_id=SECRET)
    assert len(mocked.calls) == 0


def test_mobile_needs_a_session(session, mocked) -> None:
    with pytest.raises(ValueError, match="mobile"):
        tls.fetch_signed_websocket(session, ROOM_ID, platform=tls.WebcastPlatform.MOBILE)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("bad", [0, "abc", -7, None])
def test_bad_room_id(session, mocked, bad) -> None:
    with pytest.raises(ValueError, match="room_id"):
        tls.fetch_signed_websocket(session, bad)
    assert len(mocked.calls) == 0


def test_rate_limited(session, mocked) -> None:
    mocked.get(FETCH, json={"message": "Too many connections", "limit_label": "anon"}, status=429,
               headers={"Retry-After": "30"})
    with pytest.raises(tls.SignatureRateLimitError) as caught:
        tls.fetch_signed_websocket(session, ROOM_ID)
    assert caught.value.retry_after == 30 and caught.value.status == 429
    assert isinstance(caught.value, tls.SignAPIError)


def test_premium_feature(session, mocked) -> None:
    mocked.get(FETCH, json={"message": "upgrade"}, status=402)
    with pytest.raises(tls.PremiumEndpointError):
        tls.fetch_signed_websocket(session, ROOM_ID)


@pytest.mark.parametrize(
    ("status", "body", "headers", "reason"),
    [
        (200, b"", COOKIES, tls.SignAPIError.ErrorReason.EMPTY_PAYLOAD),
        (200, fetch_result_bytes(), {}, tls.SignAPIError.ErrorReason.EMPTY_COOKIES),
        (500, b'{"error": "boom"}', COOKIES, tls.SignAPIError.ErrorReason.SIGN_NOT_200),
    ],
)
def test_sign_server_failures(session, mocked, status, body, headers, reason) -> None:
    mocked.get(FETCH, body=body, status=status, headers=headers)
    with pytest.raises(tls.SignAPIError) as caught:
        tls.fetch_signed_websocket(session, ROOM_ID)
    assert caught.value.reason == reason


def test_body_that_is_not_protobuf(session, mocked) -> None:
    mocked.get(FETCH, body=b"<html>not protobuf</html>", headers=COOKIES)
    with pytest.raises(tls.UnexpectedSignatureError, match="not a ProtoMessageFetchResult") as caught:
        tls.fetch_signed_websocket(session, ROOM_ID)
    assert caught.value.log_id == "log-1" and "not protobuf" in caught.value.excerpt
    assert isinstance(caught.value, tls.SignAPIError)


def test_unreachable_sign_server(session, mocked) -> None:
    mocked.get(FETCH, body=requests.ConnectionError("refused"))
    with pytest.raises(requests.ConnectionError) as caught:  # transport failures are requests' own
        tls.fetch_signed_websocket(session, ROOM_ID)
    assert not isinstance(caught.value, tls.SignAPIError)
