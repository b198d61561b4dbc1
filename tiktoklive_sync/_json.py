"""Tolerant readers for TikTok's JSON: walk paths and coerce values without KeyError or TypeError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["dig", "as_int", "as_str", "mapping"]


def dig(data: Any, *path: str | int) -> Any:
    """Walk nested dicts/lists by keys and indexes; return None as soon as a step is missing."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
            data = data[step]
        else:
            if not isinstance(data, Mapping):
                return None
            data = data.get(step)
    return data


def as_int(value: Any, default: int = 0) -> int:
    """Return ``value`` as an int (ints, digit strings and integral floats), else ``default``."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and text.isascii():
            try:
                return int(text)
            except ValueError:  # "--1", or more digits than int() converts (sys.get_int_max_str_digits)
                return default
    return default


def as_str(value: Any, default: str = "") -> str:
    """Return ``value`` if it is a str, a number as text, else ``default``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return default


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
