"""Decode speed and memory: ``tls.decode_frame`` against a bare-protobuf floor, on the bench corpus.

Rows, all over the same frames (``benchmarks/make_corpus.py``'s corpus, 2000 push frames, or ``--frames-bin``):

- ``decode_frame + reads``: ``tls.decode_frame(frame)`` for every frame, then what a handler
  reads: every event's msg_id; user nickname + comment text for comments; user nickname + gift
  name + repeat count for gifts; user nickname for likes, joins and social events.
- ``floor + reads``: the same frames parsed with the generated ``*_pb2`` classes and nothing
  else (push frame -> gunzip -> fetch result -> each payload into its typed message, picked by
  method), doing the same field reads on the protobuf messages. No event objects.
- ``decode_frame`` / ``floor``: the same two paths without the reads.
- ``TikTokLive``: TikTokLive's decode path (its betterproto event classes), only when
  ``import TikTokLive`` works; otherwise the row says it was skipped.

Rounds alternate the order of the paths so drift on a noisy machine hits them alike; the table
gives the best and the median round. The goal is ``decode_frame + reads`` within 1.5x of
``floor + reads``.

Then the leak check: resident memory (VmRSS from /proc/self/status) after 10k decoded events
and after 1M (looping over the corpus, reading fields, dropping the events); the goal is less
than +20 MB between the two.

Run: ``python benchmarks/decode.py [--rounds 5] [--leak-events 1000000] [--frames-bin PATH | --shared DIR]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tiktoklive_sync as tls
from tiktoklive_sync.events._methods import known_methods
from tiktoklive_sync.proto.envelope_pb2 import ProtoMessageFetchResult, WebcastPushFrame

GZIP_MAGIC = b"\x1f\x8b\x08"
USER_EVENTS = (tls.LikeEvent, tls.MemberEvent, tls.SocialEvent)
USER_METHODS = {"WebcastLikeMessage", "WebcastMemberMessage", "WebcastSocialMessage"}


def load_frames(path: Path) -> list[bytes]:
    data = path.read_bytes()
    frames, offset = [], 0
    while offset < len(data):
        (size,) = struct.unpack_from(">I", data, offset)
        frames.append(data[offset + 4 : offset + 4 + size])
        offset += 4 + size
    return frames


# -- decode_frame ------------------------------------------------------------------------------


def read_events(events: list[tls.Event]) -> int:
    """What a typical handler reads; returns a checksum so nothing is optimised away."""
    acc = 0
    for event in events:
        acc ^= event.msg_id
        if isinstance(event, tls.CommentEvent):
            acc += len(event.user.nickname) + len(event.comment)
        elif isinstance(event, tls.GiftEvent):
            acc += len(event.user.nickname) + len(event.gift.name) + event.repeat_count
        elif isinstance(event, USER_EVENTS):
            acc += len(event.user.nickname)
    return acc


def ours_with_reads(frames: list[bytes]) -> int:
    count = 0
    for frame in frames:
        events = tls.decode_frame(frame)
        read_events(events)
        count += len(events)
    return count


def ours_only(frames: list[bytes]) -> int:
    return sum(len(tls.decode_frame(frame)) for frame in frames)


# -- the floor: generated protobuf classes only ------------------------------------------------

PARSERS = {method: proto.FromString for method, proto in known_methods().items()}


def floor_messages(frame_bytes: bytes) -> list[tuple[str, Any]]:
    frame = WebcastPushFrame.FromString(frame_bytes)
    if frame.payload_type != "msg":
        return []
    payload = frame.payload
    compress = ""
    for header in frame.headers:
        if header.key == "compress_type":
            compress = header.value
            break
    if compress == "gzip" or payload[:3] == GZIP_MAGIC:
        payload = zlib.decompress(payload, 31)
    result = ProtoMessageFetchResult.FromString(payload)
    return [(m.method, PARSERS[m.method](m.payload)) for m in result.messages]


def floor_with_reads(frames: list[bytes]) -> int:
    count = 0
    for frame in frames:
        acc = 0
        messages = floor_messages(frame)
        for method, msg in messages:
            acc ^= msg.common.msg_id
            if method == "WebcastChatMessage":
                acc += len(msg.user.nickname) + len(msg.content)
            elif method == "WebcastGiftMessage":
                acc += len(msg.user.nickname) + len(msg.gift.name) + msg.repeat_count
            elif method in USER_METHODS:
                acc += len(msg.user.nickname)
        count += len(messages)
    return count


def floor_only(frames: list[bytes]) -> int:
    return sum(len(floor_messages(frame)) for frame in frames)


# -- TikTokLive, when it is installed ----------------------------------------------------------


def tiktoklive_path() -> tuple[Callable[[list[bytes]], int] | None, str]:
    """Return TikTokLive's decode path over frames (with the same reads), or None and why not."""
    try:
        import TikTokLive  # noqa: F401
        from TikTokLive.events.proto_events import EVENT_MAPPINGS
        from TikTokLive.proto import ProtoMessageFetchResult as TResult
        from TikTokLive.proto import WebcastPushFrame as TFrame
    except ImportError as exc:
        return None, f"skipped: TikTokLive is not importable ({exc})"

    def parse(cls: Any, data: bytes) -> Any:
        return cls().parse(data)  # betterproto: instance method; betterproto2: classmethod

    def run(frames: list[bytes]) -> int:
        count = 0
        for frame_bytes in frames:
            frame = parse(TFrame, frame_bytes)
            payload = frame.payload
            if payload[:3] == GZIP_MAGIC:
                payload = zlib.decompress(payload, 31)
            for message in parse(TResult, payload).messages:
                cls = EVENT_MAPPINGS.get(message.method)
                if cls is None:
                    continue
                event = parse(cls, message.payload)
                count += 1
                user = getattr(event, "user", None)
                if user is not None:
                    len(user.nickname)
                if message.method == "WebcastChatMessage":
                    len(event.content)
                elif message.method == "WebcastGiftMessage":
                    gift = getattr(event, "gift", None) or getattr(event, "gift_details", None)
                    len(gift.name) + event.repeat_count
        return count

    return run, "TikTokLive decode functions (betterproto event classes)"


# -- measuring ---------------------------------------------------------------------------------


def measure(paths: dict[str, Callable[[list[bytes]], int]], frames: list[bytes], rounds: int) -> dict[str, list[float]]:
    """CPU seconds per pass for each path, ``rounds`` times, rotating the order every round.

    CPU time of this process (``time.process_time``), not wall time: on a shared machine a neighbour's
    time slices would otherwise land on whichever path happened to be running.
    """
    times: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for round_no in range(rounds):
        order = names[round_no % len(names) :] + names[: round_no % len(names)]
        for name in order:
            gc.collect()
            start = time.process_time()
            paths[name](frames)
            times[name].append(time.process_time() - start)
    return times


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def leak_check(frames: list[bytes], total_events: int) -> tuple[float, float, int]:
    """RSS after 10k decoded events and after ``total_events``; returns (rss_10k, rss_total, n)."""
    decoded = 0
    rss_10k = None
    while decoded < total_events:
        for frame in frames:
            events = tls.decode_frame(frame)
            read_events(events)
            decoded += len(events)
            if rss_10k is None and decoded >= 10_000:
                gc.collect()
                rss_10k = rss_mb()
            if decoded >= total_events:
                break
    gc.collect()
    return rss_10k or rss_mb(), rss_mb(), decoded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--leak-events", type=int, default=1_000_000)
    parser.add_argument("--frames-bin", type=Path, default=None,
                        help="a frames.bin to decode (default: the corpus benchmarks/make_corpus.py writes)")
    parser.add_argument("--shared", type=Path, default=None,
                        help="a shared folder: decode its bench/frames.bin")
    args = parser.parse_args(argv)

    chosen = args.frames_bin or (args.shared / "bench" / "frames.bin" if args.shared else None)
    if chosen is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from make_corpus import ensure_corpus  # a sibling script, not a package

        chosen = ensure_corpus()
    frames = load_frames(chosen)
    messages = ours_only(frames)
    assert messages == floor_only(frames), "decode_frame and the floor disagree on the message count"
    print(f"corpus: {len(frames)} frames, {messages} messages; Python {sys.version.split()[0]}, "
          f"protobuf {__import__('google.protobuf').protobuf.__version__}; {args.rounds} rounds")

    paths: dict[str, Callable[[list[bytes]], int]] = {
        "decode_frame + reads": ours_with_reads,
        "floor + reads": floor_with_reads,
        "decode_frame": ours_only,
        "floor": floor_only,
    }
    tiktoklive, note = tiktoklive_path()
    if tiktoklive is not None:
        paths["TikTokLive"] = tiktoklive
    times = measure(paths, frames, args.rounds)

    floor_best = min(times["floor + reads"])
    print(f"\n{'path':<22} {'best msg/s':>12} {'median msg/s':>13} {'us/msg':>8} {'vs floor+reads':>15}")
    for name, samples in times.items():
        best, median = min(samples), statistics.median(samples)
        print(f"{name:<22} {messages / best:>12,.0f} {messages / median:>13,.0f} {best / messages * 1e6:>8.2f} "
              f"{best / floor_best:>14.2f}x")
    if tiktoklive is None:
        print(f"{'TikTokLive':<22} {note}")
    ratio = min(times["decode_frame + reads"]) / floor_best
    ratio_median = statistics.median(times["decode_frame + reads"]) / statistics.median(times["floor + reads"])
    print(f"\ndecode_frame + reads / floor + reads: {ratio:.2f}x best, {ratio_median:.2f}x median (goal <= 1.5x)")

    if args.leak_events:
        rss_10k, rss_end, decoded = leak_check(frames, args.leak_events)
        print(f"RSS after 10k events: {rss_10k:.1f} MB; after {decoded:,}: {rss_end:.1f} MB; "
              f"growth {rss_end - rss_10k:+.1f} MB (goal < +20 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
