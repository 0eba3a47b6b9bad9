"""Read-only access for the dashboard, API and CLI: one shared connection, reopened when a new file is published."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.errors import WarehouseError
from pipelines.warehouse.connection import connect

if TYPE_CHECKING:
    from pipelines.slices import Slice


#: Columns of an exported slice, in order. Region names ride along so a CSV opened in Excel is readable;
#: ``unit`` because one slice may mix indicators measured in %, counts and persons.
SLICE_COLUMNS = (
    "indicator_id", "region_code", "region_name_zh", "region_name_en", "year", "breakdown", "value", "unit",
    "status", "as_of", "source_id", "scope", "note",
)
#: the tables a lake export copies whole beside the partitioned observations (the public contract, README)
LAKE_TABLES = ("indicators", "regions", "sources", "plans", "targets", "observation_revisions", "ingest_runs")


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal's body (COPY ... TO takes no bound parameter)."""
    return str(path).replace("'", "''")


# The one filter behind every slice query. Values are always bound ($name); NULL means "no restriction".
# list_contains on a bound list is pushed into the scan as an IN filter (checked with EXPLAIN on DuckDB 2.0).
_SLICE_WHERE = """
    ($indicators IS NULL OR list_contains($indicators, o.indicator_id))
    AND ($regions IS NULL OR list_contains($regions, o.region_code))
    AND ($year_from IS NULL OR o.year >= $year_from)
    AND ($year_to IS NULL OR o.year <= $year_to)
    AND ($statuses IS NULL OR list_contains($statuses, o.status))
"""
_SLICE_ROWS = """
    SELECT o.indicator_id, o.region_code, r.name_zh AS region_name_zh, r.name_en AS region_name_en, o.year,
           o.breakdown, o.value, i.unit, o.status, o.as_of, o.source_id, o.scope, o.note
    FROM observations o JOIN regions r USING (region_code) JOIN indicators i USING (indicator_id)
    WHERE""" + _SLICE_WHERE + """
    ORDER BY o.indicator_id, o.region_code, o.year, o.breakdown, o.source_id
"""


# One value per region and year (a map year, a board series): a real figure beats a generated one, then the
# latest as-of date. The year-step hot path runs this, so it has no second window.
_SERIES_FROM = """
    SELECT o.region_code, r.name_zh, r.short_zh, r.name_en, o.year, o.value, o.as_of, o.status,
           o.source_id, s.title AS source_title, o.scope, o.note
    FROM observations o
    JOIN regions r USING (region_code)
    JOIN sources s USING (source_id)
    WHERE o.indicator_id = $indicator AND o.breakdown = ''
      AND ($regions IS NULL OR list_contains($regions, o.region_code))
      AND ($year IS NULL OR o.year = $year)
      AND ($projected OR o.status <> 'projected')
      AND ($statuses IS NULL OR list_contains($statuses, o.status))
"""
_SERIES_ORDER = """
        ORDER BY o.status = 'illustrative', coalesce(o.as_of, make_date(o.year, 12, 31)) DESC,
                 o.status = 'estimated', o.source_id) = 1
"""
_SERIES_SORT = " ORDER BY o.region_code, o.year, coalesce(o.as_of, make_date(o.year, 12, 31))"
_SERIES = (_SERIES_FROM + "QUALIFY row_number() OVER (PARTITION BY o.region_code, o.year" + _SERIES_ORDER
           + _SERIES_SORT)
# One value per region, year and scope (trend segments); a region-year with any real figure drops its
# generated ones, whatever scope they carry.
_SERIES_BY_SCOPE = (_SERIES_FROM + "QUALIFY row_number() OVER (PARTITION BY o.region_code, o.year, "
                    "coalesce(o.scope, '')" + _SERIES_ORDER + """
        AND (o.status <> 'illustrative'
             OR bool_and(o.status = 'illustrative') OVER (PARTITION BY o.region_code, o.year))""" + _SERIES_SORT)


@dataclass(frozen=True)
class SliceFacts:
    """What an export's provenance says about its slice: size, indicators, sources and the build."""

    rows: int
    year_min: int | None
    year_max: int | None
    indicators: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    build: dict[str, Any]
    statuses: list[str] = field(default_factory=list)  # the statuses its rows carry


def _slice_params(s: Slice) -> dict[str, Any]:
    return {"indicators": list(s.indicators) or None, "regions": list(s.regions) or None,
            "year_from": s.year_from, "year_to": s.year_to, "statuses": list(s.statuses) or None}


class Warehouse:
    """A read-only view of the published warehouse file.

    Opening costs tens of milliseconds, so one connection is kept; each query checks the file's inode and
    mtime and reopens after a publish (``os.replace`` gives the new file a new inode). Queries run on a
    per-call cursor, so threads of a web server can share the object.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._active = 0  # queries running on cursors of the current connection
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None

    def _stat(self) -> tuple[int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise WarehouseError(
                f"{self.path}: no warehouse here; build it with `python -m pipelines build`"
            ) from None
        return st.st_ino, st.st_mtime_ns

    def _current(self) -> None:
        """Open the published file, or switch to a newly published one when no query is running (lock held).

        DuckDB caches one database instance per path, so the old connection must be closed before the new
        file can be seen. Closing would cut off queries and downloads still reading it, so the switch waits for
        a moment when none is running; until then readers keep the old file. Nobody blocks. The file is
        stat'ed again after opening: a publish in between would otherwise pair the new file with the old stamp.
        """
        stamp = self._stat()
        if self._con is not None and (stamp == self._stamp or self._active > 0):
            return
        if self._con is not None:
            self._con.close()
            self._con = None
        while True:
            con = connect(self.path, read_only=True)
            opened = self._stat()
            if opened == stamp:
                break
            con.close()
            stamp = opened
        self._con, self._stamp = con, stamp

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            self._current()
            self._active += 1
            return self._con.cursor()

    def _release(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.close()
        with self._lock:
            self._active -= 1

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = None

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        cur = self._cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            self._release(cur)

    @property
    def version(self) -> tuple[int, int]:
        """Identity (inode, mtime) of the file queries read now; changes when a new warehouse is published.

        Between two calls another thread may switch files; inside :meth:`pinned` it cannot, so use the
        pinned stamp where a cache key or an ETag must describe exactly what a response holds.
        """
        with self._lock:
            self._current()
            return self._stamp

    @contextlib.contextmanager
    def pinned(self) -> Iterator[tuple[int, int]]:
        """Every query inside the block reads one file, the one whose identity (inode, mtime) it yields."""
        cur = self._cursor()  # an active reader: the connection cannot switch until it is released
        try:
            yield self._stamp
        finally:
            self._release(cur)

    # -- catalogue ---------------------------------------------------------------------------------
    def indicators(self) -> pd.DataFrame:
        return self.query("SELECT * FROM indicators ORDER BY indicator_id")

    def regions(self) -> pd.DataFrame:
        return self.query("SELECT * FROM regions ORDER BY region_code")

    def sources(self) -> pd.DataFrame:
        return self.query("SELECT * FROM sources ORDER BY source_id")

    def targets(self) -> pd.DataFrame:
        """Targets with their plan's span and their source's title and locator, for boards and exports."""
        return self.query("""
            SELECT t.*, p.name_zh AS plan_name_zh, p.name_en AS plan_name_en, p.start_year AS plan_start_year,
                   s.title AS source_title, s.locator AS source_locator, s.published AS source_published
            FROM targets t JOIN plans p USING (plan_id) JOIN sources s ON s.source_id = t.source_id
            ORDER BY t.target_year, t.indicator_id, t.region_code
        """)

    # -- series for charts ---------------------------------------------------------------------------
    @staticmethod
    def _dates(df: pd.DataFrame, column: str) -> pd.DataFrame:
        """DATE columns as ``datetime.date`` or None: pandas would turn them into nanosecond timestamps."""
        df[column] = pd.Series([d.date() if pd.notna(d) else None for d in df[column]], index=df.index,
                               dtype=object)
        return df

    def series(self, indicator_id: str, region_codes: list[str] | None = None, *, year: int | None = None,
               include_projected: bool = False, by_scope: bool = False,
               statuses: Sequence[str] | None = None) -> pd.DataFrame:
        """One value per region and year of a plain (no-breakdown) series — per region, year and scope with
        ``by_scope`` — limited to ``statuses`` when given; forecasts only when asked.

        Where a year has several figures, a non-illustrative one beats an illustrative one (with ``by_scope``
        a region-year with any real figure drops its generated ones), then the latest ``as_of`` wins (no
        ``as_of`` means year-end), so a September figure yields to the year-end one.
        """
        params = {"indicator": indicator_id, "regions": region_codes, "year": year, "projected": include_projected,
                  "statuses": list(statuses) if statuses else None}
        return self._dates(self.query(_SERIES_BY_SCOPE if by_scope else _SERIES, params), "as_of")

    def measure_observations(self, indicator_id: str, region_code: str, breakdown: str = "") -> pd.DataFrame:
        """Every non-forecast observation of one measure in one region, across scopes and sources.

        Targets are judged on these (see ``dashboard.verdicts``), which must see every scope a series has
        been published under, not the one value per year that charts get from ``series``.
        """
        return self._dates(self.query("""
            SELECT o.year, o.value, o.as_of, o.status, o.scope, o.source_id, s.title AS source_title
            FROM observations o JOIN sources s USING (source_id)
            WHERE o.indicator_id = $indicator AND o.region_code = $region AND o.breakdown = $breakdown
              AND o.status <> 'projected'
            ORDER BY o.year, coalesce(o.as_of, make_date(o.year, 12, 31)), o.status, o.source_id
        """, {"indicator": indicator_id, "region": region_code, "breakdown": breakdown}), "as_of")

    def measure_is_published(self, indicator_id: str, breakdown: str = "", scope: str | None = None) -> bool:
        """Whether any region has a non-forecast observation of this measure (of ``scope``, when given)."""
        return bool(self.query("""
            SELECT count(*) > 0 AS any FROM observations
            WHERE indicator_id = $indicator AND breakdown = $breakdown AND status <> 'projected'
              AND ($scope IS NULL OR scope = $scope)
        """, {"indicator": indicator_id, "breakdown": breakdown, "scope": scope}).loc[0, "any"])

    def measure_observations_by_region(self, indicator_id: str, breakdown: str = "") -> pd.DataFrame:
        """``measure_observations`` for every region at once (plus ``region_code``): one query where a page
        judges one target for the nation and all 34 provinces (``dashboard.distance``)."""
        return self._dates(self.query("""
            SELECT o.region_code, o.year, o.value, o.as_of, o.status, o.scope, o.source_id,
                   s.title AS source_title
            FROM observations o JOIN sources s USING (source_id)
            WHERE o.indicator_id = $indicator AND o.breakdown = $breakdown AND o.status <> 'projected'
            ORDER BY o.region_code, o.year, coalesce(o.as_of, make_date(o.year, 12, 31)), o.status, o.source_id
        """, {"indicator": indicator_id, "breakdown": breakdown}), "as_of")

    def value_range(self, indicator_id: str, *, provinces_only: bool = True) -> tuple[float, float] | None:
        """Smallest and largest value of a plain series over all years: one colour scale for every year."""
        row = self.query("""
            SELECT min(value) AS lo, max(value) AS hi FROM observations
            WHERE indicator_id = $indicator AND breakdown = '' AND status <> 'projected'
              AND (NOT $prov OR region_code <> '100000')
        """, {"indicator": indicator_id, "prov": provinces_only})
        lo, hi = row.loc[0, "lo"], row.loc[0, "hi"]
        return None if pd.isna(lo) else (float(lo), float(hi))

    def input_checksums(self) -> dict[str, str]:
        """What the published warehouse was built from (path → sha256); empty if it records nothing."""
        info = self.query("SELECT map_keys(input_checksums) AS k, map_values(input_checksums) AS v FROM build_info")
        return {} if info.empty else dict(zip(info.loc[0, "k"], info.loc[0, "v"], strict=True))

    def indicators_with_data(self, *, provinces_only: bool = False) -> pd.DataFrame:
        """Indicators that have plain-series observations (at province level when asked), with their years."""
        return self.query("""
            SELECT i.indicator_id, i.name_zh, i.name_en, list(DISTINCT o.year ORDER BY o.year) AS years
            FROM indicators i JOIN observations o USING (indicator_id)
            WHERE o.breakdown = '' AND (NOT $prov OR o.region_code <> '100000')
            GROUP BY ALL ORDER BY i.indicator_id
        """, {"prov": provinces_only})

    def observation_years(self) -> list[int]:
        df = self.query("SELECT DISTINCT year FROM observations ORDER BY year")
        return [int(y) for y in df["year"]]

    # -- slices for the data page, the API and the CLI ------------------------------------------------
    def _arrow(self, sql: str, params: dict[str, Any]) -> pa.Table:
        cur = self._cursor()
        try:
            return cur.sql(sql, params=params).to_arrow_table()
        finally:
            self._release(cur)

    def slice_count(self, s: Slice) -> int:
        return int(self._arrow("SELECT count(*) AS n FROM observations o WHERE" + _SLICE_WHERE,
                               _slice_params(s))["n"][0].as_py())

    def slice_table(self, s: Slice, *, limit: int | None = None, offset: int = 0) -> pa.Table:
        """``limit`` rows of a slice from row ``offset`` (all without a limit), materialised: preview pages and
        small answers. The slice's order is total, so pages never overlap or skip a row."""
        return self._arrow(_SLICE_ROWS + " LIMIT $limit OFFSET $offset",
                           _slice_params(s) | {"limit": limit, "offset": max(0, int(offset))})

    @contextlib.contextmanager
    def slice_stream(self, s: Slice, *, batch_rows: int = 262_144) -> Iterator[pa.RecordBatchReader]:
        """Yield a reader over the slice in Arrow batches, never holding the whole slice in Python.

        A download that outlives a publish keeps reading the file it started on: the shared connection is
        not switched while it runs. Leaving the block (or a client going away mid-stream) ends the query.
        """
        cur = self._cursor()
        try:
            yield cur.sql(_SLICE_ROWS, params=_slice_params(s)).to_arrow_reader(batch_rows)
        finally:
            self._release(cur)

    def slice_facts(self, s: Slice) -> SliceFacts:
        """Row count, year span, the indicators asked for (or present) and the sources cited by the rows."""
        params = _slice_params(s)
        summary = self._arrow("""
            SELECT count(*)::BIGINT AS n, min(o.year) AS year_min, max(o.year) AS year_max,
                   coalesce(list(DISTINCT o.indicator_id ORDER BY o.indicator_id), []) AS indicator_ids,
                   coalesce(list(DISTINCT o.source_id ORDER BY o.source_id), []) AS source_ids,
                   coalesce(list(DISTINCT o.status ORDER BY o.status), []) AS statuses
            FROM observations o WHERE""" + _SLICE_WHERE, params).to_pylist()[0]
        indicators = self._arrow("""
            SELECT indicator_id, name_zh, name_en, unit, value_kind, definition, scope FROM indicators
            WHERE list_contains($ids, indicator_id) ORDER BY indicator_id
        """, {"ids": params["indicators"] or summary["indicator_ids"]}).to_pylist()
        sources = self._arrow("""
            SELECT source_id, title, publisher, published, locator, url, kind FROM sources
            WHERE list_contains($ids, source_id) ORDER BY source_id
        """, {"ids": summary["source_ids"]}).to_pylist()
        build = self._arrow("""
            SELECT strftime(timezone('UTC', built_at), '%Y-%m-%dT%H:%M:%SZ') AS built_at, code_version,
                   duckdb_version, schema_version
            FROM build_info
        """, {}).to_pylist()
        return SliceFacts(summary["n"], summary["year_min"], summary["year_max"], indicators, sources,
                          build[0] if build else {}, summary["statuses"])

    # -- lake export -------------------------------------------------------------------------------
    def copy_lake(self, out: Path) -> dict[str, Any]:
        """Write every public table under ``out`` as Parquet, observations hive-partitioned by indicator and
        year, all from one snapshot of the file; returns the build facts the manifest records.

        The partition columns live in the directory names (``indicator_id=cnc_rate/year=2020``), as Spark,
        Trino and DuckDB's ``hive_partitioning`` expect; rows inside a file are in key order.
        """
        cur = self._cursor()
        try:
            cur.execute("BEGIN TRANSACTION")  # one snapshot for every table, even if a writer appends meanwhile
            for table in LAKE_TABLES:
                target = out / f"{table}.parquet"
                cur.execute(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{_sql_path(target)}' "
                            "(FORMAT parquet, COMPRESSION zstd)")
            cur.execute(f"""
                COPY (SELECT * FROM observations ORDER BY indicator_id, year, region_code, breakdown, source_id)
                TO '{_sql_path(out / "observations")}'
                (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (indicator_id, year), FILENAME_PATTERN 'part-{{i}}')
            """)
            counts = {t: int(cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
                      for t in (*LAKE_TABLES, "observations")}
            build = cur.execute("""
                SELECT strftime(timezone('UTC', built_at), '%Y-%m-%dT%H:%M:%SZ'), code_version, duckdb_version,
                       schema_version FROM build_info
            """).fetchall()
            cur.execute("COMMIT")
        finally:
            self._release(cur)
        built = dict(zip(("built_at", "code_version", "duckdb_version", "schema_version"), build[0], strict=True)) \
            if build else {}
        return {"rows": counts, "warehouse": built}

    # -- sources & methodology, data quality -------------------------------------------------------
    def catalogue(self) -> pd.DataFrame:
        """Indicators in the order ``config/indicators.yaml`` lists them (the order the build inserted them)."""
        return self.query("SELECT * FROM indicators ORDER BY rowid")

    def indicator_sources(self) -> pd.DataFrame:
        """Per indicator, every source that defines it (``defines``, in catalogue order) or that its observations
        cite (``n_values`` of them, oldest source first), with the source's citation fields."""
        return self.query("""
            WITH defining AS (
                SELECT indicator_id, unnest(source_ids) AS source_id, generate_subscripts(source_ids, 1) AS pos
                FROM indicators
            ), citing AS (
                SELECT indicator_id, source_id, count(*) AS n_values FROM observations GROUP BY ALL
            )
            SELECT indicator_id, source_id, d.pos IS NOT NULL AS defines, coalesce(c.n_values, 0) AS n_values,
                   s.title, s.publisher, s.published, s.locator, s.url, s.kind
            FROM defining d FULL JOIN citing c USING (indicator_id, source_id) JOIN sources s USING (source_id)
            ORDER BY indicator_id, d.pos NULLS LAST, s.published NULLS LAST, source_id
        """)

    def plans(self) -> pd.DataFrame:
        """Plans with their document's citation and how many targets each sets."""
        return self.query("""
            SELECT p.*, s.title AS source_title, s.locator AS source_locator, s.url AS source_url,
                   (SELECT count(*) FROM targets t WHERE t.plan_id = p.plan_id) AS n_targets
            FROM plans p JOIN sources s USING (source_id)
            ORDER BY p.start_year, p.end_year, p.plan_id
        """)

    def coverage(self, indicator_id: str) -> pd.DataFrame:
        """What one indicator's plain series (breakdown ``''``) holds per region and year: the status that
        describes the cell (reported, else estimated, else projected, else illustrative: a real value wins),
        every status present and how many rows. Region-years with no row are absent."""
        return self.query("""
            SELECT region_code, year,
                   arg_min(status, CASE status WHEN 'reported' THEN 0 WHEN 'estimated' THEN 1
                                               WHEN 'projected' THEN 2 ELSE 3 END) AS status,
                   list(DISTINCT status ORDER BY status) AS statuses, count(*) AS n_rows
            FROM observations
            WHERE indicator_id = $indicator AND breakdown = ''
            GROUP BY region_code, year
            ORDER BY region_code, year
        """, {"indicator": indicator_id})

    def status_counts(self) -> dict[str, int]:
        """How many observations the warehouse holds with each status (statuses it holds none of are absent)."""
        df = self.query("SELECT status, count(*) AS n FROM observations GROUP BY status ORDER BY status")
        return {str(s): int(n) for s, n in zip(df["status"], df["n"], strict=True)}

    def ingest_runs(self) -> pd.DataFrame:
        """Every ingest run, newest first; ``finished_utc`` is its finish time as UTC text."""
        return self.query("""
            SELECT run_id, command, file_name, file_format, encoding, layout, indicator_id, source_id, status,
                   rows_read, rows_loaded, rows_revised, rows_rejected, rows_skipped, outcome,
                   strftime(timezone('UTC', finished_at), '%Y-%m-%d %H:%M:%S') AS finished_utc
            FROM ingest_runs ORDER BY run_id DESC
        """)

    def rejected_rows(self, *, limit: int | None = None) -> pd.DataFrame:
        """Rejected rows with their run's file name, newest run first and in file order; the first ``limit``."""
        return self.query("""
            SELECT r.run_id, i.file_name, r.row_number, r.column_name, r.raw, r.reason
            FROM rejected_rows r JOIN ingest_runs i USING (run_id)
            ORDER BY r.run_id DESC, r.row_number, r.column_name NULLS FIRST
            LIMIT $limit
        """, {"limit": limit})

    def rejected_count(self) -> int:
        return int(self.query("SELECT count(*) AS n FROM rejected_rows").loc[0, "n"])

    # -- province profiles ----------------------------------------------------------------------------
    def region_indicators(self, region_code: str) -> pd.DataFrame:
        """Indicators whose plain series (breakdown ``''``) has observations for one region: how many are real
        (reported or estimated), generated (illustrative) and forecast (projected), and their years."""
        return self.query("""
            SELECT o.indicator_id,
                   count(*) FILTER (WHERE o.status IN ('reported', 'estimated')) AS n_real,
                   count(*) FILTER (WHERE o.status = 'illustrative') AS n_illustrative,
                   count(*) FILTER (WHERE o.status = 'projected') AS n_projected,
                   list(DISTINCT o.year ORDER BY o.year) AS years
            FROM observations o
            WHERE o.region_code = $region AND o.breakdown = ''
            GROUP BY o.indicator_id ORDER BY o.indicator_id
        """, {"region": region_code})
