"""TLS verification stays on: a sign host or TikTok host with an untrusted certificate is refused."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme

import tiktoklive_sync as tls


class _Handler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).hits += 1
        self.send_response(200)
        self.send_header("X-Set-TT-Cookie", "ttwid=1")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"\x12\x00")

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def https_server(tmp_path: Path) -> Iterator[tuple[str, trustme.CA]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.hits = 0
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", ca
    finally:
        server.shutdown()
        server.server_close()


def _session(base: str) -> tls.Session:
    session = tls.Session(endpoints=tls.Endpoints().with_base(base), retry=tls.RetryPolicy(attempts=1),
                          timeout=(3, 3))
    session.trust_env = False
    return session


def test_sign_host_with_an_untrusted_certificate_is_refused(https_server: tuple[str, trustme.CA]) -> None:
    base, _ = https_server
    with pytest.raises(requests.exceptions.SSLError) as info:  # requests' own, never wrapped
        _session(base).signer.fetch(1)
    assert not isinstance(info.value, tls.SignAPIError)


def test_tiktok_host_with_an_untrusted_certificate_is_refused(https_server: tuple[str, trustme.CA]) -> None:
    base, _ = https_server
    with pytest.raises(requests.exceptions.SSLError):
        _session(base).get(base + "/webcast/room/info/")


def test_a_ca_bundle_is_the_way_to_trust_a_private_certificate(
    https_server: tuple[str, trustme.CA], tmp_path: Path
) -> None:
    base, ca = https_server
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    session = _session(base)
    session.verify = str(bundle)
    assert session.signer.fetch(1).cookies == {"ttwid": "1"}
    assert _Handler.hits == 1


def _wss_server(ca: trustme.CA) -> tuple[Any, threading.Thread, str]:
    from websockets.sync.server import serve

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0, ssl=context, subprotocols=["echo-protocol"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"wss://127.0.0.1:{server.socket.getsockname()[1]}/ws"


def test_the_push_socket_verifies_with_the_sessions_ca_bundle(tmp_path: Path) -> None:
    from tiktoklive_sync.errors import PushConnectionError
    from tiktoklive_sync.live._connection import PushConnection, WebSocketTarget

    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server, thread, url = _wss_server(ca)
    try:
        refused = PushConnection(WebSocketTarget(url=url, cookie="", user_agent="UA"), room_id=1, connect_timeout=5)
        with pytest.raises(PushConnectionError, match="certificate verify failed"):
            refused.open()
        trusted = PushConnection(
            WebSocketTarget(url=url, cookie="", user_agent="UA", ca_bundle=str(bundle)), room_id=1, connect_timeout=5
        )
        trusted.open()
        assert trusted.connected
        trusted.close()
    finally:
        server.shutdown()
        thread.join(5)


@pytest.mark.parametrize("bad", [0, "", [], None, False, 0.0, "/nonexistent/ca-bundle.pem"])
def test_verify_is_true_or_an_existing_ca_bundle_on_the_session(bad: Any) -> None:
    # os.getenv("CA_BUNDLE", "") and friends used to reach a self-signed server
    session = tls.Session()
    with pytest.raises(ValueError, match="verify"):
        session.verify = bad
    assert session.verify is True


@pytest.mark.parametrize("bad", [0, "", [], False, 0.0, "/nonexistent/ca-bundle.pem"])
def test_verify_per_request_is_checked_before_anything_is_sent(https_server, bad: Any) -> None:
    base, _ = https_server
    session = _session(base)
    with pytest.raises(ValueError, match="verify"):
        session.get(base + "/", verify=bad)
    prepared = requests.Request("GET", base + "/").prepare()
    with pytest.raises(ValueError, match="verify"):
        session.send(prepared, verify=bad)
    assert _Handler.hits == 0  # the self-signed server never saw a request


def test_a_ca_bundle_path_is_accepted_and_trusts_that_server(https_server, tmp_path: Path) -> None:
    base, ca = https_server
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    session = _session(base)
    session.verify = str(bundle)
    assert session.get(base + "/").status_code == 200 and _Handler.hits == 1
