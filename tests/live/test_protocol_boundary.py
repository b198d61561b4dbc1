"""Only tiktoklive_sync/live/_protocol/ builds or parses push frames and batches.

The check reads the package's sources: constructing one of the envelope's protobuf types
(``WebcastPushFrame(...)``, ``HeartBeatMessage(...)``, ...) or parsing one (``X.FromString``,
``X().ParseFromString``) anywhere else fails. Type annotations and docstrings that merely name
the types are fine. Also: nothing uses websocket-client's private modules.
"""

from __future__ import annotations

import re
from pathlib import Path

import tiktoklive_sync

PACKAGE = Path(tiktoklive_sync.__file__).parent
FRAME_TYPES = (
    "WebcastPushFrame", "ProtoMessageFetchResult", "HeartBeatMessage", "WebcastImEnterRoomMessage",
    "BaseProtoMessage", "PushHeader",
)
_NAMES = "|".join(FRAME_TYPES)
#: construction (``Type(`` / ``pb2.Type(``) or parsing (``Type.FromString`` / ``Type().ParseFromString``)
BUILDS_OR_PARSES = re.compile(rf"\b(?:{_NAMES})\s*\(|\b(?:{_NAMES})\s*\.\s*(?:FromString|ParseFromString)\b")
PROTOCOL = PACKAGE / "live" / "_protocol"
#: FakeTikTok's push side still builds its frames itself; it moves onto live/_protocol next
STILL_ALLOWED = (PACKAGE / "testing",)
GENERATED = PACKAGE / "proto"
_STRINGS = re.compile(r'"[^"]*"|\'[^\']*\'')


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of ``path`` outside docstrings and comments (good enough for this codebase's style)."""
    out: list[tuple[int, str]] = []
    in_doc = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        quotes = stripped.count('"""')
        if in_doc:
            if quotes % 2:
                in_doc = False
            continue
        if stripped.startswith('"""') or stripped.startswith('r"""'):
            if quotes == 1:
                in_doc = True
            continue
        code = _STRINGS.sub('""', line).split("#", 1)[0]
        if code.strip():
            out.append((number, code))
    return out


def _offenders(pattern: re.Pattern[str], skip: tuple[Path, ...]) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(PROTOCOL) or path.is_relative_to(GENERATED) or any(path.is_relative_to(s) for s in skip):
            continue
        for number, code in _code_lines(path):
            if pattern.search(code):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {code.strip()}")
    return found


def test_no_module_but_the_protocol_module_builds_or_parses_push_frames() -> None:
    assert _offenders(BUILDS_OR_PARSES, STILL_ALLOWED) == []


def test_the_check_would_see_a_frame_built_elsewhere(tmp_path: Path) -> None:
    samples = [
        "frame = WebcastPushFrame(payload_type='hb')",
        "result = envelope_pb2.ProtoMessageFetchResult.FromString(data)",
        "beat = HeartBeatMessage (room_id=1)",
    ]
    assert all(BUILDS_OR_PARSES.search(line) for line in samples)
    assert not BUILDS_OR_PARSES.search("def recv(self) -> WebcastPushFrame | None:")


def test_the_protocol_package_does_build_and_parse_them() -> None:
    assert all(any(BUILDS_OR_PARSES.search(code) for _, code in _code_lines(PROTOCOL / name))
               for name in ("_frames.py", "_batches.py"))


def test_nothing_imports_websocket_clients_private_modules() -> None:
    private = re.compile(r"^\s*(?:from|import)\s+websocket\._|\bwebsocket\._[a-z]")
    assert _offenders(private, ()) == []
