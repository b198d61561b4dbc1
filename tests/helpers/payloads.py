"""TikTok-shaped answers for the route tests, built as PROTOCOL.md sections 2 and 4 describe them.

Route tests import the builders from here; tests/routes/test_payloads.py pins the shapes themselves,
so a builder that drifted from the protocol shows up there rather than as a confusing failure elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

import tiktoklive_sync as tls
from tiktoklive_sync.proto import envelope_pb2

#: every host a route may use, none of them real: a route that hard-codes TikTok's hosts fails
ENDPOINTS = tls.Endpoints(
    web="https://web.example.test",
    webcast="https://api.example.test/webcast",
    sign="https://sign.example.test",
    cookie_domain=".example.test",
)
WEB = ENDPOINTS.web
WEBCAST = ENDPOINTS.webcast
SIGN = ENDPOINTS.sign

ROOM_ID = 7451132632405510917
USER_ID = 7230478347297063942


def make_session(**kwargs: Any) -> tls.Session:
    """A Session against :data:`ENDPOINTS` that never retries unless told to."""
    kwargs.setdefault("endpoints", ENDPOINTS)
    kwargs.setdefault("retry", tls.RetryPolicy(attempts=1))
    kwargs.setdefault("sign_api_key", "")
    return tls.Session(**kwargs)


def webcast_body(data: Any, status_code: int = 0) -> dict[str, Any]:
    """A webcast JSON API answer: ``{"data", "extra", "status_code"}``."""
    return {"data": data, "extra": {"log_id": "20240105155453100EB6723DDB4B3766FF", "now": 1704470094792},
            "status_code": status_code}


def _script(script_id: str, value: Any) -> str:
    # TikTok escapes "/" inside the embedded JSON; json.loads reads \u002F back as "/"
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("/", "\\u002F")
    return f'<script id="{script_id}" type="application/json">{text}</script>'


def html_page(*scripts: str, title: str = "TikTok") -> str:
    """An HTML page with the given script elements in its head."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<script>window.__INIT__=1;</script>{"".join(scripts)}</head>'
        '<body><div id="app"></div><script src="/main.js"></script></body></html>'
    )


def live_state(unique_id: str = "someone", room_id: int | str = ROOM_ID, status: int = 2) -> dict[str, Any]:
    """The live page's SIGI_STATE: ``LiveRoom.liveRoomUserInfo.user.{roomId, status, uniqueId}``."""
    return {
        "AppContext": {"appContext": {"language": "en", "region": "GB"}},
        "LiveRoom": {
            "liveRoomUserInfo": {
                "user": {"id": str(USER_ID), "uniqueId": unique_id, "nickname": "Some One",
                         "roomId": str(room_id), "status": status},
                "liveRoom": {"status": status, "title": "hello", "streamData": {}},
            },
        },
    }


def sigi_html(state: Any) -> str:
    """The live page ``/@{user}/live`` carrying ``state`` as its SIGI_STATE script."""
    return html_page(_script("SIGI_STATE", state), title="someone is LIVE | TikTok")


def room_api_body(room_id: int | str = ROOM_ID, status: int = 2, unique_id: str = "someone") -> dict[str, Any]:
    """``/api-live/user/room/``: ``data.user.roomId`` (string) and ``data.liveRoom.status``."""
    return {
        "data": {
            "user": {"id": str(USER_ID), "uniqueId": unique_id, "roomId": str(room_id), "status": status},
            "liveRoom": {"status": status, "title": "hello"},
        },
        "extra": {"fatal_item_ids": [], "logid": "20240105", "now": 1704470094792},
        "message": "",
        "statusCode": 0,
    }


def room_api_not_found_body() -> dict[str, Any]:
    """``/api-live/user/room/`` for a user that does not exist."""
    return {"data": {}, "extra": {}, "message": "user_not_found", "statusCode": 19881007}


def stream_data_string(base: str = "https://pull.example.test") -> str:
    """``stream_url.live_core_sdk_data.pull_data.stream_data``: a JSON *string*."""
    data = {q: {"main": {"flv": f"{base}/{q}.flv", "hls": f"{base}/{q}.m3u8", "cmaf": ""}}
            for q in ("ld", "sd", "hd", "uhd", "origin")}
    return json.dumps({"common": {"session_id": "037"}, "data": data})


def room_info_data(room_id: int = ROOM_ID, status: int = 2) -> dict[str, Any]:
    """Room info's ``data`` object for a room a visitor may see."""
    avatar = "https://p16.example.test/avatar.webp"
    return {
        "id": room_id,
        "id_str": str(room_id),
        "status": status,
        "title": "Cooking live",
        "owner": {"id": USER_ID, "id_str": str(USER_ID), "display_id": "someone", "nickname": "Some One",
                  "avatar_thumb": {"url_list": [avatar], "uri": "avatar"},
                  "follow_info": {"follower_count": 1234, "following_count": 56}},
        "user_count": 321,
        "create_time": 1704470000,
        "stats": {"total_user": 999},
        "stream_url": {"live_core_sdk_data": {"pull_data": {"stream_data": stream_data_string()}}},
    }


def check_alive_body(pairs: list[tuple[int, bool]], *, with_ids: bool = True) -> dict[str, Any]:
    """``/webcast/room/check_alive/``: ``data`` is a list of ``{"alive", "room_id", "room_id_str"}``."""
    if with_ids:
        entries = [{"alive": alive, "room_id": rid, "room_id_str": str(rid)} for rid, alive in pairs]
    else:
        entries = [{"alive": alive} for _, alive in pairs]
    return webcast_body(entries)


def universal_state(unique_id: str | None = "someone", user_id: int = USER_ID, status_code: int = 0) -> dict[str, Any]:
    """A profile page's ``__UNIVERSAL_DATA_FOR_REHYDRATION__`` (``webapp.user-detail`` -> userInfo.user)."""
    detail: dict[str, Any] = {"statusCode": status_code, "statusMsg": ""}
    if unique_id is not None:
        detail["userInfo"] = {"user": {"id": str(user_id), "uniqueId": unique_id, "nickname": "Some One"},
                              "stats": {"followerCount": 1}}
    return {"__DEFAULT_SCOPE__": {"webapp.app-context": {"language": "en"}, "webapp.user-detail": detail}}


def profile_html(state: Any) -> str:
    """A profile page ``/@{user_id}`` carrying ``state`` as its app data script."""
    return html_page(_script("__UNIVERSAL_DATA_FOR_REHYDRATION__", state), title="Some One | TikTok")


def fetch_result_bytes(room_id: int = ROOM_ID) -> bytes:
    """A sign server ``/webcast/fetch`` body: a serialized ProtoMessageFetchResult."""
    result = envelope_pb2.ProtoMessageFetchResult(
        cursor="1704470094792_7320000000000000000_1_1_0_0",
        fetch_interval=1000,
        now=1704470094792,
        internal_ext="internal_src:dim|wss_push_room_id:" + str(room_id),
        push_server="wss://push.example.test/webcast/im/push/v2/",
        is_first=True,
        need_ack=False,
    )
    result.route_params["im-cursor"] = "1704470094792"
    message = result.messages.add()
    message.method = "WebcastRoomMessage"
    message.payload = b"\x0a\x00"
    message.msg_id = 42
    return result.SerializeToString()


# -- the builders' own shape checks ----------------------------------------------------------
