"""Frozen dataclasses returned by the HTTP routes, each parsed next to its definition.

Every model keeps what it was parsed from in ``.raw``, so nothing TikTok sends is out of reach.
Parsers are tolerant: a missing or oddly typed field becomes a default (``0``, ``""``, ``None``),
never a ``KeyError`` or ``TypeError``; routes decide which absences are errors. Stream URLs and
qualities live in :mod:`tiktoklive_sync._streams` and are re-exported here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._json import as_int, as_str
from ._json import mapping as _mapping
from ._streams import StreamUrls, VideoFetchFormat, VideoFetchQuality, VideoQuality

__all__ = [
    "Image",
    "User",
    "Gift",
    "GiftList",
    "VideoQuality",
    "VideoFetchQuality",
    "VideoFetchFormat",
    "StreamUrls",
    "RoomInfo",
    "LiveState",
    "LiveStatus",
]


@dataclass(frozen=True)
class Image:
    """A picture on TikTok's CDN (avatars, gift icons).

    Attributes:
        url_list: the URLs of the same picture, preferred first.
        uri: TikTok's storage key.
        width, height: pixels (often 0: unknown).
    """

    url_list: tuple[str, ...] = ()
    uri: str = ""
    width: int = 0
    height: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def url(self) -> str:
        """The preferred URL ("" if there is none)."""
        return self.url_list[0] if self.url_list else ""

    @classmethod
    def from_json(cls, data: Any) -> Image:
        """Parse an ImageModel JSON object (``{"url_list": [...], "uri": ...}``)."""
        d = _mapping(data)
        urls = d.get("url_list")
        return cls(
            url_list=tuple(u for u in urls if isinstance(u, str)) if isinstance(urls, list) else (),
            uri=as_str(d.get("uri")),
            width=as_int(d.get("width")),
            height=as_int(d.get("height")),
            raw=d,
        )


@dataclass(frozen=True)
class User:
    """A TikTok user as the webcast JSON API describes one (e.g. a room's owner).

    Attributes:
        id: the numeric user id; id_str: the same as text.
        unique_id: the @handle (``display_id``), without the @.
        nickname: the display name.
        avatar: the small avatar (``avatar_thumb``).
        follower_count, following_count: from ``follow_info``.
    """

    id: int = 0
    unique_id: str = ""
    nickname: str = ""
    avatar: Image = field(default_factory=Image)
    follower_count: int = 0
    following_count: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id_str(self) -> str:
        """The user id as text (ids exceed 2**53: safe for JSON consumers)."""
        return str(self.id)

    @classmethod
    def from_json(cls, data: Any) -> User:
        """Parse a webcast user object (``{"id": ..., "display_id": ..., "nickname": ...}``)."""
        d = _mapping(data)
        follow = _mapping(d.get("follow_info"))
        return cls(
            id=as_int(d.get("id_str")) or as_int(d.get("id")),
            unique_id=as_str(d.get("display_id")) or as_str(d.get("unique_id")) or as_str(d.get("uniqueId")),
            nickname=as_str(d.get("nickname")),
            avatar=Image.from_json(d.get("avatar_thumb")),
            follower_count=as_int(follow.get("follower_count")),
            following_count=as_int(follow.get("following_count")),
            raw=d,
        )


@dataclass(frozen=True)
class Gift:
    """A gift that viewers can send.

    Attributes:
        id, name, diamond_count (coins for one), type (1 = streakable), describe, image.
    """

    id: int = 0
    name: str = ""
    diamond_count: int = 0
    type: int = 0
    describe: str = ""
    image: Image = field(default_factory=Image)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def streakable(self) -> bool:
        """True for combo gifts (type 1), which arrive as a streak of messages."""
        return self.type == 1

    @classmethod
    def from_json(cls, data: Any) -> Gift:
        """Parse one entry of the gift list's ``data.gifts``."""
        d = _mapping(data)
        return cls(
            id=as_int(d.get("id")),
            name=as_str(d.get("name")),
            diamond_count=as_int(d.get("diamond_count")),
            type=as_int(d.get("type")),
            describe=as_str(d.get("describe")),
            image=Image.from_json(d.get("image")),
            raw=d,
        )


@dataclass(frozen=True)
class GiftList:
    """The gifts TikTok offers. Iterable; look gifts up with :meth:`by_id` / :meth:`by_name`."""

    gifts: tuple[Gift, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __iter__(self) -> Iterator[Gift]:
        return iter(self.gifts)

    def __len__(self) -> int:
        return len(self.gifts)

    def by_id(self, gift_id: int) -> Gift | None:
        """Return the gift with this id, or None."""
        return next((g for g in self.gifts if g.id == gift_id), None)

    def by_name(self, name: str) -> Gift | None:
        """Return the first gift with this name (case-insensitive), or None."""
        folded = name.casefold()
        return next((g for g in self.gifts if g.name.casefold() == folded), None)

    @classmethod
    def from_json(cls, data: Any) -> GiftList:
        """Parse the gift list route's ``data`` object (``{"gifts": [...], ...}``)."""
        d = _mapping(data)
        items = d.get("gifts")
        gifts = tuple(Gift.from_json(g) for g in items if isinstance(g, Mapping)) if isinstance(items, list) else ()
        return cls(gifts=gifts, raw=d)


@dataclass(frozen=True)
class RoomInfo:
    """A live room, from ``/webcast/room/info/`` (or ``info_by_user``).

    Attributes:
        id: the room id. status: TikTok's room status (2 = live, 4 = ended).
        title, owner (a :class:`User`), user_count (viewers now), create_time (unix seconds),
        stream_urls (a :class:`StreamUrls`), raw (the whole ``data`` object).
    """

    id: int = 0
    status: int = 0
    title: str = ""
    owner: User = field(default_factory=User)
    user_count: int = 0
    create_time: int = 0
    stream_urls: StreamUrls = field(default_factory=StreamUrls)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_live(self) -> bool:
        """True while the room is broadcasting (status 2)."""
        return self.status == 2

    @property
    def id_str(self) -> str:
        """The room id as text."""
        return str(self.id)

    @classmethod
    def from_json(cls, data: Any) -> RoomInfo:
        """Parse room info's ``data`` object."""
        d = _mapping(data)
        return cls(
            id=as_int(d.get("id_str")) or as_int(d.get("id")),
            status=as_int(d.get("status")),
            title=as_str(d.get("title")),
            owner=User.from_json(d.get("owner")),
            user_count=as_int(d.get("user_count")),
            create_time=as_int(d.get("create_time")),
            stream_urls=StreamUrls.from_room_json(d),
            raw=d,
        )


class LiveState(str, enum.Enum):
    """Why a user is or is not watchable right now."""

    LIVE = "live"
    OFFLINE = "offline"
    AGE_RESTRICTED = "age_restricted"
    NOT_FOUND = "not_found"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class LiveStatus:
    """The answer of :func:`fetch_live_status`: a state and the evidence for it.

    Attributes:
        state: a :class:`LiveState`. unique_id: who was asked about. room_id: their room, if known.
        evidence: a sentence saying which answer of TikTok's led to the state.
        error: the error that led to the state, if one did.
    """

    state: LiveState
    unique_id: str
    room_id: int | None = None
    evidence: str = ""
    error: BaseException | None = field(default=None, compare=False)

    @property
    def is_live(self) -> bool:
        """True if the state is LIVE."""
        return self.state is LiveState.LIVE

    def __bool__(self) -> bool:
        return self.is_live
