"""Production entry: ``gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server`` (``IMM_DB`` picks the
file; dashboard/gunicorn_conf.py holds the worker class, threads and timeouts, README "Deployment" says why)."""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.app import create_app
from pipelines.warehouse import DEFAULT_DB

app = create_app(Path(os.environ.get("IMM_DB", DEFAULT_DB)))
server = app.server
