"""Record a live to a file with ffmpeg (stream copy), showing progress.

    python examples/record.py someone out.mp4 [--fake] [--seconds 5]
"""

from __future__ import annotations

import sys

import _backend

import tiktoklive_sync as tls


def main(argv: list[str] | None = None) -> int:
    p = _backend.parser(__doc__ or "")
    p.add_argument("output", nargs="?", default="recording.mp4")
    p.add_argument("--seconds", type=float, default=5.0)
    args = p.parse_args(argv)
    with _backend.session(args.fake) as s:
        info = tls.fetch_room_info(s, unique_id=args.user)
        with tls.record_stream(s, args.output, info, record_for=args.seconds, quality=tls.VideoQuality.HD) as rec:
            while not rec.wait(timeout=1):
                print(f"{rec.progress.seconds:5.1f} s, {rec.progress.bytes / 1e6:.2f} MB")
    print(f"saved {rec.output_path} (ffmpeg exit {rec.returncode})")
    return 0 if rec.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
