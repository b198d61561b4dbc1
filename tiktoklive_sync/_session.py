"""The blocking Session: one place for TikTok's defaults, cookies, time-outs, retries and signing.

``Session`` is a ``requests.Session``; everything requests users know (``proxies``, ``headers``,
``cookies``, mounting adapters, ``with`` blocks) works. On top it adds:

- :class:`Endpoints`: every host the library talks to, so tests (and proxies) can point it elsewhere;
- TikTok's default headers, query parameters and cookies (PROTOCOL.md section 1), in one place;
- a transport adapter (:mod:`tiktoklive_sync._transport`) that gives every request a default
  ``timeout`` (requests has none), a total ``deadline``, a body limit (``max_body_bytes``, counted
  after decompression), retries of idempotent requests under a
  :class:`~tiktoklive_sync._retry.RetryPolicy` (tenacity), and a shared request budget;
- the login cookies (:meth:`Session.set_session`) and the sign server client (:attr:`Session.signer`).

Example::

    import tiktoklive_sync as tls

    with tls.Session(timeout=(5, 15)) as s:
        print(tls.fetch_is_live(s, unique_id="someone"))
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import requests
import requests.adapters

from ._browser import BrowserProfile, random_profile
from ._budget import RequestBudget
from ._endpoints import Endpoints
from ._retry import RetryPolicy
from ._scrub import redact, register_secret
from ._signer import Signer
from ._transport import TransportAdapter, check_verify, one_deadline, retries_disabled
from ._validate import positive_number

__all__ = [
    "Endpoints", "Session", "redact", "DEFAULT_TIMEOUT", "DEFAULT_MAX_BODY_BYTES", "DEADLINE_FACTOR", "POOL_SIZE",
    "SIGN_API_KEY_ENV",
]

log = logging.getLogger("tiktoklive_sync")

#: (connect, read) seconds applied to every request that does not name its own timeout
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 15.0)

#: the total deadline of a call, by default: this many times the read timeout
DEADLINE_FACTOR = 4.0
#: the largest answer body accepted by default (after decompression); TikTok's room info is ~50 KB
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
#: the environment variable the sign API key is read from (``SIGN_API_KEY`` is read if it is unset)
SIGN_API_KEY_ENV = "TIKTOKLIVE_SIGN_API_KEY"
_OLD_SIGN_API_KEY_ENV = "SIGN_API_KEY"
#: the longest timeout or deadline accepted (a day): anything longer is a mistake, not a wish
_MAX_SECONDS = 86400.0

SESSION_COOKIES = ("sessionid", "sessionid_ss", "sid_tt")

#: connections kept per host: a Session shared by this many threads (a Flask/Django worker) never has
#: to throw a kept-alive connection away (requests' default is 10)
POOL_SIZE = 32


class Session(requests.Session):
    """A requests Session that speaks to TikTok LIVE.

    Args:
        sign_api_key: API key for the sign server (default: ``$TIKTOKLIVE_SIGN_API_KEY``, else the
            older ``$SIGN_API_KEY``). Never logged.
        timeout: default ``(connect, read)`` seconds (or one number) for every request.
        deadline: the most seconds one call may take in all (connecting, every retry and wait,
            reading the body); default :data:`DEADLINE_FACTOR` times the read timeout. Passing it
            ends the call with ``requests.ReadTimeout`` (or ``ConnectTimeout``).
        max_body_bytes: the largest answer body accepted, counted after decompression (default
            8 MiB); a larger one raises ResponseTooLargeError without being held in memory.
        max_requests_per_second: a :class:`RequestBudget` shared by every request of the Session
            (all threads, each retry and redirect counted; None: unlimited). Kept as :attr:`budget`.
        proxies: requests-style proxies, e.g. ``{"https": "http://user:pw@host:port"}``.
        endpoints: where to send requests (default: the real TikTok).
        retry: the :class:`RetryPolicy` for idempotent requests.
        trusted_sign_hosts: sign server host names that may receive the session id (default:
            ``$WHITELIST_AUTHENTICATED_SESSION_ID_HOST``). Nobody is trusted otherwise.
        profile: the :class:`BrowserProfile` to present (default: a random preset, kept for life).

    Raises:
        ValueError: a timeout, deadline, body limit or request rate that is not a finite number in
            range (the message names it).
    """

    def __init__(
        self,
        sign_api_key: str | None = None,
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        proxies: Mapping[str, str] | None = None,
        *,
        endpoints: Endpoints | None = None,
        retry: RetryPolicy | None = None,
        trusted_sign_hosts: Iterable[str] | None = None,
        profile: BrowserProfile | None = None,
        deadline: float | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_requests_per_second: float | None = None,
    ) -> None:
        super().__init__()
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        if deadline is not None:
            self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.budget = _budget(max_requests_per_second)
        self.endpoints = endpoints or Endpoints()
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ValueError(f"retry must be a tiktoklive_sync.RetryPolicy, not {type(retry).__name__}")
        self.retry_policy = retry or RetryPolicy()
        self.profile = profile or random_profile()
        if sign_api_key is None:
            sign_api_key = os.environ.get(SIGN_API_KEY_ENV) or os.environ.get(_OLD_SIGN_API_KEY_ENV)
        self.sign_api_key = sign_api_key
        if trusted_sign_hosts is None:
            env = os.environ.get("WHITELIST_AUTHENTICATED_SESSION_ID_HOST", "")
            trusted_sign_hosts = [h for h in env.split(",") if h.strip()]
        self.trusted_sign_hosts = frozenset(h.strip().lower() for h in trusted_sign_hosts)
        self.device_id = self.new_device_id()
        self._signer: Signer | None = None
        for prefix in ("https://", "http://"):
            self.mount(prefix, TransportAdapter(self, pool_maxsize=POOL_SIZE))
        if proxies:
            self.proxies.update(proxies)
        self.headers.update(self.default_headers())
        self.cookies.set(
            "tt-target-idc", "useast1a", domain=self.endpoints.cookie_domain, secure=self.endpoints.secure
        )

    # -- limits -----------------------------------------------------------------------------

    @property
    def timeout(self) -> float | tuple[float, float]:
        """The default ``(connect, read)`` seconds (or one number) of every request."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float | tuple[float, float]) -> None:
        self._timeout = _check_timeout(value)

    @property
    def deadline(self) -> float:
        """The most seconds one call may take in all (default: 4 x the read timeout)."""
        if self._deadline is not None:
            return self._deadline
        read = self._timeout[1] if isinstance(self._timeout, tuple) else self._timeout
        return DEADLINE_FACTOR * read

    @deadline.setter
    def deadline(self, value: float | None) -> None:
        self._deadline = None if value is None else positive_number("deadline", value, maximum=_MAX_SECONDS)

    _deadline: float | None = None

    @property
    def max_body_bytes(self) -> int:
        """The largest answer body accepted (after decompression)."""
        return self._max_body_bytes

    @max_body_bytes.setter
    def max_body_bytes(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**40:
            raise ValueError(f"max_body_bytes must be a whole number of bytes from 1 to 2**40, not {value!r}")
        self._max_body_bytes = value

    # -- identity ---------------------------------------------------------------------------

    def __repr__(self) -> str:
        return (
            f"<tiktoklive_sync.Session web={self.endpoints.web!r} logged_in={self.logged_in} "
            f"sign_api_key={'set' if self._sign_api_key else 'unset'}>"
        )

    @staticmethod
    def new_device_id() -> int:
        """Return a random 20-digit device id, as TikTok's web client makes them."""
        return 10**19 + secrets.randbelow(9 * 10**19)

    def regenerate_device_id(self) -> int:
        """Give the Session a fresh device id (e.g. after TikTok flagged the old one); returns it."""
        self.device_id = self.new_device_id()
        return self.device_id

    @property
    def sign_api_key(self) -> str | None:
        """The sign server API key (never shown in ``repr`` or logs)."""
        return self._sign_api_key

    @sign_api_key.setter
    def sign_api_key(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"sign_api_key must be a str, not {type(value).__name__}")
        register_secret(value)
        self._sign_api_key = value or None

    @property
    def signer(self) -> Signer:
        """The sign server client bound to this Session."""
        if self._signer is None:
            self._signer = Signer(self)
        return self._signer

    @property  # type: ignore[override]
    def verify(self) -> bool | str:
        """TLS verification: True, or the path of a CA bundle. It cannot be turned off."""
        return self._verify

    @verify.setter
    def verify(self, value: bool | str) -> None:
        self._verify = check_verify(value, "session.verify")

    # -- login cookies ----------------------------------------------------------------------

    def set_session(self, session_id: str | None, tt_target_idc: str | None = None) -> None:
        """Use a logged-in TikTok account's cookies for every TikTok request.

        Args:
            session_id: the ``sessionid`` cookie of a logged-in browser, or None to log out.
            tt_target_idc: the account's data centre cookie (``tt-target-idc``, e.g. ``eu-ttp2``).

        Raises:
            ValueError: a session id without its ``tt_target_idc``.
        """
        domain = self.endpoints.cookie_domain
        if session_id is not None and not isinstance(session_id, str):
            raise ValueError(f"session_id must be a str, not {type(session_id).__name__}")
        if session_id and not tt_target_idc:
            raise ValueError(
                "tt_target_idc must be passed with a session id: copy the 'tt-target-idc' cookie "
                "from the same browser (e.g. 'useast2a' or 'eu-ttp2')."
            )
        register_secret(session_id)
        # Secure: never sent over plain http (an http:// image or signed URL on a TikTok host)
        secure = self.endpoints.secure
        for name in SESSION_COOKIES:
            self.cookies.set(name, session_id or "", domain=domain, secure=secure)
        self.cookies.set("tt-target-idc", tt_target_idc or "", domain=domain, secure=secure)
        log.debug("session cookies set (session id %s)", redact(session_id))

    @property
    def session_id(self) -> str | None:
        """The session id set by :meth:`set_session`, or None."""
        return self.cookies.get("sessionid", domain=self.endpoints.cookie_domain) or None

    @property
    def tt_target_idc(self) -> str | None:
        """The ``tt-target-idc`` cookie in use."""
        return self.cookies.get("tt-target-idc", domain=self.endpoints.cookie_domain) or None

    @property
    def logged_in(self) -> bool:
        """True once a session id has been set."""
        return bool(self.session_id)

    def trusts_sign_host(self) -> bool:
        """True if the user named the sign server's host as allowed to receive the session id."""
        return self.endpoints.sign_host in self.trusted_sign_hosts

    # -- defaults ---------------------------------------------------------------------------

    def default_headers(self) -> dict[str, str]:
        """Return the headers of every TikTok request (PROTOCOL.md 1.3)."""
        web = self.endpoints.web.rstrip("/")
        return {
            "Connection": "keep-alive",
            "Cache-Control": "max-age=0",
            "User-Agent": self.profile.user_agent,
            "Accept": "text/html,application/json,application/protobuf",
            "Referer": web + "/",
            "Origin": web,
            "Accept-Language": "en-US,en;q=0.9",
            "Accept-Encoding": "gzip, deflate",
            "Sec-Fetch-Site": "same-site",
            "Sec-Fetch-Mode": "cors",
            "Sec-Fetch-Dest": "empty",
            "Sec-Fetch-Ua-Mobile": "?0",
        }

    def default_params(self) -> dict[str, str]:
        """Return the query parameters of every webcast / api-live request (PROTOCOL.md 1.2).

        Values are raw; requests percent-encodes them exactly once.
        """
        p = self.profile
        return {
            "aid": "1988",
            "app_language": p.language,
            "app_name": "tiktok_web",
            "browser_language": p.lang_country,
            "browser_name": p.browser_name,
            "browser_online": "true",
            "browser_platform": p.browser_platform,
            "browser_version": p.browser_version,
            "cookie_enabled": "true",
            "device_platform": "web_pc",
            "focus_state": "true",
            "from_page": "",
            "history_len": str(p.history_len),
            "is_fullscreen": "false",
            "is_page_visible": "true",
            "screen_height": str(p.screen_height),
            "screen_width": str(p.screen_width),
            "tz_name": p.tz_name,
            "channel": "tiktok_web",
            "data_collection_enabled": "true",
            "os": p.os,
            "priority_region": p.country,
            "region": p.country,
            "user_is_login": "true" if self.logged_in else "false",
            "webcast_language": p.language,
            "msToken": "",
            "device_id": str(self.device_id),
        }

    def api_params(self, **extra: Any) -> dict[str, str]:
        """Return :meth:`default_params` with ``extra`` on top (None values are left out)."""
        params = self.default_params()
        params.update({k: str(v) for k, v in extra.items() if v is not None})
        return params

    # -- sending ----------------------------------------------------------------------------

    def request(  # type: ignore[override]
        self, method: str, url: str | bytes, *args: Any, retry: bool = True, **kwargs: Any
    ) -> requests.Response:
        """Send a request with the Session's default timeout and retry policy.

        Like ``requests.Session.request``, plus ``retry=False`` to send exactly once. A ``timeout``
        of None means the Session's default (never "wait forever"). The limits and the retries are
        applied by the transport adapter (so ``Session.send`` gets them too).

        Returns:
            the ``requests.Response`` (after retries, the last one).
        Raises:
            ValueError: a ``verify`` other than True or a CA bundle path, or a bad ``timeout``.
            ResponseTooLargeError: the body passed :attr:`max_body_bytes`.
            requests.RequestException: transport failures, after retries.
        """
        if args:
            raise TypeError("pass request options by keyword (params=..., data=...)")
        if "verify" in kwargs and kwargs["verify"] is not None:
            check_verify(kwargs["verify"])
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        else:
            kwargs["timeout"] = _check_timeout(kwargs["timeout"])
        with one_deadline(self.deadline):  # redirects included: one deadline for the whole call
            if retry:
                return super().request(method, url, **kwargs)
            with retries_disabled():
                return super().request(method, url, **kwargs)

    def cookie_header(self, url: str | None = None) -> str:
        """Return the cookies a request to ``url`` (default: the web host) would carry, as a header."""
        prepared = requests.Request("GET", url or self.endpoints.web_url("/")).prepare()
        prepared.prepare_cookies(self.cookies)
        return prepared.headers.get("Cookie", "")


def _check_timeout(timeout: Any) -> float | tuple[float, float]:
    """Return ``timeout`` if it is finite positive seconds or a ``(connect, read)`` pair of them."""
    if isinstance(timeout, (tuple, list)):
        if len(timeout) != 2:
            raise ValueError(f"timeout must be seconds or a (connect, read) pair, not {timeout!r}")
        return (
            positive_number("timeout (connect)", timeout[0], maximum=_MAX_SECONDS),
            positive_number("timeout (read)", timeout[1], maximum=_MAX_SECONDS),
        )
    return positive_number("timeout", timeout, maximum=_MAX_SECONDS)


def _budget(rate: float | None) -> RequestBudget | None:
    """The Session's :class:`RequestBudget` (taken by the transport adapter once per attempt), or None."""
    if rate is None:
        return None
    return RequestBudget(positive_number("max_requests_per_second (a request rate)", rate, maximum=1e6))

