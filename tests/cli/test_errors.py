"""Failures print one line: what failed, the host, what to do; retry chatter only with -v.

"No network" is a proxy on a closed port of 127.0.0.1 (every request goes to it and is refused),
or a proxy that accepts and never answers: nothing leaves the machine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ._process import run_command


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_proxy() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(32)
        yield int(sock.getsockname()[1])


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "host"),
    [
        (["is-live", "someone"], "www.tiktok.com"),
        (["room-info", "someone"], "webcast.tiktok.com"),
        (["gifts"], "webcast.tiktok.com"),
        (["watch", "someone"], "www.tiktok.com"),
    ],
)
def test_no_network_is_one_line_naming_the_host_and_the_proxy(closed_port: int, argv: list[str], host: str) -> None:
    proc = run_command("--proxy", f"http://user:secret@127.0.0.1:{closed_port}", *argv)
    assert proc.returncode == 1 and proc.stdout == ""
    line = one_line(proc.stderr)
    assert line.startswith(f"tiktoklive-sync: could not reach {host} through the proxy 127.0.0.1:{closed_port}")
    assert "connection refused" in line and "check the proxy" in line
    assert "secret" not in line and "user" not in line  # the proxy's credentials stay out
    assert "?" not in line and "aid=" not in line and "Error" not in line and len(line) < 200


def test_a_proxy_from_the_environment_is_named_too(closed_port: int) -> None:
    proc = run_command("room-id", "someone", HTTPS_PROXY=f"http://127.0.0.1:{closed_port}")
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert f"through the proxy 127.0.0.1:{closed_port}" in line and "www.tiktok.com" in line


def test_retries_are_shown_only_with_verbose(closed_port: int) -> None:
    quiet = run_command("--proxy", f"http://127.0.0.1:{closed_port}", "room-id", "someone")
    assert "retrying" not in quiet.stderr
    loud = run_command("-v", "--proxy", f"http://127.0.0.1:{closed_port}", "room-id", "someone")
    assert loud.returncode == 1
    assert "retrying after" in loud.stderr and "Traceback" in loud.stderr
    assert loud.stderr.splitlines()[-1] == quiet.stderr.strip()  # the same last word


def test_a_proxy_that_never_answers_is_a_timeout_line(silent_proxy: int) -> None:
    proc = run_command("--proxy", f"http://127.0.0.1:{silent_proxy}", "--timeout", "1", "gifts")
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert line.startswith("tiktoklive-sync: webcast.tiktok.com did not answer through the proxy")
    assert "within 1 s" in line and "--timeout" in line


def test_no_network_with_several_creators_is_one_line_too(closed_port: int) -> None:
    proc = run_command("--proxy", f"http://127.0.0.1:{closed_port}", "watch", "alice", "bob", "--interval", "1")
    assert proc.returncode == 1 and proc.stdout == ""
    line = one_line(proc.stderr)
    assert line.startswith(f"tiktoklive-sync: could not reach www.tiktok.com through the proxy 127.0.0.1:{closed_port}")


def test_no_network_while_waiting_is_said_once_and_the_wait_goes_on(closed_port: int) -> None:
    proc = run_command("--proxy", f"http://127.0.0.1:{closed_port}", "watch", "alice", "bob", "--wait",
                       "--interval", "1", "--for", "8")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert "could not reach www.tiktok.com" in lines[0] and lines[0].endswith("(still trying)")
    assert lines[1].startswith("watched 2 creators for ") and "0 lives" in lines[1]
