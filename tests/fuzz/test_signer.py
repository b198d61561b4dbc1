"""Fuzzing the sign server client: ``/webcast/fetch`` (protobuf body and headers) and
``/webcast/sign_url`` (JSON), including the signed gift list that uses it.

The sign server's answers are served from memory by a transport mounted on the Session. The
property: a valid SignedFetch / SignedUrl / GiftList, or a named ``TikTokLiveError`` (the sign
server's errors are ``SignAPIError`` subclasses); nothing else escapes, nothing hangs, and the
API key never appears in an error message.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tiktoklive_sync as tls
from tests.helpers.fuzz import (
    HEADER_TEXT,
    Answer,
    CannedAdapter,
    outcome,
    real_gift_list,
)
from tests.helpers.fuzz_values import (
    arbitrary_json,
    deep,
    json_bytes,
    mutated_bytes,
    mutated_json,
)
from tests.helpers.payloads import ROOM_ID, fetch_result_bytes, make_session

API_KEY = "fuzz-sign-key-0123456789"
GIFT_URL = "https://api.example.test/webcast/gift/list/?aid=1988&msToken=old&X-Bogus=old"

COOKIES = st.sampled_from(["ttwid=1%7Cabc; msToken=xyz", "ttwid=abc", "", ";", "=", "a=", "=b", ";;a=1;;", " ; x = 2 "])
ROOM_HEADERS = st.sampled_from([str(ROOM_ID), "", "0", "-1", " 5", "\u00b2", "\u00b9\u00b2\u00b3", "1" * 5000, "12a"])
WAITS = st.sampled_from([
    "5", "0", "-1", "0.5", "1e999", "-1e999", "nan", "inf", "1" * 400, "99999999999999999999",
    "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
    "Thu, 99 Zzz 2024 99:99:99 GMT", "Thu, 01 Jan 1970 00:00:00 +9999", "Sun, 06 Nov 1994 08:49:37",
])
SIGN_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "X-Set-TT-Cookie": COOKIES | HEADER_TEXT,
        "X-Room-Id": ROOM_HEADERS | HEADER_TEXT,
        "X-Request-Id": HEADER_TEXT,
        "X-Agent-Id": HEADER_TEXT,
        "Retry-After": WAITS | HEADER_TEXT,
        "RateLimit-Reset": WAITS | HEADER_TEXT,
        "Content-Type": st.sampled_from(["application/protobuf", "application/json", "text/html"]),
    },
)
SIGN_STATUSES = st.sampled_from([200] * 6 + [204, 301, 400, 402, 403, 404, 429, 429, 500, 503])
RATE_LIMITED = {"message": "Too many requests from this IP", "limit_label": "anonymous: 10 per minute"}


@functools.cache
def _signer_session() -> tuple[tls.Session, CannedAdapter]:
    """A Session with an API key (to check it never leaks) whose requests are all canned."""
    session = make_session(sign_api_key=API_KEY)
    session.trust_env = False
    adapter = CannedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


def _run(call: Any, *answers: Answer) -> Any:
    session, adapter = _signer_session()
    adapter.serve(*answers)
    result = outcome(lambda: call(session))
    if isinstance(result, tls.TikTokLiveError):
        assert API_KEY not in str(result) and API_KEY not in repr(result)
        if isinstance(result, tls.SignatureRateLimitError) and result.retry_after is not None:
            assert result.retry_after >= 0  # (False for NaN too)
    for request in adapter.requests:  # the key travels in its header only
        assert API_KEY not in (request.url or "")
    return result


# -- /webcast/fetch: protobuf body, cookies and ids in headers ---------------------------------

FETCH_BODIES = st.one_of(
    st.just(fetch_result_bytes()),
    mutated_bytes(fetch_result_bytes()),
    mutated_json(RATE_LIMITED).map(json_bytes),
    arbitrary_json.map(json_bytes),
    st.binary(max_size=48),
)


@given(st.builds(Answer, FETCH_BODIES, SIGN_STATUSES, SIGN_HEADERS))
def test_sign_fetch_gives_the_bootstrap_or_a_named_error(answer: Answer) -> None:
    result = _run(lambda s: s.signer.fetch(ROOM_ID), answer)
    if answer.status == 429:
        assert isinstance(result, tls.SignatureRateLimitError)
    if isinstance(result, tls.TikTokLiveError):
        assert isinstance(result, tls.SignAPIError)
        return
    assert isinstance(result, tls.SignedFetch) and answer.status == 200
    assert result.body == answer.body and result.body
    assert result.cookies and all(isinstance(k, str) and isinstance(v, str) for k, v in result.cookies.items())
    assert result.room_id is None or (isinstance(result.room_id, int) and result.room_id >= 0)


# -- /webcast/sign_url: JSON; and the signed gift list that uses it ----------------------------

SIGNED = {
    "code": 200,
    "message": "ok",
    "response": {
        "signedUrl": "https://api.example.test/webcast/gift/list/?aid=1988&msToken=abc&X-Bogus=DFSz&_signature=_02B",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0",
        "browserName": "Mozilla",
        "browserVersion": "5.0",
        "tokens": {"msToken": "abc", "X-Bogus": "DFSz"},
        "requestHeaders": {},
        "cookies": {},
    },
}
SIGN_URL_BODIES = st.one_of(
    mutated_json(SIGNED).map(json_bytes),
    mutated_json(SIGNED).map(json_bytes),
    mutated_bytes(json_bytes(SIGNED)),
    mutated_json(RATE_LIMITED).map(json_bytes),
    arbitrary_json.map(json_bytes),
    st.binary(max_size=48),
)
_GIFTS = real_gift_list()
_THREE_GIFTS = {**_GIFTS["data"], "gifts": _GIFTS["data"]["gifts"][:3], "pages": []}
GIFT_ANSWER = Answer(json_bytes({**_GIFTS, "data": _THREE_GIFTS}))


@given(st.builds(Answer, SIGN_URL_BODIES, SIGN_STATUSES, SIGN_HEADERS), st.sampled_from([False, False, True]))
def test_sign_url_gives_a_signed_url_or_a_named_error(answer: Answer, via_gift_list: bool) -> None:
    if via_gift_list:
        # the route signs the URL, then fetches the signed URL (which the canned gift list answers)
        result = _run(lambda s: tls.fetch_gift_list(s, signed=True), answer, GIFT_ANSWER)
        if not isinstance(result, tls.TikTokLiveError):
            assert isinstance(result, tls.GiftList) and len(result) == 3
            return
    else:
        result = _run(lambda s: s.signer.sign_url(GIFT_URL), answer)
    if answer.status == 429:
        assert isinstance(result, tls.SignatureRateLimitError)
    if isinstance(result, tls.TikTokLiveError):
        return
    assert isinstance(result, tls.SignedUrl) and answer.status == 200
    assert isinstance(result.url, str) and "msToken" in result.url
    assert isinstance(result.user_agent, str) and result.user_agent


def test_the_unmutated_sign_answers_parse() -> None:
    fetched = _run(lambda s: s.signer.fetch(ROOM_ID),
                   Answer(fetch_result_bytes(), headers={"X-Set-TT-Cookie": "ttwid=abc", "X-Room-Id": str(ROOM_ID)}))
    assert isinstance(fetched, tls.SignedFetch) and fetched.cookies == {"ttwid": "abc"} and fetched.room_id == ROOM_ID
    signed = _run(lambda s: s.signer.sign_url(GIFT_URL), Answer(json_bytes(SIGNED)))
    assert isinstance(signed, tls.SignedUrl) and signed.url == SIGNED["response"]["signedUrl"]


# -- bugs the fuzzing found (kept as plain regression tests) -----------------------------------


def _fetch(answer: Answer) -> Any:
    return _run(lambda s: s.signer.fetch(ROOM_ID), answer)


@pytest.mark.parametrize("header", ["\u00b2", "\u00b9\u00b2\u00b3", "\u0663", "1" * 5000, "-1", "12a", ""])
def test_an_x_room_id_that_is_not_a_plain_number_is_ignored(header: str) -> None:
    # found by test_sign_fetch_gives_the_bootstrap_or_a_named_error: "X-Room-Id: ²" (a Latin-1 byte a
    # server may send) passed str.isdigit() and int() raised ValueError
    fetched = _fetch(Answer(fetch_result_bytes(), headers={"X-Set-TT-Cookie": "ttwid=abc", "X-Room-Id": header}))
    assert isinstance(fetched, tls.SignedFetch) and fetched.room_id is None and fetched.cookies == {"ttwid": "abc"}


@pytest.mark.parametrize("status", [200, 429])
def test_a_sign_answer_nested_too_deep_is_a_named_error(status: int) -> None:
    # found by test_sign_url_gives_a_signed_url_or_a_named_error: json.loads raised RecursionError
    error = _run(lambda s: s.signer.sign_url(GIFT_URL), Answer(deep(100_000).text.encode(), status))
    assert isinstance(error, tls.SignatureRateLimitError if status == 429 else tls.UnexpectedSignatureError)
