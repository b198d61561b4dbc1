"""A real PostgreSQL server for the tests that need one (SQL sinks, the fleet): fixture ``postgres_url``.

Registered as a pytest plugin by tests/conftest.py. The server is started once per session from the
server binaries (Debian package ``postgresql``: initdb, pg_ctl, found on PATH or under
/usr/lib/postgresql/*/bin) in a temporary folder; it listens on 127.0.0.1 on a free port, keeps its
unix sockets in that folder, trusts the user "tls", and is stopped and removed at the end. initdb
refuses to run as root, so as root the server runs as the user ``nobody``. Missing binaries fail
the tests that use it, naming the package to install; they are never skipped.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "tls"


def _postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> int:
        part = path.split("/")[4]
        return int(part) if part.isdigit() else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL (``postgresql://tls@127.0.0.1:<port>/postgres``) of a PostgreSQL server run for this session."""
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
        run(initdb, "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        port = _free_port()
        run(pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
            f"-h 127.0.0.1 -p {port} -k {base} -F -c max_connections=50", "start")
        try:
            yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        finally:
            run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
