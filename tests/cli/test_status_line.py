"""On a terminal, the many-creators commands keep a status line at the bottom of stderr."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

from tiktoklive_sync.testing.demo import DEMO_USER

from ._process import REPO, cli_env


def test_a_terminal_gets_a_status_line_that_says_who_is_live() -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tiktoklive_sync", "--fake", "watch", DEMO_USER, "quiet_creator", "--wait",
         "--interval", "0.5", "--json"],
        stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=cli_env(), cwd=REPO)
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"1 live (@demo_creator), 1 waiting" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                seen += os.read(master, 65536)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        while True:  # the rest, up to the end of the output
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert "\r\x1b[K1 live (@demo_creator), 1 waiting; " in text
    summary = text.split("\r\x1b[K")[-1]  # the status line is cleared before the summary
    assert "watched 2 creators for " in summary and "1 waiting" not in summary.split("watched")[1]
