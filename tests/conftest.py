"""Fixtures shared by every test package: warehouses built from the real catalogue, and the app served in-process."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboard import data
from dashboard.app import create_app
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


@pytest.fixture(scope="session")
def app(shipped_warehouse: Path) -> dash.Dash:
    return create_app(shipped_warehouse)


@pytest.fixture(scope="session")
def client(app: dash.Dash, shipped_warehouse: Path) -> FlaskClient:
    """Session-wide (Hypothesis refuses function-scoped fixtures); tests that swap the warehouse restore it."""
    if data.warehouse().path != shipped_warehouse:
        data.use(shipped_warehouse)
    return app.server.test_client()
