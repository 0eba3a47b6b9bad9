"""Publishing is atomic: a killed build leaves the old file, and readers see old or new, never half."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipelines.ingest import ingest_file
from pipelines.slices import Slice
from pipelines.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_build_killed_midway_leaves_the_published_warehouse_byte_for_byte(
    empty_warehouse: Path, tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    lines = ["indicator,region,year,value,breakdown"]
    lines += [f"cnc_rate,110000,2020,50,b{i}" for i in range(400_000)]
    (data / "raw" / "big.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "manifest.yaml").write_text("- {file: raw/big.csv}\n", encoding="utf-8")
    before = digest(empty_warehouse)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "build", "--db", str(empty_warehouse), "--data", str(data), "--quiet"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    staged = empty_warehouse.parent / f".{empty_warehouse.name}.{proc.pid}.tmp"
    deadline = time.monotonic() + 60
    while not staged.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # well into reading and loading the big file
    assert proc.poll() is None, "the build finished before it could be killed; make the input bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert digest(empty_warehouse) == before
    assert staged.exists()  # SIGKILL left the private copy behind
    # the killed writer's lock died with it: the next writer proceeds, and removes the copy
    path = tmp_path / "one.csv"
    path.write_text("indicator,region,year,value\ncnc_rate,全国,2020,52.1\n", encoding="utf-8")
    assert ingest_file(path, empty_warehouse).loaded == 1
    assert not list(empty_warehouse.parent.glob(".*.tmp*"))


def test_readers_during_publishes_see_the_old_or_the_new_warehouse_never_a_mix(
    empty_warehouse: Path, tmp_path: Path,
) -> None:
    publishes = 12
    seen: list[tuple[int, ...]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read_loop() -> None:
        wh = Warehouse(empty_warehouse)
        while not done.is_set():
            try:
                years = wh.query("SELECT year FROM observations ORDER BY year")["year"].tolist()
                seen.append(tuple(years))
            except BaseException as exc:  # any failure to read is the bug this test looks for
                errors.append(exc)
        wh.close()

    reader = threading.Thread(target=read_loop)
    reader.start()
    try:
        for i in range(publishes):
            path = tmp_path / f"step{i}.csv"
            path.write_text(f"indicator,region,year,value\ncnc_rate,全国,{2000 + i},{i}\n", encoding="utf-8")
            ingest_file(path, empty_warehouse)
    finally:
        done.set()
        reader.join(timeout=60)
    assert not errors, errors[:3]
    assert len({len(s) for s in seen}) > 1, "the reader never saw a publish; the test proved nothing"
    for years in seen:
        assert years == tuple(range(2000, 2000 + len(years))), years
    assert not list(empty_warehouse.parent.glob(".*.tmp"))


def test_a_download_in_flight_keeps_its_file_and_the_reader_switches_once_it_ends(
    empty_warehouse: Path, tmp_path: Path,
) -> None:
    def publish(year: int) -> None:
        path = tmp_path / f"{year}.csv"
        path.write_text(f"indicator,region,year,value\ncnc_rate,全国,{year},50\n", encoding="utf-8")
        ingest_file(path, empty_warehouse)

    def years(wh: Warehouse) -> list[int]:
        return wh.query("SELECT year FROM observations ORDER BY year")["year"].tolist()

    publish(2000)
    wh = Warehouse(empty_warehouse)
    everything = Slice(indicators=(), regions=(), year_from=None, year_to=None, statuses=())
    with wh.slice_stream(everything) as reader:
        publish(2001)
        assert years(wh) == [2000]  # switching now would cut off the download
        assert reader.read_all().num_rows == 1
    assert years(wh) == [2000, 2001]
    wh.close()
