"""Fuzzing the HTML page parsers: the live page's SIGI_STATE (room id) and the profile page's
__UNIVERSAL_DATA_FOR_REHYDRATION__ (user id -> unique id).

Each route runs end to end through a Session whose transport serves the fuzzed answer from
memory (``tests.helpers.fuzz.CannedAdapter``). The property: a valid result or a named
``TikTokLiveError``; nothing else escapes and nothing hangs.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tiktoklive_sync as tls
from tests.helpers.fuzz import (
    HTML_CONTENT_TYPES,
    Answer,
    answers,
    run_route,
    usable,
)
from tests.helpers.fuzz_values import (
    arbitrary_json,
    deep,
    dumps,
    mutated_bytes,
    mutated_json,
)
from tests.helpers.payloads import USER_ID, html_page, live_state, universal_state

SIGI = "SIGI_STATE"
APP_DATA = "__UNIVERSAL_DATA_FOR_REHYDRATION__"

#: the ways a page may wrap (or fail to wrap) the data script
SCRIPT_TEMPLATES = [
    '<script id="{id}" type="application/json">{json}</script>',
    "<script id={id}>{json}</script >",
    "<SCRIPT type='application/json' ID='{id}'>{json}</SCRIPT>",
    '<script id="{id}">{json}',  # never closed
    '<script id="{id}" type="application/json">{json}</script><script id="{id}">{{}}</script>',
    '<script id="{id}"\n>{json}</script\n>',
    '<script data-id="{id}">{json}</script>',
    '<script id="{id}x">{json}</script>',
    '<script id="{id}" {json}</script>',
    "<script>var x = '{id}';</script><script id=\"{id}\">{json}</script>",
    '<script id="{id}"></script>{json}',
]


def _script_element(room_id: int) -> str:
    return SCRIPT_TEMPLATES[0].format(id=SIGI, json=dumps(live_state(room_id=room_id)))


def _page(script_id: str, state_text: str, template: str) -> bytes:
    # TikTok writes "/" as \u002F inside its embedded JSON
    script = template.format(id=script_id, json=state_text.replace("/", "\\u002F"))
    return html_page(script).encode("utf-8")


def page_bodies(script_id: str, base_state: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """Pages around mutated real-shaped states, mutated page bytes, and arbitrary pages."""
    good = _page(script_id, dumps(base_state), SCRIPT_TEMPLATES[0])
    templates = st.sampled_from(SCRIPT_TEMPLATES[:1] * 6 + SCRIPT_TEMPLATES)
    mutated_state = st.builds(
        lambda state, template: _page(script_id, dumps(state), template), mutated_json(base_state), templates
    )
    arbitrary_state = st.builds(
        lambda state, template: _page(script_id, dumps(state), template), arbitrary_json, templates
    )
    script_text = st.builds(
        lambda text, template: _page(script_id, text, template), st.text(max_size=60), templates
    )
    return st.one_of(
        mutated_state,
        mutated_state,
        mutated_bytes(good),
        arbitrary_state,
        script_text,
        st.binary(max_size=200),
    )


def _room_id_answers() -> st.SearchStrategy[Answer]:
    return answers(page_bodies(SIGI, live_state()), HTML_CONTENT_TYPES, any_content_type=True)


def _user_page_answers() -> st.SearchStrategy[Answer]:
    return answers(page_bodies(APP_DATA, universal_state()), HTML_CONTENT_TYPES, any_content_type=True)


# -- the live page: SIGI_STATE -> room id --------------------------------------------------------


@given(_room_id_answers())
def test_live_page_room_id_is_an_id_or_a_named_error(answer: Answer) -> None:
    result = run_route(tls.fetch_room_id_from_html, "someone", answer=answer)
    if isinstance(result, tls.TikTokLiveError):
        return
    assert isinstance(result, int) and not isinstance(result, bool) and result > 0
    assert usable(answer)  # an error status or a login page never yields a room id


def test_the_unmutated_live_page_gives_its_room_id() -> None:
    # the fuzzed strategy's base input is a working page: the property is not vacuous
    answer = Answer(_page(SIGI, dumps(live_state(room_id=123456789)), SCRIPT_TEMPLATES[0]))
    assert run_route(tls.fetch_room_id_from_html, "someone", answer=answer) == 123456789


# -- the profile page: __UNIVERSAL_DATA_FOR_REHYDRATION__ -> unique id -------------------------


@given(_user_page_answers())
def test_profile_page_unique_id_is_a_handle_or_a_named_error(answer: Answer) -> None:
    result = run_route(tls.fetch_user_unique_id, USER_ID, answer=answer)
    if isinstance(result, tls.TikTokLiveError):
        return
    assert isinstance(result, str) and result.strip()
    assert usable(answer)


def test_the_unmutated_profile_page_gives_its_handle() -> None:
    answer = Answer(_page(APP_DATA, dumps(universal_state("real_handle")), SCRIPT_TEMPLATES[0]))
    assert run_route(tls.fetch_user_unique_id, USER_ID, answer=answer) == "real_handle"


# -- bugs the fuzzing found (kept as plain regression tests) -----------------------------------


@pytest.mark.parametrize("charset", ["idna", "punycode", "undefined", "rot13", "base64", "no-such-codec"])
def test_a_charset_that_cannot_decode_the_page_falls_back_to_utf8(charset: str) -> None:
    # found by test_live_page_room_id_is_an_id_or_a_named_error: "charset=idna" raised UnicodeError
    body = _page(SIGI, dumps(live_state(room_id=42)), SCRIPT_TEMPLATES[0]) + b"\xff\xfe"
    answer = Answer(body, headers={"Content-Type": f"text/html; charset={charset}"})
    assert run_route(tls.fetch_room_id_from_html, "someone", answer=answer) == 42


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_data_nested_too_deep_is_a_named_error(depth: int) -> None:
    # found by test_live_page_room_id_is_an_id_or_a_named_error: json.loads raised RecursionError
    page = Answer(_page(SIGI, deep(depth).text, SCRIPT_TEMPLATES[0]))
    error = run_route(tls.fetch_room_id_from_html, "someone", answer=page)
    assert isinstance(error, tls.FailedParseRoomIdError) and "not JSON" in str(error)
    # the JSON APIs read their bodies the same way
    api = Answer(deep(depth).text.encode())
    error = run_route(tls.fetch_room_id_from_api, "someone", answer=api)
    assert isinstance(error, tls.FailedParseRoomIdError) and "not JSON" in str(error)


@pytest.mark.parametrize(
    "hostile",
    ["<script " * 30_000, '<script id="SIGI_STATE">' * 20_000, "<script id=" + " id=" * 50_000,
     "<script" + " " * 200_000],
    ids=["unclosed script tags", "unclosed SIGI_STATE scripts", "many ids", "one long tag"],
)
def test_a_page_of_unclosed_script_tags_is_read_in_linear_time(hostile: str) -> None:
    # found by fuzzing the page parser: one regular expression over the whole page backtracked
    # quadratically on many unclosed "<script" tags (160 KB took 40 s: a hang)
    answer = Answer(html_page(hostile).encode())
    error = run_route(tls.fetch_room_id_from_html, "someone", answer=answer)  # run_route fails on a hang
    assert isinstance(error, tls.FailedParseRoomIdError)
    # the real script after the hostile part is still found
    answer = Answer(html_page(hostile.replace("SIGI_STATE", "other") + ">" + _script_element(42)).encode())
    assert run_route(tls.fetch_room_id_from_html, "someone", answer=answer) == 42
