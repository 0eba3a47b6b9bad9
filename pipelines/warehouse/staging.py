"""One file's way into the warehouse: its rows judged (validate.Body), duplicate keys settled, then committed.

Everything waits in temporary tables of the writer's private copy, so Python never holds the whole file and a
failure part-way publishes nothing; duplicate keys and the comparison with the warehouse are settled in SQL, in
time linear in the rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import duckdb

from pipelines.warehouse.validate import STRIDE, Body, install_rules

OBS_KEY = ("indicator_id", "region_code", "year", "breakdown", "source_id")
OBS_ATTRS = ("value", "as_of", "status", "scope", "note")
OBS_COLUMNS = (*OBS_KEY, *OBS_ATTRS)
MAX_LISTED_ROWS = 10  # row numbers named in one "conflicting values" reason; the rest are counted
MERGE_SLICE_ROWS = 200_000  # new observations inserted per statement

_KEY = ", ".join(OBS_KEY)
_SAME = " AND ".join(f"i.{c} IS NOT DISTINCT FROM o.{c}" for c in OBS_ATTRS)


@dataclasses.dataclass(frozen=True)
class Settled:
    """How the staged candidates of one file divide: every candidate is exactly one of these."""

    duplicates: int  # exact repeats of an earlier row's key and values (skipped)
    conflicts: int  # rows of a key given different values (rejected, every one of them)
    new: int
    changed: int  # replace the warehouse's value (loaded; the old row moves to observation_revisions)
    same: int  # identical to the warehouse (skipped)


class Staging:
    """Where one ingest's candidates and rejections wait until the run is committed (``staged_candidates``, a
    view of the judged records, and ``staged_rejections``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._body: Body | None = None
        install_rules(con)
        con.execute("""CREATE OR REPLACE TEMP TABLE staged_rejections (
            pos BIGINT, row_number BIGINT, column_name VARCHAR, raw VARCHAR, reason VARCHAR)""")

    @classmethod
    def scratch(cls) -> Staging:
        """A staging area of its own, in memory (a parse with no warehouse behind it)."""
        return cls(duckdb.connect())

    def close(self) -> None:
        self.con.close()

    def body(self, note_prefixes: Sequence[str]) -> Body:
        """The table the file's rows go into (see ``validate.Body``)."""
        self._body = Body(self.con, note_prefixes)
        return self._body

    def candidate_rows(self) -> list[tuple[Any, ...]]:
        return self.con.execute(f"""
            SELECT row_number, column_name, {', '.join(OBS_COLUMNS)} FROM staged_candidates ORDER BY pos
        """).fetchall()

    def rejection_rows(self) -> list[tuple[Any, ...]]:
        return self.con.execute("""
            SELECT row_number, column_name, raw, reason FROM staged_rejections ORDER BY row_number, pos
        """).fetchall()

    def settle(self) -> Settled:
        """Settle duplicate keys (exact repeats skipped; a key given two values rejected in every row) and
        label each remaining candidate new, changed or same against the warehouse."""
        assert self._body is not None
        # One pass over the candidates: a key's values differ when their hashes do (hash is NULL-safe);
        # only the keys in conflict are then gone over again, to list their rows.
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE staged_keys AS
            SELECT {_KEY}, count(*) AS n, min(pos) AS first_pos, min(h) <> max(h) AS conflict
            FROM (SELECT {_KEY}, pos, hash({', '.join(OBS_ATTRS)}) AS h FROM staged_candidates)
            GROUP BY {_KEY}""")
        (duplicates, conflicts), = self.con.execute("""
            SELECT coalesce(sum(n - 1) FILTER (WHERE NOT conflict), 0),
                   coalesce(sum(n) FILTER (WHERE conflict), 0) FROM staged_keys""").fetchall()
        if conflicts:
            self._list_conflicts()
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE staged_incoming AS
            SELECT i.pos, i.row_number, {', '.join(f'i.{c}' for c in OBS_COLUMNS)},
                   CASE WHEN o.indicator_id IS NULL THEN 'new' WHEN {_SAME} THEN 'same' ELSE 'changed' END AS label
            FROM (SELECT * FROM staged_candidates
                  WHERE pos IN (SELECT first_pos FROM staged_keys WHERE NOT conflict)) i
            LEFT JOIN observations o USING ({_KEY})""")
        self.con.execute("DROP TABLE staged_keys")
        self._body.fill_raw()
        self._body.drop()
        counts = dict(self.con.execute("SELECT label, count(*) FROM staged_incoming GROUP BY label").fetchall())
        return Settled(int(duplicates), int(conflicts), counts.get("new", 0), counts.get("changed", 0),
                       counts.get("same", 0))

    def _list_conflicts(self) -> None:
        """Reject every row of a key given different values, naming the first MAX_LISTED_ROWS rows."""
        self.con.execute(f"""
            INSERT INTO staged_rejections
            WITH bad AS (
                SELECT c.pos, c.row_number, c.column_name, {', '.join(f'c.{k}' for k in OBS_KEY)}, k.n,
                       row_number() OVER (PARTITION BY {', '.join(f'c.{k}' for k in OBS_KEY)} ORDER BY c.pos) AS i
                FROM staged_candidates c JOIN staged_keys k USING ({_KEY}) WHERE k.conflict),
            listed AS (
                SELECT {_KEY}, string_agg(CAST(row_number AS VARCHAR), ', ' ORDER BY pos) AS rows_listed
                FROM bad WHERE i <= {MAX_LISTED_ROWS} GROUP BY {_KEY})
            SELECT b.pos, b.row_number, coalesce(b.column_name, 'value'), NULL,
                   'conflicting values for ' || b.indicator_id || '/' || b.region_code || '/'
                   || CAST(b.year AS VARCHAR) || ' in rows ' || l.rows_listed
                   || CASE WHEN b.n > {MAX_LISTED_ROWS} THEN ' and ' || CAST(b.n - {MAX_LISTED_ROWS} AS VARCHAR)
                           || ' more' ELSE '' END
            FROM bad b JOIN listed l USING ({_KEY})""")

    def loads_source(self, source_id: str) -> bool:
        """Whether a row to be loaded cites ``source_id`` (the file's own source then has to exist)."""
        return bool(self.con.execute(
            "SELECT count(*) FROM staged_incoming WHERE label <> 'same' AND source_id = ?", [source_id],
        ).fetchall()[0][0])

    def commit(self, run_id: int) -> None:
        """Record the rejections under ``run_id``, revise the changed rows and insert the new ones.

        New rows go in slices of about MERGE_SLICE_ROWS, each its own statement, so the memory a commit needs (the
        key index grows with it) stays bounded; the copy is private, so a failure part-way publishes nothing.
        """
        self.con.execute("""
            INSERT INTO rejected_rows (run_id, row_number, column_name, raw, reason)
            SELECT ?, row_number, column_name, raw, reason FROM staged_rejections ORDER BY row_number, pos""",
                         [run_id])
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW staged_changed AS SELECT {', '.join(OBS_COLUMNS)} "
                         "FROM staged_incoming WHERE label = 'changed'")
        merge(self.con, "staged_changed", run_id)
        (low, high, per_row), = self.con.execute(f"""
            SELECT min(row_number), max(row_number), max(pos % {STRIDE}) + 1
            FROM staged_incoming WHERE label = 'new'""").fetchall()
        step = max(1, MERGE_SLICE_ROWS // (per_row or 1))
        for start in range(low or 0, (high if high is not None else -1) + 1, step):
            self.con.execute(f"""
                INSERT INTO observations ({', '.join(OBS_COLUMNS)}, run_id)
                SELECT {', '.join(OBS_COLUMNS)}, ? FROM staged_incoming
                WHERE label = 'new' AND row_number >= ? AND row_number < ? ORDER BY pos""",
                             [run_id, start, start + step])
        for name in ("VIEW staged_changed", "TABLE staged_incoming", "TABLE staged_rejections"):
            self.con.execute(f"DROP {name}")


def merge(con: duckdb.DuckDBPyConnection, relation: str, run_id: int) -> None:
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
