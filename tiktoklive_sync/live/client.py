"""LiveClient: a room's live events in a plain blocking loop (PROTOCOL.md 4).

The client resolves the room id, checks the room is live, connects (directly or through the sign
server), enters the room, sends heartbeats on a thread, acks the batches that ask for it, and turns
frames into typed events. A dropped or silent connection is replaced (tenacity backoff, a new URL
every time, resuming from the last cursor); messages already delivered are dropped by msg_id. The
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
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace
from types import TracebackType
from typing import Any, Literal, TypeVar

from .._session import Session
from ..errors import UserOfflineError
from ..events._base import Event
from ..events._lifecycle import ConnectEvent, DisconnectEvent, LiveStats
from ..events._room import LiveEndEvent
from ..proto.envelope_pb2 import WebcastPushFrame
from ..routes._common import check_room_id, normalize_unique_id
from ..routes.is_live import fetch_is_live
from ..routes.room_id import fetch_room_id
from ._checkpoint import CHECKPOINT_IDS, LiveCheckpoint
from ._connection import PushConnection, PushConnectionClosed
from ._connector import Connector, LiveConnection, Stopped
from ._decode import batch_events
from ._handlers import Handlers
from ._protocol import Batch, RecentIds, unpack_batch
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
        self._cursor: str | None = None
        self._internal_ext: str | None = None
        if resume is not None:
            self._resume_from(resume)
        self._stopping = False
        self._running = False
        self._live: LiveConnection | None = None
        self._connector = Connector(
            self.session, self.settings, self.stats, connect=connect, unique_id=self.unique_id,
            should_stop=lambda: self._stopping,
        )

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
        return self._live is not None and self._live.conn.connected

    @property
    def mode(self) -> str | None:
        """How the current connection got in: ``"direct"``, ``"sign"``, or None when not connected."""
        return self._live.conn.target.mode if self._live is not None else None

    @property
    def cursor(self) -> str | None:
        """The cursor of the last batch received (where a reconnect resumes)."""
        return self._cursor

    def checkpoint(self, max_ids: int = CHECKPOINT_IDS) -> LiveCheckpoint:
        """Return where this client stands: cursor, internal_ext and the last ``max_ids`` msg_ids.

        Safe to call from another thread while the client runs (a consistent-enough snapshot: at
        worst a few ids of the batch being delivered are missing, which a resume then repeats).

        Raises:
            RuntimeError: the room id is not known yet (nothing received, nothing resolved).
        """
        if self._room_id is None:
            raise RuntimeError("no checkpoint before the room id is known (resolve_room_id() or run first)")
        return LiveCheckpoint(room_id=self._room_id, cursor=self._cursor, internal_ext=self._internal_ext,
                              recent_msg_ids=tuple(self._seen.recent(max_ids)))

    def _resume_from(self, resume: LiveCheckpoint) -> None:
        if not isinstance(resume, LiveCheckpoint):
            raise ValueError(f"resume must be a LiveCheckpoint, not {type(resume).__name__}")
        if self._room_id is not None and resume.room_id != self._room_id:
            log.info("ignoring a checkpoint of room %d for room %d", resume.room_id, self._room_id)
            return
        if self._room_id is None:
            self._room_id = resume.room_id
        self._cursor, self._internal_ext = resume.cursor, resume.internal_ext
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

        The push socket is shut down at once (no locks taken, so a signal handler may call this);
        the iterator then ends with a DisconnectEvent, at the latest within ``poll_interval``
        seconds, or as soon as an HTTP request in flight (room lookup, sign server) returns.
        A stop while no run is in progress ends the next :meth:`events` / :meth:`run` at once
        (so a stop that races a worker thread's start is never lost); each stop ends one run.
        """
        self._stopping = True
        live = self._live
        if live is not None:
            live.conn.abort()

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
            WebcastBlocked200Error: TikTok refused the WebSocket handshake (status 200, or
                ``DEVICE_BLOCKED`` with nothing left to fall back to). Not retried.
            SignAPIError: the sign server failed (after retries, for the transient failures).
            requests.RequestException, ConnectionError: the network failed after retries.
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
            yield self._count(ConnectEvent(unique_id=self.unique_id, room_id=room_id, mode=conn.target.mode,
                                           reconnect=reconnect))
            first = conn.target.first_batch
            ended = False
            if first is not None and self.settings.process_first_batch:
                batch = Batch.from_result(first)
                self._remember(batch)
                ended = yield from self._deliver(batch_events(batch, seen=self._seen, stats=self.stats))
            outcome: str | PushConnectionClosed = "live ended" if ended else (yield from self._pump(conn))
            self._close_connection()
            if isinstance(outcome, PushConnectionClosed):
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

    def _pump(self, conn: PushConnection) -> Generator[Event, None, str | PushConnectionClosed]:
        """Read frames until the connection ends; yield their events; return why it ended."""
        settings = self.settings
        last = time.monotonic()
        while True:
            if self._stopping:
                return "stopped"
            try:
                frame = conn.recv(settings.poll_interval)
            except PushConnectionClosed as closed:
                return "stopped" if self._stopping else closed
            if frame is None:
                if time.monotonic() - last > settings.stale_timeout:
                    log.warning("no frame for %.1f s: treating the socket as stale", settings.stale_timeout)
                    return f"stale socket (no frame for {settings.stale_timeout:g} s)"
                continue
            self.stats.frames += 1
            events = self._handle_frame(conn, frame)
            if events and (yield from self._deliver(events)):
                return "live ended"
            last = time.monotonic()

    def _deliver(self, events: Iterable[Event]) -> Generator[Event, None, bool]:
        """Yield ``events``; return True if one of them ended the live."""
        for event in events:
            yield self._count(event)
            if isinstance(event, LiveEndEvent):
                return True
            if self._stopping:
                return False
        return False

    def _count(self, event: E) -> E:
        self.stats.events += 1
        return event

    def _handle_frame(self, conn: PushConnection, frame: WebcastPushFrame) -> Iterator[Event]:
        if frame.payload_type != "msg":
            log.debug("ignoring a %r frame", frame.payload_type)
            return iter(())
        try:
            batch = unpack_batch(frame)
        except Exception as exc:
            self.stats.undecodable += 1
            log.warning("skipping a frame that did not decode: %s", exc)
            return iter(())
        if batch.need_ack:
            try:
                conn.send_ack(frame.log_id, batch.internal_ext)
                self.stats.acks += 1
            except PushConnectionClosed as exc:
                log.debug("could not ack frame %d: %s", frame.log_id, exc)
        self._remember(batch)
        return batch_events(batch, seen=self._seen, stats=self.stats)

    def _remember(self, batch: Batch) -> None:
        if batch.cursor:
            self._cursor = batch.cursor
        if batch.internal_ext:
            self._internal_ext = batch.internal_ext

    # -- connecting -------------------------------------------------------------------------------

    def _connect(self, room_id: int) -> PushConnection:
        live = self._connector.open(room_id, cursor=self._cursor, internal_ext=self._internal_ext)
        self._live = live
        return live.conn

    def _close_connection(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            live.close()

    def _room_over(self, room_id: int) -> bool:
        """True if the room is known to be no longer live (False when that cannot be told)."""
        try:
            return not fetch_is_live(self.session, room_id=room_id)
        except Exception as exc:
            log.debug("could not check whether room %d is live: %s", room_id, exc)
            return False
