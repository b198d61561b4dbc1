"""Live events about viewers engaging: subscriptions, emotes, questions, treasure boxes, polls,
goals, rankings, banners and shop notices.

See ``live.events`` for what every event shares (``method``, ``msg_id``, ``room_id``,
``create_time``, ``raw``, ...). Every class here is a thin view over its protobuf message.
"""

from __future__ import annotations

from ..proto import common_pb2, messages_pb2, notices_pb2
from ._base import ProtoEvent
from ._views import Emote, UserView, read_number, render_text

__all__ = [
    "SubNotifyEvent",
    "EmoteChatEvent",
    "QuestionNewEvent",
    "EnvelopeEvent",
    "SuperFanBoxEvent",
    "PollEvent",
    "PollOption",
    "GoalUpdateEvent",
    "RankUpdateEvent",
    "RankTextEvent",
    "HourlyRankRewardEvent",
    "BarrageEvent",
    "SuperFanEvent",
    "SuperFanJoinEvent",
    "OecLiveShoppingEvent",
    "SubPinEventEvent",
]


class SubNotifyEvent(ProtoEvent):
    """A subscription notice (``WebcastSubNotifyMessage``)."""

    __slots__ = ()
    raw: messages_pb2.SubNotifyMessage
    _summary = ("user", "sub_month")

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)

    @property
    def sub_month(self) -> int:
        """How many months the viewer has subscribed."""
        return self.raw.sub_month

    @property
    def subscribe_type(self) -> int:
        """0 one-off, 1 auto-renewing."""
        return self.raw.subscribe_type

    @property
    def message_type(self) -> int:
        return self.raw.message_type


class EmoteChatEvent(ProtoEvent):
    """A viewer posted sticker emotes (``WebcastEmoteChatMessage``)."""

    __slots__ = ()
    raw: messages_pb2.EmoteChatMessage
    _summary = ("user", "emotes")

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)

    @property
    def emotes(self) -> list[Emote]:
        return [Emote(item) for item in self.raw.emote_list]

    @property
    def user_identity(self) -> common_pb2.UserIdentity:
        return self.raw.user_identity


class QuestionNewEvent(ProtoEvent):
    """A Q&A question for the host (``WebcastQuestionNewMessage``)."""

    __slots__ = ()
    raw: messages_pb2.QuestionNewMessage
    _summary = ("user", "question")

    @property
    def question(self) -> str:
        """The question text."""
        return self.raw.data.content

    @property
    def question_id(self) -> int:
        return self.raw.data.question_id

    @property
    def user(self) -> UserView:
        """Who asked."""
        return UserView(self.raw.data.user)


class EnvelopeEvent(ProtoEvent):
    """A treasure box / envelope was sent (``WebcastEnvelopeMessage``)."""

    __slots__ = ()
    raw: notices_pb2.EnvelopeMessage
    _summary = ("sender_unique_id", "diamond_count", "people_count")

    @property
    def envelope_id(self) -> str:
        return self.raw.envelope_info.envelope_id

    @property
    def business_type(self) -> int:
        """19 = super-fan box."""
        return self.raw.envelope_info.business_type

    @property
    def sender_unique_id(self) -> str:
        """The sender's @handle."""
        return self.raw.envelope_info.send_user_name

    @property
    def sender_id(self) -> int:
        return read_number(self.raw.envelope_info.send_user_id) or 0

    @property
    def diamond_count(self) -> int:
        """Coins in the box."""
        return self.raw.envelope_info.diamond_count

    @property
    def people_count(self) -> int:
        """How many viewers can open it."""
        return self.raw.envelope_info.people_count

    @property
    def unpack_at(self) -> int:
        """When it can be opened, in seconds since the epoch."""
        return self.raw.envelope_info.unpack_at


class SuperFanBoxEvent(EnvelopeEvent):
    """A super-fan box (an envelope with business_type 19)."""

    __slots__ = ()


class PollOption:
    """One option of a poll and its votes."""

    __slots__ = ("raw",)

    def __init__(self, raw: notices_pb2.PollOptionInfo) -> None:
        self.raw = raw

    @property
    def text(self) -> str:
        return self.raw.display_content

    @property
    def votes(self) -> int:
        return self.raw.votes

    @property
    def index(self) -> int:
        return self.raw.option_index

    def __repr__(self) -> str:
        return f"PollOption(text={self.text!r}, votes={self.votes})"


class PollEvent(ProtoEvent):
    """A poll started, got votes or ended (``WebcastPollMessage``)."""

    __slots__ = ()
    raw: notices_pb2.PollMessage
    _summary = ("poll_id", "message_type", "options")

    @property
    def poll_id(self) -> int:
        return self.raw.poll_id

    @property
    def message_type(self) -> int:
        """0 start, 1 end, 2 vote update."""
        return self.raw.message_type

    @property
    def options(self) -> list[PollOption]:
        """The options with their current votes (from the update or end content)."""
        raw = self.raw
        if raw.HasField("end_content"):
            items = raw.end_content.option_list
        else:
            items = raw.update_votes_content.option_list
        return [PollOption(item) for item in items]


class GoalUpdateEvent(ProtoEvent):
    """Progress of the host's live goal (``WebcastGoalUpdateMessage``)."""

    __slots__ = ()
    raw: notices_pb2.GoalUpdateMessage
    _summary = ("description", "contributor_unique_id", "contribute_count")

    @property
    def goal_id(self) -> int:
        return self.raw.goal.id

    @property
    def description(self) -> str:
        return self.raw.goal.description

    @property
    def sub_goals(self) -> list[notices_pb2.LiveStreamSubGoal]:
        """The goal's parts (for gift goals: gift id, progress, target)."""
        return list(self.raw.goal.sub_goals)

    @property
    def contributor_id(self) -> int:
        return self.raw.contributor_id

    @property
    def contributor_unique_id(self) -> str:
        return self.raw.contributor_display_id

    @property
    def contribute_count(self) -> int:
        return self.raw.contribute_count

    @property
    def contribute_score(self) -> int:
        return self.raw.contribute_score


class RankUpdateEvent(ProtoEvent):
    """The room's place in TikTok's rankings changed (``WebcastRankUpdateMessage``)."""

    __slots__ = ()
    raw: notices_pb2.RankUpdateMessage
    _summary = ("group_type",)

    @property
    def updates(self) -> list[notices_pb2.RankUpdate]:
        """One entry per ranking: rank_type, owner_rank, default_content, countdown."""
        return list(self.raw.updates)

    @property
    def group_type(self) -> int:
        return self.raw.group_type


class RankTextEvent(ProtoEvent):
    """A ranking notice such as "X just got the No. 1 gifter badge" (``WebcastRankTextMessage``)."""

    __slots__ = ()
    raw: notices_pb2.RankTextMessage
    _summary = ("text",)

    @property
    def scene(self) -> int:
        return self.raw.scene

    @property
    def text(self) -> str:
        """The notice as other viewers see it."""
        raw = self.raw
        return render_text(raw.other_badge_text if raw.HasField("other_badge_text") else raw.self_badge_text)

    @property
    def owner_index_before_update(self) -> int:
        return self.raw.owner_index_before_update

    @property
    def owner_index_after_update(self) -> int:
        return self.raw.owner_index_after_update


class HourlyRankRewardEvent(ProtoEvent):
    """Hourly ranking winners (``WebcastHourlyRankRewardMessage``); the details stay in ``raw``."""

    __slots__ = ()
    raw: notices_pb2.HourlyRankRewardMessage


class BarrageEvent(ProtoEvent):
    """A banner over the chat (``WebcastBarrageMessage``): super fans, level-ups, entrances."""

    __slots__ = ()
    raw: notices_pb2.BarrageMessage
    _summary = ("content_key", "text")

    @property
    def msg_type(self) -> int:
        return self.raw.msg_type

    @property
    def content_key(self) -> str:
        """The i18n key of the banner (``content.key``, else ``common_barrage_content.key``)."""
        return self.raw.content.key or self.raw.common_barrage_content.key

    @property
    def text(self) -> str:
        """The banner text as TikTok renders it."""
        raw = self.raw
        return render_text(raw.content if raw.HasField("content") else raw.common_barrage_content)

    @property
    def user(self) -> UserView:
        return UserView(self.raw.user)


class SuperFanEvent(BarrageEvent):
    """A viewer became a super fan (a barrage with a ``ttlive_superfan`` key)."""

    __slots__ = ()


class SuperFanJoinEvent(BarrageEvent):
    """A super fan joined the room (key ``ttlive_superfan_commentnotif_superfanjoined``)."""

    __slots__ = ()


class OecLiveShoppingEvent(ProtoEvent):
    """A shop product was shown (``WebcastOecLiveShoppingMessage``); the product stays in ``raw``."""

    __slots__ = ()
    raw: notices_pb2.OecLiveShoppingMessage
    _summary = ("action_type",)

    @property
    def action_type(self) -> int:
        return self.raw.action_type


class SubPinEventEvent(ProtoEvent):
    """A subscriber pin (``WebcastSubPinEventMessage``)."""

    __slots__ = ()
    raw: notices_pb2.SubPinEventMessage
    _summary = ("action_type",)

    @property
    def action_type(self) -> int:
        return self.raw.action_type

    @property
    def operator_user_id(self) -> int:
        return self.raw.operator_user_id
