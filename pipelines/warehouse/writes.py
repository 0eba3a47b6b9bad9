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

OBS_KEY = ("indicator_id", "region_code", "year", "breakdown", "source_id")
OBS_ATTRS = ("value", "as_of", "status", "scope", "note")
OBS_COLUMNS = (*OBS_KEY, *OBS_ATTRS)


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
    def classify(self, incoming: pd.DataFrame) -> pd.Series:
        """Label each incoming row ``new``, ``same`` (identical to the warehouse) or ``changed``."""
        if incoming.empty:
            return pd.Series([], dtype="string")
        frame = incoming.loc[:, list(OBS_COLUMNS)].assign(_pos=range(len(incoming)))
        self.con.register("incoming", frame)
        try:
            labels = self.con.execute(f"""
                SELECT i._pos,
                       CASE WHEN o.indicator_id IS NULL THEN 'new'
                            WHEN {' AND '.join(f'i.{c} IS NOT DISTINCT FROM o.{c}' for c in OBS_ATTRS)} THEN 'same'
                            ELSE 'changed' END
                FROM incoming i
                LEFT JOIN observations o USING ({', '.join(OBS_KEY)})
                ORDER BY i._pos
            """).fetchall()
        finally:
            self.con.unregister("incoming")
        return pd.Series([label for _, label in labels], index=incoming.index, dtype="string")

    def merge(self, rows: pd.DataFrame, run_id: int) -> None:
        """Insert new rows; for changed keys move the old row to ``observation_revisions`` first."""
        if rows.empty:
            return
        frame = rows.loc[:, list(OBS_COLUMNS)]
        self.con.register("incoming", frame)
        key_match = " AND ".join(f"o.{c} = i.{c}" for c in OBS_KEY)
        try:
            self.con.execute(f"""
                INSERT INTO observation_revisions
                SELECT o.*, ? FROM observations o JOIN incoming i ON {key_match}
            """, [run_id])
            self.con.execute(f"""
                UPDATE observations o SET {', '.join(f'{c} = i.{c}' for c in OBS_ATTRS)}, run_id = ?
                FROM incoming i WHERE {key_match}
            """, [run_id])
            self.con.execute(f"""
                INSERT INTO observations ({', '.join(OBS_COLUMNS)}, run_id)
                SELECT {', '.join(f'i.{c}' for c in OBS_COLUMNS)}, ? FROM incoming i
                ANTI JOIN observations o ON {key_match}
            """, [run_id])
        finally:
            self.con.unregister("incoming")

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
