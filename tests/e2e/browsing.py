"""Helpers the browser tests share: serving the dashboard as a user starts it, and waiting for the page."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_dashboard(db: Path) -> Iterator[str]:
    """Run ``python -m dashboard --db DB`` on a free port until the generator is closed; yields its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--port", str(port), "--db", str(db)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("the dashboard exited on start-up")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the dashboard did not answer within 60 s")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait(browser: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Any], timeout: float = 20) -> Any:
    """Poll ``condition`` until it is truthy; an element re-rendered under it (stale) just means "not yet"."""
    return WebDriverWait(browser, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


# Per choropleth trace of the map page (main map, inset, …), how many province paths are drawn.
MAP_PATHS_JS = """
const geo = document.querySelector('#map-graph g.geo');
if (!geo) return null;
return [...geo.querySelectorAll('g.trace.choropleth')].map(
  t => [...t.querySelectorAll('path.choroplethlocation')].filter(p => p.getAttribute('d')).length);
"""


def map_paths(browser: webdriver.Chrome) -> list[int] | None:
    return browser.execute_script(MAP_PATHS_JS)
