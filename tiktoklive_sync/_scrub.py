"""One scrubbing function for every text that may hold a secret: log lines and exception messages.

A session id grants full access to a TikTok account and a sign API key is paid for, so neither may
reach a log file or a traceback. :func:`scrub` masks

- every secret registered with :func:`register_secret` (the Session does it for the session id and the
  sign API key), in its plain and percent-encoded forms;
- the value of any parameter, header or JSON field whose name says it is a secret (``session_id=``,
  ``sessionid=``, ``sid_tt=``, ``X-Api-Key:``, ``"sessionId": "..."``, ``x-cookie-header: ...``),
  whoever's secret it is.

:class:`ScrubFilter` applies it to every record of the ``tiktoklive_sync`` logger (message, arguments
and the formatted traceback), at every level, and to urllib3's request lines; the filter is installed
when this module is imported, which every module of the library does through :mod:`tiktoklive_sync.errors`.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote

__all__ = ["scrub", "redact", "register_secret", "ScrubFilter"]

_MIN_SECRET = 6  # shorter values are not masked by value (they would mask ordinary words)
_lock = threading.Lock()
_secrets: set[str] = set()

# name (as query parameter, header, cookie or JSON key), separator, value
_NAMED = re.compile(
    r"(?i)(?P<name>\b(?:session_?id(?:_ss)?|sid_tt|sid_guard|uid_tt|sessionId|x-api-key|api_?key|apiKey"
    r"|x-cookie-header)\b)(?P<sep>[\"']?\s*(?:=|:|%3D)\s*[\"']?)(?P<value>[^&;,\s\"'<>)\]}]+)"
)


def redact(secret: str | None) -> str:
    """Return a form of a secret that is safe to log: its first 4 characters and a mask."""
    if not secret:
        return "<none>"
    return secret[:4] + "*" * 8


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` so that :func:`scrub` masks it wherever it appears (short values are ignored)."""
    if secret and len(secret) >= _MIN_SECRET:
        with _lock:
            _secrets.add(secret)


def scrub(text: str) -> str:
    """Return ``text`` with every known secret and every secret-named value masked (see the module doc)."""
    if not text:
        return text
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        for form in (secret, quote(secret, safe="")):
            if form in text:
                text = text.replace(form, redact(secret))
    return _NAMED.sub(_mask_named, text)


def _mask_named(match: re.Match[str]) -> str:
    value = match.group("value")
    masked = value if value.endswith("*" * 8) else redact(value)
    return f"{match.group('name')}{match.group('sep')}{masked}"


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs a record's message, arguments and traceback text in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep the raw parts, scrubbed
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def _install() -> None:
    # urllib3 logs each request line (with its query) at DEBUG: the sign fetch's query may hold the
    # session id when the sign host is trusted, so its records are scrubbed too
    for name in ("tiktoklive_sync", "urllib3.connectionpool"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubFilter) for f in logger.filters):
            logger.addFilter(ScrubFilter())


_install()
