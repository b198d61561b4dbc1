"""Argument checking for ``tiktoklive-sync``: everything wrong with the command line is found before
any request is sent, said in one line, and exits 2.
"""

from __future__ import annotations

import argparse
import glob
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from ..routes._common import normalize_unique_id
from ._text import safe_text

__all__ = [
    "OneLineParser",
    "UsageError",
    "handle",
    "seconds",
    "event_kinds",
    "output_file",
    "RECORD_EXTENSIONS",
]

#: file endings ``record`` writes (the container is chosen by the ending)
RECORD_EXTENSIONS = (".mp4", ".m4v", ".mov", ".mkv", ".flv", ".ts")


class UsageError(ValueError):
    """The command line is wrong: the message says which argument and why (exit 2)."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (``prog: message (see prog --help)``), exit 2."""

    def error(self, message: str) -> NoReturn:
        top = self.prog.split()[0]
        hint = f"{self.prog} --help"
        sys.stderr.write(f"{top}: {safe_text(' '.join(message.split()))} (see {hint})\n")
        raise SystemExit(2)


def handle(text: str) -> str:
    """argparse type: a creator's @handle, ``@handle`` or profile / live URL -> the bare handle."""
    try:
        return normalize_unique_id(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a TikTok handle: give the creator's handle, e.g. someone, @someone "
            "or https://www.tiktok.com/@someone/live"
        ) from None


def seconds(text: str) -> float:
    """argparse type: a finite number of seconds above 0 (``0``, ``inf``, ``nan`` are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a finite number of seconds above 0, e.g. 30")
    return value


def event_kinds(valid: tuple[str, ...]) -> Callable[[str], frozenset[str]]:
    """Return an argparse type checking a comma-separated list of event kinds against ``valid``."""

    def parse(text: str) -> frozenset[str]:
        kinds = {k.strip().lower().replace("-", "_") for k in text.split(",") if k.strip()}
        if not kinds:
            raise argparse.ArgumentTypeError("give at least one kind, e.g. --events comment,gift")
        unknown = sorted(kinds - set(valid))
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown event kind{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                f"valid kinds: {', '.join(valid)}"
            )
        return frozenset(kinds)

    return parse


def output_file(path: str, *, overwrite: bool) -> Path:
    """Check a ``record`` output path before anything starts.

    Returns:
        the path.
    Raises:
        UsageError: an ending ``record`` does not write, a missing directory, a directory, or an
            existing file (or an earlier recording's capture file, ``OUT.part*``) without ``--overwrite``.
    """
    target = Path(path)
    if target.suffix.lower() not in RECORD_EXTENSIONS:
        ending = f"ending {target.suffix!r}" if target.suffix else "no file ending"
        raise UsageError(f"cannot record to {path!r} ({ending}); use one of {', '.join(RECORD_EXTENSIONS)}")
    if target.is_dir():
        raise UsageError(f"{path!r} is a directory; give a file name such as {Path(path, 'live.mp4')}")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"the directory {str(parent)!r} does not exist; create it first")
    if not overwrite:
        if target.exists():
            raise UsageError(f"{path!r} already exists; pass --overwrite to replace it, or pick another name")
        leftovers = sorted(parent.glob(glob.escape(target.name) + ".part*"))
        if leftovers:
            raise UsageError(f"{str(leftovers[0])!r} (the capture file of an earlier recording) exists; pass "
                             "--overwrite to replace it, or pick another name")
    return target
