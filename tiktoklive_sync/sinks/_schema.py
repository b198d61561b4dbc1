"""The SQL side of the sinks: opening a database from a URL, the two tables, rows, and the insert.

SQLAlchemy is imported here only, when a SqlSink is made, so ``import tiktoklive_sync`` works
without the ``[sql]`` extra.

Tables (created if missing)::

    events         id, creator, room_id, msg_id, type, created_at, user_id, unique_id, data
                   UNIQUE (room_id, msg_id)
    gift_streaks   id, creator, room_id, group_id, msg_id, user_id, unique_id, nickname, gift_id,
                   gift_name, count, diamond_count, value, completed, started_at, ended_at
                   UNIQUE (room_id, msg_id)
    client_events  id, creator, room_id, type, created_at, data

``data`` is the event's ``to_dict()`` (JSON; JSONB on PostgreSQL). Events without a msg_id (the
client's own ConnectEvent / DisconnectEvent; TikTok's messages all have one) cannot be
de-duplicated, so they go to ``client_events``, one row each: every ``events`` row has its msg_id.
A streak's msg_id is that of the last message it counts.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import time
from typing import Any

from ..errors import SinkError

__all__ = [
    "INSTALL_HINT", "Tables", "client_event_row", "event_row", "insert_ignoring_duplicates", "open_engine",
    "refusal_errors", "first_line", "streak_row",
]

#: a \u0000 escape in JSON text (not one whose backslash is itself escaped)
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")

INSTALL_HINT = 'SqlSink needs SQLAlchemy 2 (and psycopg for PostgreSQL): pip install "tiktoklive-sync[sql]"'


def _sqlalchemy() -> Any:
    try:
        import sqlalchemy
    except ImportError as exc:
        raise SinkError(INSTALL_HINT) from exc
    if int(sqlalchemy.__version__.split(".")[0]) < 2:
        raise SinkError(f"SQLAlchemy {sqlalchemy.__version__} is too old. {INSTALL_HINT}")
    return sqlalchemy


def normalise_url(url: str) -> str:
    """Return ``url`` with plain ``postgresql://`` / ``postgres://`` mapped to the psycopg 3 driver.

    Raises:
        SinkError: not a sqlite or postgresql URL.
    """
    if not isinstance(url, str) or "://" not in url:
        raise SinkError(f"{url!r} is not a database URL; use sqlite:///events.db or postgresql://user@host/db")
    scheme, rest = url.split("://", 1)
    scheme = scheme.lower()
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return "postgresql+psycopg://" + rest
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return url
    raise SinkError(f"SqlSink speaks sqlite:/// and postgresql:// URLs, not {scheme}://")


def open_engine(url: str, connect_timeout: float) -> Any:
    """Create an engine for ``url`` and prove it works by connecting once.

    Returns:
        A SQLAlchemy ``Engine``.

    Raises:
        SinkError: SQLAlchemy or the driver is missing, the URL is invalid, or the database cannot
            be reached / opened (the message names the database and says what to check).
    """
    sa = _sqlalchemy()
    target = normalise_url(url)
    options: dict[str, Any] = {"json_serializer": _json_text}
    if target.startswith("sqlite"):
        path = target.split("://", 1)[1].lstrip("/")
        options["connect_args"] = {"check_same_thread": False, "timeout": connect_timeout}
        if not path or path == ":memory:" or "mode=memory" in path:
            options["poolclass"] = sa.pool.StaticPool  # one shared connection: one in-memory database
    else:
        options["connect_args"] = {"connect_timeout": max(1, int(connect_timeout))}
        options["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(target, **options)
    except ImportError as exc:
        raise SinkError(f"no driver for {target.split('://')[0]}: {exc}. {INSTALL_HINT}") from exc
    except Exception as exc:
        raise SinkError(f"invalid database URL {_safe(url)}: {exc}") from exc
    if target.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        raise SinkError(
            f"cannot open the database {_safe(url)}: {first_line(exc)}. Check the URL, that the server "
            "runs and accepts connections from here, and the credentials (for SQLite: that the folder exists "
            "and is writable)"
        ) from exc
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer thread
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _safe(url: str) -> str:
    """The URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
    return url


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Tables:
    """The ``events``, ``gift_streaks`` and ``client_events`` tables on one SQLAlchemy ``MetaData``."""

    def __init__(self) -> None:
        sa = _sqlalchemy()
        from sqlalchemy.dialects.postgresql import JSONB

        big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only
        data = sa.JSON().with_variant(JSONB(), "postgresql")
        when = sa.DateTime(timezone=True)
        self.metadata = sa.MetaData()
        self.events = sa.Table(
            "events", self.metadata,
            sa.Column("id", big_id, primary_key=True, autoincrement=True),
            sa.Column("creator", sa.Text),
            sa.Column("room_id", sa.BigInteger),
            sa.Column("msg_id", sa.BigInteger),
            sa.Column("type", sa.Text, nullable=False),
            sa.Column("created_at", when),
            sa.Column("user_id", sa.BigInteger),
            sa.Column("unique_id", sa.Text),
            sa.Column("data", data, nullable=False),
            sa.UniqueConstraint("room_id", "msg_id", name="events_room_msg_key"),
            sa.Index("events_creator_created_at", "creator", "created_at"),
        )
        self.gift_streaks = sa.Table(
            "gift_streaks", self.metadata,
            sa.Column("id", big_id, primary_key=True, autoincrement=True),
            sa.Column("creator", sa.Text),
            sa.Column("room_id", sa.BigInteger),
            sa.Column("group_id", sa.BigInteger),
            sa.Column("msg_id", sa.BigInteger),
            sa.Column("user_id", sa.BigInteger),
            sa.Column("unique_id", sa.Text),
            sa.Column("nickname", sa.Text),
            sa.Column("gift_id", sa.BigInteger),
            sa.Column("gift_name", sa.Text),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("diamond_count", sa.Integer, nullable=False),
            sa.Column("value", sa.BigInteger, nullable=False),
            sa.Column("completed", sa.Boolean, nullable=False),
            sa.Column("started_at", when),
            sa.Column("ended_at", when),
            sa.UniqueConstraint("room_id", "msg_id", name="gift_streaks_room_msg_key"),
            sa.Index("gift_streaks_creator_room", "creator", "room_id"),
        )
        self.client_events = sa.Table(
            "client_events", self.metadata,
            sa.Column("id", big_id, primary_key=True, autoincrement=True),
            sa.Column("creator", sa.Text),
            sa.Column("room_id", sa.BigInteger),
            sa.Column("type", sa.Text, nullable=False),
            sa.Column("created_at", when),
            sa.Column("data", data, nullable=False),
            sa.Index("client_events_creator_created_at", "creator", "created_at"),
        )

    def create(self, engine: Any, attempts: int = 5) -> None:
        """Create the tables (and their keys) that do not exist yet.

        Several processes opening one database at once (workers of a fleet) race between "does the
        table exist?" and "CREATE TABLE"; the loser sees "already exists" and simply looks again.

        Raises:
            sqlalchemy.exc.DatabaseError: the database refused for another reason, or kept racing.
        """
        from sqlalchemy.exc import DatabaseError

        for attempt in range(attempts):
            try:
                self.metadata.create_all(engine)
                return
            except DatabaseError as exc:
                if "already exists" not in str(exc).lower() or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))


def _json_text(value: Any) -> str:
    """JSON for the ``data`` column; a NUL character (which PostgreSQL refuses in text and JSONB)
    becomes U+FFFD."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _JSON_NUL.sub("\\1\\\\ufffd", text) if "\\u0000" in text else text


def _text(value: str | None) -> str | None:
    """A text column's value, NUL characters replaced by U+FFFD (PostgreSQL refuses them)."""
    return value.replace("\x00", "\ufffd") if value and "\x00" in value else value


def _utc(moment: _dt.datetime | None) -> _dt.datetime | None:
    return moment.astimezone(_dt.timezone.utc) if moment is not None else None


def event_row(creator: str | None, event: Any) -> dict[str, Any]:
    """Return the ``events`` row of one event (``msg_id`` None: it belongs in ``client_events``)."""
    data = event.to_dict()
    return {
        "creator": _text(creator),
        "room_id": data["room_id"],
        "msg_id": data["msg_id"] or None,
        "type": data["type"],
        "created_at": _utc(event.created_at),
        "user_id": data.get("user_id"),
        "unique_id": _text(data.get("unique_id")),
        "data": data,
    }


def client_event_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return the ``client_events`` row for an ``events`` row that has no msg_id."""
    return {key: row[key] for key in ("creator", "room_id", "type", "created_at", "data")}


def streak_row(creator: str | None, streak: Any) -> dict[str, Any]:
    """Return the ``gift_streaks`` row of one GiftStreak."""
    return {
        "creator": _text(creator), "room_id": streak.room_id, "group_id": streak.group_id or None,
        "msg_id": streak.msg_id, "user_id": streak.user_id or None, "unique_id": _text(streak.unique_id),
        "nickname": _text(streak.nickname), "gift_id": streak.gift_id, "gift_name": _text(streak.gift_name),
        "count": streak.count, "diamond_count": streak.diamond_count, "value": streak.value,
        "completed": streak.completed, "started_at": _utc(streak.started_at), "ended_at": _utc(streak.ended_at),
    }


def refusal_errors() -> tuple[type[BaseException], ...]:
    """The errors by which a database refuses the data itself (not the connection): retrying the
    same rows cannot help."""
    sa = _sqlalchemy()
    return (sa.exc.DataError, sa.exc.IntegrityError)


def insert_ignoring_duplicates(connection: Any, table: Any, rows: list[dict[str, Any]], *,
                               keyed: bool = True) -> None:
    """INSERT ``rows`` into ``table``; with ``keyed``, a row whose (room_id, msg_id) is already
    there is skipped (``ON CONFLICT DO NOTHING`` on both databases)."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        _insert_sqlite(connection, table.name, rows, keyed)
        return
    from sqlalchemy.dialects import postgresql

    statement = postgresql.insert(table)
    if keyed:
        statement = statement.on_conflict_do_nothing(index_elements=["room_id", "msg_id"])
    connection.execute(statement, rows)


def _insert_sqlite(connection: Any, table: str, rows: list[dict[str, Any]], keyed: bool) -> None:
    """The same INSERT through the driver directly: SQLAlchemy's per-value processing costs more than
    SQLite's own work. Values are stored as SQLAlchemy stores them (UTC times as text, JSON as text)."""
    columns = list(rows[0])
    sql = (f'INSERT INTO {table} ({", ".join(f"{chr(34)}{name}{chr(34)}" for name in columns)}) '
           f'VALUES ({", ".join("?" * len(columns))})')
    if keyed:
        sql += " ON CONFLICT (room_id, msg_id) DO NOTHING"
    values = [tuple(_sqlite_value(row[name]) for name in columns) for row in rows]
    connection.exec_driver_sql(sql, values)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dict):
        return _json_text(value)
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # UTC (see _utc), the text SQLAlchemy reads back
    return value
