"""HTTP routes: plain functions ``(session, ...) -> model | primitive``, one module per family.

=====================  ===========================================================================
module                 routes
=====================  ===========================================================================
``room_id``            fetch_room_id_from_html, fetch_room_id_from_api, fetch_room_id
``room_info``          fetch_room_info
``is_live``            fetch_is_live, fetch_is_live_room_ids, fetch_is_live_unique_id
``live_status``        fetch_live_status
``gifts``              fetch_gift_list
``images``             fetch_image_data
``users``              fetch_user_unique_id
``websocket``          fetch_signed_websocket
``interact``           send_room_chat, send_room_like, send_room_gift (+ GiftPayload)
``_common``            argument checks and answer readers shared by all of them
=====================  ===========================================================================

Every route takes the Session first, checks its arguments (``ValueError`` for a wrong one), and
turns an unusable answer into its named :class:`~tiktoklive_sync.errors.TikTokLiveError`.
"""

from .gifts import fetch_gift_list
from .images import fetch_image_data
from .interact import GiftPayload, send_room_chat, send_room_gift, send_room_like
from .is_live import fetch_is_live, fetch_is_live_room_ids, fetch_is_live_unique_id
from .live_status import fetch_live_status
from .room_id import fetch_room_id, fetch_room_id_from_api, fetch_room_id_from_html
from .room_info import fetch_room_info
from .users import fetch_user_unique_id
from .websocket import fetch_signed_websocket

__all__ = [
    "fetch_room_id_from_html",
    "fetch_room_id_from_api",
    "fetch_room_id",
    "fetch_room_info",
    "fetch_is_live",
    "fetch_is_live_room_ids",
    "fetch_is_live_unique_id",
    "fetch_live_status",
    "fetch_gift_list",
    "fetch_image_data",
    "fetch_user_unique_id",
    "fetch_signed_websocket",
    "send_room_chat",
    "send_room_like",
    "send_room_gift",
    "GiftPayload",
]
