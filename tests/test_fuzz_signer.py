"""Fuzzing the sign server client (work in progress: the regression tests come first)."""

from __future__ import annotations

import pytest
from fuzz_support import Answer, CannedAdapter, deep, outcome
from test_routes_payloads import ROOM_ID, fetch_result_bytes, make_session

import tiktoklive_sync as tls


def _fetch(answer: Answer):
    session = make_session()
    adapter = CannedAdapter()
    session.mount("https://", adapter)
    adapter.serve(answer)
    return outcome(lambda: session.signer.fetch(ROOM_ID))


@pytest.mark.parametrize("header", ["\u00b2", "\u00b9\u00b2\u00b3", "\u0663", "1" * 5000, "-1", "12a", ""])
def test_an_x_room_id_that_is_not_a_plain_number_is_ignored(header: str) -> None:
    # found by test_sign_fetch_gives_the_bootstrap_or_a_named_error: "X-Room-Id: ²" (a Latin-1 byte a
    # server may send) passed str.isdigit() and int() raised ValueError
    fetched = _fetch(Answer(fetch_result_bytes(), headers={"X-Set-TT-Cookie": "ttwid=abc", "X-Room-Id": header}))
    assert isinstance(fetched, tls.SignedFetch) and fetched.room_id is None and fetched.cookies == {"ttwid": "abc"}


@pytest.mark.parametrize("status", [200, 429])
def test_a_sign_answer_nested_too_deep_is_a_named_error(status: int) -> None:
    # found by test_sign_url_gives_a_signed_url_or_a_named_error: json.loads raised RecursionError
    session = make_session()
    adapter = CannedAdapter()
    session.mount("https://", adapter)
    adapter.serve(Answer(deep(100_000).text.encode(), status))
    error = outcome(lambda: session.signer.sign_url("https://api.example.test/webcast/gift/list/"))
    assert isinstance(error, tls.SignatureRateLimitError if status == 429 else tls.UnexpectedSignatureError)
