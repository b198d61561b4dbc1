"""Watch many creators from a fleet of Celery workers (extra ``[celery]``: celery, redis).

With your own Celery app::

    from celery import Celery
    from tiktoklive_sync.contrib.celery import register

    app = Celery("myapp", broker="redis://127.0.0.1:6379/0")
    fleet = register(app, ["creator_a", "creator_b"], sink_url="postgresql://db/events", poll_interval=30)

Without one, the ready :data:`app` reads ``TIKTOKLIVE_FLEET_*`` environment variables (see
:mod:`._app`)::

    TIKTOKLIVE_FLEET_CREATORS=creator_a,creator_b celery -A tiktoklive_sync.contrib.celery worker --pool=threads -c 20
    celery -A tiktoklive_sync.contrib.celery beat
    python -m tiktoklive_sync.contrib.celery status

Beat runs ``poll_creators`` every ``poll_interval`` seconds; it dispatches ``watch_live`` for each
live creator nobody owns. One worker owns a live at a time through a Redis lease; a worker that
dies loses its leases after ``lease_ttl`` seconds and the next poll hands its lives to another
worker, which resumes from the checkpoint saved in Redis.
"""

from __future__ import annotations

from typing import Any

from ._app import make_app
from ._config import FleetConfig
from ._lease import Lease, LeaseKeeper
from ._status import Owner, format_owners, owners
from ._tasks import VISIBILITY_TIMEOUT, Fleet, register
from ._watch import Watcher, hand_back_all

__all__ = ["register", "make_app", "Fleet", "FleetConfig", "Lease", "LeaseKeeper", "Watcher", "Owner",
           "owners", "format_owners", "hand_back_all", "VISIBILITY_TIMEOUT", "app", "fleet"]

_ready: tuple[Any, Fleet] | None = None


def __getattr__(name: str) -> Any:
    """``app`` and ``fleet``: the ready app from the environment, built on first use."""
    global _ready
    if name in ("app", "celery", "fleet"):
        if _ready is None:
            _ready = make_app()
        return _ready[1] if name == "fleet" else _ready[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
