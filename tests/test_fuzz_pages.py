"""Fuzzing the HTML page parsers (work in progress: the regression tests come first)."""

from __future__ import annotations

import pytest
from fuzz_support import Answer, dumps, run_route
from test_routes_payloads import html_page, live_state

import tiktoklive_sync as tls


@pytest.mark.parametrize("charset", ["idna", "punycode", "undefined", "rot13", "base64", "no-such-codec"])
def test_a_charset_that_cannot_decode_the_page_falls_back_to_utf8(charset: str) -> None:
    # found by fuzzing the live page: "charset=idna" raised UnicodeError
    script = f'<script id="SIGI_STATE" type="application/json">{dumps(live_state(room_id=42))}</script>'
    body = html_page(script).encode("utf-8") + b"\xff\xfe"
    answer = Answer(body, headers={"Content-Type": f"text/html; charset={charset}"})
    assert run_route(tls.fetch_room_id_from_html, "someone", answer=answer) == 42
