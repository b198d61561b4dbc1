"""FakeTikTok's life cycle, request recording, endpoints, sessions and the pytest fixture."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

import tiktoklive_sync as tls
from tiktoklive_sync.testing import DIRECT_WS_PATH, FakeTikTok


def test_context_manager_starts_on_a_free_loopback_port_and_stops() -> None:
    with FakeTikTok() as fake:
        assert fake.running and fake.base_url == f"http://127.0.0.1:{fake.port}"
        with socket.create_connection(("127.0.0.1", fake.port), timeout=2):
            pass
        port = fake.port
    assert not fake.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.base_url
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_start_close_are_idempotent_and_restartable() -> None:
    fake = FakeTikTok()
    assert fake.start() is fake and fake.start() is fake
    fake.close()
    fake.close()
    fake.start()
    try:
        assert requests.get(fake.url("/"), timeout=5).status_code == 200
    finally:
        fake.close()
    assert "stopped" in repr(fake)


def test_two_fakes_do_not_share_state() -> None:
    with FakeTikTok() as a, FakeTikTok() as b:
        a.add_room("only_in_a")
        assert a.port != b.port
        assert b.rooms.by_unique_id("only_in_a") is None


def test_fixture_gives_a_running_fake(fake_tiktok: FakeTikTok) -> None:
    assert fake_tiktok.running
    assert requests.get(fake_tiktok.url("/"), timeout=5).status_code == 200


def test_requests_are_recorded_with_query_headers_cookies_body(fake_tiktok: FakeTikTok) -> None:
    http = requests.Session()
    http.trust_env = False
    http.post(
        fake_tiktok.url("/webcast/room/like/?room_id=5&count=2&count=3"),
        data=b"a=1&b=two",
        headers={"X-Test": "yes", "Cookie": "sessionid=abc; tt-target-idc=eu-ttp2"},
        timeout=5,
    )
    (req,) = fake_tiktok.requests
    assert req.route == "POST /webcast/room/like/"
    assert req.query == {"room_id": "5", "count": "3"} and req.query_lists["count"] == ["2", "3"]
    assert req.headers["x-test"] == "yes"
    assert req.cookies == {"sessionid": "abc", "tt-target-idc": "eu-ttp2"}
    assert req.body == b"a=1&b=two" and req.form() == {"a": "1", "b": "two"}
    assert "abc" in req.text()
    assert fake_tiktok.requests_to("POST /webcast/room/*/") == [req]
    assert fake_tiktok.requests_to("GET /webcast/room/like/") == []
    fake_tiktok.clear_requests()
    assert fake_tiktok.requests == []


def test_recording_is_thread_safe(fake_tiktok: FakeTikTok) -> None:
    def hit() -> None:
        with requests.Session() as s:
            s.trust_env = False
            for _ in range(10):
                s.get(fake_tiktok.url("/img/x.png"), timeout=5)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake_tiktok.requests_to("GET /img/x.png")) == 40


def test_endpoints_point_every_host_at_the_fake(fake_tiktok: FakeTikTok) -> None:
    ep = fake_tiktok.endpoints
    base = fake_tiktok.base_url
    assert (ep.web, ep.webcast, ep.sign) == (base, base + "/webcast", base + "/sign")
    assert ep.cookie_domain == "127.0.0.1" and ep.sign_host == "127.0.0.1"
    # the wired push server's direct endpoint, or a placeholder on the fake itself: never a real host
    assert ep.ws_direct == (fake_tiktok.ws_direct_url or f"ws://127.0.0.1:{fake_tiktok.port}{DIRECT_WS_PATH}")
    assert ep.ws_direct.startswith("ws://127.0.0.1:")
    fake_tiktok.ws_direct_url = None
    assert fake_tiktok.endpoints.ws_direct == f"ws://127.0.0.1:{fake_tiktok.port}{DIRECT_WS_PATH}"
    fake_tiktok.ws_direct_url = "ws://127.0.0.1:9/direct/"
    assert fake_tiktok.endpoints.ws_direct == "ws://127.0.0.1:9/direct/"


def test_session_ignores_proxy_environment(fake_tiktok: FakeTikTok, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "")
    with fake_tiktok.session(timeout=5) as s:
        assert isinstance(s, tls.Session) and s.trust_env is False
        assert s.get(fake_tiktok.url("/")).status_code == 200
        s.set_session("secret-session", "useast2a")
        s.get(fake_tiktok.url("/webcast/gift/list/"))
    assert fake_tiktok.requests[-1].cookies["sessionid"] == "secret-session"


def test_rooms_add_change_and_remove(fake_tiktok: FakeTikTok) -> None:
    room = fake_tiktok.add_room("@Some_One", user_count=9)
    assert room.unique_id == "some_one" and room.room_id > 10**18 and room.nickname == "Some One"
    assert fake_tiktok.room("SOME_ONE") is room
    assert fake_tiktok.set_live("some_one", False).status == 4
    other = fake_tiktok.add_room("other")
    assert other.room_id != room.room_id and other.user_id != room.user_id
    with pytest.raises(ValueError, match="already belongs"):
        fake_tiktok.add_room("third", room_id=room.room_id)
    with pytest.raises(ValueError):
        fake_tiktok.add_room("  @ ")
    fake_tiktok.remove_user("some_one")
    with pytest.raises(KeyError):
        fake_tiktok.room("some_one")


def test_streams_are_404_without_a_source_and_handed_to_the_source(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.streams = None
    url = fake_tiktok.url("/stream/77/hd.flv")
    assert requests.get(url, timeout=5).status_code == 404
    seen: list[tuple[int, str]] = []

    class Source:
        def serve(self, handler: object, room_id: int, quality: str) -> None:
            seen.append((room_id, quality))
            handler.send_response(200)  # type: ignore[attr-defined]
            handler.send_header("Content-Type", "video/x-flv")  # type: ignore[attr-defined]
            handler.end_headers()  # type: ignore[attr-defined]
            handler.wfile.write(b"FLV\x01")  # type: ignore[attr-defined]

    fake_tiktok.streams = Source()
    r = requests.get(url, timeout=5)
    assert (r.status_code, r.content, seen) == (200, b"FLV\x01", [(77, "hd")])


def test_a_crashing_route_answers_500(fake_tiktok: FakeTikTok) -> None:
    fake_tiktok.check_alive_limit = "not a number"  # type: ignore[assignment]
    r = requests.get(fake_tiktok.url("/webcast/room/check_alive/"), params={"room_ids": "1"}, timeout=5)
    assert r.status_code == 500 and "FakeTikTok route failed" in r.json()["message"]
