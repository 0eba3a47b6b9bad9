"""``make bench``: speed and size of the paths users wait on, each as a ratio to a baseline timed in the same run.

Machines here are shared and noisy, so absolute seconds mean little; a ratio against a plain operation on the
same data, measured minutes apart, is stable enough to watch. Budgets are ceilings on those ratios: a line
marked OVER is a regression to look at. Scale with ``--rows`` (county scale is about 10 000 000).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from dashboard.figures.province_map import map_updates, province_map  # noqa: E402
from geo import shapes  # noqa: E402
from pipelines.build import build  # noqa: E402
from pipelines.export import write_export  # noqa: E402
from pipelines.ingest import ingest_file  # noqa: E402
from pipelines.slices import Slice  # noqa: E402
from pipelines.warehouse import Warehouse, Writer, staged  # noqa: E402
from pipelines.warehouse.connection import read_csv_baseline  # noqa: E402
from pipelines.warehouse.writes import OBS_COLUMNS, RunRecord  # noqa: E402

# ceilings on measured / baseline
BUDGETS = {
    "map step query": 10.0,         # one value per province (joins, as-of resolution) vs the bare filtered read
    "slice → Parquet": 3.0,         # our export (provenance, streaming) vs DuckDB's own COPY of the same rows
    "ingest CSV": 3.0,              # validation, accounting, settling and publishing vs duckdb.read_csv of the file
    "year patch / full map": 0.25,  # bytes a year step sends vs the whole figure with geometry
}


# floors on measured values (the goal: a clean 1 M-row long CSV at 1 M rows/s or more)
FLOORS = {"ingest rows/s": 1_000_000}


def long_csv(path: Path, rows: int) -> Path:
    """A clean long CSV of ``rows`` distinct observations (the shape an export of a statistics system has)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("indicator,region,year,value,breakdown\n")
        fh.writelines(f"cnc_rate,江苏,{2000 + i % 25},{(i % 900) / 10},b{i}\n" for i in range(rows))
    return path


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def synthetic_warehouse(db: Path, rows: int) -> None:
    """The shipped warehouse plus ``rows`` county-like observations (fanned out through ``breakdown``)."""
    build(db, progress=False)
    rng = np.random.default_rng(7)
    provinces = [f"{c}0000" for c in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                                      45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)]
    indicators = ["cnc_rate", "design_tool_penetration", "smart_factory_penetration", "digital_networked_share"]
    years = np.arange(2000, 2025)
    per_cell = max(1, rows // (len(provinces) * len(indicators) * len(years)))
    index = pd.MultiIndex.from_product([indicators, provinces, years, range(per_cell)],
                                       names=["indicator_id", "region_code", "year", "n"]).to_frame(index=False)
    frame = pd.DataFrame({
        "indicator_id": index["indicator_id"], "region_code": index["region_code"], "year": index["year"],
        "breakdown": "county_" + index["n"].astype(str), "source_id": "illustrative_province_rates",
        "value": rng.uniform(10, 90, len(index)).round(1), "as_of": None, "status": "illustrative",
        "scope": None, "note": None,
    }).loc[:, list(OBS_COLUMNS)]
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    with staged(db, fresh=False) as con:
        writer = Writer(con)
        run_id = writer.insert_run(RunRecord(
            command="ingest", started_at=now, finished_at=now, file_name="synthetic", sha256="0" * 64,
            file_format="parquet", encoding=None, layout="long", indicator_id=None, source_id=None,
            status="illustrative", rows_read=len(frame), rows_loaded=len(frame), rows_revised=0, rows_rejected=0,
            rows_skipped=0, outcome="loaded"))
        writer.merge(frame, run_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ingest-rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "artifacts" / "bench.json")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "warehouse.duckdb"
        synthetic_warehouse(db, args.rows)
        wh = Warehouse(db)
        total = int(wh.query("SELECT count(*) AS n FROM observations")["n"][0])

        bare = timed(lambda: wh.query(
            "SELECT region_code, value FROM observations WHERE indicator_id = 'cnc_rate' AND year = 2020 "
            "AND breakdown = ''"))
        step = timed(lambda: wh.series("cnc_rate", year=2020))
        results.append(("map step query", step, bare, "bare filter"))

        cnc = Slice(indicators=("cnc_rate",))
        out = tmpdir / "slice.parquet"
        copy = timed(lambda: wh.query(
            f"COPY (SELECT * FROM observations WHERE indicator_id = 'cnc_rate') TO '{tmpdir / 'copy.parquet'}' "
            "(FORMAT parquet, COMPRESSION zstd)"), repeat=3)
        export = timed(lambda: write_export(wh, cnc, "parquet", out), repeat=3)
        results.append(("slice → Parquet", export, copy, "DuckDB COPY"))

        csv = long_csv(tmpdir / "ingest.csv", args.ingest_rows)
        read_csv = timed(lambda: read_csv_baseline(csv), repeat=3)
        start = time.perf_counter()
        ingest_file(csv, db)
        ingest = time.perf_counter() - start
        results.append(("ingest CSV", ingest, read_csv, "duckdb.read_csv"))
        wh.close()

    frame = pd.DataFrame({"region_code": list(shapes.province_codes()), "value": np.linspace(30, 80, 34)})
    full = len(pio.to_json(province_map(frame, shapes.provinces(), unit="%", maritime=shapes.maritime_line(),
                                        inset=shapes.south_china_sea())))
    patch = len(json.dumps(map_updates(frame, shapes.province_codes()), default=str))
    results.append(("year patch / full map", patch, full, "bytes"))

    print(f"synthetic warehouse: {total:,} observations; ingest file: {args.ingest_rows:,} rows")
    print(f"{'measure':<24}{'value':>12}{'baseline':>12}{'ratio':>9}{'budget':>9}  baseline")
    report = []
    over = False
    for name, value, base, what in results:
        ratio = value / base
        budget = BUDGETS[name]
        flag = "" if ratio <= budget else "  OVER"
        over |= bool(flag)
        unit = "" if what == "bytes" else "s"
        print(f"{name:<24}{value:>11.4g}{unit}{base:>11.4g}{unit}{ratio:>9.3f}{budget:>9.2f}  {what}{flag}")
        report.append({"measure": name, "value": value, "baseline": base, "ratio": ratio, "budget": budget,
                       "baseline_is": what})
    rate = args.ingest_rows / ingest
    flag = "" if rate >= FLOORS["ingest rows/s"] else "  OVER"
    over |= bool(flag)
    print(f"{'ingest rows/s':<24}{rate:>12,.0f}{'':>12}{'':>9}{FLOORS['ingest rows/s']:>9,}  goal: at least{flag}")
    report.append({"measure": "ingest rows/s", "value": rate, "floor": FLOORS["ingest rows/s"]})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": total, "results": report}, indent=2), encoding="utf-8")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
