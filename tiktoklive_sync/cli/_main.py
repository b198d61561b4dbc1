"""The ``tiktoklive-sync`` command (also ``python -m tiktoklive_sync``).

Subcommands: ``is-live``, ``room-id``, ``room-info``, ``gifts``, ``watch``, ``record``, ``demo``.
Errors print one line saying what went wrong and what to do and exit 1 (2 for usage errors); a
traceback only with ``-v``. The session id is read from ``$TIKTOKLIVE_SESSION_ID`` only (with
``$TIKTOKLIVE_TT_TARGET_IDC``), never from an argument, so it cannot land in shell history.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import requests

from ..__version__ import __version__
from .._session import Session
from ..errors import TikTokLiveError
from ..models import GiftList, RoomInfo, VideoQuality

__all__ = ["main", "build_parser"]

log = logging.getLogger("tiktoklive_sync")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``tiktoklive-sync`` command."""
    parser = argparse.ArgumentParser(
        prog="tiktoklive-sync",
        description="TikTok LIVE from the shell: live checks, room info, gifts, live events, recording.",
        epilog="Login: set $TIKTOKLIVE_SESSION_ID and $TIKTOKLIVE_TT_TARGET_IDC (never pass them as arguments).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr (-vv: debug)")
    parser.add_argument("--sign-api-key", default=os.environ.get("TIKTOKLIVE_SIGN_API_KEY"),
                        help="sign server API key (default: $TIKTOKLIVE_SIGN_API_KEY)")
    parser.add_argument("--proxy", help="proxy URL for every request, e.g. http://user:pw@host:3128")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for an answer (default 15)")
    parser.add_argument("--fake", action="store_true",
                        help="run against an embedded FakeTikTok with scripted rooms (no network)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("is-live", help="is each user live? (exit 0 if all are)")
    p.add_argument("users", nargs="+", metavar="USER")
    p = sub.add_parser("room-id", help="print a user's room id")
    p.add_argument("user", metavar="USER")
    p = sub.add_parser("room-info", help="print a user's room info")
    p.add_argument("user", metavar="USER")
    p.add_argument("--json", action="store_true", help="print TikTok's whole room info as JSON")
    p = sub.add_parser("gifts", help="list the gifts TikTok offers")
    p.add_argument("--json", action="store_true", help="print JSON lines")
    p = sub.add_parser("watch", help="print a live room's events until Ctrl-C or the live ends")
    p.add_argument("user", metavar="USER")
    p.add_argument("--json", action="store_true", help="JSON lines (the default when stdout is not a terminal)")
    p.add_argument("--events", help="comma-separated kinds to show, e.g. comment,gift,like,join,follow")
    p.add_argument("--for", dest="duration", type=float, metavar="SECONDS", help="stop after this long")
    p = sub.add_parser("record", help="record a live stream to a file until Ctrl-C or --for")
    p.add_argument("user", metavar="USER")
    p.add_argument("output", metavar="OUT", help="output file (.mp4, .flv, .mkv, .ts)")
    p.add_argument("--for", dest="duration", type=float, metavar="SECONDS", help="record this long")
    p.add_argument("--quality", default="HD", type=str.upper,
                   choices=[q.name for q in VideoQuality], help="stream quality (default HD)")
    p = sub.add_parser("demo", help="watch and record a scripted room on an embedded FakeTikTok")
    p.add_argument("--seconds", type=float, default=5.0, help="how long to watch and record (default 5)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 error, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    _configure_logging(args.verbose)
    _make_ctrl_c_interrupt()
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except ModuleNotFoundError as exc:
        if exc.name != "websockets":
            raise
        _err("the demo and --fake need FakeTikTok's extra packages: pip install 'tiktoklive-sync[demo]'")
        return EXIT_ERROR
    except (TikTokLiveError, ValueError, requests.RequestException) as exc:
        if args.verbose:
            log.exception("command failed")
        _err(_one_line(exc))
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from ._live import run_demo

        return run_demo(args, out=sys.stdout)
    with _session(args) as session:
        if args.command == "is-live":
            return _is_live(session, args.users, sys.stdout)
        if args.command == "room-id":
            from ..routes import fetch_room_id

            print(fetch_room_id(session, args.user))
            return EXIT_OK
        if args.command == "room-info":
            from ..routes import fetch_room_info

            _print_room(fetch_room_info(session, unique_id=args.user), as_json=args.json, out=sys.stdout)
            return EXIT_OK
        if args.command == "gifts":
            from ..routes import fetch_gift_list

            _print_gifts(fetch_gift_list(session), as_json=args.json, out=sys.stdout)
            return EXIT_OK
        from ._live import run_record, run_watch

        if args.command == "watch":
            return run_watch(session, args, out=sys.stdout)
        return run_record(session, args, out=sys.stdout)


@contextlib.contextmanager
def _session(args: argparse.Namespace) -> Iterator[Session]:
    """Yield a Session built from the global options (against an embedded fake with --fake)."""
    fake = None
    if args.fake:
        from ..testing.demo import start_demo_fake

        fake = start_demo_fake()
    try:
        kwargs: dict[str, Any] = {"sign_api_key": args.sign_api_key, "timeout": (min(5.0, args.timeout), args.timeout)}
        if args.proxy:
            kwargs["proxies"] = {"http": args.proxy, "https": args.proxy}
        session = fake.session(**kwargs) if fake is not None else Session(**kwargs)
        session_id = os.environ.get("TIKTOKLIVE_SESSION_ID")
        if session_id:
            session.set_session(session_id, os.environ.get("TIKTOKLIVE_TT_TARGET_IDC"))
        with session:
            yield session
    finally:
        if fake is not None:
            fake.close()


def _is_live(session: Session, users: Sequence[str], out: TextIO) -> int:
    """One line per user; a single batched check_alive for every user whose room id was found."""
    from ..errors import FailedParseRoomIdError, UserNotFoundError, UserOfflineError
    from ..routes import fetch_is_live_room_ids, fetch_room_id_from_api

    room_ids: dict[str, int | None] = {}
    notes: dict[str, str] = {}
    for user in users:
        try:
            room_ids[user] = fetch_room_id_from_api(session, user)
        except UserNotFoundError:
            room_ids[user], notes[user] = None, "not found"
        except (UserOfflineError, FailedParseRoomIdError):
            room_ids[user], notes[user] = None, "offline"
    known = {u: r for u, r in room_ids.items() if r}
    alive = dict(zip(known, fetch_is_live_room_ids(session, *known.values()), strict=True)) if known else {}
    for user in users:
        state = "live" if alive.get(user) else notes.get(user, "offline")
        room = room_ids.get(user)
        print(f"{user}\t{state}" + (f"\t{room}" if room else ""), file=out)
    return EXIT_OK if all(alive.get(u) for u in users) else EXIT_ERROR


def _print_room(info: RoomInfo, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        print(json.dumps(dict(info.raw), ensure_ascii=False, indent=2), file=out)
        return
    rows = [
        ("room id", info.id_str),
        ("status", f"{info.status} ({'live' if info.is_live else 'not live'})"),
        ("title", info.title),
        ("host", f"@{info.owner.unique_id} ({info.owner.nickname})"),
        ("followers", str(info.owner.follower_count)),
        ("viewers", str(info.user_count)),
        ("qualities", ", ".join(q.name for q in info.stream_urls.qualities) or "-"),
    ]
    for name, value in rows:
        print(f"{name:<10} {value}", file=out)


def _print_gifts(gifts: GiftList, *, as_json: bool, out: TextIO) -> None:
    for gift in gifts:
        if as_json:
            print(json.dumps({"id": gift.id, "name": gift.name, "diamond_count": gift.diamond_count,
                              "type": gift.type, "image": gift.image.url}, ensure_ascii=False), file=out)
        else:
            print(f"{gift.id:>8}  {gift.diamond_count:>6} coins  {gift.name}", file=out)


def _make_ctrl_c_interrupt() -> None:
    """Make SIGINT raise KeyboardInterrupt even if the parent started us with SIGINT ignored.

    A shell starts background jobs (``cmd &``) with SIGINT ignored, and Python then keeps it
    ignored; ``watch`` and ``record`` promise to stop cleanly on Ctrl-C / ``kill -INT``.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _configure_logging(verbosity: int) -> None:
    if verbosity:
        logging.basicConfig(level=logging.DEBUG if verbosity > 1 else logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _err(message: str) -> None:
    print(f"tiktoklive-sync: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
