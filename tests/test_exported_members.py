"""The public surface is pinned: a name added to or dropped from ``tiktoklive_sync`` is a decision, not an accident."""

from __future__ import annotations

import types
import warnings

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import errors, events

PUBLIC = [
    "AgeRestrictedError",
    "AuthenticatedWebSocketConnectionError",
    "BrowserProfile",
    "CommentEvent",
    "ConnectEvent",
    "ControlEvent",
    "CreatorStatus",
    "DisconnectEvent",
    "DuplicateDownloadError",
    "EmoteChatEvent",
    "Endpoints",
    "Event",
    "FFmpegNotFoundError",
    "FailedFetchGiftListError",
    "FailedFetchImageError",
    "FailedFetchRoomInfoError",
    "FailedParseAppInfo",
    "FailedParseRoomIdError",
    "FailedResolveUserId",
    "FollowEvent",
    "FrameDecodeError",
    "Gift",
    "GiftEvent",
    "GiftList",
    "GiftPayload",
    "GiftStreak",
    "GiftStreaks",
    "Image",
    "InitialCursorMissingError",
    "InvalidFetchIsLiveRequest",
    "InvalidFetchRoomInfoPayload",
    "JoinEvent",
    "LikeEvent",
    "LiveChange",
    "LiveCheckpoint",
    "LiveClient",
    "LiveEndEvent",
    "LivePool",
    "LiveSettings",
    "LiveState",
    "LiveStats",
    "LiveStatus",
    "LoginRequiredError",
    "MemberEvent",
    "MissingRoomIdInResponse",
    "PremiumEndpointError",
    "PushConnectionError",
    "Recording",
    "RecordingError",
    "RecordingProgress",
    "RequestBudget",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RoomActionError",
    "RoomInfo",
    "RoomUserSeqEvent",
    "Session",
    "ShareEvent",
    "SignAPIError",
    "SignRedirectError",
    "SignatureMissingTokensError",
    "SignatureRateLimitError",
    "SinkError",
    "SocialEvent",
    "StreamUnavailableError",
    "StreamUrls",
    "SubscribeEvent",
    "TikTokLiveError",
    "UnexpectedSignatureError",
    "UnknownEvent",
    "UntrustedSignedUrlError",
    "User",
    "UserNotFoundError",
    "UserOfflineError",
    "VideoFetchFormat",
    "VideoFetchQuality",
    "VideoQuality",
    "WebSocketRefusedError",
    "WebcastBlocked200Error",
    "WebcastFetchResultError",
    "WebcastPlatform",
    "WebsocketURLMissingError",
    "__version__",
    "decode_frame",
    "decode_message",
    "errors",
    "events",
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
    "record_stream",
    "send_room_chat",
    "send_room_gift",
    "send_room_like",
    "sinks",
    "wait_until_live",
    "watch_live_status",
]

#: subpackages a user may import (``tiktoklive_sync.events``, ``.errors``, ``.testing``, ...) or that
#: are attributes of the package once imported; everything else without an underscore is in __all__
SUBMODULES = {
    "errors", "events", "live", "models", "proto", "recording", "routes", "cli", "testing", "sinks", "streaks", "pool",
    "contrib",
}


def test_the_top_level_exports_exactly_the_pinned_names() -> None:
    assert sorted(tls.__all__) == PUBLIC
    assert len(set(tls.__all__)) == len(tls.__all__)


def test_every_exported_name_resolves_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in tls.__all__:
            assert getattr(tls, name) is not None, name


def test_nothing_public_looking_is_left_out_of_all() -> None:
    for name in dir(tls):
        if name.startswith(("_", "@")) or name in tls.__all__:  # "@py_*": pytest's assertion rewriting
            continue
        assert isinstance(getattr(tls, name), types.ModuleType) and name in SUBMODULES, name


def test_every_error_is_exported_at_the_top_and_in_errors() -> None:
    assert set(errors.__all__) - {"excerpt"} <= set(tls.__all__)
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, errors.TikTokLiveError), name


def test_every_event_class_is_in_tiktoklive_sync_events() -> None:
    views = {"BadgeView", "Emote", "GiftInfo", "PollOption", "TopViewer", "UserView"}
    for name in events.__all__:
        obj = getattr(events, name)
        assert isinstance(obj, type), name
        assert issubclass(obj, events.Event) or name in views, name
    from tiktoklive_sync.events import CommentEvent, GiftEvent, LikeEvent

    assert (tls.CommentEvent, tls.GiftEvent, tls.LikeEvent) == (CommentEvent, GiftEvent, LikeEvent)


@pytest.mark.parametrize("name", ["PollEvent", "LinkMicBattleEvent", "Signer", "parse_push_frame"])
def test_a_name_0_1_0_exported_still_works_with_a_deprecation_warning(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=name):
        assert getattr(tls, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        tls.no_such_thing  # noqa: B018
