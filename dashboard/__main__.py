"""``python -m dashboard [--host H] [--port P] [--db PATH]``: serve the dashboard (development server)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.warehouse import DEFAULT_DB


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading")
    args = parser.parse_args()
    from dashboard.app import create_app

    create_app(args.db).run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
