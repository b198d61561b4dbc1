"""Shared pytest fixtures: where the real captures live, and the hypothesis profiles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tiktoklive_sync.testing import FakeTikTok

#: fixtures shared by several test packages: postgres_url (a real PostgreSQL server)
pytest_plugins = ["tests._fixtures.postgres"]

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


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    """The real TikTok captures copied into the repo (tests/data/realdata, see its SOURCES.md)."""
    return REALDATA


# -- a FakeTikTok with one creator, @someone (tests that need other rooms define their own) ------


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok() as f:
        f.add_room("someone")
        yield f


@pytest.fixture
def room_id(fake: FakeTikTok) -> int:
    return fake.room("someone").room_id
