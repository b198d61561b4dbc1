"""What every route needs: argument checks, and reading TikTok's answers into named errors.

A route never lets a ``KeyError``, ``TypeError`` or ``json.JSONDecodeError`` escape: the functions
here turn an unusable answer into the route's own :class:`~tiktoklive_sync.errors.TikTokLiveError`
subclass, carrying the HTTP status and a short excerpt of the body. Transport failures are not
touched: they reach the caller as requests' own exceptions (the policy in errors.py).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from .._validate import id64
from ..errors import LoginRequiredError, TikTokLiveError

__all__ = [
    "normalize_unique_id",
    "check_room_id",
    "check_positive_int",
    "is_login_redirect",
    "raise_for_login_redirect",
    "raise_for_status",
    "read_json",
    "read_json_object",
    "read_script_json",
    "body_text",
    "dict_at",
    "check_user_id",
]

log = logging.getLogger("tiktoklive_sync")

# A profile or live URL: scheme and host are optional, any tiktok.com sub-domain is accepted.
_TIKTOK_URL_PREFIX = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)*tiktok\.com/", re.IGNORECASE)
_LOGIN_PATH = re.compile(r"(?:^|/)login(?:/|$)", re.IGNORECASE)


# -- arguments -------------------------------------------------------------------------------


def normalize_unique_id(unique_id: str) -> str:
    """Return the bare @handle from what a user typed: ``" @someone "``, a profile or live URL.

    Strips whitespace, a ``https://www.tiktok.com/`` prefix, a ``/live`` suffix (and any query
    string), and one leading ``@``.

    Returns:
        the unique id, e.g. ``"someone"``.
    Raises:
        ValueError: not a string, or nothing is left after stripping.
    """
    if not isinstance(unique_id, str):
        raise ValueError(f"unique_id must be a str (the @handle), not {type(unique_id).__name__}")
    text = unique_id.strip()
    if _TIKTOK_URL_PREFIX.match(text):
        text = _TIKTOK_URL_PREFIX.sub("", text, count=1)
        text = text.split("?", 1)[0].split("#", 1)[0]
    text = text.rstrip("/")
    if text.endswith("/live"):
        text = text[: -len("/live")]
    text = text.strip()
    if text.startswith("@"):
        text = text[1:].strip()
    if not text:
        raise ValueError(
            f"unique_id {unique_id!r} is empty: pass the creator's @handle, e.g. 'someone' or '@someone'"
        )
    if "/" in text or any(ch.isspace() for ch in text):
        raise ValueError(f"unique_id {unique_id!r} is not a TikTok @handle (it contains '/' or spaces)")
    return text


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as a positive int: an int or a string of digits.

    Raises:
        ValueError: a bool, a float, a non-digit string, zero, a negative number or anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a positive integer, not a bool ({value!r})")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        raise ValueError(f"{name} must be a positive integer or a string of digits, not {value!r}")
    if number <= 0:
        raise ValueError(f"{name} must be a positive integer, not {number}")
    return number


def check_room_id(room_id: Any) -> int:
    """Return ``room_id`` as a positive 64-bit int (ints and digit strings are accepted).

    Raises:
        ValueError: anything that is not a positive integer below 2**64 (bools included), before
            any request is sent.
    """
    return id64("room_id", room_id)


def check_user_id(user_id: Any) -> int:
    """Return ``user_id`` as a positive 64-bit int (ints and digit strings are accepted).

    Raises:
        ValueError: anything that is not a positive integer below 2**64 (bools included).
    """
    return id64("user_id", user_id)


# -- reading answers -------------------------------------------------------------------------


def is_login_redirect(response: requests.Response) -> bool:
    """Return True if TikTok sent a login page (or a redirect to one) instead of the data."""
    urls = [response.url or ""]
    if response.is_redirect:
        urls.append(response.headers.get("Location", ""))
    urls.extend(r.headers.get("Location", "") for r in response.history)
    return any(_LOGIN_PATH.search(urlsplit(u).path) for u in urls if u)


def raise_for_login_redirect(response: requests.Response, what: str) -> None:
    """Raise LoginRequiredError if ``response`` is (or was redirected to) a login page.

    Raises:
        LoginRequiredError: with the status and the login URL's path.
    """
    if is_login_redirect(response):
        where = urlsplit(response.url or "").path or "a login page"
        raise LoginRequiredError(
            f"TikTok answered {what} with a login page ({where}) instead of the data.",
            status=response.status_code,
        )


def raise_for_status(response: requests.Response, error: type[TikTokLiveError], what: str) -> None:
    """Raise ``error`` (with status and excerpt) unless ``response`` is a 2xx.

    Raises:
        LoginRequiredError: the answer is a login page.
        TikTokLiveError: ``error``, for any status outside 200-299.
    """
    raise_for_login_redirect(response, what)
    status = response.status_code
    if not 200 <= status < 300:
        hint = ""  # the cause comes first: the error class's own advice is about bad answers, not outages
        if status == 429:
            hint = " TikTok is rate-limiting this client: wait a while, or use another proxy."
        elif status >= 500:
            hint = " TikTok's servers are failing right now; try again later."
        raise error(f"TikTok answered {what} with an error status.{hint}", status=status, body=response.content)


def read_json(response: requests.Response, error: type[TikTokLiveError], what: str) -> Any:
    """Return the parsed JSON body of a 2xx ``response``.

    Raises:
        LoginRequiredError: the answer is a login page.
        TikTokLiveError: ``error``, for a non-2xx status or a body that is not JSON.
    """
    raise_for_status(response, error, what)
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested too deep
        raise error(
            f"TikTok's answer to {what} is not JSON (a captcha or block page?).",
            status=response.status_code,
            body=response.content,
        ) from exc


def read_json_object(response: requests.Response, error: type[TikTokLiveError], what: str) -> dict[str, Any]:
    """Like :func:`read_json`, and the JSON must be an object.

    Raises:
        LoginRequiredError, TikTokLiveError: as :func:`read_json`; ``error`` also for a non-object.
    """
    data = read_json(response, error, what)
    if not isinstance(data, dict):
        raise error(
            f"TikTok's answer to {what} is not a JSON object.", status=response.status_code, body=response.content
        )
    return data


def body_text(response: requests.Response) -> str:
    """Return the body as text: the charset the server named, else UTF-8 (never Latin-1 guessing)."""
    content_type = response.headers.get("Content-Type", "")
    match = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
    encoding = match.group(1) if match else "utf-8"
    try:
        return response.content.decode(encoding, errors="replace")
    except (LookupError, UnicodeError):  # unknown / non-text codecs, codecs that ignore errors=
        return response.content.decode("utf-8", errors="replace")


_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)


def _script_text(html: str, script_id: str) -> str | None:
    """Return the text of the first ``<script ... id="{script_id}" ...>`` element, or None.

    Scans tag by tag in linear time: one regular expression over the whole page (``<script\b[^>]*
    \bid=...>(.*?)</script>``) backtracks quadratically on a hostile page of many unclosed
    ``<script`` tags (160 KB took 40 s).
    """
    id_attribute = re.compile(r"\bid\s*=\s*[\"']?" + re.escape(script_id), re.IGNORECASE)
    position = 0
    while (opening := _SCRIPT_OPEN.search(html, position)) is not None:
        tag_end = html.find(">", opening.end())
        if tag_end < 0:
            return None  # no tag is ever closed after this point
        if id_attribute.search(html, opening.end(), tag_end):
            closing = _SCRIPT_CLOSE.search(html, tag_end + 1)
            return html[tag_end + 1 : closing.start()] if closing is not None else None
        position = tag_end + 1
    return None


def read_script_json(
    response: requests.Response, script_id: str, error: type[TikTokLiveError], what: str
) -> Any:
    """Return the JSON inside ``<script id="{script_id}" ...>...</script>`` of an HTML page.

    Raises:
        LoginRequiredError: the answer is a login page.
        TikTokLiveError: ``error``, for a non-2xx status, a page without the script element, or a
            script element whose text is not JSON.
    """
    raise_for_status(response, error, what)
    text = body_text(response)
    data = _script_text(text, script_id)
    if data is None:
        raise error(
            f"The page for {what} has no {script_id} data (TikTok may have served a captcha or block page).",
            status=response.status_code,
            body=text,
        )
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep to parse
        raise error(
            f"The {script_id} data of the page for {what} is not JSON (a captcha?).",
            status=response.status_code,
            body=data,
        ) from exc


def dict_at(data: Any, *path: str) -> Mapping[str, Any] | None:
    """Walk nested JSON objects; return the object at ``path`` or None if any step is missing."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data if isinstance(data, Mapping) else None
