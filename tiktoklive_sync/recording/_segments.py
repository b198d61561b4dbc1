"""Joining a recording's capture files into its output file, by stream copy (no re-encoding).

One capture file is remuxed (e.g. FLV -> Matroska); several are concatenated with ffmpeg's concat
demuxer, each placed just after the one before (:data:`JOIN_MARGIN`), so the output plays straight
through the holes between segments.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ._ffmpeg import MAP_AV, probe

#: seconds added after each joined segment's container duration, so that its last frames (which
#: B-frame reordering shows up to a few frames past that duration) never overlap the next segment's
#: first ones: a hole is there anyway (see Recording.gaps)
JOIN_MARGIN = 0.15

__all__ = ["join_files", "join_argv", "concat_list"]


def join_files(ffmpeg: str, parts: Sequence[Path], output: Path, muxer: str | None) -> str | None:
    """Remux one capture file, or concatenate several, into ``output`` by stream copy.

    Writes to a temporary name beside ``output`` and renames it into place only when ffmpeg
    succeeded; deletes the capture files then. On failure they are kept and nothing is renamed.

    Returns:
        None on success, else what went wrong (ffmpeg's last words).
    """
    temp = output.with_name(f"{output.stem}.joining{output.suffix}")
    list_file = output.with_name(f"{output.name}.concat.txt") if len(parts) > 1 else None
    if list_file is not None:
        spans = [probe(part, ffmpeg).duration + JOIN_MARGIN for part in parts[:-1]]
        list_file.write_text(concat_list(parts, spans), encoding="utf-8")
    size = sum(p.stat().st_size for p in parts)
    argv = join_argv(ffmpeg, parts, list_file, temp, muxer)
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60 + size / 5e6)
        ok = result.returncode == 0 and temp.exists() and temp.stat().st_size > 0
        problem = result.stderr.decode("utf-8", "replace").strip()[-1000:] or f"ffmpeg exit code {result.returncode}"
    except subprocess.TimeoutExpired:
        ok, problem = False, "ffmpeg took too long"
    if list_file is not None:
        list_file.unlink(missing_ok=True)
    if not ok:
        temp.unlink(missing_ok=True)
        return problem
    os.replace(temp, output)
    for part in parts:
        part.unlink(missing_ok=True)
    return None


def join_argv(
    ffmpeg: str, inputs: Sequence[Path], list_file: Path | None, output: Path, muxer: str | None
) -> list[str]:
    """Return the argument list that joins capture files into the final file by stream copy.

    One input is remuxed directly; several go through the concat demuxer (``list_file``, written
    by the caller with :func:`concat_list`). MP4/MOV outputs get ``+faststart`` (index first).
    """
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error"]
    if len(inputs) == 1 or list_file is None:
        argv += ["-i", str(inputs[0])]
    else:
        argv += ["-f", "concat", "-safe", "0", "-i", str(list_file)]
    argv += [*MAP_AV, "-c", "copy"]
    if muxer in ("mp4", "mov"):
        argv += ["-movflags", "+faststart"]
    if muxer:
        argv += ["-f", muxer]
    return argv + ["-y", str(output)]


def concat_list(paths: Sequence[Path], durations: Sequence[float] = ()) -> str:
    """Return a concat demuxer script naming ``paths`` (absolute, quotes escaped).

    ``durations[i]`` (seconds, if given and above 0) is how far the next file is placed after the
    start of ``paths[i]``.
    """
    lines = []
    for index, path in enumerate(paths):
        escaped = str(Path(path).resolve()).replace("'", "'\\''")
        lines.append(f"file '{escaped}'")
        if index < len(durations) and durations[index] > 0:
            lines.append(f"duration {durations[index]:.3f}")
    return "\n".join(lines) + "\n"
