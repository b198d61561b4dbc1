"""The tiktoklive-sync command against the embedded FakeTikTok (``--fake``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.cli._main import main
from tiktoklive_sync.testing.demo import AGE_GATED_USER, DEMO_ROOM_ID, DEMO_USER, OFFLINE_USER


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--fake", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_is_live_one_line_per_user_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "is-live", DEMO_USER)
    assert code == 0 and out.splitlines() == [f"{DEMO_USER}\tlive\t{DEMO_ROOM_ID}"]
    code, out, _ = run(capsys, "is-live", DEMO_USER, OFFLINE_USER, "nobody_at_all")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 3
    assert lines[0].startswith(f"{DEMO_USER}\tlive") and lines[1].startswith(f"{OFFLINE_USER}\toffline")
    assert lines[2] == "nobody_at_all\tnot found"


def test_room_id_room_info_and_gifts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "room-id", "@" + DEMO_USER)
    assert code == 0 and out.strip() == str(DEMO_ROOM_ID)
    code, out, _ = run(capsys, "room-info", DEMO_USER)
    assert code == 0 and f"@{DEMO_USER}" in out and "live" in out
    code, out, _ = run(capsys, "room-info", DEMO_USER, "--json")
    assert code == 0 and tls.RoomInfo.from_json(json.loads(out)).id == DEMO_ROOM_ID
    code, out, _ = run(capsys, "gifts", "--json")
    gifts = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and gifts and all({"id", "name", "diamond_count"} <= g.keys() for g in gifts)


def test_errors_are_one_line_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "watch", OFFLINE_USER)
    assert code == 1 and out == ""
    assert err.splitlines() == [f"tiktoklive-sync: @{OFFLINE_USER} is not live right now; try again when they "
                                "are live (`tiktoklive-sync is-live USER` checks)"]
    code, out, err = run(capsys, "record", OFFLINE_USER, "never.mp4")
    assert code == 1 and out == ""
    assert err.startswith(f"tiktoklive-sync: @{OFFLINE_USER} is not live right now; ") and len(err.splitlines()) == 1
    code, out, err = run(capsys, "room-id", "nobody_at_all")
    assert code == 1 and out == ""
    line, = err.splitlines()
    assert "nobody_at_all" in line and "check the spelling of the handle" in line
    assert "(HTTP 200)" not in line and "without the @" not in line and "Body starts" not in line


def test_error_messages_speak_cli_not_python(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "room-info", AGE_GATED_USER)
    line, = err.splitlines()
    assert code == 1 and "$TIKTOKLIVE_SESSION_ID" in line
    assert "set_session" not in line and "()" not in line and "(HTTP 200)" not in line


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["is-live"]) == 2
    assert main(["--version"]) == 0
    assert tls.__version__ in capsys.readouterr().out
    assert run(capsys, "room-id", "  ")[0] == 2


def test_watch_json_lines_for_a_while(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "watch", DEMO_USER, "--json", "--for", "2.5", "--events", "comment,like,gift,join")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and events
    assert {e["type"] for e in events} <= {"comment", "like", "gift", "join"}
    comments = [e for e in events if e["type"] == "comment"]
    assert comments and all(e["comment"] and e["user"]["unique_id"] for e in comments)
    assert all(e["room_id"] == str(DEMO_ROOM_ID) for e in events)
    assert "watched @" in err and "events" in err


@pytest.mark.ffmpeg
def test_demo_prints_events_and_the_recording_facts() -> None:
    proc = subprocess.run([sys.executable, "-m", "tiktoklive_sync", "demo", "--seconds", "3"],
                          capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "comment" in out and "saved " in out
    assert "video      h264" in out and "audio      aac" in out
