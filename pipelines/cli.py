"""The command line: ``python -m pipelines build|ingest|export`` (each with ``--help``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines.catalogue import CONFIG_DIR, STATUSES
from pipelines.errors import PipelineError
from pipelines.ingest import IngestReport, ingest_file
from pipelines.warehouse import DEFAULT_DB

DATA_DIR = DEFAULT_DB.parent

MAX_LISTED_REJECTIONS = 50


def _print_report(report: IngestReport, *, verbose: bool = True) -> None:
    print(f"{report.file}: {report.layout} layout, {report.file_format}{f' ({report.encoding})' if report.encoding else ''}, run {report.run_id}"
          + (f", indicator {report.indicator_id}" if report.indicator_id else ""))
    if verbose:
        for rej in report.rejections[:MAX_LISTED_REJECTIONS]:
            col = f" [{rej.column}]" if rej.column else ""
            print(f"  rejected row {rej.row_number}{col}: {rej.reason}  | {rej.raw}")
        if len(report.rejections) > MAX_LISTED_REJECTIONS:
            print(f"  … {len(report.rejections) - MAX_LISTED_REJECTIONS} more in table rejected_rows "
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
                         status=args.status, layout=args.layout)
    _print_report(report)
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
    i.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    i.set_defaults(func=_cmd_ingest)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
