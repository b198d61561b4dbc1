"""The pytest plugin of tiktoklive_sync (registered through the ``pytest11`` entry point).

pytest loads this module in EVERY project where tiktoklive_sync is installed, so it imports nothing
beyond pytest and the base install, and imports FakeTikTok only when a test asks for the fixture
(FakeTikTok itself needs nothing beyond the base install). Should it not import, that one test fails
with the install command; every other test runs.

Fixtures:
    fake_tiktok: a running :class:`~tiktoklive_sync.testing.FakeTikTok`, stopped after the test.

Example::

    def test_is_live(fake_tiktok):
        fake_tiktok.add_room("someone", live=True)
        with fake_tiktok.session() as s:
            assert tls.fetch_is_live(s, unique_id="someone")
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .testing import FakeTikTok

__all__ = ["fake_tiktok"]

INSTALL_HINT = 'the fake_tiktok fixture could not import FakeTikTok; reinstall: pip install "tiktoklive-sync[testing]"'


@pytest.fixture
def fake_tiktok() -> Iterator[FakeTikTok]:
    """A FakeTikTok on 127.0.0.1 (free port), running for the duration of one test."""
    try:
        from .testing import FakeTikTok
    except ImportError as exc:  # a broken or partial install
        pytest.fail(f"{INSTALL_HINT} ({exc})", pytrace=False)
    with FakeTikTok() as fake:
        yield fake
