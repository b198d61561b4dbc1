"""Models: tolerant parsing of TikTok's JSON into frozen dataclasses with .raw."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync._json import as_int, dig

Q, F = tls.VideoQuality, tls.VideoFetchFormat


def _stream_data(*qualities: str) -> str:
    data = {q: {"main": {"flv": f"https://pull.example/{q}.flv", "hls": f"https://pull.example/{q}.m3u8"}}
            for q in qualities}
    data["ao"] = {"main": {"flv": "https://pull.example/audio.flv"}}
    return json.dumps({"common": {}, "data": data})


def _room(**over: object) -> dict[str, object]:
    room: dict[str, object] = {
        "id": 7450000000000000001,
        "id_str": "7450000000000000001",
        "status": 2,
        "title": "hello",
        "user_count": 321,
        "create_time": 1700000000,
        "owner": {
            "id": 6800000000000000001, "id_str": "6800000000000000001", "display_id": "someone",
            "nickname": "Some One", "avatar_thumb": {"url_list": ["https://p16/a.jpg", "https://p19/a.jpg"]},
            "follow_info": {"follower_count": 1234, "following_count": 5},
        },
        "stream_url": {"live_core_sdk_data": {"pull_data": {"stream_data": _stream_data("ld", "sd", "hd")}}},
    }
    room.update(over)
    return room


def test_room_info_parses_typed_fields_and_keeps_raw() -> None:
    info = tls.RoomInfo.from_json(_room())
    assert info.id == 7450000000000000001 and info.id_str == "7450000000000000001"
    assert info.is_live and info.title == "hello" and info.user_count == 321
    assert info.owner.unique_id == "someone" and info.owner.follower_count == 1234
    assert info.owner.avatar.url == "https://p16/a.jpg"
    assert info.raw["title"] == "hello"
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.title = "x"  # type: ignore[misc]


@pytest.mark.parametrize("bad", [None, [], "x", 5, {"owner": "nope", "stream_url": []}, {"id": {"a": 1}}])
def test_room_info_never_raises_on_odd_shapes(bad: object) -> None:
    info = tls.RoomInfo.from_json(bad)
    assert info.id == 0 and not info.is_live and not info.stream_urls


def test_stream_urls_pick_exact_and_fallback() -> None:
    urls = tls.RoomInfo.from_json(_room()).stream_urls
    assert urls.qualities == [Q.LD, Q.SD, Q.HD]
    assert urls.pick(Q.HD) == (Q.HD, "https://pull.example/hd.flv")
    assert urls.pick(Q.HD, F.HLS) == (Q.HD, "https://pull.example/hd.m3u8")
    # ORIGIN missing: nearest lower available is HD
    assert urls.pick(Q.ORIGIN) == (Q.HD, "https://pull.example/hd.flv")
    # CMAF missing: falls back to FLV
    assert urls.get(Q.SD, F.CMAF) == "https://pull.example/sd.flv"


def test_stream_urls_fallback_to_flv_pull_url_and_bad_json() -> None:
    room = _room(stream_url={
        "live_core_sdk_data": {"pull_data": {"stream_data": "{not json"}},
        "flv_pull_url": {"FULL_HD1": "https://p/full.flv", "SD2": "https://p/sd2.flv"},
    })
    urls = tls.RoomInfo.from_json(room).stream_urls
    assert urls.pick(Q.UHD) == (Q.UHD, "https://p/full.flv")
    assert urls.pick(Q.LD) == (Q.LD, "https://p/sd2.flv")
    assert tls.StreamUrls.from_room_json({"stream_url": {}}).pick(Q.HD) is None


def test_gift_list_from_the_real_capture(realdata_dir: Path) -> None:
    doc = json.loads((realdata_dir / "gift_list_jwjava_2024-01-05.json").read_text())
    gifts = tls.GiftList.from_json(doc["data"])
    assert len(gifts) == 116
    rose = gifts.by_name("rose")
    assert rose is not None and (rose.id, rose.diamond_count, rose.type) == (5655, 1, 1) and rose.streakable
    assert [(g.id, g.name, g.diamond_count) for g in list(gifts)[:3]] == [
        (9639, "2024", 1), (6064, "GG", 1), (5827, "Ice Cream Cone", 1)]
    assert gifts.by_id(5655) == rose and gifts.by_id(1) is None
    assert rose.image.url.startswith("https://")


def test_helpers() -> None:
    assert dig({"a": [{"b": 1}]}, "a", 0, "b") == 1
    assert dig({"a": [1]}, "a", 5) is None and dig(None, "a") is None
    assert as_int("123") == 123 and as_int("12a") == 0 and as_int(2.0) == 2 and as_int(None, -1) == -1
    assert as_int("٣") == 0  # non-ASCII digits are not ids


def test_live_status_truthiness() -> None:
    assert tls.LiveStatus(tls.LiveState.LIVE, "a")
    assert not tls.LiveStatus(tls.LiveState.OFFLINE, "a", evidence="status 4")


def test_stream_data_nested_too_deep_is_no_urls_not_a_recursion_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    room = _room(stream_url={"live_core_sdk_data": {"pull_data": {"stream_data": deep}}})
    assert not tls.RoomInfo.from_json(room).stream_urls
