"""Record a live to a file with ffmpeg (stream copy), showing progress.

    python examples/record.py someone out.mp4 [--fake] [--seconds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

import tiktoklive_sync as tls


@contextlib.contextmanager
def open_session(fake: bool) -> Iterator[tls.Session]:
    """A Session against TikTok, or (``--fake``) against a FakeTikTok with a scripted live room."""
    if not fake:
        with tls.Session() as session:
            yield session
        return
    from tiktoklive_sync.testing import start_demo_fake  # needs the [testing] extra

    with start_demo_fake() as fake_tiktok, fake_tiktok.session() as session:
        yield session


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("user", nargs="?", default="demo_creator", help="the creator's @handle")
    p.add_argument("--fake", action="store_true", help="run against an embedded FakeTikTok (no network)")
    p.add_argument("output", nargs="?", default="recording.mp4")
    p.add_argument("--seconds", type=float, default=5.0)
    args = p.parse_args(argv)
    with open_session(args.fake) as s:
        info = tls.fetch_room_info(s, unique_id=args.user)
        with tls.record_stream(s, args.output, info, record_for=args.seconds, quality=tls.VideoQuality.HD) as rec:
            while not rec.wait(timeout=1):
                print(f"{rec.progress.seconds:5.1f} s, {rec.progress.bytes / 1e6:.2f} MB")
    print(f"saved {rec.output_path} (ffmpeg exit {rec.returncode})")
    return 0 if rec.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
