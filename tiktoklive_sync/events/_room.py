"""Live events about the room itself: viewers, stream state, notices, pins, moderation, captions.

See ``live.events`` for what every event shares (``method``, ``msg_id``, ``room_id``,
``create_time``, ``raw``, ...). Every class here is a thin view over its protobuf message.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ..proto import messages_pb2, notices_pb2
from ._base import CommentEvent, GiftEvent, ProtoEvent, short_repr
from ._views import UserView, render_text

__all__ = [
    "TopViewer",
    "RoomUserSeqEvent",
    "ControlEvent",
    "LivePauseEvent",
    "LiveUnpauseEvent",
    "LiveEndEvent",
    "LiveIntroEvent",
    "RoomEvent",
    "SystemEvent",
    "RoomNotifyEvent",
    "GiftBroadcastEvent",
    "RoomPinEvent",
    "ImDeleteEvent",
    "InRoomBannerEvent",
    "CaptionEvent",
    "ToastEvent",
    "MessageDetectEvent",
    "UnauthorizedMemberEvent",
]


class TopViewer:
    """One entry of the room's top-viewer list."""

    __slots__ = ("raw",)

    def __init__(self, raw: messages_pb2.Contributor) -> None:
        self.raw = raw

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)

    @property
    def rank(self) -> int:
        return self.raw.rank

    @property
    def score(self) -> int:
        """Coins the viewer has given."""
        return self.raw.score

    def __repr__(self) -> str:
        return f"TopViewer(rank={self.rank}, score={self.score}, user={short_repr(self.user)})"


class RoomUserSeqEvent(ProtoEvent):
    """The viewer count and top viewers (``WebcastRoomUserSeqMessage``)."""

    __slots__ = ()
    raw: messages_pb2.RoomUserSeqMessage
    _summary = ("viewer_count", "total_user")

    @property
    def viewer_count(self) -> int:
        """Viewers watching now."""
        return self.raw.total

    @property
    def total_user(self) -> int:
        """Viewers who have watched so far (cumulative)."""
        return self.raw.total_user

    @property
    def popularity(self) -> int:
        return self.raw.popularity

    @property
    def top_viewers(self) -> list[TopViewer]:
        """The top gifters, best first."""
        return [TopViewer(item) for item in self.raw.ranks]


class ControlEvent(ProtoEvent):
    """A stream state change (``WebcastControlMessage``); see the subclasses per action."""

    __slots__ = ()
    raw: messages_pb2.ControlMessage
    _summary = ("action",)

    PAUSED: ClassVar[int] = 1
    UNPAUSED: ClassVar[int] = 2
    ENDED: ClassVar[int] = 3
    SUSPENDED: ClassVar[int] = 4

    @property
    def action(self) -> int:
        """1 paused, 2 unpaused, 3 ended, 4 suspended (0 unknown)."""
        return self.raw.action

    @property
    def tips(self) -> str:
        return self.raw.tips

    @property
    def punish_info(self) -> messages_pb2.PunishEventInfo:
        """Why a stream was suspended (action 4), when TikTok says."""
        return self.raw.punish_info


class LivePauseEvent(ControlEvent):
    """The host paused the stream."""

    __slots__ = ()


class LiveUnpauseEvent(ControlEvent):
    """The host resumed the stream."""

    __slots__ = ()


class LiveEndEvent(ControlEvent):
    """The live is over (ended by the host, action 3, or suspended by TikTok, action 4)."""

    __slots__ = ()


class LiveIntroEvent(ProtoEvent):
    """The room's introduction text (``WebcastLiveIntroMessage``)."""

    __slots__ = ()
    raw: notices_pb2.LiveIntroMessage
    _summary = ("intro",)

    @property
    def intro(self) -> str:
        return self.raw.content

    @property
    def host(self) -> UserView:
        return UserView(self.raw.host)

    @property
    def language(self) -> str:
        return self.raw.language


class RoomEvent(ProtoEvent):
    """A room announcement (``WebcastRoomMessage``)."""

    __slots__ = ()
    raw: notices_pb2.RoomMessage
    _summary = ("content",)

    @property
    def content(self) -> str:
        return self.raw.content

    @property
    def is_welcome(self) -> bool:
        return self.raw.is_welcome


class SystemEvent(ProtoEvent):
    """A system notice (``WebcastSystemMessage``)."""

    __slots__ = ()
    raw: notices_pb2.SystemMessage
    _summary = ("message",)

    @property
    def message(self) -> str:
        return self.raw.message


class RoomNotifyEvent(ProtoEvent):
    """A room notice, often with a link (``WebcastRoomNotifyMessage``); the text is display_text."""

    __slots__ = ()
    raw: notices_pb2.RoomNotifyMessage
    _summary = ("display_text",)

    @property
    def schema(self) -> str:
        """The link the notice opens in the app."""
        return self.raw.schema

    @property
    def notify_type(self) -> int:
        return self.raw.notify_type

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)


class GiftBroadcastEvent(ProtoEvent):
    """A big gift announced across rooms (``WebcastGiftBroadcastMessage``)."""

    __slots__ = ()
    raw: notices_pb2.GiftBroadcastMessage
    _summary = ("text",)

    @property
    def from_user_id(self) -> int:
        return self.raw.from_user_id

    @property
    def text(self) -> str:
        """The announcement as TikTok renders it."""
        return render_text(self.raw.notify.common.display_text)

    @property
    def schema(self) -> str:
        return self.raw.notify.schema


class RoomPinEvent(ProtoEvent):
    """The host pinned (or unpinned) a message (``WebcastRoomPinMessage``)."""

    __slots__ = ()
    raw: notices_pb2.RoomPinMessage
    _summary = ("original_method", "action")

    @property
    def original_method(self) -> str:
        """The method of the pinned message, e.g. ``WebcastChatMessage``."""
        return self.raw.original_method

    @property
    def pinned_event(self) -> CommentEvent | GiftEvent | None:
        """The pinned message as an event (comments and gifts), or None for other kinds."""
        raw = self.raw
        if raw.HasField("chat_message"):
            return CommentEvent(raw.original_method or "WebcastChatMessage", raw.chat_message)
        if raw.HasField("gift_message"):
            return GiftEvent(raw.original_method or "WebcastGiftMessage", raw.gift_message)
        return None

    @property
    def pin_time(self) -> int:
        return self.raw.pin_time

    @property
    def operator(self) -> UserView:
        return UserView(self.raw.operator)

    @property
    def action(self) -> int:
        """1 pin, 2 unpin."""
        return self.raw.action

    @property
    def display_duration(self) -> int:
        """Seconds the pin stays up."""
        return self.raw.display_duration


class ImDeleteEvent(ProtoEvent):
    """Moderation removed messages (``WebcastImDeleteMessage``): drop them from your chat view."""

    __slots__ = ()
    raw: notices_pb2.ImDeleteMessage
    _summary = ("delete_msg_ids", "delete_user_ids")

    @property
    def delete_msg_ids(self) -> list[int]:
        """msg_ids of the messages to remove."""
        return list(self.raw.delete_msg_ids)

    @property
    def delete_user_ids(self) -> list[int]:
        """Users whose messages to remove."""
        return list(self.raw.delete_user_ids)


class InRoomBannerEvent(ProtoEvent):
    """Banner data for the room (``WebcastInRoomBannerMessage``), as JSON text."""

    __slots__ = ()
    raw: notices_pb2.InRoomBannerMessage
    _summary = ()

    @property
    def json_text(self) -> str:
        return self.raw.json

    @property
    def data(self) -> Any:
        """The banner JSON parsed, or None when it is empty or not valid JSON."""
        try:
            return json.loads(self.raw.json) if self.raw.json else None
        except ValueError:
            return None


class CaptionEvent(ProtoEvent):
    """Live captions of what the host says (``WebcastCaptionMessage``)."""

    __slots__ = ()
    raw: notices_pb2.CaptionMessage
    _summary = ("captions",)

    @property
    def captions(self) -> dict[str, str]:
        """Caption text by language code."""
        return {item.lang: item.content for item in self.raw.content}

    @property
    def timestamp_ms(self) -> int:
        return self.raw.timestamp_ms

    @property
    def duration_ms(self) -> int:
        return self.raw.duration_ms

    @property
    def sentence_id(self) -> int:
        return self.raw.sentence_id

    @property
    def definite(self) -> bool:
        """True when the sentence is final (later captions will not revise it)."""
        return self.raw.definite


class ToastEvent(ProtoEvent):
    """A short on-screen notice (``WebcastToastMessage``); the text is display_text."""

    __slots__ = ()
    raw: notices_pb2.ToastMessage
    _summary = ("display_text",)

    @property
    def display_duration_ms(self) -> int:
        return self.raw.display_duration_ms

    @property
    def scene(self) -> int:
        return self.raw.scene


class MessageDetectEvent(ProtoEvent):
    """A detection probe TikTok sends to clients (``WebcastMsgDetectMessage``)."""

    __slots__ = ()
    raw: notices_pb2.MsgDetectMessage
    _summary = ("detect_type", "from_region")

    @property
    def detect_type(self) -> int:
        return self.raw.detect_type

    @property
    def trigger_by(self) -> int:
        return self.raw.trigger_by

    @property
    def from_region(self) -> str:
        return self.raw.from_region


class UnauthorizedMemberEvent(ProtoEvent):
    """A logged-out viewer joined (``WebcastUnauthorizedMemberMessage``)."""

    __slots__ = ()
    raw: notices_pb2.UnauthorizedMemberMessage
    _summary = ("nickname",)

    @property
    def action(self) -> int:
        return self.raw.action

    @property
    def nickname(self) -> str:
        return self.raw.nick_name
