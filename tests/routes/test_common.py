"""The shared route helpers: argument checks and turning bad answers into named errors."""

from __future__ import annotations

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tiktoklive_sync.routes._common import (
    check_room_id,
    is_login_redirect,
    normalize_unique_id,
    read_json_object,
    read_script_json,
)

URL = "https://web.example.test/page"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("someone", "someone"),
        ("@someone", "someone"),
        ("  @someone \n", "someone"),
        ("https://www.tiktok.com/@someone/live", "someone"),
        ("https://www.tiktok.com/@some.one_2/live/", "some.one_2"),
        ("www.tiktok.com/@someone", "someone"),
        ("https://m.tiktok.com/@someone/live?lang=en&is_from_webapp=1", "someone"),
        ("someone/live", "someone"),
        ("@@twoats", "@twoats"),  # only the first @ is TikTok's prefix
    ],
)
def test_normalize_unique_id_strips_what_people_paste(typed: str, expected: str) -> None:
    assert normalize_unique_id(typed) == expected


@pytest.mark.parametrize("bad", ["", "   ", "@", " @ ", "https://www.tiktok.com/@/live", "two words", "a/b"])
def test_normalize_unique_id_refuses_empty_or_odd_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="unique_id"):
        normalize_unique_id(bad)


def test_normalize_unique_id_refuses_non_strings() -> None:
    with pytest.raises(ValueError, match="must be a str"):
        normalize_unique_id(12345)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected"), [(1, 1), (7451132632405510917, 7451132632405510917), ("42", 42), (" 42 ", 42)]
)
def test_check_room_id_accepts_positive_ints_and_digit_strings(given: object, expected: int) -> None:
    assert check_room_id(given) == expected


@pytest.mark.parametrize("bad", [0, -5, "0", "-5", "12a", "", "4.0", 4.0, True, False, None, [1], "٣"])
def test_check_room_id_refuses_everything_else(bad: object) -> None:
    with pytest.raises(ValueError, match="room_id"):
        check_room_id(bad)


@responses.activate
def test_is_login_redirect_sees_a_followed_redirect() -> None:
    responses.get(URL, status=302, headers={"Location": "https://web.example.test/login?redirect_url=x"})
    responses.get("https://web.example.test/login", body="<html>log in</html>")
    response = requests.get(URL, timeout=5)
    assert is_login_redirect(response)


@responses.activate
def test_is_login_redirect_sees_an_unfollowed_redirect_and_ignores_handles_named_login() -> None:
    responses.get(URL, status=302, headers={"Location": "/login/phone-or-email"})
    responses.get("https://web.example.test/@login/live", body="ok")
    assert is_login_redirect(requests.get(URL, timeout=5, allow_redirects=False))
    assert not is_login_redirect(requests.get("https://web.example.test/@login/live", timeout=5))


@responses.activate
def test_read_json_object_names_status_and_excerpt() -> None:
    responses.get(URL, body="<html>captcha here</html>", status=200)
    response = requests.get(URL, timeout=5)
    with pytest.raises(tls.FailedFetchGiftListError) as caught:
        read_json_object(response, tls.FailedFetchGiftListError, "the gift list")
    assert caught.value.status == 200
    assert "captcha here" in caught.value.excerpt
    assert "not JSON" in str(caught.value)
    assert isinstance(caught.value.__cause__, ValueError)


@responses.activate
def test_read_json_object_refuses_a_json_list_and_an_error_status() -> None:
    responses.get(URL, json=[1, 2])
    responses.get(URL + "2", json={"ok": True}, status=503)
    with pytest.raises(tls.FailedFetchRoomInfoError, match="not a JSON object"):
        read_json_object(requests.get(URL, timeout=5), tls.FailedFetchRoomInfoError, "x")
    with pytest.raises(tls.FailedFetchRoomInfoError) as caught:
        read_json_object(requests.get(URL + "2", timeout=5), tls.FailedFetchRoomInfoError, "x")
    assert caught.value.status == 503


@responses.activate
def test_read_script_json_decodes_utf8_without_a_charset() -> None:
    # requests would guess Latin-1 for text/html without a charset; the helper must not
    page = '<html><script type="application/json" id="DATA">{"name":"Zoë 🌹"}</script></html>'
    responses.get(URL, body=page.encode("utf-8"), content_type="text/html")
    data = read_script_json(requests.get(URL, timeout=5), "DATA", tls.FailedParseAppInfo, "p")
    assert data == {"name": "Zoë 🌹"}


@responses.activate
def test_read_script_json_missing_and_broken_scripts_are_named_errors() -> None:
    responses.get(URL, body="<html><body>Please verify you are human</body></html>")
    responses.get(URL + "2", body='<html><script id="DATA">{"cut":</script></html>')
    with pytest.raises(tls.FailedParseAppInfo, match="no DATA data") as missing:
        read_script_json(requests.get(URL, timeout=5), "DATA", tls.FailedParseAppInfo, "p")
    assert "verify you are human" in missing.value.excerpt
    with pytest.raises(tls.FailedParseAppInfo, match="not JSON"):
        read_script_json(requests.get(URL + "2", timeout=5), "DATA", tls.FailedParseAppInfo, "p")


@responses.activate
def test_transport_failures_are_requests_own_exceptions_in_every_route() -> None:
    """The error policy: no route wraps a transport failure, and no class is minted at runtime."""
    webcast = "https://webcast.tiktok.com/webcast"
    for path in ("/room/info/", "/gift/list/", "/room/check_alive/"):
        responses.get(webcast + path, body=requests.ReadTimeout("read timed out"))
    with tls.Session(retry=tls.RetryPolicy(attempts=1)) as s:
        calls = (
            lambda: tls.fetch_room_info(s, room_id=1),
            lambda: tls.fetch_gift_list(s),
            lambda: tls.fetch_is_live(s, room_id=1),
        )
        for call in calls:
            with pytest.raises(requests.ReadTimeout) as caught:
                call()
            assert type(caught.value) is requests.ReadTimeout
            assert not isinstance(caught.value, tls.TikTokLiveError)
    import tiktoklive_sync.routes._common as common

    assert not hasattr(common, "transport_error") and not hasattr(common, "_TRANSPORT_CLASSES")
