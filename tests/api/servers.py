"""The app served for real on loopback: the threaded development server and gunicorn with the production config."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = "python:dashboard.gunicorn_conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(command: list[str], port: int, db: Path) -> Iterator[str]:
    proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, "IMM_DB": str(db)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"{command[2]} exited on start-up")
                if time.monotonic() > deadline:
                    pytest.fail(f"{command[2]} did not answer within 60 s")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def dev_server(db: Path) -> contextlib.AbstractContextManager[str]:
    """``python -m dashboard --db DB``: Flask's threaded development server, one process."""
    port = free_port()
    return _serving([sys.executable, "-m", "dashboard", "--port", str(port), "--db", str(db)], port, db)


def gunicorn_server(db: Path, *, workers: int = 2) -> contextlib.AbstractContextManager[str]:
    """The documented production command (dashboard/gunicorn_conf.py), with ``workers`` workers."""
    port = free_port()
    return _serving([sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONFIG, "-w", str(workers),
                     "-b", f"127.0.0.1:{port}", "dashboard.wsgi:server"], port, db)
