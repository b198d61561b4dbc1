"""A Flask view that answers "is this creator live?", sharing one Session across request threads.

    python examples/flask_app.py --fake            # runs three requests through Flask's test client
    python examples/flask_app.py --serve           # serves http://127.0.0.1:5000/live/<user> for real
"""

from __future__ import annotations

import argparse
import sys

from flask import Flask, jsonify

import tiktoklive_sync as tls


def create_app(session: tls.Session) -> Flask:
    """Build the app around one shared Session (routes are safe to call from many threads at once)."""
    app = Flask(__name__)

    @app.get("/live/<user>")
    def live(user: str):  # type: ignore[no-untyped-def]
        try:
            status = tls.fetch_live_status(session, user)
        except ValueError as exc:  # e.g. an empty handle
            return jsonify(error=str(exc)), 400
        return jsonify(user=user, state=status.state.value, live=status.is_live, evidence=status.evidence)

    return app


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--fake", action="store_true")
    p.add_argument("--serve", action="store_true")
    args = p.parse_args(argv)
    if args.serve and not args.fake:
        create_app(tls.Session()).run(threaded=True)
        return 0
    from tiktoklive_sync.testing import start_demo_fake  # needs the [testing] extra

    with start_demo_fake() as fake, fake.session() as session:
        client = create_app(session).test_client()
        for user in ("demo_creator", "quiet_creator", "nobody_here"):
            reply = client.get(f"/live/{user}")
            print(reply.status_code, reply.get_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
