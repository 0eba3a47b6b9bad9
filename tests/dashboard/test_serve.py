"""The production entry: gunicorn with the documented config serves the app from the warehouse IMM_DB names,
with its security headers, and keeps answering quickly while slow clients trickle their headers in."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = ["-m", "gunicorn", "-c", "python:dashboard.gunicorn_conf", "dashboard.wsgi:server"]
SLOW_CLIENTS = 12  # more than the workers of the test server, far fewer than its threads
TRICKLE = 0.1  # seconds between two bytes of a slow client's headers
SLOW_SECONDS = 4.0
QUICK = 2.0  # what "still answers quickly" means, in seconds per request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(db: Path, *extra: str) -> Iterator[int]:
    """The documented production command (README "Deployment"), on a free port; yields the port."""
    port = _free_port()
    env = {**os.environ, "IMM_DB": str(db)}
    proc = subprocess.Popen([sys.executable, *PRODUCTION, "-b", f"127.0.0.1:{port}", *extra],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=5):
                    break
            except OSError:
                assert proc.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_the_production_config_is_threaded_workers_with_a_timeout() -> None:
    from dashboard import gunicorn_conf

    assert gunicorn_conf.worker_class == "gthread" and gunicorn_conf.threads >= 8
    assert gunicorn_conf.workers * gunicorn_conf.threads >= 4 * SLOW_CLIENTS
    assert gunicorn_conf.timeout == 30 and gunicorn_conf.bind.startswith("127.0.0.1:")


def test_gunicorn_with_two_workers_serves_pages_and_layout_with_security_headers(shipped_warehouse: Path) -> None:
    with gunicorn(shipped_warehouse, "-w", "2") as port:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/map?indicator=cnc_rate", timeout=10) as r:
            assert r.status == 200
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=10) as r:
            assert r.status == 200 and b"page-state" in r.read()


def _trickle(port: int, stop: threading.Event) -> None:
    """A client that sends its request line and headers one byte at a time and never finishes in time."""
    request = b"GET /api/v1/indicators HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 500
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for byte in request:
            if stop.is_set():
                return
            sock.sendall(bytes([byte]))
            time.sleep(TRICKLE)


def test_slow_clients_do_not_stop_normal_requests(shipped_warehouse: Path) -> None:
    with gunicorn(shipped_warehouse, "-w", "2") as port:
        stop = threading.Event()
        slow = [threading.Thread(target=_trickle, args=(port, stop), daemon=True) for _ in range(SLOW_CLIENTS)]
        for thread in slow:
            thread.start()
        time.sleep(1.0)  # every slow client is connected and trickling
        timings = []
        try:
            end = time.monotonic() + SLOW_SECONDS
            while time.monotonic() < end:
                for path in ("/api/v1/indicators", "/_dash-layout", "/map"):
                    started = time.monotonic()
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                        assert r.status == 200
                        r.read()
                    timings.append(time.monotonic() - started)
            assert all(thread.is_alive() for thread in slow), "the slow clients were still sending throughout"
        finally:
            stop.set()
            for thread in slow:
                thread.join(timeout=5)
    assert len(timings) >= 6 and max(timings) < QUICK, timings
