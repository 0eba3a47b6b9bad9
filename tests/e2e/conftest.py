"""Real headless Chromium for browser tests: outside hosts blocked, console and network logs captured.

Fixtures: ``browser`` (one Chromium per session), ``browser_log`` (drain console errors and requested URLs),
``screenshot`` (save a PNG under tests/artifacts/screenshots/), ``serve_directory`` (static files on
127.0.0.1). Browser tests never skip: a missing Chromium or chromedriver fails them loudly.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT_DIR = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
LOCAL_HOST = "127.0.0.1"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,720",
    # Every host but the test server resolves to nothing: a page that reaches outside fails visibly.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}",
)


@dataclass
class BrowserLog:
    """What the page did since the last drain: console entries and every network request it started."""

    console: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [entry for entry in self.console if entry["level"] == "SEVERE"]

    @property
    def external_requests(self) -> list[str]:
        """Requests to anything but the local test server (data: and blob: URLs stay in the page)."""
        local = (f"http://{LOCAL_HOST}:", "data:", "blob:")
        return [url for url in self.requests if not url.startswith(local)]


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the session, on the system binary and driver, never Selenium Manager."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver)")
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def start_chromium() -> webdriver.Chrome:
    """A headless Chromium on the system binary and driver (a second visitor, too: see test_presenter)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")  # otherwise Selenium Manager looks for drivers online first
        return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture
def second_browser() -> Iterator[webdriver.Chrome]:
    """Another visitor, in a browser of their own."""
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def viewport(browser: webdriver.Chrome) -> Iterator[Callable[[int, int], None]]:
    """Call with (width, height) to give the page exactly that viewport; restored afterwards."""

    def set_size(width: int, height: int) -> None:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    yield set_size
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture
def browser_log(browser: webdriver.Chrome) -> Callable[[], BrowserLog]:
    """Call to drain the logs; the first call clears whatever earlier tests left behind."""

    def drain() -> BrowserLog:
        log = BrowserLog(console=browser.get_log("browser"))
        for entry in browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                log.requests.append(message["params"]["request"]["url"])
            elif message["method"] == "Network.loadingFailed":
                log.failed.append(message["params"].get("errorText", ""))
        return log

    drain()
    return drain


@pytest.fixture
def screenshot(browser: webdriver.Chrome) -> Callable[[str], Path]:
    """Call with a name to save the current page as tests/artifacts/screenshots/<name>.png (gitignored)."""

    def save(name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        if not browser.save_screenshot(str(path)):
            pytest.fail(f"could not save screenshot {path}")
        return path

    return save


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep request lines out of the test output."""


@pytest.fixture(scope="module")
def serve_directory() -> Iterator[Callable[[Path], str]]:
    """Call with a directory to serve it on a free 127.0.0.1 port; returns the base URL (no slash)."""
    servers: list[ThreadingHTTPServer] = []

    def serve(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://{LOCAL_HOST}:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
