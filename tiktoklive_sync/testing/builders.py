"""Builders for webcast messages, batches and push frames, laid out exactly as TikTok sends them.

Each message builder returns a ``BaseProtoMessage`` (``method``, ``payload``, ``msg_id``) whose
payload carries a complete common header: the method, a fresh unique ``msg_id`` (the same on the
envelope and in the header), ``room_id``, ``create_time`` (now, in ms) and, where TikTok sends
one, a ``display_text``. Users can be given as a name (``user="alice"``: nickname and @handle
``alice``, a stable id derived from the name) or as a ``User`` from :func:`make_user`.
``message``, ``stamp``, ``fetch_result`` and ``push_frame`` (from ``testing._batches``) wrap
messages into batches and frames.

Example::

    from tiktoklive_sync import testing, decode_frame

    frame = testing.push_frame(testing.fetch_result(
        testing.chat("hello", user="alice"),
        testing.gift("Rose", user="bob", repeat_count=5),
    ), gzip=True)
    [comment, gift] = decode_frame(frame)
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterable, Mapping
from typing import TypeVar

from google.protobuf.message import Message

from ..proto import common_pb2, linkmic_pb2, messages_pb2, notices_pb2
from ..proto.envelope_pb2 import BaseProtoMessage
from ._batches import fetch_result, fresh_msg_id, message, push_frame, stamp

__all__ = [
    "make_user",
    "fresh_msg_id",
    "message",
    "stamp",
    "chat",
    "gift",
    "like",
    "join",
    "subscribe",
    "follow",
    "share",
    "room_user_seq",
    "control",
    "live_pause",
    "live_unpause",
    "live_end",
    "sub_notify",
    "emote_chat",
    "question",
    "envelope",
    "battle",
    "fetch_result",
    "push_frame",
]

UserLike = str | common_pb2.User | None

_GROUP_IDS = itertools.count(1_700_000_000_000)
_HOST = "host"


def _stable_id(name: str) -> int:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return 6_000_000_000_000_000_000 + int.from_bytes(digest, "big") % 1_000_000_000_000_000_000


def make_user(
    name: str = "viewer",
    *,
    nickname: str | None = None,
    user_id: int | None = None,
    follower_count: int = 0,
    follow_status: int = 0,
    gifter_level: int | None = None,
    moderator: bool = False,
    avatar_url: str | None = None,
) -> common_pb2.User:
    """Build a ``User``: ``name`` is the @handle (and the nickname unless one is given).

    Returns:
        A user with a stable id derived from ``name`` (unless ``user_id`` is given), an avatar,
        follow info and, when asked, a gifter-level badge and a moderator badge.
    """
    uid = user_id if user_id is not None else _stable_id(name)
    user = common_pb2.User(id=uid, id_str=str(uid), nickname=nickname or name, display_id=name)
    user.avatar_thumb.url_list.append(avatar_url or f"https://p16.example.invalid/avatar/{uid}.webp")
    user.avatar_thumb.uri = f"avatar/{uid}"
    user.follow_info.follower_count = follower_count
    user.follow_info.follow_status = follow_status
    if gifter_level is not None:
        badge = user.badge_list.add(display_type=1, scene_type=8)
        badge.privilege_log_extra.level = str(gifter_level)
        badge.image.image.url_list.append(f"https://p16.example.invalid/grade_badge_icon_lite_lv{gifter_level}_v1.png")
    if moderator:
        user.badge_list.add(display_type=3, scene_type=1).str.str = "Moderator"
    return user


def _user(value: UserLike) -> common_pb2.User:
    if value is None:
        return make_user()
    if isinstance(value, common_pb2.User):
        return value
    if isinstance(value, str):
        return make_user(value)
    raise ValueError(f"user must be a name or a User message, not {type(value).__name__}")


def _header(
    header: common_pb2.CommonMessageData, method: str, msg_id: int, room_id: int, create_time: int | None
) -> None:
    header.method = method
    header.msg_id = msg_id
    header.room_id = room_id
    header.create_time = create_time if create_time is not None else int(time.time() * 1000)
    header.is_show_msg = True


def _display(header: common_pb2.CommonMessageData, key: str, pattern: str, user: common_pb2.User | None) -> None:
    text = header.display_text
    text.key = key
    text.default_pattern = pattern
    if user is not None:
        text.pieces.add(type=11).user_value.user.CopyFrom(user)


def _wrap(method: str, body: Message, msg_id: int) -> BaseProtoMessage:
    return BaseProtoMessage(method=method, payload=body.SerializeToString(), msg_id=msg_id)


_M = TypeVar("_M", bound=Message)


def _new(method: str, cls: type[_M], room_id: int, msg_id: int | None, create_time: int | None) -> tuple[_M, int]:
    body = cls()
    mid = msg_id if msg_id is not None else fresh_msg_id()
    _header(body.common, method, mid, room_id, create_time)  # type: ignore[attr-defined]
    return body, mid


def chat(
    text: str, user: UserLike = None, *, room_id: int = 0, msg_id: int | None = None,
    create_time: int | None = None, language: str = "en",
) -> BaseProtoMessage:
    """A comment (``WebcastChatMessage``) -> ``CommentEvent``."""
    method = "WebcastChatMessage"
    body, mid = _new(method, messages_pb2.ChatMessage, room_id, msg_id, create_time)
    body.user.CopyFrom(_user(user))
    body.content = text
    body.content_language = language
    return _wrap(method, body, mid)


def gift(
    name: str = "Rose", user: UserLike = None, *, gift_id: int = 5655, diamond_count: int = 1,
    streakable: bool = True, repeat_count: int = 1, repeat_end: bool = True, group_id: int | None = None,
    to_user: UserLike = _HOST, room_id: int = 0, msg_id: int | None = None, create_time: int | None = None,
) -> BaseProtoMessage:
    """A gift or one tick of a streak (``WebcastGiftMessage``) -> ``GiftEvent``.

    For a streak, build several with the same ``group_id``, growing ``repeat_count`` and
    ``repeat_end=False`` on all but the last.
    """
    method = "WebcastGiftMessage"
    body, mid = _new(method, messages_pb2.GiftMessage, room_id, msg_id, create_time)
    sender = _user(user)
    body.user.CopyFrom(sender)
    body.to_user.CopyFrom(_user(to_user))
    body.gift_id = gift_id
    body.repeat_count = repeat_count
    body.repeat_end = 1 if repeat_end else 0
    body.group_id = group_id if group_id is not None else next(_GROUP_IDS)
    body.gift.id = gift_id
    body.gift.name = name
    body.gift.diamond_count = diamond_count
    body.gift.type = 1 if streakable else 2
    body.gift.image.url_list.append(f"https://p16.example.invalid/gift/{gift_id}.png")
    _display(body.common, "live_gift_send_message_to_guest", "{0:user} sent {1:gift} x{2:string}", sender)
    return _wrap(method, body, mid)


def like(
    count: int = 1, user: UserLike = None, *, total: int | None = None, room_id: int = 0,
    msg_id: int | None = None, create_time: int | None = None,
) -> BaseProtoMessage:
    """A burst of likes (``WebcastLikeMessage``) -> ``LikeEvent``."""
    method = "WebcastLikeMessage"
    body, mid = _new(method, messages_pb2.LikeMessage, room_id, msg_id, create_time)
    liker = _user(user)
    body.user.CopyFrom(liker)
    body.count = count
    body.total = total if total is not None else count
    _display(body.common, "pm_mt_msg_viewer", "{0:user} liked the LIVE", liker)
    return _wrap(method, body, mid)


def _member(action: int, user: UserLike, member_count: int, room_id: int, msg_id: int | None,
            create_time: int | None) -> BaseProtoMessage:
    method = "WebcastMemberMessage"
    body, mid = _new(method, messages_pb2.MemberMessage, room_id, msg_id, create_time)
    member = _user(user)
    body.user.CopyFrom(member)
    body.member_count = member_count
    body.action = action
    body.user_id = member.id
    _display(body.common, "live_room_enter_toast", "{0:user} joined", member)
    return _wrap(method, body, mid)


def join(user: UserLike = None, *, member_count: int = 1, room_id: int = 0, msg_id: int | None = None,
         create_time: int | None = None) -> BaseProtoMessage:
    """A viewer joined (``WebcastMemberMessage``, action 1) -> ``JoinEvent``."""
    return _member(1, user, member_count, room_id, msg_id, create_time)


def subscribe(user: UserLike = None, *, member_count: int = 1, room_id: int = 0, msg_id: int | None = None,
              create_time: int | None = None) -> BaseProtoMessage:
    """A viewer subscribed (``WebcastMemberMessage``, action 3) -> ``SubscribeEvent``."""
    return _member(3, user, member_count, room_id, msg_id, create_time)


def follow(user: UserLike = None, *, follow_count: int = 1, room_id: int = 0, msg_id: int | None = None,
           create_time: int | None = None) -> BaseProtoMessage:
    """A follow (``WebcastSocialMessage``, key ``..._follow_...``) -> ``FollowEvent``."""
    method = "WebcastSocialMessage"
    body, mid = _new(method, messages_pb2.SocialMessage, room_id, msg_id, create_time)
    follower = _user(user)
    body.user.CopyFrom(follower)
    body.action = 1
    body.follow_count = follow_count
    _display(body.common, "pm_main_follow_message_viewer_2", "{0:user} followed the LIVE creator", follower)
    return _wrap(method, body, mid)


def share(user: UserLike = None, *, users_joined: int | None = None, share_count: int = 1, room_id: int = 0,
          msg_id: int | None = None, create_time: int | None = None) -> BaseProtoMessage:
    """A share (``WebcastSocialMessage``, key ``..._share``) -> ``ShareEvent``."""
    method = "WebcastSocialMessage"
    body, mid = _new(method, messages_pb2.SocialMessage, room_id, msg_id, create_time)
    sharer = _user(user)
    body.user.CopyFrom(sharer)
    body.action = 3
    body.share_type = 1
    body.share_count = share_count
    key = f"pm_mt_guidance_viewer_{users_joined}_share" if users_joined is not None else "pm_mt_guidance_share"
    _display(body.common, key, "{0:user} shared the LIVE", sharer)
    return _wrap(method, body, mid)


def room_user_seq(viewer_count: int, *, total_user: int | None = None, top_viewers: Iterable[tuple[UserLike, int]] = (),
                  room_id: int = 0, msg_id: int | None = None, create_time: int | None = None) -> BaseProtoMessage:
    """The viewer count (``WebcastRoomUserSeqMessage``) -> ``RoomUserSeqEvent``.

    ``top_viewers`` is ``(user, coins)`` pairs, best first.
    """
    method = "WebcastRoomUserSeqMessage"
    body, mid = _new(method, messages_pb2.RoomUserSeqMessage, room_id, msg_id, create_time)
    body.total = viewer_count
    body.total_user = total_user if total_user is not None else viewer_count
    for rank, (who, score) in enumerate(top_viewers, start=1):
        entry = body.ranks.add(rank=rank, score=score)
        entry.user.CopyFrom(_user(who))
    return _wrap(method, body, mid)


def control(action: int, *, tips: str = "", room_id: int = 0, msg_id: int | None = None,
            create_time: int | None = None) -> BaseProtoMessage:
    """A stream state change (``WebcastControlMessage``): 1 pause, 2 unpause, 3 end, 4 suspend."""
    method = "WebcastControlMessage"
    body, mid = _new(method, messages_pb2.ControlMessage, room_id, msg_id, create_time)
    body.action = action
    body.tips = tips
    return _wrap(method, body, mid)


def live_pause(*, room_id: int = 0, msg_id: int | None = None) -> BaseProtoMessage:
    """``control(1)`` -> ``LivePauseEvent``."""
    return control(1, room_id=room_id, msg_id=msg_id)


def live_unpause(*, room_id: int = 0, msg_id: int | None = None) -> BaseProtoMessage:
    """``control(2)`` -> ``LiveUnpauseEvent``."""
    return control(2, room_id=room_id, msg_id=msg_id)


def live_end(*, room_id: int = 0, msg_id: int | None = None) -> BaseProtoMessage:
    """``control(3)`` -> ``LiveEndEvent`` (the live is over)."""
    return control(3, room_id=room_id, msg_id=msg_id)


def sub_notify(user: UserLike = None, *, sub_month: int = 1, room_id: int = 0, msg_id: int | None = None,
               create_time: int | None = None) -> BaseProtoMessage:
    """A subscription notice (``WebcastSubNotifyMessage``) -> ``SubNotifyEvent``."""
    method = "WebcastSubNotifyMessage"
    body, mid = _new(method, messages_pb2.SubNotifyMessage, room_id, msg_id, create_time)
    body.user.CopyFrom(_user(user))
    body.sub_month = sub_month
    return _wrap(method, body, mid)


def emote_chat(emote_id: str = "7281238501054696197", user: UserLike = None, *, room_id: int = 0,
               msg_id: int | None = None, create_time: int | None = None) -> BaseProtoMessage:
    """A sticker emote (``WebcastEmoteChatMessage``) -> ``EmoteChatEvent``."""
    method = "WebcastEmoteChatMessage"
    body, mid = _new(method, messages_pb2.EmoteChatMessage, room_id, msg_id, create_time)
    body.user.CopyFrom(_user(user))
    emote = body.emote_list.add(emote_id=emote_id)
    emote.image.url_list.append(f"https://p16.example.invalid/emote/{emote_id}.png")
    return _wrap(method, body, mid)


def question(text: str, user: UserLike = None, *, question_id: int | None = None, room_id: int = 0,
             msg_id: int | None = None, create_time: int | None = None) -> BaseProtoMessage:
    """A Q&A question (``WebcastQuestionNewMessage``) -> ``QuestionNewEvent``."""
    method = "WebcastQuestionNewMessage"
    body, mid = _new(method, messages_pb2.QuestionNewMessage, room_id, msg_id, create_time)
    body.data.question_id = question_id if question_id is not None else mid
    body.data.content = text
    body.data.create_time = create_time // 1000 if create_time is not None else int(time.time())
    body.data.user.CopyFrom(_user(user))
    return _wrap(method, body, mid)


def envelope(diamond_count: int = 20, people_count: int = 10, user: UserLike = None, *, business_type: int = 1,
             room_id: int = 0, msg_id: int | None = None, create_time: int | None = None) -> BaseProtoMessage:
    """A treasure box (``WebcastEnvelopeMessage``) -> ``EnvelopeEvent`` (business_type 19: super-fan box)."""
    method = "WebcastEnvelopeMessage"
    body, mid = _new(method, notices_pb2.EnvelopeMessage, room_id, msg_id, create_time)
    sender = _user(user)
    info = body.envelope_info
    info.envelope_id = str(mid)
    info.business_type = business_type
    info.send_user_name = sender.display_id
    info.send_user_id = str(sender.id)
    info.diamond_count = diamond_count
    info.people_count = people_count
    info.unpack_at = int(time.time()) + 60
    return _wrap(method, body, mid)


def battle(battle_id: int, action: int, *, scores: Mapping[int, int] | None = None, room_id: int = 0,
           msg_id: int | None = None, create_time: int | None = None) -> BaseProtoMessage:
    """A PK battle step (``WebcastLinkMicBattle``; action 1 invite, 4 open, 5 finish) -> ``LinkMicBattleEvent``.

    ``scores`` maps host user ids to their battle scores.
    """
    method = "WebcastLinkMicBattle"
    body, mid = _new(method, linkmic_pb2.LinkMicBattleMessage, room_id, msg_id, create_time)
    body.battle_id = battle_id
    body.action = action
    for host_id, score in (scores or {}).items():
        entry = body.armies.add(host_id=host_id)
        entry.armies.host_score = score
    return _wrap(method, body, mid)
