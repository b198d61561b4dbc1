"""Checks for the numbers a user passes (timeouts, intervals, counts, ids), in one place.

Every check rejects ``bool`` (a ``True`` timeout is a bug, not 1 second), ``inf`` and ``nan`` (both pass
a plain ``<= 0`` test and then turn a watchdog off or overflow a timer), and says which argument was
wrong in a ``ValueError``.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["positive_number", "non_negative_number", "whole_number", "id64"]

#: the largest value a 64-bit unsigned id (room id, user id, msg id) can hold
MAX_ID64 = 2**64 - 1


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def positive_number(name: str, value: Any, *, maximum: float | None = None) -> float:
    """Return ``value`` as a float if it is a finite number above 0 (and at most ``maximum``).

    Raises:
        ValueError: naming ``name`` and saying what was wrong.
    """
    number = _number(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be above 0, not {value!r}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be at most {maximum:g}, not {value!r}")
    return number


def non_negative_number(name: str, value: Any, *, maximum: float | None = None) -> float:
    """Return ``value`` as a float if it is a finite number of at least 0 (and at most ``maximum``).

    Raises:
        ValueError: naming ``name`` and saying what was wrong.
    """
    number = _number(name, value)
    if number < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be at most {maximum:g}, not {value!r}")
    return number


def whole_number(name: str, value: Any, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` if it is an int (not a bool) in ``[minimum, maximum]``.

    Raises:
        ValueError: naming ``name`` and saying what was wrong.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"{name} must be at least {minimum}{upper}, not {value!r}")
    return value


def id64(name: str, value: Any) -> int:
    """Return ``value`` as an int if it is a positive 64-bit id (an int or a string of digits).

    Raises:
        ValueError: not a whole number, not positive, or too large for the 64 bits TikTok's ids have.
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 20:
            raise ValueError(f"{name} must be a number of at most 20 digits, not {value!r}")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if not 0 < value <= MAX_ID64:
        raise ValueError(f"{name} must be between 1 and 2**64-1 (a 64-bit id), not {value!r}")
    return value
