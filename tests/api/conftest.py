"""The app under test, served in-process to Flask's test client from the shipped warehouse."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboard import data
from dashboard.app import create_app


@pytest.fixture(scope="session")
def app(shipped_warehouse: Path) -> dash.Dash:
    return create_app(shipped_warehouse)


@pytest.fixture(scope="session")
def client(app: dash.Dash, shipped_warehouse: Path) -> FlaskClient:
    """Session-wide (Hypothesis refuses function-scoped fixtures); tests that swap the warehouse restore it."""
    if data.warehouse().path != shipped_warehouse:
        data.use(shipped_warehouse)
    return app.server.test_client()
