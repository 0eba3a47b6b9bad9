"""The ingest rules run in SQL (validate.sql) over a whole file's rows; Python is asked once per distinct value.

A file's rows under its header go into one temporary table (``ingest_body``) — read by DuckDB itself from a
plain CSV, or appended in batches by the Python readers (XLSX, Parquet, GBK or quoted CSV) — and every rule runs
on it as a set: the same statements whichever reader filled it, so there is one definition of each rule.
The same macros answer for one cell at a time (``cell``), which is what ``normalise.parse_number`` and its
siblings are.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from pipelines import normalise

#: Records one row may make (a wide row makes one per year column): ``pos = row_number * STRIDE + column``.
STRIDE = 1024


def _statements(path: Path) -> dict[str, str]:
    """The statements of a .sql file, each under its ``-- name: x`` line."""
    parts = re.split(r"^-- name: (\w+)\n", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


SQL = _statements(Path(__file__).with_name("validate.sql"))


def _per_distinct(fn: Callable[[str], object], kind: pa.DataType) -> Callable[[pa.ChunkedArray], pa.Array]:
    """An Arrow UDF calling ``fn`` once per distinct value of each chunk DuckDB hands over."""

    def run(values: pa.ChunkedArray) -> pa.Array:
        encoded = values.combine_chunks().dictionary_encode()
        return pa.array([fn(v) for v in encoded.dictionary.to_pylist()], kind).take(encoded.indices)

    return run


_PYTHON_RULES: dict[str, tuple[Callable[[str], object], pa.DataType, str]] = {
    "imm_py_fold": (normalise.fold, pa.string(), "VARCHAR"),
    "imm_py_fold_lower": (lambda t: normalise.fold(t).lower(), pa.string(), "VARCHAR"),
    "imm_py_digits": (normalise.ascii_digits, pa.string(), "VARCHAR"),
    "imm_py_footnote": (normalise.has_footnote_mark, pa.bool_(), "BOOLEAN"),
}


def install_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Make the rule macros and their Python helpers available on ``con`` (temporary: never stored)."""
    present = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions() WHERE function_name "
                                         "LIKE 'imm_py_%'").fetchall()}
    for name, (fn, arrow_type, sql_type) in _PYTHON_RULES.items():
        if name not in present:
            con.create_function(name, _per_distinct(fn, arrow_type), ["VARCHAR"], sql_type, type="arrow",
                                side_effects=False)
    con.execute(SQL["rules"])


class _Scratch:
    """An in-memory connection for rules asked one cell at a time (shared by threads, one at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None

    def run(self, name: str, params: Mapping[str, object]) -> tuple[Any, ...]:
        with self._lock:
            if self._con is None:
                self._con = duckdb.connect()
                install_rules(self._con)
            return self._con.execute(SQL[name], params).fetchall()[0]


_SCRATCH = _Scratch()


@dataclass(frozen=True)
class Cell:
    """What the rules read in one cell: as a number (or why not), a year, an as-of date, a no-value marker."""

    number: float | None
    number_problem: str | None
    year: int | None
    as_of: Any
    no_value: bool


def cell(text: str) -> Cell:
    """The rules applied to one cell, exactly as an ingest applies them to a column."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (a URL parameter, never a file's cell) is no value at all
            return Cell(None, "not_number", None, None, False)
    return Cell(*_SCRATCH.run("one_cell", {"text": text, "no_value": sorted(normalise.NO_VALUE_MARKERS)}))


class Lines(Protocol):
    """A CSV DuckDB may split itself to the rows the Python reader would read (readers.CsvLines)."""

    path: Path
    delimiter: str
    lines: int  # the number of lines the file holds, to check DuckDB read them all
    folded: bool  # no whitespace and no text NFKC changes: every cell is stripped and folded as it is
    max_columns: int
    max_cell: int
    overlong_cell: str
    overlong_why: str


@dataclass(frozen=True)
class Spec:
    """What the rules need to know about a file: its header, its layout and the defaults for what it leaves out."""

    layout: str  # long | wide
    header: tuple[str, ...]
    roles: Mapping[str, int]  # column index (0-based) of each role the header names
    years: Mapping[int, int]  # wide: column index → year
    indicator_id: str | None
    source_id: str
    status: str
    scale: float  # the unit line's multiplier (万, 亿) for wide files
    value_kinds: Mapping[str, str]  # indicator id → value kind
    sources: frozenset[str]
    statuses: tuple[str, ...]
    illustrative: frozenset[str]
    max_raw: int


@dataclass(frozen=True)
class Issue:
    """One refused value of a rejected row, to be worded once however many rows share it."""

    role: str
    code: str
    text: str
    detail: str | None
    number: float | None


@dataclass(frozen=True)
class Outcome:
    read: int
    rejected: int
    skipped: Counter[str]


class Body:
    """The rows under one file's header, staged in ``ingest_body``, and their classification into records."""

    def __init__(self, con: duckdb.DuckDBPyConnection, note_prefixes: Sequence[str]) -> None:
        self.con = con
        self._note = {"note_pattern": "^(?:" + "|".join(map(re.escape, note_prefixes)) + ")",
                      "note_starts": "".join(sorted({p[0] for p in note_prefixes if p[0].isascii()}))}
        self._spec: Spec | None = None
        con.execute(SQL["body_create"])

    def append(self, batch: pa.Table) -> None:
        """Add rows (columns row_number, cells: list of text, problems: list of {col, why})."""
        self.con.register("ingest_batch", batch)
        try:
            self.con.execute(SQL["body_append"], self._note)
        finally:
            self.con.unregister("ingest_batch")

    @property
    def records_per_row(self) -> int:
        assert self._spec is not None
        return len(self._spec.years) if self._spec.layout == "wide" else 1

    def read_lines(self, source: Lines, header_row: int) -> int | None:
        """Let DuckDB read the lines of a CSV after row ``header_row``; the number of lines in the file, or None
        (nothing staged) when DuckDB's reading of the lines disagrees with the file."""
        self.con.execute(SQL["lines_read"], {"path": str(source.path)})
        (count,), = self.con.execute(SQL["lines_count"]).fetchall()
        if count != source.lines:
            self.con.execute(SQL["lines_drop"])
            return None
        self.con.execute(SQL["lines_body"], {
            "delimiter": source.delimiter, "header_row": header_row, "max_cell": source.max_cell,
            "max_columns": source.max_columns, "overlong_cell": source.overlong_cell,
            "overlong_why": source.overlong_why, "folded": source.folded, **self._note})
        self.con.execute(SQL["lines_drop"])
        return count

    def texts(self, col: int) -> list[tuple[str, int | None]]:
        """Distinct texts of column ``col`` in the rows to read, in the order they first appear, each with the
        first row holding it that has no reader problem (None: only such rows hold it)."""
        return self.con.execute(SQL["texts"], {"col": col + 1}).fetchall()

    def rows_with(self, col: int, texts: Sequence[str]) -> list[tuple[int, list[str]]]:
        if not texts:
            return []
        return self.con.execute(SQL["rows_with"], {"col": col + 1, "texts": list(texts)}).fetchall()

    def mark_repeated(self, rows: Sequence[int]) -> None:
        if rows:
            self.con.execute(SQL["mark_repeated"], {"rows": list(rows)})

    def classify(self, spec: Spec, regions: Mapping[str, str | None], indicators: Mapping[str, str | None]) -> Outcome:
        """Every record under the header becomes a candidate, a rejection or a skip (``ingest_records``)."""
        self._spec = spec
        self._table("ingest_regions", "regions_create", list(regions.items()))
        self._table("ingest_indicators", "indicators_create", list(indicators.items()))
        self._table("ingest_kinds", "kinds_create", list(spec.value_kinds.items()))
        common = {"indicator_id": spec.indicator_id, "source_id": spec.source_id, "status": spec.status,
                  "no_value": sorted(normalise.NO_VALUE_MARKERS)}
        if spec.layout == "long":
            roles = {f"col_{role}": spec.roles[role] + 1 if role in spec.roles else None
                     for role in ("indicator", "region", "year", "value", "breakdown", "source", "status", "as_of",
                                  "scope", "note")}
            self.con.execute(SQL["classify_long"], {
                **roles, **common, "header": list(spec.header), "sources": sorted(spec.sources),
                "statuses": list(spec.statuses), "illustrative": sorted(spec.illustrative)})
        else:
            names = [(col, year, spec.header[col]) for col, year in spec.years.items()]
            self._table("ingest_year_columns", "year_columns_create", names)
            assert spec.indicator_id is not None
            self.con.execute(SQL["classify_wide"], {
                **common, "region": spec.roles["region"] + 1, "year_cols": list(spec.years), "scale": spec.scale,
                "value_kind": spec.value_kinds.get(spec.indicator_id)})
        counts = dict(self.con.execute(SQL["outcomes"]).fetchall())
        rejected = counts.pop("rejected", 0)
        candidates = counts.pop("candidate", 0)
        return Outcome(read=rejected + candidates + sum(counts.values()), rejected=rejected, skipped=Counter(counts))

    def issues(self) -> list[Issue]:
        return [Issue(*r) for r in self.con.execute(SQL["issues"]).fetchall()]

    def word(self, messages: Iterable[tuple[Issue, str]]) -> None:
        """Give each rejected record its reason: the messages of its issues, in the order of the checks."""
        rows = [(i.role, i.code, i.text, i.detail, i.number, m) for i, m in messages]
        if not rows:
            return
        self._table("ingest_messages", "messages_create", rows)
        self.con.execute(SQL["reasons"])

    def warnings(self, limit: int) -> tuple[list[tuple[int, int, Any]], int]:
        """The first ``limit`` candidates whose as-of date lies more than a year from their year, and how many."""
        rows = self.con.execute(SQL["warnings"], {"limit": limit}).fetchall()
        (count,), = self.con.execute(SQL["warning_count"]).fetchall()
        return rows, count

    def stage(self) -> None:
        """Hand the records over to the staging tables: candidates as ``staged_candidates``, rejections (their
        raw text still to come, see ``fill_raw``) into ``staged_rejections``."""
        self.con.execute(SQL["stage_candidates"])
        self.con.execute(SQL["stage_rejections"])

    def fill_raw(self) -> None:
        """The raw text of every staged rejection, computed for the rejected rows alone."""
        assert self._spec is not None
        if self._spec.layout == "long":
            self.con.execute(SQL["raw_long"], {"max_raw": self._spec.max_raw})
        else:
            self.con.execute(SQL["raw_wide"], {"region": self._spec.roles["region"] + 1})

    def drop(self) -> None:
        self.con.execute(SQL["drop"])

    def _table(self, table: str, create: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Create ``table`` and fill it with ``rows`` (through Arrow: a dictionary may have a row per record)."""
        self.con.execute(SQL[create])
        if not rows:
            return
        names = [r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()]
        self.con.register("ingest_new_rows", pa.table(dict(zip(names, zip(*rows, strict=True), strict=True))))
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM ingest_new_rows")
        finally:
            self.con.unregister("ingest_new_rows")
