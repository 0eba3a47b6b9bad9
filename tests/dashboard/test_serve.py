"""The production entry: gunicorn with several workers serves the app from the warehouse IMM_DB names."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_two_workers_serves_pages_and_layout(shipped_warehouse: Path) -> None:
    port = _free_port()
    env = {**os.environ, "IMM_DB": str(shipped_warehouse)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "dashboard.wsgi:server"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/map?indicator=cnc_rate", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=10) as r:
            assert r.status == 200 and b"page-state" in r.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
