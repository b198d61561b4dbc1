"""fetch_is_live, fetch_is_live_room_ids, fetch_is_live_unique_id (PROTOCOL.md 2.4)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import tiktoklive_sync as tls
from tests.helpers.payloads import ROOM_ID, WEB, WEBCAST, check_alive_body, room_api_body, webcast_body
from tiktoklive_sync.routes.is_live import CHECK_ALIVE_CHUNK_SIZE

CHECK_ALIVE = f"{WEBCAST}/room/check_alive/"
ROOM_API = f"{WEB}/api-live/user/room/"


def _asked(call: responses.Call) -> list[int]:
    query = parse_qs(urlsplit(call.request.url).query)
    return [int(r) for r in query["room_ids"][0].split(",")]


def _serve_check_alive(mocked: responses.RequestsMock, live: set[int], *, reverse: bool = False) -> None:
    """Answer check_alive for whatever was asked, live if in ``live``, optionally in reverse order."""

    def answer(request):
        asked = [int(r) for r in parse_qs(urlsplit(request.url).query)["room_ids"][0].split(",")]
        pairs = [(r, r in live) for r in (reversed(asked) if reverse else asked)]
        return 200, {}, json.dumps(check_alive_body(pairs))

    mocked.add_callback(responses.GET, CHECK_ALIVE, callback=answer, content_type="application/json")


def test_single_room(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, json=check_alive_body([(ROOM_ID, True)]))
    assert tls.fetch_is_live(session, room_id=ROOM_ID) is True
    query = parse_qs(urlsplit(mocked.calls[0].request.url).query)
    assert query["room_ids"] == [str(ROOM_ID)] and query["aid"] == ["1988"]


def test_single_room_offline(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, json=check_alive_body([(ROOM_ID, False)]))
    assert tls.fetch_is_live(session, room_id=str(ROOM_ID)) is False


def test_many_rooms_chunked_with_order_kept(session, mocked) -> None:
    ids = [7000000000000000000 + i for i in range(1, 2 * CHECK_ALIVE_CHUNK_SIZE + 8)]
    live = {i for i in ids if i % 3 == 0}
    _serve_check_alive(mocked, live, reverse=True)  # TikTok's order must not matter
    result = tls.fetch_is_live_room_ids(session, *ids)
    assert result == [i in live for i in ids]
    assert len(mocked.calls) == 3  # as few requests as the chunk size allows
    assert [len(_asked(c)) for c in mocked.calls] == [CHECK_ALIVE_CHUNK_SIZE, CHECK_ALIVE_CHUNK_SIZE, 7]
    assert sum((_asked(c) for c in mocked.calls), []) == ids


def test_chunk_size_is_configurable_and_repeats_are_asked_once(session, mocked) -> None:
    _serve_check_alive(mocked, {2, 4})
    result = tls.fetch_is_live_room_ids(session, 1, 2, "3", 2, 4, 1, chunk_size=2)
    assert result == [False, True, False, True, True, False]
    assert [_asked(c) for c in mocked.calls] == [[1, 2], [3, 4]]


def test_no_room_ids_sends_nothing(session, mocked) -> None:
    assert tls.fetch_is_live_room_ids(session) == []
    assert len(mocked.calls) == 0


def test_entries_without_ids_are_matched_by_position(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, json=check_alive_body([(1, True), (2, False), (3, True)], with_ids=False))
    assert tls.fetch_is_live_room_ids(session, 11, 12, 13) == [True, False, True]


def test_entry_matched_by_numeric_room_id_only(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, json=webcast_body([{"alive": True, "room_id": 12}, {"alive": False, "room_id": 11}]))
    assert tls.fetch_is_live_room_ids(session, 11, 12) == [False, True]


@pytest.mark.parametrize(
    "body",
    [
        webcast_body([]),
        webcast_body([{"alive": True, "room_id": 999, "room_id_str": "999"}]),
        webcast_body([{"room_id": ROOM_ID, "room_id_str": str(ROOM_ID)}]),
        webcast_body([{"alive": "yes", "room_id": ROOM_ID}]),
        webcast_body(None),
        webcast_body({"alive": True}),
        {"status_code": 0},
    ],
)
def test_missing_room_in_the_answer(session, mocked, body) -> None:
    mocked.get(CHECK_ALIVE, json=body)
    with pytest.raises(tls.MissingRoomIdInResponse):
        tls.fetch_is_live(session, room_id=ROOM_ID)


def test_error_status_code_suggests_a_smaller_chunk(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, json=webcast_body({"message": "at most 20 room_ids"}, 10009))
    with pytest.raises(tls.MissingRoomIdInResponse, match="status_code 10009 \\(at most 20 room_ids\\).*chunk_size"):
        tls.fetch_is_live_room_ids(session, 1, 2, 3)


def test_fewer_positional_entries_than_rooms(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, json=check_alive_body([(1, True)], with_ids=False))
    with pytest.raises(tls.MissingRoomIdInResponse, match="answered 1 of 2 rooms"):
        tls.fetch_is_live_room_ids(session, 11, 12)


def test_not_json(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, body="<html>blocked</html>", status=200)
    with pytest.raises(tls.MissingRoomIdInResponse) as caught:
        tls.fetch_is_live(session, room_id=ROOM_ID)
    assert caught.value.status == 200 and "blocked" in caught.value.excerpt


def test_login_redirect(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, status=302, headers={"Location": f"{WEB}/login"})
    mocked.get(f"{WEB}/login", body="log in")
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_is_live(session, room_id=ROOM_ID)


def test_hung_server_is_a_requests_timeout(session, mocked) -> None:
    mocked.get(CHECK_ALIVE, body=requests.ReadTimeout("read timed out (test)"))
    with pytest.raises(requests.Timeout):
        tls.fetch_is_live(session, room_id=ROOM_ID)


@pytest.mark.parametrize("kwargs", [{}, {"room_id": ROOM_ID, "unique_id": "someone"}])
def test_both_or_neither_is_invalid(session, mocked, kwargs) -> None:
    with pytest.raises(tls.InvalidFetchIsLiveRequest):
        tls.fetch_is_live(session, **kwargs)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("bad", [0, -3, "x", True, None])
def test_bad_room_ids_send_nothing(session, mocked, bad) -> None:
    with pytest.raises(ValueError, match="room_id"):
        tls.fetch_is_live_room_ids(session, 5, bad)
    assert len(mocked.calls) == 0


def test_bad_chunk_size(session) -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        tls.fetch_is_live_room_ids(session, 5, chunk_size=0)


# -- by unique id: the room API ---------------------------------------------------------------


@pytest.mark.parametrize(("status", "live"), [(2, True), (4, False), (0, False)])
def test_by_unique_id(session, mocked, status, live) -> None:
    mocked.get(ROOM_API, json=room_api_body(status=status))
    assert tls.fetch_is_live(session, unique_id="@someone") is live
    assert tls.fetch_is_live_unique_id(session, "someone") is live
    assert parse_qs(urlsplit(mocked.calls[0].request.url).query)["uniqueId"] == ["someone"]


def test_by_unique_id_without_a_room(session, mocked) -> None:
    mocked.get(ROOM_API, json=room_api_body(room_id="", status=4))
    assert tls.fetch_is_live_unique_id(session, "someone") is False


def test_by_unique_id_falls_back_to_the_user_status(session, mocked) -> None:
    body = room_api_body(status=2)
    del body["data"]["liveRoom"]
    mocked.get(ROOM_API, json=body)
    assert tls.fetch_is_live_unique_id(session, "someone") is True


def test_by_unique_id_without_any_status(session, mocked) -> None:
    body = room_api_body()
    del body["data"]["liveRoom"]
    del body["data"]["user"]["status"]
    mocked.get(ROOM_API, json=body)
    with pytest.raises(tls.FailedParseRoomIdError, match="no live status"):
        tls.fetch_is_live_unique_id(session, "someone")


def test_by_unique_id_not_found(session, mocked) -> None:
    mocked.get(ROOM_API, json={"data": {}, "message": "user_not_found", "statusCode": 19881007})
    with pytest.raises(tls.UserNotFoundError):
        tls.fetch_is_live(session, unique_id="ghost")


def test_by_unique_id_empty(session, mocked) -> None:
    with pytest.raises(ValueError):
        tls.fetch_is_live(session, unique_id=" @ ")
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    ("status", "cause"),
    [(503, "servers are failing right now"), (429, "rate-limiting this client"), (404, "with an error status.")],
)
def test_an_error_status_names_the_outage_before_the_class_advice(session, mocked, status, cause) -> None:
    mocked.get(CHECK_ALIVE, status=status, body="oops")
    with pytest.raises(tls.MissingRoomIdInResponse) as caught:
        tls.fetch_is_live(session, room_id=ROOM_ID)
    text = str(caught.value)
    assert caught.value.status == status and cause in text
    assert text.index(cause) < text.index("The room may not exist")
