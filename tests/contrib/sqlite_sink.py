"""A minimal SQLite sink for the fleet tests, used only when tiktoklive_sync.sinks is not installed.

Same contract as the library's sinks: called with (unique_id, event); flush() commits; close().
Table ``events`` with UNIQUE(room_id, msg_id): a twice-delivered event is one row.
"""

from __future__ import annotations

import sqlite3
from typing import Any


class SqliteSink:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS events (room_id INTEGER NOT NULL, msg_id INTEGER NOT NULL, "
            "unique_id TEXT, method TEXT, UNIQUE(room_id, msg_id))"
        )
        self.db.commit()

    def __call__(self, unique_id: str, event: Any) -> None:
        self.db.execute("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
                        (event.room_id, event.msg_id, unique_id, event.method))

    def flush(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def open_sqlite_sink(url: str) -> SqliteSink:
    return SqliteSink(url.removeprefix("sqlite:///"))
