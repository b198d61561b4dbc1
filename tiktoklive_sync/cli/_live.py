"""The long-running subcommands of ``tiktoklive-sync``: ``watch``, ``record`` and ``demo``.

Each one stops cleanly on Ctrl-C (SIGINT) and SIGTERM: ``watch`` prints a summary, ``record``
finishes a playable file; both then exit 0. Text output strips terminal control sequences from
what viewers and creators typed; JSON output keeps their text exactly.
"""

from __future__ import annotations

import argparse
import collections
import inspect
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from .._session import Session
from ._text import safe_json, safe_text

__all__ = ["run_watch", "run_record", "run_demo", "event_kind", "kind_of_class", "event_line", "event_json"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def event_kind(event: Any) -> str:
    """Return an event's short kind: ``CommentEvent`` -> ``comment``, ``RoomUserSeqEvent`` -> ``room_user_seq``."""
    return kind_of_class(type(event))


def kind_of_class(cls: type) -> str:
    """Return the short kind of an event class (see :func:`event_kind`)."""
    name = cls.__name__
    name = name[:-5] if name.endswith("Event") else name
    return _CAMEL.sub("_", name).lower()


def _who(user: Any) -> str:
    if user is None or not (user.unique_id or user.nickname):
        return "someone"
    unique_id, nickname = safe_text(user.unique_id), safe_text(user.nickname)
    return f"@{unique_id}" + (f" ({nickname})" if nickname and nickname != unique_id else "")


def event_line(event: Any, creator: str | None = None) -> str:
    """Return one human-readable line for an event (what ``watch`` prints on a terminal).

    ``creator`` (the pool's @handle for the event) is shown after the time when given.
    """
    kind = event_kind(event)
    user = getattr(event, "user", None)
    if kind == "comment":
        text = f"{_who(user)}: {safe_text(event.comment)}"
    elif kind == "gift":
        state = " (streaking)" if event.streaking else ""
        text = f"{_who(user)} sent {safe_text(event.gift_name) or event.gift_id} x{event.repeat_count}{state}"
    elif kind == "like":
        text = f"{_who(user)} liked x{event.count} (room total {event.total})"
    elif kind == "room_user_seq":
        text = f"{event.viewer_count} viewers"
    elif kind == "connect":
        text = f"connected to room {event.room_id} ({event.mode}{', reconnect' if event.reconnect else ''})"
    elif kind == "disconnect":
        text = f"disconnected from room {event.room_id}: {safe_text(event.reason)}" + (
            " (reconnecting)" if event.reconnecting else "")
    elif kind == "live_end":
        text = f"the live of room {event.room_id} ended"
    elif user is not None:
        text = _who(user)
    else:
        text = safe_text(getattr(event, "display_text", "") or repr(event))
    who = f"@{safe_text(creator)} " if creator else ""
    return f"{time.strftime('%H:%M:%S')} {who}{kind:<13} {' '.join(text.split())}"


def event_json(event: Any) -> dict[str, Any]:
    """Return a compact JSON-ready dict for an event (what ``watch --json`` prints, one per line)."""
    data: dict[str, Any] = {"type": event_kind(event), "event": type(event).__name__}
    for name in ("method", "msg_id", "room_id", "create_time"):
        value = getattr(event, name, None)
        if value is not None:
            data[name] = str(value) if name in ("msg_id", "room_id") else value
    user = getattr(event, "user", None)
    if user is not None and hasattr(user, "unique_id"):
        data["user"] = {"id": user.id_str, "unique_id": user.unique_id, "nickname": user.nickname}
    fields = {
        "comment": ("comment",),
        "gift": ("gift_id", "gift_name", "repeat_count", "repeat_end", "streaking", "diamond_count", "group_id"),
        "like": ("count", "total"),
        "room_user_seq": ("viewer_count", "total_user"),
        "join": ("member_count",),
        "connect": ("unique_id", "mode", "reconnect"),
        "disconnect": ("reason", "code", "reconnecting"),
    }.get(data["type"], ())
    for name in fields:
        value = getattr(event, name)
        data[name] = str(value) if name == "group_id" else value
    return data


def _say(stream: TextIO, text: str, end: str = "\n") -> None:
    """Write one line of the command's output and flush it (output is often piped)."""
    stream.write(text + end)
    stream.flush()


def run_watch(session: Session, args: argparse.Namespace, *, out: TextIO) -> int:
    """Print a room's events until Ctrl-C, ``--for`` seconds, or the end of the live; returns 0."""
    from ..live.client import LiveClient

    as_json = args.json or (not args.text and not out.isatty())
    wanted = args.events
    counts: collections.Counter[str] = collections.Counter()
    started = time.monotonic()
    client = LiveClient(args.user, session=session)
    timer = _stop_after(client, args.duration)
    try:
        for event in client.events():
            kind = event_kind(event)
            counts[kind] += 1
            if wanted is not None and kind not in wanted:
                continue
            _say(out, safe_json(event_json(event)) if as_json else event_line(event))
    except KeyboardInterrupt:
        pass
    finally:
        client.stop()
        client.close()
        if timer is not None:
            timer.cancel()
    elapsed = time.monotonic() - started
    detail = ", ".join(f"{k} {n}" for k, n in counts.most_common()) or "none"
    _say(sys.stderr, f"watched @{args.user} for {elapsed:.1f} s: {sum(counts.values())} events ({detail})")
    return 0


def _stop_after(client: Any, seconds: float | None) -> threading.Timer | None:
    if seconds is None:
        return None
    timer = threading.Timer(seconds, client.stop)
    timer.daemon = True
    timer.start()
    return timer


def _progress_line(recording: Any) -> str:
    p = recording.progress
    rate = f"{p.bitrate:.0f} kbit/s" if p.bitrate else "- kbit/s"
    return f"recording {p.seconds:6.1f} s  {p.bytes / 1e6:7.2f} MB  {rate}"


def run_record(session: Session, args: argparse.Namespace, *, out: TextIO) -> int:
    """Record a user's live to ``args.output`` until Ctrl-C / SIGTERM, ``--for`` or the live's end.

    Returns:
        0 when a playable file was saved (also after Ctrl-C / SIGTERM), 1 when none could be.
    """
    from ..errors import UserOfflineError
    from ..models import VideoQuality
    from ..recording import record_stream
    from ..routes import fetch_room_info

    info = fetch_room_info(session, unique_id=args.user)
    if not info.is_live:
        raise UserOfflineError(f"@{args.user} is not live right now")
    extra: dict[str, Any] = {}
    if args.overwrite and "overwrite" in inspect.signature(record_stream).parameters:
        extra["overwrite"] = True
    recording = record_stream(session, args.output, info, record_for=args.duration,
                              quality=VideoQuality[args.quality] if args.quality else None, **extra)
    tty = sys.stderr.isatty()
    try:
        while not recording.wait(timeout=1.0 if tty else 5.0):
            _say(sys.stderr, ("\r" if tty else "") + _progress_line(recording), end="" if tty else "\n")
    except KeyboardInterrupt:
        _say(sys.stderr, ("\n" if tty else "") + "stopping: finishing the file...")
    finally:
        recording.stop()
    if tty:
        _say(sys.stderr, "")
    return _report_recording(recording, out)


def _report_recording(recording: Any, out: TextIO) -> int:
    path = Path(recording.output_path)
    if recording.error is not None:
        _say(sys.stderr, f"tiktoklive-sync: {' '.join(safe_text(recording.error).split())}")
    if not path.exists() or path.stat().st_size == 0:
        tail = " ".join(safe_text(recording.stderr_tail).split())[-300:]
        _say(sys.stderr, f"tiktoklive-sync: the recording failed (ffmpeg exit {recording.returncode}): {tail}")
        return 1
    _say(out, f"saved {path} ({path.stat().st_size / 1e6:.2f} MB, {recording.progress.seconds:.1f} s recorded)")
    return 0


def run_demo(args: argparse.Namespace, *, out: TextIO) -> int:
    """Start an embedded FakeTikTok, watch its scripted room, record it, print the file's facts."""
    from ..live.client import LiveClient
    from ..models import VideoQuality
    from ..recording import record_stream
    from ..recording._ffmpeg import probe
    from ..routes import fetch_room_info
    from ..testing.demo import DEMO_USER, start_demo_fake

    seconds = float(args.seconds)
    _say(out, f"Starting FakeTikTok (a loopback TikTok) with a scripted live room @{DEMO_USER}...")
    with start_demo_fake() as fake, fake.session() as session:
        info = fetch_room_info(session, unique_id=DEMO_USER)
        _say(out, f"room {info.id}: {safe_text(info.title)!r} by @{info.owner.unique_id}, {info.user_count} viewers")
        target = Path(tempfile.mkdtemp(prefix="tiktoklive-demo-")) / "demo.mp4"
        recording = record_stream(session, target, info, record_for=seconds, quality=VideoQuality.HD)
        _say(out, f"Recording {seconds:g} s to {target} while watching the live events:")
        client = LiveClient(DEMO_USER, session=session)
        timer = _stop_after(client, seconds)
        interrupted = False
        try:
            for event in client.events():
                _say(out, "  " + event_line(event))
        except KeyboardInterrupt:  # Ctrl-C / SIGTERM: finish the file and show it anyway
            interrupted = True
        finally:
            client.stop()
            client.close()
            if timer is not None:
                timer.cancel()
            if not interrupted:
                recording.wait(timeout=seconds + 30)
            recording.stop()
    if _report_recording(recording, out):
        return 1
    facts = probe(recording.output_path)
    _say(out, f"  container  {facts.container}")
    _say(out, f"  duration   {facts.duration:.2f} s")
    _say(out, f"  video      {facts.video or 'none'}")
    _say(out, f"  audio      {facts.audio or 'none'}")
    return 0
