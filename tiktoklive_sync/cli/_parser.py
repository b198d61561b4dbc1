"""The argument parser of ``tiktoklive-sync``.

Global options (``--fake``, ``--proxy``, ``--timeout``, ``--sign-api-key``, ``-v``) are accepted
before or after the subcommand: ``tiktoklive-sync --fake is-live x`` and ``tiktoklive-sync is-live x
--fake`` are the same command.
"""

from __future__ import annotations

import argparse
import functools

from ..__version__ import __version__
from ..models import VideoQuality
from ._args import RECORD_EXTENSIONS, OneLineParser, event_kinds, handle, seconds

__all__ = ["build_parser", "event_kind_names", "FAKE_CREATORS"]

#: the creators of the embedded FakeTikTok (``--fake``), and what each one is
FAKE_CREATORS = (
    ("demo_creator", "live, with a chatty audience and a video stream"),
    ("quiet_creator", "offline"),
    ("age_gated", "live, 18+ (needs a login)"),
)

_EPILOG = f"""\
exit codes: 0 ok (also after Ctrl-C or SIGTERM once watch/record have finished cleanly), 1 failure
(one line on stderr; -v shows retries and the traceback), 2 usage error, 130/143 another command cut
short by SIGINT/SIGTERM.

login: set $TIKTOKLIVE_SESSION_ID and $TIKTOKLIVE_TT_TARGET_IDC (never pass them as arguments).
sign server key: set $TIKTOKLIVE_SIGN_API_KEY (read first; $SIGN_API_KEY is the old name, still read).
--fake creators: {", ".join(f"{name} ({what})" for name, what in FAKE_CREATORS)}; also
`tiktoklive-sync --fake users`.
"""


@functools.lru_cache(maxsize=1)
def event_kind_names() -> tuple[str, ...]:
    """Return every kind ``watch --events`` accepts (``comment``, ``gift``, ...), sorted."""
    import inspect

    from .. import events
    from ._live import kind_of_class

    kinds = {
        kind_of_class(cls) for name in events.__all__
        if inspect.isclass(cls := getattr(events, name)) and issubclass(cls, events.Event)
        and cls not in (events.Event, events.ProtoEvent)
    }
    return tuple(sorted(kinds))


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """Add the global options; on subcommands (``defaults=False``) they only override when given."""

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    parser.add_argument("-v", "--verbose", action="count", default=default(0),
                        help="log retries and progress to stderr; show tracebacks (-vv: debug)")
    parser.add_argument("--sign-api-key", metavar="KEY", default=default(None),
                        help="sign server API key; prefer $TIKTOKLIVE_SIGN_API_KEY, which is read first "
                             "(a key on the command line is visible to other users in `ps`)")
    parser.add_argument("--proxy", metavar="URL", default=default(None),
                        help="proxy for every request, e.g. http://user:pw@host:3128")
    parser.add_argument("--timeout", type=seconds, metavar="SECONDS", default=default(15.0),
                        help="seconds to wait for an answer (default 15)")
    parser.add_argument("--fake", action="store_true", default=default(False),
                        help="run against an embedded FakeTikTok with scripted creators (no network)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``tiktoklive-sync`` command."""
    parser = OneLineParser(
        prog="tiktoklive-sync",
        description="TikTok LIVE from the shell: live checks, room info, gifts, live events, recording.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser, defaults=True)
    common = OneLineParser(add_help=False)
    _global_options(common, defaults=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=OneLineParser)

    def command(name: str, help_text: str, **kwargs: object) -> argparse.ArgumentParser:
        parser_: argparse.ArgumentParser = sub.add_parser(
            name, help=help_text, description=help_text, parents=[common], **kwargs)  # type: ignore[arg-type]
        return parser_

    p = command("is-live", "is each creator live? (exit 0 if all are)")
    p.add_argument("users", nargs="+", metavar="USER", type=handle)
    p = command("room-id", "print a creator's room id")
    p.add_argument("user", metavar="USER", type=handle)
    p = command("room-info", "print a creator's room info")
    p.add_argument("user", metavar="USER", type=handle)
    p.add_argument("--json", action="store_true", help="print TikTok's whole room info as JSON")
    p = command("gifts", "list the gifts TikTok offers")
    p.add_argument("--json", action="store_true", help="print JSON lines")

    kinds = event_kind_names()
    p = command("watch", "print live events until Ctrl-C / SIGTERM, --for, or the live ends",
                epilog=f"event kinds for --events: {', '.join(kinds)}")
    p.add_argument("users", nargs="+", metavar="USER", type=handle,
                   help="one creator, or several: each one's live is watched (with --wait, every live until stopped)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON lines (the default when stdout is not a terminal)")
    out.add_argument("--text", action="store_true", help="readable lines even when stdout is not a terminal")
    p.add_argument("--events", type=event_kinds(kinds), metavar="KINDS",
                   help="comma-separated kinds to show, e.g. comment,gift,like,join,follow (see below)")
    p.add_argument("--for", dest="duration", type=seconds, metavar="SECONDS", help="stop after this long")
    _many_options(p, record=False)

    p = command("record", "record a live stream to a file until Ctrl-C / SIGTERM, --for, or the live ends",
                epilog=f"file endings: {', '.join(RECORD_EXTENSIONS)} (the ending picks the container)")
    p.add_argument("targets", nargs="+", metavar="USER [OUT]",
                   help=f"USER OUT (a file ending in {', '.join(RECORD_EXTENSIONS)}); with --dir, one or more USERs")
    p.add_argument("--for", dest="duration", type=seconds, metavar="SECONDS", help="record this long")
    p.add_argument("--quality", default=None, type=str.upper, choices=[q.name for q in VideoQuality],
                   help="stream quality (default: the best the room offers; the nearest one if it lacks the one asked)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists (refused otherwise)")
    _many_options(p, record=True)

    p = command("users", "list the embedded FakeTikTok's creators (with --fake)")
    p = command("demo", "watch and record a scripted room on an embedded FakeTikTok")
    p.add_argument("--seconds", type=seconds, default=5.0, help="how long to watch and record (default 5)")
    return parser


def _many_options(parser: argparse.ArgumentParser, *, record: bool) -> None:
    """Options of the many-creators form of ``watch`` / ``record``."""
    parser.add_argument("--wait", action="store_true",
                        help="wait for each creator to go live, and again after each live, until stopped")
    parser.add_argument("--interval", type=seconds, default=60.0, metavar="SECONDS",
                        help="seconds one round of live checks of every creator is spread over (default 60)")
    if record:
        parser.add_argument("--dir", metavar="DIR",
                            help="record each creator's lives into DIR/<creator>/<start time>.mp4")
    else:
        sink = parser.add_mutually_exclusive_group()
        sink.add_argument("--jsonl", metavar="FILE", help="also append every event to FILE, one JSON object a line")
        sink.add_argument("--db", metavar="URL",
                          help="also store every event in a database: sqlite:///events.db or postgresql://...")
