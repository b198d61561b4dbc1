"""Every exception tiktoklive_sync raises on purpose, and the one policy that decides which.

The policy:

1. **Transport failures are requests' own exceptions, everywhere.** DNS, refused or reset
   connections, time-outs (the per-read ``timeout`` and the Session's total ``deadline`` alike), TLS,
   proxies: every route, the sign server client, ``Session.send()``, the live client and the recording
   raise ``requests.RequestException`` subclasses (``requests.ConnectionError``, ``requests.Timeout``,
   ...), as users of requests expect. They are never wrapped; their text is scrubbed of secrets.
2. **Everything about an answer that came back is a TikTokLiveError** (below): TikTok's or the sign
   server's status, body, redirect or size. A route that can learn a fact raises the same class for
   it as every other route (no such user: ``UserNotFoundError``, wherever it was learnt).
3. **A wrong argument is a ValueError** naming the argument (a few are also TikTokLiveErrors).

::

    TikTokLiveError
    ├── UserOfflineError                  the creator is not live right now
    ├── UserNotFoundError                 no such user, or the user cannot go live
    ├── AgeRestrictedError                18+ room: a logged-in session id is needed
    ├── LoginRequiredError                TikTok redirected to a login page
    ├── FailedParseRoomIdError            the live page / room API did not hold a room id
    ├── FailedFetchRoomInfoError          room info could not be fetched or parsed
    ├── MissingRoomIdInResponse           check_alive did not answer for the room asked about
    ├── FailedFetchGiftListError          the gift list could not be fetched or parsed
    ├── FailedFetchImageError             an image download failed or was too large
    ├── ResponseTooLargeError             an answer's body passed the Session's body limit
    ├── FailedParseAppInfo                a profile page had no readable app data
    ├── FailedResolveUserId               a numeric user id could not be turned into a unique id
    ├── WebcastBlocked200Error            TikTok refused a non-browser client (JA3 / handshake 200)
    │   └── WebSocketRefusedError         TikTok refused the push handshake (``handshake_msg``, ``mode``)
    ├── RoomActionError                   TikTok answered a like or gift with an error status
    ├── InvalidFetchRoomInfoPayload       (also a ValueError) wrong arguments to fetch_room_info
    ├── InvalidFetchIsLiveRequest         (also a ValueError) wrong arguments to fetch_is_live
    ├── SignAPIError                      the signature server failed; ``reason`` says how
    │   ├── SignatureRateLimitError       429 from the sign server; ``retry_after`` seconds
    │   ├── PremiumEndpointError          the feature needs a paid sign API key
    │   ├── UnexpectedSignatureError      the sign server answered something unexpected
    │   ├── SignatureMissingTokensError   a signed URL came back without its tokens
    │   ├── SignRedirectError             the sign server answered with a redirect (never followed)
    │   ├── UntrustedSignedUrlError       a signed URL is not https on a TikTok host
    │   └── AuthenticatedWebSocketConnectionError  a session id would go to an untrusted host
    ├── WebcastFetchResultError           the first webcast response is unusable
    │   ├── InitialCursorMissingError     ... it has no cursor
    │   └── WebsocketURLMissingError      ... it names no push server
    ├── FrameDecodeError                  a WebSocket frame / message payload did not decode
    ├── PushConnectionError               (also a requests.ConnectionError) the push socket failed or closed
    ├── SinkError                         a sink cannot open or write its file / database
    └── RecordingError                    recording could not start or failed
        ├── DuplicateDownloadError        a recording to the same file is already running
        ├── FFmpegNotFoundError           no ffmpeg binary could be found
        └── StreamUnavailableError        the room info holds no usable stream URL

Every error carries ``status`` (the HTTP status, when there was a response) and ``excerpt`` (the
first characters of the body that could not be used), and its message says what happened and what
to do, in words a command line can show. Messages never contain a session id or a sign API key
(:func:`tiktoklive_sync._scrub.scrub` runs over each).
"""

from __future__ import annotations

import enum
from typing import Any

import requests

from ._scrub import scrub

__all__ = [
    "TikTokLiveError",
    "UserOfflineError",
    "UserNotFoundError",
    "AgeRestrictedError",
    "LoginRequiredError",
    "FailedParseRoomIdError",
    "FailedFetchRoomInfoError",
    "MissingRoomIdInResponse",
    "FailedFetchGiftListError",
    "FailedFetchImageError",
    "ResponseTooLargeError",
    "FailedParseAppInfo",
    "FailedResolveUserId",
    "WebcastBlocked200Error",
    "RoomActionError",
    "InvalidFetchRoomInfoPayload",
    "InvalidFetchIsLiveRequest",
    "SignAPIError",
    "SignatureRateLimitError",
    "PremiumEndpointError",
    "UnexpectedSignatureError",
    "SignatureMissingTokensError",
    "SignRedirectError",
    "UntrustedSignedUrlError",
    "AuthenticatedWebSocketConnectionError",
    "WebcastFetchResultError",
    "InitialCursorMissingError",
    "WebsocketURLMissingError",
    "FrameDecodeError",
    "PushConnectionError",
    "WebSocketRefusedError",
    "SinkError",
    "RecordingError",
    "DuplicateDownloadError",
    "FFmpegNotFoundError",
    "StreamUnavailableError",
    "excerpt",
]

EXCERPT_CHARS = 200


def excerpt(body: Any, limit: int = EXCERPT_CHARS) -> str:
    """Return a short, single-line, printable excerpt of a response body for an error message."""
    if body is None:
        return ""
    if isinstance(body, (bytes, bytearray, memoryview)):
        text = bytes(body[: limit * 4]).decode("utf-8", "replace")
    else:
        text = str(body)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


class TikTokLiveError(Exception):
    """Base class of every error this library raises about TikTok's answers.

    Attributes:
        status: the HTTP status code of the response that caused it, if any.
        excerpt: a short excerpt of the body that could not be used, if any.
    """

    #: what the caller can do; appended to every message of the class
    advice: str = ""

    def __init__(self, message: str = "", *, status: int | None = None, body: Any = None) -> None:
        self.status = status
        self.excerpt = scrub(excerpt(body))
        summary = (type(self).__doc__ or "").strip().splitlines()
        parts = [message or (summary[0] if summary else type(self).__name__)]
        if status is not None and not 200 <= status < 300:  # "(HTTP 200)" tells a reader nothing
            parts.append(f"(HTTP {status})")
        if self.advice:
            parts.append(self.advice)
        if self.excerpt:
            parts.append(f"Body starts: {self.excerpt!r}")
        super().__init__(scrub(" ".join(p for p in parts if p)))


class UserOfflineError(TikTokLiveError):
    """The user is not live right now."""

    advice = "Try again once they are live."


class UserNotFoundError(TikTokLiveError):
    """The user does not exist, has never been live, or cannot go live."""

    advice = "Check the spelling of the @handle (as in tiktok.com/@handle; the @ is optional)."

    def __init__(self, message: str = "", *, unique_id: str | None = None, **kw: Any) -> None:
        self.unique_id = unique_id
        super().__init__(message, **kw)


class AgeRestrictedError(TikTokLiveError):
    """The room is age-restricted (18+) and TikTok shows it only to logged-in adults."""

    advice = (
        "Log in with an adult account: the sessionid and tt-target-idc cookies of a browser where it is "
        "logged in (Session.set_session in Python, the session options of the command line)."
    )


class LoginRequiredError(TikTokLiveError):
    """TikTok answered with a login page instead of the data asked for."""

    advice = (
        "TikTok wants a logged-in session or has flagged this IP: set a session id "
        "(session.set_session) or use another proxy."
    )


class FailedParseRoomIdError(TikTokLiveError):
    """No room id could be read from TikTok's answer."""

    advice = (
        "TikTok may be blocking this IP or showing a captcha: try again later, through a proxy, or "
        "give the room id directly."
    )


class FailedFetchRoomInfoError(TikTokLiveError):
    """The room info could not be fetched or was not usable."""

    advice = "Check the room id; if it persists TikTok may be blocking this IP (try a proxy)."


class MissingRoomIdInResponse(TikTokLiveError):
    """TikTok's live check did not answer for the room asked about."""

    advice = "The room may not exist, or TikTok detected the client; check the room id."


class FailedFetchGiftListError(TikTokLiveError):
    """The gift list could not be fetched or parsed."""

    advice = "TikTok may require a signed request for the gift list; try again with a sign API key."


class FailedFetchImageError(TikTokLiveError):
    """The image could not be downloaded."""

    advice = "Image URLs expire: fetch fresh room or user data and retry."


class ResponseTooLargeError(TikTokLiveError):
    """The answer's body is larger than the Session's body limit (counted after decompression).

    Attributes:
        limit: the limit in bytes that was passed.
        announced: the size the server announced (``Content-Length``, as text), if that is what passed it.
    """

    advice = (
        "This is no answer TikTok sends (a compression bomb or a wrong URL?); if it is real, raise the "
        "Session's max_body_bytes."
    )

    def __init__(self, message: str = "", *, limit: int | None = None, announced: str | None = None, **kw: Any) -> None:
        self.limit = limit
        self.announced = announced
        super().__init__(message, **kw)


class FailedParseAppInfo(TikTokLiveError):
    """The profile page held no readable app data (__UNIVERSAL_DATA_FOR_REHYDRATION__)."""

    advice = "You may be shown a captcha or blocked; try a proxy or a logged-in session."


class FailedResolveUserId(TikTokLiveError):
    """The numeric user id could not be resolved to a unique id."""

    advice = "Check that the user id is right and the account still exists."


class WebcastBlocked200Error(TikTokLiveError):
    """TikTok refused this client (a non-JSON answer, or a WebSocket handshake answered with 200)."""

    advice = (
        "TikTok fingerprints non-browser clients (JA3); likes and gifts usually need a browser-like "
        "TLS stack. For the WebSocket, try connect='sign' with a sign API key, or a session id."
    )


class RoomActionError(TikTokLiveError):
    """TikTok answered a like or a gift with an error status (the action was not taken)."""

    advice = "Likes and gifts are never retried automatically (a retry could send them twice)."


class InvalidFetchRoomInfoPayload(TikTokLiveError, ValueError):
    """fetch_room_info needs exactly one of room_id and unique_id."""


class InvalidFetchIsLiveRequest(TikTokLiveError, ValueError):
    """fetch_is_live needs exactly one of room_id and unique_id."""


class SignAPIError(TikTokLiveError):
    """The signature server failed.

    Attributes:
        reason: a :class:`SignAPIError.ErrorReason`.
        log_id: the sign server's ``X-Request-Id`` (quote it to its support), if sent.
        agent_id: the sign server's ``X-Agent-Id``, if sent.
    """

    class ErrorReason(enum.IntEnum):
        RATE_LIMIT = 1
        CONNECT_ERROR = 2
        EMPTY_PAYLOAD = 3
        SIGN_NOT_200 = 4
        EMPTY_COOKIES = 5
        PREMIUM_ENDPOINT = 6
        AUTHENTICATED_WS = 7

    default_reason = ErrorReason.SIGN_NOT_200

    def __init__(
        self,
        message: str = "",
        *,
        reason: SignAPIError.ErrorReason | None = None,
        log_id: str | None = None,
        agent_id: str | None = None,
        **kw: Any,
    ) -> None:
        self.reason = reason if reason is not None else self.default_reason
        self.log_id = log_id
        self.agent_id = agent_id
        if log_id:
            message = f"{message} [sign log id {log_id}]" if message else f"[sign log id {log_id}]"
        super().__init__(message, **kw)


class SignatureRateLimitError(SignAPIError):
    """The sign server rate-limited this client.

    Attributes:
        retry_after: seconds to wait before the next attempt (from Retry-After or RateLimit-Reset).
    """

    default_reason = SignAPIError.ErrorReason.RATE_LIMIT
    advice = "Wait before the next attempt, or use a sign API key with higher limits."

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        if retry_after is not None:
            message = f"{message} Retry after {retry_after:g} s.".strip()
        super().__init__(message, **kw)


class PremiumEndpointError(SignAPIError):
    """This sign server feature needs a paid API key."""

    default_reason = SignAPIError.ErrorReason.PREMIUM_ENDPOINT
    advice = "Use a sign API key whose plan includes it."


class UnexpectedSignatureError(SignAPIError):
    """The sign server answered with something that is not a signature."""


class SignatureMissingTokensError(SignAPIError):
    """The sign server's signed URL lacks the tokens TikTok needs."""

    default_reason = SignAPIError.ErrorReason.EMPTY_PAYLOAD


class SignRedirectError(SignAPIError):
    """The sign server answered with a redirect; sign requests never follow one.

    Attributes:
        location: where the redirect pointed (scrubbed), if it said.
    """

    advice = "Check Session(endpoints=...).sign: name the sign server's final https address."

    def __init__(self, message: str = "", *, location: str | None = None, **kw: Any) -> None:
        self.location = scrub(location) if location else location
        super().__init__(message, **kw)


class UntrustedSignedUrlError(SignAPIError):
    """The sign server returned a signed URL that is not https on one of the TikTok hosts."""

    advice = "The sign server may be compromised or misconfigured: nothing was sent to that URL."


class AuthenticatedWebSocketConnectionError(SignAPIError):
    """Refused to send a session id to a sign server that was not named as trusted."""

    default_reason = SignAPIError.ErrorReason.AUTHENTICATED_WS
    advice = (
        "A session id grants full access to the account. If you trust the sign server, name its host: "
        "Session(trusted_sign_hosts=['api.eulerstream.com']) or set "
        "WHITELIST_AUTHENTICATED_SESSION_ID_HOST."
    )


class WebcastFetchResultError(TikTokLiveError):
    """The first webcast response from the sign server is not usable to open the WebSocket."""

    advice = "Retry; if it persists the sign server may be failing or the room may have ended."


class InitialCursorMissingError(WebcastFetchResultError):
    """The first webcast response has no cursor."""


class WebsocketURLMissingError(WebcastFetchResultError):
    """The first webcast response names no push server or route params."""


class FrameDecodeError(TikTokLiveError):
    """A WebSocket frame or message payload could not be decoded."""


class WebSocketRefusedError(WebcastBlocked200Error):
    """TikTok refused the push WebSocket handshake (HTTP 200 instead of 101, or a ``Handshake-Msg``).

    Attributes:
        handshake_msg: TikTok's ``Handshake-Msg`` header (e.g. ``DEVICE_BLOCKED``), or "".
        mode: which way in was refused, ``"direct"`` or ``"sign"``.
    """

    def __init__(self, message: str = "", *, handshake_msg: str = "", mode: str = "", status: int | None = None,
                 body: Any = None) -> None:
        self.handshake_msg = handshake_msg
        self.mode = mode
        super().__init__(message, status=status, body=body)

    @property
    def device_blocked(self) -> bool:
        """True if TikTok blocked the anonymous device (a fresh ``ttwid`` or the sign server may help)."""
        return "DEVICE_BLOCKED" in self.handshake_msg.upper()


class PushConnectionError(TikTokLiveError, requests.ConnectionError, ConnectionError):
    """The push WebSocket could not be opened, was lost, or was closed by the server.

    A transport failure: also a ``requests.ConnectionError`` (and a built-in ``ConnectionError``), so
    ``except requests.RequestException`` catches it like every other network failure of the library.

    Attributes:
        code: the WebSocket close code, or None if there was none.
        reason: the close reason or what went wrong.
        clean: True if the server sent a close frame (False: the connection was lost).
    """

    def __init__(self, code: int | None = None, reason: str = "", *, clean: bool = False) -> None:
        self.code = code
        self.reason = reason
        self.clean = clean
        shown = code if code is not None else ("no code" if clean else "connection lost")
        super().__init__(f"WebSocket closed ({shown}): {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.code, self.reason), {"clean": self.clean}

    @property
    def normal(self) -> bool:
        """True for a clean close with code 1000, 1001 or none (PROTOCOL.md 4.1 step 9)."""
        return self.clean and (self.code is None or self.code in (1000, 1001))

class SinkError(TikTokLiveError):
    """A sink (``tiktoklive_sync.sinks``) cannot open, reach or write its file or database.

    Raised at construction for a URL that is invalid or unreachable (and for a missing extra), so a
    bad configuration fails at start, not at the first event; and by ``flush()`` / ``close()`` when
    rows could not be written in time (they stay queued, nothing is dropped silently).
    """


class RecordingError(TikTokLiveError):
    """A recording could not be started or failed."""


class DuplicateDownloadError(RecordingError):
    """A recording to this output file is already running."""

    advice = "Stop the running recording first, or record to another path."


class FFmpegNotFoundError(RecordingError):
    """No ffmpeg binary was found."""

    advice = (
        "Install the extra (pip install 'tiktoklive-sync[ffmpeg]'), put ffmpeg on PATH, "
        "set $TIKTOKLIVE_FFMPEG, or pass ffmpeg='/path/to/ffmpeg'."
    )


class StreamUnavailableError(RecordingError):
    """The room info holds no usable stream URL (the room may be offline)."""

    advice = "Fetch fresh room info while the creator is live (stream URLs expire)."
