"""FakeTikTok's WebSocket push server: TikTok's push protocol on 127.0.0.1 (PROTOCOL.md 4).

A :class:`PushServer` serves every connection from ONE thread running an asyncio loop (a listen
backlog of 1024), so a thousand idle connections cost nothing and a push reaches its room's
connections at once: pushing wakes them, nothing polls. It speaks what TikTok's push server
speaks: ``Handshake-Options: ping-interval=N``, gzipped ``msg`` frames holding a
ProtoMessageFetchResult, answers to ``im_enter_room`` and ``hb``; it never answers a WebSocket
ping. What each way in requires is :mod:`._handshake`'s; frames are built in :mod:`._push_frames`.

Every room has a feed (:mod:`._feeds`). A connection starts sending once the client has entered
the room, from the batch after the ``cursor`` in its URL, and first repeats up to ``history``
earlier batches, as TikTok repeats recent comments on every (re)connect. Batches pushed before
anyone connects wait in the feed, which keeps tests deterministic.

Faults: ``refuse_direct``, ``handshake_200``, :meth:`PushServer.push_raw` (any bytes as a frame),
drops, cuts, trickles, close codes, silence, restarts (see each method).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from ..proto.envelope_pb2 import BaseProtoMessage, ProtoMessageFetchResult, WebcastPushFrame
from ._feeds import PushFeeds
from ._handshake import DIRECT_PATH, SIGN_PATH, HandshakePolicy
from ._push_frames import batches_from_recorded, bootstrap_result
from ._push_loop import Conn, PushLoop, PushSettings, abort, cut_mid_frame
from ._push_records import AckRecord, EnterRoomRecord, HandshakeRecord, HeartbeatRecord
from .builders import live_end

__all__ = ["PushServer", "SIGN_PATH", "DIRECT_PATH"]


class PushServer:
    """A loopback TikTok push server. Use as a context manager, or call :meth:`close`.

    Args:
        ping_interval: the heartbeat period announced in ``Handshake-Options`` (seconds).
        history: batches repeated before the cursor on every connection.
        need_ack: mark every batch ``need_ack`` (so clients ack it).
        host: interface to bind (always loopback in tests).
        feeds: the feeds and records to serve (a new :class:`~._feeds.PushFeeds` by default).
        policy: the handshake checks (a lenient :class:`~._handshake.HandshakePolicy` by default).
        backlog: the listen backlog (many clients connecting at once are not refused).

    """

    def __init__(
        self, *, ping_interval: float = 10.0, history: int = 2, need_ack: bool = True, host: str = "127.0.0.1",
        feeds: PushFeeds | None = None, policy: HandshakePolicy | None = None, backlog: int = 1024,
    ) -> None:
        self.settings = PushSettings(ping_interval=ping_interval, history=history, need_ack=need_ack)
        self.feeds = feeds if feeds is not None else PushFeeds()
        self.policy = policy if policy is not None else HandshakePolicy()
        self._net = PushLoop(self.feeds, self.policy, self.settings, host=host, backlog=backlog)
        self.port = self._net.listen(0)

    @property
    def ping_interval(self) -> float:
        """The heartbeat period announced in ``Handshake-Options`` (seconds)."""
        return self.settings.ping_interval

    @ping_interval.setter
    def ping_interval(self, seconds: float) -> None:
        self.settings.ping_interval = seconds

    @property
    def on_live_ended(self) -> Callable[[int], None] | None:
        """Called with the room id once an end-of-live message is about to reach a client."""
        return self.settings.on_live_ended

    @on_live_ended.setter
    def on_live_ended(self, callback: Callable[[int], None] | None) -> None:
        self.settings.on_live_ended = callback

    # -- switches kept on the handshake policy ------------------------------------------------------

    @property
    def refuse_direct(self) -> bool:
        """Refuse direct-path handshakes with ``Handshake-Msg: DEVICE_BLOCKED``."""
        return self.policy.refuse_direct

    @refuse_direct.setter
    def refuse_direct(self, value: bool) -> None:
        self.policy.refuse_direct = value

    @property
    def refuse_status(self) -> int:
        """The HTTP status of the ``refuse_direct`` refusal."""
        return self.policy.refuse_status

    @refuse_status.setter
    def refuse_status(self, value: int) -> None:
        self.policy.refuse_status = value

    @property
    def handshake_200(self) -> str | None:
        """When set, every handshake is answered with HTTP 200 and this ``Handshake-Msg``."""
        return self.policy.handshake_200

    @handshake_200.setter
    def handshake_200(self, value: str | None) -> None:
        self.policy.handshake_200 = value

    # -- addresses ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>``."""
        return f"ws://127.0.0.1:{self.port}"

    @property
    def push_url(self) -> str:
        """The push server URL the sign server hands out (the fetch result's ``push_server``)."""
        return self.url + SIGN_PATH

    @property
    def direct_url(self) -> str:
        """The push URL of the direct way in (``Endpoints.ws_direct``)."""
        return self.url + DIRECT_PATH

    # -- scripting ------------------------------------------------------------------------------------

    def push(self, room_id: int, *messages: BaseProtoMessage) -> list[int]:
        """Queue ``messages`` as one batch for ``room_id``; returns the msg_id each one carries.

        A message keeps the msg_id it has (on the envelope, else in its common header); one with
        none gets a fresh one; a header without msg_id or room id gets them, rewritten in place.
        """
        ids = self.feeds.push(room_id, messages)
        self._net.wake(room_id)
        return ids

    def push_raw(self, room_id: int, data: bytes) -> None:
        """Queue ``data`` as one binary WebSocket message for ``room_id``, sent exactly as given."""
        self.feeds.extend(room_id, [bytes(data)])
        self._net.wake(room_id)

    def replay(self, room_id: int, frames: Iterable[bytes | WebcastPushFrame | ProtoMessageFetchResult]) -> int:
        """Queue recorded frames (serialized push frames, parsed ones, or fetch results) for ``room_id``.

        Messages are sent exactly as recorded; only the batch cursor is the fake's. Frames that are
        not ``msg`` frames are skipped. Returns the number of batches queued.
        """
        count = self.feeds.extend(room_id, batches_from_recorded(frames))
        self._net.wake(room_id)
        return count

    def forget_before(self, room_id: int, index: int) -> None:
        """Free the batches of ``room_id`` before feed ``index`` (long runs); a client resuming there gets none."""
        self.feeds.forget_before(room_id, index)

    def end_live(self, room_id: int) -> int:
        """Queue a ``WebcastControlMessage`` with action 3 (stream ended) for ``room_id``; returns its msg_id."""
        msg_id = self.feeds.push(room_id, [live_end(room_id=room_id)], ends_live=True)[0]
        self._net.wake(room_id)
        return msg_id

    def bootstrap(self, room_id: int, cursor: str | None = None) -> ProtoMessageFetchResult:
        """The first webcast response for a sign server: no messages, pointing at this push server."""
        return bootstrap_result(self.push_url, room_id, cursor, self.settings.ping_interval)

    # -- what the server saw --------------------------------------------------------------------------

    @property
    def heartbeats(self) -> list[HeartbeatRecord]:
        """Heartbeat frames received, oldest first."""
        return self.feeds.heartbeats()

    @property
    def acks(self) -> list[AckRecord]:
        """Ack frames received, oldest first."""
        return self.feeds.acks()

    @property
    def enter_rooms(self) -> list[EnterRoomRecord]:
        """Enter-room frames received, oldest first."""
        return self.feeds.enter_rooms()

    @property
    def handshakes(self) -> list[HandshakeRecord]:
        """Handshake attempts, oldest first."""
        return self.feeds.handshakes()

    @property
    def open_connections(self) -> int:
        """Connections open right now."""
        return self._net.open_connections

    # -- faults ---------------------------------------------------------------------------------------

    def drop_connections(self) -> int:
        """Cut every open connection without a close frame; returns how many were cut."""
        return self._net.call(self._net.each_conn(abort))

    def silence_connections(self) -> int:
        """Make every open connection mute (it stays open, sends nothing); returns how many."""

        async def mute(conn: Conn) -> None:
            conn.silent = True

        return self._net.call(self._net.each_conn(mute))

    def close_connections(self, code: int = 1000, reason: str = "") -> int:
        """Close every open connection with a close frame carrying ``code``; returns how many."""
        return self._net.call(self._net.each_conn(lambda conn: self._net.close_conn(conn, code, reason)))

    def cut_next_push(self, room_id: int) -> None:
        """The next batch pushed to ``room_id`` is cut the first time it is sent.

        Half of its WebSocket frame goes out, then the TCP stream ends (no close frame). A client
        that reconnects with its last cursor gets the batch whole.
        """
        self.feeds.write_next_push_with(room_id, cut_mid_frame)

    def trickle_next_push(self, room_id: int, *, pieces: int = 6, pause: float = 0.1) -> None:
        """Send the next batch pushed to ``room_id`` (once) as ``pieces`` bits with ``pause`` seconds between."""

        async def trickle(writer: asyncio.StreamWriter, data: bytes) -> bool:  # see _push_loop.FrameWriter
            step = max(1, -(-len(data) // pieces))
            for start in range(0, len(data), step):
                if start:
                    await asyncio.sleep(pause)
                writer.write(data[start : start + step])
            return False

        self.feeds.write_next_push_with(room_id, trickle)

    def stop_listening(self) -> None:
        """Go away like a restarting server: close every connection (1012) and refuse new ones."""
        self._net.call(self._net.stop_listening(1012, "service restart"))

    def listen_again(self, *, new_cursors: bool = True) -> None:
        """Serve again on the same port (after :meth:`stop_listening`).

        With ``new_cursors``, cursors from now on are of a new series: a client presenting one from
        before is resumed from the batches queued since the restart (after ``history`` repeats).
        """
        if new_cursors:
            self.feeds.new_series()
        self.port = self._net.listen(self.port)

    def restart(self, *, new_cursors: bool = True) -> None:
        """:meth:`stop_listening`, then :meth:`listen_again`."""
        self.stop_listening()
        self.listen_again(new_cursors=new_cursors)

    # -- lifecycle ------------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving, cut every connection and end the server's thread. Idempotent."""
        self._net.close()

    def __enter__(self) -> PushServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
