"""The signature server client (PROTOCOL.md 1.5).

TikTok's WebSocket bootstrap and some webcast routes need signatures that only a browser (or a sign
server that runs one) can make. :class:`Signer` talks to that server for a :class:`Session`:

- :meth:`Signer.fetch` gets the first webcast response (raw protobuf bytes) and TikTok cookies;
- :meth:`Signer.sign_url` returns a signed copy of a webcast URL;
- :meth:`Signer.send_chat` asks the sign server to post a chat message (a paid feature).

Requests to the sign server never carry the Session's TikTok cookies, always verify TLS, and carry
the session id only when the user named the sign host as trusted
(``Session(trusted_sign_hosts=[...])``). The API key travels in the ``X-Api-Key`` header only.

Everything a sign server sends is treated as hostile input:

- its redirects are never followed (the key and the session id would go along):
  :class:`~tiktoklive_sync.errors.SignRedirectError` says where it pointed;
- of its ``X-Set-TT-Cookie`` only the protocol cookies (:data:`PROTOCOL_COOKIES`: ``ttwid`` and the
  like) are kept, never a login cookie (``sessionid``, ``sid_tt``, ``tt-target-idc``, ...);
- a signed URL must have the webcast endpoint's scheme (https) and a TikTok host
  (:meth:`Endpoints.is_tiktok_url`), or :class:`~tiktoklive_sync.errors.UntrustedSignedUrlError`.

Transport failures are requests' own exceptions (errors.py), retried for GETs by the Session's
transport adapter, their text scrubbed of the key and the session id.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import requests

from .__version__ import __version__
from ._retry import retry_after_seconds
from ._scrub import redact, scrub
from .errors import (
    AuthenticatedWebSocketConnectionError,
    PremiumEndpointError,
    SignAPIError,
    SignatureMissingTokensError,
    SignatureRateLimitError,
    SignRedirectError,
    UnexpectedSignatureError,
    UntrustedSignedUrlError,
)

if TYPE_CHECKING:
    from ._session import Session

__all__ = ["Signer", "SignedFetch", "SignedUrl", "WebcastPlatform", "PROTOCOL_COOKIES"]

log = logging.getLogger("tiktoklive_sync")

Reason = SignAPIError.ErrorReason
_Text = TypeVar("_Text", str, bytes)
#: query parameters a sign server must never see in a URL it signs (it adds fresh ones)
_STRIP_FROM_SIGNED = {"X-Bogus", "X-Gnarly", "msToken", "_signature"}
#: the only cookies a sign server may set on the Session (anonymous device and anti-bot tokens); a
#: login cookie from it would log the Session in as someone else
PROTOCOL_COOKIES = frozenset({"ttwid", "tt_chain_token", "msToken", "odin_tt", "tt_csrf_token", "s_v_web_id"})


class WebcastPlatform:
    """Platforms the sign server can bootstrap a WebSocket for."""

    WEB = "web"
    MOBILE = "mobile"


@dataclass(frozen=True)
class SignedFetch:
    """What the sign server's ``/webcast/fetch`` returned.

    Attributes:
        body: the raw ProtoMessageFetchResult bytes.
        cookies: the TikTok cookies to use (from ``X-Set-TT-Cookie``), name -> value.
        room_id: the room id the server says it fetched (``X-Room-Id``), if it said.
        log_id: the server's ``X-Request-Id``, if it sent one.
        authenticated: True if the fetch was signed with the session id.
    """

    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)
    room_id: int | None = None
    log_id: str | None = None
    authenticated: bool = False


@dataclass(frozen=True)
class SignedUrl:
    """A URL signed by the sign server, and the User-Agent it was signed for."""

    url: str
    user_agent: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def parse_cookie_string(text: str) -> dict[str, str]:
    """Parse ``a=1; b=2`` (the ``X-Set-TT-Cookie`` / ``Handshake-Options`` style) into a dict."""
    out: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip():
            out[name.strip()] = value.strip()
    return out


def strip_signature_params(url: str) -> str:
    """Return ``url`` without the signature query parameters a sign server adds itself."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _STRIP_FROM_SIGNED]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Signer:
    """The sign server client of one Session. Get it as ``session.signer``.

    Attributes:
        client_name: the ``client`` query value the sign server sees.
    """

    client_name = "ttlive-python"

    def __init__(self, session: Session) -> None:
        self.session = session

    def __repr__(self) -> str:
        return f"<Signer host={self.session.endpoints.sign_host!r}>"

    # -- transport --------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": f"tiktoklive-sync/{__version__}", "Accept": "*/*"}
        key = self.session.sign_api_key
        if key:
            headers["X-Api-Key"] = key
        return headers

    def _send(
        self, method: str, path: str, *, params: dict[str, Any] | None = None,
        json_body: Any = None, headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """Send one request to the sign server without the Session's TikTok cookies or headers.

        The Session's transport adapter applies the timeout, the deadline, the body limit and (for
        GETs) the retry policy. Redirects are never followed.

        Raises:
            SignRedirectError: the sign server answered with a redirect.
            requests.RequestException: transport failures (scrubbed).
        """
        s = self.session
        url = s.endpoints.sign_url(path)
        request = requests.Request(
            method, url, params=params, json=json_body, headers={**self._headers(), **(headers or {})}
        ).prepare()
        settings = s.merge_environment_settings(request.url, s.proxies, None, None, None)
        settings["verify"] = s.verify  # Session forbids False; a CA bundle path is allowed
        response = s.send(request, timeout=s.timeout, allow_redirects=False, **settings)
        if response.is_redirect or 300 <= response.status_code < 400:
            location = self.scrub(response.headers.get("Location", "") or "")[:300]
            response.close()
            where = f" to {location!r}" if location else ""
            raise SignRedirectError(
                f"The sign server answered {path} with a redirect{where}; sign requests never follow "
                "redirects (the API key and session id would go along).",
                status=response.status_code, location=location or None, **self._ids(response),
            )
        return response

    def scrub(self, data: _Text) -> _Text:
        """Return ``data`` with the Session's session id and API key masked (as :func:`redact` does).

        Applied to whatever the sign server says before it goes into an exception, so a server
        that echoes the key or the session id back cannot put them into a user's traceback.
        """
        for secret in (self.session.session_id, self.session.sign_api_key):
            if not secret:
                continue
            for form in {secret, quote(secret, safe="")}:
                if isinstance(data, bytes):
                    data = data.replace(form.encode("utf-8"), redact(secret).encode("utf-8"))
                else:
                    data = data.replace(form, redact(secret))
        return scrub(data) if isinstance(data, str) else data

    def _ids(self, response: requests.Response) -> dict[str, Any]:
        """The sign server's debug ids, as keyword arguments for SignAPIError."""
        return {k: self.scrub(v) if v else v for k, v in _sign_ids(response).items()}

    def _check_common(self, response: requests.Response, what: str) -> None:
        """Raise the named error for a 429 / 402 / 403 answer."""
        ids = self._ids(response)
        status = response.status_code
        if status == 429:
            message = f"The sign server rate-limited {what}."
            if not os.environ.get("SIGN_SERVER_MESSAGE_DISABLED"):
                data = _json_or_none(response)
                if isinstance(data, dict) and isinstance(data.get("message"), str):
                    message += f" It says: {self.scrub(data['message'])[:300]}"
                    if isinstance(data.get("limit_label"), str):
                        message += f" (limit {self.scrub(data['limit_label'])[:100]})"
            raise SignatureRateLimitError(message, retry_after=retry_after_seconds(response), status=429, **ids)
        if status == 402 or status == 403:
            raise PremiumEndpointError(f"{what} is a premium sign server feature.", status=status, **ids)

    # -- routes ------------------------------------------------------------------------------

    def authenticate(self, want: bool | None) -> bool:
        """Decide whether a sign request may carry the session id.

        Args:
            want: True to require it, False to never send it, None to send it when logged in.
        Returns:
            True if the session id will be sent.
        Raises:
            ValueError: ``want=True`` but no session id is set.
            AuthenticatedWebSocketConnectionError: the session id would go to an untrusted host.
        """
        s = self.session
        if want is False:
            return False
        if not s.logged_in:
            if want:
                raise ValueError("authenticated signing needs a session id: call session.set_session() first")
            return False
        if not s.trusts_sign_host():
            raise AuthenticatedWebSocketConnectionError(
                f"Not sending the session id to untrusted sign host {s.endpoints.sign_host!r}. "
                "Pass authenticated=False to connect anonymously."
            )
        return True

    def fetch(
        self,
        room_id: int,
        *,
        unique_id: str | None = None,
        cursor: str | None = None,
        platform: str = WebcastPlatform.WEB,
        authenticated: bool | None = None,
    ) -> SignedFetch:
        """Fetch the first webcast response for a room (the WebSocket bootstrap).

        Returns:
            a :class:`SignedFetch` with the raw protobuf body and the cookies to use.
        Raises:
            ValueError: ``platform="mobile"`` without a session id.
            SignatureRateLimitError: 429; ``retry_after`` says how long to wait.
            PremiumEndpointError: 402, the feature needs a paid key.
            SignRedirectError: the sign server answered with a redirect.
            SignAPIError: an empty body, no protocol cookies, any other non-200.
            requests.RequestException: transport failures (after retries).
        """
        s = self.session
        if platform not in (WebcastPlatform.WEB, WebcastPlatform.MOBILE):
            raise ValueError(f"platform must be 'web' or 'mobile', not {platform!r}")
        if platform == WebcastPlatform.MOBILE and not s.logged_in:
            raise ValueError("the mobile platform needs a session id: call session.set_session() first")
        auth = self.authenticate(True if platform == WebcastPlatform.MOBILE else authenticated)
        params: dict[str, Any] = {
            "client": self.client_name,
            "room_id": room_id,
            "unique_id": unique_id,
            "cursor": cursor,
            "user_agent": s.profile.user_agent,
            "client_enter": "true",
            "platform": platform,
        }
        if auth:
            params["session_id"] = s.session_id
            params["tt_target_idc"] = s.tt_target_idc
        params = {k: v for k, v in params.items() if v is not None}
        response = self._send("GET", "/webcast/fetch", params=params)
        self._check_common(response, "the WebSocket bootstrap (/webcast/fetch)")
        ids = self._ids(response)
        if response.status_code != 200:
            raise SignAPIError(
                "The sign server could not fetch the room's first webcast response.",
                reason=Reason.SIGN_NOT_200, status=response.status_code, body=self.scrub(response.content), **ids,
            )
        if not response.content:
            raise SignAPIError(
                "The sign server returned an empty webcast response; TikTok may be detecting it. Retry later.",
                reason=Reason.EMPTY_PAYLOAD, status=200, **ids,
            )
        offered = parse_cookie_string(response.headers.get("X-Set-TT-Cookie", ""))
        cookies = {k: v for k, v in offered.items() if k in PROTOCOL_COOKIES}
        refused = sorted(set(offered) - set(cookies))
        if refused:
            log.info("ignored cookies the sign server may not set: %s", ", ".join(n[:40] for n in refused))
        if not cookies:
            raise SignAPIError(
                "The sign server sent no TikTok protocol cookies (X-Set-TT-Cookie: ttwid...) with the "
                "webcast response.",
                reason=Reason.EMPTY_COOKIES, status=200, **ids,
            )
        room_header = response.headers.get("X-Room-Id", "")
        log.debug("sign fetch ok for room %s (log id %s)", room_id, ids["log_id"])
        return SignedFetch(
            body=response.content,
            cookies=cookies,
            # ASCII digits only ("²".isdigit() is True), and no more than a 64-bit id has
            room_id=int(room_header) if room_header.isascii() and room_header.isdigit() and len(room_header) <= 20
            else None,
            log_id=ids["log_id"],
            authenticated=auth,
        )

    def sign_url(
        self, url: str, *, method: str = "GET", kind: str = "xhr", payload: str | None = None,
        authenticated: bool | None = False,
    ) -> SignedUrl:
        """Return a signed copy of a webcast ``url``.

        Raises:
            PremiumEndpointError: the server says signing needs a paid key (HTTP or JSON code 403).
            UnexpectedSignatureError: any other non-200 or a body that is not JSON.
            SignatureMissingTokensError: no signed URL, or one without ``msToken``.
            UntrustedSignedUrlError: the signed URL is not https on a TikTok host (nothing is sent to it).
            SignRedirectError: the sign server answered with a redirect.
            requests.RequestException: transport failures.
        """
        s = self.session
        body: dict[str, Any] = {
            "url": strip_signature_params(url),
            "userAgent": s.profile.user_agent,
            "method": method,
            "type": kind,
        }
        if payload is not None:
            body["payload"] = payload
        if self.authenticate(authenticated):
            body["sessionId"] = s.session_id
            body["ttTargetIdc"] = s.tt_target_idc
        response = self._send("POST", "/webcast/sign_url", params={"client": self.client_name}, json_body=body)
        self._check_common(response, "URL signing")
        data = _json_or_none(response)
        ids = self._ids(response)
        if isinstance(data, dict) and data.get("code") == 403:
            raise PremiumEndpointError("URL signing is a premium sign server feature.", status=403, **ids)
        if response.status_code != 200 or not isinstance(data, dict):
            raise UnexpectedSignatureError(
                "The sign server did not return a signature.", reason=Reason.SIGN_NOT_200,
                status=response.status_code, body=self.scrub(response.content), **ids,
            )
        inner = data.get("response")
        signed = inner.get("signedUrl") if isinstance(inner, dict) else None
        if not isinstance(signed, str) or "msToken" not in signed:
            raise SignatureMissingTokensError(
                "The sign server's answer holds no signed URL with an msToken.", status=200,
                body=self.scrub(response.content), **ids,
            )
        if not s.endpoints.is_tiktok_url(signed):
            parts = urlsplit(signed)
            raise UntrustedSignedUrlError(
                f"The sign server's signed URL points to {parts.scheme}://{parts.hostname or '?'}, which is "
                f"not {urlsplit(s.endpoints.webcast).scheme} on a TikTok host; nothing was sent to it.",
                status=200, **ids,
            )
        agent = inner.get("userAgent") if isinstance(inner, dict) else None
        usable = isinstance(agent, str) and agent.strip() and agent.isprintable() and len(agent) <= 1000
        return SignedUrl(url=signed, user_agent=agent if usable else s.profile.user_agent, raw=data)  # type: ignore[arg-type]

    def send_chat(self, content: str, room_id: int) -> dict[str, Any]:
        """Ask the sign server to post ``content`` in ``room_id`` as the logged-in user (premium).

        Never retried. Returns the server's JSON answer.

        Raises:
            ValueError: no session id is set.
            AuthenticatedWebSocketConnectionError: the sign host is not trusted with the session id.
            PremiumEndpointError: the API key's plan does not include chat.
            SignRedirectError: the sign server answered with a redirect (the session id is not re-sent).
            SignAPIError: any other failure.
            requests.RequestException: transport failures (never retried).
        """
        self.authenticate(True)
        s = self.session
        cookie = f"sessionid={s.session_id}; tt-target-idc={s.tt_target_idc}"
        response = self._send(
            "POST", "/webcast/chat", json_body={"content": content, "targetRoomId": str(room_id)},
            headers={"x-cookie-header": cookie},
        )
        self._check_common(response, "sending chat")
        data = _json_or_none(response)
        if response.status_code != 200 or not isinstance(data, dict):
            raise SignAPIError(
                "The sign server did not accept the chat message.", reason=Reason.SIGN_NOT_200,
                status=response.status_code, body=self.scrub(response.content),
            )
        return data


def _sign_ids(response: requests.Response) -> dict[str, Any]:
    """The sign server's debug ids, as keyword arguments for SignAPIError."""
    return {"log_id": response.headers.get("X-Request-Id"), "agent_id": response.headers.get("X-Agent-Id")}


def _json_or_none(response: requests.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        return None
