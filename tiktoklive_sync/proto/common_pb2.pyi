from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CommonMessageData(_message.Message):
    __slots__ = ("method", "msg_id", "room_id", "create_time", "monitor", "is_show_msg", "describe", "display_text", "fold_type", "client_send_time")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    MONITOR_FIELD_NUMBER: _ClassVar[int]
    IS_SHOW_MSG_FIELD_NUMBER: _ClassVar[int]
    DESCRIBE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_TEXT_FIELD_NUMBER: _ClassVar[int]
    FOLD_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    method: str
    msg_id: int
    room_id: int
    create_time: int
    monitor: int
    is_show_msg: bool
    describe: str
    display_text: Text
    fold_type: int
    client_send_time: int
    def __init__(self, method: _Optional[str] = ..., msg_id: _Optional[int] = ..., room_id: _Optional[int] = ..., create_time: _Optional[int] = ..., monitor: _Optional[int] = ..., is_show_msg: _Optional[bool] = ..., describe: _Optional[str] = ..., display_text: _Optional[_Union[Text, _Mapping]] = ..., fold_type: _Optional[int] = ..., client_send_time: _Optional[int] = ...) -> None: ...

class CommonOnly(_message.Message):
    __slots__ = ("common",)
    COMMON_FIELD_NUMBER: _ClassVar[int]
    common: CommonMessageData
    def __init__(self, common: _Optional[_Union[CommonMessageData, _Mapping]] = ...) -> None: ...

class TextFormat(_message.Message):
    __slots__ = ("color", "bold", "italic", "weight", "italic_angle", "font_size", "use_highlight_color", "use_remote_color")
    COLOR_FIELD_NUMBER: _ClassVar[int]
    BOLD_FIELD_NUMBER: _ClassVar[int]
    ITALIC_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    ITALIC_ANGLE_FIELD_NUMBER: _ClassVar[int]
    FONT_SIZE_FIELD_NUMBER: _ClassVar[int]
    USE_HIGHLIGHT_COLOR_FIELD_NUMBER: _ClassVar[int]
    USE_REMOTE_COLOR_FIELD_NUMBER: _ClassVar[int]
    color: str
    bold: bool
    italic: bool
    weight: int
    italic_angle: int
    font_size: int
    use_highlight_color: bool
    use_remote_color: bool
    def __init__(self, color: _Optional[str] = ..., bold: _Optional[bool] = ..., italic: _Optional[bool] = ..., weight: _Optional[int] = ..., italic_angle: _Optional[int] = ..., font_size: _Optional[int] = ..., use_highlight_color: _Optional[bool] = ..., use_remote_color: _Optional[bool] = ...) -> None: ...

class TextPieceUser(_message.Message):
    __slots__ = ("user", "with_colon")
    USER_FIELD_NUMBER: _ClassVar[int]
    WITH_COLON_FIELD_NUMBER: _ClassVar[int]
    user: User
    with_colon: bool
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., with_colon: _Optional[bool] = ...) -> None: ...

class TextPieceGift(_message.Message):
    __slots__ = ("gift_id",)
    GIFT_ID_FIELD_NUMBER: _ClassVar[int]
    gift_id: int
    def __init__(self, gift_id: _Optional[int] = ...) -> None: ...

class TextPiece(_message.Message):
    __slots__ = ("type", "format", "string_value", "user_value", "gift_value")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    USER_VALUE_FIELD_NUMBER: _ClassVar[int]
    GIFT_VALUE_FIELD_NUMBER: _ClassVar[int]
    type: int
    format: TextFormat
    string_value: str
    user_value: TextPieceUser
    gift_value: TextPieceGift
    def __init__(self, type: _Optional[int] = ..., format: _Optional[_Union[TextFormat, _Mapping]] = ..., string_value: _Optional[str] = ..., user_value: _Optional[_Union[TextPieceUser, _Mapping]] = ..., gift_value: _Optional[_Union[TextPieceGift, _Mapping]] = ...) -> None: ...

class Text(_message.Message):
    __slots__ = ("key", "default_pattern", "default_format", "pieces")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PATTERN_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    PIECES_FIELD_NUMBER: _ClassVar[int]
    key: str
    default_pattern: str
    default_format: TextFormat
    pieces: _containers.RepeatedCompositeFieldContainer[TextPiece]
    def __init__(self, key: _Optional[str] = ..., default_pattern: _Optional[str] = ..., default_format: _Optional[_Union[TextFormat, _Mapping]] = ..., pieces: _Optional[_Iterable[_Union[TextPiece, _Mapping]]] = ...) -> None: ...

class ImageModel(_message.Message):
    __slots__ = ("url_list", "uri", "height", "width", "avg_color", "image_type", "open_web_url", "is_animated")
    URL_LIST_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    AVG_COLOR_FIELD_NUMBER: _ClassVar[int]
    IMAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPEN_WEB_URL_FIELD_NUMBER: _ClassVar[int]
    IS_ANIMATED_FIELD_NUMBER: _ClassVar[int]
    url_list: _containers.RepeatedScalarFieldContainer[str]
    uri: str
    height: int
    width: int
    avg_color: str
    image_type: int
    open_web_url: str
    is_animated: bool
    def __init__(self, url_list: _Optional[_Iterable[str]] = ..., uri: _Optional[str] = ..., height: _Optional[int] = ..., width: _Optional[int] = ..., avg_color: _Optional[str] = ..., image_type: _Optional[int] = ..., open_web_url: _Optional[str] = ..., is_animated: _Optional[bool] = ...) -> None: ...

class FollowInfo(_message.Message):
    __slots__ = ("following_count", "follower_count", "follow_status", "push_status")
    FOLLOWING_COUNT_FIELD_NUMBER: _ClassVar[int]
    FOLLOWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_STATUS_FIELD_NUMBER: _ClassVar[int]
    PUSH_STATUS_FIELD_NUMBER: _ClassVar[int]
    following_count: int
    follower_count: int
    follow_status: int
    push_status: int
    def __init__(self, following_count: _Optional[int] = ..., follower_count: _Optional[int] = ..., follow_status: _Optional[int] = ..., push_status: _Optional[int] = ...) -> None: ...

class PrivilegeLogExtra(_message.Message):
    __slots__ = ("data_version", "privilege_id", "privilege_version", "privilege_order", "level")
    DATA_VERSION_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGE_ID_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGE_VERSION_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGE_ORDER_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    data_version: str
    privilege_id: str
    privilege_version: str
    privilege_order: str
    level: str
    def __init__(self, data_version: _Optional[str] = ..., privilege_id: _Optional[str] = ..., privilege_version: _Optional[str] = ..., privilege_order: _Optional[str] = ..., level: _Optional[str] = ...) -> None: ...

class ImageBadge(_message.Message):
    __slots__ = ("display_type", "image")
    DISPLAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    display_type: int
    image: ImageModel
    def __init__(self, display_type: _Optional[int] = ..., image: _Optional[_Union[ImageModel, _Mapping]] = ...) -> None: ...

class TextBadge(_message.Message):
    __slots__ = ("display_type", "key", "default_pattern")
    DISPLAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PATTERN_FIELD_NUMBER: _ClassVar[int]
    display_type: int
    key: str
    default_pattern: str
    def __init__(self, display_type: _Optional[int] = ..., key: _Optional[str] = ..., default_pattern: _Optional[str] = ...) -> None: ...

class StringBadge(_message.Message):
    __slots__ = ("display_type", "str")
    DISPLAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    STR_FIELD_NUMBER: _ClassVar[int]
    display_type: int
    str: str
    def __init__(self, display_type: _Optional[int] = ..., str: _Optional[str] = ...) -> None: ...

class CombineBadge(_message.Message):
    __slots__ = ("display_type", "icon", "str")
    DISPLAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ICON_FIELD_NUMBER: _ClassVar[int]
    STR_FIELD_NUMBER: _ClassVar[int]
    display_type: int
    icon: ImageModel
    str: str
    def __init__(self, display_type: _Optional[int] = ..., icon: _Optional[_Union[ImageModel, _Mapping]] = ..., str: _Optional[str] = ...) -> None: ...

class BadgeStruct(_message.Message):
    __slots__ = ("display_type", "priority", "scene_type", "display", "privilege_log_extra", "image", "text", "str", "combine")
    DISPLAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SCENE_TYPE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_FIELD_NUMBER: _ClassVar[int]
    PRIVILEGE_LOG_EXTRA_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STR_FIELD_NUMBER: _ClassVar[int]
    COMBINE_FIELD_NUMBER: _ClassVar[int]
    display_type: int
    priority: int
    scene_type: int
    display: bool
    privilege_log_extra: PrivilegeLogExtra
    image: ImageBadge
    text: TextBadge
    str: StringBadge
    combine: CombineBadge
    def __init__(self, display_type: _Optional[int] = ..., priority: _Optional[int] = ..., scene_type: _Optional[int] = ..., display: _Optional[bool] = ..., privilege_log_extra: _Optional[_Union[PrivilegeLogExtra, _Mapping]] = ..., image: _Optional[_Union[ImageBadge, _Mapping]] = ..., text: _Optional[_Union[TextBadge, _Mapping]] = ..., str: _Optional[_Union[StringBadge, _Mapping]] = ..., combine: _Optional[_Union[CombineBadge, _Mapping]] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ("id", "nickname", "bio_description", "avatar_thumb", "avatar_medium", "avatar_large", "verified", "follow_info", "display_id", "sec_uid", "badge_list", "id_str", "is_follower", "is_following")
    ID_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    BIO_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    AVATAR_THUMB_FIELD_NUMBER: _ClassVar[int]
    AVATAR_MEDIUM_FIELD_NUMBER: _ClassVar[int]
    AVATAR_LARGE_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_INFO_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_ID_FIELD_NUMBER: _ClassVar[int]
    SEC_UID_FIELD_NUMBER: _ClassVar[int]
    BADGE_LIST_FIELD_NUMBER: _ClassVar[int]
    ID_STR_FIELD_NUMBER: _ClassVar[int]
    IS_FOLLOWER_FIELD_NUMBER: _ClassVar[int]
    IS_FOLLOWING_FIELD_NUMBER: _ClassVar[int]
    id: int
    nickname: str
    bio_description: str
    avatar_thumb: ImageModel
    avatar_medium: ImageModel
    avatar_large: ImageModel
    verified: bool
    follow_info: FollowInfo
    display_id: str
    sec_uid: str
    badge_list: _containers.RepeatedCompositeFieldContainer[BadgeStruct]
    id_str: str
    is_follower: bool
    is_following: bool
    def __init__(self, id: _Optional[int] = ..., nickname: _Optional[str] = ..., bio_description: _Optional[str] = ..., avatar_thumb: _Optional[_Union[ImageModel, _Mapping]] = ..., avatar_medium: _Optional[_Union[ImageModel, _Mapping]] = ..., avatar_large: _Optional[_Union[ImageModel, _Mapping]] = ..., verified: _Optional[bool] = ..., follow_info: _Optional[_Union[FollowInfo, _Mapping]] = ..., display_id: _Optional[str] = ..., sec_uid: _Optional[str] = ..., badge_list: _Optional[_Iterable[_Union[BadgeStruct, _Mapping]]] = ..., id_str: _Optional[str] = ..., is_follower: _Optional[bool] = ..., is_following: _Optional[bool] = ...) -> None: ...

class UserIdentity(_message.Message):
    __slots__ = ("is_gift_giver_of_anchor", "is_subscriber_of_anchor", "is_mutual_following_with_anchor", "is_follower_of_anchor", "is_moderator_of_anchor", "is_anchor")
    IS_GIFT_GIVER_OF_ANCHOR_FIELD_NUMBER: _ClassVar[int]
    IS_SUBSCRIBER_OF_ANCHOR_FIELD_NUMBER: _ClassVar[int]
    IS_MUTUAL_FOLLOWING_WITH_ANCHOR_FIELD_NUMBER: _ClassVar[int]
    IS_FOLLOWER_OF_ANCHOR_FIELD_NUMBER: _ClassVar[int]
    IS_MODERATOR_OF_ANCHOR_FIELD_NUMBER: _ClassVar[int]
    IS_ANCHOR_FIELD_NUMBER: _ClassVar[int]
    is_gift_giver_of_anchor: bool
    is_subscriber_of_anchor: bool
    is_mutual_following_with_anchor: bool
    is_follower_of_anchor: bool
    is_moderator_of_anchor: bool
    is_anchor: bool
    def __init__(self, is_gift_giver_of_anchor: _Optional[bool] = ..., is_subscriber_of_anchor: _Optional[bool] = ..., is_mutual_following_with_anchor: _Optional[bool] = ..., is_follower_of_anchor: _Optional[bool] = ..., is_moderator_of_anchor: _Optional[bool] = ..., is_anchor: _Optional[bool] = ...) -> None: ...

class GiftStruct(_message.Message):
    __slots__ = ("image", "describe", "duration", "id", "combo", "type", "diamond_count", "name", "icon")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    DESCRIBE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    COMBO_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DIAMOND_COUNT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ICON_FIELD_NUMBER: _ClassVar[int]
    image: ImageModel
    describe: str
    duration: int
    id: int
    combo: bool
    type: int
    diamond_count: int
    name: str
    icon: ImageModel
    def __init__(self, image: _Optional[_Union[ImageModel, _Mapping]] = ..., describe: _Optional[str] = ..., duration: _Optional[int] = ..., id: _Optional[int] = ..., combo: _Optional[bool] = ..., type: _Optional[int] = ..., diamond_count: _Optional[int] = ..., name: _Optional[str] = ..., icon: _Optional[_Union[ImageModel, _Mapping]] = ...) -> None: ...

class EmoteModel(_message.Message):
    __slots__ = ("emote_id", "image", "package_id")
    EMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    emote_id: str
    image: ImageModel
    package_id: str
    def __init__(self, emote_id: _Optional[str] = ..., image: _Optional[_Union[ImageModel, _Mapping]] = ..., package_id: _Optional[str] = ...) -> None: ...
