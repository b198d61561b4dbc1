"""Every script in examples/ runs against the embedded FakeTikTok (``--fake``) and does its job."""

from __future__ import annotations

import ast
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: the examples import this checkout's package, whatever else is installed
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(EXAMPLES.parent), os.environ.get("PYTHONPATH")]))}


def run_example(*argv: str, timeout: float = 90, expect: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, *argv], cwd=EXAMPLES, capture_output=True, text=True, timeout=timeout,
                          env=ENV)
    assert proc.returncode == expect, proc.stderr[-3000:]
    return proc


def test_every_example_is_one_self_contained_file_a_user_can_copy() -> None:
    local = {p.stem for p in EXAMPLES.glob("*.py")}
    for script in EXAMPLES.glob("*.py"):
        tree = ast.parse(script.read_text())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and not node.level}
        assert not imported & local, f"{script.name} imports a file of examples/: {imported & local}"
        assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree)), script.name


def test_every_example_is_covered() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    assert scripts == {
        "check_live.py", "watch_comments.py", "handlers.py", "record.py", "flask_app.py",
        "django_worker.py", "test_with_fake_tiktok.py", "pool_to_sqlite.py",
    }


def test_check_live() -> None:
    out = run_example("check_live.py", "demo_creator", "--fake").stdout
    assert "@demo_creator: live" in out and "viewers" in out and "a Rose costs" in out


def test_watch_comments() -> None:
    out = run_example("watch_comments.py", "--fake", "--seconds", "2.5").stdout
    assert out.strip(), "no comment or gift printed"
    assert all(": " in line or " sent " in line for line in out.splitlines())


def test_handlers() -> None:
    out = run_example("handlers.py", "--fake", "--seconds", "2.5").stdout
    assert "welcome," in out and "top liker @" in out


@pytest.mark.ffmpeg
def test_record(tmp_path: Path) -> None:
    target = tmp_path / "demo.mp4"
    out = run_example("record.py", "demo_creator", str(target), "--fake", "--seconds", "2").stdout
    assert f"saved {target} (ffmpeg exit 0)" in out and target.stat().st_size > 100_000


def test_flask_app() -> None:
    lines = run_example("flask_app.py", "--fake").stdout.splitlines()
    assert lines[0].startswith("200") and "'state': 'live'" in lines[0]
    assert "'state': 'offline'" in lines[1] and "'state': 'not_found'" in lines[2]


def test_django_worker_stores_comments_in_a_model(tmp_path: Path) -> None:
    db = tmp_path / "comments.sqlite3"
    out = run_example("django_worker.py", "--fake", "--seconds", "2.5", "--db", str(db)).stdout
    last = out.splitlines()[-1]
    assert last.endswith("comments stored") and not last.startswith("0 "), out
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT unique_id, text, msg_id FROM tiktok_comment").fetchall()
    assert len(rows) == int(last.split()[0]) and all(text and msg_id for _, text, msg_id in rows)


def test_django_worker_on_an_offline_creator_says_so_in_one_line() -> None:
    proc = run_example("django_worker.py", "quiet_creator", "--fake", "--seconds", "2", expect=1)
    assert "Traceback" not in proc.stderr and "comments" not in proc.stdout
    assert proc.stderr.startswith("watch_room: ") and "not live" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_fake_tiktok_fixture_example() -> None:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_with_fake_tiktok.py"],
                          cwd=EXAMPLES, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "2 passed" in proc.stdout


def test_pool_to_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    out = run_example("pool_to_sqlite.py", "--fake", "--seconds", "4", "--db", str(db)).stdout
    assert "watching @demo_alice" in out and "watching @demo_bob" in out  # live at start, and live later
    assert "@demo_carol: offline, 0 live(s), 0 events" in out
    counts = dict(line.split(": ", 1) for line in out.splitlines() if line.endswith(" events") and "live" not in line)
    assert int(counts["@demo_alice"].split()[0]) > 5 and int(counts["@demo_bob"].split()[0]) > 5
    assert "top gifter of @demo_alice: @" in out
