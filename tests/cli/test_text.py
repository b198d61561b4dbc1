"""What viewers and creators type reaches the screen without its terminal control bytes; --json keeps
their text exactly; connect/disconnect records keep mode, reason and reconnecting."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from tiktoklive_sync.cli._text import safe_json, safe_text
from tiktoklive_sync.testing import builders

from .conftest import KeptDemoFake

Run = Callable[..., tuple[int, str, str]]

HOSTILE_COMMENT = "hi \x1b[31mred\x1b[0m \x1b]0;owned\x07 \x9b2J\x07bell\x00\x7f \x1bc reset"
HOSTILE_NICK = "\x1b[1mBold\x1b[0m\x08\x08Mallory"
HOSTILE_TITLE = "\x1b]2;new window title\x1b\\Title\x1b[2J\x1b[H \x90dcs\x9c end"
# a raw control byte anywhere in printed text, or an ESC sequence
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile_room(cli_fake: KeptDemoFake) -> str:
    """A live room whose title, host nickname, a comment and its author carry terminal escapes."""
    cli_fake.add_room("mallory", live=True, title=HOSTILE_TITLE, nickname=HOSTILE_NICK)
    author = builders.make_user("viewer_x", nickname=HOSTILE_NICK)
    cli_fake.push("mallory", builders.chat(HOSTILE_COMMENT, author), builders.gift("Rose\x1b[5m", author))
    cli_fake.end_live("mallory")
    return "mallory"


def test_safe_text_drops_sequences_and_controls_and_keeps_the_words() -> None:
    assert safe_text(HOSTILE_COMMENT) == "hi red  bell  reset"
    assert safe_text(HOSTILE_NICK) == "BoldMallory"
    assert safe_text(HOSTILE_TITLE) == "Title  end"
    assert safe_text("Chloé ✨ Дмитрий 👋\ttab\nline") == "Chloé ✨ Дмитрий 👋\ttab\nline"
    assert safe_text(None) == ""


def test_safe_json_round_trips_exactly_with_no_raw_control_byte() -> None:
    data = {"comment": HOSTILE_COMMENT, "nick": HOSTILE_NICK + "\x85\x9f", "plain": "Chloé ✨"}
    dumped = safe_json(data)
    assert not CONTROL.search(dumped)
    assert json.loads(dumped) == data


def test_watch_text_strips_control_bytes(run_cli: Run, hostile_room: str) -> None:
    code, out, err = run_cli("--fake", "watch", hostile_room, "--text")
    assert code == 0, err
    assert not CONTROL.search(out) and not CONTROL.search(err)
    comment = next(line for line in out.splitlines() if " comment " in line)
    assert comment.endswith("@viewer_x (BoldMallory): hi red bell reset")
    gift = next(line for line in out.splitlines() if " gift " in line)
    assert "sent Rose x1" in gift


def test_watch_json_keeps_the_text_exactly(run_cli: Run, hostile_room: str) -> None:
    code, out, err = run_cli("--fake", "watch", hostile_room, "--json")
    assert code == 0, err
    assert not CONTROL.search(out)
    records = [json.loads(line) for line in out.splitlines()]
    comment = next(r for r in records if r["type"] == "comment")
    assert comment["comment"] == HOSTILE_COMMENT
    assert comment["user"]["nickname"] == HOSTILE_NICK
    assert next(r for r in records if r["type"] == "gift")["gift_name"] == "Rose\x1b[5m"


def test_watch_json_connect_and_disconnect_keep_mode_reason_reconnecting(run_cli: Run, hostile_room: str) -> None:
    code, out, err = run_cli("--fake", "watch", hostile_room, "--json", "--events", "connect,disconnect,live_end")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["type"] for r in records] == ["connect", "live_end", "disconnect"]
    connect, _, disconnect = records
    assert connect["mode"] in ("direct", "sign") and connect["reconnect"] is False
    assert connect["unique_id"] == hostile_room
    assert disconnect["reason"] and disconnect["reconnecting"] is False and "code" in disconnect


def test_room_info_text_strips_and_json_keeps(run_cli: Run, hostile_room: str) -> None:
    code, out, err = run_cli("--fake", "room-info", hostile_room)
    assert code == 0, err
    assert not CONTROL.search(out)
    assert "Title end" in out and "BoldMallory" in out
    code, out, _ = run_cli("--fake", "room-info", hostile_room, "--json")
    assert not CONTROL.search(out)
    assert json.loads(out)["title"] == HOSTILE_TITLE
