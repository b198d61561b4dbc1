"""Secrets against hostile servers of our own on 127.0.0.1: which host received which header, and
what reached the logs and the exceptions.

Each case is an attack that worked before: a retry line at WARNING carried the full session id, a
sign server's redirect carried the API key (or, on chat, the session id) to another host, an http://
URL got the login cookies in clear text, and a sign server could log the Session in as its own account.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.faults import closed_port
from tests.helpers.hostile import HostileServer, reply
from tiktoklive_sync.proto import envelope_pb2

SESSION_ID = "c0ffee5e551011d5ec7e7c0ffee5e551"
API_KEY = "euler_H0st1leT3stK3y987654321"
SECRETS = (SESSION_ID, API_KEY)


class Records(logging.Handler):
    """Every record of the library's logger, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def records() -> Iterator[Records]:
    logger = logging.getLogger("tiktoklive_sync")
    handler, level = Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _leaks(*texts: str) -> list[str]:
    return [t for t in texts for secret in SECRETS if secret in t]


def _session(sign: str, **options) -> tls.Session:
    """A Session on the real TikTok endpoints (https), with the sign server at ``sign``."""
    session = tls.Session(endpoints=replace(tls.Endpoints(), sign=sign), sign_api_key=API_KEY, **options)
    session.trust_env = False
    return session


# -- 11.1: one scrubbing function for every log line and exception ----------------------------------


def test_a_refused_trusted_fetch_logs_its_retries_at_info_and_scrubbed(records: Records) -> None:
    sign = f"http://127.0.0.1:{closed_port()}"
    with _session(sign, trusted_sign_hosts=["127.0.0.1"], retry=tls.RetryPolicy(attempts=3, backoff=0)) as s:
        s.set_session(SESSION_ID, "useast2a")
        with pytest.raises(requests.ConnectionError) as caught:
            tls.fetch_signed_websocket(s, 7000000000000000001)
    retries = [r for r in records.records if "retrying after" in r.getMessage()]
    assert len(retries) == 2 and {r.levelno for r in retries} == {logging.INFO}
    assert "session_id=" in retries[0].getMessage()  # the URL is there, its secret is not
    assert _leaks(*records.lines) == []
    assert _leaks("".join(traceback.format_exception(caught.value))) == []


def test_any_library_log_line_and_named_error_is_scrubbed_at_every_level(records: Records) -> None:
    tls.Session().set_session(SESSION_ID, "useast2a")  # registers it, as a user's Session does
    log = logging.getLogger("tiktoklive_sync")
    url = f"https://webcast.tiktok.com/webcast/fetch?room_id=1&session_id={SESSION_ID}&x=1"
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
        log.log(level, "GET %s with X-Api-Key: %s", url, API_KEY)
    try:
        raise requests.ConnectionError(f"refused: {url}")
    except requests.ConnectionError:
        log.exception("failed")
    assert len(records.lines) == 6 and _leaks(*records.lines) == []  # set_session logs once too
    error = tls.FailedFetchRoomInfoError(f"no answer from {url}", status=500, body=f'{{"sessionId": "{SESSION_ID}"}}')
    assert _leaks(str(error), error.excerpt) == []


# -- 11.2: sign requests never follow redirects -----------------------------------------------------


@pytest.fixture
def evil() -> Iterator[HostileServer]:
    with HostileServer(lambda conn, req: conn.sendall(reply(200, b'{"code": 0}'))) as server:
        yield server


def _redirecting(status: int, to: str) -> HostileServer:
    return HostileServer(lambda conn, req: conn.sendall(reply(status, b"", {"Location": to + "/steal?x=1"})))


def test_a_redirect_of_the_sign_fetch_is_an_error_naming_where_it_pointed(evil: HostileServer) -> None:
    with _redirecting(302, evil.url) as sign, _session(sign.url) as s:
        with pytest.raises(tls.SignRedirectError) as caught:
            s.signer.fetch(1)
    assert caught.value.status == 302 and caught.value.location == evil.url + "/steal?x=1"
    assert evil.url in str(caught.value)
    assert len(sign.requests) == 1 and sign.requests[0].headers["x-api-key"] == API_KEY
    assert evil.requests == []  # the API key went nowhere else


def test_a_307_on_chat_does_not_re_post_the_session_id_elsewhere(evil: HostileServer) -> None:
    with _redirecting(307, evil.url) as sign, _session(sign.url, trusted_sign_hosts=["127.0.0.1"]) as s:
        s.set_session(SESSION_ID, "useast2a")
        with pytest.raises(tls.SignRedirectError):
            tls.send_room_chat(s, "hello", room_id=1)
    assert SESSION_ID in sign.requests[0].headers["x-cookie-header"]  # the trusted host got it, once
    assert evil.requests == []


# -- 11.3: login cookies are Secure; a signed POST goes to https on a TikTok host only --------------


def test_login_cookies_are_not_sent_to_a_plain_http_url() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    with HostileServer(lambda conn, req: conn.sendall(reply(200, png, {"Content-Type": "image/png"}))) as img:
        # real (https) endpoints whose cookie domain is the loopback host: an http:// URL on it
        endpoints = replace(tls.Endpoints(), cookie_domain="127.0.0.1")
        with tls.Session(endpoints=endpoints) as s:
            s.trust_env = False
            s.set_session(SESSION_ID, "useast2a")
            assert tls.fetch_image_data(s, img.url + "/avatar.png") == png
            assert SESSION_ID in s.cookie_header("https://127.0.0.1/")  # there, but Secure
    assert "cookie" not in img.requests[0].headers or SESSION_ID not in img.requests[0].headers["cookie"]


def _signing_to(url: str) -> HostileServer:
    body = json.dumps({"code": 0, "response": {"signedUrl": url, "userAgent": "UA/1"}}).encode()
    return HostileServer(lambda conn, req: conn.sendall(reply(200, body, {"Content-Type": "application/json"})))


@pytest.mark.parametrize("where", ["http://127.0.0.1:{port}/webcast/room/like/?msToken=x",
                                   "https://evil.example/webcast/room/like/?msToken=x",
                                   "https://webcast.tiktok.com.evil.example/webcast/room/like/?msToken=x"])
def test_a_signed_post_goes_nowhere_but_https_on_a_tiktok_host(evil: HostileServer, where: str) -> None:
    with _signing_to(where.format(port=evil.port)) as sign, _session(sign.url) as s:
        s.set_session(SESSION_ID, "useast2a")
        with pytest.raises(tls.UntrustedSignedUrlError, match="not https on a TikTok host"):
            tls.send_room_like(s, 1, room_id=1)
        assert len(sign.requests) == 1
    assert evil.requests == []


def test_the_endpoints_say_which_urls_are_tiktok() -> None:
    real = tls.Endpoints()
    assert real.is_tiktok_url("https://webcast.tiktok.com/webcast/room/like/?a=1")
    assert real.is_tiktok_url("https://webcast16-normal-c-useast1a.tiktok.com/x")
    assert not real.is_tiktok_url("http://webcast.tiktok.com/webcast/room/like/")
    assert not real.is_tiktok_url("https://tiktok.com.evil.example/")
    assert not real.is_tiktok_url("https://user:pw@webcast.tiktok.com/")
    fake = tls.Endpoints().with_base("http://127.0.0.1:8080")  # a local fake declares http on itself
    assert fake.is_tiktok_url("http://127.0.0.1:8080/webcast/room/like/")
    assert not fake.is_tiktok_url("http://127.0.0.2:8080/webcast/room/like/")


# -- 11.4: the sign server may set protocol cookies only ----------------------------------------------


def _fetch_answer(cookies: str) -> HostileServer:
    body = envelope_pb2.ProtoMessageFetchResult(cursor="c1", push_server="wss://push.example/").SerializeToString()
    headers = {"Content-Type": "application/protobuf", "X-Set-TT-Cookie": cookies}
    return HostileServer(lambda conn, req: conn.sendall(reply(200, body, headers)))


def test_the_sign_server_cannot_log_the_session_in_as_someone_else(records: Records) -> None:
    planted = "ttwid=good-ttwid; sessionid=attacker; sessionid_ss=attacker; sid_tt=attacker; tt-target-idc=evil"
    with _fetch_answer(planted) as sign, _session(sign.url) as s:
        tls.fetch_signed_websocket(s, 1)
        assert s.session_id is None and not s.logged_in
        assert s.tt_target_idc == "useast1a"
        assert s.cookies.get("ttwid", domain=".tiktok.com") == "good-ttwid"
    assert any("sessionid" in line and "ignored" in line for line in records.lines)


def test_only_login_cookies_from_the_sign_server_are_no_cookies_at_all() -> None:
    with _fetch_answer("sessionid=attacker; tt-target-idc=evil") as sign, _session(sign.url) as s:
        with pytest.raises(tls.SignAPIError) as caught:
            tls.fetch_signed_websocket(s, 1)
        assert caught.value.reason is tls.SignAPIError.ErrorReason.EMPTY_COOKIES and not s.logged_in


# -- 11.17: one environment variable for the key -----------------------------------------------------


def test_the_sign_key_comes_from_tiktoklive_sign_api_key_then_sign_api_key(monkeypatch) -> None:
    monkeypatch.setenv("SIGN_API_KEY", "old-name-key")
    assert tls.Session().sign_api_key == "old-name-key"  # the documented fallback
    monkeypatch.setenv("TIKTOKLIVE_SIGN_API_KEY", "new-name-key")
    assert tls.Session().sign_api_key == "new-name-key"  # preferred
    assert tls.Session(sign_api_key="given").sign_api_key == "given"
    assert "new-name-key" not in repr(tls.Session())


def test_urllib3s_request_lines_are_scrubbed_too(caplog) -> None:
    body = envelope_pb2.ProtoMessageFetchResult(cursor="c1").SerializeToString()
    answer = reply(200, body, {"X-Set-TT-Cookie": "ttwid=t"})
    caplog.set_level(logging.DEBUG)
    with HostileServer(lambda conn, req: conn.sendall(answer)) as sign:
        with _session(sign.url, trusted_sign_hosts=["127.0.0.1"]) as s:
            s.set_session(SESSION_ID, "useast2a")
            tls.fetch_signed_websocket(s, 1)
        assert SESSION_ID in sign.requests[0].path  # the protocol puts it in the query of a trusted fetch
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")]
    assert any("/webcast/fetch" in line for line in lines) and _leaks(*lines) == []
