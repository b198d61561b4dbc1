"""LivePool's argument checks: creator lists, the recording quality and directory."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .models import VideoQuality
from .routes._common import normalize_unique_id

__all__ = ["check_handles", "check_quality", "check_record_dir"]

#: what a handle may hold once normalized (TikTok's are letters, digits, "_" and ".")
_HANDLE = re.compile(r"^[\w.\-]+$")


def check_handles(values: list[Any]) -> list[str]:
    """Return the normalized (lower-case, no ``@``) handles, in order.

    Raises:
        ValueError: an empty list; values that are not handles (all named); repeats (all named).
    """
    if not values:
        raise ValueError("LivePool needs at least one creator's @handle")
    bad: list[str] = []
    out: dict[str, Any] = {}
    repeated: list[str] = []
    for value in values:
        try:
            uid = normalize_unique_id(value).lower()
        except ValueError:
            bad.append(repr(value))
            continue
        if not _HANDLE.match(uid):
            bad.append(repr(value))
        elif uid in out:
            repeated.append(f"{value!r} (same as {out[uid]!r})")
        else:
            out[uid] = value
    if bad:
        raise ValueError(f"not TikTok @handles: {', '.join(bad)}")
    if repeated:
        raise ValueError(f"creators listed more than once: {', '.join(repeated)}")
    return list(out)


def check_quality(value: VideoQuality | str | None) -> VideoQuality | None:
    """Return ``value`` as a VideoQuality (None stays None).

    Raises:
        ValueError: not a quality's name.
    """
    if value is None or isinstance(value, VideoQuality):
        return value
    try:
        return VideoQuality(str(value).lower())
    except ValueError:
        names = ", ".join(q.value for q in VideoQuality)
        raise ValueError(f"record_quality must be one of {names}, not {value!r}") from None


def check_record_dir(value: str | Path | None) -> Path | None:
    """Create the recording directory if needed and return it (None stays None).

    Raises:
        ValueError: it cannot be created.
    """
    if value is None:
        return None
    path = Path(value)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"record_dir {str(path)!r} cannot be created: {exc}") from exc
    return path
