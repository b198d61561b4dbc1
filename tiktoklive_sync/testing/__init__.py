"""Test tools: :class:`FakeTikTok`, a loopback TikTok speaking the real wire formats, and builders.

Example::

    from tiktoklive_sync.testing import FakeTikTok

    with FakeTikTok() as fake:
        fake.add_room("someone", live=True)
        with fake.session() as s:
            ...

With the package installed, pytest gets the ``fake_tiktok`` fixture (a running FakeTikTok) from
the plugin :mod:`tiktoklive_sync.testing.plugin`.

Everything public is imported from here (``builders``, ``pages`` and ``demo`` are public modules
too); modules whose names start with ``_`` are internal.
"""

from . import builders, pages
from ._assets import png_bytes
from ._fake import DIRECT_WS_PATH, FakeTikTok, StreamSource
from ._faults import Fault
from ._flv_stream import FlvSample, FlvStream
from ._hostile_frames import garbage_frame, gzip_bomb_frame, oversized_frame, truncated_gzip_frame
from ._http_types import RecordedRequest, Reply
from ._live_controls import LiveControls
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from ._push_server import PushServer
from ._rooms import FakeRoom
from ._state import FakeState
from .builders import (
    battle,
    chat,
    control,
    emote_chat,
    envelope,
    fetch_result,
    follow,
    fresh_msg_id,
    gift,
    join,
    like,
    live_end,
    live_pause,
    live_unpause,
    make_user,
    message,
    push_frame,
    question,
    room_user_seq,
    share,
    stamp,
    sub_notify,
    subscribe,
)
from .demo import DemoFake, start_demo_fake

__all__ = [
    "DIRECT_WS_PATH",
    "AckRecord",
    "DemoFake",
    "EnterRoomRecord",
    "FakeRoom",
    "FakeState",
    "FakeTikTok",
    "Fault",
    "FlvSample",
    "FlvStream",
    "HandshakeRecord",
    "HeartbeatRecord",
    "LiveControls",
    "PushServer",
    "RecordedRequest",
    "Reply",
    "StreamSource",
    "battle",
    "builders",
    "chat",
    "control",
    "emote_chat",
    "envelope",
    "fetch_result",
    "follow",
    "fresh_msg_id",
    "garbage_frame",
    "gift",
    "gzip_bomb_frame",
    "join",
    "like",
    "live_end",
    "live_pause",
    "live_unpause",
    "make_user",
    "message",
    "oversized_frame",
    "pages",
    "png_bytes",
    "push_frame",
    "question",
    "room_user_seq",
    "share",
    "start_demo_fake",
    "stamp",
    "sub_notify",
    "subscribe",
    "truncated_gzip_frame",
]
