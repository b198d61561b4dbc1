"""Is a room (or a creator) live right now? (PROTOCOL.md 2.4)

Example::

    with tls.Session() as s:
        tls.fetch_is_live(s, unique_id="someone")             # -> bool
        tls.fetch_is_live_room_ids(s, 7000000000000000001, 7000000000000000002)  # -> [True, False]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._json import as_int, as_str
from ..errors import FailedParseRoomIdError, InvalidFetchIsLiveRequest, MissingRoomIdInResponse
from ._common import check_positive_int, check_room_id, dict_at, normalize_unique_id, read_json_object
from .room_id import OFFLINE_STATUS, fetch_user_room_data

if TYPE_CHECKING:
    from .._session import Session

__all__ = [
    "fetch_is_live",
    "fetch_is_live_room_ids",
    "fetch_is_live_unique_id",
    "user_room_state",
    "CHECK_ALIVE_CHUNK_SIZE",
]

log = logging.getLogger("tiktoklive_sync")

#: Room ids per check_alive request. TikTok documents no limit and none could be found in public
#: clients or docs (they send 1-4 ids), so this is a safe choice, not a measured maximum: 50 ids of
#: 19 digits make a ~1 KB ``room_ids`` value, which with the ~1 KB of default parameters keeps the
#: request line far below the 8 KB that common web servers and CDNs accept, and a single answer
#: small. Raise it per call with ``chunk_size=`` if TikTok accepts more.
CHECK_ALIVE_CHUNK_SIZE = 50


def fetch_is_live(session: Session, room_id: int | str | None = None, unique_id: str | None = None) -> bool:
    """Return True if the room (or the creator's room) is live now.

    Args:
        session: the Session to send with.
        room_id: a room id (give exactly one of room_id and unique_id).
        unique_id: a creator's @handle.
    Returns:
        True if live.
    Raises:
        InvalidFetchIsLiveRequest: both or neither of room_id and unique_id (also a ValueError).
        ValueError: a room id that is not a positive integer, or an empty unique id.
        MissingRoomIdInResponse: check_alive did not answer for the room (by room id).
        UserNotFoundError, FailedParseRoomIdError: the room API failed (by unique id).
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    if room_id is not None and unique_id is not None:
        raise InvalidFetchIsLiveRequest("Pass room_id or unique_id to fetch_is_live, not both.")
    if room_id is not None:
        return fetch_is_live_room_ids(session, room_id)[0]
    if unique_id is not None:
        return fetch_is_live_unique_id(session, unique_id)
    raise InvalidFetchIsLiveRequest("fetch_is_live needs a room_id or a unique_id.")


def _entry_room_id(entry: Mapping[str, Any]) -> int | None:
    room_id = as_int(entry.get("room_id_str")) or as_int(entry.get("room_id"))
    return room_id if room_id > 0 else None


def _alive(entry: Any, room_id: int, body: Any) -> bool:
    alive = entry.get("alive") if isinstance(entry, Mapping) else None
    if isinstance(alive, bool):
        return alive
    if isinstance(alive, int) and alive in (0, 1):
        return bool(alive)
    raise MissingRoomIdInResponse(f"check_alive's entry for room {room_id} has no 'alive' flag.", body=body)


def _check_alive_chunk(session: Session, room_ids: list[int]) -> dict[int, bool]:
    """Ask check_alive about up to one chunk of distinct room ids; return room id -> alive."""
    what = f"check_alive for {len(room_ids)} room(s)"
    response = session.get(
        session.endpoints.webcast_url("/room/check_alive/"),
        params=session.api_params(room_ids=",".join(str(r) for r in room_ids)),
    )
    body = read_json_object(response, MissingRoomIdInResponse, what)
    entries = body.get("data")
    status_code = as_int(body.get("status_code"), 0)
    if status_code != 0:
        message = as_str(entries.get("message")) if isinstance(entries, Mapping) else ""
        raise MissingRoomIdInResponse(
            f"TikTok answered {what} with status_code {status_code} ({message or 'no message'}); "
            "if it refuses the batch size, pass a smaller chunk_size.",
            status=response.status_code,
            body=response.content,
        )
    if not isinstance(entries, list):
        raise MissingRoomIdInResponse(
            f"TikTok's answer to {what} has no data list.", status=response.status_code, body=response.content
        )
    ids = [_entry_room_id(e) if isinstance(e, Mapping) else None for e in entries]
    result: dict[int, bool] = {}
    if entries and all(i is not None for i in ids):
        # every entry names its room: map by id, whatever order TikTok answered in
        by_id = {i: e for i, e in zip(ids, entries, strict=True)}
        for room_id in room_ids:
            if room_id not in by_id:
                raise MissingRoomIdInResponse(
                    f"check_alive did not answer for room {room_id}.",
                    status=response.status_code,
                    body=response.content,
                )
            result[room_id] = _alive(by_id[room_id], room_id, response.content)
        return result
    # entries without ids: TikTok answers in the order asked
    if len(entries) < len(room_ids):
        missing = room_ids[len(entries)]
        raise MissingRoomIdInResponse(
            f"check_alive answered {len(entries)} of {len(room_ids)} rooms (nothing for room {missing}).",
            status=response.status_code,
            body=response.content,
        )
    for room_id, entry in zip(room_ids, entries[: len(room_ids)], strict=True):
        result[room_id] = _alive(entry, room_id, response.content)
    return result


def fetch_is_live_room_ids(
    session: Session, *room_ids: int | str, chunk_size: int = CHECK_ALIVE_CHUNK_SIZE
) -> list[bool]:
    """Return whether each room is live, in the order given, with as few requests as possible.

    The ids are sent comma-joined to ``{webcast}/room/check_alive/``, ``chunk_size`` distinct ids per
    request. Answers are matched by ``room_id_str`` / ``room_id`` when TikTok names them, else by
    position.

    Args:
        session: the Session to send with.
        room_ids: room ids (ints or digit strings); repeats are asked once.
        chunk_size: room ids per request (see :data:`CHECK_ALIVE_CHUNK_SIZE`).
    Returns:
        one bool per room id given (an empty list for no ids).
    Raises:
        ValueError: a room id that is not a positive integer, or a chunk_size below 1.
        MissingRoomIdInResponse: an answer lacks one of the rooms, has no ``data`` list, is not JSON
            or has an error status (a nonexistent room, or TikTok detected the client).
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    size = check_positive_int(chunk_size, "chunk_size")
    wanted = [check_room_id(r) for r in room_ids]
    distinct = list(dict.fromkeys(wanted))
    alive: dict[int, bool] = {}
    for start in range(0, len(distinct), size):
        alive.update(_check_alive_chunk(session, distinct[start : start + size]))
    log.debug("check_alive: %d rooms in %d request(s)", len(distinct), -(-len(distinct) // size))
    return [alive[r] for r in wanted]


def user_room_state(body: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """Return ``(room id, live status)`` from a room API answer; either may be None if absent.

    The status is ``data.liveRoom.status``, else ``data.user.status`` (2 = live, 4 = ended).
    """
    user = dict_at(body, "data", "user") or {}
    live_room = dict_at(body, "data", "liveRoom") or {}
    room_id = as_int(user.get("roomId"))
    status = as_int(live_room.get("status"), -1)
    if status < 0:
        status = as_int(user.get("status"), -1)
    return (room_id if room_id > 0 else None), (status if status >= 0 else None)


def fetch_is_live_unique_id(session: Session, unique_id: str) -> bool:
    """Return True if the creator is live now, from TikTok's room API (``/api-live/user/room/``).

    Live means the room API names a room whose status is neither 4 (ended) nor 0 (none).

    Returns:
        True if live.
    Raises:
        ValueError: an empty unique id.
        UserNotFoundError: no such user.
        FailedParseRoomIdError: the answer holds no live status, is not JSON, or has an error status.
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    uid = normalize_unique_id(unique_id)
    body = fetch_user_room_data(session, uid)
    room_id, status = user_room_state(body)
    if room_id is None:
        return False  # the user has no room at all
    if status is None:
        raise FailedParseRoomIdError(
            f"The room API holds no live status for @{uid} (data.liveRoom.status).", body=body
        )
    return status not in (0, OFFLINE_STATUS)
