from tiktoklive_sync.proto import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BattleSetting(_message.Message):
    __slots__ = ("battle_id", "start_time_ms", "duration", "channel_id", "status")
    BATTLE_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    battle_id: int
    start_time_ms: int
    duration: int
    channel_id: int
    status: int
    def __init__(self, battle_id: _Optional[int] = ..., start_time_ms: _Optional[int] = ..., duration: _Optional[int] = ..., channel_id: _Optional[int] = ..., status: _Optional[int] = ...) -> None: ...

class BattleResult(_message.Message):
    __slots__ = ("user_id", "result", "score", "diamond_score")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    DIAMOND_SCORE_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    result: int
    score: int
    diamond_score: int
    def __init__(self, user_id: _Optional[int] = ..., result: _Optional[int] = ..., score: _Optional[int] = ..., diamond_score: _Optional[int] = ...) -> None: ...

class BattleUserArmy(_message.Message):
    __slots__ = ("user_id", "score", "nickname", "avatar_thumb", "diamond_score", "user_id_str")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_THUMB_FIELD_NUMBER: _ClassVar[int]
    DIAMOND_SCORE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_STR_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    score: int
    nickname: str
    avatar_thumb: _common_pb2.ImageModel
    diamond_score: int
    user_id_str: str
    def __init__(self, user_id: _Optional[int] = ..., score: _Optional[int] = ..., nickname: _Optional[str] = ..., avatar_thumb: _Optional[_Union[_common_pb2.ImageModel, _Mapping]] = ..., diamond_score: _Optional[int] = ..., user_id_str: _Optional[str] = ...) -> None: ...

class BattleUserArmies(_message.Message):
    __slots__ = ("user_armies", "host_score", "anchor_id_str")
    USER_ARMIES_FIELD_NUMBER: _ClassVar[int]
    HOST_SCORE_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_ID_STR_FIELD_NUMBER: _ClassVar[int]
    user_armies: _containers.RepeatedCompositeFieldContainer[BattleUserArmy]
    host_score: int
    anchor_id_str: str
    def __init__(self, user_armies: _Optional[_Iterable[_Union[BattleUserArmy, _Mapping]]] = ..., host_score: _Optional[int] = ..., anchor_id_str: _Optional[str] = ...) -> None: ...

class UserArmiesWrapper(_message.Message):
    __slots__ = ("host_id", "armies")
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    ARMIES_FIELD_NUMBER: _ClassVar[int]
    host_id: int
    armies: BattleUserArmies
    def __init__(self, host_id: _Optional[int] = ..., armies: _Optional[_Union[BattleUserArmies, _Mapping]] = ...) -> None: ...

class BattleUser(_message.Message):
    __slots__ = ("user_id", "nickname", "avatar_thumb", "display_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_THUMB_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    nickname: str
    avatar_thumb: _common_pb2.ImageModel
    display_id: str
    def __init__(self, user_id: _Optional[int] = ..., nickname: _Optional[str] = ..., avatar_thumb: _Optional[_Union[_common_pb2.ImageModel, _Mapping]] = ..., display_id: _Optional[str] = ...) -> None: ...

class BattleUserInfo(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: BattleUser
    def __init__(self, user: _Optional[_Union[BattleUser, _Mapping]] = ...) -> None: ...

class BattleUserInfoWrapper(_message.Message):
    __slots__ = ("host_id", "info")
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    host_id: int
    info: BattleUserInfo
    def __init__(self, host_id: _Optional[int] = ..., info: _Optional[_Union[BattleUserInfo, _Mapping]] = ...) -> None: ...

class LinkMicBattleMessage(_message.Message):
    __slots__ = ("common", "battle_id", "battle_settings", "action", "battle_result", "armies", "anchors_info", "bubble_text", "action_by_user_id")
    class BattleResultEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: BattleResult
        def __init__(self, key: _Optional[int] = ..., value: _Optional[_Union[BattleResult, _Mapping]] = ...) -> None: ...
    COMMON_FIELD_NUMBER: _ClassVar[int]
    BATTLE_ID_FIELD_NUMBER: _ClassVar[int]
    BATTLE_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    BATTLE_RESULT_FIELD_NUMBER: _ClassVar[int]
    ARMIES_FIELD_NUMBER: _ClassVar[int]
    ANCHORS_INFO_FIELD_NUMBER: _ClassVar[int]
    BUBBLE_TEXT_FIELD_NUMBER: _ClassVar[int]
    ACTION_BY_USER_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    battle_id: int
    battle_settings: BattleSetting
    action: int
    battle_result: _containers.MessageMap[int, BattleResult]
    armies: _containers.RepeatedCompositeFieldContainer[UserArmiesWrapper]
    anchors_info: _containers.RepeatedCompositeFieldContainer[BattleUserInfoWrapper]
    bubble_text: str
    action_by_user_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., battle_id: _Optional[int] = ..., battle_settings: _Optional[_Union[BattleSetting, _Mapping]] = ..., action: _Optional[int] = ..., battle_result: _Optional[_Mapping[int, BattleResult]] = ..., armies: _Optional[_Iterable[_Union[UserArmiesWrapper, _Mapping]]] = ..., anchors_info: _Optional[_Iterable[_Union[BattleUserInfoWrapper, _Mapping]]] = ..., bubble_text: _Optional[str] = ..., action_by_user_id: _Optional[int] = ...) -> None: ...

class LinkMicArmiesMessage(_message.Message):
    __slots__ = ("common", "battle_id", "armies", "channel_id", "trigger_reason", "from_user_id", "gift_id", "gift_count", "total_diamond_count", "repeat_count", "log_id")
    class ArmiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: BattleUserArmies
        def __init__(self, key: _Optional[int] = ..., value: _Optional[_Union[BattleUserArmies, _Mapping]] = ...) -> None: ...
    COMMON_FIELD_NUMBER: _ClassVar[int]
    BATTLE_ID_FIELD_NUMBER: _ClassVar[int]
    ARMIES_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_REASON_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_ID_FIELD_NUMBER: _ClassVar[int]
    GIFT_ID_FIELD_NUMBER: _ClassVar[int]
    GIFT_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DIAMOND_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPEAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LOG_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    battle_id: int
    armies: _containers.MessageMap[int, BattleUserArmies]
    channel_id: int
    trigger_reason: int
    from_user_id: int
    gift_id: int
    gift_count: int
    total_diamond_count: int
    repeat_count: int
    log_id: str
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., battle_id: _Optional[int] = ..., armies: _Optional[_Mapping[int, BattleUserArmies]] = ..., channel_id: _Optional[int] = ..., trigger_reason: _Optional[int] = ..., from_user_id: _Optional[int] = ..., gift_id: _Optional[int] = ..., gift_count: _Optional[int] = ..., total_diamond_count: _Optional[int] = ..., repeat_count: _Optional[int] = ..., log_id: _Optional[str] = ...) -> None: ...

class LinkMicBattleItemCardMessage(_message.Message):
    __slots__ = ("common", "battle_id", "msg_type")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    BATTLE_ID_FIELD_NUMBER: _ClassVar[int]
    MSG_TYPE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    battle_id: int
    msg_type: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., battle_id: _Optional[int] = ..., msg_type: _Optional[int] = ...) -> None: ...

class LinkMicBattlePunishFinishMessage(_message.Message):
    __slots__ = ("common", "channel_id", "op_uid", "reason", "battle_id", "battle_settings")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    OP_UID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BATTLE_ID_FIELD_NUMBER: _ClassVar[int]
    BATTLE_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    channel_id: int
    op_uid: int
    reason: int
    battle_id: int
    battle_settings: BattleSetting
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., channel_id: _Optional[int] = ..., op_uid: _Optional[int] = ..., reason: _Optional[int] = ..., battle_id: _Optional[int] = ..., battle_settings: _Optional[_Union[BattleSetting, _Mapping]] = ...) -> None: ...

class LinkmicBattleTaskMessage(_message.Message):
    __slots__ = ("common", "task_message_type", "battle_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    TASK_MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    BATTLE_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    task_message_type: int
    battle_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., task_message_type: _Optional[int] = ..., battle_id: _Optional[int] = ...) -> None: ...

class FanTicketUser(_message.Message):
    __slots__ = ("user_id", "fan_ticket", "match_total_score", "match_rank")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FAN_TICKET_FIELD_NUMBER: _ClassVar[int]
    MATCH_TOTAL_SCORE_FIELD_NUMBER: _ClassVar[int]
    MATCH_RANK_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    fan_ticket: int
    match_total_score: int
    match_rank: int
    def __init__(self, user_id: _Optional[int] = ..., fan_ticket: _Optional[int] = ..., match_total_score: _Optional[int] = ..., match_rank: _Optional[int] = ...) -> None: ...

class FanTicketRoomNotice(_message.Message):
    __slots__ = ("user_fan_ticket_list", "total_link_mic_fan_ticket", "match_id", "event_time", "fan_ticket_icon_url")
    USER_FAN_TICKET_LIST_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LINK_MIC_FAN_TICKET_FIELD_NUMBER: _ClassVar[int]
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    FAN_TICKET_ICON_URL_FIELD_NUMBER: _ClassVar[int]
    user_fan_ticket_list: _containers.RepeatedCompositeFieldContainer[FanTicketUser]
    total_link_mic_fan_ticket: int
    match_id: int
    event_time: int
    fan_ticket_icon_url: str
    def __init__(self, user_fan_ticket_list: _Optional[_Iterable[_Union[FanTicketUser, _Mapping]]] = ..., total_link_mic_fan_ticket: _Optional[int] = ..., match_id: _Optional[int] = ..., event_time: _Optional[int] = ..., fan_ticket_icon_url: _Optional[str] = ...) -> None: ...

class LinkMicFanTicketMethodMessage(_message.Message):
    __slots__ = ("common", "fan_ticket_room_notice")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    FAN_TICKET_ROOM_NOTICE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    fan_ticket_room_notice: FanTicketRoomNotice
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., fan_ticket_room_notice: _Optional[_Union[FanTicketRoomNotice, _Mapping]] = ...) -> None: ...

class LinkMicMethodMessage(_message.Message):
    __slots__ = ("common", "message_type", "user_id", "channel_id")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    message_type: int
    user_id: int
    channel_id: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., message_type: _Optional[int] = ..., user_id: _Optional[int] = ..., channel_id: _Optional[int] = ...) -> None: ...

class LinkMicLayoutStateMessage(_message.Message):
    __slots__ = ("common", "channel_id", "scene", "version")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    channel_id: int
    scene: int
    version: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., channel_id: _Optional[int] = ..., scene: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...

class LinkMessage(_message.Message):
    __slots__ = ("common", "message_type", "linker_id", "scene")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    LINKER_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    message_type: int
    linker_id: int
    scene: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., message_type: _Optional[int] = ..., linker_id: _Optional[int] = ..., scene: _Optional[int] = ...) -> None: ...

class LinkLayerMessage(_message.Message):
    __slots__ = ("common", "message_type", "channel_id", "scene")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    message_type: int
    channel_id: int
    scene: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., message_type: _Optional[int] = ..., channel_id: _Optional[int] = ..., scene: _Optional[int] = ...) -> None: ...

class LinkStateMessage(_message.Message):
    __slots__ = ("common", "channel_id", "scene", "version")
    COMMON_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    common: _common_pb2.CommonMessageData
    channel_id: int
    scene: int
    version: int
    def __init__(self, common: _Optional[_Union[_common_pb2.CommonMessageData, _Mapping]] = ..., channel_id: _Optional[int] = ..., scene: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...
