"""Live events of multi-host rooms: PK battles, co-host links, multi-guest layers.

See ``live.events`` for what every event shares (``method``, ``msg_id``, ``room_id``,
``create_time``, ``raw``, ...). Every class here is a thin view over its protobuf message.
"""

from __future__ import annotations

from typing import ClassVar

from ..proto import linkmic_pb2
from ._base import ProtoEvent

__all__ = [
    "LinkMicBattleEvent",
    "LinkMicArmiesEvent",
    "LinkMicBattleItemCardEvent",
    "LinkMicBattlePunishFinishEvent",
    "LinkmicBattleTaskEvent",
    "LinkMicFanTicketMethodEvent",
    "LinkMicMethodEvent",
    "LinkMicLayoutStateEvent",
    "LinkEvent",
    "LinkLayerEvent",
    "LinkStateEvent",
]


class LinkMicBattleEvent(ProtoEvent):
    """A PK battle was invited, opened, finished, ... (``WebcastLinkMicBattle``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicBattleMessage
    _summary = ("battle_id", "action")

    #: ``action`` values
    ACTIONS: ClassVar[dict[int, str]] = {
        1: "invite", 2: "reject", 3: "cancel", 4: "open", 5: "finish", 6: "cut_short",
        7: "accept", 8: "quit_apply", 9: "decline_quit", 10: "decline_off_quit", 11: "leave_linkmic",
    }

    @property
    def battle_id(self) -> int:
        return self.raw.battle_id

    @property
    def action(self) -> int:
        """1 invite, 4 open, 5 finish, 6 cut short, ... (see ``ACTIONS``)."""
        return self.raw.action

    @property
    def action_name(self) -> str:
        return self.ACTIONS.get(self.raw.action, "unknown")

    @property
    def started_at_ms(self) -> int:
        return self.raw.battle_settings.start_time_ms

    @property
    def duration(self) -> int:
        """Battle length in seconds."""
        return self.raw.battle_settings.duration

    @property
    def results(self) -> dict[int, linkmic_pb2.BattleResult]:
        """Per host user id: result (0 win, 1 lose, 2 draw) and score, once the battle ends."""
        return dict(self.raw.battle_result)

    @property
    def host_scores(self) -> dict[int, int]:
        """Per host user id: the host's battle score."""
        return {item.host_id: item.armies.host_score for item in self.raw.armies}

    @property
    def hosts(self) -> list[linkmic_pb2.BattleUser]:
        """The hosts taking part (user id, nickname, @handle, avatar)."""
        return [item.info.user for item in self.raw.anchors_info]

    @property
    def bubble_text(self) -> str:
        return self.raw.bubble_text

    @property
    def action_by_user_id(self) -> int:
        return self.raw.action_by_user_id


class LinkMicArmiesEvent(ProtoEvent):
    """Live battle scores and top supporters (``WebcastLinkMicArmies``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicArmiesMessage
    _summary = ("battle_id", "host_scores")

    @property
    def battle_id(self) -> int:
        return self.raw.battle_id

    @property
    def host_scores(self) -> dict[int, int]:
        """Per host user id: the host's current score."""
        return {host: armies.host_score for host, armies in self.raw.armies.items()}

    @property
    def armies(self) -> dict[int, linkmic_pb2.BattleUserArmies]:
        """Per host user id: supporters (user_armies) and the host's score."""
        return dict(self.raw.armies)

    @property
    def gift_id(self) -> int:
        return self.raw.gift_id

    @property
    def gift_count(self) -> int:
        return self.raw.gift_count

    @property
    def total_diamond_count(self) -> int:
        return self.raw.total_diamond_count

    @property
    def repeat_count(self) -> int:
        return self.raw.repeat_count

    @property
    def from_user_id(self) -> int:
        return self.raw.from_user_id


class LinkMicBattleItemCardEvent(ProtoEvent):
    """A battle power-up card was used or won (``WebcastLinkMicBattleItemCard``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicBattleItemCardMessage
    _summary = ("battle_id", "msg_type")

    @property
    def battle_id(self) -> int:
        return self.raw.battle_id

    @property
    def msg_type(self) -> int:
        return self.raw.msg_type


class LinkMicBattlePunishFinishEvent(ProtoEvent):
    """The punishment time after a battle ended (``WebcastLinkMicBattlePunishFinish``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicBattlePunishFinishMessage
    _summary = ("battle_id", "reason")

    @property
    def battle_id(self) -> int:
        return self.raw.battle_id

    @property
    def channel_id(self) -> int:
        return self.raw.channel_id

    @property
    def op_uid(self) -> int:
        return self.raw.op_uid

    @property
    def reason(self) -> int:
        return self.raw.reason


class LinkmicBattleTaskEvent(ProtoEvent):
    """A battle task (bonus round) update (``WebcastLinkmicBattleTaskMessage``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkmicBattleTaskMessage
    _summary = ("battle_id", "task_message_type")

    @property
    def battle_id(self) -> int:
        return self.raw.battle_id

    @property
    def task_message_type(self) -> int:
        return self.raw.task_message_type


class LinkMicFanTicketMethodEvent(ProtoEvent):
    """Co-host fan ticket counts (``WebcastLinkMicFanTicketMethod``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicFanTicketMethodMessage
    _summary = ("total_fan_tickets",)

    @property
    def total_fan_tickets(self) -> int:
        return self.raw.fan_ticket_room_notice.total_link_mic_fan_ticket

    @property
    def fan_tickets(self) -> dict[int, int]:
        """Fan tickets per user id."""
        notice = self.raw.fan_ticket_room_notice
        return {item.user_id: item.fan_ticket for item in notice.user_fan_ticket_list}


class LinkMicMethodEvent(ProtoEvent):
    """Co-host link state changes (``WebcastLinkMicMethod``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicMethodMessage
    _summary = ("message_type", "user_id")

    @property
    def message_type(self) -> int:
        return self.raw.message_type

    @property
    def user_id(self) -> int:
        return self.raw.user_id

    @property
    def channel_id(self) -> int:
        return self.raw.channel_id


class _ChannelSceneEvent(ProtoEvent):
    __slots__ = ()
    _summary = ("channel_id", "scene")

    @property
    def channel_id(self) -> int:
        return self.raw.channel_id

    @property
    def scene(self) -> int:
        return self.raw.scene


class LinkMicLayoutStateEvent(_ChannelSceneEvent):
    """The co-host screen layout changed (``WebcastLinkMicLayoutStateMessage``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMicLayoutStateMessage


class LinkStateEvent(_ChannelSceneEvent):
    """Multi-guest link state (``WebcastLinkStateMessage``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkStateMessage


class LinkLayerEvent(_ChannelSceneEvent):
    """Multi-guest layer events (``WebcastLinkLayerMessage``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkLayerMessage
    _summary = ("message_type", "channel_id")

    @property
    def message_type(self) -> int:
        return self.raw.message_type


class LinkEvent(ProtoEvent):
    """Multi-guest link events: invite, reply, enter, leave, ... (``WebcastLinkMessage``)."""

    __slots__ = ()
    raw: linkmic_pb2.LinkMessage
    _summary = ("message_type", "linker_id")

    @property
    def message_type(self) -> int:
        return self.raw.message_type

    @property
    def linker_id(self) -> int:
        return self.raw.linker_id

    @property
    def scene(self) -> int:
        return self.raw.scene
