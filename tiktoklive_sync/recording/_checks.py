"""The checks :func:`~tiktoklive_sync.record_stream` makes before any ffmpeg starts: arguments, the
room's stream, the output file.

Each raises a ValueError naming the argument, or a named :class:`RecordingError`, with what to do.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from .._validate import positive_number
from ..errors import RecordingError, StreamUnavailableError
from ..models import RoomInfo, VideoFetchFormat, VideoQuality
from ._source import check_stream_url

__all__ = ["enum_value", "record_seconds", "room_of", "pick_url", "check_output", "session_header", "MAX_RECORD_FOR"]

log = logging.getLogger("tiktoklive_sync")

#: the longest record_for accepted (a week: no live lasts longer)
MAX_RECORD_FOR = 7 * 24 * 3600.0

_E = TypeVar("_E", VideoQuality, VideoFetchFormat)


def enum_value(kind: type[_E], value: Any, name: str) -> _E:
    """Return ``value`` as a member of ``kind``. Raises: ValueError listing the choices."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.name for m in kind)
        raise ValueError(f"{name}={value!r} is not one of {choices}") from None


def record_seconds(record_for: float | None) -> float | None:
    """Return ``record_for`` as seconds (or None: until the live ends). Raises: ValueError."""
    if record_for is None:
        return None
    if isinstance(record_for, bool) or not isinstance(record_for, (int, float)):
        raise ValueError(f"record_for must be seconds (a number) or None, not {record_for!r}")
    return positive_number("record_for", record_for, maximum=MAX_RECORD_FOR)


def room_of(room_info: RoomInfo | Mapping[str, Any]) -> RoomInfo:
    """Return a RoomInfo from a RoomInfo or room info's (``data``) dict. Raises: ValueError."""
    if isinstance(room_info, RoomInfo):
        return room_info
    if isinstance(room_info, Mapping):
        data = room_info.get("data")
        return RoomInfo.from_json(data if isinstance(data, Mapping) and "stream_url" in data else room_info)
    raise ValueError(f"room_info must be a RoomInfo or room info's data dict, not {type(room_info).__name__}")


def pick_url(room: RoomInfo, quality: VideoQuality | None, fmt: VideoFetchFormat) -> tuple[VideoQuality, str]:
    """Return ``(quality used, URL)``: ``quality`` or the nearest offered; None: the best offered.

    Raises:
        StreamUnavailableError: the room is not live, offers no stream, or its URL is not http(s).
    """
    if room.status == 4:
        raise StreamUnavailableError(f"Room {room.id} is not live (its live has ended).")
    picked = room.stream_urls.pick(quality or VideoQuality.ORIGIN, fmt)
    if picked is None:
        raise StreamUnavailableError(f"Room {room.id}'s info holds no {fmt.value} stream URL (is it live?).")
    used, url = picked
    check_stream_url(url, room.id)
    if quality is not None and used is not quality:
        offered = ", ".join(q.value for q in room.stream_urls.qualities)
        log.warning("room %s offers no %s stream (only %s); recording %s", room.id, quality.value, offered, used.value)
    if room.stream_urls.urls.get(used, {}).get(fmt) is None:
        log.warning("room %s offers no %s stream; recording FLV", room.id, fmt.value)
    return used, url


def check_output(output_path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Return the absolute output path once it is fit to be written.

    A capture file of a recording to this path (``out.mp4.part0.mp4``) left by an earlier one that
    crashed holds media, so it counts as an existing file too.

    Raises:
        RecordingError: the path is a directory, its directory is missing or not writable, or the
            file (or such a capture file) exists and ``overwrite`` is False.
    """
    if not isinstance(overwrite, bool):
        raise ValueError(f"overwrite must be True or False, not {overwrite!r}")
    output = Path(output_path).expanduser().absolute()
    parent = output.parent
    if output.is_dir():
        raise RecordingError(f"The output path {output} is a directory; name a file inside it.")
    if not parent.is_dir():
        raise RecordingError(f"The output directory {parent} does not exist; create it first.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RecordingError(f"The output directory {parent} is not writable by this user.")
    if not overwrite:
        existing = [output] if output.exists() else sorted(parent.glob(glob.escape(output.name) + ".part*"))
        if existing:
            what = "already exists" if existing[0] == output else "exists (the capture file of an earlier recording)"
            raise RecordingError(
                f"{existing[0]} {what}; pass overwrite=True to replace it (the command line: --overwrite), "
                "or choose another file name."
            )
    return output


def session_header(session: Any, name: str) -> str | None:
    """Return the Session's header ``name`` if it is a non-empty string, else None."""
    headers = getattr(session, "headers", None)
    value = headers.get(name) if headers is not None and hasattr(headers, "get") else None
    return value if isinstance(value, str) and value else None
