"""``fake_session()``: the Session the fleet tests' workers use (TIKTOKLIVE_FLEET_SESSION names it)."""

from __future__ import annotations

import os
from dataclasses import replace

import tiktoklive_sync as tls


def fake_session() -> tls.Session:
    """A Session whose every host is the FakeTikTok process named by FAKE_BASE_URL (loopback only)."""
    base = os.environ["FAKE_BASE_URL"]
    endpoints = replace(tls.Endpoints().with_base(base), cookie_domain="127.0.0.1",
                        ws_direct=os.environ["FAKE_WS_DIRECT"])
    session = tls.Session(endpoints=endpoints)
    session.trust_env = False
    return session
