"""Every statement that changes the warehouse: catalogue tables, runs, rejections, observation merges."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.catalogue import Catalogue, Indicator, Region, Source
from pipelines.warehouse.connection import SCHEMA_VERSION

OBS_KEY = ("indicator_id", "region_code", "year", "breakdown", "source_id")
OBS_ATTRS = ("value", "as_of", "status", "scope", "note")
OBS_COLUMNS = (*OBS_KEY, *OBS_ATTRS)
MAX_LISTED_ROWS = 10  # row numbers named in one "conflicting values" reason; the rest are counted
MERGE_SLICE_ROWS = 200_000  # new observations inserted per statement

_STAGED_SCHEMA = pa.schema([
    ("pos", pa.int64()), ("row_number", pa.int64()), ("column_name", pa.string()), ("raw", pa.string()),
    ("indicator_id", pa.string()), ("region_code", pa.string()), ("year", pa.int32()), ("breakdown", pa.string()),
    ("source_id", pa.string()), ("value", pa.float64()), ("as_of", pa.date32()), ("status", pa.string()),
    ("scope", pa.string()), ("note", pa.string()),
])
_REJECTION_SCHEMA = pa.schema([
    ("pos", pa.int64()), ("row_number", pa.int64()), ("column_name", pa.string()), ("raw", pa.string()),
    ("reason", pa.string()),
])
_KEY = ", ".join(OBS_KEY)
_SAME = " AND ".join(f"i.{c} IS NOT DISTINCT FROM o.{c}" for c in OBS_ATTRS)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Any]) -> None:
    """Insert dataclass records into the table of the same column names, with bound parameters only."""
    if not rows:
        return
    names = [f.name for f in dataclasses.fields(rows[0])]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    con.executemany(sql, [[getattr(r, n) for n in names] for r in rows])


@dataclasses.dataclass(frozen=True)
class Settled:
    """How the staged candidates of one file divide: every candidate is exactly one of these."""

    duplicates: int  # exact repeats of an earlier row's key and values (skipped)
    conflicts: int  # rows of a key given different values (rejected, every one of them)
    new: int
    changed: int  # replace the warehouse's value (loaded; the old row moves to observation_revisions)
    same: int  # identical to the warehouse (skipped)


class Staging:
    """Where one ingest's candidates and rejections wait, in temporary tables, until the run is committed.

    Batches arrive as the file streams (the parser's ``Sink``), so Python never holds the whole file; duplicate
    keys and the comparison with the warehouse are settled in SQL, in time linear in the rows.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._positions = 0
        con.execute(f"CREATE OR REPLACE TEMP TABLE staged_candidates ({_columns_sql(_STAGED_SCHEMA)})")
        con.execute(f"CREATE OR REPLACE TEMP TABLE staged_rejections ({_columns_sql(_REJECTION_SCHEMA)})")

    def _next(self, n: int) -> pa.Array:
        start, self._positions = self._positions, self._positions + n
        return pa.array(range(start, start + n), pa.int64())

    def candidates(self, batch: Sequence[Any]) -> None:
        if not batch:
            return
        columns = {name: [getattr(c, name) for c in batch] for name in (*OBS_COLUMNS, "row_number", "raw")}
        columns["column_name"] = [c.column for c in batch]
        columns["pos"] = self._next(len(batch))
        self._append("staged_candidates", pa.table(columns, schema=_STAGED_SCHEMA))

    def rejections(self, batch: Sequence[Any]) -> None:
        if not batch:
            return
        table = pa.table({"pos": self._next(len(batch)), "row_number": [r.row_number for r in batch],
                          "column_name": [r.column for r in batch], "raw": [r.raw for r in batch],
                          "reason": [r.reason for r in batch]}, schema=_REJECTION_SCHEMA)
        self._append("staged_rejections", table)

    def _append(self, target: str, table: pa.Table) -> None:
        self.con.register("staged_batch", table)
        try:
            self.con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM staged_batch")
        finally:
            self.con.unregister("staged_batch")

    def settle(self) -> Settled:
        """Settle duplicate keys (exact repeats skipped; a key given two values rejected in every row) and
        label each remaining candidate against the warehouse."""
        # One pass over the candidates: a key's values differ when their hashes do (hash is NULL-safe);
        # only the keys in conflict are then gone over again, to list their rows.
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE staged_keys AS
            SELECT {_KEY}, count(*) AS n, min(pos) AS first_pos, min(h) <> max(h) AS conflict
            FROM (SELECT {_KEY}, pos, hash({', '.join(OBS_ATTRS)}) AS h FROM staged_candidates)
            GROUP BY {_KEY}""")
        self.con.execute(f"""
            INSERT INTO staged_rejections
            WITH bad AS (
                SELECT c.pos, c.row_number, c.column_name, c.raw, {', '.join(f'c.{k}' for k in OBS_KEY)}, k.n,
                       row_number() OVER (PARTITION BY {', '.join(f'c.{k}' for k in OBS_KEY)} ORDER BY c.pos) AS i
                FROM staged_candidates c JOIN staged_keys k USING ({_KEY}) WHERE k.conflict),
            listed AS (
                SELECT {_KEY}, string_agg(CAST(row_number AS VARCHAR), ', ' ORDER BY pos) AS rows_listed
                FROM bad WHERE i <= {MAX_LISTED_ROWS} GROUP BY {_KEY})
            SELECT b.pos, b.row_number, coalesce(b.column_name, 'value'), b.raw,
                   'conflicting values for ' || b.indicator_id || '/' || b.region_code || '/'
                   || CAST(b.year AS VARCHAR) || ' in rows ' || l.rows_listed
                   || CASE WHEN b.n > {MAX_LISTED_ROWS} THEN ' and ' || CAST(b.n - {MAX_LISTED_ROWS} AS VARCHAR)
                           || ' more' ELSE '' END
            FROM bad b JOIN listed l USING ({_KEY})""")
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE staged_incoming AS
            SELECT i.pos, {', '.join(f'i.{c}' for c in OBS_COLUMNS)},
                   CASE WHEN o.indicator_id IS NULL THEN 'new' WHEN {_SAME} THEN 'same' ELSE 'changed' END AS label
            FROM (SELECT * FROM staged_candidates
                  WHERE pos IN (SELECT first_pos FROM staged_keys WHERE NOT conflict)) i
            LEFT JOIN observations o USING ({_KEY})""")
        self.con.execute("DROP TABLE staged_candidates")
        (duplicates, conflicts), = self.con.execute("""
            SELECT coalesce(sum(n - 1) FILTER (WHERE NOT conflict), 0),
                   coalesce(sum(n) FILTER (WHERE conflict), 0) FROM staged_keys""").fetchall()
        counts = dict(self.con.execute("SELECT label, count(*) FROM staged_incoming GROUP BY label").fetchall())
        return Settled(int(duplicates), int(conflicts), counts.get("new", 0), counts.get("changed", 0),
                       counts.get("same", 0))

    def loads_source(self, source_id: str) -> bool:
        """Whether a row to be loaded cites ``source_id`` (the file's own source then has to exist)."""
        return bool(self.con.execute(
            "SELECT count(*) FROM staged_incoming WHERE label <> 'same' AND source_id = ?", [source_id],
        ).fetchall()[0][0])

    def commit(self, run_id: int) -> None:
        """Record the rejections under ``run_id``, revise the changed rows and insert the new ones.

        New rows go in slices of MERGE_SLICE_ROWS, each its own statement, so the memory a commit needs (the
        key index grows with it) stays bounded; the copy is private, so a failure part-way publishes nothing.
        """
        self.con.execute("""
            INSERT INTO rejected_rows (run_id, row_number, column_name, raw, reason)
            SELECT ?, row_number, column_name, raw, reason FROM staged_rejections ORDER BY row_number, pos""",
                         [run_id])
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW staged_changed AS SELECT {', '.join(OBS_COLUMNS)} "
                         "FROM staged_incoming WHERE label = 'changed'")
        _merge(self.con, "staged_changed", run_id)
        (low, high), = self.con.execute(
            "SELECT min(pos), max(pos) FROM staged_incoming WHERE label = 'new'").fetchall()
        for start in range(low or 0, (high if high is not None else -1) + 1, MERGE_SLICE_ROWS):
            self.con.execute(f"""
                INSERT INTO observations ({', '.join(OBS_COLUMNS)}, run_id)
                SELECT {', '.join(OBS_COLUMNS)}, ? FROM staged_incoming
                WHERE label = 'new' AND pos >= ? AND pos < ? ORDER BY pos""",
                             [run_id, start, start + MERGE_SLICE_ROWS])
        for name in ("VIEW staged_changed", "TABLE staged_incoming", "TABLE staged_keys", "TABLE staged_rejections"):
            self.con.execute(f"DROP {name}")


def _columns_sql(schema: pa.Schema) -> str:
    types = {pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.string(): "VARCHAR", pa.float64(): "DOUBLE",
             pa.date32(): "DATE"}
    return ", ".join(f"{f.name} {types[f.type]}" for f in schema)


def _merge(con: duckdb.DuckDBPyConnection, relation: str, run_id: int) -> None:
    """Insert the rows of ``relation``; for keys already present move the old row to revisions first."""
    key_match = " AND ".join(f"o.{c} = i.{c}" for c in OBS_KEY)
    con.execute(f"""
        INSERT INTO observation_revisions
        SELECT o.*, ? FROM observations o JOIN {relation} i ON {key_match}
    """, [run_id])
    con.execute(f"""
        UPDATE observations o SET {', '.join(f'{c} = i.{c}' for c in OBS_ATTRS)}, run_id = ?
        FROM {relation} i WHERE {key_match}
    """, [run_id])
    con.execute(f"""
        INSERT INTO observations ({', '.join(OBS_COLUMNS)}, run_id)
        SELECT {', '.join(f'i.{c}' for c in OBS_COLUMNS)}, ? FROM {relation} i
        ANTI JOIN observations o ON {key_match}
    """, [run_id])


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
            _merge(self.con, "incoming", run_id)
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
