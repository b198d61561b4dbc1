"""Acting in a room as the logged-in user: chat, likes, gifts (PROTOCOL.md 2.8-2.10).

None of these is ever retried: a POST that timed out may still have taken effect.

TikTok fingerprints the TLS stack of ``/room/like/`` and ``/gift/send/`` callers and answers
non-browser clients (such as ``requests``) with a non-JSON body; that surfaces as
:class:`~tiktoklive_sync.errors.WebcastBlocked200Error`. Mount a browser-like transport adapter
on the Session if you need them.

Example::

    with tls.Session(sign_api_key="...", trusted_sign_hosts=["api.eulerstream.com"]) as s:
        s.set_session(session_id, "useast2a")
        tls.send_room_chat(s, "hello!", room_id=room_id)
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

import requests

from .._json import dig
from .._validate import id64
from ..errors import RoomActionError, UserOfflineError, WebcastBlocked200Error
from ._common import check_positive_int, check_room_id, raise_for_login_redirect, raise_for_status

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["send_room_chat", "send_room_like", "send_room_gift", "GiftPayload"]

log = logging.getLogger("tiktoklive_sync")

_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=UTF-8"


class _GiftPayloadRequired(TypedDict):
    room_id: int
    gift_id: int
    to_user_id: int


class GiftPayload(_GiftPayloadRequired, total=False):
    """The form of a gift (``POST /webcast/gift/send/``); only room_id, gift_id, to_user_id are required.

    Keys:
        room_id: the room to send to. gift_id: from the gift list. to_user_id: the host's user id.
        count: how many (default 1). enter_from: UI origin (default ``"live_detail_"``).
        is_opted_in_host (default True), is_subscription (default False).
        send_gift_req_start_ms: client time in ms (default: now).
        send_scene, send_type: default 1.
    """

    count: int
    enter_from: str
    is_opted_in_host: bool
    is_subscription: bool
    send_gift_req_start_ms: int
    send_scene: int
    send_type: int


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _gift_form(payload: Mapping[str, Any]) -> dict[str, str]:
    """Validate a GiftPayload and fill in the defaults; returns the form fields as text."""
    if not isinstance(payload, Mapping):
        raise ValueError(f"payload must be a GiftPayload dict, not {type(payload).__name__}")
    for key in ("room_id", "gift_id", "to_user_id"):
        if key not in payload:
            raise ValueError(f"the gift payload needs {key!r}")
    form: dict[str, Any] = {
        "count": 1,
        "enter_from": "live_detail_",
        "is_opted_in_host": True,
        "is_subscription": False,
        "send_gift_req_start_ms": int(time.time() * 1000),
        "send_scene": 1,
        "send_type": 1,
        **payload,
    }
    for key in ("room_id", "gift_id", "to_user_id"):
        form[key] = id64(key, form[key])  # 64-bit ids, checked before anything is signed or sent
    form["count"] = check_positive_int(form["count"], "count")
    return {k: _form_value(v) for k, v in form.items()}


def _signed_post(session: Session, path: str, params: dict[str, str], what: str, **kwargs: Any) -> dict[str, Any]:
    """Sign ``{webcast}{path}`` (as GET/fetch, as TikTok wants), POST it once, read the JSON answer.

    The signer refuses a signed URL that is not https on a TikTok host; the POST follows no redirect.
    """
    url = session.endpoints.webcast_url(path)
    full_url = requests.Request("POST", url, params=params).prepare().url or url
    signature = session.signer.sign_url(full_url, method="GET", kind="fetch")
    headers = {"User-Agent": signature.user_agent, **kwargs.pop("headers", {})}
    response = session.request(
        "POST", signature.url, headers=headers, retry=False, allow_redirects=False, **kwargs
    )
    raise_for_login_redirect(response, what)
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    if dig(body, "data", "result") == "room_err":
        raise UserOfflineError(f"TikTok refused {what}: the room is not live (room_err).", status=response.status_code)
    # an error status (or a redirect elsewhere): the named error, with the status, like GET routes
    raise_for_status(response, RoomActionError, what)
    if not isinstance(body, dict):
        kind = "something that is not JSON" if body is None else "JSON that is not an object"
        raise WebcastBlocked200Error(
            f"TikTok answered {what} with {kind}.", status=response.status_code, body=response.content
        )
    return body


def send_room_chat(session: Session, content: str, room_id: int | str | None = None) -> dict[str, Any]:
    """Post a chat message in a room as the logged-in user, through the sign server (a paid feature).

    Never retried.

    Args:
        session: a logged-in Session (``session.set_session``) whose sign host is trusted.
        content: the message text.
        room_id: the room to post in.
    Returns:
        the sign server's JSON answer (``{"code", "message", "data"}``).
    Raises:
        ValueError: no session id, no room id, a bad room id, or empty content.
        AuthenticatedWebSocketConnectionError: the sign host is not trusted with the session id.
        PremiumEndpointError: the API key's plan does not include chat.
        SignAPIError: any other sign server failure.
    """
    if not isinstance(content, str) or not content.strip():
        raise ValueError("content must be a non-empty str")
    if room_id is None:
        raise ValueError("send_room_chat needs the room_id of the room to post in")
    rid = check_room_id(room_id)
    if not session.logged_in:
        raise ValueError("send_room_chat needs a logged-in session: call session.set_session(session_id, idc) first")
    return session.signer.send_chat(content, rid)


def send_room_like(session: Session, count: int, room_id: int | str | None = None) -> dict[str, Any]:
    """Send ``count`` likes to a room (``POST {webcast}/room/like/``, signed). Never retried.

    Args:
        session: the Session to send with (in practice logged in).
        count: how many likes (a positive integer).
        room_id: the room to like.
    Returns:
        TikTok's JSON answer as-is.
    Raises:
        ValueError: a count or room id that is not a positive integer, or no room id.
        WebcastBlocked200Error: a 2xx answer that is not a JSON object (TikTok's JA3 block).
        UserOfflineError: TikTok says the room is not live (``data.result == "room_err"``).
        RoomActionError: an error status (3xx / 4xx / 5xx); the POST is not retried.
        LoginRequiredError: TikTok redirected to a login page.
        SignAPIError: the sign server failed to sign the URL (UntrustedSignedUrlError: the signed
            URL is not https on a TikTok host).
        requests.RequestException: transport failures.
    """
    likes = check_positive_int(count, "count")
    if room_id is None:
        raise ValueError("send_room_like needs the room_id of the room to like")
    rid = check_room_id(room_id)
    params = session.api_params(room_id=rid, count=likes)
    return _signed_post(session, "/room/like/", params, f"{likes} like(s) for room {rid}")


def send_room_gift(session: Session, payload: GiftPayload) -> dict[str, Any]:
    """Send a gift (``POST {webcast}/gift/send/``, signed, form-encoded). Never retried.

    Args:
        session: a logged-in Session.
        payload: a :class:`GiftPayload`; missing optional keys get their defaults.
    Returns:
        TikTok's JSON answer as-is.
    Raises:
        ValueError: a payload without room_id / gift_id / to_user_id, or one that is not a
            positive integer (count included).
        WebcastBlocked200Error: a 2xx answer that is not a JSON object (TikTok's JA3 block).
        UserOfflineError: TikTok says the room is not live (``data.result == "room_err"``).
        RoomActionError: an error status (3xx / 4xx / 5xx); the POST is not retried.
        LoginRequiredError: TikTok redirected to a login page.
        SignAPIError: the sign server failed to sign the URL (UntrustedSignedUrlError: the signed
            URL is not https on a TikTok host).
        requests.RequestException: transport failures.
    """
    form = _gift_form(payload)
    params = session.api_params(room_id=form["room_id"])
    what = f"gift {form['gift_id']} x{form['count']} for room {form['room_id']}"
    return _signed_post(
        session, "/gift/send/", params, what, data=form, headers={"Content-Type": _FORM_CONTENT_TYPE}
    )
