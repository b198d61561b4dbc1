"""Recording fixtures: a fake with the test module's live room (its ``USER`` and ``ROOM``), a Session on it,
and a check, after every test, that no ffmpeg child or worker thread outlived it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tiktoklive_sync as tls
from tests.helpers.recording import leftover_ffmpeg, leftover_workers
from tiktoklive_sync.testing import FakeTikTok


@pytest.fixture(autouse=True)
def no_leftover_ffmpeg() -> Iterator[None]:
    yield
    assert leftover_workers() == [], "a recording's worker thread outlived it"
    assert leftover_ffmpeg() == [], "ffmpeg children left running or unreaped"


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeTikTok]:
    """A FakeTikTok where the module's ``USER`` is live in room ``ROOM``."""
    with FakeTikTok() as fake:
        fake.add_room(request.module.USER, room_id=request.module.ROOM, live=True)
        yield fake


@pytest.fixture
def session(fake: FakeTikTok) -> Iterator[tls.Session]:
    with fake.session() as s:
        yield s
