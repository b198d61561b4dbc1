"""Usage errors: found before any request, one line on stderr, exit 2; global options anywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tiktoklive_sync.cli._parser import event_kind_names
from tiktoklive_sync.recording._ffmpeg import probe
from tiktoklive_sync.testing.demo import DEMO_ROOM_ID, DEMO_USER

from .conftest import KeptDemoFake

Run = Callable[..., tuple[int, str, str]]


def assert_usage_error(result: tuple[int, str, str], *needles: str) -> str:
    code, out, err = result
    assert code == 2, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("tiktoklive-sync: ")
    assert "ValueError" not in line and "Traceback" not in line
    for needle in needles:
        assert needle in line
    return line


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--fake", "watch", DEMO_USER, "--for", "0"], "--for"),
        (["--fake", "watch", DEMO_USER, "--for", "-3"], "--for"),
        (["--fake", "watch", DEMO_USER, "--for", "inf"], "--for"),
        (["--fake", "watch", DEMO_USER, "--for", "nan"], "--for"),
        (["--fake", "watch", DEMO_USER, "--for", "soon"], "--for"),
        (["--fake", "--timeout", "0", "is-live", DEMO_USER], "--timeout"),
        (["--fake", "--timeout", "nan", "is-live", DEMO_USER], "--timeout"),
        (["--fake", "is-live", DEMO_USER, "--timeout", "inf"], "--timeout"),
        (["--fake", "room-id", "a b"], "'a b' is not a TikTok handle"),
        (["--fake", "room-info", "@"], "is not a TikTok handle"),
        (["--fake", "is-live", DEMO_USER, "some/one"], "is not a TikTok handle"),
        (["--fake", "demo", "--seconds", "0"], "--seconds"),
        (["--fake", "record", DEMO_USER, "out.mp4", "--for", "0"], "--for"),
        (["--fake", "watch", DEMO_USER, "--events", "coment"], "coment"),
        (["--fake", "is-live"], "USER"),
        (["--fake", "no-such-command"], "no-such-command"),
    ],
)
def test_usage_errors_exit_2_with_one_line_before_any_request(
    run_cli: Run, cli_fake: KeptDemoFake, argv: list[str], needle: str
) -> None:
    assert_usage_error(run_cli(*argv), needle)
    assert cli_fake.requests == [] and cli_fake.starts == []  # type: ignore[attr-defined]


def test_a_handle_may_carry_the_at_sign_or_be_a_url(run_cli: Run, cli_fake: KeptDemoFake) -> None:
    for spelling in (f"@{DEMO_USER}", f"https://www.tiktok.com/@{DEMO_USER}/live"):
        code, out, err = run_cli("--fake", "room-id", spelling)
        assert code == 0, err
        assert out.strip() == str(DEMO_ROOM_ID)


def test_unknown_event_kinds_list_the_valid_ones(run_cli: Run, cli_fake: KeptDemoFake) -> None:
    line = assert_usage_error(run_cli("--fake", "watch", DEMO_USER, "--events", "comment,coment,gfit"),
                              "coment", "gfit", "valid kinds:")
    valid = line.split("valid kinds: ", 1)[1]
    for kind in ("comment", "gift", "like", "join", "follow", "share", "room_user_seq"):
        assert kind in valid
    assert "comment," not in line.split("valid kinds")[0]  # the good one is not called unknown
    assert cli_fake.requests == []
    assert {"comment", "gift", "like", "join", "live_end", "disconnect"} <= set(event_kind_names())


@pytest.mark.parametrize("name", ["out.avi", "out", "out.MP3", "out.mp4.part"])
def test_record_refuses_an_unsupported_ending_before_any_request(
    run_cli: Run, cli_fake: KeptDemoFake, tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    line = assert_usage_error(run_cli("--fake", "record", DEMO_USER, str(target)), ".mp4", ".mkv", ".flv", ".ts")
    assert "cannot record" in line
    assert cli_fake.requests == [] and not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_record_refuses_a_missing_directory_and_an_existing_file(
    run_cli: Run, cli_fake: KeptDemoFake, tmp_path: Path
) -> None:
    assert_usage_error(run_cli("--fake", "record", DEMO_USER, str(tmp_path / "nope" / "out.mp4")), "does not exist")
    existing = tmp_path / "old.mp4"
    existing.write_bytes(b"keep me")
    assert_usage_error(run_cli("--fake", "record", DEMO_USER, str(existing)), "already exists", "--overwrite")
    assert existing.read_bytes() == b"keep me"
    (tmp_path / "crashed.mp4.part0.flv").write_bytes(b"media of an earlier run")
    assert_usage_error(run_cli("--fake", "record", DEMO_USER, str(tmp_path / "crashed.mp4")),
                       "crashed.mp4.part0.flv", "--overwrite")
    assert cli_fake.requests == []


@pytest.mark.ffmpeg
def test_record_overwrite_replaces_an_existing_file(run_cli: Run, cli_fake: KeptDemoFake, tmp_path: Path) -> None:
    existing = tmp_path / "old.mp4"
    existing.write_bytes(b"replace me")
    code, out, err = run_cli("--fake", "record", DEMO_USER, str(existing), "--overwrite", "--for", "2")
    assert code == 0, err
    assert f"saved {existing}" in out
    facts = probe(existing)
    assert facts.has_video and facts.duration > 1.0


def test_global_options_work_after_the_subcommand(run_cli: Run, cli_fake: KeptDemoFake) -> None:
    code, out, err = run_cli("is-live", DEMO_USER, "--fake")
    assert code == 0, err
    assert out.splitlines() == [f"{DEMO_USER}\tlive\t{DEMO_ROOM_ID}"]
    code, out, err = run_cli("room-id", DEMO_USER, "--fake", "--timeout", "7", "-v")
    assert code == 0, err
    assert out.strip() == str(DEMO_ROOM_ID)


def test_the_fakes_users_are_listed(run_cli: Run, cli_fake: KeptDemoFake) -> None:
    code, out, err = run_cli("--fake", "users")
    assert code == 0, err
    names = [line.split("\t")[0] for line in out.splitlines()]
    assert names == ["demo_creator", "quiet_creator", "age_gated"]
    for name in names:  # each of them is a creator the fake knows
        assert run_cli("--fake", "is-live", name)[2] == ""
    assert_usage_error(run_cli("users"), "--fake users")


def test_help_names_the_fake_users_and_the_exit_codes(run_cli: Run) -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    assert "demo_creator" in out and "quiet_creator" in out
    assert "exit codes" in out and "143" in out and "TIKTOKLIVE_SIGN_API_KEY" in out
