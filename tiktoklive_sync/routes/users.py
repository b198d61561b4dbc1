"""Numeric user id -> @handle, from the profile page (PROTOCOL.md 2.7).

Example::

    with tls.Session() as s:
        tls.fetch_user_unique_id(s, 6812345678901234567)   # -> "someone"
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .._json import as_int, as_str
from ..errors import FailedParseAppInfo, FailedResolveUserId
from ._common import check_user_id, dict_at, read_script_json

if TYPE_CHECKING:
    from .._session import Session

__all__ = ["fetch_user_unique_id"]

log = logging.getLogger("tiktoklive_sync")

_APP_DATA_SCRIPT = "__UNIVERSAL_DATA_FOR_REHYDRATION__"


def fetch_user_unique_id(session: Session, user_id: int | str) -> str:
    """Return the @handle (unique id) of the user with this numeric id.

    Sends ``GET {web}/@{user_id}`` (default headers, no default query parameters) and reads
    ``__DEFAULT_SCOPE__["webapp.user-detail"].userInfo.user.uniqueId`` from the page's
    ``__UNIVERSAL_DATA_FOR_REHYDRATION__`` data.

    Args:
        session: the Session to send with.
        user_id: the numeric user id (an int or a string of digits).
    Returns:
        the unique id, without the ``@``.
    Raises:
        ValueError: a user id that is not a positive 64-bit integer.
        FailedParseAppInfo: the page has no app data, it is not JSON, or the status is an error.
        FailedResolveUserId: the app data holds no unique id for the user (no such user?).
        LoginRequiredError: TikTok redirected to a login page.
        requests.RequestException: transport failures.
    """
    uid = check_user_id(user_id)
    what = f"the profile page of user {uid}"
    response = session.get(session.endpoints.web_url(f"/@{uid}"))
    app_data = read_script_json(response, _APP_DATA_SCRIPT, FailedParseAppInfo, what)
    detail = dict_at(app_data, "__DEFAULT_SCOPE__", "webapp.user-detail")
    user = dict_at(detail, "userInfo", "user")
    unique_id = as_str(user.get("uniqueId")) if user is not None else ""
    if not unique_id.strip():
        status_code = as_int(detail.get("statusCode"), 0) if detail is not None else 0
        reason = f"statusCode {status_code}" if status_code else "no userInfo.user.uniqueId"
        raise FailedResolveUserId(
            f"{what} does not name the user ({reason}).", status=response.status_code, body=response.content
        )
    log.debug("user %d is @%s", uid, unique_id)
    return unique_id
