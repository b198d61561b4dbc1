"""decode_frame over a corpus of push frames reproduces every figure of its manifest.

The corpus (``tiktoklive_sync.testing._corpus``, also written to disk by ``benchmarks/make_corpus.py``)
is 2000 push frames laid out exactly as TikTok's push server sends them, ~20% gzipped; its manifest's
counts and digests are computed from what was put in, not by decoding, so this is a real round trip.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync.live._decode import GZIP_MAGIC, parse_push_frame
from tiktoklive_sync.testing._corpus import make_corpus, read_frames, write_frames


@pytest.fixture(scope="module")
def corpus() -> tuple[list[bytes], dict]:
    return make_corpus(2000, seed=20240601)


@pytest.fixture(scope="module")
def manifest(corpus: tuple[list[bytes], dict]) -> dict:
    return corpus[1]


@pytest.fixture(scope="module")
def frames(corpus: tuple[list[bytes], dict]) -> list[bytes]:
    frames = read_frames(write_frames(corpus[0]))  # through the on-disk layout, as the benchmarks read it
    assert frames == corpus[0] and len(frames) == corpus[1]["frame_count"]
    return frames


@pytest.fixture(scope="module")
def decoded(frames: list[bytes]) -> list[list[tls.Event]]:
    return [tls.decode_frame(frame) for frame in frames]


def test_the_corpus_is_deterministic_and_a_truncated_file_is_refused(frames: list[bytes]) -> None:
    again, _ = make_corpus(50, seed=20240601)
    assert again == frames[:50]
    assert make_corpus(50, seed=1)[0] != again
    with pytest.raises(ValueError, match="truncated"):
        read_frames(write_frames(frames[:3])[:-1])


def test_message_and_per_method_counts(decoded: list[list[tls.Event]], manifest: dict) -> None:
    events = [event for batch in decoded for event in batch]
    assert len(events) == manifest["message_count"]
    assert dict(Counter(event.method for event in events)) == manifest["messages_per_method"]
    assert not [event for event in events if isinstance(event, tls.UnknownEvent)]


def test_first_20_frames_methods_and_ids(frames: list[bytes], decoded: list[list[tls.Event]], manifest: dict) -> None:
    for expected in manifest["first_20_frames"]:
        index = expected["frame"]
        got = [[event.method, event.msg_id] for event in decoded[index]]
        assert got == expected["messages"], f"frame {index}"
        # the corpus says which of these frames are gzipped: both paths are exercised
        assert parse_push_frame(frames[index]).payload.startswith(GZIP_MAGIC) == expected["gzip"]


def test_gzipped_frames_are_inflated(frames: list[bytes], decoded: list[list[tls.Event]], manifest: dict) -> None:
    gzipped = [i for i, frame in enumerate(frames) if parse_push_frame(frame).payload[:3] == GZIP_MAGIC]
    assert len(gzipped) == manifest["gzip_frame_count"]
    assert all(decoded[i] for i in gzipped)


def test_digest_over_every_method_and_msg_id(decoded: list[list[tls.Event]], manifest: dict) -> None:
    digest = hashlib.sha256()
    for batch in decoded:
        for event in batch:
            digest.update(f"{event.method}:{event.msg_id}\n".encode())
    checks = manifest["checks"]
    assert digest.hexdigest() == checks["all_messages_sha256"]
    first, last = decoded[0][0], decoded[-1][-1]
    assert (first.msg_id, last.msg_id) == (checks["first_msg_id"], checks["last_msg_id"])


def test_like_gift_and_chat_checks(decoded: list[list[tls.Event]], manifest: dict) -> None:
    events = [event for batch in decoded for event in batch]
    likes = [e for e in events if isinstance(e, tls.LikeEvent)]
    gifts_done = [e for e in events if isinstance(e, tls.GiftEvent) and e.repeat_end]
    comments = [e for e in events if isinstance(e, tls.CommentEvent)]
    checks = manifest["checks"]
    assert sum(e.count for e in likes) == checks["like_count_sum"]
    assert len(gifts_done) == checks["gift_repeat_end_count"]
    assert sum(e.gift.diamond_count * e.repeat_count for e in gifts_done) == checks["gift_diamonds_on_repeat_end"]
    assert sum(e.value for e in gifts_done) == checks["gift_diamonds_on_repeat_end"]
    assert sum(len(e.comment) for e in comments) == checks["chat_content_codepoints"]


def test_every_event_is_from_the_one_room(decoded: list[list[tls.Event]], manifest: dict) -> None:
    rooms = {event.room_id for batch in decoded for event in batch}
    assert rooms == {manifest["room_id"]}
    times = [event.create_time for batch in decoded for event in batch]
    assert times == sorted(times) and times[0] > 1_600_000_000_000


def test_social_messages_split_into_follow_and_share(decoded: list[list[tls.Event]]) -> None:
    social = [e for batch in decoded for e in batch if isinstance(e, tls.SocialEvent)]
    assert social
    for event in social:
        # the corpus sets action 1 for follows and 3 for shares, independently of the key
        expected = {1: tls.FollowEvent, 3: tls.ShareEvent}[event.action]
        assert type(event) is expected, event


def test_control_and_member_subclasses(decoded: list[list[tls.Event]]) -> None:
    controls = [e for batch in decoded for e in batch if isinstance(e, tls.ControlEvent)]
    assert {type(e) for e in controls} == {tls.events.LivePauseEvent, tls.events.LiveUnpauseEvent}
    assert all((e.action == 1) == isinstance(e, tls.events.LivePauseEvent) for e in controls)
    members = [e for batch in decoded for e in batch if isinstance(e, tls.MemberEvent)]
    assert members and all(type(e) is tls.JoinEvent and e.action == 1 for e in members)


def test_streak_flags_follow_the_protocol(decoded: list[list[tls.Event]]) -> None:
    gifts = [e for batch in decoded for e in batch if isinstance(e, tls.GiftEvent)]
    streakable = [g for g in gifts if g.streakable]
    one_shot = [g for g in gifts if not g.streakable]
    assert streakable and one_shot
    assert all(g.streaking == (not g.repeat_end) for g in streakable)
    assert not any(g.streaking for g in one_shot)
    assert all(g.repeat_count == 1 and g.repeat_end for g in one_shot)
    # a streak's messages share group_id and count up until it ends
    by_group: dict[tuple[int, int], list[int]] = {}
    for g in streakable:
        by_group.setdefault((g.user.id, g.group_id), []).append(g.repeat_count)
    assert all(counts == sorted(counts) for counts in by_group.values())


def test_users_badges_and_text_read_from_the_corpus(decoded: list[list[tls.Event]]) -> None:
    comments = [e for batch in decoded for e in batch if isinstance(e, tls.CommentEvent)]
    users = [c.user for c in comments]
    assert all(u.id and u.nickname and u.unique_id and u.id_str == str(u.id) for u in users)
    assert all(u.avatar_url and u.avatar_url.startswith("https://") for u in users)
    levels = [u.gifter_level for u in users if u.gifter_level is not None]
    assert levels and all(1 <= level <= 60 for level in levels)
    assert any(u.is_moderator for u in users)
    assert any(u.fan_club_level for u in users)
    follow = next(e for batch in decoded for e in batch if isinstance(e, tls.FollowEvent))
    assert follow.user.nickname in follow.display_text
