"""FakeTikTok's push server at scale: 1,000 direct connections to a fake in its own process.

Reports how long the 1,000 handshakes take (all started at once), the fake's CPU while they sit
idle, its threads, and the delay from ``fake.push`` to the client reading the comment (p50/p99),
for one comment pushed to every room per round.

The clients are raw asyncio sockets on one thread in this process (a handshake, an enter-room
frame, then reading frames), so the fake is what is measured. Run::

    python benchmarks/fake_push.py [--rooms 1000] [--rounds 5] [--idle 5]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import resource
import statistics
import struct
import time
from multiprocessing.connection import Connection
from urllib.parse import urlsplit

import tiktoklive_sync as tls
from tiktoklive_sync import BrowserProfile, testing
from tiktoklive_sync.live._protocol import build_enter_room
from tiktoklive_sync.live._urls import build_direct_url


def serve(pipe: Connection, rooms: int) -> None:
    """The fake's process: add ``rooms`` live rooms, then obey ``("push", spacing)``, ``("cpu",)``, ``("stop",)``."""
    with testing.FakeTikTok() as fake:
        ids = [fake.add_room(f"creator{i}").room_id for i in range(rooms)]
        pipe.send((fake.push_server.direct_url, fake.issue_ttwid(), ids, os.getpid()))
        while True:
            command = pipe.recv()
            if command[0] == "push":
                for room_id in ids:
                    fake.push(room_id, testing.chat(repr(time.time())))
                    if command[1]:
                        time.sleep(command[1])
                pipe.send("pushed")
            elif command[0] == "cpu":
                t = os.times()
                pipe.send((t.user + t.system, fake.push_server.open_connections))
            else:
                pipe.send("bye")
                return


def threads_of(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))


def masked(payload: bytes) -> bytes:
    """A client frame (binary, masked with a zero key: the bytes stay as they are)."""
    head = struct.pack("!BB", 0x82, 0x80 | len(payload)) if len(payload) < 126 else struct.pack(
        "!BBH", 0x82, 0x80 | 126, len(payload))
    return head + b"\0\0\0\0" + payload


class Client:
    """One push connection: handshake, enter the room, record when each comment arrives."""

    def __init__(self, url: str, ttwid: str) -> None:
        self.url, self.ttwid = url, ttwid
        self.delays: list[float] = []

    async def open(self, room_id: int) -> None:
        parts = urlsplit(self.url)
        self.reader, self.writer = await asyncio.open_connection(parts.hostname, parts.port, limit=1 << 20)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: https://www.tiktok.com\r\nCookie: ttwid={self.ttwid}\r\n\r\n"
        )
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(head.decode(errors="replace"))
        self.writer.write(masked(build_enter_room(room_id)))

    async def read(self) -> None:
        while True:
            first, second = await self.reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            data = await self.reader.readexactly(length)
            now = time.time()
            for event in tls.decode_frame(data):
                if isinstance(event, tls.CommentEvent):
                    self.delays.append(now - float(event.comment))


async def run(args: argparse.Namespace) -> None:
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=serve, args=(child, args.rooms), daemon=True)
    proc.start()
    direct_url, ttwid, ids, pid = parent.recv()
    clients = [Client(build_direct_url(direct_url, room_id, BrowserProfile()), ttwid) for room_id in ids]

    started = time.perf_counter()
    await asyncio.gather(*(c.open(room_id) for c, room_id in zip(clients, ids, strict=True)))
    connect_s = time.perf_counter() - started
    readers = [asyncio.create_task(c.read()) for c in clients]

    await asyncio.sleep(1.0)  # settle
    parent.send(("cpu",))
    cpu0, open_now = parent.recv()
    await asyncio.sleep(args.idle)
    parent.send(("cpu",))
    cpu1, _ = parent.recv()
    idle_pct = 100 * (cpu1 - cpu0) / args.idle

    for _ in range(args.rounds):
        parent.send(("push", args.spacing))
        while not parent.poll():
            await asyncio.sleep(0.01)
        parent.recv()
        await asyncio.sleep(0.5)
    delays = sorted(d for c in clients for d in c.delays)
    threads = threads_of(pid)
    parent.send(("stop",))
    parent.recv()
    for task in readers:
        task.cancel()
    proc.join(10)

    expected = args.rooms * args.rounds
    p50 = statistics.median(delays) * 1000 if delays else float("nan")
    p99 = delays[int(0.99 * (len(delays) - 1))] * 1000 if delays else float("nan")
    print(f"connections: {open_now} open of {args.rooms}; all handshakes done in {connect_s:.2f} s")
    print(f"fake process: {threads} threads; idle CPU {idle_pct:.1f}% of one core over {args.idle:g} s")
    print(f"push -> receive: {len(delays)}/{expected} comments, p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def raise_file_limit(wanted: int) -> None:
    """Raise this process's open-file limit towards ``wanted`` (each connection is a descriptor)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def main() -> None:
    raise_file_limit(4096)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of idle CPU measurement")
    parser.add_argument("--spacing", type=float, default=0.001, help="seconds between two pushes of a round")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
