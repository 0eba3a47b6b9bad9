"""Writing a slice as Parquet (zstd), CSV (UTF-8 with BOM), XLSX or JSON, each carrying its provenance.

Every writer reads an Arrow batch stream from the warehouse and yields bytes as it goes, so the HTTP API can
stream a county-scale slice and the CLI can write one to disk with the same code, never holding the slice in
pandas. Provenance travels inside the file where the format allows (Parquet key-value metadata, an XLSX
"provenance" sheet, a JSON ``provenance`` member) and beside it otherwise (``<file>.provenance.json`` for the
CLI's CSV; ``/api/v1/provenance?…``, linked from every API response, for HTTP).

Every format gets its text from :func:`clean_batch` / :func:`clean_value` (no control characters), and CSV
text cells also go through :func:`neutralise_formulas` (no cell a spreadsheet would run as a formula); the
rules are documented in docs/api.md ("Safe exports").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines import xlsx
from pipelines.errors import PipelineError
from pipelines.slices import Slice, SliceError
from pipelines.warehouse import Warehouse

API_PATH = "/api/v1/observations"
PROVENANCE_PATH = "/api/v1/provenance"
#: Largest XLSX export: Excel's sheet limit, less the header row. The streaming writer (pipelines.xlsx) delivers
#: it well inside the production server's timeout (measured figures in docs/api.md, "Row caps").
XLSX_MAX_ROWS = xlsx.SHEET_MAX_ROWS - 1
UTF8_BOM = b"\xef\xbb\xbf"  # so Excel opens Chinese text in a CSV as UTF-8 rather than the system code page

LICENCE_NOTE = (
    "Figures are compiled from the public sources listed under 'sources'; each publisher's terms apply to its "
    "figures. Rows with status 'illustrative' are generated example values, not official statistics. The "
    "compilation and the code that produced this file are MIT-licensed (imm project)."
)
COLUMN_NOTES = {
    "indicator_id": "indicator (names, units and definitions under 'indicators')",
    "region_code": "GB/T 2260 six-digit code; 100000 is the national figure",
    "year": "the year the figure describes",
    "breakdown": "sub-group of the indicator ('' for the plain series)",
    "value": "the figure, in the unit given in 'unit'",
    "status": "reported | estimated | illustrative (generated, not official) | projected",
    "as_of": "date the figure refers to when earlier than year-end; empty means year-end",
    "source_id": "where the figure comes from (titles under 'sources')",
}


#: Control characters no export may carry: C0 except tab, LF and CR; DEL; C1; and U+FFFE/U+FFFF (not XML).
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{fffe}\x{ffff}]"  # RE2, for Arrow
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
#: A CSV text cell starting with one of these is read by spreadsheets as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^([=+\-@\t\r])"


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _map_text(batch: pa.RecordBatch, fn: Callable[[pa.Array], pa.Array]) -> pa.RecordBatch:
    columns = [fn(col) if _is_text(col.type) else col for col in batch.columns]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def _without_controls(col: pa.Array) -> pa.Array:
    """Scan the distinct values, not every row: slice columns repeat a few ids, names and statuses a million
    times, so the check costs a hash pass and the rewrite is only paid where a control character exists."""
    if not pc.any(pc.match_substring_regex(pc.unique(col), CONTROL_CHARACTERS)).as_py():
        return col
    return pc.replace_substring_regex(col, CONTROL_CHARACTERS, "")


def clean_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with every control character removed from its text columns (tab, LF and CR stay)."""
    return _map_text(batch, _without_controls)


def neutralise_formulas(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Text cells starting with ``= + - @``, tab or CR get a leading ``'``; numbers and dates are untouched."""
    return _map_text(batch, lambda col: pc.replace_substring_regex(col, _FORMULA_START, r"'\1"))


def clean_value(value: Any) -> Any:
    """``value`` (text, or dicts and lists of it) without control characters: for provenance records."""
    if isinstance(value, str):
        return _CONTROL_RE.sub("", value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


class ExportError(PipelineError):
    """The export's file cannot be written (no such directory, no permission, disk full)."""


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    is_text: bool


EXPORT_FORMATS = {
    "json": ExportFormat("json", "application/json", is_text=True),
    "parquet": ExportFormat("parquet", "application/vnd.apache.parquet", is_text=False),
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", is_text=True),
    "xlsx": ExportFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", is_text=False),
}


@dataclass(frozen=True)
class Provenance:
    """Where an exported slice comes from: its query, size, indicators, sources, build and licence."""

    query: str
    api: str
    parameters: dict[str, str]
    rows: int
    years: list[int | None]
    indicators: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    warehouse: dict[str, Any]
    statuses: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=lambda: dict(COLUMN_NOTES))
    licence: str = LICENCE_NOTE

    @property
    def all_illustrative(self) -> bool:
        """Every row is generated: the CLI and the API warn, since such a file is easily mistaken for data."""
        return self.statuses == ["illustrative"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=_plain)

    def parquet_metadata(self) -> dict[str, str]:
        """Key-value metadata: the whole record under ``imm:provenance`` and the parts people look for first."""
        units = {i["indicator_id"]: {"unit": i["unit"], "name_en": i["name_en"], "name_zh": i["name_zh"]}
                 for i in self.indicators}
        return {
            "imm:provenance": self.to_json(),
            "imm:query": self.query,
            "imm:indicators": json.dumps(units, ensure_ascii=False),
            "imm:sources": json.dumps({s["source_id"]: s["title"] for s in self.sources}, ensure_ascii=False),
            "imm:built_at": str(self.warehouse.get("built_at", "")),
            "imm:licence": self.licence,
        }


def provenance(wh: Warehouse, s: Slice) -> Provenance:
    facts = wh.slice_facts(s)
    query = s.to_query_string()
    return Provenance(
        query=query, api=f"{API_PATH}?{query}" if query else API_PATH, parameters=s.params(), rows=facts.rows,
        years=[facts.year_min, facts.year_max], indicators=clean_value(facts.indicators),
        sources=clean_value(facts.sources), warehouse=clean_value(facts.build), statuses=facts.statuses,
    )


ALL_ILLUSTRATIVE_WARNING = ("every row of this slice is illustrative: generated example values, not official "
                            "statistics")


def check_size(fmt: str, prov: Provenance, *, json_row_cap: int | None,
               xlsx_row_cap: int | None = XLSX_MAX_ROWS) -> None:
    """Refuse, before any byte is sent, a JSON answer over its cap or an XLSX over its cap (None: no cap)."""
    others = [f for f in ("parquet", "csv") if f != fmt]
    if fmt == "json" and json_row_cap is not None and prov.rows > json_row_cap:
        raise SliceError("format", fmt, others, f"the slice has {prov.rows:,} rows; JSON answers are capped at "
                         f"{json_row_cap:,} rows — narrow the slice or ask for format=parquet or format=csv")
    if fmt == "xlsx" and xlsx_row_cap is not None and prov.rows > xlsx_row_cap:
        raise SliceError("format", fmt, others, f"the slice has {prov.rows:,} rows; XLSX exports are capped at "
                         f"{xlsx_row_cap:,} rows — narrow the slice or ask for format=parquet or format=csv")


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in JSON")


def jsonable_rows(table: pa.Table | pa.RecordBatch) -> list[dict[str, Any]]:
    """Rows as plain dicts with ISO dates: what JSON bodies and the data page's preview grid need."""
    dates = [f.name for f in table.schema if pa.types.is_date(f.type) or pa.types.is_timestamp(f.type)]
    rows = table.to_pylist()
    for row in rows:
        for name in dates:
            if row[name] is not None:
                row[name] = row[name].isoformat()
    return rows


def _parquet(reader: pa.RecordBatchReader, prov: Provenance) -> Iterator[bytes]:
    sink = xlsx.ByteSink()
    schema = reader.schema.with_metadata(prov.parquet_metadata())
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch)  # one row group per batch: memory stays bounded by the batch size
            yield sink.drain()
    yield sink.drain()


def _csv(reader: pa.RecordBatchReader, prov: Provenance) -> Iterator[bytes]:
    sink = xlsx.ByteSink()
    sink.write(UTF8_BOM)
    with pacsv.CSVWriter(sink, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(neutralise_formulas(batch))
            yield sink.drain()
    yield sink.drain()


def _json(reader: pa.RecordBatchReader, prov: Provenance) -> Iterator[bytes]:
    yield ('{"provenance": ' + prov.to_json() + ', "rows": [').encode()
    first = True
    for batch in reader:
        rows = jsonable_rows(batch)
        if rows:
            text = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
            yield (("\n" if first else ",\n") + text).encode()
            first = False
    yield b"\n]}\n"


def _provenance_rows(prov: Provenance) -> Iterator[list[object]]:
    for key in ("query", "api", "rows", "licence"):
        yield [key, str(getattr(prov, key))]
    yield ["years", f"{prov.years[0]}–{prov.years[1]}"]
    for key, value in prov.warehouse.items():
        yield [f"warehouse {key}", str(value)]
    for title, records in (("indicators", prov.indicators), ("sources", prov.sources),
                           ("columns", [{"column": k, "meaning": v} for k, v in prov.columns.items()])):
        yield []
        yield [title]
        if records:
            yield list(records[0])
            for record in records:
                yield [v if isinstance(v, int | float) or v is None else str(v) for v in record.values()]


def _xlsx(reader: pa.RecordBatchReader, prov: Provenance) -> Iterator[bytes]:
    """Streamed as it is made (:mod:`pipelines.xlsx`): text cells are typed text, so never formulas."""
    data = xlsx.Sheet("data", xlsx.table_rows(reader.schema, reader),
                      xlsx.extent(len(reader.schema.names), prov.rows + 1))
    yield from xlsx.workbook([data, xlsx.Sheet("provenance", xlsx.python_rows(_provenance_rows(prov)))])


_WRITERS: dict[str, Callable[[pa.RecordBatchReader, Provenance], Iterator[bytes]]] = {
    "json": _json, "parquet": _parquet, "csv": _csv, "xlsx": _xlsx,
}


def iter_export(wh: Warehouse, s: Slice, fmt: str, prov: Provenance) -> Iterator[bytes]:
    """The bytes of ``s`` in ``fmt``, batch by batch; the warehouse query ends when the iterator does."""
    with wh.slice_stream(s) as reader:
        cleaned = pa.RecordBatchReader.from_batches(reader.schema, (clean_batch(b) for b in reader))
        yield from _WRITERS[fmt](cleaned, prov)


@dataclass(frozen=True)
class Export:
    paths: list[Path]
    provenance: Provenance


def write_export(wh: Warehouse, s: Slice, fmt: str, out: Path) -> Export:
    """Write ``s`` to ``out`` (atomically: a crash leaves no half file), plus a provenance sidecar for CSV."""
    out = Path(out)
    with wh.pinned():  # the provenance and the rows come from one file, even if a new one is published meanwhile
        prov = provenance(wh, s)
        check_size(fmt, prov, json_row_cap=None)
        _atomic_write(out, iter_export(wh, s, fmt, prov))
    paths = [out]
    if fmt == "csv":
        sidecar = out.with_name(f"{out.name}.provenance.json")
        _atomic_write(sidecar, [prov.to_json(indent=2).encode() + b"\n"])
        paths.append(sidecar)
    return Export(paths, prov)


def _atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write the export ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)


# -- the lake: the whole warehouse as partitioned Parquet ------------------------------------------------------
LAKE_FORMAT = "imm-lake/1"


@dataclass(frozen=True)
class Lake:
    root: Path
    manifest: dict[str, Any]


def _file_entry(root: Path, path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": digest.hexdigest(),
            "rows": pq.ParquetFile(path).metadata.num_rows}


def write_lake(wh: Warehouse, out: Path) -> Lake:
    """The warehouse under ``out`` as hive-partitioned Parquet (``observations/indicator_id=…/year=…/``) plus
    the other public tables and a ``manifest.json`` listing every file with its rows and checksum.

    The layout an engine outside this machine (Spark, Trino, DuckDB elsewhere) reads without this code; see
    docs/scale.md. Written beside ``out`` and renamed into place, so a reader sees the old lake or the new one.
    """
    out = Path(out)
    if out.exists() and not (out / "manifest.json").is_file():
        raise ExportError(f"{out}: exists and is not a lake written by this tool; choose an empty path")
    staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        facts = wh.copy_lake(staging)
        parts = sorted((staging / "observations").rglob("*.parquet"))
        manifest = {
            "format": LAKE_FORMAT,
            "warehouse": facts["warehouse"],
            "tables": {p.stem: _file_entry(staging, p) for p in sorted(staging.glob("*.parquet"))},
            "observations": {
                "path": "observations", "partitioning": ["indicator_id", "year"], "style": "hive",
                "rows": facts["rows"]["observations"], "files": [_file_entry(staging, p) for p in parts]},
            "read_with": "duckdb: SELECT * FROM read_parquet('observations/**/*.parquet', hive_partitioning = true)",
            "licence": LICENCE_NOTE,
        }
        if sum(f["rows"] for f in manifest["observations"]["files"]) != manifest["observations"]["rows"]:
            raise ExportError(f"{out}: the partitioned files do not hold every observation")
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the lake ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Lake(out, manifest)
