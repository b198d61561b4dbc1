"""Typed live events: thin, lazy views over the parsed protobuf messages.

Every event decoded from a webcast message is a frozen, slotted dataclass holding two things:
``method`` (the name TikTok sent, e.g. ``"WebcastChatMessage"``) and ``raw`` (the parsed
protobuf message). Everything else is a property that reads ``raw`` when asked, so decoding a
frame builds one small object per message and nothing more; fields a handler never reads cost
nothing. ``raw`` keeps every field TikTok sent, including ones this library does not name
(``raw.SerializeToString()`` gives the original bytes back, field order aside).

Shared by every event: ``method``, ``msg_id``, ``room_id``, ``create_time`` (ms since the epoch),
``created_at`` (a UTC datetime), ``display_text`` (TikTok's own rendering of the message, when
it sends one), ``raw``, ``to_dict()``.

Where one TikTok message stands for several kinds of event, the event class says which, and the
kinds share a base class so a handler can take all of them:

* ``SocialEvent`` -> ``FollowEvent`` / ``ShareEvent`` (by ``common.display_text.key``)
* ``MemberEvent`` -> ``JoinEvent`` / ``SubscribeEvent`` (member action 3 = subscribed)
* ``ControlEvent`` -> ``LivePauseEvent`` (1), ``LiveUnpauseEvent`` (2), ``LiveEndEvent`` (3, 4)
  (in ``events_room``)

This module holds the base classes and the busiest events (comments, gifts, likes, members,
social); ``events_room``, ``events_engage`` and ``events_linkmic`` hold the rest, and
``live.decode`` maps each method to its class.

Example::

    for event in tls.decode_frame(frame_bytes):
        if isinstance(event, tls.CommentEvent):
            print(event.user.nickname, event.comment)
        elif isinstance(event, tls.GiftEvent) and not event.streaking:
            print(event.user.unique_id, "sent", event.repeat_count, "x", event.gift.name)
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, ClassVar

from .._records import flat_record
from ..proto import common_pb2, messages_pb2
from ._views import Emote, GiftInfo, UserView, read_number, render_text

__all__ = [
    "Event",
    "ProtoEvent",
    "CommentEvent",
    "GiftEvent",
    "LikeEvent",
    "MemberEvent",
    "JoinEvent",
    "SubscribeEvent",
    "SocialEvent",
    "FollowEvent",
    "ShareEvent",
]


def short_repr(value: Any) -> str:
    """Return a compact repr for event summaries (users by their handle)."""
    if isinstance(value, UserView):
        return repr(value.unique_id or value.nickname)
    return repr(value)


class Event:
    """Base class of every live event (decoded messages and the client's own events).

    Subclasses provide ``method`` and ``raw``; the header properties read ``raw.common``.
    """

    __slots__ = ()

    method: str
    raw: Any
    #: property names shown by repr(), after msg_id
    _summary: ClassVar[tuple[str, ...]] = ()

    @property
    def common(self) -> common_pb2.CommonMessageData:
        """The message's common header (field 1 of every webcast message)."""
        return self.raw.common

    @property
    def msg_id(self) -> int:
        """TikTok's unique id of the message (the de-duplication key; 0 if absent)."""
        return self.raw.common.msg_id

    @property
    def room_id(self) -> int:
        """The room the message belongs to (0 if absent)."""
        return self.raw.common.room_id

    @property
    def create_time(self) -> int:
        """When TikTok created the message, in milliseconds since the epoch (0 if absent)."""
        return self.raw.common.create_time

    @property
    def created_at(self) -> _dt.datetime | None:
        """``create_time`` as an aware UTC datetime, or None when the message has no time (or one
        beyond what a datetime holds, years 1-9999)."""
        ms = self.create_time
        if not ms:
            return None
        try:
            return _dt.datetime.fromtimestamp(ms / 1000, tz=_dt.timezone.utc)
        except (OverflowError, ValueError, OSError):
            return None

    @property
    def display_text(self) -> str:
        """TikTok's own one-line rendering of the message (``common.display_text``), or ""."""
        return render_text(self.raw.common.display_text)

    def to_dict(self) -> dict[str, Any]:
        """Return the event as a flat, JSON-ready record (str/int/float/bool/None values; a list
        only for a list of such values).

        Keys: ``type`` (the class name), ``method``, ``msg_id`` (None when absent), ``room_id``,
        ``create_time``, ``created_at`` (ISO-8601 UTC), then the event's attributes by their
        documented names (``comment``, ``user_id``, ``unique_id``, ``nickname``, ``gift_name``, ...).
        Never raises. The full protobuf content stays in ``raw``
        (``google.protobuf.json_format.MessageToDict(event.raw)`` for a nested dict of it).
        """
        return flat_record(self)

    def __repr__(self) -> str:
        parts = [f"msg_id={self.msg_id}"]
        parts += [f"{name}={short_repr(getattr(self, name))}" for name in self._summary]
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclass(frozen=True, slots=True, repr=False, init=False)
class ProtoEvent(Event):
    """An event decoded from a known webcast message: ``method`` and the parsed ``raw`` message."""

    method: str
    raw: Any

    def __init__(self, method: str, raw: Any) -> None:
        # A frozen dataclass's own __init__ goes through object.__setattr__; setting the two slots
        # through their descriptors does the same thing in about two thirds of the time, and
        # decoding builds one of these per message.
        _set_method(self, method)
        _set_raw(self, raw)

    def __hash__(self) -> int:
        return hash((type(self), self.method, self.raw.common.msg_id))


_set_method = ProtoEvent.__dict__["method"].__set__
_set_raw = ProtoEvent.__dict__["raw"].__set__


class CommentEvent(ProtoEvent):
    """A chat comment (``WebcastChatMessage``)."""

    __slots__ = ()
    raw: messages_pb2.ChatMessage
    _summary = ("user", "comment")

    @property
    def user(self) -> UserView:
        """Who wrote it."""
        return UserView(self.raw.user)

    @property
    def comment(self) -> str:
        """The comment text."""
        return self.raw.content

    @property
    def content_language(self) -> str:
        return self.raw.content_language

    @property
    def at_user(self) -> UserView | None:
        """The user the comment mentions, or None."""
        return UserView(self.raw.at_user) if self.raw.HasField("at_user") else None

    @property
    def emotes(self) -> list[Emote]:
        """Sticker emotes embedded in the comment, with their position (``Emote.index``)."""
        return [Emote(item.emote, item.index) for item in self.raw.emotes]

    @property
    def user_identity(self) -> common_pb2.UserIdentity:
        """How the writer relates to the host (follower, moderator, subscriber, ...)."""
        return self.raw.user_identity


class GiftEvent(ProtoEvent):
    """A gift, or one tick of a gift streak (``WebcastGiftMessage``).

    Streaks: a streakable gift (``gift.type == 1``, e.g. Rose) arrives as many messages sharing
    ``group_id`` with a growing ``repeat_count``; ``streaking`` stays True until the message with
    ``repeat_end``. Count a gift once, when ``not event.streaking``: that is every one-shot gift
    and the last message of each streak. ``value`` is then the coins the whole streak is worth.
    """

    __slots__ = ()
    raw: messages_pb2.GiftMessage
    _summary = ("user", "gift_name", "repeat_count", "streaking")

    @property
    def user(self) -> UserView:
        """Who sent it."""
        return UserView(self.raw.user)

    @property
    def to_user(self) -> UserView:
        """Who received it (the host, or a guest in multi-guest rooms)."""
        return UserView(self.raw.to_user)

    @property
    def gift(self) -> GiftInfo:
        """The gift's description: id, name, coin value, streakability."""
        return GiftInfo(self.raw.gift)

    @property
    def gift_name(self) -> str:
        return self.raw.gift.name

    @property
    def gift_id(self) -> int:
        """The gift's id (``gift_id``, falling back to ``gift.id`` for older messages)."""
        return self.raw.gift_id or self.raw.gift.id

    @property
    def diamond_count(self) -> int:
        """Coins ONE of these gifts is worth."""
        return self.raw.gift.diamond_count

    @property
    def repeat_count(self) -> int:
        """How many gifts so far in this streak (the final count once ``repeat_end``)."""
        return self.raw.repeat_count

    @property
    def repeat_end(self) -> bool:
        """True on the last message of a streak."""
        return self.raw.repeat_end == 1

    @property
    def group_id(self) -> int:
        """Identifies one streak: every message of a streak carries the same group_id."""
        return self.raw.group_id

    @property
    def streakable(self) -> bool:
        """True for combo gifts, which arrive as a streak of messages."""
        return self.raw.gift.type == 1

    @property
    def streaking(self) -> bool:
        """True while a streak is still going (more messages for it will follow)."""
        return self.raw.gift.type == 1 and self.raw.repeat_end != 1

    @property
    def value(self) -> int:
        """Coins this message stands for: ``diamond_count * repeat_count`` (count at least 1)."""
        return self.raw.gift.diamond_count * max(self.raw.repeat_count, 1)

    @property
    def combo_count(self) -> int:
        return self.raw.combo_count

    @property
    def to_member_nickname(self) -> str:
        """The guest the gift went to, in multi-guest rooms ("" otherwise)."""
        return self.raw.to_member_nickname

    @property
    def user_identity(self) -> common_pb2.UserIdentity:
        return self.raw.user_identity


class LikeEvent(ProtoEvent):
    """A burst of likes from one viewer (``WebcastLikeMessage``)."""

    __slots__ = ()
    raw: messages_pb2.LikeMessage
    _summary = ("user", "count", "total")

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)

    @property
    def count(self) -> int:
        """Likes in this burst."""
        return self.raw.count

    @property
    def total(self) -> int:
        """The room's total likes so far."""
        return self.raw.total


class MemberEvent(ProtoEvent):
    """Base of the ``WebcastMemberMessage`` events: ``JoinEvent`` and ``SubscribeEvent``."""

    __slots__ = ()
    raw: messages_pb2.MemberMessage
    _summary = ("user", "member_count")

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)

    @property
    def member_count(self) -> int:
        """Viewers in the room now."""
        return self.raw.member_count

    @property
    def action(self) -> int:
        """1 joined, 3 subscribed (0 unknown)."""
        return self.raw.action

    @property
    def enter_type(self) -> int:
        return self.raw.enter_type


class JoinEvent(MemberEvent):
    """A viewer joined the room."""

    __slots__ = ()


class SubscribeEvent(MemberEvent):
    """A viewer subscribed to the host (member message with action 3)."""

    __slots__ = ()


class SocialEvent(ProtoEvent):
    """A follow, share or other social action (``WebcastSocialMessage``)."""

    __slots__ = ()
    raw: messages_pb2.SocialMessage
    _summary = ("user", "display_key")

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)

    @property
    def action(self) -> int:
        return self.raw.action

    @property
    def display_key(self) -> str:
        """The i18n key that says what happened (contains ``follow`` or ``share``)."""
        return self.raw.common.display_text.key

    @property
    def follow_count(self) -> int:
        """The host's follower count after a follow."""
        return self.raw.follow_count

    @property
    def share_count(self) -> int:
        return self.raw.share_count

    @property
    def share_type(self) -> int:
        return self.raw.share_type

    @property
    def share_target(self) -> str:
        return self.raw.share_target


class FollowEvent(SocialEvent):
    """A viewer followed the host."""

    __slots__ = ()
    _summary = ("user", "follow_count")


class ShareEvent(SocialEvent):
    """A viewer shared the live."""

    __slots__ = ()
    _summary = ("user", "users_joined")

    @property
    def users_joined(self) -> int | None:
        """Viewers who came in through this share, when the key says (``..._viewer_{N}_share``)."""
        for part in self.display_key.split("_"):
            number = read_number(part)
            if number is not None:
                return number
        return None
