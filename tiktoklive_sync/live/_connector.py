"""Getting a LiveClient into its room: the way in, retries with backoff, enter-room and heartbeats.

:class:`Connector` opens one :class:`LiveConnection` per call of :meth:`Connector.open`: it picks
the way in (``"direct"``, ``"sign"``, or ``"auto"``: direct first, then the sign server once TikTok
refuses the direct handshake), builds a fresh target (a new signed URL every time), retries
transient failures under a tenacity policy whose waits end early when the client is stopped, then
enters the room and starts the heartbeat thread.

Example::

    connector = Connector(session, settings, stats, connect="auto", unique_id="someone",
                          should_stop=lambda: stopping)
    live = connector.open(room_id, cursor=None, internal_ext=None)
    try:
        frame = live.conn.recv(timeout=0.25)
    finally:
        live.close()
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import tenacity

from .._session import Session
from ..events._lifecycle import LiveStats
from ._connection import PushConnection, PushConnectionClosed, WebSocketHandshakeRefused
from ._dialer import direct_target, sign_target
from ._settings import LiveSettings, is_transient

__all__ = ["Connector", "LiveConnection", "Stopped"]

log = logging.getLogger("tiktoklive_sync")


class Stopped(Exception):
    """The client was stopped while connecting or waiting between attempts."""


class LiveConnection:
    """A push connection that has entered its room, and the thread that sends its heartbeats.

    Attributes:
        conn: the :class:`PushConnection`.
        interval: the heartbeat period in use, in seconds.
    """

    def __init__(self, conn: PushConnection, interval: float, stats: LiveStats) -> None:
        self.conn = conn
        self.interval = interval
        self._stats = stats
        self._halt = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"tiktoklive-heartbeat-{conn.room_id}", daemon=True
        )
        self._thread.start()

    def _beat(self) -> None:
        while not self._halt.wait(self.interval):
            try:
                self.conn.send_heartbeat()
            except PushConnectionClosed as exc:
                log.debug("heartbeat thread ends: %s", exc)
                return
            self._stats.heartbeats += 1

    def close(self) -> None:
        """Stop the heartbeats and close the socket. Safe to call twice."""
        self._halt.set()
        self.conn.close()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)


class Connector:
    """Opens connections for one client (see the module docstring).

    Args:
        session: the Session (endpoints, cookies, sign server, browser profile).
        settings: timing and limits.
        stats: the client's counters (heartbeats are counted here).
        connect: ``"auto"``, ``"direct"`` or ``"sign"``.
        unique_id: the creator's handle, passed to the sign server when known.
        should_stop: returns True once the client has been asked to stop.
    """

    def __init__(
        self, session: Session, settings: LiveSettings, stats: LiveStats, *, connect: str,
        unique_id: str | None, should_stop: Callable[[], bool],
    ) -> None:
        self.session = session
        self.settings = settings
        self.stats = stats
        self.connect = connect
        self.unique_id = unique_id
        self.should_stop = should_stop
        #: set once TikTok refused the direct handshake in "auto" mode: later connections use the sign server
        self.direct_refused = False

    def open(self, room_id: int, *, cursor: str | None, internal_ext: str | None) -> LiveConnection:
        """Connect (retrying transient failures), enter the room and start heartbeats.

        Args:
            cursor, internal_ext: where to resume (the last batch received), or None.
        Returns:
            the open :class:`LiveConnection`.
        Raises:
            Stopped: the client was stopped meanwhile.
            WebcastBlocked200Error: TikTok refused the handshake and there is nothing to fall back to.
            the last transient error once ``settings.connect_attempts`` tries have failed.
        """
        s = self.settings
        retrying = tenacity.Retrying(
            stop=lambda state: state.attempt_number >= s.connect_attempts or self._asked_too_long(state),
            wait=self._backoff,
            retry=tenacity.retry_if_exception(is_transient),
            sleep=self._sleep,
            before_sleep=lambda state: log.warning(
                "connecting to room %d failed (%r); attempt %d of %d", room_id,
                state.outcome.exception() if state.outcome else None, state.attempt_number, s.connect_attempts,
            ),
            reraise=True,
        )
        return retrying(self._open_once, room_id, cursor, internal_ext)

    def _backoff(self, state: tenacity.RetryCallState) -> float:
        """Exponential backoff with jitter, never shorter than what the server asked (Retry-After)."""
        s = self.settings
        wait = tenacity.wait_exponential_jitter(
            multiplier=s.backoff_initial, max=s.backoff_max, jitter=s.backoff_initial
        )
        seconds = float(wait(state))
        asked = _asked_wait(state)
        return max(seconds, asked) if asked is not None else seconds

    def _asked_too_long(self, state: tenacity.RetryCallState) -> bool:
        """Stop retrying when the server asks for a longer wait than ``backoff_max``.

        Retrying sooner than asked would only prolong a rate limit; the error, which carries
        ``retry_after``, is raised to the caller instead.
        """
        asked = _asked_wait(state)
        if asked is None or asked <= self.settings.backoff_max:
            return False
        log.warning("the server asked to wait %.1f s before retrying (over backoff_max, %.1f s): giving up",
                    asked, self.settings.backoff_max)
        return True

    def _sleep(self, seconds: float) -> None:
        """Wait between attempts in slices, so a stop is honoured within ``poll_interval``."""
        deadline = time.monotonic() + seconds
        while not self.should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, self.settings.poll_interval))
        raise Stopped()

    def _modes(self) -> list[str]:
        if self.connect == "auto":
            return ["sign"] if self.direct_refused else ["direct", "sign"]
        return [self.connect]

    def _open_once(self, room_id: int, cursor: str | None, internal_ext: str | None) -> LiveConnection:
        for mode in self._modes():
            if self.should_stop():
                raise Stopped()
            try:
                conn = self._handshake(mode, room_id, cursor, internal_ext, fresh_cookie=False)
            except WebSocketHandshakeRefused as refused:
                if mode == "direct" and self.connect == "auto":
                    log.warning("TikTok refused the direct WebSocket (%s); falling back to the sign server",
                                refused.handshake_msg or f"HTTP {refused.status}")
                    self.direct_refused = True
                    continue
                if not (mode == "direct" and refused.device_blocked):
                    raise
                log.warning("TikTok blocked this device (DEVICE_BLOCKED); retrying with a fresh ttwid cookie")
                conn = self._handshake(mode, room_id, cursor, internal_ext, fresh_cookie=True)
            return self._enter(conn)
        raise RuntimeError("no way in left to try")  # unreachable: the last mode never continues

    def _handshake(
        self, mode: str, room_id: int, cursor: str | None, internal_ext: str | None, *, fresh_cookie: bool
    ) -> PushConnection:
        s = self.settings
        if mode == "direct":
            target = direct_target(self.session, room_id, cursor=cursor, internal_ext=internal_ext,
                                   fresh_cookie=fresh_cookie, compress=s.compress)
        else:
            target = sign_target(self.session, room_id, unique_id=self.unique_id, cursor=cursor, compress=s.compress)
        conn = PushConnection(target, room_id=room_id, connect_timeout=s.connect_timeout)
        conn.open()
        return conn

    def _enter(self, conn: PushConnection) -> LiveConnection:
        """Enter the room, send the first heartbeat at once, then start the heartbeat thread."""
        try:
            conn.send_enter_room()
            conn.send_heartbeat()
        except PushConnectionClosed:
            conn.close()
            raise
        self.stats.heartbeats += 1
        s = self.settings
        interval = s.heartbeat_interval or min(conn.ping_interval or s.default_heartbeat, s.max_heartbeat)
        log.debug("entered room %d (%s); heartbeat every %.2f s", conn.room_id, conn.target.mode, interval)
        return LiveConnection(conn, interval, self.stats)


def _asked_wait(state: tenacity.RetryCallState) -> float | None:
    """The wait the last failure asked for (its ``retry_after``, e.g. a 429's Retry-After), or None."""
    asked = getattr(state.outcome.exception() if state.outcome else None, "retry_after", None)
    return float(asked) if isinstance(asked, (int, float)) and asked > 0 else None
