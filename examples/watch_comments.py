"""Print a live room's comments and gifts with a blocking for-loop.

    python examples/watch_comments.py someone [--fake] [--seconds 5]
"""

from __future__ import annotations

import sys
import threading

import _backend

import tiktoklive_sync as tls


def main(argv: list[str] | None = None) -> int:
    p = _backend.parser(__doc__ or "")
    p.add_argument("--seconds", type=float, default=None, help="stop after this long (default: until the live ends)")
    args = p.parse_args(argv)
    with _backend.session(args.fake) as s:
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
