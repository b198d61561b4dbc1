"""The same fact gives the same named error in every route that can learn it: no such user.

Against FakeTikTok, which answers an unknown @handle as TikTok does on each route (room info by
user: status_code 4003168; the room API: user_not_found; the live page: no LiveRoom user).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.testing import FakeTikTok

NOBODY = "nobody_xyz"


@pytest.fixture(scope="module")
def session() -> Iterator[tls.Session]:
    with FakeTikTok() as fake:
        fake.add_room("someone")
        with fake.session(retry=tls.RetryPolicy(attempts=1)) as s:
            yield s


@pytest.mark.parametrize(
    "route",
    [
        lambda s: tls.fetch_room_info(s, unique_id=NOBODY),
        lambda s: tls.fetch_room_id(s, NOBODY),
        lambda s: tls.fetch_room_id_from_html(s, NOBODY),
        lambda s: tls.fetch_room_id_from_api(s, NOBODY),
        lambda s: tls.fetch_is_live(s, unique_id=NOBODY),
        lambda s: tls.fetch_is_live_unique_id(s, "@" + NOBODY),
    ],
    ids=["room_info", "room_id", "room_id_from_html", "room_id_from_api", "is_live", "is_live_unique_id"],
)
def test_every_route_says_user_not_found_for_a_user_nobody_has(session: tls.Session, route) -> None:
    with pytest.raises(tls.UserNotFoundError) as caught:
        route(session)
    error = caught.value
    assert error.unique_id == NOBODY and NOBODY in str(error)
    text = str(error)
    # a message a command line can show: what happened and what to do, no Python, no "(HTTP 200)"
    assert "(HTTP 200)" not in text and "Body starts" not in text
    assert "spelling" in text and "()" not in text and "session." not in text


def test_live_status_says_not_found_with_the_same_error(session: tls.Session) -> None:
    status = tls.fetch_live_status(session, NOBODY)
    assert status.state is tls.LiveState.NOT_FOUND and isinstance(status.error, tls.UserNotFoundError)


def test_an_unknown_room_id_is_still_a_room_info_error(session: tls.Session) -> None:
    with pytest.raises(tls.FailedFetchRoomInfoError, match="4003168"):
        tls.fetch_room_info(session, room_id=7000000000000000999)
