"""The pytest plugin of tiktoklive_sync (registered through the ``pytest11`` entry point).

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
    from .fake import FakeTikTok


@pytest.fixture
def fake_tiktok() -> Iterator[FakeTikTok]:
    """A FakeTikTok on 127.0.0.1 (free port), running for the duration of one test."""
    from .fake import FakeTikTok  # imported here so loading the plugin stays cheap

    with FakeTikTok() as fake:
        yield fake
