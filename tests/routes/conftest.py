"""Fixtures of the route tests: a Session against the test endpoints, and ``responses`` to answer it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

import tiktoklive_sync as tls
from tests.helpers.payloads import make_session


@pytest.fixture
def session() -> Iterator[tls.Session]:
    with make_session() as s:
        yield s


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
