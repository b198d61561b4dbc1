"""Sinks: where events and gift streaks are kept. A sink is a handler ``sink(unique_id, item)``.

* :class:`JsonlSink` ``(path, *, rotate_bytes=None, rotate_daily=False)``: one JSON line per record.
* :class:`SqlSink` ``(url, *, batch_size=1000, flush_interval=1.0)``: SQLite or PostgreSQL through
  SQLAlchemy Core (the ``[sql]`` extra), batched on a background thread.
* :func:`open_sink` ``(url_or_path)``: the right one for a string (for configuration files).

Every sink has ``flush()``, ``close()`` and is a context manager. ``item`` is any event (its
``to_dict()`` is stored) or a :class:`~tiktoklive_sync.GiftStreak`.

Example::

    import tiktoklive_sync as tls
    from tiktoklive_sync.sinks import open_sink

    with open_sink("sqlite:///events.db") as sink:
        for event in tls.LiveClient("someone").events():
            sink("someone", event)
"""

from __future__ import annotations

import os
from typing import Any

from .jsonl import JsonlSink
from .sql import SqlSink

__all__ = ["JsonlSink", "SqlSink", "open_sink"]

_SQL_SCHEMES = ("sqlite:", "sqlite+pysqlite:", "postgresql:", "postgres:", "postgresql+psycopg:")


def open_sink(url_or_path: str | os.PathLike[str], **options: Any) -> JsonlSink | SqlSink:
    """Open the sink a string names.

    ``sqlite:///events.db`` / ``postgresql://...`` give a :class:`SqlSink`; ``jsonl://path`` or a
    path ending in ``.jsonl`` give a :class:`JsonlSink`. ``options`` go to the sink's constructor.

    Returns:
        The open sink.

    Raises:
        ValueError: the string names no kind of sink.
        SinkError: the sink cannot open its file or database.
    """
    text = os.fspath(url_or_path)
    lowered = text.lower()
    if lowered.startswith(_SQL_SCHEMES):
        return SqlSink(text, **options)
    if lowered.startswith("jsonl://"):
        path = text[len("jsonl://"):]
        if not path:
            raise ValueError("jsonl:// needs a path, e.g. jsonl://events.jsonl or jsonl:///var/log/events.jsonl")
        return JsonlSink(path, **options)
    if lowered.endswith(".jsonl"):
        return JsonlSink(text, **options)
    raise ValueError(
        f"{text!r} names no sink: use sqlite:///events.db, postgresql://user@host/db, "
        "jsonl://events.jsonl or a path ending in .jsonl"
    )
