"""Is a creator live, and what is in their room?  python examples/check_live.py someone [--fake]"""

from __future__ import annotations

import sys

import _backend

import tiktoklive_sync as tls


def main(argv: list[str] | None = None) -> int:
    args = _backend.parser(__doc__ or "").parse_args(argv)
    with _backend.session(args.fake) as s:
        status = tls.fetch_live_status(s, args.user)
        print(f"@{args.user}: {status.state.value} ({status.evidence})")
        if not status.is_live:
            return 1
        info = tls.fetch_room_info(s, unique_id=args.user)
        print(f"{info.title!r}: {info.user_count} viewers, qualities {[q.name for q in info.stream_urls.qualities]}")
        rose = tls.fetch_gift_list(s).by_name("Rose")
        if rose is not None:
            print(f"a Rose costs {rose.diamond_count} coin(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
