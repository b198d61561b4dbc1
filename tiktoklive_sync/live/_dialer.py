"""The two ways into a room's push server, each turned into a fresh :class:`WebSocketTarget`.

- **sign** (PROTOCOL.md 4.1): ask the sign server for the room's first webcast response
  (:func:`~tiktoklive_sync.routes.fetch_signed_websocket`, which also stores TikTok's cookies), and
  build the push URL from it. Needs the sign server; works with a session id (if trusted).
- **direct** (PROTOCOL.md 4.6): take an anonymous ``ttwid`` cookie from TikTok's home page and open
  the well-known push endpoint (``Endpoints.ws_direct``) with ``Origin: https://www.tiktok.com``.
  Needs no sign server and no API key; TikTok may refuse it with ``DEVICE_BLOCKED``.

A target is built for every connection attempt: signed URLs expire within ~30 s and are never reused.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from requests.utils import select_proxy

from .._session import Session
from ..errors import InitialCursorMissingError
from ..routes.websocket import fetch_signed_websocket
from ._connection import WebSocketHandshakeRefused, WebSocketTarget
from ._urls import build_direct_url, build_sign_url, cookie_header_for

__all__ = ["direct_target", "sign_target", "ensure_ttwid", "TTWID"]

log = logging.getLogger("tiktoklive_sync")

#: the anonymous cookie TikTok's home page sets, which the direct WebSocket needs
TTWID = "ttwid"


def _trusted_hosts(session: Session) -> list[str]:
    """Hosts that may receive the login cookies: TikTok's cookie domain and the direct WS host."""
    direct_host = urlsplit(session.endpoints.ws_direct).hostname or ""
    return [session.endpoints.cookie_domain, direct_host]


def ensure_ttwid(session: Session, *, fresh: bool = False) -> str:
    """Return the Session's anonymous ``ttwid`` cookie, fetching TikTok's home page if it has none.

    Args:
        fresh: drop the cookie held now and get a new one (after a ``DEVICE_BLOCKED`` refusal).
    Returns:
        the cookie's value.
    Raises:
        WebSocketHandshakeRefused: the home page set no ``ttwid`` (the direct way in is closed).
        requests.RequestException: the home page could not be fetched.
    """
    if fresh:
        for cookie in [c for c in session.cookies if c.name == TTWID]:
            session.cookies.clear(cookie.domain, cookie.path, cookie.name)
    else:
        current = next((c.value for c in session.cookies if c.name == TTWID and c.value), None)
        if current:
            return current
    response = session.get(session.endpoints.web_url("/"))
    response.close()
    value = next((c.value for c in session.cookies if c.name == TTWID and c.value), None)
    if not value:
        raise WebSocketHandshakeRefused(
            "TikTok's home page did not set the anonymous 'ttwid' cookie, so the direct WebSocket cannot "
            "be opened.",
            mode="direct", status=response.status_code,
        )
    return value


def direct_target(
    session: Session,
    room_id: int,
    *,
    cursor: str | None = None,
    internal_ext: str | None = None,
    fresh_cookie: bool = False,
    compress: bool = True,
) -> WebSocketTarget:
    """Build a target for the direct way in (no sign server).

    Args:
        cursor, internal_ext: where to resume (from the last batch received), if reconnecting.
        fresh_cookie: get a new ``ttwid`` first (after TikTok refused the old one).
    Returns:
        the target (``mode="direct"``).
    Raises:
        WebSocketHandshakeRefused: no ``ttwid`` cookie could be had.
        requests.RequestException: the home page could not be fetched.
    """
    ensure_ttwid(session, fresh=fresh_cookie)
    url = build_direct_url(
        session.endpoints.ws_direct, room_id, session.profile, cursor=cursor, internal_ext=internal_ext,
        compress=compress,
    )
    return WebSocketTarget(
        url=url,
        cookie=cookie_header_for(session.cookies, url, _trusted_hosts(session)),
        user_agent=session.profile.user_agent,
        origin=session.endpoints.web.rstrip("/"),
        mode="direct",
        ca_bundle=_ca_bundle(session),
        proxy=_proxy(session, url),
    )


def sign_target(
    session: Session,
    room_id: int,
    *,
    unique_id: str | None = None,
    cursor: str | None = None,
    compress: bool = True,
) -> WebSocketTarget:
    """Build a target through the sign server: a new first webcast response and a new signed URL.

    Args:
        unique_id: the creator's @handle, passed on to the sign server.
        cursor: resume after this cursor (reconnects).
    Returns:
        the target (``mode="sign"``), whose ``first_batch`` holds the sign server's response.
    Raises:
        InitialCursorMissingError: the response has no cursor.
        WebsocketURLMissingError: the response names no push server or route parameters.
        SignAPIError: the sign server failed (``SignatureRateLimitError`` on 429, ...).
        requests.RequestException: transport failures.
    """
    first = fetch_signed_websocket(session, room_id, unique_id=unique_id, cursor=cursor)
    if not first.cursor:
        raise InitialCursorMissingError("The sign server's first webcast response has no cursor.")
    url = build_sign_url(first, room_id, session.profile, compress=compress)
    return WebSocketTarget(
        url=url,
        cookie=cookie_header_for(session.cookies, url, _trusted_hosts(session)),
        user_agent=session.profile.user_agent,
        origin=None,
        mode="sign",
        first_batch=first,
        ca_bundle=_ca_bundle(session),
        proxy=_proxy(session, url),
    )


def _ca_bundle(session: Session) -> str | None:
    """The CA bundle the Session verifies TLS with, if it names one (the push socket uses it too)."""
    verify = session.verify
    return verify if isinstance(verify, str) else None


def _proxy(session: Session, ws_url: str) -> str | None:
    """The proxy requests would use for this URL (Session proxies, then the environment), or None."""
    http_url = "https" + ws_url[3:] if ws_url.startswith("wss") else "http" + ws_url[2:]
    settings = session.merge_environment_settings(http_url, {}, None, None, None)
    return select_proxy(http_url, settings["proxies"])
