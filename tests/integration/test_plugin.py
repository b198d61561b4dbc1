"""The pytest plugin loads in any project with only the base install, and fake_tiktok says what to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

#: runs pytest as a user's project would, with websockets (the [testing] extra) not installed
RUN_WITHOUT_WEBSOCKETS = textwrap.dedent("""
    import sys
    sys.modules["websockets"] = None  # import websockets -> ModuleNotFoundError, as without the extra
    import pytest
    sys.exit(pytest.main(sys.argv[1:]))
""")


def _pytest_without_websockets(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_WEBSOCKETS, "-q", "-p", "no:cacheprovider", *args],
        cwd=project, capture_output=True, text=True, timeout=120,
    )


def test_the_entry_point_names_the_module_that_needs_only_the_base_install() -> None:
    (plugin,) = [ep for ep in entry_points(group="pytest11") if ep.name == "tiktoklive_sync"]
    assert plugin.value == "tiktoklive_sync._pytest_plugin"


def test_a_users_project_with_the_base_install_runs_its_tests_and_gets_a_working_fake(tmp_path: Path) -> None:
    # FakeTikTok's push server speaks WebSocket on its own asyncio layer, so the fixture needs no extra
    (tmp_path / "test_users_own.py").write_text(textwrap.dedent("""
        import tiktoklive_sync as tls

        def test_arithmetic():
            assert 1 + 1 == 2

        def test_wants_the_fake(fake_tiktok):
            fake_tiktok.add_room("someone", live=True)
            with fake_tiktok.session() as s:
                assert tls.fetch_is_live(s, unique_id="someone")
    """))
    result = _pytest_without_websockets(tmp_path)
    out = result.stdout + result.stderr
    assert "Error while loading plugin" not in out, out
    assert "2 passed" in out and result.returncode == 0, out


def test_when_the_fake_cannot_be_imported_the_fixture_fails_with_the_install_hint(tmp_path: Path) -> None:
    (tmp_path / "test_users_own.py").write_text(textwrap.dedent("""
        def test_arithmetic():
            assert 1 + 1 == 2

        def test_wants_the_fake(fake_tiktok):
            pass
    """))
    blocker = RUN_WITHOUT_WEBSOCKETS.replace('sys.modules["websockets"] = None',
                                             'sys.modules["tiktoklive_sync.testing"] = None')
    result = subprocess.run([sys.executable, "-c", blocker, "-q", "-p", "no:cacheprovider"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert "1 passed, 1 error" in out and result.returncode == 1, out  # a failing fixture is an error
    assert 'pip install "tiktoklive-sync[testing]"' in out, out


def test_the_fixture_serves_a_fake_in_this_environment_too(tmp_path: Path) -> None:
    (tmp_path / "test_fake.py").write_text(textwrap.dedent("""
        import tiktoklive_sync as tls

        def test_is_live(fake_tiktok):
            fake_tiktok.add_room("someone", live=True)
            with fake_tiktok.session() as s:
                assert tls.fetch_is_live(s, unique_id="someone")
    """))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr
