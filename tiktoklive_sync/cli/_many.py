"""``watch`` and ``record`` for several creators: a LivePool until Ctrl-C / SIGTERM / ``--for``.

``watch A B C --wait`` watches every live of each creator (waiting for the next one after each end)
until stopped; without ``--wait`` it watches the lives going on now and ends when they have all
ended (creators not live are named and skipped). ``--jsonl FILE`` / ``--db URL`` also store every
event (and completed gift streaks) in a sink. ``record A B --dir DIR [--wait]`` records each live
into ``DIR/<creator>/<start time>.mp4``. Lifecycle notes go to stderr; on a terminal a status line
there says who is live.
"""

from __future__ import annotations

import argparse
import collections
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from .. import events as ev
from .._session import Session
from ..models import LiveState, VideoQuality
from ._errors import describe
from ._live import event_json, event_kind, event_line
from ._signals import signals_call
from ._text import safe_json

__all__ = ["run_many", "ManyOutput"]

#: seconds between looks at the pool's status (notes, the status line, creators to let go)
_TICK = 0.5


class ManyOutput:
    """Everything the many-creators commands print, with a status line kept at the bottom of a terminal."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err
        self.status_line = err.isatty()
        self._shown = False
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        """Print one line of output (stdout)."""
        with self._lock:
            self._clear()
            self.out.write(text + "\n")
            self.out.flush()

    def note(self, text: str, *, prefix: bool = True) -> None:
        """Print one note (stderr)."""
        with self._lock:
            self._clear()
            self.err.write(("tiktoklive-sync: " if prefix else "") + text + "\n")
            self.err.flush()

    def status(self, text: str) -> None:
        """Redraw the status line (only on a terminal)."""
        if not self.status_line:
            return
        with self._lock:
            self.err.write("\r\x1b[K" + text)
            self.err.flush()
            self._shown = True

    def _clear(self) -> None:
        if self._shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._shown = False


class _Run:
    """One run of the pool: counts, notes, and the rules for letting creators go without --wait."""

    def __init__(self, pool: Any, args: argparse.Namespace, output: ManyOutput, *, record: bool) -> None:
        self.pool, self.args, self.output, self.record = pool, args, output, record
        self.as_json = not record and (args.json or (not args.text and not output.out.isatty()))
        self.wanted: frozenset[str] | None = None if record else args.events
        self.counts: collections.Counter[str] = collections.Counter()
        self.lives = 0
        self.watched: set[str] = set()
        self.recordings: dict[Path, str] = {}
        self._errors_told: dict[str, str] = {}
        self._transport_told = ""
        self.transport_errors: list[BaseException] = []
        self.fatal: str | None = None
        self.finished = threading.Event()

    # on the pool's consumer thread (the main thread)
    def on_event(self, unique_id: str, event: Any) -> None:
        kind = event_kind(event)
        self.counts[kind] += 1
        if isinstance(event, ev.ConnectEvent) and not event.reconnect:
            self.lives += 1
            self.watched.add(unique_id)
            self._tell_live(unique_id, event.room_id)
        elif isinstance(event, ev.LiveEndEvent):
            self.output.note(f"@{unique_id}'s live ended" + ("; waiting for the next one" if self.args.wait else ""))
        if self.record or (self.wanted is not None and kind not in self.wanted):
            return
        if self.as_json:
            self.output.line(safe_json({"creator": unique_id, **event_json(event)}))
        else:
            self.output.line(event_line(event, unique_id))

    def _tell_live(self, unique_id: str, room_id: int) -> None:
        status = self.pool.status().get(unique_id)
        path = status.recording_path if status is not None else None
        if path is not None:
            self.recordings[Path(path)] = unique_id
            self.output.note(f"@{unique_id} is live (room {room_id}): recording to {path}")
        else:
            self.output.note(f"@{unique_id} is live (room {room_id}): watching")

    # on the monitor thread
    def monitor(self) -> None:
        while not self.finished.wait(_TICK):
            statuses = self.pool.status()
            for uid, st in statuses.items():
                self._tell_error(uid, st)
                if st.recording_path is not None:
                    self.recordings.setdefault(Path(st.recording_path), uid)
                if not self.args.wait and self._done_with(st):
                    self._let_go(uid, st)
            self._tell_transport(statuses)
            if not self.args.wait and not self.pool.unique_ids and not self.pool.stopping:
                self.pool.stop()
            self.output.status(self._status_text(statuses))

    def _tell_transport(self, statuses: dict[str, Any]) -> None:
        """Say once what a failing network does; without --wait, nothing checked yet makes it fatal."""
        if not self.transport_errors:
            return
        text = describe(self.transport_errors[-1], proxy=self.args.proxy, timeout=self.args.timeout)
        if text == self._transport_told:
            return
        self._transport_told = text
        if not self.args.wait and all(st.state is None for st in statuses.values()):
            self.fatal = text
            self.pool.stop()
        else:
            self.output.note(text + " (still trying)")

    def _tell_error(self, uid: str, st: Any) -> None:
        if st.last_error is None:
            return
        text = describe(st.last_error, proxy=self.args.proxy, timeout=self.args.timeout)
        if self._errors_told.get(uid) != text:
            self._errors_told[uid] = text
            self.output.note(f"@{uid}: {text}")

    @staticmethod
    def _done_with(st: Any) -> bool:
        """Without --wait: a creator found not live at the first check, or whose watched live is over."""
        if st.watching or st.state is None:
            return False
        return st.lives_seen > 0 or st.state is not LiveState.LIVE

    def _let_go(self, uid: str, st: Any) -> None:
        try:
            self.pool.remove(uid)
        except ValueError:  # already gone
            return
        if st.lives_seen == 0 and uid not in self._errors_told:
            state = st.state.value.replace("_", " ") if st.state is not None else "unknown"
            self.output.note(f"@{uid} is not live ({state}); skipped (--wait waits for them)")

    def _status_text(self, statuses: dict[str, Any]) -> str:
        live = [uid for uid, st in statuses.items() if st.watching]
        waiting = len(statuses) - len(live)
        shown = ", ".join(f"@{uid}" for uid in live[:3]) + (" ..." if len(live) > 3 else "")
        return (f"{len(live)} live{' (' + shown + ')' if live else ''}, {waiting} waiting; "
                f"{sum(self.counts.values())} events")


def run_many(session: Session, args: argparse.Namespace, users: list[str], *, record: bool,
             out: TextIO) -> int:
    """Watch (or record) every live of ``users`` until stopped; see the module docstring.

    Returns:
        0 once stopped (Ctrl-C, SIGTERM, ``--for``) or, without ``--wait``, once every live being
        watched has ended; 1 if no creator was live to watch (without ``--wait``) or a recording failed.
    Raises:
        ValueError: repeated creators (from LivePool).
        SinkError: the ``--jsonl`` file or ``--db`` database cannot be opened.
    """
    from ..pool import LivePool
    from ..streaks import GiftStreak

    sink = None if record else _open_sink(args)
    output = ManyOutput(out, sys.stderr)
    failures: list[BaseException] = []
    _watch_transport(session, failures)
    try:
        pool = LivePool(users, session=session, check_interval=args.interval,
                        record_dir=args.dir if record else None,
                        record_quality=VideoQuality[args.quality] if record and args.quality else None)
        run = _Run(pool, args, output, record=record)
        run.transport_errors = failures
        pool.add_handler(ev.Event, run.on_event)
        if sink is not None:
            wanted = args.events
            pool.add_handler(ev.Event, _filtered(sink, wanted))
            if wanted is None or "gift" in wanted:
                pool.add_handler(GiftStreak, sink)
        started = time.monotonic()
        monitor = threading.Thread(target=run.monitor, name="tiktoklive-cli-status", daemon=True)
        timer = threading.Timer(args.duration, pool.stop) if args.duration else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        monitor.start()
        if output.status_line:
            what = "recording" if record else "watching"
            output.note(f"{what} {len(users)} creator{'s' if len(users) > 1 else ''}"
                        + (" (waiting for each to go live; Ctrl-C to stop)" if args.wait else ""))
        try:
            with signals_call(pool.stop):
                pool.run()
        finally:
            run.finished.set()
            monitor.join(timeout=5)
            if timer is not None:
                timer.cancel()
            output.status("")
    finally:
        if sink is not None:
            sink.close()
    return _summary(run, users, time.monotonic() - started, output)


def _watch_transport(session: Session, failures: list[BaseException]) -> None:
    """Keep every transport failure (no network, DNS, proxy, time-out) of ``session``'s requests.

    The pool's poller backs off and tries again on its own; the command still has to say, once, that
    the network is failing.
    """
    import requests

    send = session.request

    def request(*args: Any, **kwargs: Any) -> Any:
        try:
            return send(*args, **kwargs)
        except requests.RequestException as exc:
            if not isinstance(exc, requests.HTTPError):
                failures.append(exc)
                del failures[:-1]
            raise

    session.request = request  # type: ignore[method-assign]


def _filtered(sink: Any, wanted: frozenset[str] | None) -> Any:
    if wanted is None:
        return sink

    def store(unique_id: str, event: Any) -> None:
        if event_kind(event) in wanted:
            sink(unique_id, event)

    return store


def _open_sink(args: argparse.Namespace) -> Any:
    """The ``--jsonl`` / ``--db`` sink, opened now so a bad path or database fails before any request."""
    if args.jsonl:
        from ..sinks import JsonlSink

        return JsonlSink(args.jsonl)
    if args.db:
        from ..sinks import SqlSink

        return SqlSink(args.db)
    return None


def _summary(run: _Run, users: list[str], elapsed: float, output: ManyOutput) -> int:
    if run.fatal is not None:
        output.note(run.fatal)
        return 1
    code = 0
    for path, uid in sorted(run.recordings.items()):
        if path.exists() and path.stat().st_size > 0:
            output.line(f"saved {path} (@{uid}, {path.stat().st_size / 1e6:.2f} MB)")
        else:
            output.note(f"the recording {path} of @{uid} could not be finished")
            code = 1
    detail = ", ".join(f"{k} {n}" for k, n in run.counts.most_common()) or "none"
    total = sum(run.counts.values())
    verb = "recorded" if run.record else "watched"
    output.note(f"{verb} {len(users)} creator{'s' if len(users) > 1 else ''} for {elapsed:.1f} s: "
                f"{run.lives} live{'s' if run.lives != 1 else ''}, {total} events ({detail})", prefix=False)
    if not run.args.wait and not run.watched:
        output.note("none of them was live (--wait waits for them)")
        return 1
    return code
