"""Every number the Session takes is finite and in range, or a ValueError naming it (before any request).

``inf`` and ``nan`` pass a plain ``<= 0`` check: ``Session(timeout=inf)`` used to make every request
raise OverflowError, and a room id of 2**64 ended in protobuf's "Value out of range" after three requests.
"""

from __future__ import annotations

import math

import pytest
import responses

import tiktoklive_sync as tls

INF, NAN = math.inf, math.nan


@pytest.mark.parametrize("bad", [INF, NAN, -INF, 0, -1, True, "5", (1, INF), (NAN, 1), (1,), (1, 2, 3),
                                 (1, 0), 10**9])
def test_timeout_incl_tuples(bad: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        tls.Session(timeout=bad)  # type: ignore[arg-type]
    session = tls.Session()
    with pytest.raises(ValueError, match="timeout"):
        session.timeout = bad  # type: ignore[assignment]


@responses.activate
def test_a_per_request_timeout_is_checked_before_sending() -> None:
    responses.get("https://www.tiktok.com/a", body="x")
    with pytest.raises(ValueError, match="timeout"):
        tls.Session().get("https://www.tiktok.com/a", timeout=INF)
    assert len(responses.calls) == 0


@pytest.mark.parametrize(
    ("name", "bad"),
    [("deadline", INF), ("deadline", NAN), ("deadline", 0), ("deadline", -3), ("deadline", True),
     ("max_body_bytes", 0), ("max_body_bytes", 1.5), ("max_body_bytes", True), ("max_body_bytes", INF),
     ("max_body_bytes", 2**41), ("max_requests_per_second", 0), ("max_requests_per_second", INF),
     ("max_requests_per_second", NAN), ("max_requests_per_second", -1), ("max_requests_per_second", "2")],
)
def test_session_limits(name: str, bad: object) -> None:
    with pytest.raises(ValueError, match=name):
        tls.Session(**{name: bad})  # type: ignore[arg-type]


def test_good_limits_are_kept() -> None:
    s = tls.Session(timeout=(2, 3.5), deadline=9, max_body_bytes=1024, max_requests_per_second=2.5)
    assert s.timeout == (2.0, 3.5) and s.deadline == 9 and s.max_body_bytes == 1024
    assert s.budget is not None and hasattr(s.budget, "acquire")
    assert tls.Session().budget is None


@pytest.mark.parametrize(
    ("field", "bad"),
    [("attempts", 0), ("attempts", 1.5), ("attempts", True), ("attempts", 10**6), ("max_seconds", INF),
     ("max_seconds", NAN), ("max_seconds", -1), ("backoff", NAN), ("backoff", INF), ("max_wait", -1),
     ("max_wait", INF), ("statuses", frozenset({42})), ("methods", frozenset({"POST"}))],
)
def test_retry_policy_fields(field: str, bad: object) -> None:
    with pytest.raises(ValueError, match=field):
        tls.RetryPolicy(**{field: bad})  # type: ignore[arg-type]


def test_a_retry_after_of_inf_or_nan_is_ignored() -> None:
    import requests

    from tiktoklive_sync._retry import retry_after_seconds

    for value in ("inf", "nan", "-inf"):
        response = requests.Response()
        response.headers["Retry-After"] = value
        assert retry_after_seconds(response) is None


TOO_BIG = 2**64


@responses.activate
@pytest.mark.parametrize(
    "call",
    [
        lambda s: tls.fetch_room_info(s, room_id=TOO_BIG),
        lambda s: tls.fetch_room_info(s, room_id=str(TOO_BIG)),
        lambda s: tls.fetch_is_live(s, room_id=TOO_BIG),
        lambda s: tls.fetch_is_live_room_ids(s, 1, TOO_BIG),
        lambda s: tls.fetch_gift_list(s, room_id=TOO_BIG),
        lambda s: tls.fetch_user_unique_id(s, TOO_BIG),
        lambda s: tls.fetch_signed_websocket(s, TOO_BIG),
        lambda s: tls.send_room_like(s, 1, room_id=TOO_BIG),
        lambda s: tls.send_room_gift(s, {"room_id": 1, "gift_id": 5655, "to_user_id": TOO_BIG}),
        lambda s: tls.fetch_room_info(s, room_id="1" * 30),
        lambda s: tls.fetch_room_info(s, room_id=-1),
    ],
)
def test_ids_are_checked_against_64_bits_before_any_request(call) -> None:
    with tls.Session() as s, pytest.raises(ValueError, match="_id"):
        call(s)
    assert len(responses.calls) == 0  # nothing was sent (responses refuses unregistered URLs anyway)


@responses.activate
def test_the_largest_64_bit_id_is_accepted() -> None:
    responses.get("https://webcast.tiktok.com/webcast/room/check_alive/",
                  json={"data": [{"room_id_str": str(TOO_BIG - 1), "alive": True}], "status_code": 0})
    with tls.Session() as s:
        assert tls.fetch_is_live(s, room_id=TOO_BIG - 1) is True
