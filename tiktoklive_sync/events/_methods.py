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
from ..proto import notices_pb2 as nt
from . import _base as ev
from . import _engage as eng
from . import _linkmic as link
from . import _minor as minor
from . import _room as room

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


def barrage_event(method: str, message: nt.BarrageMessage) -> eng.BarrageEvent:
    """Super-fan joined / became super fan, by the banner's key; a plain BarrageEvent otherwise."""
    key = message.content.key or message.common_barrage_content.key
    if "ttlive_superfan_commentnotif_superfanjoined" in key:
        return eng.SuperFanJoinEvent(method, message)
    if "ttlive_superfan" in key:
        return eng.SuperFanEvent(method, message)
    return eng.BarrageEvent(method, message)


def envelope_event(method: str, message: nt.EnvelopeMessage) -> eng.EnvelopeEvent:
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
    "WebcastLiveIntroMessage": (nt.LiveIntroMessage, room.LiveIntroEvent),
    "WebcastRoomMessage": (nt.RoomMessage, room.RoomEvent),
    "WebcastSystemMessage": (nt.SystemMessage, room.SystemEvent),
    "WebcastRoomNotifyMessage": (nt.RoomNotifyMessage, room.RoomNotifyEvent),
    "WebcastGiftBroadcastMessage": (nt.GiftBroadcastMessage, room.GiftBroadcastEvent),
    "WebcastRoomPinMessage": (nt.RoomPinMessage, room.RoomPinEvent),
    "WebcastImDeleteMessage": (nt.ImDeleteMessage, room.ImDeleteEvent),
    "WebcastInRoomBannerMessage": (nt.InRoomBannerMessage, room.InRoomBannerEvent),
    "WebcastCaptionMessage": (nt.CaptionMessage, room.CaptionEvent),
    "WebcastToastMessage": (nt.ToastMessage, room.ToastEvent),
    "WebcastMsgDetectMessage": (nt.MsgDetectMessage, room.MessageDetectEvent),
    "WebcastUnauthorizedMemberMessage": (nt.UnauthorizedMemberMessage, room.UnauthorizedMemberEvent),
    "WebcastSubNotifyMessage": (pb.SubNotifyMessage, eng.SubNotifyEvent),
    "WebcastEmoteChatMessage": (pb.EmoteChatMessage, eng.EmoteChatEvent),
    "WebcastQuestionNewMessage": (pb.QuestionNewMessage, eng.QuestionNewEvent),
    "WebcastEnvelopeMessage": (nt.EnvelopeMessage, envelope_event),
    "WebcastPollMessage": (nt.PollMessage, eng.PollEvent),
    "WebcastGoalUpdateMessage": (nt.GoalUpdateMessage, eng.GoalUpdateEvent),
    "WebcastRankUpdateMessage": (nt.RankUpdateMessage, eng.RankUpdateEvent),
    "WebcastRankTextMessage": (nt.RankTextMessage, eng.RankTextEvent),
    "WebcastHourlyRankRewardMessage": (nt.HourlyRankRewardMessage, eng.HourlyRankRewardEvent),
    "WebcastBarrageMessage": (nt.BarrageMessage, barrage_event),
    "WebcastOecLiveShoppingMessage": (nt.OecLiveShoppingMessage, eng.OecLiveShoppingEvent),
    "WebcastSubPinEventMessage": (nt.SubPinEventMessage, eng.SubPinEventEvent),
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
