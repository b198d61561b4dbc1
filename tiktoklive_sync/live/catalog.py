"""Every public name of the decoding side, gathered for re-export by ``tiktoklive_sync``.

``from tiktoklive_sync.live.catalog import *`` gives the decode functions, the ``Event`` base
classes, every event class, ``UnknownEvent`` and the views (``UserView``, ``GiftInfo``, ...).
"""

from __future__ import annotations

from . import decode as _decode
from . import events as _events
from . import events_engage as _engage
from . import events_linkmic as _linkmic
from . import events_minor as _minor
from . import events_room as _room
from . import views as _views
from .decode import *  # noqa: F403
from .events import *  # noqa: F403
from .events_engage import *  # noqa: F403
from .events_linkmic import *  # noqa: F403
from .events_minor import *  # noqa: F403
from .events_room import *  # noqa: F403
from .views import *  # noqa: F403

__all__ = [
    name
    for module in (_decode, _events, _room, _engage, _linkmic, _minor, _views)
    for name in module.__all__
    if name not in ("MINOR_METHODS", "image_url", "render_text")
]
