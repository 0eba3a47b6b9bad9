"""Production entry: ``gunicorn -w 4 -b 127.0.0.1:8050 dashboard.wsgi:server`` (``IMM_DB`` picks the file)."""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.app import create_app
from pipelines.warehouse import DEFAULT_DB

app = create_app(Path(os.environ.get("IMM_DB", DEFAULT_DB)))
server = app.server
