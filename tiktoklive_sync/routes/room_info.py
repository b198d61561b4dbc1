"""Room info: what is in a live room right now (PROTOCOL.md 2.3).

Example::

    with tls.Session() as s:
        info = tls.fetch_room_info(s, unique_id="someone")
        print(info.title, info.user_count, info.stream_urls.qualities)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .._json import as_int, as_str
from ..errors import AgeRestrictedError, FailedFetchRoomInfoError, InvalidFetchRoomInfoPayload, UserNotFoundError
from ..models import RoomInfo
from ._common import check_room_id, normalize_unique_id, read_json_object
from .room_id import USER_NOT_FOUND_STATUS_CODE

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_room_info", "AGE_RESTRICTED_STATUS_CODE"]

log = logging.getLogger("tiktoklive_sync")

#: room info's ``status_code`` for an 18+ room asked for without an adult's session
AGE_RESTRICTED_STATUS_CODE = 4003110
#: room info's ``status_code`` when there is no such room (by unique id: no such user)
ROOM_NOT_FOUND_STATUS_CODE = 4003168


def fetch_room_info(session: Session, room_id: int | str | None = None, unique_id: str | None = None) -> RoomInfo:
    """Fetch a live room's details (title, owner, viewers, stream URLs) by room id or @handle.

    Sends ``GET {webcast}/room/info/?room_id=...`` or ``GET {webcast}/room/info_by_user/?unique_id=...``
    with the default query parameters.

    Args:
        session: the Session to send with.
        room_id: the room id (give exactly one of room_id and unique_id).
        unique_id: the creator's @handle.
    Returns:
        a :class:`~tiktoklive_sync.models.RoomInfo` (the whole ``data`` object in ``.raw``).
    Raises:
        InvalidFetchRoomInfoPayload: both or neither of room_id and unique_id (also a ValueError).
        ValueError: a room id that is not a positive 64-bit integer, or an empty unique id.
        UserNotFoundError: by unique id, TikTok has no such user (as every route that learns it).
        AgeRestrictedError: an 18+ room (``prompts`` in ``data``, status_code 4003110, or a ``data``
            with at most one key); set a logged-in session to see it.
        FailedFetchRoomInfoError: an error status, a body that is not JSON, or a non-zero
            ``status_code``.
        LoginRequiredError: TikTok redirected to a login page.
        ResponseTooLargeError: the body passed the Session's ``max_body_bytes``.
        requests.RequestException: transport failures (``requests.Timeout`` at the deadline).
    """
    if room_id is not None and unique_id is not None:
        raise InvalidFetchRoomInfoPayload("Pass room_id or unique_id to fetch_room_info, not both.")
    if room_id is None and unique_id is None:
        raise InvalidFetchRoomInfoPayload("fetch_room_info needs a room_id or a unique_id.")
    uid: str | None = None
    if room_id is not None:
        rid = check_room_id(room_id)
        what = f"room info of room {rid}"
        url = session.endpoints.webcast_url("/room/info/")
        params = session.api_params(room_id=rid)
    else:
        uid = normalize_unique_id(unique_id)  # type: ignore[arg-type]  # not None here
        what = f"room info of @{uid}"
        url = session.endpoints.webcast_url("/room/info_by_user/")
        params = session.api_params(unique_id=uid)
    response = session.get(url, params=params)
    body = read_json_object(response, FailedFetchRoomInfoError, what)
    data: Any = body.get("data")
    if not isinstance(data, dict):
        data = {}
    status_code = as_int(body.get("status_code"), 0)
    if "prompts" in data or status_code == AGE_RESTRICTED_STATUS_CODE:
        prompt = (as_str(data.get("prompts")) or as_str(data.get("message"))).strip().rstrip(".")
        raise AgeRestrictedError(
            f"The {what} is age-restricted{': ' + prompt if prompt else ''}.", status=response.status_code
        )
    message = as_str(data.get("message")) or as_str(body.get("message")) or "no message"
    if uid is not None and status_code in (ROOM_NOT_FOUND_STATUS_CODE, USER_NOT_FOUND_STATUS_CODE):
        raise UserNotFoundError(
            f"TikTok has no user @{uid}, or @{uid} has no live room ({message}).", unique_id=uid,
            status=response.status_code,
        )
    if status_code != 0:
        raise FailedFetchRoomInfoError(
            f"TikTok answered {what} with status_code {status_code} ({message}).",
            status=response.status_code,
            body=response.content,
        )
    if len(data) <= 1:
        # TikTok hides an 18+ room from visitors by sending an (almost) empty data object
        raise AgeRestrictedError(
            f"The {what} came back (almost) empty, which TikTok does for age-restricted rooms.",
            status=response.status_code,
            body=response.content,
        )
    info = RoomInfo.from_json(data)
    log.debug("%s: status %d, %d viewers", what, info.status, info.user_count)
    return info
