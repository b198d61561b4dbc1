"""The push socket goes through the Session's proxy, chosen the way requests chooses it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import BrowserProfile
from tiktoklive_sync.live._connection import PushConnection, WebSocketTarget, proxy_options
from tiktoklive_sync.live._dial import _proxy
from tiktoklive_sync.live._urls import build_direct_url
from tiktoklive_sync.testing import FakeTikTok


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 that records the targets it tunnelled to."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.tunnels: list[str] = []
        self.auth: list[str] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        self.auth += [line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("proxy-authorization")]
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass  # one side closed: the tunnel is over
        finally:
            for s in (src, dst):
                s.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def proxy() -> Iterator[ConnectProxy]:
    p = ConnectProxy()
    yield p
    p.close()


def test_the_push_connection_tunnels_through_the_proxy(proxy: ConnectProxy) -> None:
    with FakeTikTok() as fake:
        room = fake.add_room("someone")
        url = build_direct_url(fake.push_server.direct_url, room.room_id, BrowserProfile())
        target = WebSocketTarget(url=url, cookie=f"ttwid={fake.issue_ttwid()}", user_agent="UA", mode="direct",
                                 origin="https://www.tiktok.com", proxy=f"http://user:p%40ss@127.0.0.1:{proxy.port}")
        conn = PushConnection(target, room_id=room.room_id, connect_timeout=5)
        conn.open()
        assert conn.connected
        conn.close()
    host_port = url.split("/")[2]
    assert proxy.tunnels == [host_port]
    assert proxy.auth and proxy.auth[0].startswith("Basic ")


def test_the_proxy_is_chosen_like_requests_chooses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy.invalid:3128")
    s = tls.Session(proxies={"http": "http://session-proxy.invalid:8080"})
    assert _proxy(s, "ws://push.example/ws") == "http://session-proxy.invalid:8080"
    assert _proxy(s, "wss://push.example/ws") == "http://env-proxy.invalid:3128"
    s.trust_env = False  # e.g. FakeTikTok sessions: the environment is ignored, as requests would
    assert _proxy(s, "wss://push.example/ws") is None
    monkeypatch.setenv("NO_PROXY", "push.example")
    assert _proxy(tls.Session(), "wss://push.example/ws") is None


def test_proxy_options() -> None:
    assert proxy_options(None) == {"http_no_proxy": ["*"]}
    opts = proxy_options("socks5h://u:p@10.1.2.3")
    assert (opts["http_proxy_host"], opts["http_proxy_port"], opts["proxy_type"]) == ("10.1.2.3", 1080, "socks5h")
    assert opts["http_proxy_auth"] == ("u", "p")
    assert proxy_options("https://proxy.example:8443")["proxy_type"] == "http"
    with pytest.raises(ValueError, match="unsupported proxy"):
        proxy_options("ftp://proxy.example")
