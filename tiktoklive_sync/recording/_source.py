"""What may reach ffmpeg's ``-i``: stream URL checks, the protocols ffmpeg may open, TLS verification.

A stream URL comes from a server's answer (room info), so it is untrusted input to a program that can
read local files (``file:``, a bare path, ``concat:``, ``subfile,``) and open raw sockets (``tcp://``,
``udp://``). Three layers keep a hostile URL from doing more than fetch a stream:

1. :func:`check_stream_url`: only ``http://`` and ``https://`` URLs with a host name are accepted, on any
   host (TikTok's CDN host names vary by region and vendor, and the room info that names them comes
   from TikTok over verified HTTPS); anything else is a :class:`StreamUnavailableError` before any ffmpeg
   starts;
2. :func:`source_args`: ``-protocol_whitelist http,https,tcp,tls`` limits what ffmpeg itself may open,
   so a redirect, an HLS playlist or a nested URL cannot reach a file or another protocol either;
3. for ``https://``: ``-tls_verify 1`` and ``-ca_file`` (the Session's CA bundle, else certifi's), once
   :func:`check_tls_support` has seen that the ffmpeg found has those options.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import RecordingError, StreamUnavailableError

__all__ = ["PROTOCOL_WHITELIST", "check_stream_url", "source_args", "check_tls_support", "ca_bundle"]

#: the only protocols the capture ffmpeg may open (https needs tls, and both need tcp beneath)
PROTOCOL_WHITELIST = "http,https,tcp,tls"

_SCHEMES = ("http", "https")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def check_stream_url(url: Any, room_id: int | str = "?") -> str:
    """Return ``url`` if it is an http(s) URL with a host name, fit to hand to ffmpeg.

    Raises:
        StreamUnavailableError: anything else (another protocol, a local path, ``concat:``,
            ``subfile,``, spaces or control characters, no host), saying what was refused.
    """
    if not isinstance(url, str) or not url:
        raise StreamUnavailableError(f"Room {room_id}'s stream URL is empty or not text; nothing to record.")
    shown = url if len(url) <= 120 else url[:117] + "..."
    if _CONTROL.search(url):
        raise StreamUnavailableError(
            f"Room {room_id}'s stream URL {shown!r} holds spaces or control characters; refusing to record it."
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not url[: len(parts.scheme) + 3].lower().endswith("://"):
        raise StreamUnavailableError(
            f"Room {room_id}'s stream URL {shown!r} is not an http(s) URL; refusing to hand it to ffmpeg "
            "(only http:// and https:// stream URLs are recorded)."
        )
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if not host:
        raise StreamUnavailableError(f"Room {room_id}'s stream URL {shown!r} names no host; refusing to record it.")
    return url


def source_args(url: str, ca_file: str | None) -> list[str]:
    """Return the input options that limit what ffmpeg may open for ``url`` (an http(s) URL).

    ``-tls_verify`` and ``-ca_file`` go only with https: ffmpeg refuses them on a plain http input.
    """
    args = ["-protocol_whitelist", PROTOCOL_WHITELIST]
    if url[:8].lower() == "https://":
        args += ["-tls_verify", "1"]
        if ca_file:
            args += ["-ca_file", ca_file]
    return args


def ca_bundle(session: Any) -> str | None:
    """Return the CA bundle ffmpeg should verify https streams with: the Session's, else certifi's.

    A Session whose ``verify`` is a path to a bundle names it; otherwise the bundle requests itself
    uses (certifi's) is given, since a static ffmpeg build may know no system CA store.
    """
    verify = getattr(session, "verify", None)
    if isinstance(verify, (str, os.PathLike)) and Path(verify).is_file():
        return os.fspath(verify)
    try:
        import certifi
    except ImportError:
        return None
    path = certifi.where()
    return path if Path(path).is_file() else None


def check_tls_support(ffmpeg: str) -> None:
    """Make sure ``ffmpeg`` verifies TLS certificates and takes a CA file (``-tls_verify``, ``-ca_file``).

    Raises:
        RecordingError: this ffmpeg has no TLS support or lacks those options (too old, or built
            without a TLS library), so an https stream could not be recorded safely.
    """
    options = _tls_options(ffmpeg, _mtime(ffmpeg))
    missing = [name for name in ("tls_verify", "ca_file") if name not in options]
    if missing:
        raise RecordingError(
            f"The ffmpeg at {ffmpeg} cannot verify TLS certificates (it has no "
            f"{' / '.join('-' + m for m in missing)} option), so it cannot record an https stream safely. "
            "Install an ffmpeg built with TLS (4.0 or newer), or pass ffmpeg= / set $TIKTOKLIVE_FFMPEG."
        )


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=16)
def _tls_options(ffmpeg: str, mtime: float) -> frozenset[str]:
    """Return the option names ffmpeg lists for its tls protocol (cached per binary and version)."""
    try:
        text = subprocess.run(
            [ffmpeg, "-hide_banner", "-h", "protocol=tls"], stdin=subprocess.DEVNULL, capture_output=True,
            text=True, errors="replace", timeout=30,
        ).stdout  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(re.findall(r"^\s*-(\w+)\s", text, flags=re.MULTILINE))
