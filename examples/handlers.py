"""Handlers instead of a loop: @client.on(...) plus client.run(), stopped from another thread.

    python examples/handlers.py someone [--fake] [--seconds 5]
"""

from __future__ import annotations

import collections
import sys
import threading

import _backend

import tiktoklive_sync as tls


def main(argv: list[str] | None = None) -> int:
    p = _backend.parser(__doc__ or "")
    p.add_argument("--seconds", type=float, default=5.0)
    args = p.parse_args(argv)
    likes: collections.Counter[str] = collections.Counter()
    with _backend.session(args.fake) as s:
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
