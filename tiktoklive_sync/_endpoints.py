"""Where the library sends requests: every TikTok and sign server base URL, and which hosts are TikTok."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

__all__ = ["Endpoints"]


@dataclass(frozen=True)
class Endpoints:
    """Every base URL the library uses. Nothing else in the library hard-codes a host.

    Attributes:
        web: TikTok's web app (HTML pages and ``/api-live/``).
        webcast: the webcast JSON API, including its ``/webcast`` path.
        sign: the signature server.
        ws_direct: the push server URL used when connecting without a sign server.
        cookie_domain: the domain the TikTok cookies are stored for.
    """

    web: str = "https://www.tiktok.com"
    webcast: str = "https://webcast.tiktok.com/webcast"
    sign: str = "https://api.eulerstream.com"
    ws_direct: str = "wss://webcast-ws.tiktok.com/webcast/im/ws_proxy/ws_reuse_supplement/"
    cookie_domain: str = ".tiktok.com"

    def web_url(self, path: str) -> str:
        """Return ``web`` joined with ``path`` (which starts with ``/``)."""
        return self.web.rstrip("/") + path

    def webcast_url(self, path: str) -> str:
        """Return ``webcast`` joined with ``path`` (``/room/info/`` -> ``.../webcast/room/info/``)."""
        return self.webcast.rstrip("/") + path

    def sign_url(self, path: str) -> str:
        """Return ``sign`` joined with ``path``."""
        return self.sign.rstrip("/") + path

    @property
    def secure(self) -> bool:
        """True when the web host is https (the real TikTok): login cookies are then ``Secure``."""
        return urlsplit(self.web).scheme == "https"

    @property
    def tiktok_hosts(self) -> frozenset[str]:
        """The host names of the web and webcast endpoints: the hosts that are "TikTok"."""
        return frozenset((urlsplit(u).hostname or "").lower() for u in (self.web, self.webcast)) - {""}

    def is_tiktok_url(self, url: str) -> bool:
        """True if ``url`` has the webcast endpoint's scheme (https for the real TikTok) and a TikTok host.

        A TikTok host is one of :attr:`tiktok_hosts`, or a sub-domain of ``cookie_domain`` when that is
        a domain (``.tiktok.com``). Signed URLs from the sign server must pass this before anything is
        sent to them.
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host or parts.scheme != urlsplit(self.webcast).scheme or parts.username or parts.password:
            return False
        if host in self.tiktok_hosts:
            return True
        domain = self.cookie_domain.lower()
        return domain.startswith(".") and host.endswith(domain)

    @property
    def sign_host(self) -> str:
        """The host name of the sign server (what ``trusted_sign_hosts`` is compared with)."""
        return (urlsplit(self.sign).hostname or "").lower()

    def with_base(self, base: str) -> Endpoints:
        """Return Endpoints with every HTTP host replaced by ``base`` (e.g. a local fake)."""
        base = base.rstrip("/")
        return replace(self, web=base, webcast=base + "/webcast", sign=base + "/sign")
