"""An ETag always names the bytes it comes with: concurrent downloads across a publish, on both servers.

Two warehouse versions A and B differ in a value and an indicator name. The served file starts as A; clients
download continuously while B is published over it (a new file moved into place with ``os.replace``, as
``pipelines`` does). Every (ETag, body) pair a client saw must be A's pair or B's pair — never old rows under
the new tag or new rows under the old one — and a client sending A's tag back gets a 304 only with A's tag.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
import pytest
from servers import dev_server, gunicorn_server

URLS = (
    "/api/v1/observations?indicator=cnc_rate&format=csv",
    "/api/v1/observations?indicator=cnc_rate&format=json",
    "/api/v1/indicators",
    "/api/v1/provenance?indicator=cnc_rate",
)
CLIENTS = 8
STORM_SECONDS = (1.5, 3.0)  # before and after the publish


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, shipped_warehouse: Path) -> tuple[Path, Path]:
    """A (the shipped warehouse) and B (one indicator's values and English name changed)."""
    folder = tmp_path_factory.mktemp("versions")
    a, b = folder / "a.duckdb", folder / "b.duckdb"
    shutil.copyfile(shipped_warehouse, a)
    shutil.copyfile(shipped_warehouse, b)
    with duckdb.connect(str(b)) as con:
        con.execute("UPDATE observations SET value = value + 1 WHERE indicator_id = 'cnc_rate'")
        con.execute("UPDATE indicators SET name_en = name_en || ' (B)' WHERE indicator_id = 'cnc_rate'")
        con.execute("CHECKPOINT")
    return a, b


def publish(source: Path, served: Path) -> None:
    """What pipelines does: a complete new file beside the served one, then one os.replace."""
    staged = served.with_name(f".{served.name}.staged")
    shutil.copyfile(source, staged)
    os.replace(staged, served)


def fetch(url: str, etag: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["ETag"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["ETag"], exc.read()


def quiet_pairs(base: str) -> dict[str, tuple[str, bytes]]:
    """Each URL's (ETag, body) on an idle server, asked a few times so every worker answers; all must agree."""
    pairs: dict[str, tuple[str, bytes]] = {}
    for path in URLS:
        seen = {fetch(base + path)[1:] for _ in range(6)}
        assert len(seen) == 1, f"idle workers disagree on {path}"
        pairs[path] = seen.pop()
    return pairs


def storm(base: str, served: Path, new: Path, old_tags: dict[str, str]) -> list[tuple[str, int, str, bytes]]:
    """CLIENTS threads download every URL in turn (some revalidating with A's tag) while ``new`` is published."""
    seen: list[tuple[str, int, str, bytes]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def client(number: int) -> None:
        turn = number
        while not stop.is_set():
            path = URLS[turn % len(URLS)]
            revalidate = old_tags[path] if turn % 3 == 0 else None
            status, etag, body = fetch(base + path, revalidate)
            with lock:
                seen.append((path, status, etag, body))
            turn += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(STORM_SECONDS[0])
    publish(new, served)
    time.sleep(STORM_SECONDS[1])
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return seen


SERVERS: dict[str, Callable[[Path], AbstractContextManager[str]]] = {
    "threaded dev server": dev_server, "gunicorn (production config)": gunicorn_server,
}


@pytest.mark.parametrize("serve", SERVERS.values(), ids=SERVERS.keys())
def test_every_etag_seen_across_a_publish_names_the_body_it_came_with(
    tmp_path: Path, versions: tuple[Path, Path], serve: Callable[[Path], AbstractContextManager[str]],
) -> None:
    a, b = versions
    served = tmp_path / "warehouse.duckdb"
    shutil.copyfile(a, served)
    with serve(served) as base:
        before = quiet_pairs(base)
        seen = storm(base, served, b, {path: tag for path, (tag, _) in before.items()})
        after = quiet_pairs(base)  # idle again: every worker has switched to B
    by_path: dict[str, set[tuple[str, bytes]]] = defaultdict(set)
    for path, status, etag, body in seen:
        assert status in (200, 304), (path, status, body[:200])
        if status == 304:
            assert etag == before[path][0] and body == b"", "a 304 only ever confirms the tag the client sent"
        else:
            by_path[path].add((etag, body))
    for path in URLS:
        assert before[path][0] != after[path][0] and before[path][1] != after[path][1], f"{path}: A and B differ"
        stray = by_path[path] - {before[path], after[path]}
        assert not stray, f"{path}: {len(stray)} answer(s) whose ETag does not name their body, e.g. " \
                          f"{next(iter(stray))[0]} with {next(iter(stray))[1][:120]!r}"
    assert len(seen) > 100, "the clients made enough requests to overlap the publish"
