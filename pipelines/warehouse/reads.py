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
