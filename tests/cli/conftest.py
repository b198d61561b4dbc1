"""Fixtures of the command-line tests: the command run in-process against a fake the test can see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tiktoklive_sync.cli._main import main
from tiktoklive_sync.testing import demo


class KeptDemoFake(demo.DemoFake):
    """A DemoFake the command cannot close: the test reads its requests afterwards."""

    def close(self) -> None:
        """Ignored while the command runs; :meth:`really_close` stops the servers."""

    def really_close(self) -> None:
        super().close()


@pytest.fixture
def cli_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeptDemoFake]:
    """The fake ``--fake`` uses during this test (started; its requests and rooms are the test's)."""
    fake = KeptDemoFake(interval=3600.0).start()
    starts: list[int] = []

    def start_demo_fake(**kwargs: Any) -> KeptDemoFake:
        starts.append(1)
        return fake

    monkeypatch.setattr(demo, "start_demo_fake", start_demo_fake)
    fake.starts = starts  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        fake.really_close()


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``tiktoklive-sync ARGS`` in-process; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
