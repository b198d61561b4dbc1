"""SqlSink on SQLite and on a real PostgreSQL server: rows, the unique key, batching, failures."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
import sys
import time
from pathlib import Path

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.sinks import SqlSink

WAIT = 15.0  # generous bound for what normally takes milliseconds
README = Path(__file__).resolve().parents[2] / "README.md"


def wait_until(predicate, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return predicate()
        time.sleep(0.02)
    return True


def count(query, url: str, table: str = "events") -> int:
    return query(url, f"SELECT COUNT(*) FROM {table}")[0][0]


def streak(decode, user: str, gift: str, coins: int, count: int, room: int, *, group: int) -> tls.GiftStreak:
    [record] = tls.GiftStreaks().feed(decode(testing.gift(
        gift, user=user, diamond_count=coins, repeat_count=count, repeat_end=True, group_id=group, room_id=room)))
    return record


def test_events_become_rows_with_their_columns_and_json(db_url, query, decode, room):
    comment = decode(testing.chat("hello", user="alice", room_id=room))
    gift = decode(testing.gift("Rose", user="bob", repeat_count=3, room_id=room))
    with SqlSink(db_url) as sink:
        sink("someone", comment)
        sink("someone", gift)
    columns = "creator, room_id, msg_id, type, user_id, unique_id, created_at"
    rows = query(db_url, f"SELECT {columns} FROM events ORDER BY id")
    assert [row[:6] for row in rows] == [
        ("someone", room, comment.msg_id, "CommentEvent", comment.user.id, "alice"),
        ("someone", room, gift.msg_id, "GiftEvent", gift.user.id, "bob"),
    ]
    stored = rows[0][6]  # SQLite hands back the stored text, PostgreSQL a timestamptz
    stored = dt.datetime.fromisoformat(stored) if isinstance(stored, str) else stored.astimezone(dt.timezone.utc)
    assert stored.replace(tzinfo=None) == comment.created_at.replace(tzinfo=None)
    if db_url.startswith("sqlite"):
        text = query(db_url, "SELECT json_extract(data, '$.comment'), data FROM events WHERE type = 'CommentEvent'")
    else:
        text = query(db_url, "SELECT data->>'comment', data::text FROM events WHERE type = 'CommentEvent'")
    assert text[0][0] == "hello" and json.loads(text[0][1]) == comment.to_dict()


def test_an_event_written_twice_is_one_row(db_url, query, make_events):
    events = make_events(20)
    with SqlSink(db_url) as sink:
        for event in events + events[:5]:  # twice within one batch
            sink("someone", event)
    with SqlSink(db_url) as again:  # and again from another sink, as a second worker would
        for event in events[10:] + make_events(3):
            again("someone", event)
    assert count(query, db_url) == 23
    ids = query(db_url, "SELECT msg_id FROM events ORDER BY id")
    assert [row[0] for row in ids][:20] == [event.msg_id for event in events]


def test_events_without_a_msg_id_go_to_client_events_each_its_own_row(db_url, query, room, make_events):
    with SqlSink(db_url) as sink:
        sink("someone", tls.ConnectEvent(unique_id="someone", room_id=room, mode="direct"))
        sink("someone", make_events(1)[0])
        sink("someone", tls.DisconnectEvent(room_id=room, reason="stale socket", reconnecting=True))
        sink("someone", tls.ConnectEvent(unique_id="someone", room_id=room, mode="direct", reconnect=True))
    rows = query(db_url, "SELECT creator, type, room_id FROM client_events ORDER BY id")
    assert rows == [("someone", "ConnectEvent", room), ("someone", "DisconnectEvent", room),
                    ("someone", "ConnectEvent", room)]
    assert query(db_url, "SELECT type FROM events") == [("CommentEvent",)]  # every events row has a msg_id
    reason = "json_extract(data, '$.reason')" if db_url.startswith("sqlite") else "data->>'reason'"
    reasons = query(db_url, f"SELECT {reason} FROM client_events WHERE type = 'DisconnectEvent'")
    assert reasons == [("stale socket",)]


def test_gift_streaks_get_their_table_once_each(db_url, query, decode, room):
    record = streak(decode, "bob", "Rose", 1, 5, room, group=1)
    with SqlSink(db_url) as sink:
        sink("someone", record)
        sink("someone", record)
    rows = query(db_url, 'SELECT creator, room_id, unique_id, gift_name, "count", value, completed FROM gift_streaks')
    assert rows == [("someone", room, "bob", "Rose", 5, 5, True)]


def _top_gifters_sql() -> str:
    """The README's query for the top gifters of a creator's last live."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```sql\n(-- top gifters of the last live.*?)```", text, re.S)
    assert match, "README has no ```sql block starting with '-- top gifters of the last live'"
    return match.group(1)


def test_the_readmes_top_gifters_query_answers_for_the_last_live(db_url, query, decode):
    earlier, last = 7_300_000_000_000_000_001, 7_300_000_000_000_000_002
    an_hour_ago = int(time.time() * 1000) - 3_600_000
    with SqlSink(db_url) as sink:
        sink("someone", decode(testing.chat("first live", room_id=earlier, create_time=an_hour_ago)))
        sink("someone", streak(decode, "whale", "Lion", 29_999, 3, earlier, group=1))  # not in the last live
        sink("someone", decode(testing.chat("last live", room_id=last)))
        sink("someone", streak(decode, "alice", "Rose", 1, 30, last, group=2))
        sink("someone", streak(decode, "bob", "Galaxy", 1000, 1, last, group=3))
        sink("someone", streak(decode, "alice", "Rose", 1, 12, last, group=4))
        sink("other", decode(testing.chat("another creator", room_id=last + 1)))
    rows = query(db_url, _top_gifters_sql())
    assert [(row[0], int(row[2]), int(row[3])) for row in rows] == [("bob", 1, 1000), ("alice", 42, 42)]


def test_ten_thousand_events_all_arrive(db_url, query, make_events):
    events = make_events(10_000)
    with SqlSink(db_url, batch_size=1000) as sink:
        for event in events:
            sink("someone", event)
    assert count(query, db_url) == 10_000 and sink.written == 10_000


def test_records_wait_for_a_batch_or_the_interval_and_close_writes_the_rest(sqlite_url, query, make_events):
    sink = SqlSink(sqlite_url, batch_size=10, flush_interval=60)
    for event in make_events(25):
        sink("someone", event)
    assert wait_until(lambda: sink.written == 20)  # two full batches go at once
    assert sink.pending == 5 and count(query, sqlite_url) == 20  # the rest waits for the interval
    sink.close()
    assert count(query, sqlite_url) == 25 and sink.pending == 0


def test_flush_writes_what_is_queued_now(sqlite_url, query, make_events):
    with SqlSink(sqlite_url, batch_size=10_000, flush_interval=60) as sink:
        for event in make_events(7):
            sink("someone", event)
        sink.flush()
        assert count(query, sqlite_url) == 7


def test_a_queued_record_is_written_within_the_flush_interval(sqlite_url, query, make_events):
    with SqlSink(sqlite_url, batch_size=10_000, flush_interval=0.2) as sink:
        sink("someone", make_events(1)[0])
        assert wait_until(lambda: count(query, sqlite_url) == 1)
        for event in make_events(4):
            sink("someone", event)
        assert wait_until(lambda: count(query, sqlite_url) == 5)  # no flush(), no close()


def _lock(path: str) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_failed_write_is_logged_and_retried_until_it_succeeds(sqlite_url, query, make_events, caplog):
    caplog.set_level(logging.WARNING, logger="tiktoklive_sync")
    sink = SqlSink(sqlite_url, flush_interval=0.05, connect_timeout=0.1)
    holder = _lock(sqlite_url.split("///", 1)[1])
    try:
        for event in make_events(30):
            sink("someone", event)
        assert wait_until(lambda: "retrying" in caplog.text and sink.last_error is not None)
        assert sink.pending == 30  # kept, not dropped
        with pytest.raises(tls.SinkError, match="30 records not written"):
            sink.flush(timeout=0.3)
    finally:
        holder.execute("COMMIT")
        holder.close()
    sink.flush()
    sink.close()
    assert count(query, sqlite_url) == 30
    assert "locked" in caplog.text


def test_close_says_how_many_records_could_not_be_written(sqlite_url, make_events):
    sink = SqlSink(sqlite_url, flush_interval=0.05, connect_timeout=0.1)
    holder = _lock(sqlite_url.split("///", 1)[1])
    try:
        for event in make_events(4):
            sink("someone", event)
        with pytest.raises(tls.SinkError, match="4 records could not be written"):
            sink.close(timeout=0.5)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with pytest.raises(tls.SinkError, match="closed"):
        sink("someone", make_events(1)[0])


def test_an_unreachable_postgresql_server_is_an_error_at_construction():
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(tls.SinkError, match=r"cannot open the database .*127\.0\.0\.1.*Check the URL"):
        SqlSink(f"postgresql://tls:secret@127.0.0.1:{port}/events", connect_timeout=2)
    try:
        SqlSink(f"postgresql://tls:secret@127.0.0.1:{port}/events", connect_timeout=2)
    except tls.SinkError as exc:
        assert "secret" not in str(exc)


def test_a_wrong_database_name_on_a_running_server_is_an_error_at_construction(postgres_url):
    with pytest.raises(tls.SinkError, match="does not exist"):
        SqlSink(postgres_url.rsplit("/", 1)[0] + "/no_such_database")


@pytest.mark.parametrize("url, message", [
    ("mysql://u@localhost/db", "speaks sqlite"),
    ("events.db", "not a database URL"),
    ("sqlite:////no/such/folder/events.db", "folder exists"),
])
def test_bad_urls_are_sink_errors_at_construction(url, message):
    with pytest.raises(tls.SinkError, match=message):
        SqlSink(url)


def test_without_sqlalchemy_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)  # as if the [sql] extra were not installed
    with pytest.raises(tls.SinkError, match=r'pip install "tiktoklive-sync\[sql\]"'):
        SqlSink("sqlite://")


def test_wrong_arguments_and_items(sqlite_url):
    with pytest.raises(ValueError, match="batch_size"):
        SqlSink(sqlite_url, batch_size=0)
    with pytest.raises(ValueError, match="flush_interval"):
        SqlSink(sqlite_url, flush_interval=0)
    with SqlSink(sqlite_url) as sink, pytest.raises(TypeError, match="not dict"):
        sink("someone", {"type": "CommentEvent"})


def test_an_in_memory_database_is_shared_with_the_writer_thread(make_events):
    import sqlalchemy as sa

    sink = SqlSink("sqlite://")
    for event in make_events(3):
        sink("someone", event)
    sink.flush()
    with sink.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(sink.tables.events)).scalar() == 3
    sink.close()


def test_end_to_end_a_live_client_into_sql(fake_tiktok, sqlite_url, query):
    fake_tiktok.add_room("someone")
    room_id = fake_tiktok.room("someone").room_id
    ids = fake_tiktok.push("someone", *[testing.chat(f"c{n}", user="amy") for n in range(50)])
    ids += fake_tiktok.push("someone", *[testing.gift("Rose", user="bob", repeat_count=n, repeat_end=False, group_id=5)
                                         for n in range(1, 6)])
    ids.append(fake_tiktok.end_live(room_id))
    streaks = tls.GiftStreaks()
    with SqlSink(sqlite_url) as sink, tls.LiveClient("someone", session=fake_tiktok.session(),
                                                     poll_interval=0.05) as client:
        for event in client.events():
            sink("someone", event)
            for record in streaks.feed(event):
                sink("someone", record)
    stored = query(sqlite_url, "SELECT msg_id FROM events ORDER BY id")
    assert [row[0] for row in stored] == ids
    lifecycle = query(sqlite_url, "SELECT type FROM client_events ORDER BY id")
    assert lifecycle == [("ConnectEvent",), ("DisconnectEvent",)]
    assert query(sqlite_url, 'SELECT unique_id, "count", completed FROM gift_streaks') == [("bob", 5, 0)]


def test_two_clients_on_one_room_and_a_dropped_connection_leave_each_message_once(fake_tiktok, db_url, query):
    import threading

    fake_tiktok.add_room("someone")
    room_id = fake_tiktok.room("someone").room_id
    ids = fake_tiktok.push("someone", *[testing.chat(f"c{n}", user="amy") for n in range(40)])
    with SqlSink(db_url, flush_interval=0.1) as sink:
        clients = [tls.LiveClient("someone", session=fake_tiktok.session(), poll_interval=0.05,
                                  backoff_initial=0.02, backoff_max=0.2) for _ in range(2)]

        def watch(client: tls.LiveClient) -> None:
            for event in client.events():
                sink("someone", event)

        threads = [threading.Thread(target=watch, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        assert wait_until(lambda: all(client.stats.connections for client in clients))
        fake_tiktok.drop_connections()  # both reconnect and resume
        ids += fake_tiktok.push("someone", *[testing.chat(f"d{n}", user="bob") for n in range(40)])
        ids.append(fake_tiktok.end_live(room_id))
        for thread in threads:
            thread.join(WAIT)
        for client in clients:
            client.close()
    assert all(client.stats.connections >= 2 and client.stats.events > len(ids) for client in clients)
    stored = query(db_url, "SELECT msg_id FROM events")
    assert sorted(row[0] for row in stored) == sorted(ids)  # none lost, none twice


def test_the_package_imports_without_sqlalchemy_and_says_what_to_install():
    import subprocess

    code = (
        "import sys; sys.modules['sqlalchemy'] = None\n"
        "import tiktoklive_sync as tls\n"
        "from tiktoklive_sync.sinks import JsonlSink, SqlSink, open_sink\n"
        "try:\n    open_sink('sqlite://')\nexcept tls.SinkError as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=README.parent, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert 'pip install "tiktoklive-sync[sql]"' in done.stdout


def test_a_sink_left_open_is_written_out_when_the_interpreter_exits(sqlite_url, query):
    import subprocess

    code = (
        "import sys, tiktoklive_sync as tls\n"
        "from tiktoklive_sync import testing\n"
        "from tiktoklive_sync.sinks import SqlSink\n"
        "sink = SqlSink(sys.argv[1], batch_size=10_000, flush_interval=60)\n"
        "for n in range(100):\n"
        "    message = testing.chat(f'c{n}')\n"
        "    sink('someone', tls.decode_message(message.method, message.payload))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, sqlite_url], cwd=README.parent, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert count(query, sqlite_url) == 100


def test_nul_characters_which_postgresql_refuses_are_stored_as_replacement_characters(db_url, query, decode, room):
    comment = decode(testing.chat("a\x00b", user=testing.make_user("nul\x00user", nickname="x\x00"), room_id=room))
    with SqlSink(db_url) as sink:
        sink("some\x00one", comment)
    assert sink.rejected == 0
    rows = query(db_url, "SELECT creator, unique_id FROM events")
    assert rows == [("some\ufffdone", "nul\ufffduser")]
    text = "json_extract(data, '$.comment')" if db_url.startswith("sqlite") else "data->>'comment'"
    assert query(db_url, f"SELECT {text} FROM events") == [("a\ufffdb",)]


def test_a_record_the_database_refuses_is_logged_and_set_aside_the_rest_stored(db_url, query, make_events, caplog):
    caplog.set_level(logging.ERROR, logger="tiktoklive_sync")
    events = make_events(10)
    poison = events[3].user.unique_id
    with SqlSink(db_url, batch_size=10_000, flush_interval=60) as sink:  # creates the tables
        if db_url.startswith("sqlite"):
            trigger = (f"CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.unique_id = '{poison}' "
                       "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END")
            with sink.engine.begin() as connection:
                connection.exec_driver_sql(trigger)
        else:
            with sink.engine.begin() as connection:
                connection.exec_driver_sql(f"ALTER TABLE events ADD CONSTRAINT refuse CHECK (unique_id <> '{poison}')")
        for event in events:
            sink("someone", event)
    refused = [e for e in events if e.user.unique_id == poison]
    assert sink.rejected == len(refused) and sink.pending == 0
    assert count(query, db_url) == 10 - len(refused)
    assert "refused a record" in caplog.text and str(refused[0].msg_id) in caplog.text
