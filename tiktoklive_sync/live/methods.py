"""The method table: which protobuf message and which event class each webcast method maps to.

PROTOCOL.md section 5.3 lists the methods. Where one method stands for several kinds of event
(social -> follow/share, member -> join/subscribe, control -> pause/unpause/end, barrage ->
super fan, envelope -> super-fan box) a small function picks the class from the parsed message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..proto import common_pb2
from ..proto import linkmic_pb2 as lm
from ..proto import messages_pb2 as pb
from . import events as ev
from . import events_engage as eng
from . import events_linkmic as link
from . import events_minor as minor
from . import events_room as room

__all__ = ["known_methods", "method_table"]

Factory = Callable[[str, Any], ev.Event]


def social_event(method: str, message: pb.SocialMessage) -> ev.SocialEvent:
    """Follow or share, by the display key (``...follow...`` / ``...share...``), else the action."""
    key = message.common.display_text.key
    if "follow" in key:
        return ev.FollowEvent(method, message)
    if "share" in key:
        return ev.ShareEvent(method, message)
    if not key:
        if message.action == 1:
            return ev.FollowEvent(method, message)
        if message.action == 3:
            return ev.ShareEvent(method, message)
    return ev.SocialEvent(method, message)


def member_event(method: str, message: pb.MemberMessage) -> ev.MemberEvent:
    """Subscribe for action 3, join otherwise."""
    if message.action == 3:
        return ev.SubscribeEvent(method, message)
    return ev.JoinEvent(method, message)


_CONTROL_CLASSES: dict[int, type[room.ControlEvent]] = {
    1: room.LivePauseEvent,
    2: room.LiveUnpauseEvent,
    3: room.LiveEndEvent,
    4: room.LiveEndEvent,
}


def control_event(method: str, message: pb.ControlMessage) -> room.ControlEvent:
    """Pause (1), unpause (2), end (3 ended, 4 suspended), or a plain ControlEvent."""
    return _CONTROL_CLASSES.get(message.action, room.ControlEvent)(method, message)


def barrage_event(method: str, message: pb.BarrageMessage) -> eng.BarrageEvent:
    """Super-fan joined / became super fan, by the banner's key; a plain BarrageEvent otherwise."""
    key = message.content.key or message.common_barrage_content.key
    if "ttlive_superfan_commentnotif_superfanjoined" in key:
        return eng.SuperFanJoinEvent(method, message)
    if "ttlive_superfan" in key:
        return eng.SuperFanEvent(method, message)
    return eng.BarrageEvent(method, message)


def envelope_event(method: str, message: pb.EnvelopeMessage) -> eng.EnvelopeEvent:
    """Super-fan box for business_type 19, a plain EnvelopeEvent otherwise."""
    if message.envelope_info.business_type == 19:
        return eng.SuperFanBoxEvent(method, message)
    return eng.EnvelopeEvent(method, message)


_METHODS: dict[str, tuple[type[Any], Factory]] = {
    "WebcastChatMessage": (pb.ChatMessage, ev.CommentEvent),
    "WebcastGiftMessage": (pb.GiftMessage, ev.GiftEvent),
    "WebcastLikeMessage": (pb.LikeMessage, ev.LikeEvent),
    "WebcastMemberMessage": (pb.MemberMessage, member_event),
    "WebcastSocialMessage": (pb.SocialMessage, social_event),
    "WebcastRoomUserSeqMessage": (pb.RoomUserSeqMessage, room.RoomUserSeqEvent),
    "WebcastControlMessage": (pb.ControlMessage, control_event),
    "WebcastLiveIntroMessage": (pb.LiveIntroMessage, room.LiveIntroEvent),
    "WebcastRoomMessage": (pb.RoomMessage, room.RoomEvent),
    "WebcastSystemMessage": (pb.SystemMessage, room.SystemEvent),
    "WebcastRoomNotifyMessage": (pb.RoomNotifyMessage, room.RoomNotifyEvent),
    "WebcastGiftBroadcastMessage": (pb.GiftBroadcastMessage, room.GiftBroadcastEvent),
    "WebcastRoomPinMessage": (pb.RoomPinMessage, room.RoomPinEvent),
    "WebcastImDeleteMessage": (pb.ImDeleteMessage, room.ImDeleteEvent),
    "WebcastInRoomBannerMessage": (pb.InRoomBannerMessage, room.InRoomBannerEvent),
    "WebcastCaptionMessage": (pb.CaptionMessage, room.CaptionEvent),
    "WebcastToastMessage": (pb.ToastMessage, room.ToastEvent),
    "WebcastMsgDetectMessage": (pb.MsgDetectMessage, room.MessageDetectEvent),
    "WebcastUnauthorizedMemberMessage": (pb.UnauthorizedMemberMessage, room.UnauthorizedMemberEvent),
    "WebcastSubNotifyMessage": (pb.SubNotifyMessage, eng.SubNotifyEvent),
    "WebcastEmoteChatMessage": (pb.EmoteChatMessage, eng.EmoteChatEvent),
    "WebcastQuestionNewMessage": (pb.QuestionNewMessage, eng.QuestionNewEvent),
    "WebcastEnvelopeMessage": (pb.EnvelopeMessage, envelope_event),
    "WebcastPollMessage": (pb.PollMessage, eng.PollEvent),
    "WebcastGoalUpdateMessage": (pb.GoalUpdateMessage, eng.GoalUpdateEvent),
    "WebcastRankUpdateMessage": (pb.RankUpdateMessage, eng.RankUpdateEvent),
    "WebcastRankTextMessage": (pb.RankTextMessage, eng.RankTextEvent),
    "WebcastHourlyRankRewardMessage": (pb.HourlyRankRewardMessage, eng.HourlyRankRewardEvent),
    "WebcastBarrageMessage": (pb.BarrageMessage, barrage_event),
    "WebcastOecLiveShoppingMessage": (pb.OecLiveShoppingMessage, eng.OecLiveShoppingEvent),
    "WebcastSubPinEventMessage": (pb.SubPinEventMessage, eng.SubPinEventEvent),
    "WebcastLinkMicBattle": (lm.LinkMicBattleMessage, link.LinkMicBattleEvent),
    "WebcastLinkMicArmies": (lm.LinkMicArmiesMessage, link.LinkMicArmiesEvent),
    "WebcastLinkMicBattleItemCard": (lm.LinkMicBattleItemCardMessage, link.LinkMicBattleItemCardEvent),
    "WebcastLinkMicBattlePunishFinish": (
        lm.LinkMicBattlePunishFinishMessage,
        link.LinkMicBattlePunishFinishEvent,
    ),
    "WebcastLinkmicBattleTaskMessage": (lm.LinkmicBattleTaskMessage, link.LinkmicBattleTaskEvent),
    "WebcastLinkMicFanTicketMethod": (lm.LinkMicFanTicketMethodMessage, link.LinkMicFanTicketMethodEvent),
    "WebcastLinkMicMethod": (lm.LinkMicMethodMessage, link.LinkMicMethodEvent),
    "WebcastLinkMicLayoutStateMessage": (lm.LinkMicLayoutStateMessage, link.LinkMicLayoutStateEvent),
    "WebcastLinkMessage": (lm.LinkMessage, link.LinkEvent),
    "WebcastLinkLayerMessage": (lm.LinkLayerMessage, link.LinkLayerEvent),
    "WebcastLinkStateMessage": (lm.LinkStateMessage, link.LinkStateEvent),
    **{method: (common_pb2.CommonOnly, cls) for method, cls in minor.MINOR_METHODS.items()},
}


def method_table() -> dict[str, tuple[Callable[[bytes], Any], Factory]]:
    """Return a fresh ``{method: (parse, make_event)}`` mapping for every known method.

    ``parse(payload)`` is the protobuf class's ``FromString``; ``make_event(method, message)``
    builds the event (an event class, or a function that picks one).
    """
    return {method: (proto.FromString, factory) for method, (proto, factory) in _METHODS.items()}


def known_methods() -> dict[str, type[Any]]:
    """Return ``{method: protobuf message class}`` for every method this library decodes."""
    return {method: proto for method, (proto, _) in _METHODS.items()}
