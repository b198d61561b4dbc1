"""tiktoklive_sync: a synchronous, blocking, requests-style client for TikTok LIVE.

Example::

    import tiktoklive_sync as tls

    with tls.Session() as s:
        status = tls.fetch_live_status(s, "someone")
        if status.state is tls.LiveState.LIVE:
            info = tls.fetch_room_info(s, room_id=status.room_id)
            print(info.title, info.user_count)

The public API is what this module exports (``__all__``), plus ``tiktoklive_sync.events`` (every
event class), ``tiktoklive_sync.errors`` (every error), ``tiktoklive_sync.testing`` (FakeTikTok) and
the other packages without a leading underscore. Modules whose names start with ``_`` are internal.
"""


import warnings as _warnings
from typing import Any as _Any

from . import errors, events, sinks
from .__version__ import __version__
from ._browser import BrowserProfile
from ._budget import RequestBudget
from ._retry import RetryPolicy
from ._session import Endpoints, Session
from ._signer import WebcastPlatform
from ._waiting import LiveChange, wait_until_live, watch_live_status
from .errors import (
    AgeRestrictedError,
    AuthenticatedWebSocketConnectionError,
    DuplicateDownloadError,
    FailedFetchGiftListError,
    FailedFetchImageError,
    FailedFetchRoomInfoError,
    FailedParseAppInfo,
    FailedParseRoomIdError,
    FailedResolveUserId,
    FFmpegNotFoundError,
    FrameDecodeError,
    InitialCursorMissingError,
    InvalidFetchIsLiveRequest,
    InvalidFetchRoomInfoPayload,
    LoginRequiredError,
    MissingRoomIdInResponse,
    PremiumEndpointError,
    PushConnectionError,
    RecordingError,
    ResponseTooLargeError,
    RoomActionError,
    SignAPIError,
    SignatureMissingTokensError,
    SignatureRateLimitError,
    SignRedirectError,
    SinkError,
    StreamUnavailableError,
    TikTokLiveError,
    UnexpectedSignatureError,
    UntrustedSignedUrlError,
    UserNotFoundError,
    UserOfflineError,
    WebcastBlocked200Error,
    WebcastFetchResultError,
    WebSocketRefusedError,
    WebsocketURLMissingError,
)
from .events import (
    CommentEvent,
    ConnectEvent,
    ControlEvent,
    DisconnectEvent,
    EmoteChatEvent,
    Event,
    FollowEvent,
    GiftEvent,
    JoinEvent,
    LikeEvent,
    LiveEndEvent,
    MemberEvent,
    RoomUserSeqEvent,
    ShareEvent,
    SocialEvent,
    SubscribeEvent,
    UnknownEvent,
)
from .events._lifecycle import LiveStats
from .live._checkpoint import LiveCheckpoint
from .live._decode import decode_frame, decode_message
from .live._settings import LiveSettings
from .live.client import LiveClient
from .models import (
    Gift,
    GiftList,
    Image,
    LiveState,
    LiveStatus,
    RoomInfo,
    StreamUrls,
    User,
    VideoFetchFormat,
    VideoFetchQuality,
    VideoQuality,
)
from .pool import CreatorStatus, LivePool
from .recording import Recording, RecordingProgress, record_stream
from .routes import (
    GiftPayload,
    fetch_gift_list,
    fetch_image_data,
    fetch_is_live,
    fetch_is_live_room_ids,
    fetch_is_live_unique_id,
    fetch_live_status,
    fetch_room_id,
    fetch_room_id_from_api,
    fetch_room_id_from_html,
    fetch_room_info,
    fetch_signed_websocket,
    fetch_user_unique_id,
    send_room_chat,
    send_room_gift,
    send_room_like,
)
from .streaks import GiftStreak, GiftStreaks

__all__ = [
    "__version__",
    "errors",
    "events",
    "sinks",
    "BrowserProfile",
    "RetryPolicy",
    "Endpoints",
    "Session",
    "WebcastPlatform",
    "TikTokLiveError",
    "UserOfflineError",
    "UserNotFoundError",
    "AgeRestrictedError",
    "LoginRequiredError",
    "FailedParseRoomIdError",
    "FailedFetchRoomInfoError",
    "MissingRoomIdInResponse",
    "FailedFetchGiftListError",
    "FailedFetchImageError",
    "FailedParseAppInfo",
    "FailedResolveUserId",
    "ResponseTooLargeError",
    "RoomActionError",
    "SignRedirectError",
    "UntrustedSignedUrlError",
    "WebcastBlocked200Error",
    "InvalidFetchRoomInfoPayload",
    "InvalidFetchIsLiveRequest",
    "SignAPIError",
    "SignatureRateLimitError",
    "PremiumEndpointError",
    "UnexpectedSignatureError",
    "SignatureMissingTokensError",
    "AuthenticatedWebSocketConnectionError",
    "WebcastFetchResultError",
    "InitialCursorMissingError",
    "WebsocketURLMissingError",
    "FrameDecodeError",
    "PushConnectionError",
    "WebSocketRefusedError",
    "RecordingError",
    "DuplicateDownloadError",
    "FFmpegNotFoundError",
    "StreamUnavailableError",
    "SinkError",
    "Event",
    "CommentEvent",
    "GiftEvent",
    "LikeEvent",
    "JoinEvent",
    "FollowEvent",
    "ShareEvent",
    "SubscribeEvent",
    "SocialEvent",
    "MemberEvent",
    "RoomUserSeqEvent",
    "LiveEndEvent",
    "ConnectEvent",
    "DisconnectEvent",
    "UnknownEvent",
    "EmoteChatEvent",
    "ControlEvent",
    "LiveCheckpoint",
    "decode_frame",
    "decode_message",
    "LiveSettings",
    "LiveClient",
    "LiveStats",
    "Gift",
    "GiftList",
    "Image",
    "LiveState",
    "LiveStatus",
    "RoomInfo",
    "StreamUrls",
    "User",
    "VideoFetchFormat",
    "VideoFetchQuality",
    "VideoQuality",
    "Recording",
    "RecordingProgress",
    "record_stream",
    "GiftPayload",
    "fetch_gift_list",
    "fetch_image_data",
    "fetch_is_live",
    "fetch_is_live_room_ids",
    "fetch_is_live_unique_id",
    "fetch_live_status",
    "fetch_room_id",
    "fetch_room_id_from_api",
    "fetch_room_id_from_html",
    "fetch_room_info",
    "fetch_signed_websocket",
    "fetch_user_unique_id",
    "send_room_chat",
    "send_room_gift",
    "send_room_like",
    "CreatorStatus",
    "LiveChange",
    "LivePool",
    "RequestBudget",
    "wait_until_live",
    "watch_live_status",
    "GiftStreak",
    "GiftStreaks",
]

# Names exported by 0.1.0 that are no longer part of the top level: still reachable, with a warning
# that says where they live now. The rarer event classes are in tiktoklive_sync.events.
_MOVED = {
    "Signer": ("tiktoklive_sync._signer", "internal; use the routes (fetch_signed_websocket, send_room_chat, ...)"),
    "SignedFetch": ("tiktoklive_sync._signer", "internal; fetch_signed_websocket returns it"),
    "SignedUrl": ("tiktoklive_sync._signer", "internal"),
    "DEFAULT_MAX_INFLATED_SIZE": ("tiktoklive_sync.live._decode", "internal"),
    "events_from_result": ("tiktoklive_sync.live._decode", "internal; use decode_frame"),
    "parse_push_frame": ("tiktoklive_sync.live._decode", "internal; use decode_frame"),
    "unpack_fetch_result": ("tiktoklive_sync.live._decode", "internal; use decode_frame"),
}


def __getattr__(name: str) -> _Any:
    """Deprecated 0.1.0 names: the rarer events (now ``tiktoklive_sync.events.X``) and plumbing."""
    import importlib

    if name in _MOVED:
        module, why = _MOVED[name]
        _warnings.warn(f"tiktoklive_sync.{name} is deprecated ({why})", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module), name)
    if name in events.__all__:
        _warnings.warn(
            f"tiktoklive_sync.{name} moved: import it from tiktoklive_sync.events", DeprecationWarning, stacklevel=2
        )
        return getattr(events, name)
    raise AttributeError(f"module 'tiktoklive_sync' has no attribute {name!r}")
