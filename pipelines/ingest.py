"""One file into the warehouse: read → validate → account → load, then publish (or leave all as it was)."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.catalogue import Source
from pipelines.errors import InputFileError
from pipelines.layouts import Context, Defaults, Rejection, holds_table, parse
from pipelines.normalise import RegionResolver
from pipelines.readers import read_table
from pipelines.warehouse import Writer, staged
from pipelines.warehouse.writes import RunRecord

PROGRESS_BYTES = 2 * 1024 * 1024  # files larger than this show a progress bar when a person is watching
MAX_LISTED_REJECTIONS = 50  # rejections carried in the report (all of them are in rejected_rows)


@dataclass
class IngestReport:
    """What happened to every record of one file; ``read == loaded + rejected + skipped``."""

    file: Path
    run_id: int
    layout: str
    file_format: str
    encoding: str | None
    indicator_id: str | None
    read: int
    loaded: int
    revised: int
    rejected: int
    skipped: int
    rejections: list[Rejection] = field(default_factory=list)  # the first MAX_LISTED_REJECTIONS, in row order
    skip_reasons: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)  # doubtful rows, loaded all the same (the first 50)
    warning_count: int = 0
    sheet: str | None = None  # the XLSX sheet read
    notes: list[str] = field(default_factory=list)  # how the file was read (another sheet with a table, …)

    @property
    def accounting(self) -> str:
        return f"read={self.read} loaded={self.loaded} rejected={self.rejected} skipped={self.skipped}"


def file_source(path: Path, sha256: str) -> Source:
    """The source recorded for a file that names none: the file itself, identified by its content."""
    return Source(
        source_id=f"file_{sha256[:16]}", title=path.name, kind="user_file", sha256=sha256,
        note="recorded from the ingested file itself (no source given)",
    )


def _outcome(loaded: int, rejected: int) -> str:
    if loaded:
        return "partial" if rejected else "loaded"
    return "rejected" if rejected else "no_change"


def ingest_into(writer: Writer, path: Path, *, indicator: str | None = None, source: str | None = None,
                status: str = "reported", layout: str | None = None, sheet: str | None = None,
                command: str = "ingest") -> IngestReport:
    """Load one file into an open staged warehouse; raises InputFileError when the file is unusable."""
    started = dt.datetime.now(dt.UTC)
    table = read_table(path, sheet=sheet, holds_table=lambda rows: holds_table(rows, layout))
    indicators = writer.indicators()
    if indicator is not None and indicator not in indicators:
        choices = ", ".join(sorted(indicators))
        raise InputFileError(f"{path}: unknown indicator {indicator!r}; expected one of {choices}")
    known_sources = writer.source_ids()
    illustrative = writer.source_ids(kind="illustrative")
    if source is not None and source not in known_sources:
        raise InputFileError(f"{path}: unknown source id {source!r}; add it to config/sources.yaml or omit --source")
    if source in illustrative and status != "illustrative":
        raise InputFileError(f"{path}: source {source!r} holds generated values; pass --status illustrative")
    own_source = file_source(path, table.sha256)
    ctx = Context(indicators, RegionResolver(writer.regions()), known_sources | {own_source.source_id}, illustrative)
    progress = path.stat().st_size > PROGRESS_BYTES and sys.stderr.isatty()
    staging = writer.staging()
    parsed = parse(table, ctx, Defaults(indicator, source or own_source.source_id, status, layout),
                   progress=progress, sink=staging)
    settled = staging.settle()

    skip_reasons = parsed.skipped + Counter({"duplicate": settled.duplicates, "already in warehouse": settled.same})
    loaded, revised = settled.new + settled.changed, settled.changed
    rejected = parsed.rejected + settled.conflicts
    skipped = sum(skip_reasons.values())
    if staging.loads_source(own_source.source_id):
        writer.ensure_source(own_source)
    run_id = writer.insert_run(RunRecord(
        command=command, started_at=started, finished_at=dt.datetime.now(dt.UTC), file_name=path.name,
        sha256=table.sha256, file_format=table.file_format, encoding=table.encoding, layout=parsed.layout,
        indicator_id=parsed.indicator_id, source_id=source, status=status, rows_read=parsed.read,
        rows_loaded=loaded, rows_revised=revised, rows_rejected=rejected, rows_skipped=skipped,
        outcome=_outcome(loaded, rejected),
    ))
    staging.commit(run_id)
    listed = [Rejection(*r) for r in writer.rejections_of(run_id, MAX_LISTED_REJECTIONS)]
    return IngestReport(
        file=path, run_id=run_id, layout=parsed.layout, file_format=table.file_format, encoding=table.encoding,
        indicator_id=parsed.indicator_id, read=parsed.read, loaded=loaded, revised=revised, rejected=rejected,
        skipped=skipped, rejections=listed, skip_reasons=+skip_reasons,
        warnings=parsed.warnings, warning_count=parsed.warning_count, sheet=table.sheet, notes=list(table.notes),
    )


def ingest_file(path: Path, db: Path, **options: str | None) -> IngestReport:
    """Ingest into a private copy of ``db`` and publish it only when everything succeeded."""
    with staged(db, fresh=False) as con:
        writer = Writer(con)
        report = ingest_into(writer, path, **options)  # type: ignore[arg-type]
        failures = writer.failed_checks()
        if failures:
            raise InputFileError(f"{path}: the warehouse would fail its checks: {'; '.join(failures)}")
    return report
