"""Typed events: which class each message becomes, what their properties read, and that they are
thin frozen views (method + raw) rather than copies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import events as catalog
from tiktoklive_sync.events._views import render_text
from tiktoklive_sync.proto import common_pb2, messages_pb2, notices_pb2
from tiktoklive_sync.testing import builders as b


def one(message) -> tls.Event:
    [event] = tls.decode_frame(b.push_frame(b.fetch_result(message)))
    return event


def test_comment_event_reads_the_message() -> None:
    before = int(time.time() * 1000)
    msg = b.chat("héllo 👋", user="alice", room_id=77)
    event = one(msg)
    assert isinstance(event, tls.CommentEvent)
    assert (event.method, event.comment, event.room_id) == ("WebcastChatMessage", "héllo 👋", 77)
    assert event.msg_id == msg.msg_id
    assert before <= event.create_time <= int(time.time() * 1000)
    assert event.created_at == dt.datetime.fromtimestamp(event.create_time / 1000, tz=dt.timezone.utc)
    assert (event.user.nickname, event.user.unique_id) == ("alice", "alice")
    assert event.user.id == b.make_user("alice").id != b.make_user("bob").id
    assert event.at_user is None and event.emotes == []
    assert event.raw.content == "héllo 👋"


def test_gift_streak_reports_streaking_until_repeat_end() -> None:
    streak = [b.gift("Rose", user="bob", repeat_count=n, repeat_end=(n == 4), group_id=9) for n in range(1, 5)]
    events = [one(m) for m in streak]
    assert all(isinstance(e, tls.GiftEvent) and e.streakable for e in events)
    assert [e.streaking for e in events] == [True, True, True, False]
    assert [e.repeat_count for e in events] == [1, 2, 3, 4]
    assert {e.group_id for e in events} == {9}
    final = events[-1]
    assert final.repeat_end and final.value == 4 and final.gift_id == 5655 and final.gift.name == "Rose"
    assert final.to_user.unique_id == "host"


def test_one_shot_gift_and_gift_id_fallback() -> None:
    event = one(b.gift("Lion", gift_id=6369, diamond_count=29999, streakable=False, repeat_end=False))
    assert not event.streakable and not event.streaking
    assert (event.value, event.diamond_count, event.gift.type) == (29999, 29999, 2)
    old_style = messages_pb2.GiftMessage(repeat_count=2)  # no gift_id field: older messages only have gift.id
    old_style.gift.id = 42
    event = tls.decode_message("WebcastGiftMessage", old_style.SerializeToString())
    assert event.gift_id == 42 and event.value == 0


def test_like_member_and_social_events() -> None:
    like = one(b.like(5, user="l", total=1000))
    assert isinstance(like, tls.LikeEvent) and (like.count, like.total) == (5, 1000)
    join = one(b.join("j", member_count=12))
    assert type(join) is tls.JoinEvent and join.member_count == 12 and isinstance(join, tls.MemberEvent)
    sub = one(b.subscribe("s"))
    assert type(sub) is tls.SubscribeEvent and not isinstance(sub, tls.JoinEvent)
    follow = one(b.follow("f", follow_count=321))
    assert type(follow) is tls.FollowEvent and follow.follow_count == 321 and isinstance(follow, tls.SocialEvent)
    assert follow.display_text == "f followed the LIVE creator"
    share = one(b.share("s", users_joined=7))
    assert type(share) is tls.ShareEvent and share.users_joined == 7
    assert one(b.share("s")).users_joined is None


@pytest.mark.parametrize(
    ("key", "action", "cls"),
    [
        ("pm_main_follow_message_viewer_2", 0, tls.FollowEvent),
        ("pm_mt_guidance_share", 0, tls.ShareEvent),
        ("", 1, tls.FollowEvent),
        ("", 3, tls.ShareEvent),
        ("", 0, tls.SocialEvent),
        ("pm_mt_something_else", 1, tls.SocialEvent),
    ],
)
def test_social_classification(key: str, action: int, cls: type) -> None:
    msg = messages_pb2.SocialMessage(action=action)
    msg.common.display_text.key = key
    assert type(tls.decode_message("WebcastSocialMessage", msg.SerializeToString())) is cls


@pytest.mark.parametrize(
    ("action", "cls"),
    [(0, tls.ControlEvent), (1, tls.events.LivePauseEvent), (2, tls.events.LiveUnpauseEvent), (3, tls.LiveEndEvent),
     (4, tls.LiveEndEvent), (9, tls.ControlEvent)],
)
def test_control_classification(action: int, cls: type) -> None:
    event = one(b.control(action))
    assert type(event) is cls and isinstance(event, tls.ControlEvent) and event.action == action


def test_live_end_builder() -> None:
    assert isinstance(one(b.live_end()), tls.LiveEndEvent)
    assert isinstance(one(b.live_pause()), tls.events.LivePauseEvent)
    assert isinstance(one(b.live_unpause()), tls.events.LiveUnpauseEvent)


@pytest.mark.parametrize(
    ("key", "cls"),
    [
        ("ttlive_superfan_commentnotif_superfanjoined", tls.events.SuperFanJoinEvent),
        ("ttlive_superfan_became", tls.events.SuperFanEvent),
        ("pm_mt_fan_live_join", tls.events.BarrageEvent),
    ],
)
def test_barrage_classification(key: str, cls: type) -> None:
    msg = notices_pb2.BarrageMessage()
    msg.common_barrage_content.key = key
    event = tls.decode_message("WebcastBarrageMessage", msg.SerializeToString())
    assert type(event) is cls and event.content_key == key


def test_envelope_room_seq_question_emote_battle() -> None:
    box = one(b.envelope(business_type=19, user="giver"))
    assert type(box) is tls.events.SuperFanBoxEvent and box.sender_unique_id == "giver" and box.sender_id
    assert type(one(b.envelope())) is tls.events.EnvelopeEvent
    seq = one(b.room_user_seq(150, total_user=900, top_viewers=[("a", 50), ("b", 20)]))
    assert (seq.viewer_count, seq.total_user) == (150, 900)
    assert [(t.rank, t.score, t.user.unique_id) for t in seq.top_viewers] == [(1, 50, "a"), (2, 20, "b")]
    question = one(b.question("why?", user="q"))
    assert (question.question, question.user.unique_id) == ("why?", "q")
    emote = one(b.emote_chat("123", user="e"))
    assert [x.emote_id for x in emote.emotes] == ["123"] and emote.emotes[0].image_url.endswith("123.png")
    battle = one(b.battle(5, 4, scores={1: 10, 2: 20}))
    assert (battle.battle_id, battle.action_name, battle.host_scores) == (5, "open", {1: 10, 2: 20})
    sub = one(b.sub_notify("s", sub_month=3))
    assert isinstance(sub, tls.events.SubNotifyEvent) and sub.sub_month == 3


def test_user_view_badges_and_follow_info() -> None:
    user = b.make_user("mod", nickname="The Mod", gifter_level=25, moderator=True, follower_count=10,
                       follow_status=2)
    event = one(b.chat("hi", user=user))
    view = event.user
    assert (view.nickname, view.unique_id, view.id_str) == ("The Mod", "mod", str(user.id))
    assert view.gifter_level == 25 and view.is_moderator and view.fan_club_level is None
    assert view.is_friend and view.follower_count == 10 and not view.is_subscriber
    assert [badge.scene_type for badge in view.badges] == [8, 1]
    assert view.badges[1].label == "Moderator" and view.badges[0].image_url.endswith("lv25_v1.png")
    assert view.avatar_url and view.avatar_url.startswith("https://")
    assert view == one(b.chat("again", user=user)).user
    plain = one(b.chat("hi", user="plain")).user
    assert plain.gifter_level is None and not plain.is_moderator and not plain.is_friend
    empty = tls.decode_message("WebcastChatMessage", b"").user
    assert (empty.id, empty.nickname, empty.avatar_url, empty.id_str) == (0, "", None, "")


def test_badge_level_falls_back_to_the_picture_name() -> None:
    badge = common_pb2.BadgeStruct(scene_type=8)
    badge.image.image.url_list.append("https://x/webcast-va/grade_badge_icon_lite_lv31_v1.png")
    assert tls.events.BadgeView(badge).level == 31
    assert tls.events.BadgeView(common_pb2.BadgeStruct()).level is None


def test_render_text() -> None:
    text = common_pb2.Text(key="k", default_pattern="{0:user} sent {1:string} x {2:image}{5:string}")
    text.pieces.add().user_value.user.nickname = "Ann"
    text.pieces.add(string_value="3")
    text.pieces.add()
    assert render_text(text) == "Ann sent 3 x "
    assert render_text(common_pb2.Text(key="only_a_key")) == "only_a_key"


def test_events_are_frozen_thin_views() -> None:
    event = one(b.chat("x"))
    assert [f.name for f in dataclasses.fields(event)] == ["method", "raw"]
    assert not hasattr(event, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.method = "other"  # type: ignore[misc]
    # every event class is slotted all the way down (no per-instance __dict__)
    for name in catalog.__all__:
        obj = getattr(catalog, name)
        if isinstance(obj, type) and issubclass(obj, tls.Event):
            assert "__slots__" in vars(obj), name


def test_equality_hash_repr_and_to_dict() -> None:
    msg = b.chat("same", user="u")
    first, second = one(msg), one(msg)
    assert first == second and hash(first) == hash(second) and first is not second
    assert first != one(b.chat("same", user="u"))
    assert repr(first) == f"CommentEvent(msg_id={msg.msg_id}, user='u', comment='same')"
    data = first.to_dict()
    assert data["type"] == "CommentEvent" and data["method"] == "WebcastChatMessage"
    assert data["comment"] == "same" and data["msg_id"] == msg.msg_id and data["unique_id"] == "u"
    assert len({first, second}) == 1


def test_unknown_event_exposes_the_header() -> None:
    header = common_pb2.CommonOnly()
    header.common.msg_id, header.common.room_id, header.common.create_time = 11, 22, 33
    payload = header.SerializeToString() + b"\x12\x03abc"  # plus a field this library never heard of
    event = one(b.message("WebcastNeverSeenMessage", payload))
    assert isinstance(event, tls.UnknownEvent) and event.method == "WebcastNeverSeenMessage"
    assert (event.msg_id, event.room_id, event.create_time, event.payload) == (11, 22, 33, payload)
    assert event.raw.SerializeToString() == payload  # nothing lost
    assert event == tls.UnknownEvent("WebcastNeverSeenMessage", payload) and hash(event) == hash(
        tls.UnknownEvent("WebcastNeverSeenMessage", payload)
    )
    assert "WebcastNeverSeenMessage" in repr(event) and "msg_id=11" in repr(event)


def test_minor_methods_get_named_header_only_events() -> None:
    event = one(b.message("WebcastRoomVerifyMessage", b.stamp(b.control(1), room_id=5).payload))
    assert type(event) is tls.events.RoomVerifyEvent and isinstance(event, tls.events.MinorEvent) and event.room_id == 5


def test_every_tiktoklive_event_name_is_in_tiktoklive_sync_events() -> None:
    names = set(tls.events.__all__)
    assert {"Event", "UnknownEvent", "UserView", "GiftInfo"} <= names
    tiktoklive_names = {
        "CommentEvent", "GiftEvent", "LikeEvent", "JoinEvent", "FollowEvent", "ShareEvent", "SocialEvent",
        "RoomUserSeqEvent", "ControlEvent", "LiveEndEvent", "LivePauseEvent", "LiveUnpauseEvent",
        "SubscribeEvent", "SubNotifyEvent", "EmoteChatEvent", "QuestionNewEvent", "LinkMicBattleEvent",
        "LinkMicArmiesEvent", "EnvelopeEvent", "PollEvent", "GoalUpdateEvent", "RankUpdateEvent",
        "RankTextEvent", "RoomPinEvent", "ImDeleteEvent", "LiveIntroEvent", "BarrageEvent", "CaptionEvent",
        "GiftBroadcastEvent", "RoomNotifyEvent", "SystemEvent", "UnauthorizedMemberEvent",
        "OecLiveShoppingEvent", "HourlyRankRewardEvent", "InRoomBannerEvent", "MessageDetectEvent",
        "RoomEvent", "LinkMicMethodEvent", "LinkMicFanTicketMethodEvent", "LinkMicBattlePunishFinishEvent",
        "LinkmicBattleTaskEvent", "LinkEvent", "LinkLayerEvent",
    }
    assert tiktoklive_names <= names
    assert all(issubclass(getattr(tls.events, n), tls.Event) for n in tiktoklive_names)
