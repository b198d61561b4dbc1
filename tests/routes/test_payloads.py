"""The canned payload builders (tests/helpers/payloads.py) match what PROTOCOL.md says TikTok sends."""

from __future__ import annotations

import json

from tests.helpers.payloads import ROOM_ID, fetch_result_bytes, live_state, sigi_html
from tiktoklive_sync.proto import envelope_pb2


def test_sigi_html_has_the_script_element_tiktok_uses() -> None:
    page = sigi_html(live_state())
    assert '<script id="SIGI_STATE" type="application/json">' in page
    start = page.index('type="application/json">') + len('type="application/json">')
    state = json.loads(page[start : page.index("</script>", start)])
    assert state["LiveRoom"]["liveRoomUserInfo"]["user"]["roomId"] == str(ROOM_ID)


def test_fetch_result_bytes_parse_back() -> None:
    parsed = envelope_pb2.ProtoMessageFetchResult.FromString(fetch_result_bytes())
    assert parsed.push_server.startswith("wss://") and parsed.cursor and parsed.messages[0].msg_id == 42
