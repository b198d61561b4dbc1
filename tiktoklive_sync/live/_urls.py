"""Push URLs, the handshake's Cookie header and Handshake-Options (PROTOCOL.md 4.1, 4.6).

Example::

    url = build_direct_url(session.endpoints.ws_direct, room_id, session.profile)
    cookie = cookie_header_for(session.cookies, url, [".tiktok.com"])
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from http.cookiejar import CookieJar
from urllib.parse import urlencode, urlsplit

from .._browser import BrowserProfile
from .._session import SESSION_COOKIES
from .._signer import parse_cookie_string
from ..errors import WebsocketURLMissingError
from ..proto.envelope_pb2 import ProtoMessageFetchResult

__all__ = [
    "VERSION_SUFFIX",
    "build_direct_url",
    "build_sign_url",
    "cookie_header_for",
    "ping_interval_from",
    "static_ws_params",
]

log = logging.getLogger("tiktoklive_sync")

#: appended as a raw string: TikTok's own URL carries ``version_code`` twice (PROTOCOL.md 4.1)
VERSION_SUFFIX = "&version_code=270000"
#: cookies that log in as the account; sent only to TikTok's own hosts
_SESSION_COOKIE_NAMES = frozenset(SESSION_COOKIES) | {"sid_guard"}


def static_ws_params(profile: BrowserProfile) -> dict[str, str]:
    """Return the fixed query parameters of a push URL (PROTOCOL.md 4.1 table), raw (unencoded)."""
    return {
        "aid": "1988",
        "app_language": profile.language,
        "app_name": "tiktok_web",
        "browser_platform": profile.browser_platform,
        "browser_language": profile.lang_country,
        "browser_name": profile.browser_name,
        "browser_version": profile.browser_version,
        "browser_online": "true",
        "cookie_enabled": "true",
        "tz_name": profile.tz_name,
        "device_platform": "web",
        "identity": "audience",
        "live_id": "12",
        "sup_ws_ds_opt": "1",
        "update_version_code": "2.0.0",
        "version_code": "180800",
        "client_enter": "1",
        "ws_direct": "1",
        "did_rule": "3",
        "webcast_language": profile.language,
        "screen_height": str(profile.screen_height),
        "screen_width": str(profile.screen_width),
        "heartbeat_duration": "10000",
        "resp_content_type": "protobuf",
        "history_comment_count": "6",
        "last_rtt": str(profile.last_rtt),
    }


def _join(base: str, params: Mapping[str, str]) -> str:
    sep = "&" if "?" in base else "?"
    return base + sep + urlencode(params) + VERSION_SUFFIX


def build_sign_url(
    fetch: ProtoMessageFetchResult, room_id: int, profile: BrowserProfile, *, compress: bool = True
) -> str:
    """Build the push URL from the sign server's first webcast response (PROTOCOL.md 4.1 step 4).

    Order: the response's non-empty ``route_params``, then the static parameters (which win), then
    ``room_id`` and ``compress``, then the raw ``&version_code=270000`` suffix.

    Returns:
        the ``wss://`` URL to open, straight away (it expires within ~30 s).
    Raises:
        WebsocketURLMissingError: the response names no push server or no route parameters.
    """
    if not fetch.push_server:
        raise WebsocketURLMissingError("The first webcast response names no push server (push_server is empty).")
    if not fetch.route_params:
        raise WebsocketURLMissingError("The first webcast response has no route_params for the push URL.")
    params = {k: v for k, v in fetch.route_params.items() if v}
    params.update(static_ws_params(profile))
    params["room_id"] = str(room_id)
    params["compress"] = "gzip" if compress else ""
    return _join(fetch.push_server, params)


def build_direct_url(
    ws_base: str,
    room_id: int,
    profile: BrowserProfile,
    *,
    cursor: str | None = None,
    internal_ext: str | None = None,
    compress: bool = True,
) -> str:
    """Build the push URL for the direct way in, without a sign server (PROTOCOL.md 4.6).

    ``cursor`` and ``internal_ext`` (from the last batch received) ask the server to resume after a
    reconnect, as TikTok's web client does.

    Returns:
        the ``wss://`` URL to open.
    """
    params = static_ws_params(profile)
    params["browser_language"] = "en-US"
    params["room_id"] = str(room_id)
    params["compress"] = "gzip" if compress else ""
    if cursor:
        params["cursor"] = cursor
    if internal_ext:
        params["internal_ext"] = internal_ext
    return _join(ws_base, params)


def cookie_header_for(jar: CookieJar, ws_url: str, trusted_hosts: Iterable[str]) -> str:
    """Return the ``Cookie`` header for a push connection: every non-empty cookie in ``jar``.

    The login cookies (``sessionid`` and friends) are included only when the push host is one of
    ``trusted_hosts`` or a sub-domain of one (a sign server must not be able to send the account's
    session to a host of its choosing).
    """
    host = (urlsplit(ws_url).hostname or "").lower()
    trusted = any(host == h.lstrip(".") or host.endswith("." + h.lstrip(".")) for h in trusted_hosts if h)
    values: dict[str, str] = {}
    for cookie in jar:
        if not cookie.value:
            continue
        if cookie.name in _SESSION_COOKIE_NAMES and not trusted:
            continue
        values[cookie.name] = cookie.value
    return "; ".join(f"{k}={v}" for k, v in values.items())


def ping_interval_from(headers: Mapping[str, str] | None) -> float | None:
    """Return the heartbeat period the server asked for (``Handshake-Options: ping-interval=N``).

    Returns:
        seconds, or None if the header is missing or unreadable.
    """
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    options = parse_cookie_string(lowered.get("handshake-options", ""))
    raw = options.get("ping-interval")
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        log.debug("ignoring unreadable ping-interval %r", raw)
        return None
    return value if value is not None and value > 0 else None
