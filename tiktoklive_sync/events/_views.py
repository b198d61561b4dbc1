"""Thin, lazy views over the protobuf sub-messages that events share: users, badges, gifts, texts.

A view holds the protobuf message it was made from (``.raw``) and reads fields only when a
property is asked for, so building one costs a single small object. Views are created on
access (``event.user`` makes a fresh :class:`UserView` each time); keep a reference if you
read many of its properties in a hot loop.

Example::

    user = event.user
    print(user.nickname, user.unique_id, user.gifter_level, user.avatar_url)
"""

from __future__ import annotations

import re

from ..proto.common_pb2 import BadgeStruct, EmoteModel, GiftStruct, ImageModel, Text, User

__all__ = ["BadgeView", "Emote", "GiftInfo", "UserView", "image_url", "render_text"]

#: ``BadgeStruct.scene_type`` values seen on the wire
BADGE_SCENE_MODERATOR = 1
BADGE_SCENE_SUBSCRIBER = 4
BADGE_SCENE_GIFTER_LEVEL = 8
BADGE_SCENE_FAN_CLUB = 10

# "[^{}]" (not "[^}]"): a format part never holds "{", and a text of many unclosed "{0:" would
# otherwise cost quadratic time (90 KB took 20 s)
_PLACEHOLDER = re.compile(r"\{(\d+)(?::[^{}]*)?\}")
_LEVEL_IN_URL = re.compile(r"_lv([0-9]+)")
#: the most digits a number read from a text field may have (a 64-bit id has 20)
MAX_DIGITS = 20


def read_number(text: str) -> int | None:
    """Return ``text`` as an int if it is 1 to :data:`MAX_DIGITS` ASCII digits, else None.

    Never raises: ``int()`` refuses strings of more than 4300 digits, and ``str.isdigit()``
    accepts characters such as "²" that ``int()`` does not.
    """
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def image_url(image: ImageModel) -> str | None:
    """Return the preferred URL of an image (the first of ``url_list``), or None if it has none."""
    urls = image.url_list
    return urls[0] if urls else None


def render_text(text: Text) -> str:
    """Fill a TikTok ``Text`` template (``"{0:user} followed the host"``) with its pieces.

    Returns:
        The rendered string: ``{n:...}`` becomes piece n's string value, or its user's nickname;
        placeholders with no usable piece (images, missing pieces) become an empty string.
        A text without a pattern renders as its key.
    """
    pattern = text.default_pattern
    if not pattern:
        return text.key
    pieces = text.pieces

    def fill(match: re.Match[str]) -> str:
        digits = match.group(1)
        if len(digits) > 9:  # no text has a billion pieces (and int() refuses over 4300 digits)
            return ""
        index = int(digits)
        if index >= len(pieces):
            return ""
        piece = pieces[index]
        if piece.string_value:
            return piece.string_value
        if piece.HasField("user_value"):
            return piece.user_value.user.nickname
        return ""

    return _PLACEHOLDER.sub(fill, pattern)


class BadgeView:
    """One badge of a user (gifter level, fan club, moderator, subscriber, ...)."""

    __slots__ = ("raw",)

    def __init__(self, raw: BadgeStruct) -> None:
        self.raw = raw

    @property
    def scene_type(self) -> int:
        """What the badge is for: 1 moderator, 4 subscriber, 8 gifter level, 10 fan club, ..."""
        return self.raw.scene_type

    @property
    def level(self) -> int | None:
        """The level the badge shows (gifter / fan-club level), or None if it has none."""
        level = read_number(self.raw.privilege_log_extra.level)
        if level:
            return level
        url = self.image_url or ""
        match = _LEVEL_IN_URL.search(url)
        return read_number(match.group(1)) if match else None

    @property
    def label(self) -> str:
        """The badge's text (``"Moderator"``, a fan-club name, ...), or "" for image-only badges."""
        raw = self.raw
        return raw.str.str or raw.text.default_pattern or raw.combine.str or raw.text.key

    @property
    def image_url(self) -> str | None:
        """The badge picture's URL, if it has one."""
        raw = self.raw
        if raw.HasField("image"):
            return image_url(raw.image.image)
        if raw.HasField("combine"):
            return image_url(raw.combine.icon)
        return None

    def __repr__(self) -> str:
        return f"BadgeView(scene_type={self.scene_type}, level={self.level}, label={self.label!r})"


class UserView:
    """A TikTok user as events carry it (sender of a comment, gift, like, ...).

    An event whose message has no user gives a view with empty fields (``id == 0``), so
    ``event.user.nickname`` never fails.
    """

    __slots__ = ("raw",)

    def __init__(self, raw: User) -> None:
        self.raw = raw

    @property
    def id(self) -> int:
        """The numeric user id (0 if unknown)."""
        return self.raw.id

    @property
    def id_str(self) -> str:
        """The user id as a string (safe for JSON consumers that round big integers)."""
        return self.raw.id_str or (str(self.raw.id) if self.raw.id else "")

    @property
    def nickname(self) -> str:
        """The display name."""
        return self.raw.nickname

    @property
    def unique_id(self) -> str:
        """The @handle (without the @)."""
        return self.raw.display_id

    @property
    def sec_uid(self) -> str:
        return self.raw.sec_uid

    @property
    def bio(self) -> str:
        return self.raw.bio_description

    @property
    def verified(self) -> bool:
        return self.raw.verified

    @property
    def avatar_url(self) -> str | None:
        """The URL of the small avatar (falling back to the medium/large one), or None."""
        raw = self.raw
        return image_url(raw.avatar_thumb) or image_url(raw.avatar_medium) or image_url(raw.avatar_large)

    @property
    def follower_count(self) -> int:
        return self.raw.follow_info.follower_count

    @property
    def following_count(self) -> int:
        return self.raw.follow_info.following_count

    @property
    def follow_status(self) -> int:
        """0 none, 1 follows, 2 mutual (friends)."""
        return self.raw.follow_info.follow_status

    @property
    def is_friend(self) -> bool:
        """True when the user and the host follow each other."""
        return self.raw.follow_info.follow_status >= 2

    @property
    def badges(self) -> list[BadgeView]:
        """All badges, in the order TikTok sends them."""
        return [BadgeView(badge) for badge in self.raw.badge_list]

    def _badge_level(self, scene: int) -> int | None:
        for badge in self.raw.badge_list:
            if badge.scene_type == scene:
                return BadgeView(badge).level
        return None

    @property
    def gifter_level(self) -> int | None:
        """The gifter level badge's number, or None without one."""
        return self._badge_level(BADGE_SCENE_GIFTER_LEVEL)

    @property
    def fan_club_level(self) -> int | None:
        """The fan-club badge's level, or None when the user is not in the host's fan club."""
        return self._badge_level(BADGE_SCENE_FAN_CLUB)

    @property
    def is_moderator(self) -> bool:
        """True when the user wears the moderator badge."""
        return any(badge.scene_type == BADGE_SCENE_MODERATOR for badge in self.raw.badge_list)

    @property
    def is_subscriber(self) -> bool:
        """True when the user wears a subscriber badge."""
        return any(badge.scene_type == BADGE_SCENE_SUBSCRIBER for badge in self.raw.badge_list)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserView) and other.raw == self.raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"UserView(id={self.id}, unique_id={self.unique_id!r}, nickname={self.nickname!r})"


class GiftInfo:
    """The description of a gift (``GiftEvent.gift``): id, name, coin value, streakability."""

    __slots__ = ("raw",)

    def __init__(self, raw: GiftStruct) -> None:
        self.raw = raw

    @property
    def id(self) -> int:
        return self.raw.id

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def diamond_count(self) -> int:
        """Coins one of these gifts is worth."""
        return self.raw.diamond_count

    @property
    def type(self) -> int:
        """1 for streakable (combo) gifts; other values are one-shot gifts."""
        return self.raw.type

    @property
    def streakable(self) -> bool:
        """True for combo gifts, which arrive as a streak of messages ending at repeat_end."""
        return self.raw.type == 1

    @property
    def describe(self) -> str:
        return self.raw.describe

    @property
    def image_url(self) -> str | None:
        return image_url(self.raw.image)

    def __repr__(self) -> str:
        return f"GiftInfo(id={self.id}, name={self.name!r}, diamond_count={self.diamond_count})"


class Emote:
    """A sticker emote: its id and picture (``index`` is its position in a comment)."""

    __slots__ = ("raw", "index")

    def __init__(self, raw: EmoteModel, index: int = 0) -> None:
        self.raw = raw
        self.index = index

    @property
    def emote_id(self) -> str:
        return self.raw.emote_id

    @property
    def image_url(self) -> str | None:
        return image_url(self.raw.image)

    def __repr__(self) -> str:
        return f"Emote(emote_id={self.emote_id!r}, index={self.index})"
