from tiktoklive_sync.proto import common_pb2 as _common_pb2
from tiktoklive_sync.proto import messages_pb2 as _messages_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EnvelopeInfo(_message.Message):
    __slots__ = ("envelope_id", "business_type", "send_user_name", "diamond_count", "people_count", "unpack_at", "send_user_id", "send_user_avatar", "create_at", "room_id")
    ENVELOPE_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_TYPE_FIELD_NUMBER: _ClassVar[int]
    SEND_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    DIAMOND_COUNT_FIELD_NUMBER: _ClassVar[int]
    PEOPLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNPACK_AT_FIELD_NUMBER: _ClassVar[int]
    SEND_USER_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_USER_AVATAR_FIELD_NUMBER: _ClassVar[int]
    CREATE_AT_FIELD_NUMBER: _ClassVar[int]
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    envelope_id: str
    business_type: int
    send_user_name: str
    diamond_count: int
    people_count: int
    unpack_at: int
    send_user_id: str
    send_user_avatar: _common_pb2.ImageModel
    create_at: str
    room_id: str
    def __init__(self, envelope_id: _Optional[str] = ..., business_type: _Optional[int] = ..., send_user_name: _Optional[str] = ..., diamond_count: _Optional[int] = ..., people_count: _Optional[int] = ..., unpack_at: _Optional[int] = ..., send_user_id: _Optional[str] = ..., send_user_avatar: _Optional[_Union[_common_pb2.ImageModel, _Mapping]] = ..., create_at: _Optional[str] = ..., room_id: _Optional[str] = ...) -> None: ...

class EnvelopeMessage(_message.Message):
    __slots__ = ("common", "envelope_info", "display")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    ENVELOPE_INFO_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    envelope_info: EnvelopeInfo
    display: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., envelope_info: _Optional[_Union[EnvelopeInfo, _Mapping]] = ..., display: _Optional[int] = ...) -> None: ...

class RoomMessage(_message.Message):
    __slots__ = ("common", "content", "is_welcome")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    IS_WELCOME_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    content: str
    is_welcome: bool
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., content: _Optional[str] = ..., is_welcome: _Optional[bool] = ...) -> None: ...

class SystemMessage(_message.Message):
    __slots__ = ("common", "message")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    message: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...

class RoomPinMessage(_message.Message):
    __slots__ = ("common", "chat_message", "gift_message", "original_method", "pin_time", "operator", "action", "display_duration", "pin_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    CHAT_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    GIFT_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_METHOD_FIELD_NUMBER: _ClassVar[int]
    PIN_TIME_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_DURATION_FIELD_NUMBER: _ClassVar[int]
    PIN_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    chat_message: _messages_pb2.ChatMessage
    gift_message: _messages_pb2.GiftMessage
    original_method: str
    pin_time: int
    operator: _common_pb2.User
    action: int
    display_duration: int
    pin_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., chat_message: _Optional[_Union[_messages_pb2.ChatMessage, _Mapping]] = ..., gift_message: _Optional[_Union[_messages_pb2.GiftMessage, _Mapping]] = ..., original_method: _Optional[str] = ..., pin_time: _Optional[int] = ..., operator: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., action: _Optional[int] = ..., display_duration: _Optional[int] = ..., pin_id: _Optional[int] = ...) -> None: ...

class ImDeleteMessage(_message.Message):
    __slots__ = ("common", "delete_msg_ids", "delete_user_ids")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    DELETE_MSG_IDS_FIELD_NUMBER: _ClassVar[int]
    DELETE_USER_IDS_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    delete_msg_ids: _containers.RepeatedScalarFieldContainer[int]
    delete_user_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., delete_msg_ids: _Optional[_Iterable[int]] = ..., delete_user_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class LiveIntroMessage(_message.Message):
    __slots__ = ("common", "id", "audit_status", "content", "host", "language")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    AUDIT_STATUS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    id: int
    audit_status: int
    content: str
    host: _common_pb2.User
    language: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., id: _Optional[int] = ..., audit_status: _Optional[int] = ..., content: _Optional[str] = ..., host: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., language: _Optional[str] = ...) -> None: ...

class PollOptionInfo(_message.Message):
    __slots__ = ("votes", "display_content", "option_index")
    VOTES_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_CONTENT_FIELD_NUMBER: _ClassVar[int]
    OPTION_INDEX_FIELD_NUMBER: _ClassVar[int]
    votes: int
    display_content: str
    option_index: int
    def __init__(self, votes: _Optional[int] = ..., display_content: _Optional[str] = ..., option_index: _Optional[int] = ...) -> None: ...

class PollStartContent(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PollEndContent(_message.Message):
    __slots__ = ("end_type", "option_list", "operator")
    END_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTION_LIST_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    end_type: int
    option_list: _containers.RepeatedCompositeFieldContainer[PollOptionInfo]
    operator: _common_pb2.User
    def __init__(self, end_type: _Optional[int] = ..., option_list: _Optional[_Iterable[_Union[PollOptionInfo, _Mapping]]] = ..., operator: _Optional[_Union[_common_pb2.User, _Mapping]] = ...) -> None: ...

class PollUpdateVotesContent(_message.Message):
    __slots__ = ("option_list",)
    OPTION_LIST_FIELD_NUMBER: _ClassVar[int]
    option_list: _containers.RepeatedCompositeFieldContainer[PollOptionInfo]
    def __init__(self, option_list: _Optional[_Iterable[_Union[PollOptionInfo, _Mapping]]] = ...) -> None: ...

class PollMessage(_message.Message):
    __slots__ = ("common", "message_type", "poll_id", "start_content", "end_content", "update_votes_content")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    POLL_ID_FIELD_NUMBER: _ClassVar[int]
    START_CONTENT_FIELD_NUMBER: _ClassVar[int]
    END_CONTENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_VOTES_CONTENT_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    message_type: int
    poll_id: int
    start_content: PollStartContent
    end_content: PollEndContent
    update_votes_content: PollUpdateVotesContent
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., message_type: _Optional[int] = ..., poll_id: _Optional[int] = ..., start_content: _Optional[_Union[PollStartContent, _Mapping]] = ..., end_content: _Optional[_Union[PollEndContent, _Mapping]] = ..., update_votes_content: _Optional[_Union[PollUpdateVotesContent, _Mapping]] = ...) -> None: ...

class GoalIndicator(_message.Message):
    __slots__ = ("key", "op_type")
    KEY_FIELD_NUMBER: _ClassVar[int]
    OP_TYPE_FIELD_NUMBER: _ClassVar[int]
    key: str
    op_type: int
    def __init__(self, key: _Optional[str] = ..., op_type: _Optional[int] = ...) -> None: ...

class SubGoalGift(_message.Message):
    __slots__ = ("name", "image", "diamond_count", "type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    DIAMOND_COUNT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    image: _common_pb2.ImageModel
    diamond_count: int
    type: int
    def __init__(self, name: _Optional[str] = ..., image: _Optional[_Union[_common_pb2.ImageModel, _Mapping]] = ..., diamond_count: _Optional[int] = ..., type: _Optional[int] = ...) -> None: ...

class LiveStreamSubGoal(_message.Message):
    __slots__ = ("type", "id", "progress", "target", "gift", "id_str")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    GIFT_FIELD_NUMBER: _ClassVar[int]
    ID_STR_FIELD_NUMBER: _ClassVar[int]
    type: int
    id: int
    progress: int
    target: int
    gift: SubGoalGift
    id_str: str
    def __init__(self, type: _Optional[int] = ..., id: _Optional[int] = ..., progress: _Optional[int] = ..., target: _Optional[int] = ..., gift: _Optional[_Union[SubGoalGift, _Mapping]] = ..., id_str: _Optional[str] = ...) -> None: ...

class GoalContributor(_message.Message):
    __slots__ = ("user_id", "avatar", "display_id", "score", "user_id_str")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_STR_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    avatar: _common_pb2.ImageModel
    display_id: str
    score: int
    user_id_str: str
    def __init__(self, user_id: _Optional[int] = ..., avatar: _Optional[_Union[_common_pb2.ImageModel, _Mapping]] = ..., display_id: _Optional[str] = ..., score: _Optional[int] = ..., user_id_str: _Optional[str] = ...) -> None: ...

class LiveStreamGoal(_message.Message):
    __slots__ = ("id", "sub_goals", "description", "contributors", "id_str")
    ID_FIELD_NUMBER: _ClassVar[int]
    SUB_GOALS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTORS_FIELD_NUMBER: _ClassVar[int]
    ID_STR_FIELD_NUMBER: _ClassVar[int]
    id: int
    sub_goals: _containers.RepeatedCompositeFieldContainer[LiveStreamSubGoal]
    description: str
    contributors: _containers.RepeatedCompositeFieldContainer[GoalContributor]
    id_str: str
    def __init__(self, id: _Optional[int] = ..., sub_goals: _Optional[_Iterable[_Union[LiveStreamSubGoal, _Mapping]]] = ..., description: _Optional[str] = ..., contributors: _Optional[_Iterable[_Union[GoalContributor, _Mapping]]] = ..., id_str: _Optional[str] = ...) -> None: ...

class GoalUpdateMessage(_message.Message):
    __slots__ = ("common", "indicator", "goal", "contributor_id", "contributor_avatar", "contributor_display_id", "contribute_subgoal", "contribute_count", "contribute_score", "gift_repeat_count", "contributor_id_str", "pin", "unpin")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    INDICATOR_FIELD_NUMBER: _ClassVar[int]
    GOAL_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTOR_AVATAR_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTOR_DISPLAY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTE_SUBGOAL_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTE_SCORE_FIELD_NUMBER: _ClassVar[int]
    GIFT_REPEAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTOR_ID_STR_FIELD_NUMBER: _ClassVar[int]
    PIN_FIELD_NUMBER: _ClassVar[int]
    UNPIN_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    indicator: GoalIndicator
    goal: LiveStreamGoal
    contributor_id: int
    contributor_avatar: _common_pb2.ImageModel
    contributor_display_id: str
    contribute_subgoal: LiveStreamSubGoal
    contribute_count: int
    contribute_score: int
    gift_repeat_count: int
    contributor_id_str: str
    pin: bool
    unpin: bool
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., indicator: _Optional[_Union[GoalIndicator, _Mapping]] = ..., goal: _Optional[_Union[LiveStreamGoal, _Mapping]] = ..., contributor_id: _Optional[int] = ..., contributor_avatar: _Optional[_Union[_common_pb2.ImageModel, _Mapping]] = ..., contributor_display_id: _Optional[str] = ..., contribute_subgoal: _Optional[_Union[LiveStreamSubGoal, _Mapping]] = ..., contribute_count: _Optional[int] = ..., contribute_score: _Optional[int] = ..., gift_repeat_count: _Optional[int] = ..., contributor_id_str: _Optional[str] = ..., pin: _Optional[bool] = ..., unpin: _Optional[bool] = ...) -> None: ...

class RankUpdate(_message.Message):
    __slots__ = ("rank_type", "owner_rank", "default_content", "countdown")
    RANK_TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_RANK_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_CONTENT_FIELD_NUMBER: _ClassVar[int]
    COUNTDOWN_FIELD_NUMBER: _ClassVar[int]
    rank_type: int
    owner_rank: int
    default_content: _common_pb2.Text
    countdown: int
    def __init__(self, rank_type: _Optional[int] = ..., owner_rank: _Optional[int] = ..., default_content: _Optional[_Union[_common_pb2.Text, _Mapping]] = ..., countdown: _Optional[int] = ...) -> None: ...

class RankUpdateMessage(_message.Message):
    __slots__ = ("common", "updates", "group_type", "priority")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    UPDATES_FIELD_NUMBER: _ClassVar[int]
    GROUP_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    updates: _containers.RepeatedCompositeFieldContainer[RankUpdate]
    group_type: int
    priority: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., updates: _Optional[_Iterable[_Union[RankUpdate, _Mapping]]] = ..., group_type: _Optional[int] = ..., priority: _Optional[int] = ...) -> None: ...

class RankTextMessage(_message.Message):
    __slots__ = ("common", "scene", "owner_index_before_update", "owner_index_after_update", "self_badge_text", "other_badge_text", "cur_user_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    OWNER_INDEX_BEFORE_UPDATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_INDEX_AFTER_UPDATE_FIELD_NUMBER: _ClassVar[int]
    SELF_BADGE_TEXT_FIELD_NUMBER: _ClassVar[int]
    OTHER_BADGE_TEXT_FIELD_NUMBER: _ClassVar[int]
    CUR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    scene: int
    owner_index_before_update: int
    owner_index_after_update: int
    self_badge_text: _common_pb2.Text
    other_badge_text: _common_pb2.Text
    cur_user_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., scene: _Optional[int] = ..., owner_index_before_update: _Optional[int] = ..., owner_index_after_update: _Optional[int] = ..., self_badge_text: _Optional[_Union[_common_pb2.Text, _Mapping]] = ..., other_badge_text: _Optional[_Union[_common_pb2.Text, _Mapping]] = ..., cur_user_id: _Optional[int] = ...) -> None: ...

class HourlyRankRewardMessage(_message.Message):
    __slots__ = ("common",)
    COMMON_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ...) -> None: ...

class BarrageMessage(_message.Message):
    __slots__ = ("common", "msg_type", "content", "common_barrage_content", "user")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    MSG_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    COMMON_BARRAGE_CONTENT_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    msg_type: int
    content: _common_pb2.Text
    common_barrage_content: _common_pb2.Text
    user: _common_pb2.User
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., msg_type: _Optional[int] = ..., content: _Optional[_Union[_common_pb2.Text, _Mapping]] = ..., common_barrage_content: _Optional[_Union[_common_pb2.Text, _Mapping]] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ...) -> None: ...

class CaptionContent(_message.Message):
    __slots__ = ("lang", "content")
    LANG_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    lang: str
    content: str
    def __init__(self, lang: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class CaptionMessage(_message.Message):
    __slots__ = ("common", "timestamp_ms", "duration_ms", "content", "sentence_id", "definite")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    SENTENCE_ID_FIELD_NUMBER: _ClassVar[int]
    DEFINITE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    timestamp_ms: int
    duration_ms: int
    content: _containers.RepeatedCompositeFieldContainer[CaptionContent]
    sentence_id: int
    definite: bool
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., timestamp_ms: _Optional[int] = ..., duration_ms: _Optional[int] = ..., content: _Optional[_Iterable[_Union[CaptionContent, _Mapping]]] = ..., sentence_id: _Optional[int] = ..., definite: _Optional[bool] = ...) -> None: ...

class RoomNotifyMessage(_message.Message):
    __slots__ = ("common", "schema", "notify_type", "user")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_TYPE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    schema: str
    notify_type: int
    user: _common_pb2.User
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., schema: _Optional[str] = ..., notify_type: _Optional[int] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ...) -> None: ...

class GiftBroadcastMessage(_message.Message):
    __slots__ = ("common", "from_user_id", "notify")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    from_user_id: int
    notify: RoomNotifyMessage
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., from_user_id: _Optional[int] = ..., notify: _Optional[_Union[RoomNotifyMessage, _Mapping]] = ...) -> None: ...

class UnauthorizedMemberMessage(_message.Message):
    __slots__ = ("common", "action", "nick_name_prefix", "nick_name", "enter_text")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    NICK_NAME_PREFIX_FIELD_NUMBER: _ClassVar[int]
    NICK_NAME_FIELD_NUMBER: _ClassVar[int]
    ENTER_TEXT_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    action: int
    nick_name_prefix: _common_pb2.Text
    nick_name: str
    enter_text: _common_pb2.Text
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., action: _Optional[int] = ..., nick_name_prefix: _Optional[_Union[_common_pb2.Text, _Mapping]] = ..., nick_name: _Optional[str] = ..., enter_text: _Optional[_Union[_common_pb2.Text, _Mapping]] = ...) -> None: ...

class OecLiveShoppingMessage(_message.Message):
    __slots__ = ("common", "action_type")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    ACTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    action_type: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., action_type: _Optional[int] = ...) -> None: ...

class MsgDetectMessage(_message.Message):
    __slots__ = ("common", "detect_type", "trigger_by", "from_region")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    DETECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_BY_FIELD_NUMBER: _ClassVar[int]
    FROM_REGION_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    detect_type: int
    trigger_by: int
    from_region: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., detect_type: _Optional[int] = ..., trigger_by: _Optional[int] = ..., from_region: _Optional[str] = ...) -> None: ...

class InRoomBannerMessage(_message.Message):
    __slots__ = ("common", "json")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    json: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., json: _Optional[str] = ...) -> None: ...

class SubPinEventMessage(_message.Message):
    __slots__ = ("common", "action_type", "operator_user_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    ACTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    action_type: int
    operator_user_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., action_type: _Optional[int] = ..., operator_user_id: _Optional[int] = ...) -> None: ...

class ToastMessage(_message.Message):
    __slots__ = ("common", "display_duration_ms", "delay_display_duration_ms", "scene")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    DELAY_DISPLAY_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    display_duration_ms: int
    delay_display_duration_ms: int
    scene: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., display_duration_ms: _Optional[int] = ..., delay_display_duration_ms: _Optional[int] = ..., scene: _Optional[int] = ...) -> None: ...
