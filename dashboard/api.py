"""The read-only HTTP API under ``/api/v1/`` (Flask routes on the Dash server)."""

from __future__ import annotations

import flask


def register(server: flask.Flask) -> None:
    """Attach the API blueprint to the app's Flask server."""
