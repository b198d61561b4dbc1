"""Picture downloads from TikTok's CDN: avatars, gift icons, covers (PROTOCOL.md 2.6).

Example::

    with tls.Session() as s:
        info = tls.fetch_room_info(s, unique_id="someone")
        png = tls.fetch_image_data(s, info.owner.avatar)
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .._transport import read_body
from ..errors import FailedFetchImageError, ResponseTooLargeError
from ..models import Image
from ._common import check_positive_int

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_image_data", "DEFAULT_MAX_IMAGE_BYTES"]

log = logging.getLogger("tiktoklive_sync")

#: the default size limit of one picture (TikTok's largest avatars are well under 1 MiB)
DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024


def _image_url(image: str | Image) -> str:
    if isinstance(image, Image):
        url = image.url
        if not url:
            raise ValueError("the Image has no URLs (url_list is empty)")
    elif isinstance(image, str):
        url = image.strip()
    else:
        raise ValueError(f"image must be a URL string or a tiktoklive_sync.Image, not {type(image).__name__}")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ValueError(f"image URL must be an http(s) URL, not {url[:100]!r}")
    return url


def fetch_image_data(session: Session, image: str | Image, *, max_bytes: int = DEFAULT_MAX_IMAGE_BYTES) -> bytes:
    """Download a picture, refusing anything larger than ``max_bytes``.

    The body is read by the Session's transport (:func:`tiktoklive_sync._transport.read_body`, the
    same reader every answer goes through) with ``max_bytes`` as its limit and the Session's total
    deadline: a too-large picture is abandoned as soon as the limit is passed (or at once when
    ``Content-Length`` announces it), so a wrong URL never fills the memory.

    Args:
        session: the Session to send with.
        image: a URL, or an :class:`~tiktoklive_sync.models.Image` (its first URL is used).
        max_bytes: the largest body accepted (after content decoding), default 10 MiB.
    Returns:
        the picture's bytes.
    Raises:
        ValueError: an Image without URLs, a URL that is not http(s), or a max_bytes below 1.
        FailedFetchImageError: a status outside 200-299, or a body larger than ``max_bytes``.
        requests.RequestException: transport failures (``requests.Timeout`` at the deadline).
    """
    url = _image_url(image)
    limit = check_positive_int(max_bytes, "max_bytes")
    deadline = time.monotonic() + session.deadline
    with session.get(url, stream=True) as response:
        if not 200 <= response.status_code < 300:
            raise FailedFetchImageError(
                "The image server answered with an error status.",
                status=response.status_code,
                body=response.raw.read(512) if response.raw is not None else b"",
            )
        try:
            data = read_body(response, limit=limit, deadline=deadline)
        except ResponseTooLargeError as exc:
            announced = exc.announced
            message = (
                f"The image is {announced} bytes, more than max_bytes={limit}." if announced is not None
                else f"The image is larger than max_bytes={limit}; stopped reading."
            )
            raise FailedFetchImageError(message, status=response.status_code) from exc
    log.debug("image: %d bytes from %s", len(data), urlsplit(url).netloc)
    return data
