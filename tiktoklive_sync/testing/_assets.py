"""Static things the fake TikTok serves: a small gift list and PNG pictures.

The gift list has the shape of TikTok's ``/webcast/gift/list/`` answer (``data.gifts[]`` with
``id``, ``name``, ``diamond_count``, ``type``, ``image.url_list``, ...). The gifts themselves (ids,
names, coin values, streakable or not) are facts of TikTok's catalogue; only a handful are shipped,
so the package works without the test data. Replace it with ``fake.set_gift_list(...)``.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

__all__ = ["GIFTS", "gift_list_body", "png_bytes"]

#: (id, name, diamond_count, type); type 1 = streakable combo gift
GIFTS: tuple[tuple[int, str, int, int], ...] = (
    (5655, "Rose", 1, 1),
    (6064, "GG", 1, 1),
    (5827, "Ice Cream Cone", 1, 1),
    (5487, "Finger Heart", 5, 1),
    (7934, "Heart Me", 1, 4),
    (5660, "Hand Hearts", 100, 2),
    (7168, "Money Gun", 500, 2),
    (6089, "Sports Car", 7000, 2),
)


def _image(base: str, gift_id: int, kind: str) -> dict[str, Any]:
    url = f"{base}/img/gift/{gift_id}-{kind}.png"
    return {
        "avg_color": "#D8EBCE",
        "height": 0,
        "width": 0,
        "image_type": 0,
        "is_animated": False,
        "open_web_url": "",
        "uri": f"webcast-va/gift-{gift_id}-{kind}",
        "url_list": [url, url + "?variant=2"],
    }


def _gift(base: str, gift_id: int, name: str, diamonds: int, kind: int) -> dict[str, Any]:
    return {
        "id": gift_id,
        "name": name,
        "describe": f"sent {name}",
        "diamond_count": diamonds,
        "type": kind,
        "combo": kind == 1,
        "duration": 1000,
        "for_linkmic": True,
        "is_broadcast_gift": False,
        "is_displayed_on_panel": True,
        "is_effect_befview": False,
        "primary_effect_id": 0,
        "image": _image(base, gift_id, "image"),
        "icon": _image(base, gift_id, "icon"),
    }


def gift_list_body(base: str) -> dict[str, Any]:
    """Return the whole gift list answer, image URLs pointing at ``base``."""
    gifts = [_gift(base, *g) for g in GIFTS]
    data = {
        "gifts": gifts,
        "hash": "",
        "is_full_gift_data": True,
        "pages": [],
        "doodle_templates": [],
        "gifts_info": {"default_loc_color_gift_id": 0},
    }
    return {
        "data": data,
        "extra": {"log_id": "20240105155453100EB6723DDB4B3766FF", "now": 1704470094792},
        "status_code": 0,
    }


def png_bytes(seed: str, size: int = 8) -> bytes:
    """Return a valid ``size`` x ``size`` PNG of one colour chosen from ``seed`` (same seed, same bytes)."""
    if not 1 <= size <= 4096:
        raise ValueError("size must be 1..4096 pixels")
    rgb = hashlib.sha256(seed.encode("utf-8")).digest()[:3]
    row = b"\x00" + rgb * size  # filter byte 0, then the pixels
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
