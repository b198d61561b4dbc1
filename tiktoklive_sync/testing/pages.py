"""TikTok-shaped pages and JSON bodies, built from a :class:`~.rooms.FakeRoom`.

Each builder returns what the real TikTok sends for the matching route (PROTOCOL.md sections 2-3):
the live page with its ``SIGI_STATE`` script, the ``/api-live/user/room/`` answer, room info (live,
ended, age-restricted, not found), ``check_alive``, the profile page with
``__UNIVERSAL_DATA_FOR_REHYDRATION__``. ``base`` is the fake's own URL, so every URL inside an answer
(avatars, stream pulls) points back at the fake and a test never leaves 127.0.0.1.

The builders are public so tests can make bodies to serve through ``fake.fail_next(..., body=...)``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from ._rooms import FakeRoom

__all__ = [
    "webcast_body",
    "stream_data",
    "stream_url_object",
    "webcast_user",
    "room_info_data",
    "room_info_body",
    "age_restricted_body",
    "room_not_found_body",
    "live_page_html",
    "room_api_body",
    "room_api_not_found_body",
    "check_alive_body",
    "user_page_html",
    "home_page_html",
    "login_page_html",
    "captcha_html",
    "QUALITIES",
    "AGE_RESTRICTED_STATUS_CODE",
    "ROOM_NOT_FOUND_STATUS_CODE",
    "USER_NOT_FOUND_STATUS_CODE",
]

#: stream qualities TikTok offers, best first, with the labels and levels of ``pull_data.options``
QUALITIES: tuple[tuple[str, str, int], ...] = (
    ("origin", "Original", 5),
    ("uhd", "UHD", 4),
    ("hd", "HD", 3),
    ("sd", "SD", 2),
    ("ld", "LD", 1),
)
#: room info ``status_code`` of an 18+ room shown to a visitor without a session (PROTOCOL.md 4.6)
AGE_RESTRICTED_STATUS_CODE = 4003110
#: room info ``status_code`` the fake uses for a room id it does not know (TikTok's exact code is unconfirmed)
ROOM_NOT_FOUND_STATUS_CODE = 4003168
#: ``/api-live/user/room/`` ``statusCode`` for a user that does not exist (PROTOCOL.md 4.6)
USER_NOT_FOUND_STATUS_CODE = 19881007


def _now_ms() -> int:
    return int(time.time() * 1000)


def _log_id() -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + "7F3A1C0DE5EB1E2A4B"


def webcast_body(data: Any, status_code: int = 0) -> dict[str, Any]:
    """Wrap ``data`` the way every webcast JSON API answers: ``{"data", "extra", "status_code"}``."""
    return {"data": data, "extra": {"log_id": _log_id(), "now": _now_ms()}, "status_code": status_code}


def _embed_json(value: Any) -> str:
    """Serialise JSON for a ``<script>`` element the way TikTok does (``<`` and ``/`` escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace("/", "\\u002F")


def _img(base: str, kind: str, key: int | str) -> str:
    return f"{base}/img/{kind}/{key}.png"


def _image_model(base: str, kind: str, key: int | str) -> dict[str, Any]:
    url = _img(base, kind, key)
    return {
        "url_list": [url, url + "?variant=2"],
        "uri": f"tos-useast2a-avt-0068-tx/{kind}-{key}",
        "height": 0,
        "width": 0,
        "avg_color": "#A3967C",
        "image_type": 0,
        "is_animated": False,
    }


# -- streams ---------------------------------------------------------------------------------


def stream_data(base: str, room: FakeRoom) -> str:
    """Return the ``pull_data.stream_data`` JSON *string* of a live room (PROTOCOL.md section 3).

    ``data.<quality>.main.flv`` is ``{base}/stream/{room_id}/{quality}.flv``; ``ao`` is audio only.
    """
    data: dict[str, Any] = {}
    for quality, _, _ in QUALITIES + (("ao", "Audio", 0),):
        stem = f"{base}/stream/{room.room_id}/{quality}"
        sdk_params = {"VCodec": "h264", "resolution": "", "vbitrate": 0}
        data[quality] = {
            "main": {
                "flv": stem + ".flv",
                "hls": stem + ".m3u8",
                "cmaf": "",
                "dash": "",
                "lls": "",
                "tsl": "",
                "tile": "",
                "sdk_params": json.dumps(sdk_params),
            }
        }
    common = {
        "session_id": f"037-{room.room_id}",
        "rule_ids": "",
        "user_count": room.user_count,
        "major_anchor": {"user_id": room.user_id},
    }
    return json.dumps({"common": common, "data": data}, separators=(",", ":"))


def _pull_options() -> dict[str, Any]:
    qualities = [
        {"name": name, "sdk_key": key, "level": level, "resolution": "", "v_codec": "h264"}
        for key, name, level in QUALITIES
    ]
    return {"default_quality": qualities[-1], "qualities": qualities, "show_quality_button": True}


def stream_url_object(base: str, room: FakeRoom) -> dict[str, Any]:
    """Return room info's ``stream_url`` object, with the legacy pull maps as well."""

    def flv(q: str) -> str:
        return f"{base}/stream/{room.room_id}/{q}.flv"

    return {
        "id": room.room_id,
        "id_str": str(room.room_id),
        "default_resolution": "ORIGION",
        "candidate_resolution": ["SD1", "SD2", "HD1", "ORIGION"],
        "flv_pull_url": {"FULL_HD1": flv("uhd"), "HD1": flv("hd"), "SD1": flv("sd"), "SD2": flv("ld")},
        "hls_pull_url": f"{base}/stream/{room.room_id}/origin.m3u8",
        "rtmp_pull_url": flv("origin"),
        "live_core_sdk_data": {"pull_data": {"options": _pull_options(), "stream_data": stream_data(base, room)}},
    }


# -- webcast JSON API ------------------------------------------------------------------------


def webcast_user(base: str, room: FakeRoom) -> dict[str, Any]:
    """Return the webcast API's user object for the room's owner (``owner`` in room info)."""
    return {
        "id": room.user_id,
        "id_str": str(room.user_id),
        "display_id": room.unique_id,
        "nickname": room.nickname,
        "sec_uid": room.sec_uid,
        "bio_description": "",
        "verified": False,
        "avatar_thumb": _image_model(base, "avatar", room.user_id),
        "avatar_medium": _image_model(base, "avatar", room.user_id),
        "avatar_large": _image_model(base, "avatar", room.user_id),
        "follow_info": {
            "follower_count": room.follower_count,
            "following_count": room.following_count,
            "follow_status": 0,
            "push_status": 0,
        },
    }


def room_info_data(base: str, room: FakeRoom) -> dict[str, Any]:
    """Return room info's ``data`` object; an ended room carries no ``stream_url``."""
    data: dict[str, Any] = {
        "id": room.room_id,
        "id_str": str(room.room_id),
        "status": room.status,
        "title": room.title,
        "owner": webcast_user(base, room),
        "owner_user_id": room.user_id,
        "owner_user_id_str": str(room.user_id),
        "user_count": room.user_count if room.live else 0,
        "like_count": room.like_count,
        "create_time": room.create_time,
        "finish_time": 0 if room.live else room.create_time + 3600,
        "cover": _image_model(base, "cover", room.room_id),
        "stats": {"total_user": room.user_count * 3, "like_count": room.like_count, "enter_count": room.user_count},
        "live_room_mode": 0,
        "age_restricted": {"restricted": room.age_restricted, "source": 0},
    }
    if room.live:
        data["stream_url"] = stream_url_object(base, room)
    return data


def room_info_body(base: str, room: FakeRoom) -> dict[str, Any]:
    """Return the whole room info answer for a room a visitor may see."""
    return webcast_body(room_info_data(base, room))


def age_restricted_body() -> dict[str, Any]:
    """Return room info for an 18+ room without a session: ``data`` holds only a message and ``prompts``."""
    prompts = "This LIVE is age-restricted. Log in to confirm your age before you watch it."
    return webcast_body({"message": "age restricted room", "prompts": prompts}, AGE_RESTRICTED_STATUS_CODE)


def room_not_found_body() -> dict[str, Any]:
    """Return room info for a room id nobody has: ``data`` holds a message only."""
    return webcast_body({"message": "room not found"}, ROOM_NOT_FOUND_STATUS_CODE)


def check_alive_body(rooms: Sequence[tuple[int | str, bool]]) -> dict[str, Any]:
    """Return ``/webcast/room/check_alive/`` for ``(room_id, alive)`` pairs, in the order given."""
    entries = []
    for room_id, alive in rooms:
        rid = int(room_id) if str(room_id).isdigit() else 0
        entries.append({"alive": alive, "room_id": rid, "room_id_str": str(room_id)})
    return webcast_body(entries)


# -- web app (www.tiktok.com) -----------------------------------------------------------------


def _web_user(base: str, room: FakeRoom) -> dict[str, Any]:
    avatar = _img(base, "avatar", room.user_id)
    return {
        "id": str(room.user_id),
        "uniqueId": room.unique_id,
        "nickname": room.nickname,
        "secUid": room.sec_uid,
        "avatarLarger": avatar,
        "avatarMedium": avatar,
        "avatarThumb": avatar,
        "signature": "",
        "verified": False,
        "secret": False,
        "roomId": str(room.room_id),
        "status": room.status,
        "followInfo": {"followStatus": 0, "followerCount": room.follower_count, "followingCount": room.following_count},
    }


def _web_live_room(base: str, room: FakeRoom) -> dict[str, Any]:
    live_room: dict[str, Any] = {
        "coverUrl": _img(base, "cover", room.room_id),
        "title": room.title,
        "startTime": room.create_time,
        "status": room.status,
        "liveSubOnly": 0,
        "liveRoomMode": 0,
        "ageRestricted": room.age_restricted,
        "liveRoomStats": {"userCount": room.user_count if room.live else 0, "enterCount": room.user_count},
    }
    if room.live:
        live_room["streamData"] = {"pull_data": {"options": _pull_options(), "stream_data": stream_data(base, room)}}
    return live_room


def _html(title: str, head_scripts: str, body: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f'{head_scripts}</head><body><div id="app">{body}</div>'
        '<script src="/static/js/main.js" defer></script></body></html>'
    )


def live_page_html(base: str, unique_id: str, room: FakeRoom | None) -> str:
    """Return ``/@{unique_id}/live``: ``SIGI_STATE`` with ``LiveRoom`` (missing if the user is unknown)."""
    state: dict[str, Any] = {
        "AppContext": {"appContext": {"language": "en", "region": "GB", "user": {}, "wid": "0"}},
        "SEO": {"canonical": f"{base}/@{unique_id}/live", "pageType": "live"},
    }
    if room is not None:
        state["LiveRoom"] = {
            "loadingState": {"getUserInfo": 1, "getRecommendLive": 1},
            "needLogin": False,
            "isAgeGateRoom": room.age_restricted,
            "liveRoomStatus": room.status,
            "liveRoomUserInfo": {
                "user": _web_user(base, room),
                "stats": {"followerCount": room.follower_count, "followingCount": room.following_count},
                "liveRoom": _web_live_room(base, room),
            },
        }
        state["CurrentRoom"] = {"roomInfo": {"roomId": str(room.room_id)}, "anchorId": str(room.user_id)}
    script = f'<script id="SIGI_STATE" type="application/json">{_embed_json(state)}</script>'
    title = f"{room.nickname} (@{room.unique_id}) is LIVE | TikTok" if room else "TikTok LIVE | TikTok"
    return _html(title, script)


def room_api_body(base: str, room: FakeRoom) -> dict[str, Any]:
    """Return ``/api-live/user/room/`` for a known user (``data.user.roomId``, ``data.liveRoom.status``)."""
    data = {
        "user": _web_user(base, room),
        "liveRoom": _web_live_room(base, room),
        "stats": {"followerCount": room.follower_count, "followingCount": room.following_count},
    }
    return {
        "data": data,
        "extra": {"fatal_item_ids": [], "logid": _log_id(), "now": _now_ms()},
        "message": "",
        "statusCode": 0,
    }


def room_api_not_found_body() -> dict[str, Any]:
    """Return ``/api-live/user/room/`` for a user that does not exist (``message: user_not_found``)."""
    return {
        "data": {},
        "extra": {"fatal_item_ids": [], "logid": _log_id(), "now": _now_ms()},
        "message": "user_not_found",
        "statusCode": USER_NOT_FOUND_STATUS_CODE,
    }


def user_page_html(base: str, room: FakeRoom | None) -> str:
    """Return a profile page (``/@{user}``) with ``__UNIVERSAL_DATA_FOR_REHYDRATION__``.

    For an unknown user ``webapp.user-detail`` holds a status code and no ``userInfo``.
    """
    if room is not None:
        detail: dict[str, Any] = {
            "userInfo": {
                "user": _web_user(base, room),
                "stats": {
                    "followerCount": room.follower_count,
                    "followingCount": room.following_count,
                    "heartCount": room.like_count,
                    "videoCount": 12,
                },
            },
            "statusCode": 0,
            "statusMsg": "",
        }
    else:
        detail = {"statusCode": 10221, "statusMsg": "user not exist", "needFix": True}
    scope = {
        "__DEFAULT_SCOPE__": {
            "webapp.app-context": {"language": "en", "region": "GB", "user": {}},
            "webapp.user-detail": detail,
        }
    }
    script = f'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{_embed_json(scope)}</script>'
    title = f"{room.nickname} (@{room.unique_id}) | TikTok" if room else "Couldn't find this account | TikTok"
    return _html(title, script)


def home_page_html() -> str:
    """Return the home page (the fake sets the ``ttwid`` cookie with it)."""
    return _html("TikTok - Make Your Day", "", "<h1>For You</h1>")


def login_page_html() -> str:
    """Return the login page TikTok redirects to when it wants a logged-in visitor."""
    return _html("Log in | TikTok", "", '<h1>Log in to TikTok</h1><form action="/passport/web/login/"></form>')


def captcha_html() -> str:
    """Return a verification (captcha) page: HTML without any of the data scripts."""
    return _html("Security Check | TikTok", "", '<div class="captcha_verify_container">Verify to continue</div>')
