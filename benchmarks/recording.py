"""ffmpeg CPU of a recording vs a bare ``ffmpeg -i URL -c copy -t N out.flv`` of the same stream.

Every case records the same live FLV stream (FakeTikTok's: 720x1280 h264 ~2.5 Mbit/s + aac, paced at
real time) for N seconds, side by side in one run, in interleaved rounds (bare, ours .flv, ours .mp4,
ours .mkv, bare, ...) so that the machine's load hits all cases alike:

- ``bare .flv``: ``ffmpeg -i URL -c copy -t N out.flv`` and nothing else (no read timeout, no progress,
  no crash tolerance): the floor;
- ``ours .flv`` / ``ours .mp4`` / ``ours .mkv``: ``tls.record_stream(session, "out.<ext>", info,
  record_for=N)`` with its defaults; every ffmpeg it runs is counted (the capture, and the remux an
  ``.mkv`` needs).

CPU is the user + system time of the ffmpeg children (``getrusage(RUSAGE_CHILDREN)`` around each
case; every ffmpeg is reaped before the reading), divided by the recorded minutes (the output's
duration, read with ``ffmpeg -i`` after the reading). The figure is ours / bare per round; the
median over the rounds is quoted in the README (goal: <= 1.25x).

Run: ``python benchmarks/recording.py [--seconds 15] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import tiktoklive_sync as tls
from tiktoklive_sync.recording._ffmpeg import find_ffmpeg, probe
from tiktoklive_sync.testing import FakeTikTok

ROOM_ID = 7_300_000_000_000_000_077
USER = "bench_creator"
GOAL = 1.25


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(run: Callable[[Path], Path], output: Path) -> tuple[float, float]:
    """Return (ffmpeg CPU seconds, recorded seconds) of one case."""
    cpu = _children_cpu()
    written = run(output)
    cpu = _children_cpu() - cpu
    return cpu, probe(written).duration


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds recorded per case (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    args = parser.parse_args(argv)
    seconds = args.seconds
    ffmpeg = find_ffmpeg()
    version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True).stdout.split("\n")[0]

    with FakeTikTok() as fake, fake.session() as session, tempfile.TemporaryDirectory() as tmp:
        fake.add_room(USER, room_id=ROOM_ID, live=True)
        info = tls.fetch_room_info(session, room_id=ROOM_ID)
        quality = tls.VideoQuality.HD
        url = info.stream_urls.get(quality) or ""

        def bare(output: Path) -> Path:
            argv = [ffmpeg, "-i", url, "-c", "copy", "-t", f"{seconds:g}", str(output)]
            subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=True)
            return output

        def ours(output: Path) -> Path:
            rec = tls.record_stream(session, output, info, record_for=seconds, quality=quality)
            rec.wait()
            if rec.error is not None:
                raise SystemExit(f"our recording failed: {rec.error}")
            if [s.reason for s in rec.segments] != ["finished"]:  # make an odd run visible
                print(f"  note: {output.name} segments ended {[(s.reason, s.returncode) for s in rec.segments]}")
            return rec.output_path

        cases: list[tuple[str, Callable[[Path], Path], str]] = [
            ("bare .flv", bare, ".flv"), ("ours .flv", ours, ".flv"), ("ours .mp4", ours, ".mp4"),
            ("ours .mkv", ours, ".mkv"),
        ]  # fmt: skip
        print(f"recording benchmark: {seconds:g} s per case, {args.rounds} rounds, FakeTikTok's live FLV")
        print(f"{version}; python {sys.version.split()[0]}")
        print(f"{'round':>5} {'case':<10} {'recorded':>9} {'ffmpeg CPU':>11} {'CPU s/rec. min':>15} {'vs bare':>8}")
        ratios: dict[str, list[float]] = {name: [] for name, _, _ in cases[1:]}
        for round_ in range(1, args.rounds + 1):
            floor = None
            for name, run, suffix in cases:
                cpu, recorded = _measure(run, Path(tmp) / f"{name.replace(' ', '_')}{round_}{suffix}")
                per_minute = cpu / (recorded / 60) if recorded else float("nan")
                floor = per_minute if floor is None else floor
                ratio = per_minute / floor
                if name in ratios:
                    ratios[name].append(ratio)
                print(f"{round_:>5} {name:<10} {recorded:8.1f}s {cpu:10.3f}s {per_minute:15.3f} {ratio:7.2f}x")
    print()
    for name, values in ratios.items():
        low, high = min(values), max(values)
        verdict = "meets" if statistics.median(values) <= GOAL else "misses"
        print(f"{name}: {statistics.median(values):.2f}x the bare copy's ffmpeg CPU (median; range "
              f"{low:.2f}-{high:.2f}x) - {verdict} the <= {GOAL}x goal")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
