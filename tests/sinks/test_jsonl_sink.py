"""JsonlSink: one flushed JSON line per record, rotation by size and by day; open_sink's choices."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import sinks, testing
from tiktoklive_sync.sinks import JsonlSink, SqlSink, open_sink


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_record_is_one_line_with_its_creator_flushed_at_once(tmp_path, make_events, decode):
    path = tmp_path / "out" / "events.jsonl"  # the folder is made
    comment = make_events(1)[0]
    [streak] = tls.GiftStreaks().feed(decode(testing.gift("Rose", user="bob", repeat_count=2)))
    sink = JsonlSink(path)
    sink("someone", comment)
    sink("other", streak)
    sink("someone", tls.ConnectEvent(unique_id="someone", room_id=1, mode="direct"))
    assert [record["creator"] for record in lines(path)] == ["someone", "other", "someone"]  # before close()
    first, second, third = lines(path)
    assert {k: v for k, v in first.items() if k != "creator"} == comment.to_dict()
    assert second["type"] == "GiftStreak" and second["count"] == 2 and third["mode"] == "direct"
    sink.close()
    sink.close()
    with pytest.raises(tls.SinkError, match="closed"):
        sink("someone", comment)


def test_an_existing_file_is_appended_to(tmp_path, make_events):
    path = tmp_path / "events.jsonl"
    for event in make_events(2):
        with JsonlSink(path) as sink:
            sink("someone", event)
    assert len(lines(path)) == 2


def test_rotation_by_size_moves_full_files_aside_and_loses_no_line(tmp_path, make_events):
    path = tmp_path / "events.jsonl"
    events = make_events(40)
    with JsonlSink(path, rotate_bytes=2_000) as sink:
        for event in events:
            sink("someone", event)
    assert len(sink.rotated) >= 3
    for moved in sink.rotated:
        assert moved.parent == tmp_path and moved.name.startswith("events.") and moved.suffix == ".jsonl"
        assert moved.stat().st_size >= 2_000
    files = [*sink.rotated, path]
    assert len(set(files)) == len(files)
    written = [record["msg_id"] for file in files for record in lines(file)]
    assert written == [event.msg_id for event in events]


def test_rotation_by_day_names_the_old_file_after_its_day(tmp_path, make_events, monkeypatch):
    path = tmp_path / "events.jsonl"
    first, second = make_events(2)
    sink = JsonlSink(path, rotate_daily=True)
    sink("someone", first)
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    today = dt.datetime.now(dt.timezone.utc).date()
    monkeypatch.setattr(sinks.jsonl, "_today", lambda: tomorrow)  # the clock passes midnight (UTC)
    sink("someone", second)
    sink.close()
    [moved] = sink.rotated
    assert moved.name == f"events.{today:%Y%m%d}.jsonl"
    assert [r["msg_id"] for r in lines(moved)] == [first.msg_id]
    assert [r["msg_id"] for r in lines(path)] == [second.msg_id]


def test_a_path_that_cannot_be_written_is_an_error_at_construction(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(tls.SinkError, match="cannot open"):
        JsonlSink(tmp_path / "taken")


def test_wrong_arguments(tmp_path):
    with pytest.raises(ValueError, match="rotate_bytes"):
        JsonlSink(tmp_path / "e.jsonl", rotate_bytes=0)
    with JsonlSink(tmp_path / "e.jsonl") as sink, pytest.raises(TypeError):
        sink("someone", "a comment")


def test_open_sink_picks_the_sink_a_string_names(tmp_path):
    with open_sink(f"jsonl://{tmp_path / 'a.jsonl'}") as a, open_sink(tmp_path / "b.jsonl") as b:
        assert isinstance(a, JsonlSink) and a.path == tmp_path / "a.jsonl" and isinstance(b, JsonlSink)
    with open_sink(f"sqlite:///{tmp_path / 'c.db'}", batch_size=10) as c:
        assert isinstance(c, SqlSink) and c.batch_size == 10
    with pytest.raises(ValueError, match="names no sink"):
        open_sink(tmp_path / "events.txt")
    with pytest.raises(ValueError, match="needs a path"):
        open_sink("jsonl://")


def test_open_sink_with_a_postgresql_url(postgres_database):
    with open_sink(postgres_database) as sink:
        assert isinstance(sink, SqlSink) and sink.engine.dialect.name == "postgresql"
