"""Testing your own code against FakeTikTok with the ``fake_tiktok`` pytest fixture.

The fixture comes with the package (a pytest plugin): no conftest needed.

    pytest examples/test_with_fake_tiktok.py
"""

from __future__ import annotations

import tiktoklive_sync as tls
from tiktoklive_sync.testing import builders


def creators_online(session: tls.Session, handles: list[str]) -> list[str]:
    """Your code: which of these creators are live?"""
    return [h for h in handles if tls.fetch_live_status(session, h).is_live]


def test_creators_online(fake_tiktok) -> None:  # type: ignore[no-untyped-def]
    fake_tiktok.add_room("alice", live=True)
    fake_tiktok.add_room("bob", live=False)
    with fake_tiktok.session() as s:
        assert creators_online(s, ["alice", "bob"]) == ["alice"]


def test_first_comment(fake_tiktok) -> None:  # type: ignore[no-untyped-def]
    fake_tiktok.add_room("alice", live=True)
    fake_tiktok.push("alice", builders.chat("hello", "viewer1"))
    with fake_tiktok.session() as s:
        client = tls.LiveClient("alice", session=s)
        comment = next(e for e in client.events() if isinstance(e, tls.CommentEvent))
        client.stop()
    assert (comment.user.unique_id, comment.comment) == ("viewer1", "hello")
