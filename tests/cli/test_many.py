"""``watch A B C [--wait] [--jsonl FILE | --db URL]`` and ``record A B --dir DIR [--wait]``: a LivePool
behind the command, against a FakeTikTok the test drives while the command runs."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tiktoklive_sync import pool as pool_module
from tiktoklive_sync.models import LiveState
from tiktoklive_sync.testing import builders

from .conftest import KeptDemoFake

Run = Callable[..., tuple[int, str, str]]
#: generous bound for anything a script waits for (a busy 2-core machine)
WAIT = 60.0


class Pools:
    """Every LivePool the command makes during a test (so the test's script can watch and stop it)."""

    def __init__(self) -> None:
        self.made: list[Any] = []

    def wait(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Wait until ``predicate(status())`` of the command's pool holds; returns that status."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.made:
                status = self.made[0].status()
                if predicate(status):
                    return status
            time.sleep(0.05)
        raise AssertionError("the command's pool never got there")

    def stop(self) -> None:
        for made in self.made:
            made.stop()


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Pools:
    seen = Pools()
    real = pool_module.LivePool

    class SeenPool(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seen.made.append(self)

    monkeypatch.setattr(pool_module, "LivePool", SeenPool)
    return seen


@pytest.fixture
def script(pools: Pools) -> Iterator[Callable[[Callable[[], None]], None]]:
    """Run a function on a thread while the command runs; the pool is stopped when it returns (or fails)."""
    threads: list[threading.Thread] = []
    failures: list[BaseException] = []

    def start(body: Callable[[], None]) -> None:
        def guarded() -> None:
            try:
                body()
            except BaseException as exc:  # reported by the test, after the command returned
                failures.append(exc)
            finally:
                pools.stop()

        thread = threading.Thread(target=guarded, daemon=True)
        threads.append(thread)
        thread.start()

    yield start
    for thread in threads:
        thread.join(timeout=WAIT)
    if failures:
        raise failures[0]


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_an_offline_creator_who_goes_live_is_watched_and_each_gets_only_their_own_events(
    run_cli: Run, cli_fake: KeptDemoFake, pools: Pools, script: Callable[[Callable[[], None]], None]
) -> None:
    now = cli_fake.add_room("now_live", live=True).room_id
    later = cli_fake.add_room("goes_later", live=False).room_id

    def body() -> None:
        pools.wait(lambda s: s["now_live"].watching and s["goes_later"].state is LiveState.OFFLINE)
        cli_fake.push(now, builders.chat("from now", "fan_a"))
        cli_fake.set_live("goes_later", True)
        pools.wait(lambda s: s["goes_later"].watching)
        cli_fake.push(later, builders.chat("from later", "fan_b"))
        pools.wait(lambda s: s["goes_later"].events_seen >= 2 and s["now_live"].events_seen >= 2)

    script(body)
    code, out, err = run_cli("--fake", "watch", "now_live", "goes_later", "--wait", "--interval", "0.2",
                             "--json", "--for", "120")
    assert code == 0, err
    comments = [r for r in json_lines(out) if r["type"] == "comment"]
    assert {(r["creator"], r["comment"], r["room_id"]) for r in comments} == {
        ("now_live", "from now", str(now)), ("goes_later", "from later", str(later))}
    assert "@now_live is live" in err and "@goes_later is live" in err
    assert "watched 2 creators for " in err and "2 lives" in err


def test_live_end_waiting_and_a_second_live_with_a_new_room_id_into_jsonl(
    run_cli: Run, cli_fake: KeptDemoFake, pools: Pools, script: Callable[[Callable[[], None]], None],
    tmp_path: Path,
) -> None:
    first = cli_fake.add_room("twice", room_id=7_000_000_000_000_000_101, live=True).room_id
    second = 7_000_000_000_000_000_202

    def body() -> None:
        pools.wait(lambda s: s["twice"].watching)
        cli_fake.push(first, builders.chat("first live", "fan"))
        cli_fake.end_live(first)
        pools.wait(lambda s: not s["twice"].watching and s["twice"].lives_seen == 1)
        cli_fake.add_room("twice", room_id=second, live=True)
        cli_fake.push(second, builders.chat("second live", "fan"))
        pools.wait(lambda s: s["twice"].lives_seen == 2 and s["twice"].events_seen >= 5)

    script(body)
    events = tmp_path / "events.jsonl"
    code, out, err = run_cli("--fake", "watch", "twice", "--wait", "--interval", "0.2", "--jsonl", str(events),
                             "--text", "--for", "120")
    assert code == 0, err
    records = json_lines(events.read_text(encoding="utf-8"))
    comments = [(r["comment"], r["room_id"]) for r in records if "comment" in r]
    assert comments == [("first live", first), ("second live", second)]
    assert "@twice's live ended; waiting for the next one" in err and "2 lives" in err
    assert sum(" comment " in line for line in out.splitlines()) == 2


def test_without_wait_offline_creators_are_skipped_and_the_command_ends_with_the_lives(
    run_cli: Run, cli_fake: KeptDemoFake, pools: Pools, script: Callable[[Callable[[], None]], None],
    tmp_path: Path,
) -> None:
    solo = cli_fake.add_room("solo", live=True).room_id
    cli_fake.add_room("asleep", live=False)
    ended = threading.Event()

    def body() -> None:
        pools.wait(lambda s: s["solo"].watching)
        cli_fake.push(solo, builders.chat("one", "fan"), builders.chat("two", "fan"))
        cli_fake.end_live(solo)
        ended.set()
        pools.wait(lambda s: not s)  # the command lets both go, then stops by itself

    script(body)
    db = tmp_path / "events.db"
    code, out, err = run_cli("--fake", "watch", "solo", "asleep", "--db", f"sqlite:///{db}", "--json",
                             "--interval", "0.2", "--for", "120")
    assert code == 0, err and ended.is_set()
    assert "@asleep is not live (offline); skipped" in err
    assert [r["comment"] for r in json_lines(out) if r["type"] == "comment"] == ["one", "two"]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select creator, room_id, json_extract(data, '$.comment') from events "
                            "where type = 'CommentEvent' order by id").fetchall()
    assert rows == [("solo", solo, "one"), ("solo", solo, "two")]


def test_without_wait_nobody_live_is_exit_1(run_cli: Run, cli_fake: KeptDemoFake) -> None:
    cli_fake.add_room("asleep", live=False)
    code, out, err = run_cli("--fake", "watch", "asleep", "quiet_creator", "--interval", "0.2", "--for", "120")
    assert code == 1 and out == ""
    assert "none of them was live (--wait waits for them)" in err


def test_a_bad_database_url_fails_at_start_before_any_request(run_cli: Run, cli_fake: KeptDemoFake,
                                                              tmp_path: Path) -> None:
    code, out, err = run_cli("--fake", "watch", "demo_creator", "--db", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert cli_fake.requests == []


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["record", "a", "b", "c"], "USER OUT"),
        (["record", "a", "--wait"], "--dir"),
        (["record", "a", "b c", "--dir", "x"], "not a TikTok handle"),
        (["watch", "a", "b", "a"], "more than once"),
        (["watch", "a", "--wait", "--interval", "0"], "--interval"),
        (["watch", "a", "--jsonl", "x.jsonl", "--db", "sqlite:///x.db"], "not allowed with"),
    ],
)
def test_many_creators_usage_errors_exit_2(run_cli: Run, cli_fake: KeptDemoFake, argv: list[str],
                                           needle: str) -> None:
    code, out, err = run_cli("--fake", *argv)
    assert code == 2 and out == "", err
    line, = err.splitlines()
    assert needle in line
    assert cli_fake.requests == []
