"""Print a live room's comments and gifts with a blocking for-loop.

    python examples/watch_comments.py someone [--fake] [--seconds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
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
    p.add_argument("--seconds", type=float, default=None, help="stop after this long (default: until the live ends)")
    args = p.parse_args(argv)
    with open_session(args.fake) as s:
        client = tls.LiveClient(args.user, session=s)
        if args.seconds:
            threading.Timer(args.seconds, client.stop).start()  # stop() is safe from any thread
        for event in client.events():  # blocks; ends at LiveEndEvent or stop()
            if isinstance(event, tls.CommentEvent):
                print(f"{event.user.nickname}: {event.comment}")
            elif isinstance(event, tls.GiftEvent) and not event.streaking:
                print(f"{event.user.nickname} sent {event.gift_name} x{event.repeat_count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
