"""FakeTikTok in its own process, driven over stdin/stdout (one JSON object per line each way).

Run: ``python fake_process.py ROOMS``. The first line out is ``{"base_url", "ws_direct", "rooms"}``
(rooms: unique_id -> room_id, all live). Then each line in is a command, answered by one line:

- ``{"cmd": "feed", "rate": R, "batch": B}``: push R chat messages per second to every room, B per batch;
- ``{"cmd": "stop_feed"}``: stop pushing; answers ``{"pushed": {room_id: [msg_id, ...]}}``;
- ``{"cmd": "end_all"}``: end every live; answers ``{"ends": {room_id: msg_id}}``;
- ``{"cmd": "connections"}``: ``{"connections": [[room_id, opened, closed or null], ...]}`` (monotonic s)
  , ``"enters": [[room_id, cursor], ...]`` (the enter-room frames, oldest first) and ``"resumes"``:
  ``[[room_id, cursor], ...]``, the cursor each accepted WebSocket handshake asked to resume after;
- ``{"cmd": "quit"}``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

from tiktoklive_sync import testing
from tiktoklive_sync.testing import _push_loop, _push_server

_spans: list[list[Any]] = []
_spans_lock = threading.Lock()


class SpanRecordingPushLoop(_push_loop.PushLoop):
    """The fake's push loop, noting when each entered room connection opened and closed."""

    async def _read(self, reader: Any, conn: Any) -> None:
        span: list[Any] = [conn.room_id, time.monotonic(), None]
        with _spans_lock:
            _spans.append(span)
        try:
            await super()._read(reader, conn)
        finally:
            span[2] = time.monotonic()


class Feeder:
    def __init__(self, fake: testing.FakeTikTok, rooms: list[int]) -> None:
        self.fake, self.rooms = fake, rooms
        self.pushed: dict[int, list[int]] = {r: [] for r in rooms}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, rate: float, batch: int) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(rate, batch), daemon=True)
        self._thread.start()

    def _run(self, rate: float, batch: int) -> None:
        pause, n = batch / rate, 0
        while not self._stop.wait(pause):
            for room_id in self.rooms:
                messages = [testing.chat(f"m{n + i}", user="viewer") for i in range(batch)]
                self.pushed[room_id].extend(self.fake.push(room_id, *messages))
            n += batch

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def main() -> None:
    count = int(sys.argv[1])
    _push_server.PushLoop = SpanRecordingPushLoop  # type: ignore[misc]
    fake = testing.FakeTikTok().start()
    rooms = {f"creator{i}": fake.add_room(f"creator{i}", live=True).room_id for i in range(count)}
    feeder = Feeder(fake, list(rooms.values()))
    out = sys.stdout
    out.write(json.dumps({"base_url": fake.base_url, "ws_direct": fake.endpoints.ws_direct, "rooms": rooms}) + "\n")
    out.flush()
    for line in sys.stdin:
        command = json.loads(line)
        name = command["cmd"]
        reply: dict[str, Any] = {}
        if name == "feed":
            feeder.start(float(command["rate"]), int(command.get("batch", 1)))
        elif name == "stop_feed":
            feeder.stop()
            reply = {"pushed": feeder.pushed}
        elif name == "end_all":
            reply = {"ends": {r: fake.end_live(r) for r in rooms.values()}}
        elif name == "connections":
            with _spans_lock:
                reply = {"connections": [list(s) for s in _spans]}
            reply["enters"] = [[e.room_id, e.cursor] for e in fake.enter_rooms]
            reply["resumes"] = [[int(h.params["room_id"]), h.params.get("cursor", "")] for h in fake.ws_handshakes
                                if h.status == 101]
        elif name == "quit":
            break
        out.write(json.dumps(reply) + "\n")
        out.flush()
    feeder.stop()
    fake.close()


if __name__ == "__main__":
    main()
