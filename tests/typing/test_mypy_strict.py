"""A type checker sees the public API: mypy --strict on code written the README's way passes.

The package's names are explicit imports with a literal ``__all__`` (no comprehension, no star import),
so mypy and pyright resolve ``tls.CommentEvent``, ``tls.Event`` and the decorators' types statically.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import tiktoklive_sync

USER_CODE = textwrap.dedent('''
    from __future__ import annotations

    import tiktoklive_sync as tls
    from tiktoklive_sync.events import CommentEvent, GiftEvent, LikeEvent


    def describe(event: tls.Event) -> str:
        if isinstance(event, tls.CommentEvent):
            return f"{event.user.nickname}: {event.comment}"
        if isinstance(event, tls.GiftEvent):
            return f"{event.gift.name} x{event.repeat_count} ({event.value} diamonds)"
        return type(event).__name__


    def watch(session: tls.Session) -> int:
        client = tls.LiveClient("someone", session=session)

        @client.on(tls.CommentEvent)
        def on_comment(event: tls.CommentEvent) -> None:
            print(event.comment.upper())

        @client.on(LikeEvent)
        def on_like(event: LikeEvent) -> None:
            print(event.count + 1)

        seen = 0
        for event in client.events():
            seen += len(describe(event))
            if isinstance(event, GiftEvent) and event.repeat_end:
                client.stop()
        return seen


    def room_title(session: tls.Session) -> str:
        info: tls.RoomInfo = tls.fetch_room_info(session, unique_id="someone")
        status: tls.LiveStatus = tls.fetch_live_status(session, "someone")
        return f"{info.title} {status.state.value}"


    def comments(raw: bytes) -> list[str]:
        return [e.comment for e in tls.decode_frame(raw) if isinstance(e, CommentEvent)]
''')

#: a wrong use the checker must catch, so the test can fail (an Any-typed API would pass anything)
WRONG_CODE = textwrap.dedent('''
    import tiktoklive_sync as tls

    def bad(event: tls.CommentEvent) -> int:
        return event.comment  # a str, not an int
''')


def _mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "user_code.py"
    source.write_text(code)
    # as for an installed package, errors inside the library are not the user's (its own mypy run checks it)
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n[mypy-tiktoklive_sync.*]\nignore_errors = True\n")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config), "--no-incremental",
         "--cache-dir", str(tmp_path / ".mypy_cache"), str(source)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        # an editable install is an import hook mypy cannot follow: point it at the package's folder
        env={**os.environ, "MYPYPATH": str(Path(tiktoklive_sync.__file__).resolve().parents[1])},
    )


def test_mypy_strict_passes_on_code_using_the_readme_api(tmp_path: Path) -> None:
    result = _mypy(tmp_path, USER_CODE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_mypy_strict_catches_a_wrong_type_so_the_api_is_not_any(tmp_path: Path) -> None:
    result = _mypy(tmp_path, WRONG_CODE)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Incompatible return value type (got "str", expected "int")' in result.stdout
