"""Every Python block of README.md runs, in order, as a reader would paste them (against FakeTikTok).

The tour starts a FakeTikTok and takes its Session, so the blocks need no network and no account; a
README that drifts from the code fails here. Blocks run in one fresh interpreter, each compiled under
its README line number so a failure points at the block.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"

RUNNER = r"""
import json, sys
namespace = {"__name__": "__readme__"}
for line, code in json.loads(sys.stdin.read()):
    exec(compile(code, f"README.md:{line}", "exec"), namespace)
from tiktoklive_sync.testing import FakeTikTok
for name, function in list(namespace.items()):
    if name.startswith("test_") and callable(function):  # a pytest example: run it as pytest would
        with FakeTikTok() as fake_tiktok:
            function(fake_tiktok)
fake = namespace.get("fake")
if fake is not None:
    fake.stop()
print("README blocks ran:", len(json.loads(sys.argv[1])))
"""


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return ``(first line number, code)`` for every fenced python block of ``text``."""
    blocks, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if re.fullmatch(r"```python\s*", lines[i]):
            start, body = i + 2, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((start, "\n".join(body) + "\n"))
        i += 1
    return blocks


def test_the_readme_has_python_blocks_and_each_compiles() -> None:
    blocks = python_blocks(README.read_text())
    assert len(blocks) >= 8
    for line, code in blocks:
        compile(code, f"README.md:{line}", "exec")


def test_every_python_block_of_the_readme_runs_in_order(tmp_path: Path) -> None:
    blocks = python_blocks(README.read_text())
    proc = subprocess.run([sys.executable, "-c", RUNNER, json.dumps([line for line, _ in blocks])],
                          input=json.dumps(blocks), cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert f"README blocks ran: {len(blocks)}" in proc.stdout
