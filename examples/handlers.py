"""Handlers instead of a loop: @client.on(...) plus client.run(), stopped from another thread.

    python examples/handlers.py someone [--fake] [--seconds 5]
"""

from __future__ import annotations

import argparse
import collections
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
    p.add_argument("--seconds", type=float, default=5.0)
    args = p.parse_args(argv)
    likes: collections.Counter[str] = collections.Counter()
    with open_session(args.fake) as s:
        client = tls.LiveClient(args.user, session=s)

        @client.on(tls.LikeEvent)
        def on_like(event: tls.LikeEvent) -> None:
            likes[event.user.unique_id] += event.count

        @client.on(tls.JoinEvent)
        def on_join(event: tls.JoinEvent) -> None:
            print(f"welcome, {event.user.nickname}!")

        threading.Timer(args.seconds, client.stop).start()
        client.run()  # blocks until stop() or the end of the live
    for user, count in likes.most_common(3):
        print(f"top liker @{user}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
