"""The sign API key: $TIKTOKLIVE_SIGN_API_KEY first (a flag's value is visible in `ps`), a warning for
--sign-api-key, the old $SIGN_API_KEY as a fallback."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from tiktoklive_sync.cli import _main
from tiktoklive_sync.testing.demo import DEMO_USER

from .conftest import KeptDemoFake

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def used_keys(monkeypatch: pytest.MonkeyPatch, cli_fake: KeptDemoFake) -> list[str | None]:
    """The sign API key of each Session the command built (seen by is-live)."""
    seen: list[str | None] = []
    real = _main._is_live

    def spy(session: _main.Session, users: Sequence[str], out: object) -> int:
        seen.append(session.sign_api_key)
        return real(session, users, out)  # type: ignore[arg-type]

    monkeypatch.setattr(_main, "_is_live", spy)
    for name in ("TIKTOKLIVE_SIGN_API_KEY", "SIGN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return seen


def test_the_environment_variable_is_used_without_a_word(
    run_cli: Run, used_keys: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKLIVE_SIGN_API_KEY", "env-key")
    code, _, err = run_cli("--fake", "is-live", DEMO_USER)
    assert code == 0 and err == ""
    assert used_keys == ["env-key"]


def test_the_flag_works_with_a_warning_that_never_shows_the_key(run_cli: Run, used_keys: list[str | None]) -> None:
    code, _, err = run_cli("--fake", "is-live", DEMO_USER, "--sign-api-key", "flag-key-123")
    assert code == 0
    line, = err.splitlines()
    assert line.startswith("tiktoklive-sync: warning:") and "$TIKTOKLIVE_SIGN_API_KEY" in line and "ps" in line
    assert "flag-key-123" not in err
    assert used_keys == ["flag-key-123"]


def test_the_environment_wins_over_the_flag(
    run_cli: Run, used_keys: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKLIVE_SIGN_API_KEY", "env-key")
    code, _, err = run_cli("--sign-api-key", "flag-key", "--fake", "is-live", DEMO_USER)
    assert code == 0
    line, = err.splitlines()
    assert "ignored" in line and "flag-key" not in line and "env-key" not in line
    assert used_keys == ["env-key"]


def test_the_old_variable_is_a_fallback(
    run_cli: Run, used_keys: list[str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGN_API_KEY", "old-key")
    assert run_cli("--fake", "is-live", DEMO_USER)[0] == 0
    monkeypatch.setenv("TIKTOKLIVE_SIGN_API_KEY", "new-key")
    assert run_cli("--fake", "is-live", DEMO_USER)[0] == 0
    assert used_keys == ["old-key", "new-key"]


def test_help_says_to_prefer_the_environment(run_cli: Run) -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "--sign-api-key KEY" in flat and "prefer $TIKTOKLIVE_SIGN_API_KEY" in flat
