"""What the push server requires of a WebSocket handshake on each way in, and its refusals.

Each path requires only what PROTOCOL.md says TikTok requires there:

- **sign** (``/webcast/im/push/v2/``, PROTOCOL.md 4.1 step 5): the ``echo-protocol`` subprotocol;
- **direct** (``/webcast/im/ws_proxy/ws_reuse_supplement/``, 4.6): a ``ttwid`` cookie,
  ``Origin: https://www.tiktok.com`` and the query of the 4.6 table; no subprotocol (one offered is
  echoed back).

Both need a numeric ``room_id``. A standalone :class:`~.PushServer` is lenient (any ``ttwid``, no
Origin or query checks); FakeTikTok's is strict (:meth:`HandshakePolicy.strict`): only ttwids the
fake issued, its own web origin or TikTok's, the whole query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus

__all__ = ["DIRECT_PATH", "SIGN_PATH", "SUBPROTOCOL", "TIKTOK_ORIGIN", "DIRECT_QUERY", "HandshakePolicy", "Refusal"]

SIGN_PATH = "/webcast/im/push/v2/"
DIRECT_PATH = "/webcast/im/ws_proxy/ws_reuse_supplement/"
SUBPROTOCOL = "echo-protocol"
TIKTOK_ORIGIN = "https://www.tiktok.com"
#: the direct path's query (PROTOCOL.md 4.6): names, and the value where the table fixes one
DIRECT_QUERY: dict[str, str | None] = {
    "version_code": "180800", "device_platform": "web", "cookie_enabled": "true", "screen_width": None,
    "screen_height": None, "browser_language": None, "browser_platform": None, "browser_name": None,
    "browser_version": None, "browser_online": "true", "tz_name": None, "app_name": "tiktok_web",
    "sup_ws_ds_opt": "1", "update_version_code": "2.0.0", "compress": None, "webcast_language": None,
    "ws_direct": "1", "aid": "1988", "live_id": "12", "app_language": None, "client_enter": "1",
    "room_id": None, "identity": "audience", "history_comment_count": "6", "last_rtt": None,
    "heartbeat_duration": "10000", "resp_content_type": "protobuf", "did_rule": "3",
}


@dataclass(frozen=True)
class Refusal:
    """A handshake answered with something other than 101."""

    status: int
    body: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class HandshakePolicy:
    """The checks and refusal switches of a push server's handshakes.

    Attributes:
        ttwid_ok: decides whether a direct-path ``ttwid`` is accepted (None: any non-empty one).
        origins: accepted ``Origin`` values on the direct path (None: not checked).
        check_query: require the direct path's query (:data:`DIRECT_QUERY`).
        refuse_direct, refuse_status: refuse direct handshakes with ``Handshake-Msg: DEVICE_BLOCKED``.
        handshake_200: when set, answer every handshake with HTTP 200 and this ``Handshake-Msg``.
        web_origin: gives the fake's own web origin, accepted too (the fake plays www.tiktok.com).
    """

    ttwid_ok: Callable[[str], bool] | None = None
    origins: frozenset[str] | None = None
    check_query: bool = False
    refuse_direct: bool = False
    refuse_status: int = int(HTTPStatus.FORBIDDEN)
    handshake_200: str | None = None
    web_origin: Callable[[], str] | None = None

    @classmethod
    def strict(cls, ttwid_ok: Callable[[str], bool], web_origin: Callable[[], str]) -> HandshakePolicy:
        """FakeTikTok's policy: issued ttwids only, TikTok's or the fake's own origin, the whole query."""
        return cls(ttwid_ok=ttwid_ok, origins=frozenset({TIKTOK_ORIGIN}), check_query=True, web_origin=web_origin)

    def judge(
        self, mode: str, params: Mapping[str, str], headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> Refusal | None:
        """Return the refusal of this handshake, or None to accept it.

        ``mode`` is ``"sign"``, ``"direct"`` or ``"?"`` (an unknown path); ``headers`` have lower-case names.
        """
        if self.handshake_200 is not None:
            return Refusal(HTTPStatus.OK, "blocked\n", (("Handshake-Msg", self.handshake_200),))
        if mode == "?" or not params.get("room_id", "").isdigit():
            return Refusal(HTTPStatus.NOT_FOUND, "unknown push path or room\n")
        if mode == "sign":
            offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")]
            if SUBPROTOCOL not in offered:
                return Refusal(HTTPStatus.BAD_REQUEST, f"subprotocol {SUBPROTOCOL} expected\n")
            return None
        if self.refuse_direct:
            return Refusal(self.refuse_status, "", (("Handshake-Msg", "DEVICE_BLOCKED"),))
        ttwid = cookies.get("ttwid", "")
        if not ttwid:
            return Refusal(HTTPStatus.UNAUTHORIZED, "no ttwid cookie\n")
        if self.ttwid_ok is not None and not self.ttwid_ok(ttwid):
            return Refusal(HTTPStatus.FORBIDDEN, "ttwid not issued by TikTok\n", (("Handshake-Msg", "DEVICE_BLOCKED"),))
        if self.origins is not None and headers.get("origin", "") not in self._origins():
            return Refusal(HTTPStatus.FORBIDDEN, f"Origin must be {TIKTOK_ORIGIN}\n")
        if self.check_query:
            wrong = [k for k, v in DIRECT_QUERY.items() if k not in params or (v is not None and params[k] != v)]
            if wrong:
                return Refusal(HTTPStatus.BAD_REQUEST, f"missing or wrong query parameters: {', '.join(wrong)}\n")
        return None

    def _origins(self) -> set[str]:
        accepted = set(self.origins or ())
        if self.web_origin is not None:
            accepted.add(self.web_origin())
        return accepted
