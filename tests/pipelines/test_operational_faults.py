"""Operational faults keep the promise — exit 1, one ``error:`` line, the published warehouse byte-for-byte as
it was — and writers clean up after each other, publish through symlinks and share one lock per file."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

import pipelines.warehouse.connection as connection
from pipelines.ingest import ingest_file

REPO = Path(__file__).resolve().parents[2]
ONE_ROW = "indicator,region,year,value\ncnc_rate,全国,2020,52.1\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def observations(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM observations").fetchall()[0][0]


def private_copies(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".tmp" in p.name)


@pytest.fixture
def one_row(tmp_path: Path) -> Path:
    path = tmp_path / "one.csv"
    path.write_text(ONE_ROW, encoding="utf-8")
    return path


@pytest.fixture
def many_rows(tmp_path: Path) -> Path:
    path = tmp_path / "many.csv"
    path.write_text("indicator,region,year,value,breakdown\n"
                    + "".join(f"cnc_rate,江苏,2020,50,b{i}\n" for i in range(60_000)), encoding="utf-8")
    return path


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """A tmpfs of a given size (root only: skipped where mounting is not allowed)."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a small tmpfs needs root")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                              capture_output=True, check=False)
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("size", ["6M", "11M"])  # 6M: the private copy does not fit; 11M: the load does not
def test_a_full_disk_is_one_error_line_and_the_warehouse_is_unchanged(
    small_disk, empty_warehouse: Path, many_rows: Path, size: str,
) -> None:
    disk = small_disk(size)
    db = disk / "warehouse.duckdb"
    shutil.copyfile(empty_warehouse, db)
    before = digest(db)
    result = subprocess.run([sys.executable, "-m", "pipelines", "ingest", str(many_rows), "--db", str(db)],
                            capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {db}") and "no space left on the device" in lines[0]
    assert digest(db) == before
    assert private_copies(disk) == []


def test_a_read_only_directory_is_one_error_line(small_disk, empty_warehouse: Path, one_row: Path) -> None:
    disk = small_disk("8M")
    db = disk / "warehouse.duckdb"
    shutil.copyfile(empty_warehouse, db)
    before = digest(db)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    for command in (["ingest", str(one_row)], ["build", "--data", str(one_row.parent), "--quiet"]):
        (one_row.parent / "manifest.yaml").write_text("[]\n", encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "pipelines", *command, "--db", str(db)], capture_output=True,
                                text=True, cwd=REPO, timeout=120, check=False)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1 and len(lines) == 1 and "read-only" in lines[0], result.stderr
    assert digest(db) == before


@pytest.mark.parametrize(("target", "fault"), [
    ("shutil.copyfile", errno.ENOSPC),  # the private copy
    ("_fsync", errno.ENOSPC),  # flushing the finished copy (some file systems report a full disk only here)
    ("_fsync", errno.EIO),
])
def test_write_faults_in_process_are_warehouse_errors(cli, monkeypatch: pytest.MonkeyPatch, empty_warehouse: Path,
                                                      one_row: Path, target: str, fault: int) -> None:
    def fail(*_: object) -> None:
        raise OSError(fault, os.strerror(fault))

    if target == "shutil.copyfile":
        monkeypatch.setattr(connection.shutil, "copyfile", fail)
    else:
        monkeypatch.setattr(connection, target, fail)
    before = digest(empty_warehouse)
    line = cli("ingest", one_row, "--db", empty_warehouse).one_error_line(str(empty_warehouse), "unchanged")
    assert (fault == errno.ENOSPC) == ("no space left on the device" in line)
    assert digest(empty_warehouse) == before
    assert private_copies(empty_warehouse.parent) == []


def test_another_writer_holding_the_lock_is_one_error_line_under_every_name(
    cli, empty_warehouse: Path, one_row: Path, tmp_path: Path,
) -> None:
    link = tmp_path / "link.duckdb"
    link.symlink_to(empty_warehouse)
    linked_dir = tmp_path / "linked_dir"
    linked_dir.symlink_to(empty_warehouse.parent, target_is_directory=True)
    before = digest(empty_warehouse)
    with (empty_warehouse.parent / f".{empty_warehouse.name}.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for name in (empty_warehouse, link, linked_dir / empty_warehouse.name):
            cli("ingest", one_row, "--db", name).one_error_line("another build or ingest is writing")
    assert digest(empty_warehouse) == before
    assert cli("ingest", one_row, "--db", link).code == 0  # released: the next writer proceeds


def test_a_lock_that_cannot_be_opened_is_one_error_line(cli, empty_warehouse: Path, one_row: Path) -> None:
    (empty_warehouse.parent / f".{empty_warehouse.name}.lock").mkdir()
    cli("ingest", one_row, "--db", empty_warehouse).one_error_line("cannot open the writer lock")


def test_a_symlinked_db_publishes_into_its_target(empty_warehouse: Path, one_row: Path, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere" / "current.duckdb"
    link.parent.mkdir()
    link.symlink_to(empty_warehouse)
    ingest_file(one_row, link)
    assert link.is_symlink() and link.resolve() == empty_warehouse.resolve()
    assert observations(empty_warehouse) == 1
    assert private_copies(link.parent) == [] and private_copies(empty_warehouse.parent) == []


def test_private_copies_left_by_a_killed_run_are_removed_by_the_next(empty_warehouse: Path, one_row: Path) -> None:
    directory, name = empty_warehouse.parent, empty_warehouse.name
    for leftover in (f".{name}.4242.tmp", f".{name}.4242.tmp.wal"):
        (directory / leftover).write_bytes(b"half a warehouse")
    (directory / f".{name}.4242.tmp.tmp").mkdir()
    (directory / f".{name}.4242.tmp.tmp" / "duckdb_temp_block").write_bytes(b"x")
    other = directory / ".other.duckdb.4242.tmp"  # another warehouse's copy: not ours to remove
    other.write_bytes(b"x")
    bad = directory / "bad.csv"
    bad.write_text("just prose\n", encoding="utf-8")
    with pytest.raises(Exception, match="no header row"):  # even a failed run cleans up first
        ingest_file(bad, empty_warehouse)
    assert private_copies(directory) == [other.name]
    assert ingest_file(one_row, empty_warehouse).loaded == 1


def test_a_warehouse_file_that_is_not_duckdb_is_one_error_line(cli, tmp_path: Path, one_row: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    db.write_text("not a database\n", encoding="utf-8")
    cli("ingest", one_row, "--db", db).one_error_line(str(db), "could not be written")
    assert db.read_text(encoding="utf-8") == "not a database\n"
