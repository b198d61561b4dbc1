"""Fuzzing the JSON routes (work in progress: the regression tests come first)."""

from __future__ import annotations

import pytest
from fuzz_support import Answer, json_bytes, run_route
from test_routes_payloads import ROOM_ID, room_info_data, webcast_body

import tiktoklive_sync as tls


@pytest.mark.parametrize("text", ["--1", "-" * 3 + "5", "1" * 5000, "-" + "9" * 5000])
def test_numbers_int_cannot_read_become_the_default(text: str) -> None:
    # found by test_room_info_model_parses_any_json ({"status": "1" * 5000}) and the room info route
    # ({"status_code": "--1"}): as_int raised ValueError from int()
    assert tls.models.as_int(text, -7) == -7
    assert tls.RoomInfo.from_json({"status": text, "user_count": text}).status == 0
    info = run_route(tls.fetch_room_info, room_id=ROOM_ID,
                     answer=Answer(json_bytes({**webcast_body(room_info_data()), "status_code": text})))
    assert isinstance(info, tls.RoomInfo) and info.id == ROOM_ID
