"""Is a creator live, and what is in their room?  python examples/check_live.py someone [--fake]"""

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
    args = p.parse_args(argv)
    with open_session(args.fake) as s:
        status = tls.fetch_live_status(s, args.user)
        print(f"@{args.user}: {status.state.value} ({status.evidence})")
        if not status.is_live:
            return 1
        info = tls.fetch_room_info(s, unique_id=args.user)
        print(f"{info.title!r}: {info.user_count} viewers, qualities {[q.name for q in info.stream_urls.qualities]}")
        rose = tls.fetch_gift_list(s).by_name("Rose")
        if rose is not None:
            print(f"a Rose costs {rose.diamond_count} coin(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
