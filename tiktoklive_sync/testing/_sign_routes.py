"""The fake's sign server (Euler Stream's API, PROTOCOL.md 1.5), served under ``{base}/sign``.

- ``GET /sign/webcast/fetch``: the WebSocket bootstrap, a serialized ``ProtoMessageFetchResult``
  naming ``state.push_server_url`` as its push server, with the ``X-Set-TT-Cookie`` header (a
  ``ttwid`` the fake issued);
- ``POST /sign/webcast/sign_url``: ``{"code", "message", "response": {"signedUrl", "userAgent", ...}}``
  where the signed URL is the given one plus ``msToken``, ``X-Bogus`` and ``_signature``;
- ``POST /sign/webcast/chat``: posts a chat message as the account in ``x-cookie-header``.
"""

from __future__ import annotations

import itertools
import secrets
import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .._signer import parse_cookie_string
from ..live._protocol import build_fetch_result
from ._http_types import Reply, Route

if TYPE_CHECKING:
    import re

    from ._http_types import RecordedRequest
    from ._state import FakeState

__all__ = ["ROUTES", "PROTOBUF_TYPE"]

PROTOBUF_TYPE = "application/x-protobuf"
_fetch_numbers = itertools.count(1)


def _error(code: int, message: str) -> Reply:
    return Reply.json({"code": code, "message": message}, status=code)


def fetch(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /sign/webcast/fetch?room_id=...``: the first webcast response of a room."""
    room_text = req.query.get("room_id", "")
    if not room_text.isdigit():
        return _error(400, "room_id is required and must be a number")
    room_id = int(room_text)
    number = next(_fetch_numbers)
    now_ms = int(time.time() * 1000)
    cursor = f"r-{now_ms}_{number}"
    internal_ext = f"internal_src:dim|wss_push_room_id:{room_id}|wss_push_did:0|fetch_time:{now_ms}|seq:{number}"
    result = build_fetch_result(
        state.first_batch(room_id), cursor=cursor, fetch_interval=1000, now=now_ms, internal_ext=internal_ext,
        heartbeat_duration=10_000, push_server=state.push_server_url, is_first=True, need_ack=False,
    )
    result.route_params["wrss"] = secrets.token_urlsafe(16)
    result.route_params["debug_tag"] = ""  # empty values are left out of the WebSocket URL
    resume = req.query.get("cursor", "")
    if resume.isdigit():  # the push server resumes after the cursor in its URL
        result.route_params["cursor"] = resume
    ttwid = state.issue_ttwid()
    headers = [
        ("X-Set-TT-Cookie", f"ttwid={ttwid}; tt_chain_token={secrets.token_urlsafe(12)}"),
        ("X-Room-Id", str(room_id)),
        ("X-Request-Id", f"fake-{number}"),
        ("X-Agent-Id", "fake-agent"),
    ]
    return Reply(200, result.SerializeToString(), PROTOBUF_TYPE, headers)


def sign_url(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``POST /sign/webcast/sign_url``: sign the ``url`` of the JSON body."""
    body = req.json()
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url:
        return _error(400, "the JSON body needs a 'url'")
    tokens = {
        "msToken": secrets.token_urlsafe(96)[:107],
        "X-Bogus": "DFSzswVL" + secrets.token_hex(12),
        "_signature": "_02B4Z6wo00001" + secrets.token_hex(16),
    }
    signed = url + ("&" if "?" in url else "?") + urlencode(tokens)
    agent = body.get("userAgent") if isinstance(body.get("userAgent"), str) else "Mozilla/5.0"
    response = {
        "signedUrl": signed,
        "userAgent": agent,
        "browserName": "Mozilla",
        "browserVersion": agent.partition("/")[2],
        "tokens": tokens,
        "requestHeaders": {"User-Agent": agent},
        "cookies": {},
    }
    return Reply.json({"code": 200, "message": "ok", "response": response})


def chat(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``POST /sign/webcast/chat``: ``{content, targetRoomId}`` with the account in ``x-cookie-header``."""
    body = req.json()
    cookies = parse_cookie_string(req.headers.get("x-cookie-header", ""))
    if not cookies.get("sessionid"):
        return _error(401, "x-cookie-header must carry the sessionid of the sending account")
    if not isinstance(body, dict) or not isinstance(body.get("content"), str) or not body["content"]:
        return _error(400, "the JSON body needs a non-empty 'content'")
    target = str(body.get("targetRoomId") or body.get("roomId") or "")
    room = state.rooms.by_room_id(target)
    if room is None or not room.live:
        return Reply.json({"code": 404, "message": "the target room is not live", "data": None})
    state.sent_chats.append({"room_id": room.room_id, "content": body["content"]})
    data = {"content": body["content"], "room_id": str(room.room_id), "msg_id": str(secrets.randbits(62))}
    return Reply.json({"code": 200, "message": "Chat sent", "data": data})


ROUTES: list[Route] = [
    Route.of("GET", r"/sign/webcast/fetch/?", fetch),
    Route.of("POST", r"/sign/webcast/sign_url/?", sign_url),
    Route.of("POST", r"/sign/webcast/chat/?", chat),
]
