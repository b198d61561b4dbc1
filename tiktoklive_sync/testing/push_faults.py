"""Bad frames a hostile push server sends (the old import path; the names live in ``tiktoklive_sync.testing``).

``from tiktoklive_sync.testing import gzip_bomb_frame`` is the way to import them; this module
stays so imports written against it keep working.
"""

from ._feeds import CURSOR_SERIES_STEP
from ._hostile_frames import (
    garbage_frame,
    gzip_bomb_frame,
    oversized_frame,
    truncated_gzip_frame,
    websocket_frame_header,
)

__all__ = [
    "CURSOR_SERIES_STEP",
    "garbage_frame",
    "gzip_bomb_frame",
    "oversized_frame",
    "truncated_gzip_frame",
    "websocket_frame_header",
]
