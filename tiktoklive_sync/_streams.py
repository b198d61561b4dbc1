"""Stream qualities, formats and the pull URLs of a live stream (PROTOCOL.md section 3)."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._json import dig, mapping

__all__ = ["VideoQuality", "VideoFetchQuality", "VideoFetchFormat", "StreamUrls"]


class VideoQuality(str, enum.Enum):
    """Stream qualities, lowest first. The value is the key in TikTok's stream data."""

    LD = "ld"
    SD = "sd"
    HD = "hd"
    UHD = "uhd"
    ORIGIN = "origin"

    @property
    def rank(self) -> int:
        """0 for LD up to 4 for ORIGIN."""
        return list(VideoQuality).index(self)


#: the reference library's name for VideoQuality
VideoFetchQuality = VideoQuality


class VideoFetchFormat(str, enum.Enum):
    """Stream formats. The value is the key under ``stream_data.data.<quality>.main``."""

    FLV = "flv"
    HLS = "hls"
    CMAF = "cmaf"


# flv_pull_url keys (a fallback source of URLs) and the quality each stands for
_FLV_PULL_KEYS = {"FULL_HD1": VideoQuality.UHD, "HD1": VideoQuality.HD, "SD1": VideoQuality.SD, "SD2": VideoQuality.LD}


_QUALITY_KEYS = tuple((q, q.value) for q in VideoQuality)
_FORMAT_KEYS = tuple((f, f.value) for f in VideoFetchFormat)


@dataclass(frozen=True)
class StreamUrls:
    """The pull URLs of a live stream, by quality and format.

    ``urls[VideoQuality.HD][VideoFetchFormat.FLV]`` is a URL. Built from room info's
    ``stream_url.live_core_sdk_data.pull_data.stream_data`` (a JSON string), falling back to
    ``stream_url.flv_pull_url`` / ``hls_pull_url``.
    """

    urls: Mapping[VideoQuality, Mapping[VideoFetchFormat, str]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def qualities(self) -> list[VideoQuality]:
        """The qualities that have at least one URL, lowest first."""
        return sorted(self.urls, key=lambda q: q.rank)

    def __bool__(self) -> bool:
        return any(self.urls.values())

    def get(self, quality: VideoQuality, fmt: VideoFetchFormat = VideoFetchFormat.FLV) -> str | None:
        """Return the URL for exactly this quality and format (FLV if the format is missing), or None."""
        formats = self.urls.get(VideoQuality(quality), {})
        return formats.get(VideoFetchFormat(fmt)) or formats.get(VideoFetchFormat.FLV)

    def pick(
        self, quality: VideoQuality, fmt: VideoFetchFormat = VideoFetchFormat.FLV
    ) -> tuple[VideoQuality, str] | None:
        """Return ``(quality used, url)``: the asked quality, else the nearest available one.

        Nearest means the next lower quality first, then the next higher one. None if no quality
        has a URL for the format (or FLV).
        """
        quality = VideoQuality(quality)
        order = sorted(VideoQuality, key=lambda q: (abs(q.rank - quality.rank), q.rank > quality.rank))
        for q in order:
            url = self.get(q, fmt)
            if url:
                return q, url
        return None

    @classmethod
    def from_room_json(cls, room: Any) -> StreamUrls:
        """Parse the stream URLs out of a room info ``data`` object."""
        stream_url = mapping(dig(room, "stream_url"))
        sdk_data = dig(stream_url, "live_core_sdk_data", "pull_data", "stream_data")
        urls: dict[VideoQuality, dict[VideoFetchFormat, str]] = {}
        parsed: Any = None
        if isinstance(sdk_data, str) and sdk_data:
            try:
                parsed = json.loads(sdk_data)
            except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
                parsed = None
        elif isinstance(sdk_data, Mapping):
            parsed = sdk_data
        by_quality = mapping(dig(parsed, "data"))
        for quality, key in _QUALITY_KEYS:  # plain loops: this runs on every room info call
            main = mapping(mapping(by_quality.get(key)).get("main"))
            for fmt, fkey in _FORMAT_KEYS:
                url = main.get(fkey)
                if isinstance(url, str) and url:
                    urls.setdefault(quality, {})[fmt] = url
        if not urls:
            flv = mapping(stream_url.get("flv_pull_url"))
            for key, quality in _FLV_PULL_KEYS.items():
                url = flv.get(key)
                if isinstance(url, str) and url:
                    urls.setdefault(quality, {})[VideoFetchFormat.FLV] = url
            hls = stream_url.get("hls_pull_url")
            if isinstance(hls, str) and hls:
                urls.setdefault(VideoQuality.ORIGIN, {})[VideoFetchFormat.HLS] = hls
        return cls(urls=urls, raw=stream_url)
