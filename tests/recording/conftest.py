"""Every recording test ends by checking that no ffmpeg child or worker thread outlived it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.recording import leftover_ffmpeg, leftover_workers


@pytest.fixture(autouse=True)
def no_leftover_ffmpeg() -> Iterator[None]:
    yield
    assert leftover_workers() == [], "a recording's worker thread outlived it"
    assert leftover_ffmpeg() == [], "ffmpeg children left running or unreaped"
