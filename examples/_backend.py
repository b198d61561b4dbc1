"""Shared by the examples: a real Session, or one pointed at an embedded FakeTikTok (``--fake``)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

import tiktoklive_sync as tls


def parser(description: str, *, user: bool = True) -> argparse.ArgumentParser:
    """An argument parser with the examples' common options (USER and --fake)."""
    p = argparse.ArgumentParser(description=description)
    if user:
        p.add_argument("user", nargs="?", default="demo_creator", help="the creator's @handle")
    p.add_argument("--fake", action="store_true", help="run against an embedded FakeTikTok (no network)")
    return p


@contextlib.contextmanager
def session(fake: bool) -> Iterator[tls.Session]:
    """Yield a Session: against the real TikTok, or against a scripted FakeTikTok when ``fake``."""
    if not fake:
        with tls.Session() as s:
            yield s
        return
    from tiktoklive_sync.testing.demo import start_demo_fake

    with start_demo_fake() as fake_tiktok, fake_tiktok.session() as s:
        yield s
