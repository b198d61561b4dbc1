"""Session: defaults merged in one place, cookies, time-outs, TLS, secrets."""

from __future__ import annotations

import logging

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tiktoklive_sync._session import DEFAULT_TIMEOUT, redact

SID = "f3c9a1b2c3d4e5f60718293a4b5c6d7e"


def test_default_headers_and_params_follow_the_protocol() -> None:
    s = tls.Session()
    assert s.headers["Referer"] == "https://www.tiktok.com/"
    assert s.headers["Origin"] == "https://www.tiktok.com"
    assert s.headers["User-Agent"] == s.profile.user_agent
    params = s.default_params()
    assert params["aid"] == "1988" and params["app_name"] == "tiktok_web"
    assert params["device_platform"] == "web_pc"
    assert params["user_is_login"] == "false"
    assert params["browser_name"] == "Mozilla"
    # raw text: requests percent-encodes it exactly once
    assert params["browser_version"] == s.profile.user_agent.split("/", 1)[1]
    assert len(params["device_id"]) == 20 and params["device_id"] == str(s.device_id)
    assert s.cookies.get("tt-target-idc", domain=".tiktok.com") == "useast1a"


@responses.activate
def test_browser_version_is_encoded_exactly_once_on_the_wire() -> None:
    responses.get("https://webcast.tiktok.com/webcast/x/", json={})
    s = tls.Session()
    s.get(s.endpoints.webcast_url("/x/"), params=s.api_params(room_id=5))
    url = responses.calls[0].request.url
    assert "%25" not in url  # no double encoding
    assert "room_id=5" in url
    assert "browser_version=5.0+%28" in url or "browser_version=5.0%20%28" in url


def test_device_id_is_per_session_and_regenerates() -> None:
    s = tls.Session()
    first = s.device_id
    assert s.default_params()["device_id"] == s.default_params()["device_id"]
    assert s.regenerate_device_id() != first


def test_set_session_sets_all_cookies_and_login_flag() -> None:
    s = tls.Session()
    s.set_session(SID, "eu-ttp2")
    for name in ("sessionid", "sessionid_ss", "sid_tt"):
        assert s.cookies.get(name, domain=".tiktok.com") == SID
    assert s.tt_target_idc == "eu-ttp2"
    assert s.logged_in and s.default_params()["user_is_login"] == "true"
    s.set_session(None, None)
    assert not s.logged_in


def test_set_session_requires_target_idc() -> None:
    with pytest.raises(ValueError, match="tt_target_idc"):
        tls.Session().set_session(SID)


def test_session_id_is_not_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s = tls.Session(sign_api_key="key-123456789")
    s.set_session(SID, "eu-ttp2")
    assert SID not in repr(s) and "key-123456789" not in repr(s)
    assert SID not in caplog.text
    assert redact(SID) == SID[:4] + "********"


@pytest.mark.parametrize("bad", [0, -1, (5, 0), "5"])
def test_bad_timeout_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        tls.Session(timeout=bad)  # type: ignore[arg-type]


@responses.activate
def test_default_timeout_is_applied_to_every_request(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real_send = requests.Session.send

    def spy(self: requests.Session, request: requests.PreparedRequest, **kw: object) -> requests.Response:
        seen.append(kw.get("timeout"))
        return real_send(self, request, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.Session, "send", spy)
    responses.get("https://www.tiktok.com/a", body="x")
    s = tls.Session()
    s.get("https://www.tiktok.com/a")
    s.get("https://www.tiktok.com/a", timeout=None)
    s.get("https://www.tiktok.com/a", timeout=2)
    assert seen == [DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, 2]


def test_tls_verification_cannot_be_turned_off() -> None:
    s = tls.Session()
    with pytest.raises(ValueError, match="CA bundle"):
        s.verify = False
    with pytest.raises(ValueError, match="CA bundle"):
        s.get("https://www.tiktok.com/", verify=False)
    s.verify = "/etc/ssl/certs/ca-certificates.crt"  # a bundle path is allowed
    assert s.verify.endswith(".crt")


def test_proxies_and_endpoints_are_used() -> None:
    ep = tls.Endpoints().with_base("http://127.0.0.1:9")
    s = tls.Session(proxies={"https": "http://proxy.invalid:3128"}, endpoints=ep)
    assert s.proxies["https"] == "http://proxy.invalid:3128"
    assert s.endpoints.webcast_url("/room/info/") == "http://127.0.0.1:9/webcast/room/info/"
    assert s.endpoints.sign_url("/webcast/fetch") == "http://127.0.0.1:9/sign/webcast/fetch"
    assert s.endpoints.sign_host == "127.0.0.1"


def test_trusted_sign_hosts_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHITELIST_AUTHENTICATED_SESSION_ID_HOST", "api.eulerstream.com")
    assert tls.Session().trusts_sign_host()
    monkeypatch.delenv("WHITELIST_AUTHENTICATED_SESSION_ID_HOST")
    assert not tls.Session().trusts_sign_host()


def test_positional_request_options_are_refused() -> None:
    with pytest.raises(TypeError, match="keyword"):
        tls.Session().request("GET", "https://www.tiktok.com/", {"a": 1})
