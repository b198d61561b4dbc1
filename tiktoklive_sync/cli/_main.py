"""The ``tiktoklive-sync`` command (also ``python -m tiktoklive_sync``).

Subcommands: ``is-live``, ``room-id``, ``room-info``, ``gifts``, ``watch``, ``record``, ``users``,
``demo``. Errors print one line saying what went wrong and what to do and exit 1 (2 for usage errors,
found before any request); retries and tracebacks only with ``-v``. SIGTERM does what Ctrl-C does.
The session id is read from ``$TIKTOKLIVE_SESSION_ID`` only (with ``$TIKTOKLIVE_TT_TARGET_IDC``),
never from an argument, so it cannot land in shell history; the sign API key is read from
``$TIKTOKLIVE_SIGN_API_KEY`` first.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import requests

from .._session import Session
from ..errors import InvalidFetchIsLiveRequest, InvalidFetchRoomInfoPayload, TikTokLiveError
from ..models import GiftList, RoomInfo
from ._args import UsageError
from ._errors import describe
from ._parser import FAKE_CREATORS, build_parser
from ._signals import exit_code_for_interrupt, stop_on_signals
from ._text import safe_json, safe_text

__all__ = ["main", "build_parser"]

log = logging.getLogger("tiktoklive_sync")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
SIGN_KEY_ENV, OLD_SIGN_KEY_ENV = "TIKTOKLIVE_SIGN_API_KEY", "SIGN_API_KEY"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Returns:
        0 ok (also when Ctrl-C or SIGTERM stopped ``watch`` / ``record`` and they finished cleanly),
        1 a failure (one line on stderr), 2 a usage error, 130 / 143 another command cut short by
        SIGINT / SIGTERM.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    with _logging_to_stderr(args.verbose), stop_on_signals():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        args.sign_api_key = _sign_api_key(args.sign_api_key)
        return _dispatch(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return exit_code_for_interrupt()
    except ModuleNotFoundError as exc:
        if exc.name not in ("websockets", "flask", "werkzeug"):
            raise
        _err("the demo and --fake need FakeTikTok's extra packages: pip install 'tiktoklive-sync[demo]'")
        return EXIT_ERROR
    except UsageError as exc:
        _err(f"{safe_text(exc)} (see tiktoklive-sync {args.command} --help)")
        return EXIT_USAGE
    except (TikTokLiveError, ValueError, requests.RequestException, OSError) as exc:
        if args.verbose:
            log.exception("command failed")
        _err(describe(exc, proxy=args.proxy, timeout=args.timeout, verbose=bool(args.verbose)))
        return EXIT_USAGE if _is_argument_error(exc) else EXIT_ERROR


def _is_argument_error(exc: BaseException) -> bool:
    """A ValueError from the library about an argument the user gave (not a bad answer from TikTok)."""
    if isinstance(exc, (json.JSONDecodeError, requests.RequestException)):
        return False
    return isinstance(exc, ValueError) and (not isinstance(exc, TikTokLiveError) or
                                            isinstance(exc, (InvalidFetchRoomInfoPayload, InvalidFetchIsLiveRequest)))


def _sign_api_key(flag: str | None) -> str | None:
    """The sign API key: ``$TIKTOKLIVE_SIGN_API_KEY`` first, then ``--sign-api-key`` (with a warning), then
    the old ``$SIGN_API_KEY``."""
    env = os.environ.get(SIGN_KEY_ENV)
    if flag is not None:
        if env:
            _err(f"warning: --sign-api-key is ignored: ${SIGN_KEY_ENV} is set and is used instead")
        else:
            _err(f"warning: a key given with --sign-api-key is visible to other users of this machine (ps); "
                 f"set ${SIGN_KEY_ENV} instead")
    return env or flag or os.environ.get(OLD_SIGN_KEY_ENV) or None


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from ._live import run_demo

        return run_demo(args, out=sys.stdout)
    if args.command == "users":
        return _users(args, sys.stdout)
    if args.command in ("watch", "record"):
        _check_live_args(args)
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
        if args.many:
            from ._many import run_many

            return run_many(session, args, args.users, record=args.command == "record", out=sys.stdout)
        from ._live import run_record, run_watch

        if args.command == "watch":
            return run_watch(session, args, out=sys.stdout)
        return run_record(session, args, out=sys.stdout)


def _check_live_args(args: argparse.Namespace) -> None:
    """Sort out ``watch`` / ``record``'s creators and files before any request (sets ``args.many``).

    Raises:
        UsageError: a bad handle or file, ``record`` without OUT or ``--dir``, ``--wait`` without ``--dir``.
    """
    from ._args import handle, output_file

    if args.command == "watch":
        args.many = len(args.users) > 1 or args.wait or bool(args.jsonl or args.db)
        args.user = args.users[0]
        return
    if args.dir:
        try:
            args.users = [handle(t) for t in args.targets]
        except argparse.ArgumentTypeError as exc:
            raise UsageError(str(exc)) from None
        if Path(args.dir).exists() and not Path(args.dir).is_dir():
            raise UsageError(f"--dir {args.dir!r} is a file, not a directory")
        args.many = True
        return
    if args.wait:
        raise UsageError("--wait records every live into a directory: add --dir DIR")
    if len(args.targets) != 2:
        raise UsageError("record takes USER OUT for one creator, or USER... --dir DIR for several")
    try:
        args.user = handle(args.targets[0])
    except argparse.ArgumentTypeError as exc:
        raise UsageError(str(exc)) from None
    args.output = output_file(args.targets[1], overwrite=args.overwrite)
    args.users, args.many = [args.user], False


def _users(args: argparse.Namespace, out: TextIO) -> int:
    """List the embedded fake's creators (``--fake users``)."""
    if not args.fake:
        raise UsageError("users lists the creators of the embedded FakeTikTok: run tiktoklive-sync --fake users")
    for name, what in FAKE_CREATORS:
        print(f"{name}\t{what}", file=out)
    return EXIT_OK


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
        if getattr(args, "many", False):  # polling many creators: one budget, so TikTok's WAF stays calm
            from ..pool import DEFAULT_POOL_RATE

            kwargs["max_requests_per_second"] = DEFAULT_POOL_RATE
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
        print(safe_json(dict(info.raw), indent=2), file=out)
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
        print(f"{name:<10} {' '.join(safe_text(value).split())}", file=out)


def _print_gifts(gifts: GiftList, *, as_json: bool, out: TextIO) -> None:
    for gift in gifts:
        if as_json:
            print(safe_json({"id": gift.id, "name": gift.name, "diamond_count": gift.diamond_count,
                             "type": gift.type, "image": gift.image.url}), file=out)
        else:
            print(f"{gift.id:>8}  {gift.diamond_count:>6} coins  {' '.join(safe_text(gift.name).split())}", file=out)


class _QuietFilter(logging.Filter):
    """Without ``-v``: only the recorder's warnings about what it records (a quality fallback) pass.

    Retry and reconnect chatter stays out; the command's own one-line error says what failed.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING and record.module == "_recording"


@contextlib.contextmanager
def _logging_to_stderr(verbosity: int) -> Iterator[None]:
    """Send the library's log to stderr while the command runs (filtered without ``-v``)."""
    logger = logging.getLogger("tiktoklive_sync")
    handler = logging.StreamHandler(sys.stderr)
    level = logger.level
    if verbosity:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
    else:
        handler.setFormatter(logging.Formatter("tiktoklive-sync: warning: %(message)s"))
        handler.addFilter(_QuietFilter())
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _err(message: str) -> None:
    print(f"tiktoklive-sync: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
