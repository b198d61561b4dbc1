"""Secrets: the session id and the sign API key never show up where they must not.

Not in any log record (every logger at DEBUG: ours, urllib3's, websocket-client's, the fake's), not
in a repr, not in an exception a user would print, not in a request to a host that should not get
them: the API key goes to the sign server only (in ``X-Api-Key``), the session id to TikTok only
(as cookies) unless the user trusts the sign host. Complements test_integration_session_id.py (the
routes), test_signer.py (the signer's rules) and test_tls.py (certificates).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.faults import FAST_RETRY, closed_port
from tests.helpers.live import FAST, WAIT, Collector, chat
from tiktoklive_sync.events._base import CommentEvent
from tiktoklive_sync.testing import FakeTikTok
from tiktoklive_sync.testing.push_faults import garbage_frame

SESSION_ID = "5e551011d5ec7e7c0ffee5e551011d5e"
API_KEY = "euler_K3yS3cr3tApiKey0123456789"
SECRETS = (SESSION_ID, API_KEY)


class CaptureAll(logging.Handler):
    """Every record of every logger, formatted with its traceback, while installed on the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("websockets."):
            return  # FakeTikTok's push server (the websockets package) logs what it received: TikTok's side
        self.lines.append(self.format(record))
        self.names.add(record.name)


@pytest.fixture
def capture() -> Iterator[CaptureAll]:
    root = logging.getLogger()
    handler, old_level = CaptureAll(), root.level
    touched = [logging.getLogger(n) for n in ("tiktoklive_sync", "urllib3", "websocket")]
    old = [(lg, lg.level) for lg in touched]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for lg in touched:
        lg.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for lg, level in old:
            lg.setLevel(level)


def leaks(texts: list[str]) -> list[str]:
    return [t for t in texts if any(s in t for s in SECRETS)]


def printed(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc)


def logged_in_session(fake: FakeTikTok, **kwargs) -> tls.Session:
    session = fake.session(**{"sign_api_key": API_KEY, "retry": FAST_RETRY, **kwargs})
    session.set_session(SESSION_ID, "useast2a")
    return session


# -- a whole session: routes, a LiveClient with faults, a recording --------------------------------------


def _watch_with_faults(fake: FakeTikTok, session: tls.Session) -> list[str]:
    """Watch the room through a drop and a bad frame to its end; return the reprs seen on the way."""
    room_id = fake.room("someone").room_id
    fake.push(room_id, chat("hello"))
    with tls.LiveClient("someone", session=session, **FAST) as client:
        run = Collector(client)
        assert run.wait_for(lambda: run.of(CommentEvent))
        shown = [repr(client), repr(client.settings), repr(client._conn), repr(client._conn.target)]
        fake.drop_connections()
        fake.push_raw(room_id, garbage_frame())
        fake.push(room_id, chat("again"))
        fake.end_live(room_id)
        run.thread.join(WAIT)
    assert run.error is None and len(run.of(CommentEvent)) == 2
    return shown + [repr(e) for e in run.events]


@pytest.mark.ffmpeg
def test_a_whole_logged_in_session_with_faults_and_a_recording_logs_no_secret(fake, capture, tmp_path: Path):
    with logged_in_session(fake) as s:
        info = tls.fetch_room_info(s, unique_id="someone")
        tls.fetch_gift_list(s, room_id=info.id, signed=True)  # the API key goes to the sign server
        tls.send_room_like(s, 2, room_id=info.id)
        shown = _watch_with_faults(fake, s)
        fake.set_live("someone", True)
        recording = tls.record_stream(s, tmp_path / "out.flv", tls.fetch_room_info(s, unique_id="someone"),
                                      record_for=0.5)
        recording.wait(timeout=WAIT)
        shown += [repr(s), repr(s.signer), repr(recording), repr(info)]
    assert recording.output_path.stat().st_size > 0
    assert {"tiktoklive_sync", "urllib3.connectionpool"} <= capture.names  # the capture saw them all
    assert len(capture.lines) > 30
    assert leaks(capture.lines) == []
    assert leaks(shown) == []


def test_the_api_key_goes_to_the_sign_server_only_and_the_session_id_to_tiktok_only(fake):
    with logged_in_session(fake) as s:
        room_id = tls.fetch_room_id_from_html(s, "someone")
        tls.fetch_gift_list(s, room_id=room_id, signed=True)
        _watch_with_faults(fake, s)
    sign = [r for r in fake.requests if r.path.startswith("/sign/")]
    tiktok = [r for r in fake.requests if not r.path.startswith("/sign/")]
    assert sign and all(r.headers.get("X-Api-Key") == API_KEY for r in sign)
    for r in tiktok:
        assert API_KEY not in f"{r.path} {r.query} {dict(r.headers)} {r.body!r}"
    for r in sign:  # untrusted sign host: no session id in any form
        assert SESSION_ID not in f"{r.path} {r.query} {dict(r.headers)} {r.cookies} {r.body!r}"
    assert tiktok[0].cookies["sessionid"] == SESSION_ID  # TikTok's own hosts get the login cookie
    for shake in fake.ws_handshakes:
        assert API_KEY not in f"{shake.params} {shake.headers}"


def test_sign_mode_with_a_trusted_host_keeps_both_secrets_out_of_the_library_logs(fake, capture):
    with logged_in_session(fake, trusted_sign_hosts=["127.0.0.1"]) as s:
        room_id = fake.room("someone").room_id
        fake.push(room_id, chat("hello"))
        fake.end_live(room_id)
        with tls.LiveClient("someone", session=s, connect="sign", **FAST) as client:
            events = list(client.events())
    assert any(isinstance(e, CommentEvent) for e in events)
    (fetch,) = fake.requests_to("GET /sign/webcast/fetch")
    assert fetch.query["session_id"] == SESSION_ID  # trusted: it was sent, so the check below means something
    ours_and_websocket = [line for line in capture.lines if not line.startswith("urllib3")]
    assert leaks(ours_and_websocket) == []
    # urllib3 logs request lines at DEBUG, and the trusted fetch carries the session id in its query
    # (the sign server's API); the API key, a header, is never in them
    assert not [line for line in capture.lines if API_KEY in line]


# -- errors: what a user prints never holds a secret, even if the server echoes it --------------------


def test_errors_raised_while_connecting_hold_no_secret(fake):
    errors: list[BaseException] = []
    with logged_in_session(fake) as s:
        with pytest.raises(tls.AuthenticatedWebSocketConnectionError) as caught:  # untrusted sign host
            list(tls.LiveClient("someone", session=s, connect="sign", **FAST).events())
        errors.append(caught.value)
    with logged_in_session(fake, trusted_sign_hosts=["127.0.0.1"], timeout=(2, 0.3)) as s:
        fake.fail_next("GET /sign/webcast/fetch", retry_after=60)
        fake.fail_next("GET /sign/webcast/fetch", status=503, times=3)
        fake.hang("GET /sign/webcast/fetch", times=3)
        for _ in range(3):
            with pytest.raises((tls.SignAPIError, requests.RequestException)) as caught:
                list(tls.LiveClient("someone", session=s, connect="sign", connect_attempts=1, **FAST).events())
            errors.append(caught.value)
        s.endpoints = tls.Endpoints().with_base(f"http://127.0.0.1:{closed_port()}")
        with pytest.raises(requests.ConnectionError) as caught:
            s.signer.fetch(1)
        errors.append(caught.value)
    # transport failures are requests' own exceptions (errors.py policy), scrubbed like the rest
    assert [type(e).__name__ for e in errors] == [
        "AuthenticatedWebSocketConnectionError", "SignatureRateLimitError", "SignAPIError", "ReadTimeout",
        "ConnectionError",
    ]
    assert leaks([printed(e) for e in errors]) == []


ECHO = f'{{"code": 401, "message": "api key {API_KEY} may not use session {SESSION_ID}"}}'


@pytest.mark.parametrize(
    "route, call",
    [
        ("GET /sign/webcast/fetch", lambda s: tls.fetch_signed_websocket(s, 7_300_000_000_000_000_001)),
        ("POST /sign/webcast/sign_url", lambda s: s.signer.sign_url("https://webcast.tiktok.com/webcast/x/?a=1")),
        ("POST /sign/webcast/chat", lambda s: tls.send_room_chat(s, "hi", room_id=7_300_000_000_000_000_001)),
    ],
    ids=["fetch", "sign_url", "chat"],
)
@pytest.mark.parametrize("status", [401, 429, 500])
def test_a_sign_server_that_echoes_the_secrets_does_not_get_them_into_the_error(fake, route, call, status):
    fake.fail_next(route, status=status, body=ECHO, times=None)
    with logged_in_session(fake, trusted_sign_hosts=["127.0.0.1"], retry=tls.RetryPolicy(attempts=1)) as s:
        with pytest.raises(tls.SignAPIError) as caught:
            call(s)
    text = printed(caught.value)
    assert leaks([text]) == []
    assert "may not use session" in text or status == 500 and "500" in text  # the server's words still show


def test_a_sign_server_that_echoes_the_api_key_in_an_unusable_200_does_not_get_it_into_the_error(fake):
    fake.fail_next("GET /sign/webcast/fetch", body=f"<html>key {API_KEY} is over quota</html>".encode(),
                   headers={"X-Set-TT-Cookie": "ttwid=1"})
    with logged_in_session(fake) as s, pytest.raises(tls.TikTokLiveError) as caught:
        tls.fetch_signed_websocket(s, 7_300_000_000_000_000_001, authenticated=False)
    assert leaks([printed(caught.value)]) == []
    assert "over quota" in printed(caught.value)


# -- TLS on the WebSocket side: a push server with a bad certificate is refused ----------------------


@pytest.fixture
def untrusted_wss() -> Iterator[str]:
    import ssl

    import trustme
    from websockets.sync.server import serve

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)  # a CA nobody trusts
    server = serve(lambda ws: ws.close(), "127.0.0.1", 0, ssl=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"wss://127.0.0.1:{server.socket.getsockname()[1]}/webcast/im/ws_proxy/ws_reuse_supplement/"
    finally:
        server.shutdown()
        thread.join(5)


def test_a_push_server_with_an_untrusted_certificate_is_refused(fake, untrusted_wss):
    fake.ws_direct_url = untrusted_wss
    with logged_in_session(fake) as s:
        with tls.LiveClient("someone", session=s, connect="direct", connect_attempts=2, **FAST) as client:
            with pytest.raises(ConnectionError) as caught:
                list(client.events())
    assert "certificate verify failed" in str(caught.value)
    assert client.stats.connections == 0
