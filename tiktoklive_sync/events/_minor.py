"""Named events for low-traffic methods whose bodies this library does not model.

Each is parsed as a header-only message (``raw`` is a ``CommonOnly``: the common header
typed, every other field kept as unknown fields), so handlers can subscribe to them by class
and still get ``msg_id``, ``room_id``, ``create_time`` and ``display_text``. The class name is
the method without ``Webcast`` and ``Message``, plus ``Event`` (PROTOCOL.md section 5.3).
"""

from __future__ import annotations

from ..proto import common_pb2
from ._base import ProtoEvent

__all__ = [
    "MinorEvent",
    "AccessControlEvent",
    "AccessRecallEvent",
    "BoostCardEvent",
    "BottomEvent",
    "CapsuleEvent",
    "GameRankNotifyEvent",
    "GiftPanelUpdateEvent",
    "GiftPromptEvent",
    "GiftDynamicRestrictionEvent",
    "GuideEvent",
    "LiveGameIntroEvent",
    "MarqueeAnnouncementEvent",
    "NoticeEvent",
    "PartnershipDropsUpdateEvent",
    "PartnershipGameOfflineEvent",
    "PartnershipPunishEvent",
    "PerceptionEvent",
    "RoomVerifyEvent",
    "SpeakerEvent",
    "ViewerPicksUpdateEvent",
    "MINOR_METHODS",
]


class MinorEvent(ProtoEvent):
    """Base of the header-only events: ``raw`` is the message parsed as a ``CommonOnly``."""

    __slots__ = ()
    raw: common_pb2.CommonOnly
    _summary = ("display_text",)


class AccessControlEvent(MinorEvent):
    __slots__ = ()


class AccessRecallEvent(MinorEvent):
    __slots__ = ()


class BoostCardEvent(MinorEvent):
    __slots__ = ()


class BottomEvent(MinorEvent):
    __slots__ = ()


class CapsuleEvent(MinorEvent):
    __slots__ = ()


class GameRankNotifyEvent(MinorEvent):
    __slots__ = ()


class GiftPanelUpdateEvent(MinorEvent):
    __slots__ = ()


class GiftPromptEvent(MinorEvent):
    __slots__ = ()


class GiftDynamicRestrictionEvent(MinorEvent):
    __slots__ = ()


class GuideEvent(MinorEvent):
    __slots__ = ()


class LiveGameIntroEvent(MinorEvent):
    __slots__ = ()


class MarqueeAnnouncementEvent(MinorEvent):
    __slots__ = ()


class NoticeEvent(MinorEvent):
    __slots__ = ()


class PartnershipDropsUpdateEvent(MinorEvent):
    __slots__ = ()


class PartnershipGameOfflineEvent(MinorEvent):
    __slots__ = ()


class PartnershipPunishEvent(MinorEvent):
    __slots__ = ()


class PerceptionEvent(MinorEvent):
    __slots__ = ()


class RoomVerifyEvent(MinorEvent):
    __slots__ = ()


class SpeakerEvent(MinorEvent):
    __slots__ = ()


class ViewerPicksUpdateEvent(MinorEvent):
    __slots__ = ()


#: method -> event class, for the method table
MINOR_METHODS: dict[str, type[MinorEvent]] = {
    "Webcast" + cls.__name__[: -len("Event")] + "Message": cls
    for cls in (
        AccessControlEvent, AccessRecallEvent, BoostCardEvent, BottomEvent, CapsuleEvent,
        GameRankNotifyEvent, GiftPanelUpdateEvent, GiftPromptEvent, GiftDynamicRestrictionEvent,
        GuideEvent, LiveGameIntroEvent, MarqueeAnnouncementEvent, NoticeEvent,
        PartnershipDropsUpdateEvent, PartnershipGameOfflineEvent, PartnershipPunishEvent,
        PerceptionEvent, RoomVerifyEvent, SpeakerEvent, ViewerPicksUpdateEvent,
    )
}
