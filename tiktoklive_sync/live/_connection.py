"""One WebSocket connection to TikTok's push server, over websocket-client (PROTOCOL.md 4).

This module knows the wire of one connection: which headers the handshake carries, what a refused
handshake looks like, and the three frames a client sends (enter-room, heartbeat, ack; 4.4). The
URLs of the two ways in are built by :mod:`.urls`. It knows nothing about events, reconnecting or threads: that is
:mod:`tiktoklive_sync.live.client`'s job.

Example::

    target = WebSocketTarget(url=build_direct_url(base, room_id, profile), cookie="ttwid=...",
                             user_agent=profile.user_agent, origin="https://www.tiktok.com")
    conn = PushConnection(target, room_id=room_id)
    conn.open()                      # raises WebcastBlocked200Error if TikTok refuses
    conn.send_enter_room(); conn.send_heartbeat()
    frame = conn.recv(timeout=0.5)   # a WebcastPushFrame, or None if nothing arrived in time
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlsplit

import websocket

from ..errors import FrameDecodeError, WebcastBlocked200Error
from ..proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame
from ._protocol import build_ack, build_enter_room, build_heartbeat, parse_frame
from ._urls import ping_interval_from
from ._wsreader import BoundedWebSocket

__all__ = [
    "SUBPROTOCOL",
    "ConnectMode",
    "PushConnection",
    "PushConnectionClosed",
    "WebSocketHandshakeRefused",
    "WebSocketTarget",
]

log = logging.getLogger("tiktoklive_sync")

ConnectMode = Literal["direct", "sign"]

#: the WebSocket subprotocol TikTok's push server speaks
SUBPROTOCOL = "echo-protocol"
#: the Handshake-Msg TikTok sends when it refuses an anonymous (direct) client
DEVICE_BLOCKED = "DEVICE_BLOCKED"
#: the largest frame accepted from the push server (a gzipped batch is far smaller); a bigger one is
#: read and thrown away piece by piece, never held in memory
MAX_FRAME_BYTES = 8 * 1024 * 1024
_NORMAL_CLOSE_CODES = frozenset({1000, 1001})


class WebSocketHandshakeRefused(WebcastBlocked200Error):
    """TikTok refused the WebSocket handshake (status 200, or a ``Handshake-Msg`` refusal).

    Attributes:
        handshake_msg: TikTok's ``Handshake-Msg`` header (e.g. ``DEVICE_BLOCKED``), or "".
        mode: which way in was refused, ``"direct"`` or ``"sign"``.
    """

    def __init__(self, message: str = "", *, handshake_msg: str = "", mode: str = "", **kw: object) -> None:
        self.handshake_msg = handshake_msg
        self.mode = mode
        super().__init__(message, **kw)  # type: ignore[arg-type]

    @property
    def device_blocked(self) -> bool:
        """True if TikTok blocked the anonymous device (a fresh ``ttwid`` or the sign server may help)."""
        return DEVICE_BLOCKED in self.handshake_msg.upper()


class PushConnectionClosed(ConnectionError):
    """The push server closed the WebSocket, or the connection was lost.

    Attributes:
        code: the WebSocket close code, or None if there was none.
        reason: the close reason or what went wrong.
        clean: True if the server sent a close frame (False: the connection was lost).
    """

    def __init__(self, code: int | None, reason: str, *, clean: bool = False) -> None:
        self.code = code
        self.reason = reason
        self.clean = clean
        shown = code if code is not None else ("no code" if clean else "connection lost")
        super().__init__(f"WebSocket closed ({shown}): {reason}")

    @property
    def normal(self) -> bool:
        """True for a clean close with code 1000, 1001 or none (PROTOCOL.md 4.1 step 9)."""
        return self.clean and (self.code is None or self.code in _NORMAL_CLOSE_CODES)


@dataclass(frozen=True)
class WebSocketTarget:
    """Everything needed to open one push connection. Build a new one for every connection.

    Attributes:
        url: the full ``wss://`` URL (never reused: signed URLs expire within ~30 s).
        cookie: the ``Cookie`` header value (not shown in ``repr``).
        user_agent: the User-Agent, the same one the sign server / home page saw.
        origin: the ``Origin`` header, or None to send none.
        mode: ``"direct"`` or ``"sign"``.
        first_batch: the sign server's first webcast response (sign mode), processed before frames.
        ca_bundle: a CA bundle path to verify the push server's certificate with (the Session's
            ``verify`` when it names one), or None for the system's trust store.
        proxy: the proxy URL to tunnel through (``http://user:pw@host:port``, ``socks5h://...``;
            chosen from the Session's proxies like requests would), or None to connect directly.
    """

    url: str = field(repr=False)
    cookie: str = field(repr=False)
    user_agent: str
    origin: str | None = None
    mode: ConnectMode = "sign"
    first_batch: ProtoMessageFetchResult | None = field(default=None, repr=False)
    ca_bundle: str | None = None
    proxy: str | None = field(default=None, repr=False)

    @property
    def host(self) -> str:
        """The push server's host and path, safe to log (no query string)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"


def proxy_options(proxy: str | None) -> dict[str, object]:
    """Translate a requests-style proxy URL into websocket-client's connect options.

    The proxy decision is made once, the way requests makes it (Session proxies, environment, no_proxy);
    websocket-client is told exactly that, so it never consults the environment on its own.

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


# -- the connection ------------------------------------------------------------------------------


class PushConnection:
    """One WebSocket to the push server. ``send_*`` may be called from another thread than ``recv``.

    Args:
        target: where and how to connect.
        room_id: the room (goes into enter-room and heartbeat frames).
        connect_timeout: seconds for the TCP/TLS connect and the handshake.

    Client-side WebSocket pings are never sent: TikTok does not answer them (app-level heartbeats,
    :meth:`send_heartbeat`, keep the socket alive instead).
    """

    def __init__(self, target: WebSocketTarget, *, room_id: int, connect_timeout: float = 10.0) -> None:
        self.target = target
        self.room_id = room_id
        self.connect_timeout = connect_timeout
        #: the heartbeat period the server asked for in the handshake, if it did
        self.ping_interval: float | None = None
        sslopt = {"ca_certs": target.ca_bundle} if target.ca_bundle else None
        self._ws = BoundedWebSocket(
            MAX_FRAME_BYTES, enable_multithread=True, skip_utf8_validation=True, sslopt=sslopt
        )
        self._hb_seq = 0
        self._send_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<PushConnection {self.target.mode} {self.target.host} room={self.room_id}>"

    @property
    def connected(self) -> bool:
        """True while the socket is open."""
        return bool(self._ws.connected)

    def open(self) -> None:
        """Connect and complete the WebSocket handshake.

        Raises:
            WebSocketHandshakeRefused: TikTok answered 200 instead of 101, or refused the handshake
                with a ``Handshake-Msg`` (e.g. ``DEVICE_BLOCKED``); a WebcastBlocked200Error.
            PushConnectionClosed: any other failure to connect (transient: worth a retry).
        """
        headers = [f"User-Agent: {self.target.user_agent}"]
        if self.target.cookie:
            headers.append(f"Cookie: {self.target.cookie}")
        options: dict[str, object] = {
            "header": headers,
            "subprotocols": [SUBPROTOCOL],
            "timeout": self.connect_timeout,
        }
        options.update(proxy_options(self.target.proxy))
        if self.target.origin:
            options["origin"] = self.target.origin
        else:
            options["suppress_origin"] = True
        log.debug("opening %s push connection to %s", self.target.mode, self.target.host)
        try:
            self._ws.connect(self.target.url, **options)
        except websocket.WebSocketBadStatusException as exc:
            raise self._refusal(exc) from None
        except (OSError, websocket.WebSocketException) as exc:
            self._ws.shutdown()
            raise PushConnectionClosed(None, f"could not connect to {self.target.host}: {exc}") from exc
        self.ping_interval = ping_interval_from(self._ws.getheaders())
        log.info("connected to the push server (%s, %s)", self.target.mode, self.target.host)

    def _refusal(self, exc: websocket.WebSocketBadStatusException) -> Exception:
        headers = {k.lower(): v for k, v in (exc.resp_headers or {}).items()}
        msg = str(headers.get("handshake-msg", "")).strip()
        status = int(exc.status_code)
        if status == 200 or msg:
            detail = f" TikTok says: {msg!r}." if msg else ""
            return WebSocketHandshakeRefused(
                f"TikTok answered the {self.target.mode} WebSocket handshake with HTTP {status} instead of "
                f"101 and refused the connection.{detail}",
                handshake_msg=msg, mode=self.target.mode, status=status,
            )
        return PushConnectionClosed(None, f"the push server answered the handshake with HTTP {status}")

    # -- outbound frames (PROTOCOL.md 4.4) ---------------------------------------------------

    def _send(self, data: bytes) -> None:
        try:
            with self._send_lock:
                self._ws.send_bytes(data)
        except (OSError, websocket.WebSocketException) as exc:
            raise PushConnectionClosed(None, f"send failed: {exc}") from exc

    def send_enter_room(self, cursor: str = "") -> None:
        """Send the enter-room frame and reset the heartbeat counter.

        Raises:
            PushConnectionClosed: the socket is gone.
        """
        self._hb_seq = 0
        self._send(build_enter_room(self.room_id, cursor))

    def send_heartbeat(self) -> int:
        """Send one heartbeat frame.

        Returns:
            the heartbeat's sequence number (1 for the first after enter-room).
        Raises:
            PushConnectionClosed: the socket is gone.
        """
        self._hb_seq += 1
        self._send(build_heartbeat(self.room_id, self._hb_seq))
        return self._hb_seq

    def send_ack(self, log_id: int, internal_ext: str) -> None:
        """Acknowledge a batch: echo the frame's ``log_id``; the payload is the batch's ``internal_ext``.

        Raises:
            PushConnectionClosed: the socket is gone.
        """
        self._send(build_ack(log_id, internal_ext))

    # -- inbound ------------------------------------------------------------------------------

    def recv(self, timeout: float) -> WebcastPushFrame | None:
        """Wait up to ``timeout`` seconds for the next frame.

        Returns:
            the parsed frame, or None if nothing (or nothing usable) arrived in time.
        Raises:
            PushConnectionClosed: the server closed the socket or the connection was lost.
        """
        try:
            self._ws.settimeout(timeout)
            opcode, data = self._ws.recv_data()
        except websocket.WebSocketTimeoutException:
            return None
        except (OSError, websocket.WebSocketException) as exc:
            raise PushConnectionClosed(None, f"connection lost: {exc or type(exc).__name__}") from exc
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            code, reason = _close_details(data)
            raise PushConnectionClosed(code, reason or "closed by the server", clean=True)
        if self._ws.dropped:
            log.warning("skipping a %d-byte frame (over the %d-byte limit)", max(self._ws.dropped), MAX_FRAME_BYTES)
            self._ws.dropped.clear()
            return None
        if opcode != websocket.ABNF.OPCODE_BINARY:
            log.debug("ignoring a non-binary WebSocket message (opcode %s)", opcode)
            return None
        try:
            return parse_frame(data)
        except FrameDecodeError as exc:
            log.warning("skipping a frame that is not a push frame (%d bytes): %s", len(data), exc)
            return None

    def close(self) -> None:
        """Close the socket (politely if possible). Safe to call twice or on a broken socket."""
        try:
            if self._ws.connected:
                self._ws.close(timeout=1)
        except (OSError, websocket.WebSocketException) as exc:
            log.debug("error while closing the push connection: %s", exc)
        finally:
            self._ws.shutdown()

    def abort(self) -> None:
        """Shut the socket down at once (from any thread); a blocked :meth:`recv` returns."""
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
