"""A deterministic corpus of push frames laid out as TikTok sends them, with a manifest of what it holds.

The mix follows a real room's (comments, likes, joins, gifts with streaks, follows and shares, viewer
counts, emotes, battles, questions, subscriptions, pauses); every frame is a ``WebcastPushFrame`` whose
payload is a ``ProtoMessageFetchResult`` (gzipped for about one frame in five, as TikTok does). The
manifest's figures are computed from what was put in, not by decoding, so decoding the corpus and
comparing is a real check. ``benchmarks/make_corpus.py`` writes a large one to disk; the tests build a
small one in memory.

Example::

    frames, manifest = make_corpus(frame_count=300, seed=7)
    assert sum(len(tls.decode_frame(f)) for f in frames) == manifest["message_count"]
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from ..proto.envelope_pb2 import BaseProtoMessage
from . import builders as b
from ._batches import fetch_result, push_frame

__all__ = ["make_corpus", "write_frames", "read_frames", "METHOD_WEIGHTS"]

#: how often each method appears (per cent of messages), after a real room's mix
METHOD_WEIGHTS = {
    "WebcastChatMessage": 35, "WebcastLikeMessage": 20, "WebcastMemberMessage": 14, "WebcastGiftMessage": 11,
    "WebcastSocialMessage": 8, "WebcastRoomUserSeqMessage": 7, "WebcastEmoteChatMessage": 1.6,
    "WebcastLinkMicBattle": 1.1, "WebcastQuestionNewMessage": 1.1, "WebcastSubNotifyMessage": 0.8,
    "WebcastControlMessage": 0.5,
}
_TEXTS = ("hello 👋", "Привет", "مرحبا", "你好!", "안녕하세요", "𝓈𝓉𝓎𝓁𝑒", "e\u0301 combining", "tab\there",
          "👨‍👩‍👧 family", "🇬🇧🇯🇵 flags", "\u200fRTL mark", "gg", "what song is this?", "❤️❤️❤️")
_ONE_OFF = (("Corgi", 5879, 299), ("Money Gun", 7168, 500), ("Galaxy", 11046, 1000), ("Lion", 6369, 29999))
_STREAKABLE = (("Rose", 5655, 1), ("TikTok", 5269, 1), ("Finger Heart", 5487, 5), ("Doughnut", 5879, 30))


class _Room:
    """The state a live room carries across messages (ids, totals, open gift streaks)."""

    def __init__(self, rng: random.Random, room_id: int) -> None:
        self.rng, self.room_id = rng, room_id
        self.msg_id = 7_450_883_803_233_506_545
        self.time_ms = 1_733_000_000_000
        self.like_total = 0
        self.users = [b.make_user(f"viewer{i:03d}", nickname=f"{_TEXTS[i % len(_TEXTS)][:6]} {i}",
                                  gifter_level=1 + i % 30 if i % 3 == 0 else None, moderator=i % 7 == 0)
                      for i in range(600)]
        for i, user in enumerate(self.users):
            if i % 5 == 1:  # a fan-club text badge, as TikTok shows for the host's fans
                badge = user.badge_list.add(display_type=2, scene_type=10)
                badge.text.default_pattern = "Fans"
                badge.privilege_log_extra.level = str(1 + i % 20)
        self.streaks: dict[int, list[Any]] = {}  # group_id -> [user, gift, repeat_count]
        self.group_id = 1_700_000_000_000
        self.checks: Counter[str] = Counter()

    def next_ids(self) -> tuple[int, int]:
        self.msg_id += self.rng.randint(1_000, 4_000)
        self.time_ms += self.rng.randint(5, 400)
        return self.msg_id, self.time_ms

    def user(self) -> Any:
        # Zipf-like: a few viewers do most of the talking
        return self.users[min(int(self.rng.paretovariate(1.2)) - 1, len(self.users) - 1)]


def _gift(room: _Room, **ids: Any) -> BaseProtoMessage:
    rng = room.rng
    if room.streaks and rng.random() < 0.6:  # continue (and maybe end) an open streak
        group_id = rng.choice(list(room.streaks))
        user, (name, gift_id, diamonds), count = room.streaks[group_id]
        count += rng.randint(1, 3)
        end = rng.random() < 0.35
        if end:
            del room.streaks[group_id]
            room.checks["gift_repeat_end_count"] += 1
            room.checks["gift_diamonds_on_repeat_end"] += diamonds * count
        else:
            room.streaks[group_id] = [user, (name, gift_id, diamonds), count]
        return b.gift(name, user, gift_id=gift_id, diamond_count=diamonds, repeat_count=count, repeat_end=end,
                      group_id=group_id, **ids)
    room.group_id += 1
    if rng.random() < 0.3:
        name, gift_id, diamonds = rng.choice(_ONE_OFF)
        room.checks["gift_repeat_end_count"] += 1
        room.checks["gift_diamonds_on_repeat_end"] += diamonds
        return b.gift(name, room.user(), gift_id=gift_id, diamond_count=diamonds, streakable=False, repeat_end=True,
                      group_id=room.group_id, **ids)
    gift = rng.choice(_STREAKABLE)
    user = room.user()
    room.streaks[room.group_id] = [user, gift, 1]
    return b.gift(gift[0], user, gift_id=gift[1], diamond_count=gift[2], repeat_count=1, repeat_end=False,
                  group_id=room.group_id, **ids)


def _chat(room: _Room, **ids: Any) -> BaseProtoMessage:
    text = " ".join(room.rng.choice(_TEXTS) for _ in range(room.rng.randint(1, 3)))
    room.checks["chat_content_codepoints"] += len(text)
    return b.chat(text, room.user(), **ids)


def _like(room: _Room, **ids: Any) -> BaseProtoMessage:
    count = room.rng.randint(1, 15)
    room.like_total += count
    room.checks["like_count_sum"] += count
    return b.like(count, room.user(), total=room.like_total, **ids)


def _social(room: _Room, **ids: Any) -> BaseProtoMessage:
    if room.rng.random() < 0.6:
        return b.follow(room.user(), follow_count=room.rng.randint(1, 10_000), **ids)
    return b.share(room.user(), share_count=room.rng.randint(1, 50), **ids)


_MAKERS: dict[str, Callable[..., BaseProtoMessage]] = {
    "WebcastChatMessage": _chat,
    "WebcastLikeMessage": _like,
    "WebcastMemberMessage": lambda room, **ids: b.join(room.user(), member_count=room.rng.randint(1, 5000), **ids),
    "WebcastGiftMessage": _gift,
    "WebcastSocialMessage": _social,
    "WebcastRoomUserSeqMessage": lambda room, **ids: b.room_user_seq(
        room.rng.randint(10, 20_000), top_viewers=[(room.user(), 100 - 10 * i) for i in range(3)], **ids),
    "WebcastEmoteChatMessage": lambda room, **ids: b.emote_chat(str(room.rng.randint(10**18, 10**19)), room.user(),
                                                                 **ids),
    "WebcastLinkMicBattle": lambda room, **ids: b.battle(room.rng.randint(10**15, 10**16), room.rng.choice((1, 4, 5)),
                                                          **ids),
    "WebcastQuestionNewMessage": lambda room, **ids: b.question(room.rng.choice(_TEXTS), room.user(), **ids),
    "WebcastSubNotifyMessage": lambda room, **ids: b.sub_notify(room.user(), sub_month=room.rng.randint(1, 24), **ids),
    "WebcastControlMessage": lambda room, **ids: b.control(room.rng.choice((1, 2)), **ids),
}


def make_corpus(frame_count: int = 2000, *, seed: int = 20240601,
                room_id: int = 7_465_637_563_330_004_126) -> tuple[list[bytes], dict[str, Any]]:
    """Build ``frame_count`` push frames and their manifest; the same seed gives the same bytes.

    Returns:
        (frames, manifest): each frame the bytes of one ``WebcastPushFrame``; the manifest with
        ``frame_count``, ``message_count``, ``gzip_frame_count``, ``messages_per_method``,
        ``first_20_frames`` and ``checks`` (digest over ``<method>:<msg_id>``, like sum, streak ends,
        diamonds on repeat_end, chat code points, first and last msg_id).

    Raises:
        ValueError: ``frame_count`` below 1.
    """
    if isinstance(frame_count, bool) or not isinstance(frame_count, int) or frame_count < 1:
        raise ValueError(f"frame_count must be a whole number of at least 1, not {frame_count!r}")
    rng = random.Random(seed)
    room = _Room(rng, room_id)
    methods, weights = list(METHOD_WEIGHTS), list(METHOD_WEIGHTS.values())
    frames: list[bytes] = []
    digest = hashlib.sha256()
    per_method: Counter[str] = Counter()
    first_20: list[dict[str, Any]] = []
    gzipped = 0
    for index in range(frame_count):
        batch = []
        for method in rng.choices(methods, weights, k=rng.randint(1, 8)):
            msg_id, now = room.next_ids()
            msg = _MAKERS[method](room, room_id=room_id, msg_id=msg_id, create_time=now)
            batch.append(msg)
            per_method[method] += 1
            digest.update(f"{method}:{msg_id}\n".encode())
        gzip = rng.random() < 0.2
        gzipped += gzip
        cursor = f"t-{room.time_ms}_r-1_d-1_u-1_h-{index}"
        result = fetch_result(*batch, cursor=cursor, internal_ext=f"internal_src:dim|wss_push_room_id:{room_id}|"
                              f"wss_push_did:{seed}|first_req_ms:{room.time_ms}|fetch_rule:1",
                              now=room.time_ms, fetch_interval=1000, heartbeat_duration=10_000)
        frames.append(push_frame(result, gzip=gzip, log_id=10_000 + index, seq_id=index + 1,
                                 headers={"im-cursor": cursor, "im-internal_ext": result.internal_ext,
                                          "im-now": str(room.time_ms)}))
        if index < 20:
            first_20.append({"frame": index, "gzip": gzip, "messages": [[m.method, m.msg_id] for m in batch]})
    sizes = [len(frame) for frame in frames]
    manifest = {
        "format": "frames.bin = repeat(uint32 big-endian length, WebcastPushFrame bytes)",
        "generator": "tiktoklive_sync.testing._corpus.make_corpus (benchmarks/make_corpus.py)",
        "seed": seed,
        "frame_count": frame_count,
        "message_count": sum(per_method.values()),
        "gzip_frame_count": gzipped,
        "messages_per_method": dict(per_method.most_common()),
        "frame_bytes": {"min": min(sizes), "max": max(sizes), "mean": round(sum(sizes) / len(sizes), 1)},
        "room_id": room_id,
        "checks": {
            "all_messages_sha256": digest.hexdigest(),
            "all_messages_sha256_recipe": "sha256 over every message in corpus order of UTF-8 '<method>:<msg_id>\\n'",
            "like_count_sum": room.checks["like_count_sum"],
            "gift_repeat_end_count": room.checks["gift_repeat_end_count"],
            "gift_diamonds_on_repeat_end": room.checks["gift_diamonds_on_repeat_end"],
            "chat_content_codepoints": room.checks["chat_content_codepoints"],
            "first_msg_id": first_20[0]["messages"][0][1],
            "last_msg_id": room.msg_id,
        },
        "first_20_frames": first_20,
    }
    return frames, manifest


def write_frames(frames: Iterable[bytes]) -> bytes:
    """Return ``frames`` laid out as ``frames.bin``: each a 4-byte big-endian length, then the frame."""
    return b"".join(struct.pack(">I", len(frame)) + frame for frame in frames)


def read_frames(data: bytes) -> list[bytes]:
    """Split a ``frames.bin`` buffer into its frames.

    Raises:
        ValueError: the buffer does not end on a frame boundary (truncated or not such a file).
    """
    frames, offset = [], 0
    while offset < len(data):
        if offset + 4 > len(data):
            raise ValueError(f"frames.bin is truncated at byte {offset} (a length prefix is cut off)")
        (size,) = struct.unpack_from(">I", data, offset)
        if offset + 4 + size > len(data):
            raise ValueError(f"frames.bin is truncated at byte {offset}: a frame of {size} bytes is cut off")
        frames.append(data[offset + 4 : offset + 4 + size])
        offset += 4 + size
    return frames
