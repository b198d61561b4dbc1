"""LiveClient.checkpoint() / LiveClient(resume=...): a second client takes over without loss or repeats."""
from __future__ import annotations

import pytest

import tiktoklive_sync as tls
from tiktoklive_sync import testing
from tiktoklive_sync.live._checkpoint import LiveCheckpoint
from tiktoklive_sync.live.client import LiveClient
from tiktoklive_sync.testing import FakeTikTok


def _comments(client: LiveClient, n: int) -> list[str]:
    out: list[str] = []
    for event in client.events():
        if isinstance(event, tls.CommentEvent):
            out.append(event.comment)
            if len(out) == n:
                client.stop()
    return out


def test_a_resumed_client_gets_only_what_the_first_did_not_deliver() -> None:
    with FakeTikTok() as fake:
        room = fake.add_room("someone", live=True)
        for i in range(5):
            fake.push(room.room_id, testing.chat(f"c{i}", user="alice"))
        with fake.session() as s:
            first = LiveClient(room_id=room.room_id, session=s, connect="direct")
            assert _comments(first, 5) == [f"c{i}" for i in range(5)]
            saved = first.checkpoint().to_dict()
            for i in range(5, 8):
                fake.push(room.room_id, testing.chat(f"c{i}", user="alice"))
            cp = LiveCheckpoint.from_dict(saved)
            assert cp.room_id == room.room_id and len(cp.recent_msg_ids) >= 5
            second = LiveClient(room_id=room.room_id, session=s, connect="direct", resume=cp)
            assert _comments(second, 3) == ["c5", "c6", "c7"]


@pytest.mark.parametrize("bad", [None, [], {"room_id": 0}, {"room_id": 2**64}, {"room_id": 1, "cursor": 5},
                                 {"room_id": 1, "recent_msg_ids": ["x"]}, {"room_id": True}])
def test_a_malformed_checkpoint_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match="checkpoint"):
        LiveCheckpoint.from_dict(bad)


def test_checkpoint_before_the_room_is_known_says_so() -> None:
    with pytest.raises(RuntimeError, match="room id"):
        LiveClient("someone").checkpoint()
