"""Write a deterministic corpus of push frames (``frames.bin``) and its ``manifest.json``.

Each frame is laid out as TikTok's push server sends it (a ``WebcastPushFrame`` whose payload is a
``ProtoMessageFetchResult``, ~20% gzipped); ``frames.bin`` is each frame's 4-byte big-endian length then
its bytes. The manifest's counts and digests come from what was generated, so a decoder can be checked
against it. The same ``--seed`` always gives the same bytes.

Run: ``python benchmarks/make_corpus.py [--frames 2000] [--seed 20240601] [--out benchmarks/corpus]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from tiktoklive_sync.testing._corpus import make_corpus, write_frames

#: where the benchmarks look for the corpus unless given another
DEFAULT_DIR = Path(__file__).resolve().parent / "corpus"


def ensure_corpus(directory: Path = DEFAULT_DIR, *, frames: int = 2000, seed: int = 20240601) -> Path:
    """Return ``directory/frames.bin``, writing the corpus first unless a matching one is there."""
    path, manifest_path = directory / "frames.bin", directory / "manifest.json"
    if path.exists() and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("frame_count"), manifest.get("seed")) == (frames, seed):
            return path
    directory.mkdir(parents=True, exist_ok=True)
    built, manifest = make_corpus(frames, seed=seed)
    data = write_frames(built)
    manifest["frames_bin_bytes"] = len(data)
    manifest["frames_bin_sha256"] = hashlib.sha256(data).hexdigest()
    path.write_bytes(data)
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=2000, help="how many frames (default 2000)")
    parser.add_argument("--seed", type=int, default=20240601, help="the random seed (default 20240601)")
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help=f"the folder to write (default {DEFAULT_DIR})")
    args = parser.parse_args(argv)
    if args.frames < 1:
        parser.error("--frames must be at least 1")
    path = ensure_corpus(args.out, frames=args.frames, seed=args.seed)
    manifest = json.loads((args.out / "manifest.json").read_text())
    print(f"{path}: {manifest['frame_count']} frames, {manifest['message_count']} messages, "
          f"{manifest['frames_bin_bytes']:,} bytes, sha256 {manifest['frames_bin_sha256'][:16]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
