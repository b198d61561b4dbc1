"""Shared pytest fixtures: where the real captures and the bench corpus live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REALDATA = TESTS / "data" / "realdata"

# --- hypothesis profiles (fuzz tests, tests/test_fuzz_*.py) ---------------------------------
# "ci" is loaded by default: 2,000 examples per property, no deadline (the CI box is small and
# noisy; the fuzz tests guard against hangs themselves). "long" runs 20,000 per property:
#     python -m pytest tests/test_fuzz_*.py --hypothesis-profile=long
# (the option comes with hypothesis's pytest plugin and is applied after this file loads).
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("long", parent=settings.get_profile("ci"), max_examples=20_000)
settings.load_profile("ci")
# --- end of hypothesis profiles ---------------------------------------------------------------


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
