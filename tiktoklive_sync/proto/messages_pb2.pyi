from tiktoklive_sync.proto import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EmoteWithIndex(_message.Message):
    __slots__ = ("index", "emote")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    EMOTE_FIELD_NUMBER: _ClassVar[int]
    index: int
    emote: _common_pb2.EmoteModel
    def __init__(self, index: _Optional[int] = ..., emote: _Optional[_Union[_common_pb2.EmoteModel, _Mapping]] = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ("common", "user", "content", "visible_to_sender", "input_type", "at_user", "emotes", "content_language", "user_identity", "screen_time")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    VISIBLE_TO_SENDER_FIELD_NUMBER: _ClassVar[int]
    INPUT_TYPE_FIELD_NUMBER: _ClassVar[int]
    AT_USER_FIELD_NUMBER: _ClassVar[int]
    EMOTES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    USER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    SCREEN_TIME_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    user: _common_pb2.User
    content: str
    visible_to_sender: bool
    input_type: int
    at_user: _common_pb2.User
    emotes: _containers.RepeatedCompositeFieldContainer[EmoteWithIndex]
    content_language: str
    user_identity: _common_pb2.UserIdentity
    screen_time: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., content: _Optional[str] = ..., visible_to_sender: _Optional[bool] = ..., input_type: _Optional[int] = ..., at_user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., emotes: _Optional[_Iterable[_Union[EmoteWithIndex, _Mapping]]] = ..., content_language: _Optional[str] = ..., user_identity: _Optional[_Union[_common_pb2.UserIdentity, _Mapping]] = ..., screen_time: _Optional[int] = ...) -> None: ...

class GiftMessage(_message.Message):
    __slots__ = ("common", "gift_id", "fan_ticket_count", "group_count", "repeat_count", "combo_count", "user", "to_user", "repeat_end", "group_id", "room_fan_ticket_count", "gift", "log_id", "send_type", "color_id", "is_first_sent", "order_id", "user_identity", "to_member_id", "to_member_id_int", "to_member_nickname")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    GIFT_ID_FIELD_NUMBER: _ClassVar[int]
    FAN_TICKET_COUNT_FIELD_NUMBER: _ClassVar[int]
    GROUP_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPEAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMBO_COUNT_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    TO_USER_FIELD_NUMBER: _ClassVar[int]
    REPEAT_END_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_FAN_TICKET_COUNT_FIELD_NUMBER: _ClassVar[int]
    GIFT_FIELD_NUMBER: _ClassVar[int]
    LOG_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TYPE_FIELD_NUMBER: _ClassVar[int]
    COLOR_ID_FIELD_NUMBER: _ClassVar[int]
    IS_FIRST_SENT_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_ID_INT_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_NICKNAME_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    gift_id: int
    fan_ticket_count: int
    group_count: int
    repeat_count: int
    combo_count: int
    user: _common_pb2.User
    to_user: _common_pb2.User
    repeat_end: int
    group_id: int
    room_fan_ticket_count: int
    gift: _common_pb2.GiftStruct
    log_id: str
    send_type: int
    color_id: int
    is_first_sent: bool
    order_id: str
    user_identity: _common_pb2.UserIdentity
    to_member_id: str
    to_member_id_int: int
    to_member_nickname: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., gift_id: _Optional[int] = ..., fan_ticket_count: _Optional[int] = ..., group_count: _Optional[int] = ..., repeat_count: _Optional[int] = ..., combo_count: _Optional[int] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., to_user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., repeat_end: _Optional[int] = ..., group_id: _Optional[int] = ..., room_fan_ticket_count: _Optional[int] = ..., gift: _Optional[_Union[_common_pb2.GiftStruct, _Mapping]] = ..., log_id: _Optional[str] = ..., send_type: _Optional[int] = ..., color_id: _Optional[int] = ..., is_first_sent: _Optional[bool] = ..., order_id: _Optional[str] = ..., user_identity: _Optional[_Union[_common_pb2.UserIdentity, _Mapping]] = ..., to_member_id: _Optional[str] = ..., to_member_id_int: _Optional[int] = ..., to_member_nickname: _Optional[str] = ...) -> None: ...

class LikeMessage(_message.Message):
    __slots__ = ("common", "count", "total", "color", "user", "effect_cnt", "room_message_heat_level")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    EFFECT_CNT_FIELD_NUMBER: _ClassVar[int]
    ROOM_MESSAGE_HEAT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    count: int
    total: int
    color: int
    user: _common_pb2.User
    effect_cnt: int
    room_message_heat_level: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., count: _Optional[int] = ..., total: _Optional[int] = ..., color: _Optional[int] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., effect_cnt: _Optional[int] = ..., room_message_heat_level: _Optional[int] = ...) -> None: ...

class MemberMessage(_message.Message):
    __slots__ = ("common", "user", "member_count", "operator", "is_set_to_admin", "is_top_user", "rank_score", "top_user_no", "enter_type", "action", "action_description", "user_id", "pop_str", "anchor_display_text")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    MEMBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    IS_SET_TO_ADMIN_FIELD_NUMBER: _ClassVar[int]
    IS_TOP_USER_FIELD_NUMBER: _ClassVar[int]
    RANK_SCORE_FIELD_NUMBER: _ClassVar[int]
    TOP_USER_NO_FIELD_NUMBER: _ClassVar[int]
    ENTER_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTION_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    POP_STR_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_DISPLAY_TEXT_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    user: _common_pb2.User
    member_count: int
    operator: _common_pb2.User
    is_set_to_admin: bool
    is_top_user: bool
    rank_score: int
    top_user_no: int
    enter_type: int
    action: int
    action_description: str
    user_id: int
    pop_str: str
    anchor_display_text: _common_pb2.Text
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., member_count: _Optional[int] = ..., operator: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., is_set_to_admin: _Optional[bool] = ..., is_top_user: _Optional[bool] = ..., rank_score: _Optional[int] = ..., top_user_no: _Optional[int] = ..., enter_type: _Optional[int] = ..., action: _Optional[int] = ..., action_description: _Optional[str] = ..., user_id: _Optional[int] = ..., pop_str: _Optional[str] = ..., anchor_display_text: _Optional[_Union[_common_pb2.Text, _Mapping]] = ...) -> None: ...

class SocialMessage(_message.Message):
    __slots__ = ("common", "user", "share_type", "action", "share_target", "follow_count", "share_display_style", "share_count", "follow_type", "target_user_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    SHARE_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SHARE_TARGET_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_COUNT_FIELD_NUMBER: _ClassVar[int]
    SHARE_DISPLAY_STYLE_FIELD_NUMBER: _ClassVar[int]
    SHARE_COUNT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_TYPE_FIELD_NUMBER: _ClassVar[int]
    TARGET_USER_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    user: _common_pb2.User
    share_type: int
    action: int
    share_target: str
    follow_count: int
    share_display_style: int
    share_count: int
    follow_type: int
    target_user_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., share_type: _Optional[int] = ..., action: _Optional[int] = ..., share_target: _Optional[str] = ..., follow_count: _Optional[int] = ..., share_display_style: _Optional[int] = ..., share_count: _Optional[int] = ..., follow_type: _Optional[int] = ..., target_user_id: _Optional[int] = ...) -> None: ...

class Contributor(_message.Message):
    __slots__ = ("score", "user", "rank", "delta")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    score: int
    user: _common_pb2.User
    rank: int
    delta: int
    def __init__(self, score: _Optional[int] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., rank: _Optional[int] = ..., delta: _Optional[int] = ...) -> None: ...

class RoomUserSeqMessage(_message.Message):
    __slots__ = ("common", "ranks", "total", "pop_str", "seats", "popularity", "total_user", "anonymous")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    RANKS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    POP_STR_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    POPULARITY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_USER_FIELD_NUMBER: _ClassVar[int]
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    ranks: _containers.RepeatedCompositeFieldContainer[Contributor]
    total: int
    pop_str: str
    seats: _containers.RepeatedCompositeFieldContainer[Contributor]
    popularity: int
    total_user: int
    anonymous: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., ranks: _Optional[_Iterable[_Union[Contributor, _Mapping]]] = ..., total: _Optional[int] = ..., pop_str: _Optional[str] = ..., seats: _Optional[_Iterable[_Union[Contributor, _Mapping]]] = ..., popularity: _Optional[int] = ..., total_user: _Optional[int] = ..., anonymous: _Optional[int] = ...) -> None: ...

class PunishEventInfo(_message.Message):
    __slots__ = ("punish_type", "punish_reason", "punish_id", "violation_uid", "punish_type_id", "duration", "punish_perception_code", "violation_uid_str", "show_reason")
    PUNISH_TYPE_FIELD_NUMBER: _ClassVar[int]
    PUNISH_REASON_FIELD_NUMBER: _ClassVar[int]
    PUNISH_ID_FIELD_NUMBER: _ClassVar[int]
    VIOLATION_UID_FIELD_NUMBER: _ClassVar[int]
    PUNISH_TYPE_ID_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    PUNISH_PERCEPTION_CODE_FIELD_NUMBER: _ClassVar[int]
    VIOLATION_UID_STR_FIELD_NUMBER: _ClassVar[int]
    SHOW_REASON_FIELD_NUMBER: _ClassVar[int]
    punish_type: str
    punish_reason: str
    punish_id: str
    violation_uid: int
    punish_type_id: int
    duration: int
    punish_perception_code: str
    violation_uid_str: str
    show_reason: str
    def __init__(self, punish_type: _Optional[str] = ..., punish_reason: _Optional[str] = ..., punish_id: _Optional[str] = ..., violation_uid: _Optional[int] = ..., punish_type_id: _Optional[int] = ..., duration: _Optional[int] = ..., punish_perception_code: _Optional[str] = ..., violation_uid_str: _Optional[str] = ..., show_reason: _Optional[str] = ...) -> None: ...

class ControlMessage(_message.Message):
    __slots__ = ("common", "action", "tips", "punish_info")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TIPS_FIELD_NUMBER: _ClassVar[int]
    PUNISH_INFO_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    action: int
    tips: str
    punish_info: PunishEventInfo
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., action: _Optional[int] = ..., tips: _Optional[str] = ..., punish_info: _Optional[_Union[PunishEventInfo, _Mapping]] = ...) -> None: ...

class SubNotifyMessage(_message.Message):
    __slots__ = ("common", "user", "exhibition_type", "sub_month", "subscribe_type", "old_subscribe_status", "message_type", "subscribing_status", "is_send", "is_custom", "gift_source", "package_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    EXHIBITION_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUB_MONTH_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBE_TYPE_FIELD_NUMBER: _ClassVar[int]
    OLD_SUBSCRIBE_STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBING_STATUS_FIELD_NUMBER: _ClassVar[int]
    IS_SEND_FIELD_NUMBER: _ClassVar[int]
    IS_CUSTOM_FIELD_NUMBER: _ClassVar[int]
    GIFT_SOURCE_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    user: _common_pb2.User
    exhibition_type: int
    sub_month: int
    subscribe_type: int
    old_subscribe_status: int
    message_type: int
    subscribing_status: int
    is_send: bool
    is_custom: bool
    gift_source: int
    package_id: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., exhibition_type: _Optional[int] = ..., sub_month: _Optional[int] = ..., subscribe_type: _Optional[int] = ..., old_subscribe_status: _Optional[int] = ..., message_type: _Optional[int] = ..., subscribing_status: _Optional[int] = ..., is_send: _Optional[bool] = ..., is_custom: _Optional[bool] = ..., gift_source: _Optional[int] = ..., package_id: _Optional[str] = ...) -> None: ...

class EmoteChatMessage(_message.Message):
    __slots__ = ("common", "user", "emote_list", "user_identity")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    EMOTE_LIST_FIELD_NUMBER: _ClassVar[int]
    USER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    user: _common_pb2.User
    emote_list: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmoteModel]
    user_identity: _common_pb2.UserIdentity
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ..., emote_list: _Optional[_Iterable[_Union[_common_pb2.EmoteModel, _Mapping]]] = ..., user_identity: _Optional[_Union[_common_pb2.UserIdentity, _Mapping]] = ...) -> None: ...

class Question(_message.Message):
    __slots__ = ("question_id", "content", "create_time", "user")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    question_id: int
    content: str
    create_time: int
    user: _common_pb2.User
    def __init__(self, question_id: _Optional[int] = ..., content: _Optional[str] = ..., create_time: _Optional[int] = ..., user: _Optional[_Union[_common_pb2.User, _Mapping]] = ...) -> None: ...

class QuestionNewMessage(_message.Message):
    __slots__ = ("common", "data")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    data: Question
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., data: _Optional[_Union[Question, _Mapping]] = ...) -> None: ...
