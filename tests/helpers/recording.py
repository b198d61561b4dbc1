"""Shared by the recording tests: does a file play, and which ffmpeg children are left over."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from tiktoklive_sync.recording._ffmpeg import find_ffmpeg


def plays(path: Path) -> bool:
    """True if ffmpeg decodes every frame of ``path`` without an error."""
    result = subprocess.run(
        [find_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.returncode == 0 and result.stderr.strip() == ""


def leftover_workers() -> list[str]:
    """Names of recording worker threads still alive."""
    return [t.name for t in threading.enumerate() if t.name.startswith("tiktoklive-record")]


def leftover_ffmpeg() -> list[tuple[str, str, str]]:
    """(pid, command, state) of this process's children that are ffmpeg or zombies (Linux /proc)."""
    if not Path("/proc").is_dir():
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == os.getpid() and (state == "Z" or comm.startswith("ffmpeg")):
            found.append((entry.name, comm, state))
    return found
