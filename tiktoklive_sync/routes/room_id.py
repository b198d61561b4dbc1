"""Room id routes: a creator's @handle -> the id of their live room (PROTOCOL.md 2.1 and 2.2).

Example::

    with tls.Session() as s:
        room_id = tls.fetch_room_id(s, "@someone")   # live page first, then the room API
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests

from .._json import as_int, as_str
from ..errors import FailedParseRoomIdError, TikTokLiveError, UserNotFoundError, UserOfflineError
from ._common import dict_at, normalize_unique_id, read_json_object, read_script_json

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_room_id_from_html", "fetch_room_id_from_api", "fetch_room_id", "fetch_user_room_data"]

log = logging.getLogger("tiktoklive_sync")

#: user.status / liveRoom.status value that means "not live"
OFFLINE_STATUS = 4
#: the room API's top-level statusCode for a user that does not exist (PROTOCOL.md 4.6)
USER_NOT_FOUND_STATUS_CODE = 19881007


def _room_id_or_none(value: Any) -> int | None:
    room_id = as_int(value)
    return room_id if room_id > 0 else None


def fetch_room_id_from_html(session: Session, unique_id: str) -> int:
    """Read the creator's room id from their live page's ``SIGI_STATE`` data.

    Sends ``GET {web}/@{unique_id}/live`` (default headers, no default query parameters).

    Args:
        session: the Session to send with.
        unique_id: the @handle (a leading ``@`` or a profile URL is accepted).
    Returns:
        the room id.
    Raises:
        ValueError: an empty unique id.
        UserOfflineError: the creator is not live (``user.status == 4``).
        UserNotFoundError: the page has no ``LiveRoom`` user (no such user, or one that cannot go live).
        FailedParseRoomIdError: no ``SIGI_STATE`` (captcha / block page), not JSON, no room id,
            or an error status.
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    uid = normalize_unique_id(unique_id)
    what = f"the live page of @{uid}"
    response = session.get(session.endpoints.web_url(f"/@{quote(uid, safe='')}/live"))
    state = read_script_json(response, "SIGI_STATE", FailedParseRoomIdError, what)
    if not isinstance(state, dict):
        raise FailedParseRoomIdError(
            f"The SIGI_STATE data of {what} is not a JSON object.", status=response.status_code, body=state
        )
    live_room = state.get("LiveRoom")
    user = dict_at(live_room, "liveRoomUserInfo", "user")
    if not user:  # no LiveRoom, or one that describes nobody
        raise UserNotFoundError(
            f"@{uid} has no live room: the user does not exist, has never been live, or cannot go live.",
            unique_id=uid,
            status=response.status_code,
        )
    if as_int(user.get("status"), -1) == OFFLINE_STATUS:
        shown = as_str(user.get("uniqueId")) or uid
        raise UserOfflineError(f"@{shown} is not live right now.", status=response.status_code)
    room_id = _room_id_or_none(user.get("roomId"))
    if room_id is None:
        raise FailedParseRoomIdError(
            f"The live page of @{uid} holds no room id (LiveRoom.liveRoomUserInfo.user.roomId).",
            status=response.status_code,
            body=response.content,
        )
    log.debug("room id of @%s from the live page: %d", uid, room_id)
    return room_id


def fetch_user_room_data(session: Session, unique_id: str) -> dict[str, Any]:
    """Return the JSON answer of ``/api-live/user/room/`` for a creator (the room API).

    Used by :func:`fetch_room_id_from_api` and the live checks by unique id.

    Args:
        unique_id: an already normalized @handle.
    Returns:
        the whole JSON object (``{"data": {"user": ..., "liveRoom": ...}, "statusCode": 0, ...}``).
    Raises:
        UserNotFoundError: TikTok says ``user_not_found``.
        FailedParseRoomIdError: not JSON, not an object, an error status or a non-zero statusCode.
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    what = f"the room API for @{unique_id}"
    response = session.get(
        session.endpoints.web_url("/api-live/user/room/"),
        params=session.api_params(uniqueId=unique_id, sourceType=54),
    )
    body = read_json_object(response, FailedParseRoomIdError, what)
    message = as_str(body.get("message"))
    status_code = as_int(body.get("statusCode"), 0)
    if message == "user_not_found" or status_code == USER_NOT_FOUND_STATUS_CODE:
        raise UserNotFoundError(
            f"TikTok has no user @{unique_id} ({message or status_code}).",
            unique_id=unique_id,
            status=response.status_code,
        )
    if status_code != 0:
        raise FailedParseRoomIdError(
            f"TikTok answered {what} with statusCode {status_code} ({message or 'no message'}).",
            status=response.status_code,
            body=response.content,
        )
    return body


def fetch_room_id_from_api(session: Session, unique_id: str) -> int:
    """Read the creator's room id from TikTok's room API (``/api-live/user/room/``).

    Args:
        session: the Session to send with.
        unique_id: the @handle (a leading ``@`` or a profile URL is accepted).
    Returns:
        the room id (the API also answers for offline creators with their last room).
    Raises:
        ValueError: an empty unique id.
        UserNotFoundError: no such user.
        FailedParseRoomIdError: the answer holds no room id (``data.user.roomId``), is not JSON,
            or has an error status.
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    uid = normalize_unique_id(unique_id)
    body = fetch_user_room_data(session, uid)
    user = dict_at(body, "data", "user") or {}
    room_id = _room_id_or_none(user.get("roomId"))
    if room_id is None:
        raise FailedParseRoomIdError(
            f"The room API holds no room id for @{uid} (data.user.roomId): the user may not be able "
            "to stream, or TikTok blocked the request.",
            body=body,
        )
    log.debug("room id of @%s from the room API: %d", uid, room_id)
    return room_id


def fetch_room_id(session: Session, unique_id: str) -> int:
    """Return the creator's room id: from the live page, else from the room API.

    Any failure of the live page except :class:`UserOfflineError` (captchas, missing data,
    transport errors) falls back to :func:`fetch_room_id_from_api`; if that fails too, its error
    is raised with the live page's error as ``__cause__``.

    Returns:
        the room id.
    Raises:
        ValueError: an empty unique id.
        UserOfflineError: the live page says the creator is not live.
        UserNotFoundError, FailedParseRoomIdError, LoginRequiredError: the room API failed too.
        requests.RequestException: transport failures of the room API.
    """
    uid = normalize_unique_id(unique_id)
    try:
        return fetch_room_id_from_html(session, uid)
    except UserOfflineError:
        raise
    except (TikTokLiveError, requests.RequestException) as html_error:
        log.debug("live page of @%s failed (%s); trying the room API", uid, type(html_error).__name__)
        try:
            return fetch_room_id_from_api(session, uid)
        except (TikTokLiveError, requests.RequestException) as api_error:
            raise api_error from html_error
