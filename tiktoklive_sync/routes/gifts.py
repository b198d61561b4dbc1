"""The gift catalogue (PROTOCOL.md 2.5).

Example::

    with tls.Session() as s:
        gifts = tls.fetch_gift_list(s)
        rose = gifts.by_name("Rose")
        print(rose.id, rose.diamond_count)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import requests

from .._json import as_int, as_str
from ..errors import FailedFetchGiftListError
from ..models import GiftList
from ._common import check_room_id, read_json_object

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_gift_list"]

log = logging.getLogger("tiktoklive_sync")


def fetch_gift_list(session: Session, room_id: int | str | None = None, *, signed: bool = False) -> GiftList:
    """Fetch the gifts viewers can send (ids, names, coin values, pictures).

    Sends ``GET {webcast}/gift/list/`` with the default query parameters (and ``room_id`` if given).

    Args:
        session: the Session to send with.
        room_id: a room id, for the gifts of that room's region (optional).
        signed: have the sign server sign the URL first (TikTok may answer unsigned requests
            with an empty or blocked body).
    Returns:
        a :class:`~tiktoklive_sync.models.GiftList` (the ``data`` object in ``.raw``).
    Raises:
        ValueError: a room id that is not a positive integer.
        FailedFetchGiftListError: an error status, a body that is not JSON, a non-zero
            ``status_code``, or no ``data.gifts`` list.
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
        SignAPIError: ``signed=True`` and the sign server failed.
    """
    rid = check_room_id(room_id) if room_id is not None else None
    what = "the gift list"
    url = session.endpoints.webcast_url("/gift/list/")
    params = session.api_params(room_id=rid)
    headers: dict[str, str] = {}
    if signed:
        full_url = requests.Request("GET", url, params=params).prepare().url or url
        signature = session.signer.sign_url(full_url, method="GET")
        url, params, headers = signature.url, {}, {"User-Agent": signature.user_agent}
    response = session.get(url, params=params, headers=headers)
    body = read_json_object(response, FailedFetchGiftListError, what)
    status_code = as_int(body.get("status_code"), 0)
    data = body.get("data")
    if status_code != 0:
        message = as_str(data.get("message")) if isinstance(data, dict) else ""
        raise FailedFetchGiftListError(
            f"TikTok answered {what} with status_code {status_code} ({message or 'no message'}).",
            status=response.status_code,
            body=response.content,
        )
    if not isinstance(data, dict) or not isinstance(data.get("gifts"), list):
        raise FailedFetchGiftListError(
            f"TikTok's answer to {what} holds no data.gifts list.", status=response.status_code, body=response.content
        )
    gifts = GiftList.from_json(data)
    log.debug("gift list: %d gifts", len(gifts))
    return gifts
