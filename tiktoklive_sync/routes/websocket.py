"""The WebSocket bootstrap: the first webcast response of a room, from the sign server (PROTOCOL.md 1.5, 4.1).

Example::

    with tls.Session(sign_api_key="...") as s:
        first = tls.fetch_signed_websocket(s, room_id)
        print(first.push_server, first.cursor, len(first.messages))
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .._signer import WebcastPlatform
from ..errors import FrameDecodeError, UnexpectedSignatureError
from ..live._protocol import parse_fetch_result
from ..proto import envelope_pb2
from ._common import check_room_id, normalize_unique_id

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_signed_websocket"]

log = logging.getLogger("tiktoklive_sync")


def fetch_signed_websocket(
    session: Session,
    room_id: int | str,
    *,
    platform: str = WebcastPlatform.WEB,
    session_id: str | None = None,
    tt_target_idc: str | None = None,
    unique_id: str | None = None,
    cursor: str | None = None,
    authenticated: bool | None = None,
) -> envelope_pb2.ProtoMessageFetchResult:
    """Fetch and parse a room's first webcast response (what the WebSocket is opened from).

    The sign server's TikTok cookies (``X-Set-TT-Cookie``) are stored in ``session.cookies`` for
    ``session.endpoints.cookie_domain``, so the WebSocket handshake can send them.

    Args:
        session: the Session to send with.
        room_id: the room to connect to.
        platform: ``WebcastPlatform.WEB`` or ``WebcastPlatform.MOBILE`` (mobile needs a session id).
        session_id, tt_target_idc: log in first (calls ``session.set_session``); both or neither.
        unique_id: the creator's @handle, passed on to the sign server (optional).
        cursor: resume after this cursor (on reconnects).
        authenticated: True to require signing with the session id, False to never send it, None
            to send it when logged in (only ever to a sign host named in ``trusted_sign_hosts``).
    Returns:
        the parsed ``ProtoMessageFetchResult`` (cursor, push_server, route_params, messages, ...).
    Raises:
        ValueError: a room id that is not a positive integer, a session id without
            tt_target_idc, a bad platform, or mobile without a session id.
        AuthenticatedWebSocketConnectionError: the session id would go to an untrusted sign host.
        SignatureRateLimitError: the sign server rate-limited us (``retry_after`` says how long).
        UnexpectedSignatureError: the sign server's body is not a ProtoMessageFetchResult.
        SignAPIError: any other sign server failure (connection, empty body, no cookies, non-200).
    """
    rid = check_room_id(room_id)
    uid = normalize_unique_id(unique_id) if unique_id is not None else None
    if session_id is not None or tt_target_idc is not None:
        session.set_session(session_id, tt_target_idc)
    fetched = session.signer.fetch(rid, unique_id=uid, cursor=cursor, platform=platform, authenticated=authenticated)
    domain = session.endpoints.cookie_domain
    for name, value in fetched.cookies.items():
        session.cookies.set(name, value, domain=domain)
    try:
        result = parse_fetch_result(fetched.body)
    except FrameDecodeError as exc:
        raise UnexpectedSignatureError(
            "The sign server's webcast response is not a ProtoMessageFetchResult (protobuf).",
            status=200,
            body=session.signer.scrub(fetched.body),
            log_id=fetched.log_id,
        ) from exc
    if fetched.room_id is not None and fetched.room_id != rid:
        log.info("the sign server answered for room %d instead of %d", fetched.room_id, rid)
    log.debug(
        "first webcast response of room %d: %d messages, cursor %r", rid, len(result.messages), result.cursor
    )
    return result
