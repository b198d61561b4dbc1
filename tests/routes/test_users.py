"""fetch_user_unique_id (PROTOCOL.md 2.7): numeric id -> @handle from the profile page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

import tiktoklive_sync as tls
from tests.helpers.payloads import USER_ID, WEB, html_page, profile_html, universal_state

PROFILE = f"{WEB}/@{USER_ID}"


@pytest.mark.parametrize("user_id", [USER_ID, str(USER_ID)])
def test_resolves_the_unique_id(session, mocked, user_id) -> None:
    mocked.get(PROFILE, body=profile_html(universal_state("some.one_2")))
    assert tls.fetch_user_unique_id(session, user_id) == "some.one_2"
    assert urlsplit(mocked.calls[0].request.url).query == ""  # a page: no default params


def test_page_without_app_data(session, mocked) -> None:
    mocked.get(PROFILE, body=html_page(title="Security Check"))
    with pytest.raises(tls.FailedParseAppInfo, match="__UNIVERSAL_DATA_FOR_REHYDRATION__") as caught:
        tls.fetch_user_unique_id(session, USER_ID)
    assert caught.value.status == 200 and "Security Check" in caught.value.excerpt


def test_app_data_not_json(session, mocked) -> None:
    mocked.get(PROFILE, body='<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{oops</script>')
    with pytest.raises(tls.FailedParseAppInfo, match="not JSON"):
        tls.fetch_user_unique_id(session, USER_ID)


def test_error_status(session, mocked) -> None:
    mocked.get(PROFILE, body="server error", status=500)
    with pytest.raises(tls.FailedParseAppInfo) as caught:
        tls.fetch_user_unique_id(session, USER_ID)
    assert caught.value.status == 500


def test_unknown_user(session, mocked) -> None:
    mocked.get(PROFILE, body=profile_html(universal_state(None, status_code=10221)))
    with pytest.raises(tls.FailedResolveUserId, match="statusCode 10221"):
        tls.fetch_user_unique_id(session, USER_ID)


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"__DEFAULT_SCOPE__": None},
        {"__DEFAULT_SCOPE__": {"webapp.user-detail": {"userInfo": {"user": {"uniqueId": None}}}}},
        {"__DEFAULT_SCOPE__": {"webapp.user-detail": {"userInfo": {"user": {"uniqueId": "  "}}}}},
        {"__DEFAULT_SCOPE__": {"webapp.user-detail": {"userInfo": []}}},
        [1, 2],
    ],
)
def test_app_data_missing_the_keys(session, mocked, state) -> None:
    mocked.get(PROFILE, body=profile_html(state))
    with pytest.raises(tls.FailedResolveUserId):
        tls.fetch_user_unique_id(session, USER_ID)


def test_login_redirect(session, mocked) -> None:
    mocked.get(PROFILE, status=302, headers={"Location": f"{WEB}/login?redirect_url={USER_ID}"})
    mocked.get(f"{WEB}/login", body="log in")
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_user_unique_id(session, USER_ID)


@pytest.mark.parametrize("bad", [0, -1, "someone", "", True, 1.0])
def test_bad_user_id(session, mocked, bad) -> None:
    with pytest.raises(ValueError, match="user_id"):
        tls.fetch_user_unique_id(session, bad)
    assert len(mocked.calls) == 0


def test_hung_server_is_a_requests_timeout(session, mocked) -> None:
    mocked.get(PROFILE, body=requests.ReadTimeout("read timed out (test)"))
    with pytest.raises(requests.Timeout):
        tls.fetch_user_unique_id(session, USER_ID)
