"""ffmpeg CPU seconds per recorded minute: tiktoklive_sync's recording vs the reference library's argv.

Both record the same live FLV stream (FakeTikTok's: 720x1280 h264 ~2.5 Mbit/s + aac 128 kbit/s,
paced at real time) in the same run, one after the other:

- ``ours .flv`` / ``ours .mp4``: ``tls.record_stream(session, "out.flv" | "out.mp4", info,
  record_for=N)`` with its defaults (stream copy into FLV; the .mp4 adds the faststart remux, whose
  ffmpeg is counted too);
- ``reference .flv``: the reference library's exact argv,
  ``ffmpeg -loglevel error -y -i URL -t N out.flv -f flv`` (no ``-c``: ffmpeg re-encodes to FLV1
  video + MP3);
- ``reference .mp4`` (with ``--mp4-reference``): the same with ``out.mp4 -f mp4`` (libx264).

CPU is the user + system time of the ffmpeg children (``getrusage(RUSAGE_CHILDREN)`` around each
case; every ffmpeg is reaped before the reading), divided by the recorded minutes (the output's
duration, read with ``ffmpeg -i``). The ratio reference/ours is the figure quoted in the README.

Run: ``python benchmarks/recording.py [--seconds 20] [--mp4-reference]``
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import tiktoklive_sync as tls
from tiktoklive_sync.recording._ffmpeg import find_ffmpeg, probe
from tiktoklive_sync.testing import FakeTikTok

ROOM_ID = 7_300_000_000_000_000_077
USER = "bench_creator"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(run: Callable[[], Path]) -> tuple[float, float, float, Path]:
    """Return (ffmpeg CPU seconds, recorded seconds, wall seconds, output) of one case."""
    cpu, wall = _children_cpu(), time.perf_counter()
    output = run()
    cpu, wall = _children_cpu() - cpu, time.perf_counter() - wall
    return cpu, probe(output).duration, wall, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds recorded per case (default 20)")
    parser.add_argument("--mp4-reference", action="store_true", help="also run the reference argv to .mp4 (libx264)")
    args = parser.parse_args(argv)
    seconds = args.seconds
    ffmpeg = find_ffmpeg()
    version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True).stdout.split("\n")[0]

    with FakeTikTok() as fake, fake.session() as session, tempfile.TemporaryDirectory() as tmp:
        fake.add_room(USER, room_id=ROOM_ID, live=True)
        info = tls.fetch_room_info(session, room_id=ROOM_ID)
        url = info.stream_urls.get(tls.VideoQuality.HD) or ""
        out = Path(tmp)

        def ours(name: str) -> Callable[[], Path]:
            def run() -> Path:
                rec = tls.record_stream(session, out / name, info, record_for=seconds, quality=tls.VideoQuality.HD)
                rec.wait()
                if rec.error is not None:
                    raise SystemExit(f"our recording failed: {rec.error}")
                if [s.reason for s in rec.segments] != ["finished"]:  # make an odd run visible
                    print(f"  note: {name} segments ended {[(s.reason, s.returncode) for s in rec.segments]}")
                return rec.output_path

            return run

        def reference(name: str, fmt: str) -> Callable[[], Path]:
            def run() -> Path:
                argv = [ffmpeg, "-loglevel", "error", "-y", "-i", url, "-t", f"{seconds:g}", str(out / name), "-f", fmt]
                subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=True)
                return out / name

            return run

        cases = [("ours .flv", ours("ours.flv")), ("reference .flv", reference("ref.flv", "flv")),
                 ("ours .mp4", ours("ours.mp4"))]  # fmt: skip
        if args.mp4_reference:
            cases.append(("reference .mp4", reference("ref.mp4", "mp4")))
        print(f"recording benchmark: {seconds:g} s per case from FakeTikTok's live FLV (720x1280 h264 + aac)")
        print(f"{version}; python {sys.version.split()[0]}")
        print(f"{'case':<16} {'recorded':>9} {'wall':>7} {'ffmpeg CPU':>11} {'CPU s/rec. min':>15}  codecs")
        per_minute: dict[str, float] = {}
        for name, run in cases:
            cpu, recorded, wall, output = _measure(run)
            media = probe(output)
            per_minute[name] = cpu / (recorded / 60) if recorded else float("nan")
            print(f"{name:<16} {recorded:8.1f}s {wall:6.1f}s {cpu:10.2f}s {per_minute[name]:15.3f}  "
                  f"{media.video}+{media.audio}")  # fmt: skip
    print()
    for kind in (".flv", ".mp4"):
        ref, mine = per_minute.get(f"reference {kind}"), per_minute.get(f"ours {kind}")
        if ref and mine:
            print(f"reference / ours ({kind}): {ref / mine:.0f}x less ffmpeg CPU per recorded minute (goal >= 30x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
