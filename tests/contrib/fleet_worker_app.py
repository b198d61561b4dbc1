"""The Celery app the fleet tests' workers and beat run: the ready app, configured by the test's environment.

The workers start as ``celery -A fleet_worker_app worker`` with this folder on PYTHONPATH and the
``TIKTOKLIVE_FLEET_*`` variables set by the test (``TIKTOKLIVE_FLEET_SESSION=fake_session:fake_session``
points every request at the fake's process).
"""

from __future__ import annotations

from tiktoklive_sync.contrib.celery import make_app

app, fleet = make_app()
if not fleet.config.session_factory.__module__ == "fake_session":
    raise RuntimeError("the fleet tests' workers must talk to the fake only (TIKTOKLIVE_FLEET_SESSION)")
