"""The ways in: what each path sends in its handshake, where ttwid comes from, and when auto falls back."""

from __future__ import annotations

import socket
import threading

import pytest
import responses

import tiktoklive_sync as tls
from tests.helpers.live import FAST, chat
from tiktoklive_sync import testing
from tiktoklive_sync.errors import WebSocketRefusedError
from tiktoklive_sync.live._dial import ensure_ttwid, ttwid_pages
from tiktoklive_sync.testing import FakeTikTok

WEB = "https://www.tiktok.com"


def _watch_until_comment(fake: FakeTikTok, connect: str) -> list[tls.Event]:
    room_id = fake.room("someone").room_id
    fake.push(room_id, chat("hello"), testing.live_end(room_id=room_id))
    with tls.LiveClient("someone", session=fake.session(), connect=connect, **FAST) as client:
        return list(client.events())


def test_the_direct_path_asks_for_no_subprotocol_and_the_sign_path_for_echo_protocol(fake):
    _watch_until_comment(fake, "direct")
    _watch_until_comment(fake, "sign")
    direct, sign = fake.ws_handshakes
    assert (direct.mode, direct.status, sign.mode, sign.status) == ("direct", 101, "sign", 101)
    assert "sec-websocket-protocol" not in direct.headers  # as TikTok's direct clients connect
    assert direct.headers["origin"] == fake.session().endpoints.web.rstrip("/")
    assert sign.headers["sec-websocket-protocol"] == "echo-protocol"


class Refuser:
    """A direct endpoint that fails every handshake: an HTTP status, or a connection closed unanswered."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"ws://127.0.0.1:{self.listener.getsockname()[1]}/webcast/im/ws_proxy/ws_reuse_supplement/"
        self.shakes = 0
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    request = b""
                    while b"\r\n\r\n" not in request:
                        request += conn.recv(4096) or b"\r\n\r\n"
                    self.shakes += 1
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self.closing.set()
        self.thread.join(5)
        self.listener.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: wrong\r\n\r\n",
        b"",  # the connection closes without an answer
    ],
    ids=["400", "502", "bad accept", "closed"],
)
def test_auto_falls_back_to_the_sign_server_on_any_failed_direct_handshake(fake, answer):
    refuser = Refuser(answer)
    fake.ws_direct_url = refuser.url
    try:
        events = _watch_until_comment(fake, "auto")
    finally:
        refuser.close()
    assert refuser.shakes == 1  # tried once; the fallback sticks for the rest of the run
    assert [e.mode for e in events if isinstance(e, tls.ConnectEvent)] == ["sign"]
    assert [e.comment for e in events if isinstance(e, tls.CommentEvent)] == ["hello"]


def test_forced_direct_does_not_fall_back(fake):
    refuser = Refuser(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    fake.ws_direct_url = refuser.url
    try:
        with pytest.raises(tls.PushConnectionError, match="HTTP 400"), tls.LiveClient(
            "someone", session=fake.session(), connect="direct", **{**FAST, "connect_attempts": 2}
        ) as client:
            list(client.events())
    finally:
        refuser.close()
    assert refuser.shakes == 2
    assert not fake.requests_to("GET /sign/webcast/fetch")


# -- ttwid ---------------------------------------------------------------------------------------


def test_ttwid_pages_are_the_profile_then_the_home_page():
    assert ttwid_pages("some.one") == ["/@some.one", "/"]
    assert ttwid_pages(None) == ["/"]


@responses.activate
def test_ttwid_comes_from_the_profile_page_without_asking_the_home_page():
    responses.get(f"{WEB}/@someone", body="<html></html>", headers={"Set-Cookie": "ttwid=from-profile; Path=/"})
    session = tls.Session()
    assert ensure_ttwid(session, unique_id="someone") == "from-profile"
    assert [c.request.url for c in responses.calls] == [f"{WEB}/@someone"]
    assert ensure_ttwid(session, unique_id="someone") == "from-profile"  # held: no second request
    assert len(responses.calls) == 1


@responses.activate
def test_ttwid_falls_back_to_the_home_page():
    responses.get(f"{WEB}/@someone", body="<html></html>")
    responses.get(f"{WEB}/", body="<html></html>", headers={"Set-Cookie": "ttwid=from-home; Path=/"})
    assert ensure_ttwid(tls.Session(), unique_id="someone") == "from-home"
    assert [c.request.url for c in responses.calls] == [f"{WEB}/@someone", f"{WEB}/"]


@responses.activate
def test_no_page_setting_ttwid_is_a_refusal_of_the_direct_path():
    responses.get(f"{WEB}/@someone", body="<html></html>")
    responses.get(f"{WEB}/", body="<html></html>", status=403)
    with pytest.raises(WebSocketRefusedError, match="ttwid") as caught:
        ensure_ttwid(tls.Session(), unique_id="someone")
    assert (caught.value.mode, caught.value.status) == ("direct", 403)


@responses.activate
def test_a_fresh_ttwid_replaces_the_one_held():
    responses.get(f"{WEB}/@someone", body="", headers={"Set-Cookie": "ttwid=second; Path=/"})
    session = tls.Session()
    session.cookies.set("ttwid", "first", domain=".tiktok.com")
    assert ensure_ttwid(session, unique_id="someone") == "first"
    assert ensure_ttwid(session, unique_id="someone", fresh=True) == "second"
