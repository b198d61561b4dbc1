"""The session id never reaches an untrusted sign host, a log record, a repr or an error message.

Run against FakeTikTok, where the sign server shares TikTok's host (127.0.0.1): a leak through the
cookie jar, a query parameter, a header or a body would show up in ``fake.requests``.
"""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

import tiktoklive_sync as tls
from tiktoklive_sync.testing import FakeTikTok

SECRET = "SeCrEtSeSsIoN0123456789abcdef"
ROOM_ID = 7_200_000_000_000_000_001
USER_ID = 6_900_000_000_000_000_077
FAST_RETRY = tls.RetryPolicy(attempts=2, backoff=0.01, max_wait=1.0, max_seconds=3.0)


@pytest.fixture
def fake(fake_tiktok: FakeTikTok) -> FakeTikTok:
    fake_tiktok.add_room("someone", room_id=ROOM_ID, user_id=USER_ID)
    return fake_tiktok


def _sign_requests(fake: FakeTikTok) -> list[str]:
    return [r.text() + repr(r.cookies) for r in fake.requests if r.path.startswith("/sign")]


def _everything_untrusted(fake: FakeTikTok, s: tls.Session) -> list[BaseException]:
    """Use every route that talks to the sign server, plus some that fail; return the errors raised."""
    errors: list[BaseException] = []
    tls.fetch_signed_websocket(s, ROOM_ID, authenticated=False)
    tls.fetch_gift_list(s, room_id=ROOM_ID, signed=True)
    tls.send_room_like(s, 3, room_id=ROOM_ID)
    tls.send_room_gift(s, {"room_id": ROOM_ID, "gift_id": 5655, "to_user_id": USER_ID})
    fake.fail_next("GET /webcast/room/info/", redirect_to_login=True)
    fake.fail_next("GET /api-live/user/room/", malformed=True)
    calls = [
        lambda: tls.fetch_signed_websocket(s, ROOM_ID),  # logged in: would need the session id
        lambda: tls.fetch_signed_websocket(s, ROOM_ID, platform=tls.WebcastPlatform.MOBILE),
        lambda: tls.send_room_chat(s, "hi", room_id=ROOM_ID),
        lambda: tls.fetch_room_info(s, room_id=ROOM_ID),
        lambda: tls.fetch_room_id_from_api(s, "someone"),
    ]
    for call in calls:
        with pytest.raises(tls.TikTokLiveError) as caught:
            call()
        errors.append(caught.value)
    return errors


def test_session_id_never_sent_to_an_untrusted_sign_host(fake: FakeTikTok) -> None:
    with fake.session(retry=FAST_RETRY) as s:
        s.set_session(SECRET, "useast2a")
        errors = _everything_untrusted(fake, s)
    assert isinstance(errors[0], tls.AuthenticatedWebSocketConnectionError)
    assert isinstance(errors[2], tls.AuthenticatedWebSocketConnectionError)
    signs = _sign_requests(fake)
    assert len(signs) >= 4  # fetch, and one sign_url each for the gift list, the like and the gift
    assert not [text for text in signs if SECRET in text]
    assert fake.requests_to("POST /sign/webcast/chat") == []
    # the check above can see a session id: TikTok's own hosts did get it, as a cookie
    assert fake.requests_to("POST /webcast/room/like/")[0].cookies["sessionid"] == SECRET


def test_session_id_sent_to_a_trusted_sign_host(fake: FakeTikTok) -> None:
    with fake.session(trusted_sign_hosts=["127.0.0.1"], retry=FAST_RETRY) as s:
        s.set_session(SECRET, "useast2a")
        first = tls.fetch_signed_websocket(s, ROOM_ID)
        tls.send_room_chat(s, "hello", room_id=ROOM_ID)
    assert first.is_first
    (fetch,) = fake.requests_to("GET /sign/webcast/fetch")
    assert fetch.query["session_id"] == SECRET and fetch.query["tt_target_idc"] == "useast2a"
    (chat,) = fake.requests_to("POST /sign/webcast/chat")
    assert f"sessionid={SECRET}" in chat.headers["x-cookie-header"]
    assert fake.sent_chats == [{"room_id": ROOM_ID, "content": "hello"}]


def test_session_id_absent_from_logs_reprs_and_errors(fake: FakeTikTok, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with fake.session(retry=FAST_RETRY) as s:
        s.set_session(SECRET, "useast2a")
        errors = _everything_untrusted(fake, s)
        shown = [repr(s), str(s), repr(s.signer), repr(s.endpoints)]
    assert caplog.records, "DEBUG logging captured nothing: the check below would be empty"
    # untrusted: the session id went nowhere but TikTok's cookies, so no logger at all may show it
    assert not [r.getMessage() for r in caplog.records if SECRET in r.getMessage()]
    assert not [text for text in shown if SECRET in text]
    for error in errors:
        printed = "".join(traceback.format_exception(error))
        assert SECRET not in printed and SECRET not in repr(error)


def test_trusted_sign_host_session_id_absent_from_library_logs(
    fake: FakeTikTok, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with fake.session(trusted_sign_hosts=["127.0.0.1"], retry=FAST_RETRY) as s:
        s.set_session(SECRET, "useast2a")
        tls.fetch_signed_websocket(s, ROOM_ID)
        tls.send_room_chat(s, "hello", room_id=ROOM_ID)
        fake.fail_next("GET /sign/webcast/fetch", status=500, times=None)
        with pytest.raises(tls.SignAPIError) as caught:
            tls.fetch_signed_websocket(s, ROOM_ID)
    # urllib3 logs request lines (with the query the user chose to send) at DEBUG; ours must not
    ours = [r for r in caplog.records if r.name.startswith("tiktoklive_sync")]
    assert ours and not [r.getMessage() for r in ours if SECRET in r.getMessage()]
    assert SECRET not in "".join(traceback.format_exception(caught.value))


def test_unreachable_trusted_sign_host_does_not_print_the_session_id() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoints = replace(tls.Endpoints().with_base(f"http://127.0.0.1:{port}"), cookie_domain="127.0.0.1")
    with tls.Session(endpoints=endpoints, trusted_sign_hosts=["127.0.0.1"], retry=tls.RetryPolicy(attempts=1)) as s:
        s.trust_env = False
        s.set_session(SECRET, "useast2a")
        with pytest.raises(requests.ConnectionError) as caught:  # requests' own (errors.py policy)
            tls.fetch_signed_websocket(s, ROOM_ID)
    # what a user sees in a traceback (or a log.exception) includes the chained requests error
    assert SECRET not in "".join(traceback.format_exception(caught.value))


@pytest.fixture
def hung_trusted(fake: FakeTikTok) -> Iterator[tls.Session]:
    fake.hang("GET /sign/webcast/fetch", seconds=10)
    with fake.session(trusted_sign_hosts=["127.0.0.1"], timeout=(2, 0.3), retry=FAST_RETRY) as s:
        s.set_session(SECRET, "useast2a")
        yield s


def test_timed_out_trusted_sign_request_does_not_print_the_session_id(hung_trusted: tls.Session) -> None:
    with pytest.raises(requests.Timeout) as caught:
        tls.fetch_signed_websocket(hung_trusted, ROOM_ID)
    assert SECRET not in "".join(traceback.format_exception(caught.value))
