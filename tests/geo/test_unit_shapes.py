"""geo/units/: per-province city and county maps that match config/units.csv, tile their province, stay small."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from geo import shapes, source
from geo.build import GEO_DIR
from geo.geojson import gzip_size
from geo.unit_shapes import build_units
from geo.units import layer, load_units

FILE_GZIP_BUDGET = 48_000  # bytes on the wire per file (geo/README.md, "Budgets")
FILE_RAW_BUDGET = 200_000
TOTAL_RAW_BUDGET = 5_000_000  # everything under geo/units/, as committed
UNION_SYMDIFF_MAX = 0.01  # of the province's area: coastline smoothing (measured worst 0.69 %, Gansu)
# A hole in a layer's union that the province's source outline covers is land gone missing (a gap between
# neighbours), unless the source itself has it: Amap's county boundaries leave out the University of Macau's
# Hengqin campus (Macao-administered, inside Zhuhai) that its Guangdong outline includes.
HOLE_LAND_MAX = 0.5
KNOWN_SOURCE_HOLES = {("440000", "county"): (113.548, 22.128)}
# Islands the Hainan and Guangdong files must keep, with the unit holding them.
ISLANDS = {
    "Yongxing Dao (Xisha)": ("460000", "city", "460300", 112.336, 16.834),
    "Huangyan Dao (Zhongsha)": ("460000", "county", "460301", 117.75, 15.15),
    "Yongshu Jiao (Nansha)": ("460000", "county", "460302", 112.89, 9.55),
    "Zengmu Ansha": ("460000", "county", "460302", 112.28, 3.97),
    "Dongsha Dao": ("440000", "county", "441502", 116.72, 20.70),
}
ISLAND_DISTANCE_MAX_DEG = 0.05
SAMPLE = ("110000", "460000", "820000")  # rebuilt by the tests: a municipality, the islands, the finest grid

UNITS = load_units()
PROVINCES = tuple(sorted({unit.province_code for unit in UNITS}))
FILES = [(province, level) for province in PROVINCES for level in shapes.UNIT_LEVELS]
UNIT_DIR = GEO_DIR / shapes.UNITS_DIR


def _geometries(document: dict[str, Any]) -> np.ndarray:
    return np.asarray([shapely.geometry.shape(f["geometry"]) for f in document["features"]], dtype=object)


@pytest.fixture(scope="module")
def province_sources() -> dict[str, shapely.Geometry]:
    return source.read_boundaries(source.index_rows("province")).geometry.to_dict()


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("units-build")
    build_units(out, provinces=SAMPLE)
    return out


def test_there_is_a_city_and_a_county_file_for_every_province_with_units() -> None:
    assert sorted(p.relative_to(GEO_DIR).as_posix() for p in UNIT_DIR.iterdir()) == sorted(
        shapes.unit_file(province, level) for province, level in FILES
    )
    assert shapes.unit_province_codes() == PROVINCES
    assert "710000" not in PROVINCES  # the source does not subdivide Taiwan
    with pytest.raises(LookupError, match="710000"):
        shapes.units("710000", "city")
    with pytest.raises(LookupError, match="town"):
        shapes.units("110000", "town")


@pytest.mark.parametrize(("province", "level"), FILES)
def test_features_are_the_units_csv_rows_of_that_province_and_level(province: str, level: str) -> None:
    features = shapes.units(province, level)["features"]
    expected = sorted(layer(UNITS, province, level))
    assert [f["id"] for f in features] == [u.code for u in expected]
    for feature, unit in zip(features, expected, strict=True):
        assert feature["properties"] == {
            "region_code": unit.code, "name_zh": unit.name_zh, "level": unit.level, "parent_code": unit.parent_code,
        }


@pytest.mark.parametrize(("province", "level"), FILES)
def test_geometry_is_valid_rounded_clockwise_and_gap_free(
    province: str, level: str, province_sources: dict[str, shapely.Geometry]
) -> None:
    document = shapes.units(province, level)
    geometries = _geometries(document)
    assert all(g.geom_type == "MultiPolygon" and g.is_valid and not g.is_empty for g in geometries)
    decimals = round(-np.log10(document["simplification"]["grid_deg"]))
    coords = shapely.get_coordinates(geometries)
    assert np.array_equal(coords, np.round(coords, decimals))
    for polygon in shapely.get_parts(geometries):
        assert not polygon.exterior.is_ccw and all(ring.is_ccw for ring in polygon.interiors)
    # No overlaps, and neighbours share their border vertex for vertex.
    assert shapely.coverage_is_valid(geometries)
    union = shapely.union_all(geometries)
    outline = province_sources[province]
    assert shapely.symmetric_difference(outline, union).area / outline.area < UNION_SYMDIFF_MAX
    known = KNOWN_SOURCE_HOLES.get((province, level))
    for polygon in shapely.get_parts(union):
        for ring in polygon.interiors:
            hole = shapely.Polygon(ring)
            if known and hole.contains(shapely.Point(known)):
                continue
            land = shapely.intersection(outline, hole).area / hole.area
            assert land < HOLE_LAND_MAX, (province, level, hole.centroid)


@pytest.mark.parametrize(("province", "level", "code", "lon", "lat"), ISLANDS.values(), ids=ISLANDS.keys())
def test_islands_on_chinese_maps_are_kept(province: str, level: str, code: str, lon: float, lat: float) -> None:
    features = {f["id"]: f for f in shapes.units(province, level)["features"]}
    island = shapely.Point(lon, lat)
    assert shapely.geometry.shape(features[code]["geometry"]).distance(island) <= ISLAND_DISTANCE_MAX_DEG


def test_every_file_fits_the_budget() -> None:
    sizes = {path.name: path.read_bytes() for path in UNIT_DIR.iterdir()}
    assert max(len(data) for data in sizes.values()) <= FILE_RAW_BUDGET
    assert max(gzip_size(data) for data in sizes.values()) <= FILE_GZIP_BUDGET
    assert sum(len(data) for data in sizes.values()) <= TOTAL_RAW_BUDGET


@pytest.mark.parametrize("level", shapes.UNIT_LEVELS)
def test_readme_records_actual_sizes(level: str) -> None:
    readme = (GEO_DIR / "README.md").read_text(encoding="utf-8")
    row = next((line for line in readme.splitlines() if line.startswith(f"| `units/*_{level}.geojson`")), None)
    assert row is not None, f"geo/README.md has no size row for {level} files"
    data = [path.read_bytes() for path in sorted(UNIT_DIR.glob(f"*_{level}.geojson"))]
    largest = max(data, key=gzip_size)
    for figure in (len(data), sum(map(len, data)), sum(map(gzip_size, data)), gzip_size(largest)):
        assert re.search(rf"\b{figure:,}\b", row), (figure, row)


@pytest.mark.parametrize("province", SAMPLE)
def test_committed_files_equal_a_fresh_build(sample_build: Path, province: str) -> None:
    for level in shapes.UNIT_LEVELS:
        name = shapes.unit_file(province, level)
        fresh, committed = (sample_build / name).read_bytes(), (GEO_DIR / name).read_bytes()
        assert fresh == committed, f"run `python -m geo build` ({name})"


def test_build_is_deterministic(sample_build: Path, tmp_path: Path) -> None:
    build_units(tmp_path, provinces=SAMPLE[:1])
    for level in shapes.UNIT_LEVELS:
        name = shapes.unit_file(SAMPLE[0], level)
        assert (tmp_path / name).read_bytes() == (sample_build / name).read_bytes(), name


def test_a_unit_file_is_parsed_once_and_only_when_asked() -> None:
    shapes._load.cache_clear()
    shapes.units("110000", "county")
    assert shapes._load.cache_info().currsize == 1  # not the other 65 files
    assert shapes.units("110000", "county") is shapes.units("110000", "county")
