"""The ready Celery app, configured from environment variables (for those who have no app).

==================================== ============================================ ==============================
variable                             meaning                                      default
==================================== ============================================ ==============================
``TIKTOKLIVE_FLEET_BROKER``          the Celery broker (Redis)                    ``redis://127.0.0.1:6379/0``
``TIKTOKLIVE_FLEET_REDIS``           the Redis of leases and checkpoints          the broker
``TIKTOKLIVE_FLEET_CREATORS``        @handles, comma- or space-separated          none
``TIKTOKLIVE_FLEET_SINK``            the sink URL                                 ``sqlite:///tiktoklive_events.db``
``TIKTOKLIVE_FLEET_RECORD_DIR``      record videos into this directory            no recording
``TIKTOKLIVE_FLEET_POLL_INTERVAL``   seconds between polls                        30
``TIKTOKLIVE_FLEET_LEASE_TTL``       seconds a dead worker's lease lives on       30
``TIKTOKLIVE_FLEET_CHECKPOINT``      seconds between checkpoints                  5
``TIKTOKLIVE_FLEET_CONNECT``         LiveClient connect mode                      ``auto``
``TIKTOKLIVE_FLEET_SESSION``         ``module:callable`` returning a Session      ``tiktoklive_sync.Session``
``TIKTOKLIVE_FLEET_MAX_RPS``         requests per second of each Session          no budget
``TIKTOKLIVE_FLEET_KEY_PREFIX``      prefix of the Redis keys                     ``tiktoklive``
==================================== ============================================ ==============================
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from celery import Celery

import tiktoklive_sync as tls

from ._tasks import Fleet, register

__all__ = ["make_app", "ENV_PREFIX"]

ENV_PREFIX = "TIKTOKLIVE_FLEET_"


def make_app(env: Mapping[str, str] | None = None) -> tuple[Celery, Fleet]:
    """Build a Celery app with the fleet's tasks from ``env`` (default: ``os.environ``).

    Returns:
        ``(app, fleet)``.
    Raises:
        ValueError: a variable that does not read (a number that is not one, a bad SESSION path).
    """
    env = os.environ if env is None else env

    def get(name: str, default: str = "") -> str:
        return env.get(ENV_PREFIX + name, default).strip() or default

    broker = get("BROKER", "redis://127.0.0.1:6379/0")
    app = Celery("tiktoklive_sync_fleet", broker=broker)
    options: dict[str, Any] = {"checkpoint_interval": _seconds(get("CHECKPOINT", "5"), "CHECKPOINT"),
                               "connect": get("CONNECT", "auto"), "key_prefix": get("KEY_PREFIX", "tiktoklive")}
    factory, rate = get("SESSION"), get("MAX_RPS")
    if factory and rate:
        raise ValueError(f"{ENV_PREFIX}MAX_RPS and {ENV_PREFIX}SESSION: give the budget in the SESSION callable")
    if factory:
        options["session_factory"] = _load_callable(factory)
    elif rate:
        budget = _seconds(rate, "MAX_RPS")
        options["session_factory"] = lambda: tls.Session(max_requests_per_second=budget)
    fleet = register(
        app, [c for c in re.split(r"[\s,]+", get("CREATORS")) if c],
        sink_url=get("SINK", "sqlite:///tiktoklive_events.db"), record_dir=get("RECORD_DIR") or None,
        redis_url=get("REDIS", broker), poll_interval=_seconds(get("POLL_INTERVAL", "30"), "POLL_INTERVAL"),
        lease_ttl=_seconds(get("LEASE_TTL", "30"), "LEASE_TTL"), **options,
    )
    return app, fleet


def _seconds(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name} must be a number, not {text!r}") from None
    if not value > 0:
        raise ValueError(f"{ENV_PREFIX}{name} must be positive, not {text!r}")
    return value


def _load_callable(path: str) -> Callable[[], Any]:
    module_name, _, attr = path.partition(":")
    if not module_name or not attr:
        raise ValueError(f"{ENV_PREFIX}SESSION is 'module:callable', not {path!r}")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"{ENV_PREFIX}SESSION={path!r} does not load: {exc}") from None
    if not callable(target):
        raise ValueError(f"{ENV_PREFIX}SESSION={path!r} is not callable")
    return target
