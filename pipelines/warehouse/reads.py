"""Read-only access for the dashboard, API and CLI: one shared connection, reopened when a new file is published."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.errors import WarehouseError
from pipelines.warehouse.connection import connect

PUBLIC_TABLES = (
    "indicators", "regions", "sources", "plans", "targets", "observations", "observation_revisions",
    "ingest_runs", "rejected_rows", "build_info",
)


class Warehouse:
    """A read-only view of the published warehouse file.

    Opening costs tens of milliseconds, so one connection is kept; each query checks the file's inode and
    mtime and reopens after a publish (``os.replace`` gives the new file a new inode). Queries run on a
    per-call cursor, so threads of a web server can share the object.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
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

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            stamp = self._stat()
            if self._con is None or stamp != self._stamp:
                if self._con is not None:
                    self._con.close()
                self._con, self._stamp = connect(self.path, read_only=True), stamp
            return self._con.cursor()

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
            cur.close()

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever a new warehouse is published; use it as a cache key."""
        return self._stat()

    def table(self, name: str) -> pd.DataFrame:
        if name not in PUBLIC_TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {PUBLIC_TABLES}")
        return self.query(f"SELECT * FROM {name}")

    # -- catalogue ---------------------------------------------------------------------------------
    def indicators(self) -> pd.DataFrame:
        return self.query("SELECT * FROM indicators ORDER BY indicator_id")

    def regions(self) -> pd.DataFrame:
        return self.query("SELECT * FROM regions ORDER BY region_code")

    def sources(self) -> pd.DataFrame:
        return self.query("SELECT * FROM sources ORDER BY source_id")

    def plans(self) -> pd.DataFrame:
        return self.query("SELECT * FROM plans ORDER BY end_year, plan_id")

    def targets(self) -> pd.DataFrame:
        """Targets with their plan's span and their source's title and locator, for boards and exports."""
        return self.query("""
            SELECT t.*, p.name_zh AS plan_name_zh, p.name_en AS plan_name_en, p.start_year AS plan_start_year,
                   s.title AS source_title, s.locator AS source_locator, s.published AS source_published
            FROM targets t JOIN plans p USING (plan_id) JOIN sources s ON s.source_id = t.source_id
            ORDER BY t.target_year, t.indicator_id, t.region_code
        """)

    def build_info(self) -> pd.DataFrame:
        return self.query("SELECT built_at, code_version, duckdb_version, schema_version FROM build_info")

    # -- series for charts ---------------------------------------------------------------------------
    @staticmethod
    def _dates(df: pd.DataFrame, column: str) -> pd.DataFrame:
        """DATE columns as ``datetime.date`` or None: pandas would turn them into nanosecond timestamps."""
        df[column] = pd.Series([d.date() if pd.notna(d) else None for d in df[column]], index=df.index,
                               dtype=object)
        return df

    def series(self, indicator_id: str, region_codes: list[str] | None = None, *, year: int | None = None,
               include_illustrative: bool = True) -> pd.DataFrame:
        """One value per region and year of a plain (no-breakdown) series.

        Where a year has several figures, a non-illustrative one beats an illustrative one, then the latest
        ``as_of`` wins (no ``as_of`` means year-end), so a September figure yields to the year-end one.
        """
        return self._dates(self.query("""
            SELECT o.region_code, r.name_zh, r.short_zh, r.name_en, o.year, o.value, o.as_of, o.status,
                   o.source_id, s.title AS source_title, s.locator AS source_locator, s.kind AS source_kind,
                   o.scope, o.note
            FROM observations o
            JOIN regions r USING (region_code)
            JOIN sources s USING (source_id)
            WHERE o.indicator_id = $indicator AND o.breakdown = ''
              AND ($regions IS NULL OR list_contains($regions, o.region_code))
              AND ($year IS NULL OR o.year = $year)
              AND ($illustrative OR o.status <> 'illustrative')
            QUALIFY row_number() OVER (
                PARTITION BY o.region_code, o.year
                ORDER BY o.status = 'illustrative', coalesce(o.as_of, make_date(o.year, 12, 31)) DESC,
                         o.status = 'estimated', o.source_id) = 1
            ORDER BY o.region_code, o.year
        """, {"indicator": indicator_id, "regions": region_codes, "year": year,
              "illustrative": include_illustrative}), "as_of")

    def years(self, indicator_id: str, *, provinces_only: bool = False) -> list[int]:
        df = self.query("""
            SELECT DISTINCT year FROM observations
            WHERE indicator_id = $indicator AND breakdown = '' AND (NOT $prov OR region_code <> '100000')
            ORDER BY year
        """, {"indicator": indicator_id, "prov": provinces_only})
        return [int(y) for y in df["year"]]
