"""Opening the warehouse: private staged copies for writers, published atomically with ``os.replace``."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pipelines.errors import WarehouseError

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "warehouse.duckdb"
SCHEMA_VERSION = 2
SCHEMA_SQL = Path(__file__).with_name("schema.sql")


def duckdb_version() -> str:
    return duckdb.__version__


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    return con


@contextlib.contextmanager
def _writer_lock(db: Path) -> Iterator[None]:
    """One writer at a time per warehouse; readers never take it."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with (db.parent / f".{db.name}.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseError(f"{db}: another build or ingest is writing this warehouse; try again") from None
        yield


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def staged(db: Path, *, fresh: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of ``db`` (or a new empty file when ``fresh``).

    On a clean exit the copy replaces ``db`` in one ``os.replace``; on any exception — or a kill — the
    copy is discarded and the published file stays byte-for-byte as it was.
    """
    db = Path(db)
    with _writer_lock(db):
        tmp = db.parent / f".{db.name}.{os.getpid()}.tmp"
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
        if not fresh:
            if not db.exists():
                raise WarehouseError(f"{db}: no warehouse here; run `python -m pipelines build` first")
            shutil.copyfile(db, tmp)
        con = connect(tmp, read_only=False)
        try:
            if fresh:
                con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
            yield con
            con.execute("CHECKPOINT")
            con.close()
            _fsync(tmp)
            os.replace(tmp, db)
            _fsync(db.parent)
        finally:
            with contextlib.suppress(duckdb.Error):
                con.close()
            for leftover in (tmp, Path(f"{tmp}.wal")):
                leftover.unlink(missing_ok=True)
