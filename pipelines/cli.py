"""The command line: ``python -m pipelines build|ingest|export`` (each with ``--help``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines.build import DATA_DIR
from pipelines.catalogue import CONFIG_DIR, STATUSES
from pipelines.errors import PipelineError
from pipelines.ingest import IngestReport, ingest_file
from pipelines.slices import FORMATS
from pipelines.warehouse import DEFAULT_DB


def _print_report(report: IngestReport, *, verbose: bool = True) -> None:
    encoding = f" ({report.encoding})" if report.encoding else ""
    sheet = f" sheet {report.sheet!r}" if report.sheet else ""
    indicator = f", indicator {report.indicator_id}" if report.indicator_id else ""
    print(f"{report.file}: {report.layout} layout, {report.file_format}{sheet}{encoding}, run {report.run_id}"
          f"{indicator}")
    for note in report.notes:
        print(f"  note: {note}")
    if verbose:
        for warning in report.warnings:
            print(f"  warning: {warning}")
        if report.warning_count > len(report.warnings):
            print(f"  … {report.warning_count - len(report.warnings)} more warning(s)")
        for rej in report.rejections:
            col = f" [{rej.column}]" if rej.column else ""
            print(f"  rejected row {rej.row_number}{col}: {rej.reason}  | {rej.raw}")
        if report.rejected > len(report.rejections):
            print(f"  … {report.rejected - len(report.rejections)} more in table rejected_rows "
                  f"(run_id = {report.run_id})")
        if report.skip_reasons:
            print("  skipped: " + ", ".join(f"{n} {why}" for why, n in report.skip_reasons.most_common()))
        if report.revised:
            print(f"  {report.revised} loaded row(s) revised an earlier value (see observation_revisions)")
    print(report.accounting)


def _cmd_build(args: argparse.Namespace) -> int:
    from pipelines.build import build, is_up_to_date

    if args.if_changed and is_up_to_date(args.db, args.config, args.data):
        print(f"{args.db}: up to date with config/ and the manifest's files; nothing to do")
        return 0
    reports = build(args.db, args.config, args.data, progress=not args.quiet)
    for report in reports:
        _print_report(report, verbose=report.rejected > 0)
    total = sum(r.loaded for r in reports)
    print(f"built {args.db}: {len(reports)} files, {total} observations")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    report = ingest_file(args.file, args.db, indicator=args.indicator, source=args.source,
                         status=args.status, layout=args.layout, sheet=args.sheet)
    _print_report(report)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pipelines.export import ALL_ILLUSTRATIVE_WARNING, write_export, write_lake
    from pipelines.slices import parse_slice, vocabulary
    from pipelines.warehouse import Warehouse

    wh = Warehouse(args.db)
    if args.lake is not None:
        try:
            lake = write_lake(wh, args.lake)
        finally:
            wh.close()
        obs = lake.manifest["observations"]
        print(f"wrote {lake.root}: {obs['rows']} observations in {len(obs['files'])} partition files, "
              f"{len(lake.manifest['tables'])} tables, manifest.json")
        return 0
    try:
        params = {"indicator": args.indicator, "region": args.region, "from": args.year_from, "to": args.year_to,
                  "status": args.status}
        s = parse_slice(params, vocabulary(wh))
        suffix = args.out.suffix.lstrip(".").lower() if args.out else ""
        fmt = args.format or (suffix if suffix in FORMATS else "parquet")
        result = write_export(wh, s, fmt, args.out or Path(s.filename(fmt)))
    finally:
        wh.close()
    if result.provenance.all_illustrative:
        print(f"warning: {ALL_ILLUSTRATIVE_WARNING}", file=sys.stderr)
    print(f"wrote {result.paths[0]}: {result.provenance.rows} rows"
          + "".join(f"\nwrote {extra} (provenance)" for extra in result.paths[1:]))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="rebuild the warehouse from config/ and data/manifest.yaml",
                       description="Rebuild the warehouse from config/ and every file in data/manifest.yaml, "
                       "then publish it atomically.")
    b.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    b.add_argument("--if-changed", action="store_true",
                   help="do nothing when the published warehouse was built from the same inputs and code")
    b.add_argument("--config", type=Path, default=CONFIG_DIR, help="catalogue directory (default: %(default)s)")
    b.add_argument("--data", type=Path, default=DATA_DIR,
                   help="directory holding manifest.yaml and the files it lists (default: %(default)s)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=_cmd_build)

    i = sub.add_parser("ingest", help="load one CSV/XLSX/Parquet file into the warehouse",
                       description="Load one table (CSV in UTF-8/GBK/GB18030, XLSX or Parquet; long or wide "
                       "layout) into an existing warehouse. The last line printed is the accounting "
                       "read=N loaded=L rejected=R skipped=S.")
    i.add_argument("file", type=Path)
    i.add_argument("--indicator", help="indicator id for rows that do not name one (required for wide files "
                   "whose title does not name it)")
    i.add_argument("--source", help="source id for rows without a source column (default: the file itself)")
    i.add_argument("--status", choices=STATUSES, default="reported", help="default: %(default)s")
    i.add_argument("--layout", choices=("long", "wide"), help="skip layout detection")
    i.add_argument("--sheet", metavar="NAME", help="XLSX sheet to read (default: the active visible sheet holding "
                   "a table, else the first visible one that does)")
    i.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    i.set_defaults(func=_cmd_ingest)

    e = sub.add_parser("export", help="write a slice of the observations to Parquet, CSV, XLSX or JSON",
                       description="Write the observations of some indicators, regions, years and statuses to "
                       "one file with its provenance (Parquet metadata; an XLSX sheet; a JSON member; for CSV a "
                       "<file>.provenance.json beside it). Parameters mean what they mean on /data and in the "
                       "API; list values may be comma-separated or repeated.")
    e.add_argument("--indicator", action="append", help="indicator id(s) (default: all)")
    e.add_argument("--region", action="append", help="region code(s), name(s) or group(s): east, central, west, "
                   "northeast, 环渤海, 长三角, 珠三角, 中西部 (default: all)")
    e.add_argument("--from", dest="year_from", metavar="YEAR", help="first year, inclusive")
    e.add_argument("--to", dest="year_to", metavar="YEAR", help="last year, inclusive")
    e.add_argument("--status", action="append", help=f"status(es) to keep: {', '.join(STATUSES)} (default: all)")
    e.add_argument("--format", choices=FORMATS,
                   help="default: from the --out suffix, else parquet")
    e.add_argument("--out", type=Path, help="file to write (default: a name describing the slice, "
                   "e.g. imm_cnc_rate_320000-330000_2015-2024.parquet)")
    e.add_argument("--lake", type=Path, metavar="DIR", help="instead of a slice, write the whole warehouse to DIR "
                   "as hive-partitioned Parquet (indicator_id/year) with a manifest (docs/scale.md)")
    e.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    e.set_defaults(func=_cmd_export)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the private copy is discarded on the way out
        print("error: interrupted; the published warehouse is unchanged", file=sys.stderr)
        return 130
    except OSError as exc:  # an operational fault no layer above named (the warehouse layer names its own)
        print(f"error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return 1
