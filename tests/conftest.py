"""Shared pytest fixtures: where the real captures and the bench corpus live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REALDATA = TESTS / "data" / "realdata"


def _shared_dir() -> Path:
    env = os.environ.get("TIKTOKLIVE_SHARED")
    return Path(env) if env else TESTS.parents[1] / "shared"


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    """The real TikTok captures copied into the repo (tests/data/realdata, see its SOURCES.md)."""
    return REALDATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder (../shared beside the repo, or $TIKTOKLIVE_SHARED)."""
    path = _shared_dir()
    if not (path / "bench" / "manifest.json").exists():
        pytest.fail(f"the shared bench corpus was not found at {path}; set TIKTOKLIVE_SHARED")
    return path
