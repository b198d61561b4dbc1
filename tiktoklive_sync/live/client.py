"""LiveClient: a room's live events in a plain blocking loop (PROTOCOL.md 4).

The client resolves the room id, checks the room is live, connects (directly or through the sign
server: :mod:`._dial`), enters the room, and reads it on the caller's thread alone (:mod:`._loop`:
heartbeats ride the read's time-out, batches are acked and turned lazily into typed events).
A dropped or silent connection is replaced (tenacity backoff, a new URL every time, resuming from
the last cursor); messages already delivered are dropped by msg_id. The
iterator ends at :class:`LiveEndEvent` or :meth:`LiveClient.stop`.

Example::

    import tiktoklive_sync as tls

    with tls.LiveClient("someone") as client:
        for event in client.events():
            if isinstance(event, tls.CommentEvent):
                print(event.user.nickname, event.comment)

    client = tls.LiveClient("someone")

    @client.on(tls.GiftEvent)
    def on_gift(event): ...

    client.run()      # blocks; client.stop() from another thread or a signal handler ends it
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from types import TracebackType
from typing import Any, Literal, TypeVar

from .._backoff import Stopped
from .._session import Session
from ..errors import PushConnectionError, UserOfflineError
from ..events._base import Event
from ..events._lifecycle import ConnectEvent, DisconnectEvent, LiveStats
from ..routes._common import check_room_id, normalize_unique_id
from ..routes.is_live import fetch_is_live
from ..routes.room_id import fetch_room_id
from ._checkpoint import CHECKPOINT_IDS, LiveCheckpoint
from ._connection import PushConnection
from ._decode import batch_events
from ._dial import Dialer
from ._handlers import Handlers
from ._loop import Outcome, deliver, run_connection
from ._protocol import Batch, RecentIds, RoomState
from ._settings import LiveSettings

__all__ = ["LiveClient", "CONNECT_MODES"]

log = logging.getLogger("tiktoklive_sync")

#: the values of ``LiveClient(connect=...)``
CONNECT_MODES = ("auto", "direct", "sign")
E = TypeVar("E", bound=Event)


class LiveClient(Handlers):
    """Watch one TikTok LIVE room: a blocking iterator of events, or handlers plus :meth:`run`.

    Args:
        unique_id: the creator's @handle (with or without ``@``); or pass ``room_id``.
        room_id: the room id, if known (skips resolving it from the unique id).
        session: the :class:`~tiktoklive_sync.Session` to use (default: a new one, closed with the
            client). Its Endpoints, proxies, sign API key and cookies apply.
        connect: ``"auto"`` (default: direct first, the sign server when TikTok refuses the direct
            handshake; once refused, later reconnects go straight to the sign server), ``"direct"``
            (never the sign server) or ``"sign"`` (always the sign server).
        settings: timing and limits (:class:`LiveSettings`); ``**options`` override its fields,
            e.g. ``LiveClient("x", stale_timeout=30, heartbeat_interval=5)``.
        resume: a :class:`LiveCheckpoint` (from :meth:`checkpoint`, possibly of another process):
            enter the room after its cursor and drop the msg_ids it lists. With ``unique_id`` its
            room id is the room watched; a checkpoint of another room than ``room_id`` is ignored.

    Raises:
        ValueError: neither or both of ``unique_id`` / ``room_id``, a bad ``connect`` value, or an
            unknown / invalid option.
    """

    def __init__(
        self,
        unique_id: str | None = None,
        *,
        room_id: int | str | None = None,
        session: Session | None = None,
        connect: Literal["auto", "direct", "sign"] = "auto",
        settings: LiveSettings | None = None,
        resume: LiveCheckpoint | None = None,
        **options: Any,
    ) -> None:
        if (unique_id is None) == (room_id is None):
            raise ValueError("LiveClient needs exactly one of unique_id ('someone') and room_id=...")
        if connect not in CONNECT_MODES:
            raise ValueError(f"connect must be one of {', '.join(CONNECT_MODES)}, not {connect!r}")
        try:
            self.settings = replace(settings or LiveSettings(), **options)
        except TypeError as exc:
            raise ValueError(f"unknown LiveClient option: {exc}") from None
        self.unique_id = normalize_unique_id(unique_id) if unique_id is not None else None
        self._room_id = check_room_id(room_id) if room_id is not None else None
        self._own_session = session is None
        self.session = session if session is not None else Session()
        self.connect = connect
        self.stats = LiveStats()
        super().__init__()
        self._seen = RecentIds(self.settings.dedupe_size)
        self._state = RoomState(self._room_id or 0)
        if resume is not None:
            self._resume_from(resume)
        self._stopping = False
        self._running = False
        self._conn: PushConnection | None = None
        self._dialer = Dialer(self.session, self.settings, connect=connect, unique_id=self.unique_id,
                              stopping=lambda: self._stopping)

    def __repr__(self) -> str:
        who = f"@{self.unique_id}" if self.unique_id else f"room {self._room_id}"
        state = "connected" if self.connected else "running" if self._running else "idle"
        return f"<LiveClient {who} connect={self.connect!r} {state}>"

    # -- state ----------------------------------------------------------------------------------

    @property
    def room_id(self) -> int | None:
        """The room id (None until resolved from the unique id)."""
        return self._room_id

    @property
    def connected(self) -> bool:
        """True while a push connection is open."""
        conn = self._conn
        return conn is not None and conn.connected

    @property
    def mode(self) -> str | None:
        """How the current connection got in: ``"direct"``, ``"sign"``, or None when not connected."""
        conn = self._conn
        return conn.target.mode if conn is not None else None

    @property
    def cursor(self) -> str | None:
        """The cursor of the last batch received (where a reconnect resumes)."""
        return self._state.cursor

    def checkpoint(self, max_ids: int = CHECKPOINT_IDS) -> LiveCheckpoint:
        """Return where this client stands: cursor, internal_ext and the last ``max_ids`` msg_ids.

        Safe to call from another thread while the client runs (a consistent-enough snapshot: at
        worst a few ids of the batch being delivered are missing, which a resume then repeats).

        Raises:
            RuntimeError: the room id is not known yet (nothing received, nothing resolved).
        """
        if self._room_id is None:
            raise RuntimeError("no checkpoint before the room id is known (resolve_room_id() or run first)")
        return LiveCheckpoint(room_id=self._room_id, cursor=self._state.cursor, internal_ext=self._state.internal_ext,
                              recent_msg_ids=tuple(self._seen.recent(max_ids)))

    def _resume_from(self, resume: LiveCheckpoint) -> None:
        if not isinstance(resume, LiveCheckpoint):
            raise ValueError(f"resume must be a LiveCheckpoint, not {type(resume).__name__}")
        if self._room_id is not None and resume.room_id != self._room_id:
            log.info("ignoring a checkpoint of room %d for room %d", resume.room_id, self._room_id)
            return
        if self._room_id is None:
            self._room_id = resume.room_id
        self._state.cursor, self._state.internal_ext = resume.cursor, resume.internal_ext
        self._seen.update(resume.recent_msg_ids)

    def resolve_room_id(self) -> int:
        """Return the room id, resolving it from the unique id on first use.

        Raises:
            UserOfflineError: the live page says the creator is not live.
            UserNotFoundError, FailedParseRoomIdError: no room id could be had.
            requests.RequestException: transport failures.
        """
        if self._room_id is None:
            assert self.unique_id is not None
            self._room_id = fetch_room_id(self.session, self.unique_id)
        return self._room_id

    # -- running --------------------------------------------------------------------------------

    def run(self) -> None:
        """Receive events and call the registered handlers until the live ends or :meth:`stop`.

        Raises:
            the errors of :meth:`events`.
        """
        for event in self.events():
            self.dispatch(event)

    def stop(self) -> None:
        """Ask the client to stop; returns at once. Safe from any thread and from a signal handler.

        The push socket is shut down at once, a pending handshake included (no locks taken, so a
        signal handler may call this); the iterator then ends with a DisconnectEvent within one
        event's work, or as soon as an HTTP request in flight (room lookup, sign server) returns.
        A stop while no run is in progress ends the next :meth:`events` / :meth:`run` at once
        (so a stop that races a worker thread's start is never lost); each stop ends one run.
        """
        self._stopping = True
        conn = self._conn
        if conn is not None:
            conn.abort()
        self._dialer.abort()

    @property
    def stopping(self) -> bool:
        """True after :meth:`stop` until the run it stopped has ended."""
        return self._stopping

    def close(self) -> None:
        """Stop, close the connection, and close the Session if the client made it."""
        self.stop()
        self._close_connection()
        if self._own_session:
            self.session.close()

    def __enter__(self) -> LiveClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def events(self) -> Iterator[Event]:
        """Yield the room's events as they arrive: a blocking iterator.

        The first event is a :class:`ConnectEvent`; a :class:`DisconnectEvent` follows every
        connection's end. A connection that drops or goes silent (``stale_timeout``) is replaced,
        resuming after the last batch received, unless the room is no longer live; messages already
        delivered are not delivered again. The iterator ends after a :class:`LiveEndEvent`, after
        :meth:`stop`, or when a dropped room turns out to be offline.

        Raises:
            RuntimeError: the client is already running (one events()/run() at a time).
            UserOfflineError: the room is not live.
            UserNotFoundError, FailedParseRoomIdError, MissingRoomIdInResponse: the room could not
                be found.
            WebSocketRefusedError: TikTok refused the WebSocket handshake (status 200, or
                ``DEVICE_BLOCKED`` with nothing left to fall back to); a WebcastBlocked200Error.
                Not retried.
            SignAPIError: the sign server failed (after retries, for the transient failures).
            requests.RequestException: the network failed after retries (for the push socket a
                PushConnectionError, which is a requests.ConnectionError).
        """
        if self._running:
            raise RuntimeError("this LiveClient is already running; use one events()/run() at a time")
        self._running = True
        try:
            yield from self._loop()
        finally:
            self._close_connection()
            self._stopping = False  # the stop (if any) has done its job: the client may run again
            self._running = False

    # -- the loop ---------------------------------------------------------------------------------

    def _loop(self) -> Iterator[Event]:
        if self._stopping:  # stopped before the run began
            return
        room_id = self.resolve_room_id()
        if not fetch_is_live(self.session, room_id=room_id):
            who = f"@{self.unique_id}" if self.unique_id else "The creator"
            raise UserOfflineError(f"{who} (room {room_id}) is not live.")
        reconnect = False
        while True:
            try:
                conn = self._connect(room_id)
            except Stopped:
                return
            except Exception:
                if reconnect and self._room_over(room_id):
                    log.info("room %d is no longer live; not reconnecting", room_id)
                    return
                raise
            self.stats.connections += 1
            self.stats.heartbeats += 1  # the first one, sent on entering
            yield self._count(ConnectEvent(unique_id=self.unique_id, room_id=room_id, mode=conn.target.mode,
                                           reconnect=reconnect))
            first = conn.target.first_batch
            stopping = self._is_stopping
            ended = False
            if first is not None and self.settings.process_first_batch:
                batch = Batch.from_result(first, max_messages=self.settings.max_messages_per_frame)
                self._state.remember(batch)
                ended = yield from deliver(batch_events(batch, seen=self._seen, stats=self.stats), self.stats,
                                           stopping)
            outcome: Outcome = "live ended" if ended else (yield from run_connection(
                conn, self._state, self.settings, self.stats, self._seen, stopping=stopping))
            self._close_connection()
            if isinstance(outcome, PushConnectionError):
                reason, code = outcome.reason, outcome.code
            else:
                reason, code = outcome, None
            again = outcome not in ("live ended", "stopped") and self.settings.reconnect and not self._stopping
            if again and self._room_over(room_id):  # e.g. a clean close after the host ended the live
                again, reason = False, f"{reason}; the room is no longer live"
            yield self._count(DisconnectEvent(room_id=room_id, reason=reason, code=code, reconnecting=again))
            if not again:
                return
            log.warning("connection to room %d ended (%s); reconnecting", room_id, reason)
            reconnect = True

    def _is_stopping(self) -> bool:
        return self._stopping

    def _count(self, event: E) -> E:
        self.stats.events += 1
        return event

    # -- connecting -------------------------------------------------------------------------------

    def _connect(self, room_id: int) -> PushConnection:
        self._state.room_id = room_id
        conn = self._dialer.dial(self._state)
        self._conn = conn
        if self._stopping:  # a stop that came while the handshake finished
            conn.abort()
        return conn

    def _close_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _room_over(self, room_id: int) -> bool:
        """True if the room is known to be no longer live (False when that cannot be told)."""
        try:
            return not fetch_is_live(self.session, room_id=room_id)
        except Exception as exc:
            log.debug("could not check whether room %d is live: %s", room_id, exc)
            return False
