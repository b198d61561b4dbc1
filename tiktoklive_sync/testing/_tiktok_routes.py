"""The fake's TikTok routes: the web app (www.tiktok.com) and the webcast JSON API.

Each handler answers one route of PROTOCOL.md section 2 from the fake's rooms, in TikTok's formats
(see :mod:`.pages`). Handlers are ``(state, request, match) -> Reply``; :data:`ROUTES` lists them.
The home, profile and live pages set an anonymous ``ttwid`` cookie, as TikTok's do (PROTOCOL.md
4.6); the fake's direct WebSocket accepts only ttwids it issued.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING
from urllib.parse import unquote

from . import pages
from ._assets import png_bytes
from ._http_types import Reply, Route

if TYPE_CHECKING:
    from ._http_types import RecordedRequest
    from ._rooms import FakeRoom
    from ._state import FakeState

__all__ = ["ROUTES", "SESSION_COOKIE"]

#: the cookie whose presence makes the fake treat a visitor as logged in
SESSION_COOKIE = "sessionid"


def _ttwid_cookie(state: FakeState, req: RecordedRequest) -> list[tuple[str, str]]:
    """``Set-Cookie: ttwid=...`` for a visitor without one the fake issued (none for one who has it)."""
    if state.issued_ttwid(req.cookies.get("ttwid", "")):
        return []
    value = state.issue_ttwid()
    return [("Set-Cookie", f"ttwid={value}; Path=/; Max-Age=31536000; HttpOnly; SameSite=None")]


def home(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /``: the home page; sets an anonymous ``ttwid`` cookie (the direct WebSocket path needs it)."""
    return Reply.html(pages.home_page_html(), headers=_ttwid_cookie(state, req))


def login(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /login``: the login page that redirects end at."""
    return Reply.html(pages.login_page_html())


def live_page(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /@{unique_id}/live``: the live page with ``SIGI_STATE`` (and a ``ttwid`` cookie)."""
    unique_id = unquote(match.group(1))
    room = state.rooms.by_unique_id(unique_id)
    return Reply.html(pages.live_page_html(state.web_url, unique_id, room), headers=_ttwid_cookie(state, req))


def profile_page(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /@{user}``: a profile page, found by numeric user id or by unique id (and a ``ttwid`` cookie)."""
    key = unquote(match.group(1))
    room = state.rooms.by_user_id(key) if key.isdigit() else None
    room = room or state.rooms.by_unique_id(key)
    return Reply.html(pages.user_page_html(state.web_url, room), headers=_ttwid_cookie(state, req))


def room_api(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /api-live/user/room/?uniqueId=...&sourceType=54``."""
    room = state.rooms.by_unique_id(req.query.get("uniqueId", ""))
    if room is None:
        return Reply.json(pages.room_api_not_found_body())
    return Reply.json(pages.room_api_body(state.web_url, room))


def _room_info_reply(state: FakeState, req: RecordedRequest, room: FakeRoom | None) -> Reply:
    if room is None:
        return Reply.json(pages.room_not_found_body())
    if room.age_restricted and not req.cookies.get(SESSION_COOKIE):
        return Reply.json(pages.age_restricted_body())
    return Reply.json(pages.room_info_body(state.web_url, room))


def room_info(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /webcast/room/info/?room_id=...``; an 18+ room needs the ``sessionid`` cookie."""
    return _room_info_reply(state, req, state.rooms.by_room_id(req.query.get("room_id", "")))


def room_info_by_user(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /webcast/room/info_by_user/?unique_id=...``."""
    return _room_info_reply(state, req, state.rooms.by_unique_id(req.query.get("unique_id", "")))


def check_alive(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /webcast/room/check_alive/?room_ids=a,b,c``: one entry per id, in the order asked.

    More ids than ``state.check_alive_limit`` answer with a parameter error (status_code 10009).
    """
    ids = [i.strip() for i in req.query.get("room_ids", "").split(",") if i.strip()]
    if not ids:
        return Reply.json(pages.webcast_body({"message": "room_ids is required"}, 10009))
    limit = state.check_alive_limit
    if limit is not None and len(ids) > limit:
        return Reply.json(pages.webcast_body({"message": f"at most {limit} room_ids"}, 10009))
    answers = []
    for room_id in ids:
        room = state.rooms.by_room_id(room_id)
        answers.append((room_id, bool(room and room.live)))
    return Reply.json(pages.check_alive_body(answers))


def gift_list(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /webcast/gift/list/``: the built-in list, or what ``fake.set_gift_list`` gave."""
    return Reply(200, state.gift_list_bytes(), "application/json; charset=utf-8")


def image(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``GET /img/...``: a PNG (one colour per path), or the bytes ``fake.set_image`` gave."""
    data = state.image_bytes(req.path)
    if data is None:
        data = png_bytes(req.path)
    return Reply(200, data, "image/png")


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0


def _room_from_params(state: FakeState, req: RecordedRequest) -> tuple[str, FakeRoom | None]:
    params = {**req.query, **req.form()}
    room_id = params.get("room_id", "")
    return room_id, state.rooms.by_room_id(room_id)


def like(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``POST /webcast/room/like/?room_id=...&count=...``; ``result: room_err`` when not live."""
    room_id, room = _room_from_params(state, req)
    count = _int({**req.query, **req.form()}.get("count", "1"))
    if room is None or not room.live:
        return Reply.json(pages.webcast_body({"result": "room_err", "message": "room is not live"}))
    room.like_count += count
    state.sent_likes.append({"room_id": room.room_id, "count": count})
    return Reply.json(pages.webcast_body({"result": "success", "like_count": count, "total": room.like_count}))


def send_gift(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``POST /webcast/gift/send/`` (form body): records the gift; ``room_err`` when not live."""
    form = {**req.query, **req.form()}
    room_id, room = _room_from_params(state, req)
    if room is None or not room.live:
        return Reply.json(pages.webcast_body({"result": "room_err", "message": "room is not live"}))
    state.sent_gifts.append(dict(form))
    data = {
        "result": "success",
        "gift_id": _int(form.get("gift_id", "0")),
        "repeat_count": _int(form.get("count", "1")),
        "room_id": room.room_id,
    }
    return Reply.json(pages.webcast_body(data))


def room_chat(state: FakeState, req: RecordedRequest, match: re.Match[str]) -> Reply:
    """``POST /webcast/room/chat/`` (the historical direct chat route): needs the ``sessionid`` cookie."""
    params = {**req.query, **req.form()}
    _, room = _room_from_params(state, req)
    if not req.cookies.get(SESSION_COOKIE):
        return Reply.json(pages.webcast_body({"message": "login required", "prompts": "Log in to chat"}, 20003))
    if room is None or not room.live:
        return Reply.json(pages.webcast_body({"result": "room_err", "message": "room is not live"}))
    state.sent_chats.append({"room_id": room.room_id, "content": params.get("content", "")})
    return Reply.json(pages.webcast_body({"content": params.get("content", ""), "msg_id": secrets.randbits(62)}))


ROUTES: list[Route] = [
    Route.of("GET", r"/", home),
    Route.of("GET", r"/login/?", login),
    Route.of("GET", r"/@([^/]+)/live/?", live_page),
    Route.of("GET", r"/@([^/]+)/?", profile_page),
    Route.of("GET", r"/api-live/user/room/?", room_api),
    Route.of("GET", r"/webcast/room/info/", room_info),
    Route.of("GET", r"/webcast/room/info_by_user/", room_info_by_user),
    Route.of("GET", r"/webcast/room/check_alive/", check_alive),
    Route.of("GET", r"/webcast/gift/list/", gift_list),
    Route.of("GET", r"/img/.+", image),
    Route.of("POST", r"/webcast/room/like/", like),
    Route.of("POST", r"/webcast/gift/send/", send_gift),
    Route.of("POST", r"/webcast/room/chat/", room_chat),
]
