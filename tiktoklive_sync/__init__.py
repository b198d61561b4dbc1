"""tiktoklive_sync: a synchronous, blocking, requests-style client for TikTok LIVE.

Example::

    import tiktoklive_sync as tls

    with tls.Session() as s:
        if tls.fetch_is_live(s, unique_id="someone"):
            info = tls.fetch_room_info(s, unique_id="someone")
            print(info.title, info.user_count)
"""

# ruff: noqa: I001  (imports are grouped by the part of the library that owns them)
from .__version__ import __version__
from .browser import BrowserProfile
from .errors import *  # noqa: F403  (the whole tree; errors.__all__ lists it)
from .errors import __all__ as _error_names
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
from .retry import RetryPolicy
from .session import Endpoints, Session
from .signer import Signer, SignedFetch, SignedUrl, WebcastPlatform

# --- routes (owned by routes/) ---
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
# --- end routes ---

# --- live (owned by live/) ---
from .live.catalog import *  # noqa: F403  (decode_frame, decode_message, Event, every event class)
from .live.catalog import __all__ as _live_event_names
from .live.checkpoint import LiveCheckpoint
from .live.client import LiveClient
from .live.lifecycle import ConnectEvent, DisconnectEvent, LiveStats
from .live.settings import LiveSettings
# --- end live ---

# --- recording (owned by recording.py) ---
from .recording import Recording, RecordingProgress, record_stream
# --- end recording ---

# --- many creators (pool.py, _waiting.py, _budget.py) ---
from ._budget import RequestBudget
from ._waiting import LiveChange, wait_until_live, watch_live_status
from .pool import CreatorStatus, LivePool
# --- end many creators ---

__all__ = [
    "__version__",
    "BrowserProfile",
    "Endpoints",
    "Gift",
    "GiftList",
    "Image",
    "LiveState",
    "LiveStatus",
    "RetryPolicy",
    "RoomInfo",
    "Session",
    "SignedFetch",
    "SignedUrl",
    "Signer",
    "StreamUrls",
    "User",
    "VideoFetchFormat",
    "VideoFetchQuality",
    "VideoQuality",
    "WebcastPlatform",
    *[n for n in _error_names if n != "excerpt"],
    # --- routes __all__ ---
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
    # --- end routes __all__ ---
    # --- live __all__ ---
    *_live_event_names,
    "LiveCheckpoint",
    "LiveClient",
    "LiveSettings",
    "LiveStats",
    "ConnectEvent",
    "DisconnectEvent",
    # --- end live __all__ ---
    # --- recording __all__ ---
    "Recording",
    "RecordingProgress",
    "record_stream",
    # --- end recording __all__ ---
    # --- many creators __all__ ---
    "CreatorStatus",
    "LiveChange",
    "LivePool",
    "RequestBudget",
    "wait_until_live",
    "watch_live_status",
    # --- end many creators __all__ ---
]
