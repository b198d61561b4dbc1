"""The real command in a subprocess: ``python -m tiktoklive_sync ...`` from this checkout."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess run: this checkout first on sys.path, no proxies, no keys."""
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
           and k not in ("TIKTOKLIVE_SIGN_API_KEY", "SIGN_API_KEY")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def spawn(*argv: str, **env: str) -> subprocess.Popen[str]:
    """Start ``python -m tiktoklive_sync ARGS`` (the real command) with pipes for stdout and stderr."""
    return subprocess.Popen([sys.executable, "-m", "tiktoklive_sync", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(**env), cwd=REPO)


def run_command(*argv: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tiktoklive_sync ARGS`` to the end; returns the finished process."""
    return subprocess.run([sys.executable, "-m", "tiktoklive_sync", *argv], capture_output=True, text=True,
                          timeout=timeout, env=cli_env(**env), cwd=REPO)


@contextlib.contextmanager
def running(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Yield ``proc``; kill and reap it on the way out, whatever the test did (no process outlives it)."""
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def interrupt(proc: subprocess.Popen[str], signum: int, *, timeout: float) -> tuple[str, str]:
    """Send ``signum`` to the command and return its (stdout, stderr) once it has exited."""
    proc.send_signal(signum)
    return proc.communicate(timeout=timeout)
