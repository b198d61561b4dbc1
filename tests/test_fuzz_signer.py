"""Fuzzing the sign server client (work in progress: the regression tests come first)."""

from __future__ import annotations

import pytest
from fuzz_support import Answer, CannedAdapter, outcome
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
