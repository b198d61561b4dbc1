"""FakeTikTok serves TikTok's real formats (PROTOCOL.md sections 1-3), checked with bare requests."""

from __future__ import annotations

import json
import re
import struct
import zlib
from typing import Any

import pytest
import requests

from tiktoklive_sync.testing import FakeTikTok, pages

ROOM_ID = 7_000_000_000_000_000_001
USER_ID = 6_900_000_000_000_000_002


def script_json(html: str, script_id: str) -> Any:
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert match is not None, f"no {script_id} script"
    assert "</" not in match.group(1)  # nothing inside could end the script element early
    return json.loads(match.group(1))


@pytest.fixture
def fake(fake_tiktok: FakeTikTok) -> FakeTikTok:
    fake_tiktok.add_room("someone", room_id=ROOM_ID, user_id=USER_ID, title="Hello <b>there</b>", user_count=42)
    return fake_tiktok


@pytest.fixture
def http() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s


def test_live_page_has_sigi_state_with_room_and_status(fake: FakeTikTok, http: requests.Session) -> None:
    r = http.get(fake.url("/@someone/live"), timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    state = script_json(r.text, "SIGI_STATE")
    info = state["LiveRoom"]["liveRoomUserInfo"]
    assert info["user"]["roomId"] == str(ROOM_ID)
    assert info["user"]["uniqueId"] == "someone"
    assert info["user"]["status"] == 2 and info["liveRoom"]["status"] == 2
    assert info["liveRoom"]["title"] == "Hello <b>there</b>"  # '<' escaped in the page, intact in the JSON
    streams = json.loads(info["liveRoom"]["streamData"]["pull_data"]["stream_data"])
    assert streams["data"]["hd"]["main"]["flv"] == fake.url(f"/stream/{ROOM_ID}/hd.flv")


def test_live_page_of_offline_and_unknown_users(fake: FakeTikTok, http: requests.Session) -> None:
    fake.set_live("someone", False)
    info = script_json(http.get(fake.url("/@someone/live"), timeout=5).text, "SIGI_STATE")["LiveRoom"]
    assert info["liveRoomUserInfo"]["user"]["status"] == 4
    assert info["liveRoomUserInfo"]["liveRoom"]["status"] == 4
    assert "streamData" not in info["liveRoomUserInfo"]["liveRoom"]
    unknown = script_json(http.get(fake.url("/@nobody/live"), timeout=5).text, "SIGI_STATE")
    assert "LiveRoom" not in unknown and "AppContext" in unknown


def test_room_api_answers_and_user_not_found(fake: FakeTikTok, http: requests.Session) -> None:
    body = http.get(
        fake.url("/api-live/user/room/"), params={"uniqueId": "someone", "sourceType": 54}, timeout=5
    ).json()
    assert body["statusCode"] == 0 and body["message"] == ""
    assert body["data"]["user"]["roomId"] == str(ROOM_ID)
    assert body["data"]["liveRoom"]["status"] == 2
    missing = http.get(fake.url("/api-live/user/room/"), params={"uniqueId": "nobody"}, timeout=5).json()
    assert missing["message"] == "user_not_found"
    assert missing["statusCode"] == pages.USER_NOT_FOUND_STATUS_CODE and missing["data"] == {}


def test_room_info_live_room(fake: FakeTikTok, http: requests.Session) -> None:
    body = http.get(fake.url("/webcast/room/info/"), params={"room_id": ROOM_ID}, timeout=5).json()
    assert body["status_code"] == 0
    data = body["data"]
    assert data["id_str"] == str(ROOM_ID) and data["status"] == 2 and data["user_count"] == 42
    assert data["owner"]["display_id"] == "someone" and data["owner"]["id_str"] == str(USER_ID)
    assert data["owner"]["avatar_thumb"]["url_list"][0].startswith(fake.base_url + "/img/")
    stream_data = data["stream_url"]["live_core_sdk_data"]["pull_data"]["stream_data"]
    assert isinstance(stream_data, str)  # TikTok sends a JSON string inside the JSON
    parsed = json.loads(stream_data)
    for quality in ("origin", "uhd", "hd", "sd", "ld"):
        assert parsed["data"][quality]["main"]["flv"] == fake.url(f"/stream/{ROOM_ID}/{quality}.flv")
    by_user = http.get(fake.url("/webcast/room/info_by_user/"), params={"unique_id": "someone"}, timeout=5).json()
    assert by_user["data"]["id"] == ROOM_ID


def test_room_info_ended_age_restricted_and_not_found(fake: FakeTikTok, http: requests.Session) -> None:
    fake.set_live("someone", False)
    ended = http.get(fake.url("/webcast/room/info/"), params={"room_id": ROOM_ID}, timeout=5).json()
    assert ended["data"]["status"] == 4 and "stream_url" not in ended["data"]

    fake.add_room("adult", room_id=ROOM_ID + 1, age_restricted=True)
    url = fake.url("/webcast/room/info/")
    hidden = http.get(url, params={"room_id": ROOM_ID + 1}, timeout=5).json()
    assert hidden["status_code"] == pages.AGE_RESTRICTED_STATUS_CODE == 4003110
    assert "prompts" in hidden["data"] and "owner" not in hidden["data"]
    shown = http.get(url, params={"room_id": ROOM_ID + 1}, cookies={"sessionid": "abc"}, timeout=5).json()
    assert shown["status_code"] == 0 and shown["data"]["owner"]["display_id"] == "adult"

    missing = http.get(url, params={"room_id": 5}, timeout=5).json()
    assert missing["status_code"] == pages.ROOM_NOT_FOUND_STATUS_CODE and set(missing["data"]) == {"message"}


def test_check_alive_keeps_the_order_asked(fake: FakeTikTok, http: requests.Session) -> None:
    fake.add_room("offline", room_id=ROOM_ID + 7, live=False)
    ids = f"{ROOM_ID + 7},{ROOM_ID},12345"
    body = http.get(fake.url("/webcast/room/check_alive/"), params={"room_ids": ids}, timeout=5).json()
    assert [(e["room_id"], e["room_id_str"], e["alive"]) for e in body["data"]] == [
        (ROOM_ID + 7, str(ROOM_ID + 7), False),
        (ROOM_ID, str(ROOM_ID), True),
        (12345, "12345", False),
    ]
    fake.check_alive_limit = 2
    over = http.get(fake.url("/webcast/room/check_alive/"), params={"room_ids": ids}, timeout=5).json()
    assert over["status_code"] != 0 and "at most 2" in over["data"]["message"]


def test_gift_list_default_and_replaced(fake: FakeTikTok, http: requests.Session) -> None:
    body = http.get(fake.url("/webcast/gift/list/"), timeout=5).json()
    assert body["status_code"] == 0
    rose = next(g for g in body["data"]["gifts"] if g["name"] == "Rose")
    assert (rose["id"], rose["diamond_count"], rose["type"]) == (5655, 1, 1)
    icon = http.get(rose["image"]["url_list"][0], timeout=5)
    assert icon.content.startswith(b"\x89PNG")
    fake.set_gift_list({"data": {"gifts": [{"id": 1, "name": "One"}]}, "extra": {}, "status_code": 0})
    assert http.get(fake.url("/webcast/gift/list/"), timeout=5).json()["data"]["gifts"] == [{"id": 1, "name": "One"}]
    fake.set_gift_list(b"not json at all")
    assert http.get(fake.url("/webcast/gift/list/"), timeout=5).content == b"not json at all"
    fake.set_gift_list(None)
    assert len(http.get(fake.url("/webcast/gift/list/"), timeout=5).json()["data"]["gifts"]) > 1


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    header = data[16 : 16 + length]
    crc = struct.unpack(">I", data[16 + length : 20 + length])[0]
    assert crc == zlib.crc32(kind + header)
    width, height = struct.unpack(">II", header[:8])
    return width, height


def test_images_are_valid_png_and_can_be_replaced(fake: FakeTikTok, http: requests.Session) -> None:
    r = http.get(fake.url("/img/avatar/1.png"), timeout=5)
    assert r.headers["Content-Type"] == "image/png" and _png_size(r.content) == (8, 8)
    assert http.get(fake.url("/img/avatar/1.png"), timeout=5).content == r.content
    assert http.get(fake.url("/img/avatar/2.png"), timeout=5).content != r.content
    url = fake.set_image("/img/big.png", b"\x89PNG" + b"0" * 5000)
    assert len(http.get(url, timeout=5).content) == 5004
    with pytest.raises(ValueError):
        fake.set_image("/elsewhere.png", b"")


def test_profile_page_by_numeric_id_and_unknown_user(fake: FakeTikTok, http: requests.Session) -> None:
    r = http.get(fake.url(f"/@{USER_ID}"), timeout=5)
    assert "\\u002F" in r.text  # TikTok escapes slashes inside the data script
    scope = script_json(r.text, "__UNIVERSAL_DATA_FOR_REHYDRATION__")["__DEFAULT_SCOPE__"]
    assert scope["webapp.user-detail"]["userInfo"]["user"]["uniqueId"] == "someone"
    assert scope["webapp.user-detail"]["userInfo"]["user"]["avatarLarger"].startswith(fake.base_url)
    unknown = script_json(http.get(fake.url("/@123"), timeout=5).text, "__UNIVERSAL_DATA_FOR_REHYDRATION__")
    assert "userInfo" not in unknown["__DEFAULT_SCOPE__"]["webapp.user-detail"]


def test_home_page_sets_ttwid_cookie(fake: FakeTikTok, http: requests.Session) -> None:
    r = http.get(fake.url("/"), timeout=5)
    assert r.status_code == 200 and r.cookies.get("ttwid", "").startswith("1|")
    assert http.cookies.get("ttwid")


def test_unknown_path_is_404_and_wrong_method_405(fake: FakeTikTok, http: requests.Session) -> None:
    assert http.get(fake.url("/no/such/thing/"), timeout=5).status_code == 404
    assert http.post(fake.url("/webcast/gift/list/"), timeout=5).status_code == 405


def test_like_gift_and_direct_chat_posts(fake: FakeTikTok, http: requests.Session) -> None:
    like = http.post(fake.url("/webcast/room/like/"), params={"room_id": ROOM_ID, "count": 5}, timeout=5).json()
    assert like["data"]["result"] == "success" and fake.sent_likes == [{"room_id": ROOM_ID, "count": 5}]
    form = {"room_id": str(ROOM_ID), "gift_id": "5655", "count": "3", "to_user_id": str(USER_ID)}
    gift = http.post(fake.url("/webcast/gift/send/"), data=form, timeout=5).json()
    assert gift["data"]["gift_id"] == 5655 and fake.sent_gifts[0]["to_user_id"] == str(USER_ID)
    chat_url = fake.url("/webcast/room/chat/")
    assert http.post(chat_url, params={"room_id": ROOM_ID, "content": "hi"}, timeout=5).json()["status_code"] != 0
    ok = http.post(chat_url, params={"room_id": ROOM_ID, "content": "hi"}, cookies={"sessionid": "s"}, timeout=5)
    assert ok.json()["status_code"] == 0 and fake.sent_chats == [{"room_id": ROOM_ID, "content": "hi"}]
    fake.set_live("someone", False)
    offline = http.post(fake.url("/webcast/room/like/"), params={"room_id": ROOM_ID, "count": 1}, timeout=5).json()
    assert offline["data"]["result"] == "room_err"
