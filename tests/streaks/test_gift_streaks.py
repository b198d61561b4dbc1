"""GiftStreaks: one record per finished streak, each gift counted once however its streak ended."""

from __future__ import annotations

import json
import threading
import time

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import testing


def feed_all(streaks: tls.GiftStreaks, events) -> list[tls.GiftStreak]:
    out: list[tls.GiftStreak] = []
    for event in events:
        out += streaks.feed(event)
    return out


def test_a_streak_that_ends_with_repeat_end_is_one_completed_record(room, streaks, rose):
    ticks = [rose(n, create_time=1_700_000_000_000 + n * 100) for n in range(1, 5)]
    assert feed_all(streaks, ticks) == [] and len(streaks) == 1
    last = rose(5, end=True, create_time=1_700_000_000_500)
    [streak] = streaks.feed(last)
    summary = (streak.unique_id, streak.gift_name, streak.gift_id, streak.count, streak.value)
    assert summary == ("alice", "Rose", 5655, 5, 5)
    assert streak.completed is True and streak.room_id == room and streak.group_id == 1
    assert streak.user_id == testing.make_user("alice").id and streak.nickname == "alice"
    assert streak.msg_id == last.msg_id
    assert streak.started_at == ticks[0].created_at and streak.ended_at == last.created_at
    assert streak.started_at.tzinfo is not None and streak.started_at.utcoffset().total_seconds() == 0
    assert streaks.flush() == [] and len(streaks) == 0


def test_value_is_count_times_the_coins_of_one_gift(streaks, decode):
    message = testing.gift("Lion", user="bob", gift_id=6369, diamond_count=29_999, repeat_count=2, repeat_end=True)
    [streak] = streaks.feed(decode(message))
    assert (streak.count, streak.diamond_count, streak.value, streak.completed) == (2, 29_999, 59_998, True)


def test_a_streak_without_news_for_the_timeout_is_handed_out_once_not_completed(streaks, rose):
    feed_all(streaks, [rose(1), rose(2), rose(3)])
    assert streaks.expire(time.monotonic() + 5) == []  # not yet
    [streak] = streaks.expire(time.monotonic() + 10.5)
    assert (streak.count, streak.completed) == (3, False)
    assert streaks.expire(time.monotonic() + 100) == [] and streaks.flush() == []


def test_expire_also_takes_a_wall_clock_datetime(streaks, rose):
    import datetime as dt

    streaks.feed(rose(2))
    now = dt.datetime.now(dt.timezone.utc)
    assert streaks.expire(now + dt.timedelta(seconds=5)) == []
    [streak] = streaks.expire(now + dt.timedelta(seconds=11))
    assert (streak.count, streak.completed) == (2, False)


def test_feeding_a_gift_also_hands_out_streaks_that_timed_out(rose):
    streaks = tls.GiftStreaks(timeout=0.05)
    streaks.feed(rose(4, user="alice", group=1))
    time.sleep(0.1)
    out = streaks.feed(rose(1, user="bob", group=2))
    assert [(s.unique_id, s.count, s.completed) for s in out] == [("alice", 4, False)]
    assert len(streaks) == 1  # bob's streak is open


def test_five_roses_whose_repeat_end_never_came_count_once_at_live_end(room, streaks, rose, decode):
    feed_all(streaks, [rose(n) for n in range(1, 6)])
    [streak] = streaks.feed(decode(testing.live_end(room_id=room)))
    assert (streak.count, streak.value, streak.completed) == (5, 5, False)
    # nothing more for it: not at flush, not on a timeout, not when a late repeat_end says 5 again
    assert streaks.flush() == [] and streaks.expire(time.monotonic() + 100) == []
    assert streaks.feed(rose(5, end=True)) == []


def test_a_late_message_with_a_higher_count_adds_only_the_gifts_not_counted_yet(streaks, rose):
    feed_all(streaks, [rose(1), rose(2), rose(3)])
    [first] = streaks.expire(time.monotonic() + 11)
    assert feed_all(streaks, [rose(2), rose(3)]) == []  # older counts: already counted
    [rest] = streaks.feed(rose(7, end=True))
    assert (first.count, rest.count, rest.completed) == (3, 4, True)
    assert first.count + rest.count == 7


def test_live_end_leaves_other_rooms_streaks_open(room, streaks, rose, decode):
    streaks.feed(rose(2, room_id=room))
    streaks.feed(rose(3, user="bob", group=9, room_id=room + 1))
    [ended] = streaks.feed(decode(testing.live_end(room_id=room)))
    assert ended.room_id == room and len(streaks) == 1
    [other] = streaks.feed(decode(testing.live_end()))  # no room id: everything
    assert (other.unique_id, other.count) == ("bob", 3)


def test_interleaved_streaks_of_two_users_each_count_their_own(streaks, rose):
    events = [
        rose(1, user="alice", group=1), rose(1, user="bob", group=2), rose(2, user="alice", group=1),
        rose(2, user="bob", group=2), rose(3, user="bob", group=2), rose(3, user="alice", group=1, end=True),
        rose(4, user="bob", group=2), rose(5, user="bob", group=2, end=True),
    ]
    out = feed_all(streaks, events)
    assert [(s.unique_id, s.count, s.completed) for s in out] == [("alice", 3, True), ("bob", 5, True)]
    assert len(streaks) == 0


def test_the_same_user_sending_two_gifts_at_once_keeps_two_streaks(room, streaks, decode):
    def tick(name: str, gift_id: int, count: int, end: bool = False) -> tls.Event:
        return decode(testing.gift(name, user="carol", gift_id=gift_id, repeat_count=count, repeat_end=end,
                                   group_id=50 + gift_id, room_id=room))

    ticks = [tick("Rose", 1, 1), tick("TikTok", 2, 1), tick("Rose", 1, 2, True), tick("TikTok", 2, 3, True)]
    out = feed_all(streaks, ticks)
    assert [(s.gift_name, s.count) for s in out] == [("Rose", 2), ("TikTok", 3)]


def test_a_new_streak_of_the_same_gift_closes_the_senders_previous_one(streaks, rose):
    feed_all(streaks, [rose(1, group=1), rose(2, group=1)])
    [previous] = streaks.feed(rose(1, group=2))
    assert (previous.group_id, previous.count, previous.completed) == (1, 2, False)
    [second] = streaks.feed(rose(4, group=2, end=True))
    assert (second.group_id, second.count, second.completed) == (2, 4, True)


def test_gifts_that_cannot_streak_are_each_one_complete_record_at_once(room, streaks, decode):
    def universe() -> tls.Event:
        return decode(testing.gift("Universe", user="dave", gift_id=7312, diamond_count=34_999, streakable=False,
                                   group_id=0, room_id=room))

    first, second = universe(), universe()
    [a] = streaks.feed(first)
    [b] = streaks.feed(second)
    assert (a.count, a.value, a.completed, a.msg_id) == (1, 34_999, True, first.msg_id)
    assert b.msg_id == second.msg_id and len(streaks) == 0


def test_flush_hands_out_every_open_streak_and_other_events_are_ignored(room, streaks, rose, decode):
    assert streaks.feed(decode(testing.chat("hi"))) == []
    assert streaks.feed(tls.ConnectEvent(unique_id="x", room_id=room, mode="direct")) == []
    feed_all(streaks, [rose(2, user="alice", group=1), rose(6, user="bob", group=2)])
    out = streaks.flush()
    assert sorted((s.unique_id, s.count, s.completed) for s in out) == [("alice", 2, False), ("bob", 6, False)]


def test_to_dict_is_flat_json_with_iso_times(streaks, rose):
    [streak] = streaks.feed(rose(3, end=True))
    data = streak.to_dict()
    assert data["type"] == "GiftStreak" and data["count"] == 3 and data["completed"] is True
    assert data["started_at"].endswith("+00:00") and data["user_id"] == streak.user_id
    assert all(isinstance(v, (str, int, bool, type(None))) for v in data.values())
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize("timeout", [0, -1, "10", None, True])
def test_a_bad_timeout_is_a_value_error(timeout):
    with pytest.raises(ValueError, match="timeout"):
        tls.GiftStreaks(timeout=timeout)


def test_one_feeder_and_a_timer_thread_count_every_gift_once(rose):
    streaks = tls.GiftStreaks(timeout=0.01)
    out: list[tls.GiftStreak] = []
    lock = threading.Lock()
    done = threading.Event()

    def timer() -> None:
        while not done.is_set():
            got = streaks.expire()
            with lock:
                out.extend(got)

    thread = threading.Thread(target=timer)
    thread.start()
    try:
        for group in range(300):
            for count in range(1, 4):
                got = streaks.feed(rose(count, user=f"u{group % 7}", group=group, end=count == 3 and group % 2 == 0))
                with lock:
                    out.extend(got)
    finally:
        done.set()
        thread.join()
    out += streaks.flush()
    assert sum(s.count for s in out) == 300 * 3


def test_end_to_end_a_live_client_against_fake_tiktok(fake_tiktok):
    fake_tiktok.add_room("someone")
    room_id = fake_tiktok.room("someone").room_id
    fake_tiktok.push("someone", *[testing.gift("Rose", user="bob", repeat_count=n, repeat_end=n == 3, group_id=11)
                                  for n in range(1, 4)])
    fake_tiktok.push("someone", testing.chat("nice"), testing.gift("Galaxy", user="eve", gift_id=11_046,
                                                                 diamond_count=1000, streakable=False))
    fake_tiktok.push("someone", *[testing.gift("Rose", user="amy", repeat_count=n, repeat_end=False, group_id=12)
                                  for n in range(1, 6)])
    fake_tiktok.end_live(room_id)
    streaks = tls.GiftStreaks()
    out: list[tls.GiftStreak] = []
    with tls.LiveClient("someone", session=fake_tiktok.session(), poll_interval=0.05) as client:
        for event in client.events():
            out += streaks.feed(event)
    out += streaks.flush()
    assert [(s.unique_id, s.gift_name, s.count, s.completed, s.room_id) for s in out] == [
        ("bob", "Rose", 3, True, room_id), ("eve", "Galaxy", 1, True, room_id), ("amy", "Rose", 5, False, room_id),
    ]
