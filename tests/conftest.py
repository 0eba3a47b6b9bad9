"""Fixtures shared by every test package: an empty warehouse built from the real catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.build import build

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def empty_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose manifest lists no files: the catalogue alone."""
    data = tmp_path_factory.mktemp("data")
    (data / "manifest.yaml").write_text("[]\n", encoding="utf-8")
    return data


@pytest.fixture(scope="session")
def empty_warehouse_template(tmp_path_factory: pytest.TempPathFactory, empty_data_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    build(db, data_dir=empty_data_dir, progress=False)
    return db


@pytest.fixture
def empty_warehouse(tmp_path: Path, empty_warehouse_template: Path) -> Path:
    """A fresh copy per test of a warehouse holding the catalogue and no observations."""
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(empty_warehouse_template.read_bytes())
    return db


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse ``make run`` serves: config/ plus every shipped file. Treat it as read-only."""
    db = tmp_path_factory.mktemp("shipped") / "warehouse.duckdb"
    build(db, progress=False)
    return db
