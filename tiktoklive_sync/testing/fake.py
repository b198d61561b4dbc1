"""FakeTikTok (the old import path): ``from tiktoklive_sync.testing import FakeTikTok`` is the way."""

from ._fake import DIRECT_WS_PATH, FakeTikTok, StreamSource

__all__ = ["FakeTikTok", "StreamSource", "DIRECT_WS_PATH"]
