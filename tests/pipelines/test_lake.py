"""``export --lake DIR``: the warehouse as hive-partitioned Parquet that DuckDB (or Spark, Trino) reads back to
the same numbers, with a manifest of every file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.export import ExportError, write_lake
from pipelines.warehouse import Warehouse

AGGREGATES = """
    SELECT indicator_id, year, status, count(*) AS n, round(sum(value), 6) AS total, count(DISTINCT region_code) AS r
    FROM {source} GROUP BY ALL ORDER BY ALL
"""


@pytest.fixture(scope="module")
def lake(shipped_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lake") / "imm"
    wh = Warehouse(shipped_warehouse)
    try:
        write_lake(wh, out)
    finally:
        wh.close()
    return out


def test_the_partitioned_lake_reads_back_to_the_same_aggregates(lake: Path, shipped_warehouse: Path) -> None:
    con = duckdb.connect()
    parts = f"read_parquet('{lake}/observations/**/*.parquet', hive_partitioning = true)"
    from_lake = con.execute(AGGREGATES.format(source=parts)).fetchall()
    with duckdb.connect(str(shipped_warehouse), read_only=True) as wh:
        from_warehouse = wh.execute(AGGREGATES.format(source="observations")).fetchall()
    assert from_lake == from_warehouse and len(from_lake) > 50
    years = {p.name for p in (lake / "observations" / "indicator_id=cnc_rate").iterdir()}
    assert "year=2020" in years  # indicator/year directories, as hive-style engines expect
    assert con.execute(f"SELECT count(*) FROM read_parquet('{lake}/regions.parquet')").fetchall()[0][0] == 35


def test_the_manifest_lists_every_file_with_its_rows_and_checksum(lake: Path, shipped_warehouse: Path) -> None:
    manifest = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["observations"]["files"]
    on_disk = sorted(p.relative_to(lake).as_posix() for p in (lake / "observations").rglob("*.parquet"))
    assert sorted(f["path"] for f in files) == on_disk
    with duckdb.connect(str(shipped_warehouse), read_only=True) as wh:
        rows = wh.execute("SELECT count(*) FROM observations").fetchall()[0][0]
        schema_version = wh.execute("SELECT schema_version FROM build_info").fetchall()[0][0]
    assert manifest["observations"]["rows"] == sum(f["rows"] for f in files) == rows
    assert manifest["warehouse"]["schema_version"] == schema_version
    for entry in [*files, *manifest["tables"].values()]:
        assert hashlib.sha256((lake / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert {"indicators", "regions", "sources", "plans", "targets"} <= set(manifest["tables"])


def test_a_second_export_replaces_the_lake_and_a_foreign_directory_is_refused(
    lake: Path, shipped_warehouse: Path, tmp_path: Path,
) -> None:
    wh = Warehouse(shipped_warehouse)
    try:
        before = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
        write_lake(wh, lake)
        assert json.loads((lake / "manifest.json").read_text(encoding="utf-8")) == before
        assert not [p for p in lake.parent.iterdir() if p.name.startswith(".")]  # no staging left behind
        foreign = tmp_path / "mine"
        foreign.mkdir()
        (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
        with pytest.raises(ExportError, match="not a lake written by this tool"):
            write_lake(wh, foreign)
        assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    finally:
        wh.close()


def test_the_trino_table_in_docs_scale_matches_the_lake_files(lake: Path) -> None:
    """docs/scale.md tells engine operators which columns to declare: it must name the lake's own."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "scale.md").read_text(encoding="utf-8")
    block = doc.split("CREATE TABLE hive.imm.observations (", 1)[1].split("\nWITH", 1)[0]
    block = " ".join(line.split("--")[0] for line in block.splitlines()).strip().removesuffix(")")
    declared = [part.split()[0] for part in block.split(",") if part.strip()]
    con = duckdb.connect()
    columns = [row[0] for row in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{lake}/observations/**/*.parquet', hive_partitioning = true)"
    ).fetchall()]
    assert sorted(declared) == sorted(columns)
    assert declared[-2:] == ["indicator_id", "year"]  # Hive wants the partition columns last


def test_the_cli_writes_the_lake(shipped_warehouse: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "lake"
    done = subprocess.run([sys.executable, "-m", "pipelines", "export", "--lake", str(out), "--db",
                           str(shipped_warehouse)], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert f"wrote {out}: {manifest['observations']['rows']} observations" in done.stdout
