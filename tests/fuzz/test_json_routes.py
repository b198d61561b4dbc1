"""Fuzzing the JSON routes: the room API, room info (with its age rule), check_alive, the gift list,
and the models they build (``RoomInfo.from_json``, ``GiftList.from_json``).

Inputs: mutated real or TikTok-shaped answers (the real gift list capture, the builders of
test_routes_payloads) with JSON value swaps (wrong types, nulls, huge numbers, deep nesting),
their serialized bytes flipped, truncated or extended, and arbitrary bytes and JSON. Each route runs
end to end through a Session whose transport serves the answer from memory. The property: a valid
result or a named ``TikTokLiveError``; nothing else escapes and nothing hangs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tiktoklive_sync as tls
from tests.helpers.fuzz import (
    Answer,
    answers,
    outcome,
    real_gift_list,
    run_route,
    usable,
)
from tests.helpers.fuzz_values import (
    arbitrary_json,
    json_bytes,
    materialize,
    mutated_bytes,
    mutated_json,
)
from tests.helpers.payloads import (
    ROOM_ID,
    check_alive_body,
    room_api_body,
    room_api_not_found_body,
    room_info_data,
    webcast_body,
)


def json_bodies(*bases: Any) -> st.SearchStrategy[bytes]:
    """Bodies: each base mutated as JSON, its bytes mutated, arbitrary JSON, arbitrary bytes."""
    values = st.sampled_from(bases) if len(bases) > 1 else st.just(bases[0])
    mutated = st.one_of(*(mutated_json(base) for base in bases)).map(json_bytes)
    flipped = st.one_of(*(mutated_bytes(json_bytes(base)) for base in bases))
    return st.one_of(
        mutated, mutated, mutated, flipped,
        values.map(json_bytes),
        arbitrary_json.map(json_bytes),
        st.binary(max_size=64),
    )


def _parsed(answer: Answer) -> Any:
    """The answer's JSON as the test sees it (None if it is not JSON)."""
    try:
        return json.loads(answer.body)
    except (ValueError, RecursionError):
        return None


# -- the room API: /api-live/user/room/ ---------------------------------------------------------

ROOM_API_ROUTES = {
    "room id": (tls.fetch_room_id_from_api, lambda r: isinstance(r, int) and not isinstance(r, bool) and r > 0),
    "is live": (tls.fetch_is_live_unique_id, lambda r: isinstance(r, bool)),
}


@given(answers(json_bodies(room_api_body(), room_api_body(status=4), room_api_not_found_body())),
       st.sampled_from(sorted(ROOM_API_ROUTES)))
def test_room_api_gives_a_room_id_a_live_flag_or_a_named_error(answer: Answer, route: str) -> None:
    call, valid = ROOM_API_ROUTES[route]
    result = run_route(call, "someone", answer=answer)
    if isinstance(result, tls.TikTokLiveError):
        return
    assert valid(result), result
    assert usable(answer) and isinstance(_parsed(answer), dict)


# -- room info: RoomInfo.from_json and /webcast/room/info/ -------------------------------------


def _read_room_info(info: tls.RoomInfo) -> None:
    """Everything a user reads from a RoomInfo works and has its documented type."""
    assert isinstance(info.id, int) and isinstance(info.status, int) and isinstance(info.title, str)
    assert isinstance(info.user_count, int) and isinstance(info.create_time, int)
    assert isinstance(info.is_live, bool) and info.id_str == str(info.id)
    assert isinstance(info.owner.id, int) and isinstance(info.owner.unique_id, str)
    assert isinstance(info.owner.avatar.url, str)
    urls = info.stream_urls
    for quality in urls.qualities:
        assert isinstance(quality, tls.VideoQuality)
    bool(urls)
    for quality in tls.VideoQuality:
        picked = urls.pick(quality, tls.VideoFetchFormat.HLS)
        assert picked is None or (isinstance(picked[1], str) and picked[1])
    repr(info)


@given(st.one_of(mutated_json(room_info_data(), in_memory=True), arbitrary_json.map(materialize)))
def test_room_info_model_parses_any_json(data: Any) -> None:
    info = outcome(lambda: tls.RoomInfo.from_json(data))
    assert isinstance(info, tls.RoomInfo)  # the model is tolerant: it never raises
    _read_room_info(info)


@given(answers(json_bodies(webcast_body(room_info_data()), webcast_body({"prompts": "18+"}),
                           webcast_body({"message": "age"}, 4003110))))
def test_room_info_route_gives_room_info_or_a_named_error(answer: Answer) -> None:
    result = run_route(tls.fetch_room_info, room_id=ROOM_ID, answer=answer)
    body = _parsed(answer)
    data = body.get("data") if isinstance(body, dict) else None
    if usable(answer) and isinstance(data, dict) and "prompts" in data:
        # the age rule: a data object with prompts is an 18+ room, whatever else it holds
        assert isinstance(result, tls.AgeRestrictedError), result
    if isinstance(result, tls.TikTokLiveError):
        return
    assert isinstance(result, tls.RoomInfo)
    assert usable(answer) and isinstance(data, dict) and len(data) > 1 and "prompts" not in data
    _read_room_info(result)


# -- check_alive: /webcast/room/check_alive/ ---------------------------------------------------

OTHER_ROOM = ROOM_ID + 1


@given(
    answers(json_bodies(
        check_alive_body([(ROOM_ID, True), (OTHER_ROOM, False)]),
        check_alive_body([(ROOM_ID, False), (OTHER_ROOM, True)], with_ids=False),
        check_alive_body([(OTHER_ROOM, True), (ROOM_ID, True)]),
    )),
    st.sampled_from([(ROOM_ID,), (ROOM_ID, OTHER_ROOM), (OTHER_ROOM, ROOM_ID), (str(ROOM_ID), OTHER_ROOM, ROOM_ID)]),
    st.sampled_from([50, 50, 1, 2]),  # chunk sizes: one request, or one per room / two rooms
)
def test_check_alive_gives_one_flag_per_room_or_a_named_error(answer: Answer, rooms: tuple, chunk: int) -> None:
    result = run_route(tls.fetch_is_live_room_ids, *rooms, chunk_size=chunk, answer=answer)
    if isinstance(result, tls.TikTokLiveError):
        return
    assert isinstance(result, list) and len(result) == len(rooms)
    assert all(isinstance(flag, bool) for flag in result)
    assert usable(answer) and isinstance(_parsed(answer), dict)


# -- the gift list: GiftList.from_json and /webcast/gift/list/ ----------------------------------


def _read_gifts(gifts: tls.GiftList) -> None:
    assert len(gifts) == len(list(gifts))
    for gift in gifts:
        assert isinstance(gift.id, int) and isinstance(gift.name, str) and isinstance(gift.diamond_count, int)
        assert isinstance(gift.streakable, bool) and isinstance(gift.image.url, str)
    for gift in gifts.gifts[:2] + gifts.gifts[-1:]:  # look-ups find what iteration shows
        assert gifts.by_id(gift.id) is not None and gifts.by_name(gift.name) is not None
        repr(gift)


@given(st.one_of(mutated_json(real_gift_list()["data"], in_memory=True), arbitrary_json.map(materialize)))
def test_gift_list_model_parses_any_json(data: Any) -> None:
    gifts = outcome(lambda: tls.GiftList.from_json(data))
    assert isinstance(gifts, tls.GiftList)  # the model is tolerant: it never raises
    _read_gifts(gifts)


def _gift_answer(start: int, count: int) -> dict[str, Any]:
    """The real gift list answer cut to ``count`` gifts from ``start`` (whole, it is 450 KB).

    ``pages`` (the same gifts again, by panel page) is emptied, as in answers for rooms without pages.
    """
    real = real_gift_list()
    gifts = real["data"]["gifts"]
    start %= len(gifts)
    return {**real, "data": {**real["data"], "gifts": gifts[start : start + count], "pages": []}}


_REAL_GIFTS = len(real_gift_list()["data"]["gifts"])
_GIFT_SLICES = [_gift_answer(start, 1) for start in range(0, _REAL_GIFTS, 20)]  # six real gifts


@given(answers(json_bodies(*_GIFT_SLICES, webcast_body({}, 10011))))
def test_gift_list_route_gives_gifts_or_a_named_error(answer: Answer) -> None:
    result = run_route(tls.fetch_gift_list, answer=answer)
    if isinstance(result, tls.TikTokLiveError):
        return
    assert isinstance(result, tls.GiftList)
    body = _parsed(answer)
    assert usable(answer) and isinstance(body, dict) and isinstance(body["data"]["gifts"], list)
    _read_gifts(result)


def test_the_unmutated_answers_parse() -> None:
    # the bases the fuzzing mutates are working answers: the properties above are not vacuous
    assert run_route(tls.fetch_room_id_from_api, "someone", answer=Answer(json_bytes(room_api_body()))) == ROOM_ID
    info = run_route(tls.fetch_room_info, room_id=ROOM_ID, answer=Answer(json_bytes(webcast_body(room_info_data()))))
    assert isinstance(info, tls.RoomInfo) and info.id == ROOM_ID
    alive = run_route(tls.fetch_is_live_room_ids, ROOM_ID, OTHER_ROOM,
                      answer=Answer(json_bytes(check_alive_body([(OTHER_ROOM, False), (ROOM_ID, True)]))))
    assert alive == [True, False]
    gifts = run_route(tls.fetch_gift_list, answer=Answer(json_bytes(real_gift_list())))
    assert isinstance(gifts, tls.GiftList) and len(gifts) == _REAL_GIFTS


# -- bugs the fuzzing found (kept as plain regression tests) -----------------------------------


@pytest.mark.parametrize("text", ["--1", "-" * 3 + "5", "1" * 5000, "-" + "9" * 5000])
def test_numbers_int_cannot_read_become_the_default(text: str) -> None:
    # found by test_room_info_model_parses_any_json ({"status": "1" * 5000}) and the room info route
    # ({"status_code": "--1"}): as_int raised ValueError from int()
    assert tls.models.as_int(text, -7) == -7
    assert tls.RoomInfo.from_json({"status": text, "user_count": text}).status == 0
    info = run_route(tls.fetch_room_info, room_id=ROOM_ID,
                     answer=Answer(json_bytes({**webcast_body(room_info_data()), "status_code": text})))
    assert isinstance(info, tls.RoomInfo) and info.id == ROOM_ID


@pytest.mark.parametrize("length", ["\u00b2", "\u00b9\u00b2", "\u0663", "9" * 5000])
def test_an_image_content_length_that_is_not_a_plain_number(length: str) -> None:
    # found while fuzzing the header parsers: "Content-Length: ²" (a Latin-1 byte) passed
    # str.isdigit() and int() raised ValueError; so did 5000 digits
    answer = Answer(b"\x89PNG picture", headers={"Content-Type": "image/png", "Content-Length": length})
    result = run_route(tls.fetch_image_data, "https://p16.example.test/a.png", answer=answer)
    if len(length) > 20:
        assert isinstance(result, tls.FailedFetchImageError) and "over 10**20 bytes" in str(result)
    else:  # not a length: the body is read (and counted) as usual
        assert result == b"\x89PNG picture"
