"""Django: a management command that watches a room on a worker thread and stores what it sees.

In a real project this class lives in ``yourapp/management/commands/watch_room.py`` and runs as
``python manage.py watch_room someone``. Here it is run standalone with ``call_command``:

    python examples/django_worker.py --fake
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(INSTALLED_APPS=[], LOGGING_CONFIG=None)
    django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.base import BaseCommand, CommandParser  # noqa: E402

import tiktoklive_sync as tls  # noqa: E402


class WatchRoomCommand(BaseCommand):
    help = "Watch a TikTok LIVE room and record comments (stops at the end of the live or --seconds)."

    session: tls.Session | None = None  # set by the caller; a fresh Session otherwise

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user")
        parser.add_argument("--seconds", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        client = tls.LiveClient(options["user"], session=self.session or tls.Session())
        comments: list[str] = []
        client.add_handler(tls.CommentEvent, lambda e: comments.append(f"{e.user.unique_id}: {e.comment}"))
        worker = threading.Thread(target=client.run, name="watch-room", daemon=True)
        worker.start()  # the command's thread stays free (e.g. to serve a health check)
        worker.join(timeout=options["seconds"])
        client.stop()  # safe from any thread; run() returns within a second
        worker.join(timeout=5)
        for line in comments:  # a real command would save these with the ORM
            self.stdout.write(line)
        self.stdout.write(f"{len(comments)} comments")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("user", nargs="?", default="demo_creator")
    p.add_argument("--fake", action="store_true")
    p.add_argument("--seconds", type=float, default=3.0)
    args = p.parse_args(argv)
    command = WatchRoomCommand()
    if not args.fake:
        call_command(command, args.user, seconds=args.seconds)
        return 0
    from tiktoklive_sync.testing.demo import start_demo_fake

    with start_demo_fake() as fake, fake.session() as session:
        command.session = session
        call_command(command, args.user, seconds=args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
