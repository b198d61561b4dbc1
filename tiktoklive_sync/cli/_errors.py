"""One line per failure, in the command's own terms: what failed, where, and what to do.

The library's messages speak to Python callers ("call session.set_session(...)"); the command
speaks to a shell user ("set $TIKTOKLIVE_SESSION_ID"). :func:`describe` keeps what the library
says happened, drops the Python advice, the ``(HTTP 200)`` of a normal answer and the body
excerpt (shown with ``-v``), and adds the command's advice. Transport failures (no network, DNS,
a dead proxy, TLS, time-outs) become one short line naming the host, never the full URL.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit
from urllib.request import getproxies

import requests

from .. import errors as e
from ._text import safe_text

__all__ = ["describe", "network_failure", "proxy_label"]

_SESSION_ENV = "set $TIKTOKLIVE_SESSION_ID and $TIKTOKLIVE_TT_TARGET_IDC to a logged-in account's cookies"
_KEY_ENV = "$TIKTOKLIVE_SIGN_API_KEY"

#: the command's advice per error class, checked in order (subclasses first)
_ADVICE: tuple[tuple[type[BaseException], str], ...] = (
    (e.UserOfflineError, "try again when they are live (`tiktoklive-sync is-live USER` checks)"),
    (e.UserNotFoundError, "check the spelling of the handle"),
    (e.AgeRestrictedError, f"an 18+ room needs an adult account: {_SESSION_ENV}"),
    (e.LoginRequiredError, f"TikTok wants a login or has flagged this IP: {_SESSION_ENV}, or try --proxy"),
    (e.FailedParseRoomIdError, "TikTok may be showing a captcha or blocking this IP: try later or use --proxy"),
    (e.FailedFetchRoomInfoError, "if it persists TikTok may be blocking this IP: try --proxy"),
    (e.FailedFetchGiftListError, f"TikTok may want a signed request: set {_KEY_ENV}"),
    (e.WebcastBlocked200Error, f"TikTok refused this client: set {_KEY_ENV} to connect through the sign server, "
                               "or try --proxy"),
    (e.SignatureRateLimitError, f"the sign server is rate-limiting: wait and retry, or use a key with higher "
                                f"limits ({_KEY_ENV})"),
    (e.PremiumEndpointError, f"this needs a sign API key whose plan includes it ({_KEY_ENV})"),
    (e.AuthenticatedWebSocketConnectionError, "a session id goes only to a trusted sign server: if you trust it, "
                                              "set $WHITELIST_AUTHENTICATED_SESSION_ID_HOST to its host"),
    (e.SignAPIError, "the sign server failed: try again later"),
    (e.WebcastFetchResultError, "try again: the sign server may be failing or the live may have ended"),
    (e.DuplicateDownloadError, "another recording is writing that file: record to another path"),
    (e.FFmpegNotFoundError, "install ffmpeg (or pip install 'tiktoklive-sync[ffmpeg]'), or set $TIKTOKLIVE_FFMPEG"),
    (e.StreamUnavailableError, "try again while they are live"),
    (e.FailedFetchImageError, "image URLs expire: try again"),
    (e.FailedParseAppInfo, "TikTok may be showing a captcha or blocking this IP: try --proxy or a login"),
)

_DNS = re.compile(r"Name or service not known|nodename nor servname|Temporary failure in name resolution|"
                  r"getaddrinfo failed|NameResolutionError|No address associated|Failed to resolve", re.IGNORECASE)
_REFUSED = re.compile(r"Connection refused|actively refused|ECONNREFUSED", re.IGNORECASE)
_CHECK_PROXY = "check the proxy (--proxy, $HTTPS_PROXY)"
_HOST_IN_TEXT = re.compile(r"host='([^']+)'")


def describe(exc: BaseException, *, proxy: str | None = None, timeout: float | None = None,
             verbose: bool = False) -> str:
    """Return one line (no newline) saying what failed and what to do.

    Args:
        exc: the failure.
        proxy: the ``--proxy`` URL in use, if any (only its host and port are shown).
        timeout: the ``--timeout`` in seconds, named in time-out messages.
        verbose: keep the body excerpt of TikTok errors.
    """
    transport = _transport_cause(exc)
    if transport is not None:
        return network_failure(transport, proxy=proxy, timeout=timeout)
    if isinstance(exc, e.TikTokLiveError):
        return safe_text(_tiktok_line(exc, verbose=verbose))
    if isinstance(exc, json.JSONDecodeError):
        return safe_text(f"an answer could not be read as JSON ({exc.msg}); try again, or use --proxy")
    return safe_text(" ".join(str(exc).split()) or type(exc).__name__)


def network_failure(exc: requests.RequestException, *, proxy: str | None = None,
                    timeout: float | None = None) -> str:
    """Return the one line for a transport failure: what failed, the host, what to do."""
    host = _host_of(exc)
    text = str(exc)
    if proxy is None:  # a proxy from the environment ($HTTPS_PROXY, ...) is just as much in the way
        proxy = getproxies().get(urlsplit(getattr(exc.request, "url", "") or "https://x").scheme or "https")
    through = f" through the proxy {proxy_label(proxy)}" if proxy else ""
    check = _CHECK_PROXY if proxy else "check your network connection or use a proxy (--proxy)"
    waited = f" within {timeout:g} s" if timeout else ""
    if isinstance(exc, requests.exceptions.ProxyError):
        how = "connection refused" if _REFUSED.search(text) else "the proxy failed"
        if _DNS.search(text):
            how = "the proxy's name did not resolve"
        return f"could not reach {host}{through}: {how}; {_CHECK_PROXY}"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"no secure (TLS) connection to {host}{through}; check the network, the proxy or the system clock"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"could not connect to {host}{through}{waited}; {check}, or raise --timeout"
    if isinstance(exc, requests.exceptions.Timeout):
        if proxy:
            return f"{host} did not answer{through}{waited}; {_CHECK_PROXY} or raise --timeout"
        return f"{host} did not answer{waited}; try again, raise --timeout, or use a proxy (--proxy)"
    if _DNS.search(text):
        return f"could not resolve {host} (no DNS answer){through}; {check}"
    if _REFUSED.search(text):
        return f"could not connect to {host}{through}: connection refused; {check}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"the connection to {host}{through} failed; {check}"
    return f"the request to {host}{through} failed ({type(exc).__name__}); {check}"


def proxy_label(proxy: str) -> str:
    """Return ``host:port`` of a proxy URL (never its user name or password)."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or "?"
    return f"{host}:{port}" if port else host


def _transport_cause(exc: BaseException) -> requests.RequestException | None:
    """Return the requests exception behind ``exc`` (itself, or a cause in its chain), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, requests.RequestException) and not isinstance(
            current, (requests.exceptions.HTTPError, requests.exceptions.JSONDecodeError)
        ):
            inner = current.__cause__
            if isinstance(inner, requests.RequestException):
                return inner
            return current
        current = current.__cause__
    return None


def _host_of(exc: requests.RequestException) -> str:
    """Return the host the failed request was for (from the request, else from the message)."""
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    if isinstance(url, str):
        host = urlsplit(url).hostname
        if host:
            return host
    found = _HOST_IN_TEXT.search(str(exc))
    return found.group(1) if found else "the server"


def _tiktok_line(exc: e.TikTokLiveError, *, verbose: bool) -> str:
    """The library's account of what happened, without its Python advice, plus the command's advice."""
    text = " ".join(str(exc).split())
    advice = " ".join(type(exc).advice.split())
    if advice:
        text = text.replace(advice, "")
    if exc.excerpt and not verbose:
        text = text.replace(f"Body starts: {exc.excerpt!r}", "")
    if exc.status is not None and 200 <= exc.status < 300:
        text = text.replace(f"(HTTP {exc.status})", "")
    text = " ".join(text.split()).rstrip(" .;:")
    ours = next((a for cls, a in _ADVICE if isinstance(exc, cls)), "")
    if not ours and advice and not _speaks_python(advice):
        ours = advice.rstrip(".")
    return f"{text}; {ours}" if ours else text


def _speaks_python(advice: str) -> bool:
    """True if advice is written for a Python caller (calls, keyword arguments, attributes)."""
    return bool(re.search(r"\w\(|\w=|session\.|`", advice))
