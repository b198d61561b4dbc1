"""Why a creator is or is not watchable: LIVE, OFFLINE, AGE_RESTRICTED, NOT_FOUND or BLOCKED.

For users tired of a bare ``False``: :func:`fetch_live_status` says which of TikTok's answers led
to its verdict. Example::

    with tls.Session() as s:
        status = tls.fetch_live_status(s, "someone")
        if status.state is tls.LiveState.BLOCKED:
            print("TikTok is blocking us:", status.evidence)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import requests

from ..errors import (
    AgeRestrictedError,
    FailedParseRoomIdError,
    LoginRequiredError,
    TikTokLiveError,
    UserNotFoundError,
    UserOfflineError,
    WebcastBlocked200Error,
)
from ..models import LiveState, LiveStatus
from ._common import normalize_unique_id
from .is_live import user_room_state
from .room_id import OFFLINE_STATUS, fetch_room_id_from_html, fetch_user_room_data
from .room_info import fetch_room_info

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_live_status"]

log = logging.getLogger("tiktoklive_sync")

#: errors that mean "TikTok would not tell us" rather than "the user is X"
_BLOCKED_ERRORS = (LoginRequiredError, FailedParseRoomIdError, WebcastBlocked200Error)


def _blocked(uid: str, error: TikTokLiveError, also: str = "") -> LiveStatus:
    reason = "a login page" if isinstance(error, LoginRequiredError) else "no usable data (a captcha or block page)"
    evidence = f"TikTok answered with {reason}: {error}"
    return LiveStatus(LiveState.BLOCKED, uid, evidence=f"{evidence} {also}".strip(), error=error)


def _live_or_age_restricted(session: Session, uid: str, room_id: int, source: str) -> LiveStatus:
    """A live room was found; room info tells whether a visitor may watch it."""
    try:
        fetch_room_info(session, room_id=room_id)
    except AgeRestrictedError as exc:
        return LiveStatus(
            LiveState.AGE_RESTRICTED, uid, room_id,
            evidence=f"{source} says room {room_id} is live, but room info says it is age-restricted (18+).",
            error=exc,
        )
    except (TikTokLiveError, requests.RequestException) as exc:
        return LiveStatus(
            LiveState.LIVE, uid, room_id,
            evidence=f"{source} says room {room_id} is live (room info could not confirm: {type(exc).__name__}).",
            error=exc,
        )
    return LiveStatus(LiveState.LIVE, uid, room_id, evidence=f"{source} says room {room_id} is live; room info agrees.")


def fetch_live_status(session: Session, unique_id: str) -> LiveStatus:
    """Return whether the creator is watchable now, and the evidence for it.

    Asks the room API first; if TikTok blocks that, the live page. A live room is then checked with
    room info, which reveals an age restriction.

    Args:
        session: the Session to send with.
        unique_id: the creator's @handle (a leading ``@`` or a profile URL is accepted).
    Returns:
        a :class:`~tiktoklive_sync.models.LiveStatus`: ``state`` is LIVE, OFFLINE, AGE_RESTRICTED,
        NOT_FOUND or BLOCKED (a captcha, a login redirect, a non-JSON answer, or data without a
        room id); ``evidence`` says which answer led to it; ``error`` holds the error, if one did.
    Raises:
        ValueError: an empty unique id.
        requests.RequestException: transport failures of the room API and the live page (no answer
            at all is not evidence of anything).
    """
    uid = normalize_unique_id(unique_id)
    api_error: TikTokLiveError | None = None
    try:
        body = fetch_user_room_data(session, uid)
    except UserNotFoundError as exc:
        evidence = f"The room API says there is no such user: {exc}"
        return LiveStatus(LiveState.NOT_FOUND, uid, evidence=evidence, error=exc)
    except _BLOCKED_ERRORS as exc:
        api_error = exc
    else:
        room_id, status = user_room_state(body)
        if room_id is None or status in (0, OFFLINE_STATUS):
            shown = "no room" if room_id is None else f"room {room_id} with status {status} (ended)"
            return LiveStatus(LiveState.OFFLINE, uid, room_id, evidence=f"The room API says @{uid} has {shown}.")
        if status is not None:
            return _live_or_age_restricted(session, uid, room_id, f"The room API (status {status})")
        log.debug("room API gave @%s a room but no status; asking the live page", uid)

    try:
        room_id = fetch_room_id_from_html(session, uid)
    except UserOfflineError as exc:
        return LiveStatus(LiveState.OFFLINE, uid, evidence=f"The live page says @{uid} is not live.", error=exc)
    except UserNotFoundError as exc:
        if api_error is None:
            return LiveStatus(LiveState.NOT_FOUND, uid, evidence=f"The live page has no live room: {exc}", error=exc)
        # the page's missing LiveRoom may be a captcha artefact when the API was blocked too
        return _blocked(uid, api_error, "The live page had no live room either (possibly a captcha artefact).")
    except _BLOCKED_ERRORS as exc:
        also = f"The room API failed before that: {api_error}" if api_error is not None else ""
        return _blocked(uid, exc, also)
    return _live_or_age_restricted(session, uid, room_id, "The live page")
