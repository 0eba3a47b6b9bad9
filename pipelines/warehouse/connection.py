"""Opening the warehouse: private staged copies for writers, published atomically with ``os.replace``."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pipelines.errors import WarehouseError

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "warehouse.duckdb"
SCHEMA_VERSION = 2
SCHEMA_SQL = Path(__file__).with_name("schema.sql")
#: DuckDB's memory for a writer; beyond it, sorting and joining spill to disk beside the private copy.
WRITER_MEMORY_LIMIT = "256MB"

_ERRNO_TEXT = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOLCK: "no locks available",
}


def duckdb_version() -> str:
    return duckdb.__version__


def read_csv_baseline(path: Path) -> int:
    """Read a CSV with DuckDB's own reader into memory, nothing checked: what an ingest is measured against."""
    with duckdb.connect() as con:
        return con.read_csv(str(path)).to_arrow_table().num_rows


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    return con


def describe(exc: BaseException) -> str:
    """One line saying what went wrong at the operating-system or DuckDB level."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_TEXT:
        return _ERRNO_TEXT[exc.errno]
    text = " ".join(str(exc).split())
    if "No space left on device" in text or "disk is full" in text.lower():
        return "no space left on the device"
    if "Read-only file system" in text:
        return "the file system is read-only"
    return text[:300] or type(exc).__name__


def writer_paths(db: Path) -> tuple[Path, Path]:
    """(the file a writer publishes into, its lock). A symlinked ``db`` publishes into its target, and every
    name of one file (a symlink, a path through a symlinked directory, the real path) shares one lock."""
    target = Path(os.path.realpath(db))
    return target, target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def _writer_lock(db: Path, lock: Path) -> Iterator[None]:
    """One writer at a time per warehouse; readers never take it."""
    try:
        fh = lock.open("a")
    except OSError as exc:
        raise WarehouseError(f"{db}: cannot open the writer lock {lock.name} in {lock.parent} ({describe(exc)}); "
                             "the directory holding the warehouse must be writable") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseError(f"{db}: another build or ingest is writing this warehouse; try again") from None
        except OSError as exc:
            raise WarehouseError(f"{db}: cannot lock {lock} ({describe(exc)})") from None
        yield


def _private_copies(target: Path) -> list[Path]:
    """Copies (and their WAL and spill directories) that writers of ``target`` left behind."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.\d+\.tmp(\.wal|\.tmp)?")
    try:
        return [p for p in target.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return []


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


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
    copy is discarded (the next writer removes what a killed one left) and the published file stays
    byte-for-byte as it was. Disk, permission and DuckDB faults become one ``WarehouseError``.
    """
    db = Path(db)
    target, lock = writer_paths(db)
    if fresh:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"{db}: cannot create the directory {target.parent} ({describe(exc)})") from None
    elif not target.exists():
        raise WarehouseError(f"{db}: no warehouse here; run `python -m pipelines build` first")
    with _writer_lock(db, lock):
        for leftover in _private_copies(target):  # we hold the lock: no writer is using them
            _remove(leftover)
        tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
        con = None
        try:
            if not fresh:
                shutil.copyfile(target, tmp)
            con = connect(tmp, read_only=False)
            con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
            if fresh:
                con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
            yield con
            con.execute("CHECKPOINT")
            con.close()
            _fsync(tmp)
            os.replace(tmp, target)
            with contextlib.suppress(OSError):
                _fsync(target.parent)
        except (OSError, duckdb.Error) as exc:
            raise WarehouseError(f"{db}: the warehouse could not be written ({describe(exc)}); the published "
                                 "file is unchanged") from None
        finally:
            if con is not None:
                with contextlib.suppress(duckdb.Error):
                    con.close()
            for leftover in (tmp, Path(f"{tmp}.wal"), Path(f"{tmp}.tmp")):
                _remove(leftover)
