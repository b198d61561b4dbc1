"""Shared pytest fixtures: where the real captures live, and the hypothesis profiles."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    """The real TikTok captures copied into the repo (tests/data/realdata, see its SOURCES.md)."""
    return REALDATA


# --- a real PostgreSQL server (session-scoped; SQL sink and fleet tests) ----------------------
# Started from the server binaries (Debian package `postgresql`: initdb, pg_ctl) in a temporary
# folder, listening on 127.0.0.1 on a free port, unix sockets in that folder, trust auth for the
# user "tls"; stopped and removed at the end of the session. Missing binaries fail the tests that
# use it (CI installs the package), they are never skipped.
import contextlib  # noqa: E402
import glob  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402

_PG_USER = "tls"


def _postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL (``postgresql://tls@127.0.0.1:<port>/postgres``) of a PostgreSQL server run for this session.

    As root (initdb refuses to run as root) the server runs as the user ``nobody``.
    """
    initdb, pg_ctl = _postgres_binary("initdb"), _postgres_binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail("the PostgreSQL server binaries (initdb, pg_ctl) are not on PATH nor under "
                    "/usr/lib/postgresql/*/bin: install the Debian package `postgresql` "
                    "(apt-get install -y postgresql)")
    base = Path(tempfile.mkdtemp(prefix="tls-postgres-"))  # under /tmp: reachable by an unprivileged user
    options: dict[str, object] = {}
    if os.geteuid() == 0:
        import pwd

        account = pwd.getpwnam("nobody")
        os.chown(base, account.pw_uid, account.pw_gid)
        options = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    env = {**os.environ, "HOME": str(base), "LC_ALL": "C", "LANG": "C"}
    data, log = base / "data", base / "server.log"

    def run(*args: str) -> None:
        done = subprocess.run(args, env=env, cwd=base, capture_output=True, text=True, timeout=120,
                              check=False, **options)  # type: ignore[call-overload]
        if done.returncode:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()} {server_log}")

    try:
        run(initdb, "-D", str(data), "-U", _PG_USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        port = _free_port()
        run(pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
            f"-h 127.0.0.1 -p {port} -k {base} -F -c max_connections=50", "start")
        try:
            yield f"postgresql://{_PG_USER}@127.0.0.1:{port}/postgres"
        finally:
            run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
# --- end of the PostgreSQL server ---------------------------------------------------------------
