"""Every HTTP route, through the public API, against FakeTikTok on 127.0.0.1 (real wire formats).

The fake is the ``fake_tiktok`` fixture of the package's pytest plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

import tiktoklive_sync as tls
from tiktoklive_sync.testing import FakeTikTok, pages

LIVE_ROOM = 7_100_000_000_000_000_001
OFFLINE_ROOM = 7_100_000_000_000_000_002
ADULT_ROOM = 7_100_000_000_000_000_003
USER_ID = 6_900_000_000_000_000_001
#: quick retries, so the retry tests do not wait for the default back-off
FAST_RETRY = tls.RetryPolicy(attempts=3, backoff=0.01, max_wait=2.0, max_seconds=5.0)


@pytest.fixture
def fake(fake_tiktok: FakeTikTok) -> FakeTikTok:
    fake_tiktok.add_room("someone", room_id=LIVE_ROOM, user_id=USER_ID, title="Cooking live", user_count=321)
    fake_tiktok.add_room("sleepy", room_id=OFFLINE_ROOM, live=False)
    fake_tiktok.add_room("adult", room_id=ADULT_ROOM, age_restricted=True)
    return fake_tiktok


@pytest.fixture
def s(fake: FakeTikTok) -> Iterator[tls.Session]:
    with fake.session(retry=FAST_RETRY, timeout=(2, 5)) as session:
        yield session


# -- room id ---------------------------------------------------------------------------------


def test_room_id_from_html(fake: FakeTikTok, s: tls.Session) -> None:
    assert tls.fetch_room_id_from_html(s, "@someone") == LIVE_ROOM
    (req,) = fake.requests_to("GET /@someone/live")
    assert "aid" not in req.query  # HTML pages go without the webcast parameters
    with pytest.raises(tls.UserOfflineError):
        tls.fetch_room_id_from_html(s, "sleepy")
    with pytest.raises(tls.UserNotFoundError):
        tls.fetch_room_id_from_html(s, "nobody")
    fake.fail_next("GET /@*/live", body=pages.captcha_html())
    with pytest.raises(tls.FailedParseRoomIdError):
        tls.fetch_room_id_from_html(s, "someone")
    fake.fail_next("GET /@*/live", malformed=True)
    with pytest.raises(tls.FailedParseRoomIdError):
        tls.fetch_room_id_from_html(s, "someone")


def test_room_id_from_api(fake: FakeTikTok, s: tls.Session) -> None:
    assert tls.fetch_room_id_from_api(s, "someone") == LIVE_ROOM
    req = fake.requests_to("GET /api-live/user/room/")[-1]
    assert req.query["uniqueId"] == "someone" and req.query["sourceType"] == "54" and req.query["aid"] == "1988"
    with pytest.raises(tls.UserNotFoundError):
        tls.fetch_room_id_from_api(s, "nobody")
    fake.fail_next("GET /api-live/user/room/", malformed=True)
    with pytest.raises(tls.FailedParseRoomIdError):
        tls.fetch_room_id_from_api(s, "someone")


def test_room_id_falls_back_from_a_blocked_page_to_the_api(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("GET /@someone/live", body=pages.captcha_html())
    assert tls.fetch_room_id(s, "someone") == LIVE_ROOM
    assert [r.path for r in fake.requests] == ["/@someone/live", "/api-live/user/room/"]


# -- room info -------------------------------------------------------------------------------


def test_room_info_by_room_id_and_by_unique_id(fake: FakeTikTok, s: tls.Session) -> None:
    info = tls.fetch_room_info(s, room_id=LIVE_ROOM)
    assert (info.id, info.title, info.user_count, info.is_live) == (LIVE_ROOM, "Cooking live", 321, True)
    assert info.owner.unique_id == "someone" and info.owner.id == USER_ID
    quality, url = info.stream_urls.pick(tls.VideoQuality.HD)
    assert quality is tls.VideoQuality.HD and url == fake.url(f"/stream/{LIVE_ROOM}/hd.flv")
    assert tls.fetch_room_info(s, unique_id="someone").id == LIVE_ROOM
    assert fake.requests_to("GET /webcast/room/info_by_user/")[0].query["unique_id"] == "someone"
    ended = tls.fetch_room_info(s, room_id=OFFLINE_ROOM)
    assert ended.status == 4 and not ended.is_live and not ended.stream_urls
    with pytest.raises(tls.InvalidFetchRoomInfoPayload):
        tls.fetch_room_info(s, room_id=LIVE_ROOM, unique_id="someone")


def test_room_info_age_restricted_needs_a_session(fake: FakeTikTok, s: tls.Session) -> None:
    with pytest.raises(tls.AgeRestrictedError):
        tls.fetch_room_info(s, room_id=ADULT_ROOM)
    s.set_session("adult-session-id", "useast2a")
    assert tls.fetch_room_info(s, room_id=ADULT_ROOM).owner.unique_id == "adult"


def test_room_info_of_an_unknown_room_and_bad_bodies(fake: FakeTikTok, s: tls.Session) -> None:
    with pytest.raises(tls.FailedFetchRoomInfoError):
        tls.fetch_room_info(s, room_id=12345)
    fake.fail_next("GET /webcast/room/info/", malformed=True)
    with pytest.raises(tls.FailedFetchRoomInfoError) as caught:
        tls.fetch_room_info(s, room_id=LIVE_ROOM)
    assert caught.value.status == 200 and caught.value.excerpt


def test_429_with_retry_after_on_a_get_is_retried(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("GET /webcast/room/info/", status=429, retry_after=0.2)
    assert tls.fetch_room_info(s, room_id=LIVE_ROOM).id == LIVE_ROOM
    assert [r.route for r in fake.requests] == ["GET /webcast/room/info/"] * 2


def test_a_retry_after_beyond_the_policy_is_not_waited_for(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("GET /webcast/room/info/", status=429, retry_after=600)
    with pytest.raises(tls.FailedFetchRoomInfoError) as caught:
        tls.fetch_room_info(s, room_id=LIVE_ROOM)
    assert caught.value.status == 429 and len(fake.requests) == 1


def test_5xx_on_a_get_is_retried_until_the_policy_gives_up(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("GET /webcast/gift/list/", status=503, times=5)
    with pytest.raises(tls.FailedFetchGiftListError) as caught:
        tls.fetch_gift_list(s)
    assert caught.value.status == 503
    assert len(fake.requests_to("GET /webcast/gift/list/")) == FAST_RETRY.attempts


def test_a_hung_endpoint_raises_requests_timeout(fake: FakeTikTok) -> None:
    # the fake answers after 10 s; a client without a working timeout would get the answer instead
    fake.hang("GET /webcast/room/info/", seconds=10, times=None)
    with fake.session(timeout=(2, 0.3)) as short, pytest.raises(requests.Timeout):
        tls.fetch_room_info(short, room_id=LIVE_ROOM)
    fake.hang("GET /@*/live", seconds=10)
    with fake.session(timeout=(2, 0.3)) as short, pytest.raises(requests.Timeout):
        tls.fetch_room_id_from_html(short, "someone")


def test_a_login_redirect_raises_login_required(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("GET /webcast/room/info/", redirect_to_login=True)
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_room_info(s, room_id=LIVE_ROOM)
    fake.fail_next("GET /@*/live", redirect_to_login=True)
    with pytest.raises(tls.LoginRequiredError):
        tls.fetch_room_id_from_html(s, "someone")
    assert fake.requests_to("GET /login")  # the redirect was followed to the login page


# -- live checks -----------------------------------------------------------------------------


def test_is_live_by_room_id_and_unique_id(fake: FakeTikTok, s: tls.Session) -> None:
    assert tls.fetch_is_live(s, room_id=LIVE_ROOM) is True
    assert tls.fetch_is_live(s, room_id=OFFLINE_ROOM) is False
    assert tls.fetch_is_live(s, unique_id="someone") is True
    assert tls.fetch_is_live_unique_id(s, "sleepy") is False
    fake.set_live("sleepy", True)
    assert tls.fetch_is_live(s, room_id=OFFLINE_ROOM) is True
    with pytest.raises(tls.InvalidFetchIsLiveRequest):
        tls.fetch_is_live(s)
    fake.fail_next("GET /webcast/room/check_alive/", body=pages.webcast_body([]))
    with pytest.raises(tls.MissingRoomIdInResponse):
        tls.fetch_is_live(s, room_id=LIVE_ROOM)


def test_is_live_room_ids_batches_and_keeps_order(fake: FakeTikTok, s: tls.Session) -> None:
    fake.check_alive_limit = 50  # the fake refuses bigger batches, as a real API with a limit would
    rooms = [fake.add_room(f"creator{i}", live=i % 3 == 0) for i in range(120)]
    ids = [r.room_id for r in reversed(rooms)]
    assert tls.fetch_is_live_room_ids(s, *ids) == [r.live for r in reversed(rooms)]
    batches = fake.requests_to("GET /webcast/room/check_alive/")
    assert len(batches) == 3
    sent = [i for req in batches for i in req.query["room_ids"].split(",")]
    assert sorted(sent) == sorted(str(i) for i in ids)
    assert tls.fetch_is_live_room_ids(s, LIVE_ROOM, OFFLINE_ROOM, LIVE_ROOM, chunk_size=1) == [True, False, True]


def test_live_status_states_and_evidence(fake: FakeTikTok, s: tls.Session) -> None:
    live = tls.fetch_live_status(s, "someone")
    assert live.state is tls.LiveState.LIVE and live.room_id == LIVE_ROOM and bool(live)
    assert tls.fetch_live_status(s, "sleepy").state is tls.LiveState.OFFLINE
    assert tls.fetch_live_status(s, "adult").state is tls.LiveState.AGE_RESTRICTED
    missing = tls.fetch_live_status(s, "nobody")
    assert missing.state is tls.LiveState.NOT_FOUND and missing.evidence
    fake.fail_next("GET /api-live/user/room/", malformed=True)
    fake.fail_next("GET /@*/live", body=pages.captcha_html())
    blocked = tls.fetch_live_status(s, "someone")
    assert blocked.state is tls.LiveState.BLOCKED and blocked.error is not None


# -- gifts, images, users --------------------------------------------------------------------


def test_gift_list(fake: FakeTikTok, s: tls.Session) -> None:
    gifts = tls.fetch_gift_list(s)
    rose = gifts.by_name("rose")
    assert rose is not None and (rose.id, rose.diamond_count, rose.streakable) == (5655, 1, True)
    assert tls.fetch_image_data(s, rose.image).startswith(b"\x89PNG")
    fake.set_gift_list({"data": {"message": "blocked"}, "extra": {}, "status_code": 10011})
    with pytest.raises(tls.FailedFetchGiftListError):
        tls.fetch_gift_list(s)
    fake.set_gift_list("<html>captcha</html>")
    with pytest.raises(tls.FailedFetchGiftListError):
        tls.fetch_gift_list(s)


def test_gift_list_signed_goes_through_the_sign_server(fake: FakeTikTok, s: tls.Session) -> None:
    assert len(tls.fetch_gift_list(s, room_id=LIVE_ROOM, signed=True)) > 0
    sign, gifts = fake.requests_to("POST /sign/webcast/sign_url"), fake.requests_to("GET /webcast/gift/list/")
    assert len(sign) == 1 and sign[0].json()["url"].startswith(fake.url("/webcast/gift/list/"))
    assert gifts[0].query["msToken"] and gifts[0].query["room_id"] == str(LIVE_ROOM)


def test_image_data(fake: FakeTikTok, s: tls.Session) -> None:
    avatar = tls.fetch_room_info(s, room_id=LIVE_ROOM).owner.avatar
    assert tls.fetch_image_data(s, avatar).startswith(b"\x89PNG")
    big = fake.set_image("/img/big.png", b"\x89PNG" + bytes(4096))
    assert len(tls.fetch_image_data(s, big)) == 4100
    with pytest.raises(tls.FailedFetchImageError):
        tls.fetch_image_data(s, big, max_bytes=1000)
    fake.fail_next("GET /img/*", status=404)
    with pytest.raises(tls.FailedFetchImageError) as caught:
        tls.fetch_image_data(s, avatar)
    assert caught.value.status == 404


def test_user_unique_id(fake: FakeTikTok, s: tls.Session) -> None:
    assert tls.fetch_user_unique_id(s, USER_ID) == "someone"
    with pytest.raises(tls.FailedResolveUserId):
        tls.fetch_user_unique_id(s, 12345)
    fake.fail_next("GET /@*", body=pages.captcha_html())
    with pytest.raises(tls.FailedParseAppInfo):
        tls.fetch_user_unique_id(s, USER_ID)


# -- the sign server and posts ---------------------------------------------------------------


def test_signed_websocket_bootstrap(fake: FakeTikTok, s: tls.Session) -> None:
    first = tls.fetch_signed_websocket(s, LIVE_ROOM)
    assert first.is_first and first.cursor and first.push_server == fake.push_server_url
    assert s.cookies.get("ttwid", domain="127.0.0.1")  # X-Set-TT-Cookie went into the jar
    (req,) = fake.requests_to("GET /sign/webcast/fetch")
    assert req.query["room_id"] == str(LIVE_ROOM) and req.query["platform"] == "web"
    with pytest.raises(ValueError):
        tls.fetch_signed_websocket(s, LIVE_ROOM, platform=tls.WebcastPlatform.MOBILE)


def test_sign_server_rate_limit(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("GET /sign/webcast/fetch", status=429, retry_after=0.05, times=None)
    with pytest.raises(tls.SignatureRateLimitError) as caught:
        tls.fetch_signed_websocket(s, LIVE_ROOM)
    assert caught.value.retry_after == pytest.approx(0.05)
    assert len(fake.requests_to("GET /sign/webcast/fetch")) == FAST_RETRY.attempts
    fake.clear_faults()
    fake.fail_next("GET /sign/webcast/fetch", malformed=True)
    with pytest.raises(tls.UnexpectedSignatureError):
        tls.fetch_signed_websocket(s, LIVE_ROOM)


def test_like_is_signed_and_posted_once(fake: FakeTikTok, s: tls.Session) -> None:
    tls.send_room_like(s, 7, room_id=LIVE_ROOM)
    assert fake.sent_likes == [{"room_id": LIVE_ROOM, "count": 7}]
    (post,) = fake.requests_to("POST /webcast/room/like/")
    assert post.query["msToken"] and post.query["count"] == "7"
    assert fake.requests_to("POST /sign/webcast/sign_url")[0].json()["method"] == "GET"
    with pytest.raises(tls.UserOfflineError):
        tls.send_room_like(s, 1, room_id=OFFLINE_ROOM)


def test_a_post_answered_503_is_not_retried(fake: FakeTikTok, s: tls.Session) -> None:
    fake.fail_next("POST /webcast/room/like/", status=503, times=None)
    with pytest.raises((tls.TikTokLiveError, requests.HTTPError)):
        tls.send_room_like(s, 1, room_id=LIVE_ROOM)
    assert len(fake.requests_to("POST /webcast/room/like/")) == 1
    assert fake.sent_likes == []


def test_gift_is_posted_as_a_form(fake: FakeTikTok, s: tls.Session) -> None:
    payload: tls.GiftPayload = {"room_id": LIVE_ROOM, "gift_id": 5655, "to_user_id": USER_ID, "count": 2}
    answer = tls.send_room_gift(s, payload)
    assert answer["data"]["gift_id"] == 5655
    (form,) = fake.sent_gifts
    assert (form["gift_id"], form["count"], form["to_user_id"]) == ("5655", "2", str(USER_ID))
    assert form["enter_from"] == "live_detail_"
    (post,) = fake.requests_to("POST /webcast/gift/send/")
    assert post.headers["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_chat_through_a_trusted_sign_server(fake: FakeTikTok) -> None:
    with fake.session(trusted_sign_hosts=["127.0.0.1"]) as trusted:
        trusted.set_session("chat-session-id", "useast2a")
        answer = tls.send_room_chat(trusted, "hello room", room_id=LIVE_ROOM)
    assert answer["code"] == 200 and fake.sent_chats == [{"room_id": LIVE_ROOM, "content": "hello room"}]
    with fake.session() as untrusted:
        untrusted.set_session("chat-session-id", "useast2a")
        with pytest.raises(tls.AuthenticatedWebSocketConnectionError):
            tls.send_room_chat(untrusted, "hello again", room_id=LIVE_ROOM)
    assert len(fake.requests_to("POST /sign/webcast/chat")) == 1
