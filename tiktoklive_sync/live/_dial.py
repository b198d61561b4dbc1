"""Getting into a room's push server: the two ways in, the choice between them, retries with backoff.

- **sign** (PROTOCOL.md 4.1): ask the sign server for the room's first webcast response
  (:func:`~tiktoklive_sync.routes.fetch_signed_websocket`, which also stores TikTok's cookies), build
  the push URL from it, and ask for the ``echo-protocol`` subprotocol.
- **direct** (PROTOCOL.md 4.6): an anonymous ``ttwid`` cookie, taken from the creator's profile or
  live page first and TikTok's home page last, then the well-known push endpoint
  (``Endpoints.ws_direct``) with ``Origin: https://www.tiktok.com`` and no subprotocol, as TikTok's
  direct clients connect. TikTok may refuse it (``DEVICE_BLOCKED``).

:class:`Dialer` opens one connection per :meth:`Dialer.dial`: ``"auto"`` tries direct first and
falls back to the sign server on any failed direct handshake (then stays on the sign server for later
reconnects); a target is built for every attempt (signed URLs expire within ~30 s); transient failures
are retried under a tenacity policy made of :mod:`tiktoklive_sync._backoff`'s parts, configured by
:class:`~tiktoklive_sync.LiveSettings`; the wait between attempts ends at once on ``stop()``. The
connection being opened is kept in :attr:`Dialer.opening`, so ``stop()`` can abort a pending handshake.

Example::

    dialer = Dialer(session, settings, connect="auto", unique_id="someone", stopping=lambda: flag)
    conn = dialer.dial(RoomState(room_id))      # connected, in the room, first heartbeat sent
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import tenacity
from requests.utils import select_proxy

from .._backoff import StopAwareSleep, Stopped, exponential, server_directed, stop_when_asked_longer
from .._session import Session
from ..errors import InitialCursorMissingError, PushConnectionError, WebSocketRefusedError
from ..routes.websocket import fetch_signed_websocket
from ._connection import SUBPROTOCOL, PushConnection, WebSocketTarget
from ._protocol import RoomState
from ._settings import LiveSettings, is_transient
from ._urls import build_direct_url, build_sign_url, cookie_header_for

__all__ = ["Dialer", "TTWID", "direct_target", "ensure_ttwid", "sign_target", "ttwid_pages"]

log = logging.getLogger("tiktoklive_sync")

#: the anonymous cookie the direct WebSocket needs
TTWID = "ttwid"


def _trusted_hosts(session: Session) -> list[str]:
    """Hosts that may receive the login cookies: TikTok's cookie domain and the direct WS host."""
    return [session.endpoints.cookie_domain, urlsplit(session.endpoints.ws_direct).hostname or ""]


def _held_ttwid(session: Session) -> str | None:
    return next((c.value for c in session.cookies if c.name == TTWID and c.value), None)


def ttwid_pages(unique_id: str | None) -> list[str]:
    """The pages asked for a ``ttwid``, in order: the creator's profile page, then the home page.

    The creator's live page is not among them: resolving the room id has fetched it already, so a
    ``ttwid`` it set is in the Session and no page is asked at all.
    """
    return ([f"/@{quote(unique_id)}"] if unique_id else []) + ["/"]


def ensure_ttwid(session: Session, *, unique_id: str | None = None, fresh: bool = False) -> str:
    """Return the Session's anonymous ``ttwid`` cookie, fetching TikTok pages until one sets it.

    Args:
        unique_id: the creator, whose profile page is asked first (TikTok's home page no longer
            reliably sets the cookie); the home page is the last resort.
        fresh: drop the cookie held now and get a new one (after a ``DEVICE_BLOCKED`` refusal).
    Raises:
        WebSocketRefusedError: no page set a ``ttwid`` (the direct way in is closed).
        requests.RequestException: a page could not be fetched.
    """
    if fresh:
        for cookie in [c for c in session.cookies if c.name == TTWID]:
            session.cookies.clear(cookie.domain, cookie.path, cookie.name)
    else:
        held = _held_ttwid(session)
        if held:
            return held
    status = None
    for page in ttwid_pages(unique_id):
        response = session.get(session.endpoints.web_url(page))
        response.close()
        status = response.status_code
        held = _held_ttwid(session)
        if held:
            log.debug("got a ttwid cookie from %s", page)
            return held
    raise WebSocketRefusedError(
        "No TikTok page set the anonymous 'ttwid' cookie, so the direct WebSocket cannot be opened.",
        mode="direct", status=status,
    )


def _ca_bundle(session: Session) -> str | None:
    verify = session.verify
    return verify if isinstance(verify, str) else None


def _proxy(session: Session, ws_url: str) -> str | None:
    """The proxy requests would use for this URL (Session proxies, then the environment), or None."""
    http_url = "https" + ws_url[3:] if ws_url.startswith("wss") else "http" + ws_url[2:]
    settings = session.merge_environment_settings(http_url, {}, None, None, None)
    return select_proxy(http_url, settings["proxies"])


def direct_target(
    session: Session, room_id: int, *, unique_id: str | None = None, cursor: str | None = None,
    internal_ext: str | None = None, fresh_cookie: bool = False, compress: bool = True,
) -> WebSocketTarget:
    """Build a target for the direct way in (no sign server, no subprotocol).

    Raises:
        WebSocketRefusedError: no ``ttwid`` cookie could be had.
        requests.RequestException: a TikTok page could not be fetched.
    """
    ensure_ttwid(session, unique_id=unique_id, fresh=fresh_cookie)
    url = build_direct_url(session.endpoints.ws_direct, room_id, session.profile, cursor=cursor,
                           internal_ext=internal_ext, compress=compress)
    return WebSocketTarget(
        url=url, cookie=cookie_header_for(session.cookies, url, _trusted_hosts(session)),
        user_agent=session.profile.user_agent, origin=session.endpoints.web.rstrip("/"), mode="direct",
        ca_bundle=_ca_bundle(session), proxy=_proxy(session, url), subprotocols=(),
    )


def sign_target(
    session: Session, room_id: int, *, unique_id: str | None = None, cursor: str | None = None,
    compress: bool = True,
) -> WebSocketTarget:
    """Build a target through the sign server: a new first webcast response and a new signed URL.

    Raises:
        InitialCursorMissingError: the response has no cursor.
        WebsocketURLMissingError: the response names no push server or route parameters.
        SignAPIError: the sign server failed (``SignatureRateLimitError`` on 429, ...).
        requests.RequestException: transport failures.
    """
    first = fetch_signed_websocket(session, room_id, unique_id=unique_id, cursor=cursor)
    if not first.cursor:
        raise InitialCursorMissingError("The sign server's first webcast response has no cursor.")
    url = build_sign_url(first, room_id, session.profile, compress=compress)
    return WebSocketTarget(
        url=url, cookie=cookie_header_for(session.cookies, url, _trusted_hosts(session)),
        user_agent=session.profile.user_agent, origin=None, mode="sign", first_batch=first,
        ca_bundle=_ca_bundle(session), proxy=_proxy(session, url), subprotocols=(SUBPROTOCOL,),
    )


def _asked_wait(state: tenacity.RetryCallState) -> float | None:
    """The wait the last failure asked for (its ``retry_after``, e.g. a 429's Retry-After), or None."""
    asked = getattr(state.outcome.exception() if state.outcome else None, "retry_after", None)
    return float(asked) if isinstance(asked, (int, float)) and asked > 0 else None


class Dialer:
    """Opens push connections for one client (see the module docstring).

    Args:
        session: the Session (endpoints, cookies, sign server, browser profile).
        settings: timing, limits and the reconnect policy.
        connect: ``"auto"``, ``"direct"`` or ``"sign"``.
        unique_id: the creator's handle, when known (sign server, ttwid pages).
        stopping: returns True once ``stop()`` was called; ends a wait between attempts.
    """

    def __init__(self, session: Session, settings: LiveSettings, *, connect: str, unique_id: str | None,
                 stopping: Callable[[], bool]) -> None:
        self.session = session
        self.settings = settings
        self.connect = connect
        self.unique_id = unique_id
        self.stopping = stopping
        #: set once the direct handshake failed in "auto" mode: later connections use the sign server
        self.direct_refused = False
        #: the connection whose handshake is in progress (``stop()`` aborts it), or None
        self.opening: PushConnection | None = None

    def dial(self, state: RoomState) -> PushConnection:
        """Connect (retrying transient failures) and enter the room: enter-room, then a first heartbeat.

        Args:
            state: the room's protocol state (where to resume; the frames to send).

        Raises:
            Stopped: ``stop()`` was called meanwhile.
            WebSocketRefusedError: TikTok refused the handshake and there is nothing to fall back to.
            the last transient error once ``settings.connect_attempts`` tries have failed.
        """
        s, stopping = self.settings, self.stopping
        room_id = state.room_id

        def give_up(seconds: float) -> None:
            log.warning("the server asked to wait %.1f s before retrying (over backoff_max, %.1f s): giving up",
                        seconds, s.backoff_max)

        attempts = tenacity.stop_after_attempt(s.connect_attempts)
        asked_longer = stop_when_asked_longer(_asked_wait, s.backoff_max, give_up)
        retrying = tenacity.Retrying(
            stop=lambda state: attempts(state) or asked_longer(state),
            wait=server_directed(_asked_wait, exponential(initial=s.backoff_initial, maximum=s.backoff_max)),
            retry=tenacity.retry_if_exception(is_transient),
            sleep=StopAwareSleep(stopping, slice_seconds=0.1),
            before_sleep=lambda state: log.warning(
                "connecting to room %d failed (%r); attempt %d of %d", room_id,
                state.outcome.exception() if state.outcome else None, state.attempt_number, s.connect_attempts,
            ),
            reraise=True,
        )
        return retrying(self._dial_once, state)

    def _modes(self) -> list[str]:
        if self.connect == "auto":
            return ["sign"] if self.direct_refused else ["direct", "sign"]
        return [self.connect]

    def _dial_once(self, state: RoomState) -> PushConnection:
        conn = self._open(state.room_id, state.cursor, state.internal_ext)
        try:
            conn.send(state.enter_room())
            conn.send(state.heartbeat())
        except PushConnectionError:
            conn.close()
            raise
        return conn

    def _open(self, room_id: int, cursor: str | None, internal_ext: str | None) -> PushConnection:
        modes = self._modes()
        for mode in modes:
            if self.stopping():
                raise Stopped()
            try:
                return self._handshake(mode, room_id, cursor, internal_ext, fresh_cookie=False)
            except (WebSocketRefusedError, PushConnectionError) as failed:
                if self.stopping():
                    raise Stopped() from None
                if mode == "direct" and len(modes) > 1:
                    log.warning("the direct WebSocket handshake failed (%s); falling back to the sign server",
                                _why(failed))
                    self.direct_refused = True
                    continue
                if not (mode == "direct" and isinstance(failed, WebSocketRefusedError) and failed.device_blocked):
                    raise
                log.warning("TikTok blocked this device (DEVICE_BLOCKED); retrying with a fresh ttwid cookie")
                return self._handshake(mode, room_id, cursor, internal_ext, fresh_cookie=True)
        raise RuntimeError("no way in left to try")  # unreachable: the last mode never continues

    def _handshake(
        self, mode: str, room_id: int, cursor: str | None, internal_ext: str | None, *, fresh_cookie: bool
    ) -> PushConnection:
        s = self.settings
        if mode == "direct":
            target = direct_target(self.session, room_id, unique_id=self.unique_id, cursor=cursor,
                                   internal_ext=internal_ext, fresh_cookie=fresh_cookie, compress=s.compress)
        else:
            target = sign_target(self.session, room_id, unique_id=self.unique_id, cursor=cursor, compress=s.compress)
        conn = PushConnection(target, room_id=room_id, connect_timeout=s.connect_timeout)
        self.opening = conn
        try:
            if self.stopping():
                raise Stopped()
            conn.open()
        finally:
            self.opening = None
        return conn

    def abort(self) -> None:
        """Abort a handshake in progress (from any thread)."""
        conn = self.opening
        if conn is not None:
            conn.abort()


def _why(failed: Exception) -> str:
    if isinstance(failed, WebSocketRefusedError):
        return failed.handshake_msg or f"HTTP {failed.status}"
    return str(failed)
