"""Terminal-safe text: what the command prints of TikTok's strings (comments, titles, nicknames).

Everything a viewer types reaches the screen, so a comment holding ``ESC [2J`` or an OSC title
sequence could clear the terminal, retitle the window or forge earlier lines. Text output goes
through :func:`safe_text`; JSON output goes through :func:`safe_json`, which keeps the text exactly
(JSON escapes C0 itself; C1 and DEL are escaped here, so the bytes on the terminal are plain ASCII
escapes and a JSON parser still reads the original string).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["safe_text", "safe_json"]

# ANSI escape sequences, removed whole: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \),
# DCS/SOS/PM/APC strings, and two-byte ESC sequences; the 8-bit C1 forms of CSI and OSC too.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"                 # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"                                 # any other ESC sequence
)
# Whatever control characters remain: C0 (tab and newline are whitespace, folded by callers), DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# C1 and DEL, which json.dumps(ensure_ascii=False) leaves raw.
_JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def safe_text(text: Any) -> str:
    """Return ``text`` as a string with terminal escape sequences and control characters removed.

    Newlines and tabs are kept (callers fold whitespace where a line is wanted); every other C0
    character, DEL, the C1 range and whole ANSI sequences (colours, cursor moves, OSC titles, ...)
    are dropped.

    Returns:
        the printable text; ``""`` for ``None``.
    """
    if text is None:
        return ""
    return _CONTROL.sub("", _SEQUENCE.sub("", str(text)))


def safe_json(data: Any, **kwargs: Any) -> str:
    """Return ``json.dumps(data, ensure_ascii=False)`` with DEL and C1 characters escaped as ``\\u00XX``.

    The result parses back to exactly ``data``; no raw control byte reaches the terminal.
    """
    dumped = json.dumps(data, ensure_ascii=False, **kwargs)
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
