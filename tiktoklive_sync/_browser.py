"""The browser a Session pretends to be: user agent, locale, time zone and screen.

TikTok's web API expects the query parameters a desktop browser sends (PROTOCOL.md 1.2). A
:class:`BrowserProfile` holds one consistent set of them; :func:`random_profile` picks one of the
presets, and a Session keeps the same profile for its whole life (TikTok dislikes a client whose
browser changes between requests).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["BrowserProfile", "random_profile", "USER_AGENTS", "LOCATIONS", "SCREENS"]

USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
)

#: (language, language-COUNTRY, COUNTRY, time zone)
LOCATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("en", "en-GB", "GB", "Europe/London"),
    ("en", "en-CA", "CA", "America/Toronto"),
    ("en", "en-AU", "AU", "Australia/Sydney"),
    ("en", "en-NZ", "NZ", "Pacific/Auckland"),
    ("en", "en-ZA", "ZA", "Africa/Johannesburg"),
    ("en", "en-IE", "IE", "Europe/Dublin"),
    ("en", "en-JM", "JM", "America/Jamaica"),
    ("en", "en-BZ", "BZ", "America/Belize"),
    ("en", "en-TT", "TT", "America/Port_of_Spain"),
)

#: (width, height)
SCREENS: tuple[tuple[int, int], ...] = (
    (1920, 1080),
    (2560, 1440),
    (3840, 2160),
    (4096, 2160),
    (5120, 2880),
    (7680, 4320),
    (1080, 1920),
    (1440, 2560),
)


@dataclass(frozen=True)
class BrowserProfile:
    """One consistent desktop-browser identity.

    Attributes:
        user_agent: the User-Agent header (and the basis of browser_name / browser_version).
        language: e.g. ``en``; lang_country: e.g. ``en-GB``; country: e.g. ``GB``; tz_name: e.g.
        ``Europe/London``; screen_width / screen_height: pixels; history_len: 4..14; last_rtt: ms.
    """

    user_agent: str = USER_AGENTS[0]
    language: str = "en"
    lang_country: str = "en-GB"
    country: str = "GB"
    tz_name: str = "Europe/London"
    screen_width: int = 1920
    screen_height: int = 1080
    history_len: int = 8
    last_rtt: int = 150

    @property
    def browser_name(self) -> str:
        """The text before the first ``/`` of the user agent (``Mozilla``)."""
        return self.user_agent.split("/", 1)[0]

    @property
    def browser_version(self) -> str:
        """Everything after the first ``/`` of the user agent, raw (requests percent-encodes it)."""
        return self.user_agent.split("/", 1)[1] if "/" in self.user_agent else ""

    @property
    def browser_platform(self) -> str:
        """``MacIntel`` for a Macintosh user agent, else ``Win32``."""
        return "MacIntel" if "Macintosh" in self.user_agent else "Win32"

    @property
    def os(self) -> str:
        """``mac`` or ``windows``."""
        return "mac" if "Macintosh" in self.user_agent else "windows"


def random_profile(rng: random.Random | None = None) -> BrowserProfile:
    """Return a BrowserProfile made from randomly chosen presets."""
    rng = rng or random.Random()
    lang, lang_country, country, tz = rng.choice(LOCATIONS)
    width, height = rng.choice(SCREENS)
    return BrowserProfile(
        user_agent=rng.choice(USER_AGENTS),
        language=lang,
        lang_country=lang_country,
        country=country,
        tz_name=tz,
        screen_width=width,
        screen_height=height,
        history_len=rng.randint(4, 14),
        last_rtt=rng.randint(100, 200),
    )
