"""Every statement that changes the warehouse: catalogue tables, runs, rejections, observation merges."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from pipelines.catalogue import Catalogue, Indicator, Region, Source
from pipelines.warehouse.connection import SCHEMA_VERSION
from pipelines.warehouse.staging import OBS_COLUMNS, Staging, merge

__all__ = ["OBS_COLUMNS", "RunRecord", "Staging", "Writer"]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Any]) -> None:
    """Insert dataclass records into the table of the same column names, with bound parameters only."""
    if not rows:
        return
    names = [f.name for f in dataclasses.fields(rows[0])]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    con.executemany(sql, [[getattr(r, n) for n in names] for r in rows])


@dataclasses.dataclass(frozen=True)
class RunRecord:
    command: str
    started_at: dt.datetime
    finished_at: dt.datetime
    file_name: str
    sha256: str
    file_format: str
    encoding: str | None
    layout: str
    indicator_id: str | None
    source_id: str | None
    status: str
    rows_read: int
    rows_loaded: int
    rows_revised: int
    rows_rejected: int
    rows_skipped: int
    outcome: str


class Writer:
    """Wraps a connection to a staged (unpublished) copy of the warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    # -- catalogue ---------------------------------------------------------------------------------
    def load_catalogue(self, cat: Catalogue) -> None:
        _insert(self.con, "sources", cat.sources)
        _insert(self.con, "regions", cat.regions)
        _insert(self.con, "indicators", cat.indicators)
        _insert(self.con, "plans", cat.plans)
        _insert(self.con, "targets", cat.targets)

    def indicators(self) -> dict[str, Indicator]:
        names = [f.name for f in dataclasses.fields(Indicator)]
        rows = self.con.execute(f"SELECT {', '.join(names)} FROM indicators").fetchall()
        return {r[0]: Indicator(**dict(zip(names, r, strict=True))) for r in rows}

    def regions(self) -> list[Region]:
        names = [f.name for f in dataclasses.fields(Region)]
        rows = self.con.execute(f"SELECT {', '.join(names)} FROM regions").fetchall()
        return [Region(**dict(zip(names, r, strict=True))) for r in rows]

    def source_ids(self, *, kind: str | None = None) -> frozenset[str]:
        rows = self.con.execute("SELECT source_id FROM sources WHERE $kind IS NULL OR kind = $kind",
                                {"kind": kind}).fetchall()
        return frozenset(r[0] for r in rows)

    def ensure_source(self, source: Source) -> None:
        exists = self.con.execute("SELECT count(*) FROM sources WHERE source_id = ?", [source.source_id]).fetchall()
        if not exists[0][0]:
            _insert(self.con, "sources", [source])

    # -- observations -------------------------------------------------------------------------------
    def merge(self, rows: pd.DataFrame, run_id: int) -> None:
        """Insert new rows; for changed keys move the old row to ``observation_revisions`` first."""
        if rows.empty:
            return
        self.con.register("incoming", rows.loc[:, list(OBS_COLUMNS)])
        try:
            merge(self.con, "incoming", run_id)
        finally:
            self.con.unregister("incoming")

    def staging(self) -> Staging:
        """A fresh staging area for one file's rows (see ``Staging``)."""
        return Staging(self.con)

    def rejections_of(self, run_id: int, limit: int) -> list[tuple[int, str | None, str, str]]:
        """The first ``limit`` rejections of a run, in row order: (row_number, column_name, raw, reason)."""
        return self.con.execute("""
            SELECT row_number, column_name, raw, reason FROM rejected_rows WHERE run_id = ?
            ORDER BY row_number, rowid LIMIT ?""", [run_id, limit]).fetchall()

    # -- runs ---------------------------------------------------------------------------------------
    def insert_run(self, run: RunRecord) -> int:
        _insert(self.con, "ingest_runs", [run])
        return self.con.execute("SELECT max(run_id) FROM ingest_runs").fetchall()[0][0]

    def insert_rejections(self, run_id: int, rejections: Sequence[Any]) -> None:
        if not rejections:
            return
        self.con.executemany(
            "INSERT INTO rejected_rows (run_id, row_number, column_name, raw, reason) VALUES (?, ?, ?, ?, ?)",
            [[run_id, r.row_number, r.column, r.raw, r.reason] for r in rejections],
        )

    def write_build_info(self, code_version: str, checksums: dict[str, str]) -> None:
        self.con.execute("DELETE FROM build_info")
        self.con.execute(
            "INSERT INTO build_info VALUES (now(), ?, ?, ?, MAP(?::VARCHAR[], ?::VARCHAR[]))",
            [code_version, duckdb.__version__, SCHEMA_VERSION, list(checksums), list(checksums.values())],
        )

    # -- checks before publishing ------------------------------------------------------------------
    def failed_checks(self) -> list[str]:
        """Data checks as queries returning the failing rows; an empty list means publishable."""
        checks = {
            "share outside 0–100": """
                SELECT o.indicator_id, o.region_code, o.year, o.value FROM observations o
                JOIN indicators i USING (indicator_id)
                WHERE i.value_kind = 'share' AND NOT o.value BETWEEN 0 AND 100""",
            "negative count": """
                SELECT o.indicator_id, o.region_code, o.year, o.value FROM observations o
                JOIN indicators i USING (indicator_id)
                WHERE i.value_kind IN ('count', 'persons', 'index') AND o.value < 0""",
            "illustrative row citing a non-illustrative source": """
                SELECT o.indicator_id, o.region_code, o.year, o.source_id FROM observations o
                JOIN sources s USING (source_id)
                WHERE o.status = 'illustrative' AND s.kind NOT IN ('illustrative', 'user_file')""",
            "generated value not marked illustrative": """
                SELECT o.indicator_id, o.region_code, o.year, o.source_id FROM observations o
                JOIN sources s USING (source_id)
                WHERE s.kind = 'illustrative' AND o.status <> 'illustrative'""",
            "indicator citing an unknown source": """
                SELECT indicator_id, unnest(source_ids) AS source_id FROM indicators
                EXCEPT SELECT indicator_id, source_id FROM indicators, sources
                WHERE list_contains(source_ids, source_id)""",
            "run whose counts do not add up": """
                SELECT run_id FROM ingest_runs r
                WHERE rows_rejected <> (SELECT count(*) FROM rejected_rows j WHERE j.run_id = r.run_id)""",
        }
        failures = []
        for name, sql in checks.items():
            rows = self.con.execute(sql).fetchall()
            if rows:
                failures.append(f"{name}: {len(rows)} row(s), e.g. {rows[0]}")
        return failures
