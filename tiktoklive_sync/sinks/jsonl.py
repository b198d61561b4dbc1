"""JsonlSink: one JSON line per event or gift streak, appended to a file, rotated by size or day.

Example::

    from tiktoklive_sync.sinks import JsonlSink

    with JsonlSink("events.jsonl", rotate_bytes=100_000_000) as sink:
        for event in client.events():
            sink("someone", event)     # {"creator": "someone", "type": "CommentEvent", ...}
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..errors import SinkError
from ..events import Event
from ..streaks import GiftStreak

__all__ = ["JsonlSink"]


def _today() -> _dt.date:
    return _dt.datetime.now(_dt.timezone.utc).date()


class JsonlSink:
    """A handler ``sink(unique_id, event_or_streak)`` that appends one JSON line per record.

    Each line is the record's ``to_dict()`` with a ``creator`` field (``unique_id``) first; the
    file is flushed after every line, so a crash loses nothing written. Rotation moves the file
    aside as ``<name>.<UTC timestamp>.jsonl`` (``events.20260102T030405Z.jsonl``) and starts a new one.

    Args:
        path: the file (its folder is created if missing; an existing file is appended to).
        rotate_bytes: rotate once the file holds this many bytes (None: never by size).
        rotate_daily: rotate when the UTC day changes (the moved file is named after its day).

    Raises:
        SinkError: the file cannot be opened for writing.
        ValueError: ``rotate_bytes`` is not a positive int.

    Attributes:
        path: the file written now.
        rotated: the paths of the files moved aside so far, oldest first.
    """

    def __init__(self, path: str | os.PathLike[str], *, rotate_bytes: int | None = None,
                 rotate_daily: bool = False) -> None:
        if rotate_bytes is not None and (isinstance(rotate_bytes, bool) or not isinstance(rotate_bytes, int)
                                         or rotate_bytes < 1):
            raise ValueError(f"rotate_bytes must be a positive int or None, not {rotate_bytes!r}")
        self.path = Path(path)
        self.rotate_bytes = rotate_bytes
        self.rotate_daily = bool(rotate_daily)
        self.rotated: list[Path] = []
        self.written = 0
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._size = 0
        self._day = _today()
        self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 (kept open)
        except OSError as exc:
            raise SinkError(f"cannot open {self.path} for writing: {exc.strerror or exc}; "
                            "check that the folder exists and is writable") from exc
        self._size = self._file.tell()
        if self._size:
            self._day = _dt.datetime.fromtimestamp(self.path.stat().st_mtime, _dt.timezone.utc).date()
        else:
            self._day = _today()

    def __call__(self, unique_id: str | None, item: Event | GiftStreak) -> None:
        """Append one event or GiftStreak of creator ``unique_id`` as a JSON line (flushed).

        Raises:
            SinkError: the sink is closed, or the file cannot be written (disk full, ...).
            TypeError: ``item`` is neither an event nor a GiftStreak.
        """
        if not isinstance(item, (Event, GiftStreak)):
            raise TypeError(f"a sink takes events and GiftStreak records, not {type(item).__name__}")
        record: dict[str, Any] = {"creator": unique_id}
        record.update(item.to_dict())
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            if self._file is None:
                raise SinkError(f"this JsonlSink ({self.path}) is closed; make a new one to write more")
            if self.rotate_daily and _today() != self._day and self._size:
                self._rotate(self._day.strftime("%Y%m%d"))
            try:
                self._file.write(line)
                self._file.flush()
            except OSError as exc:
                raise SinkError(f"cannot write to {self.path}: {exc.strerror or exc}") from exc
            self._size += len(line.encode("utf-8")) if not line.isascii() else len(line)
            self.written += 1
            if self.rotate_bytes is not None and self._size >= self.rotate_bytes:
                self._rotate(_dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ"))

    def _rotate(self, stamp: str) -> None:
        assert self._file is not None
        self._file.close()
        stem, suffix = self.path.stem, self.path.suffix or ".jsonl"
        target = self.path.with_name(f"{stem}.{stamp}{suffix}")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{stem}.{stamp}-{number}{suffix}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            self._file = None
            raise SinkError(f"cannot rotate {self.path} to {target.name}: {exc.strerror or exc}") from exc
        self.rotated.append(target)
        self._open()

    def flush(self) -> None:
        """Nothing to do: every line is flushed as it is written (here for the sink interface)."""
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self) -> None:
        """Close the file. Safe to call twice."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> JsonlSink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"JsonlSink({str(self.path)!r}, written={self.written})"
