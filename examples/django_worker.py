"""Django: a management command that watches a room on a worker thread and stores comments in a model.

In a real project the model lives in ``yourapp/models.py`` and the command in
``yourapp/management/commands/watch_room.py`` (run as ``python manage.py watch_room someone``). Here
both are in one file, on an SQLite database, and the command runs with ``call_command``:

    python examples/django_worker.py someone [--fake] [--seconds 3] [--db comments.sqlite3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from typing import Any

import django
from django.conf import settings

if not settings.configured:
    # a file, not ":memory:": Django gives each thread its own connection, and the worker thread writes
    db = sys.argv[sys.argv.index("--db") + 1] if "--db" in sys.argv[:-1] else os.path.join(
        tempfile.mkdtemp(prefix="watch_room-"), "comments.sqlite3")
    settings.configure(
        INSTALLED_APPS=[], LOGGING_CONFIG=None, USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db}},
    )
    django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.base import BaseCommand, CommandError, CommandParser  # noqa: E402
from django.db import connection, connections, models  # noqa: E402

import tiktoklive_sync as tls  # noqa: E402


class Comment(models.Model):
    """One live comment (in a real project: yourapp/models.py, created by migrations)."""

    room_id = models.BigIntegerField()
    msg_id = models.BigIntegerField(unique=True)  # a comment delivered twice is stored once
    user_id = models.BigIntegerField()
    unique_id = models.CharField(max_length=64)
    text = models.TextField()
    created_at = models.DateTimeField(null=True)

    class Meta:
        app_label = "tiktok"


class WatchRoomCommand(BaseCommand):
    help = "Watch a TikTok LIVE room and store its comments (until the live ends or --seconds)."

    session: tls.Session | None = None  # set by the caller; a fresh Session otherwise

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user")
        parser.add_argument("--seconds", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        client = tls.LiveClient(options["user"], session=self.session or tls.Session())
        failure: list[BaseException] = []

        def save(event: tls.CommentEvent) -> None:
            Comment.objects.get_or_create(msg_id=event.msg_id, defaults={
                "room_id": event.room_id, "user_id": event.user.id, "unique_id": event.user.unique_id,
                "text": event.comment, "created_at": event.created_at})

        def run() -> None:
            try:
                client.run()
            except tls.TikTokLiveError as exc:  # offline, not found, blocked: say so, no traceback
                failure.append(exc)
            finally:
                connections.close_all()  # this thread's database connection

        client.add_handler(tls.CommentEvent, save)
        worker = threading.Thread(target=run, name="watch-room", daemon=True)
        worker.start()  # the command's thread stays free (e.g. to serve a health check)
        worker.join(timeout=options["seconds"])
        client.stop()  # safe from any thread; run() returns within a second
        worker.join(timeout=5)
        if failure:
            raise CommandError(str(failure[0]))
        for comment in Comment.objects.order_by("created_at", "id"):
            self.stdout.write(f"{comment.unique_id}: {comment.text}")
        self.stdout.write(f"{Comment.objects.count()} comments stored")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("user", nargs="?", default="demo_creator")
    p.add_argument("--fake", action="store_true", help="run against an embedded FakeTikTok (no network)")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--db", help="the SQLite file to store into (default: a new one in a temporary folder)")
    args = p.parse_args(argv)
    with connection.schema_editor() as editor:  # in a real project: python manage.py migrate
        editor.create_model(Comment)
    command = WatchRoomCommand()
    try:
        if not args.fake:
            call_command(command, args.user, seconds=args.seconds)
            return 0
        from tiktoklive_sync.testing import start_demo_fake  # needs the [testing] extra

        with start_demo_fake() as fake, fake.session() as session:
            command.session = session
            call_command(command, args.user, seconds=args.seconds)
    except CommandError as exc:
        print(f"watch_room: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
