"""The exception tree: every name of the reference library, messages a person can act on."""

from __future__ import annotations

import pytest

import tiktoklive_sync as tls

SEED_NAMES = [
    "UserOfflineError", "UserNotFoundError", "FailedParseRoomIdError", "InvalidFetchRoomInfoPayload",
    "AgeRestrictedError", "FailedFetchRoomInfoError", "InvalidFetchIsLiveRequest", "MissingRoomIdInResponse",
    "FailedFetchGiftListError", "DuplicateDownloadError", "SignAPIError", "SignatureRateLimitError",
    "FailedParseAppInfo", "FailedResolveUserId", "WebcastBlocked200Error",
]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_reference_error_name_is_exported_under_the_base(name: str) -> None:
    cls = getattr(tls, name)
    assert issubclass(cls, tls.TikTokLiveError)
    assert name in tls.__all__


def test_argument_errors_are_also_value_errors() -> None:
    assert issubclass(tls.InvalidFetchRoomInfoPayload, ValueError)
    assert issubclass(tls.InvalidFetchIsLiveRequest, ValueError)


def test_message_has_summary_status_advice_and_a_short_single_line_excerpt() -> None:
    err = tls.FailedFetchRoomInfoError(status=502, body=b"<html>\n" + b"x" * 5000)
    text = str(err)
    assert text.startswith("The room info could not be fetched")
    assert "(HTTP 502)" in text and "proxy" in text
    assert err.status == 502 and "\n" not in err.excerpt and len(err.excerpt) <= 203


def test_rate_limit_error_carries_seconds_and_reason() -> None:
    err = tls.SignatureRateLimitError("slow down", retry_after=2.5, log_id="abc")
    assert err.retry_after == 2.5 and err.reason == tls.SignAPIError.ErrorReason.RATE_LIMIT
    assert "2.5 s" in str(err) and "abc" in str(err)


def test_sign_reasons_keep_the_reference_numbers() -> None:
    reasons = tls.SignAPIError.ErrorReason
    assert [r.value for r in reasons] == [1, 2, 3, 4, 5, 6, 7]
    assert reasons.AUTHENTICATED_WS == 7
