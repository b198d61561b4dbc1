"""``python -m tiktoklive_sync.contrib.celery status``: the fleet's owners and leases.

Reads ``TIKTOKLIVE_FLEET_REDIS`` (else ``TIKTOKLIVE_FLEET_BROKER``, else ``redis://127.0.0.1:6379/0``)
and ``TIKTOKLIVE_FLEET_KEY_PREFIX``; ``--redis URL`` and ``--prefix P`` override them.
"""

from __future__ import annotations

import argparse
import os
import sys

import redis

from ._status import format_owners, owners


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (1 when Redis cannot be reached)."""
    env = os.environ
    default_url = env.get("TIKTOKLIVE_FLEET_REDIS") or env.get("TIKTOKLIVE_FLEET_BROKER") or "redis://127.0.0.1:6379/0"
    parser = argparse.ArgumentParser(prog="python -m tiktoklive_sync.contrib.celery")
    parser.add_argument("command", choices=["status"], help="status: who watches which live")
    parser.add_argument("--redis", default=default_url, help=f"Redis URL (default {default_url})")
    parser.add_argument("--prefix", default=env.get("TIKTOKLIVE_FLEET_KEY_PREFIX") or "tiktoklive")
    args = parser.parse_args(argv)
    client = redis.Redis.from_url(args.redis, socket_timeout=5, socket_connect_timeout=3)
    try:
        print(format_owners(owners(client, args.prefix)))
    except redis.RedisError as exc:
        print(f"cannot read the fleet's state from {args.redis}: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
