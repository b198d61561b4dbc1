"""Test helpers: :class:`FakeTikTok`, a loopback TikTok speaking the real wire formats.

Example::

    from tiktoklive_sync.testing import FakeTikTok

    with FakeTikTok() as fake:
        fake.add_room("someone", live=True)
        with fake.session() as s:
            ...

With the package installed, pytest gets the ``fake_tiktok`` fixture (a running FakeTikTok) from
the plugin :mod:`tiktoklive_sync.testing.plugin`.
"""

# ruff: noqa: I001  (imports are grouped by owner, between marked lines)
from . import pages
from .assets import png_bytes
from .demo import DemoFake, start_demo_fake
from .fake import DIRECT_WS_PATH, FakeTikTok, StreamSource
from .faults import Fault
from .http_server import RecordedRequest, Reply
from .rooms import FakeRoom

# --- event builders (testing/builders.py) ---
from . import builders
from .builders import *  # noqa: F403  (chat, gift, like, ..., fetch_result, push_frame)
from .builders import __all__ as _builder_names
# --- end event builders ---

# --- FLV stream (testing/flv_stream.py) ---
from .flv_stream import FlvSample, FlvStream
# --- end FLV stream ---

# --- push server (testing/push_server.py) ---
from .push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from .push_server import PushServer
# --- end push server ---

__all__ = [
    "DIRECT_WS_PATH",
    "DemoFake",
    "FakeRoom",
    "FakeTikTok",
    "Fault",
    "RecordedRequest",
    "Reply",
    "StreamSource",
    "pages",
    "png_bytes",
    "start_demo_fake",
    # --- event builders __all__ ---
    "builders",
    *_builder_names,
    # --- end event builders __all__ ---
    # --- FLV stream __all__ ---
    "FlvSample",
    "FlvStream",
    # --- end FLV stream __all__ ---
    # --- push server __all__ ---
    "AckRecord",
    "EnterRoomRecord",
    "HandshakeRecord",
    "HeartbeatRecord",
    "PushServer",
    # --- end push server __all__ ---
]
