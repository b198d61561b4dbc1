"""One WebSocket connection to TikTok's push server (PROTOCOL.md 4.1): the handshake and the frames.

websocket-client does the handshake, through its public API: ``WebSocket.connect`` opens the TCP
connection (through the proxy requests would use), TLS, and the HTTP upgrade. After that this module
reads and writes WebSocket frames on the connected socket, ``WebSocket.sock``, itself:

- **Reading** (:class:`FrameReader`): the socket is read in large pieces into one buffer and every
  frame in it is parsed at once (one ``recv`` per burst, not three calls per frame, and no time-out
  change per frame). A frame's header is read before its body, so the size it claims is checked
  first: a data frame over ``MAX_FRAME_BYTES`` is consumed and thrown away as it arrives (never held),
  a control frame over 125 bytes or a masked / extension frame is a protocol error.
- **Writing**: ``WebSocket.send_frame`` with a per-connection mask key given through the public
  ``get_mask_key`` hook (one ``os.urandom`` per connection, not per frame).

Why reading the socket directly is safe: websocket-client itself reads every frame straight from
``WebSocket.sock`` once ``connect`` returns (it keeps no buffer of bytes past the handshake: the
response head is read line by line), so no byte of the stream is anywhere but in the socket; and
this module never calls websocket-client's ``recv*`` methods, so only one reader ever consumes it.
No private ``websocket._*`` module or attribute is used, so a new websocket-client version can only
change what its public API documents.

Every failure is a :class:`~tiktoklive_sync.errors.PushConnectionError` (a requests.ConnectionError)
or, when TikTok refuses the handshake, a :class:`~tiktoklive_sync.errors.WebSocketRefusedError`.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlsplit

import websocket

from ..errors import FrameDecodeError, PushConnectionError, WebSocketRefusedError
from ..proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame
from ._protocol import parse_frame
from ._urls import ping_interval_from

__all__ = ["SUBPROTOCOL", "MAX_FRAME_BYTES", "ConnectMode", "FrameReader", "PushConnection", "WebSocketTarget",
           "proxy_options"]

log = logging.getLogger("tiktoklive_sync")

ConnectMode = Literal["direct", "sign"]

#: the WebSocket subprotocol of the signed path (PROTOCOL.md 4.1 step 5); the direct path sends none (4.6)
SUBPROTOCOL = "echo-protocol"
#: the largest message accepted from the push server (a gzipped batch is far smaller); a bigger one is
#: read and thrown away piece by piece, never held in memory
MAX_FRAME_BYTES = 8 * 1024 * 1024
_READ_SIZE = 256 * 1024
#: control frames (pings, pongs) in a row, with no push frame between, that end the connection as abusive
MAX_CONTROL_RUN = 1_000
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


@dataclass(frozen=True)
class WebSocketTarget:
    """Everything needed to open one push connection. Build a new one for every connection.

    Attributes:
        url: the full ``wss://`` URL (never reused: signed URLs expire within ~30 s).
        cookie: the ``Cookie`` header value (not shown in ``repr``).
        user_agent: the User-Agent, the same one the sign server / TikTok's pages saw.
        origin: the ``Origin`` header, or None to send none.
        mode: ``"direct"`` or ``"sign"``.
        first_batch: the sign server's first webcast response (sign mode), processed before frames.
        ca_bundle: a CA bundle path to verify the push server's certificate with, or None.
        proxy: the proxy URL to tunnel through (chosen like requests would), or None.
        subprotocols: the ``Sec-WebSocket-Protocol`` values asked for (none on the direct path).
    """

    url: str = field(repr=False)
    cookie: str = field(repr=False)
    user_agent: str
    origin: str | None = None
    mode: ConnectMode = "sign"
    first_batch: ProtoMessageFetchResult | None = field(default=None, repr=False)
    ca_bundle: str | None = None
    proxy: str | None = field(default=None, repr=False)
    subprotocols: tuple[str, ...] = (SUBPROTOCOL,)

    @property
    def host(self) -> str:
        """The push server's host and path, safe to log (no query string)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"


def proxy_options(proxy: str | None) -> dict[str, object]:
    """Translate a requests-style proxy URL into websocket-client's connect options.

    Raises:
        ValueError: a proxy URL without a host or with an unsupported scheme.
    """
    if not proxy:
        return {"http_no_proxy": ["*"]}  # requests decided: no proxy for this host
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    kind = parts.scheme.lower()
    if kind == "https":
        kind = "http"  # websocket-client tunnels with CONNECT over a plain connection to the proxy
    if kind not in ("http", "socks4", "socks4a", "socks5", "socks5h") or not parts.hostname:
        raise ValueError(f"unsupported proxy for the push socket: {parts.scheme}://{parts.hostname or ''}")
    options: dict[str, object] = {
        "http_proxy_host": parts.hostname,
        "http_proxy_port": parts.port or (1080 if kind.startswith("socks") else 80),
        "proxy_type": kind,
        "http_no_proxy": ["no-proxy.invalid"],  # never let the environment's no_proxy override the decision
    }
    if parts.username:
        options["http_proxy_auth"] = (unquote(parts.username), unquote(parts.password or ""))
    return options


class FrameReader:
    """Reads WebSocket messages from a connected socket, bounded (see the module docstring).

    Args:
        sock: the connected (possibly TLS) socket.
        max_message: the largest message kept, in bytes.

    Attributes:
        dropped: sizes of the messages thrown away, oldest first (the caller pops them).
    """

    def __init__(self, sock: socket.socket, max_message: int = MAX_FRAME_BYTES) -> None:
        self.sock = sock
        self.max_message = max_message
        self.dropped: list[int] = []
        self._buf = bytearray()
        self._skip = 0  # bytes of an oversized frame still to throw away
        self._parts: list[bytes] = []  # fragments of the message being assembled
        self._size = 0  # bytes of that message so far (kept or not)
        self._over = False  # that message passed max_message: its fragments are thrown away
        self._opcode = 0
        self._fin_pending = False  # whether the frame being thrown away ends its message

    def read(self, deadline: float) -> tuple[int, bytes] | None:
        """Return the next message or control frame as ``(opcode, payload)``, or None at ``deadline``.

        Raises:
            PushConnectionError: the connection was lost or broke the protocol.
        """
        while True:
            message = self._parse()
            if message is not None:
                return message
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if not self._fill(left):
                return None

    def _fill(self, timeout: float) -> bool:
        sock = self.sock
        try:
            sock.settimeout(timeout)
            data = sock.recv(_READ_SIZE)
        except TimeoutError:
            return False
        except OSError as exc:
            raise PushConnectionError(None, f"connection lost: {exc or type(exc).__name__}") from exc
        if not data:
            raise PushConnectionError(None, "connection lost: the server closed the TCP connection")
        if self._skip:
            used = min(self._skip, len(data))
            self._skip -= used
            data = data[used:]
            if not self._skip:
                self._frame_thrown_away()
        self._buf += data
        return True

    def _parse(self) -> tuple[int, bytes] | None:
        """Take complete frames off the buffer until a message is whole; None if more bytes are needed."""
        buf = self._buf
        while not self._skip and len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            opcode, length, start = b0 & 0x0F, b1 & 0x7F, 2
            if b1 & 0x80 or b0 & 0x70:
                raise PushConnectionError(None, "protocol error: the server sent a masked or extension frame")
            if length == 126:
                if len(buf) < 4:
                    return None
                length, start = int.from_bytes(buf[2:4], "big"), 4
            elif length == 127:
                if len(buf) < 10:
                    return None
                length, start = int.from_bytes(buf[2:10], "big"), 10
            if opcode >= 0x8 and (length > 125 or not b0 & 0x80):
                raise PushConnectionError(None, f"protocol error: a control frame claims {length} bytes")
            if opcode < 0x8:
                if opcode != OP_CONT:  # a new message begins
                    self._opcode, self._parts, self._size, self._over = opcode, [], 0, False
                if self._over or self._size + length > self.max_message:
                    self._over = True  # the header says too much: throw the body away as it comes
                    self._size += length
                    have = len(buf) - start
                    if have >= length:
                        del buf[:start + length]
                        self._frame_thrown_away(fin=bool(b0 & 0x80))
                        continue
                    self._skip = length - have
                    self._fin_pending = bool(b0 & 0x80)
                    buf.clear()
                    return None
            end = start + length
            if len(buf) < end:
                return None
            payload = bytes(buf[start:end])
            del buf[:end]
            if opcode >= 0x8:
                return opcode, payload
            self._size += length
            if not b0 & 0x80:
                self._parts.append(payload)
                continue
            if self._parts:
                self._parts.append(payload)
                payload, self._parts = b"".join(self._parts), []
            self._size = 0
            return self._opcode, payload
        return None

    def _frame_thrown_away(self, fin: bool | None = None) -> None:
        if fin is None:
            fin = self._fin_pending
        if fin:
            self.dropped.append(self._size)
            self._over, self._size, self._parts = False, 0, []


class PushConnection:
    """One WebSocket to the push server. All calls come from the thread that runs the room.

    Args:
        target: where and how to connect.
        room_id: the room.
        connect_timeout: seconds for the TCP/TLS connect and the handshake.

    Client-side WebSocket pings are never sent (TikTok does not answer them); a server's ping is
    answered at most once a second, so a ping storm costs little and never counts as traffic.
    """

    def __init__(self, target: WebSocketTarget, *, room_id: int, connect_timeout: float = 10.0) -> None:
        self.target = target
        self.room_id = room_id
        self.connect_timeout = connect_timeout
        #: the heartbeat period the server asked for in the handshake, if it did
        self.ping_interval: float | None = None
        sslopt = {"ca_certs": target.ca_bundle} if target.ca_bundle else None
        mask = os.urandom(4)
        self._ws = websocket.WebSocket(skip_utf8_validation=True, sslopt=sslopt, get_mask_key=lambda _n: mask)
        self._reader: FrameReader | None = None
        self._aborted = False
        self._last_pong = 0.0

    def __repr__(self) -> str:
        return f"<PushConnection {self.target.mode} {self.target.host} room={self.room_id}>"

    @property
    def connected(self) -> bool:
        """True while the socket is open."""
        return bool(self._ws.connected) and not self._aborted

    def open(self) -> None:
        """Connect and complete the WebSocket handshake (an :meth:`abort` from another thread ends it).

        Raises:
            WebSocketRefusedError: TikTok answered 200 instead of 101, or refused the handshake with
                a ``Handshake-Msg`` (e.g. ``DEVICE_BLOCKED``).
            PushConnectionError: any other failure to connect (transient: worth a retry).
        """
        target = self.target
        headers = [f"User-Agent: {target.user_agent}"]
        if target.cookie:
            headers.append(f"Cookie: {target.cookie}")
        options: dict[str, object] = {"header": headers, "timeout": self.connect_timeout, "redirect_limit": 0}
        if target.subprotocols:
            options["subprotocols"] = list(target.subprotocols)
        options.update(proxy_options(target.proxy))
        if target.origin:
            options["origin"] = target.origin
        else:
            options["suppress_origin"] = True
        log.debug("opening %s push connection to %s", target.mode, target.host)
        try:
            self._ws.connect(target.url, **options)
        except websocket.WebSocketBadStatusException as exc:
            self._ws.shutdown()
            raise self._refusal(exc) from None
        except (OSError, websocket.WebSocketException) as exc:
            self._ws.shutdown()
            raise PushConnectionError(None, f"could not connect to {target.host}: {exc or type(exc).__name__}") from exc
        if self._aborted or self._ws.sock is None:
            self._ws.shutdown()
            raise PushConnectionError(None, "the connection was aborted during the handshake")
        self._reader = FrameReader(self._ws.sock)
        self.ping_interval = ping_interval_from(self._ws.getheaders())
        log.info("connected to the push server (%s, %s)", target.mode, target.host)

    def _refusal(self, exc: websocket.WebSocketBadStatusException) -> Exception:
        headers = {k.lower(): v for k, v in (exc.resp_headers or {}).items()}
        msg = str(headers.get("handshake-msg", "")).strip()
        status = int(exc.status_code)
        if status == 200 or msg:
            detail = f" TikTok says: {msg!r}." if msg else ""
            return WebSocketRefusedError(
                f"TikTok answered the {self.target.mode} WebSocket handshake with HTTP {status} instead of "
                f"101 and refused the connection.{detail}",
                handshake_msg=msg, mode=self.target.mode, status=status,
            )
        return PushConnectionError(None, f"the push server answered the handshake with HTTP {status}")

    def send(self, data: bytes) -> None:
        """Send one binary message (a push frame from :mod:`._protocol`).

        Raises:
            PushConnectionError: the socket is gone.
        """
        try:
            self._ws.send_frame(websocket.ABNF.create_frame(data, websocket.ABNF.OPCODE_BINARY))
        except (OSError, websocket.WebSocketException, AttributeError) as exc:
            raise PushConnectionError(None, f"send failed: {exc or type(exc).__name__}") from exc

    def recv(self, timeout: float) -> WebcastPushFrame | None:
        """Wait up to ``timeout`` seconds for the next push frame (see :meth:`recv_until`)."""
        return self.recv_until(time.monotonic() + timeout)

    def recv_until(self, deadline: float) -> WebcastPushFrame | None:
        """Wait until ``deadline`` (``time.monotonic()``) for the next binary message that parses.

        Pings, pongs, text, oversized messages and junk are skipped (and logged): only a push frame
        comes out, so a caller's idea of "traffic" is never fooled by them. More than
        ``MAX_CONTROL_RUN`` pings in a row (a ping storm) end the connection.

        Returns:
            the parsed frame, or None if none arrived by ``deadline``.
        Raises:
            PushConnectionError: the server closed the socket, or the connection was lost.
        """
        reader = self._reader
        if reader is None:
            raise PushConnectionError(None, "not connected")
        controls = 0
        while True:
            message = reader.read(deadline)
            if reader.dropped:
                log.warning("skipping a %d-byte frame (over the %d-byte limit)", max(reader.dropped), MAX_FRAME_BYTES)
                reader.dropped.clear()
            if message is None:
                return None
            opcode, data = message
            if opcode == OP_BINARY:
                try:
                    return parse_frame(data)
                except FrameDecodeError as exc:
                    log.warning("skipping a frame that is not a push frame (%d bytes): %s", len(data), exc)
            elif opcode == OP_CLOSE:
                code, reason = _close_details(data)
                raise PushConnectionError(code, reason or "closed by the server", clean=True)
            elif opcode in (OP_PING, OP_PONG):
                controls += 1
                if controls > MAX_CONTROL_RUN:
                    raise PushConnectionError(None, f"protocol abuse: over {MAX_CONTROL_RUN} pings in a row")
                if opcode == OP_PING:
                    self._pong(data)
            else:
                log.debug("ignoring a non-binary WebSocket message (opcode %s)", opcode)
            if time.monotonic() >= deadline:  # a storm of pings or junk does not hold the caller
                return None

    def _pong(self, data: bytes) -> None:
        now = time.monotonic()
        if now - self._last_pong >= 1.0:
            self._last_pong = now
            try:
                self._ws.send_frame(websocket.ABNF.create_frame(data, websocket.ABNF.OPCODE_PONG))
            except (OSError, websocket.WebSocketException) as exc:
                log.debug("could not answer a ping: %s", exc)

    def close(self) -> None:
        """Send a close frame if possible and shut the socket. Never waits on the server."""
        if self._ws.connected and not self._aborted:
            try:
                self._ws.send_frame(websocket.ABNF.create_frame(struct.pack("!H", 1000), websocket.ABNF.OPCODE_CLOSE))
            except (OSError, websocket.WebSocketException) as exc:
                log.debug("could not send a close frame: %s", exc)
        self.abort()
        self._ws.shutdown()

    def abort(self) -> None:
        """Shut the socket down at once, from any thread: a pending handshake or read ends."""
        self._aborted = True
        sock = self._ws.sock
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            log.debug("push socket already shut down")


def _close_details(data: bytes) -> tuple[int | None, str]:
    if len(data) < 2:
        return None, ""
    (code,) = struct.unpack("!H", data[:2])
    return code, data[2:].decode("utf-8", "replace")
