"""The push server (the old import path): ``from tiktoklive_sync.testing import PushServer`` is the way."""

from ._handshake import DIRECT_PATH, SIGN_PATH
from ._push_server import PushServer

__all__ = ["PushServer", "SIGN_PATH", "DIRECT_PATH"]
