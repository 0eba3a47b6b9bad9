"""The committed province geometry: right regions, valid, gap-free, clockwise, small, and reproducible."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import yaml

from geo import shapes
from geo.__main__ import main as geo_cli
from geo.build import ARTEFACTS, GEO_DIR, INSET_BBOX, REGIONS_YAML, build, load_source
from geo.shapes import INSET_FILE, MARITIME_FILE, PROVINCES_FILE

SIZE_BUDGET_BYTES = 250_000  # all map files together, uncompressed
MAP_FILES = (PROVINCES_FILE, INSET_FILE, MARITIME_FILE)
# Simplification moves coastlines by up to ~0.05°; measured: union 0.26 %, provinces ≤ 7.4 % of their area
# (Shanghai and Hainan, whose many small islands lose most), Hong Kong 26 %, Macao 44 % (both < 0.2 deg²,
# under two pixels on the dashboard). Overlaps and gaps between neighbours measure exactly zero.
UNION_SYMDIFF_MAX = 0.005
PROVINCE_SYMDIFF_MAX = 0.10
SMALL_PROVINCE_DEG2 = 0.5
SMALL_PROVINCE_CENTROID_SHIFT_MAX_DEG = 0.05
OVERLAP_MAX = 1e-6

# Points on islands every Chinese published map must show, with the region that holds them.
ISLANDS = {
    "Yongxing Dao (Xisha / Paracel)": ("460000", 112.336, 16.834),
    "Yongshu Jiao (Nansha / Spratly)": ("460000", 112.89, 9.55),
    "Taiping Dao (Nansha / Spratly)": ("460000", 114.366, 10.377),
    "Meiji Jiao (Nansha / Spratly)": ("460000", 115.53, 9.91),
    "Huangyan Dao (Zhongsha)": ("460000", 117.75, 15.15),
    "Zengmu Ansha": ("460000", 112.28, 3.97),
    "Dongsha Dao (Pratas)": ("440000", 116.72, 20.70),
    "Diaoyu Dao": ("710000", 123.47, 25.74),
}
ISLAND_DISTANCE_MAX_DEG = 0.05
# Diaoyu Dao lies outside the inset's frame (it is on the main map).
INSET_ISLANDS = {name: point for name, point in ISLANDS.items() if point[0] in {"440000", "460000"}}


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build into a temporary directory."""
    out = tmp_path_factory.mktemp("geo-build")
    build(out)
    return out


@pytest.fixture(scope="module")
def source_geometries() -> dict[str, shapely.Geometry]:
    return load_source().provinces.geometry.to_dict()


@pytest.fixture(scope="module")
def source_union(source_geometries: dict[str, shapely.Geometry]) -> shapely.Geometry:
    return shapely.union_all(list(source_geometries.values()))


@pytest.fixture(scope="module")
def built_geometries() -> dict[str, shapely.Geometry]:
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in shapes.provinces()["features"]}


def _config_provinces() -> dict[str, dict[str, Any]]:
    entries = yaml.safe_load(REGIONS_YAML.read_text(encoding="utf-8"))
    return {e["region_code"]: e for e in entries if e["level"] == "province"}


def _file_features(name: str) -> list[dict[str, Any]]:
    document = json.loads((GEO_DIR / name).read_text(encoding="utf-8"))
    return document["features"] if document["type"] == "FeatureCollection" else [document]


def _polygons(document: dict[str, Any]) -> list[shapely.Polygon]:
    return [
        polygon
        for feature in document["features"]
        for polygon in shapely.get_parts(shapely.geometry.shape(feature["geometry"]))
    ]


def test_features_are_exactly_the_34_province_codes_of_regions_yaml() -> None:
    features = shapes.provinces()["features"]
    config = _config_provinces()
    assert len(features) == len(config) == 34
    assert [f["id"] for f in features] == sorted(config)
    assert "100000" not in {f["id"] for f in features}
    for feature in features:
        assert feature["properties"]["region_code"] == feature["id"]
        assert isinstance(feature["id"], str)
        assert len(feature["id"]) == 6


def test_feature_names_come_from_regions_yaml() -> None:
    config = _config_provinces()
    for feature in shapes.provinces()["features"]:
        expected = {key: config[feature["id"]][key] for key in ("name_zh", "short_zh", "name_en")}
        assert feature["properties"] == {"region_code": feature["id"], **expected}


def test_inset_features_share_ids_and_properties_with_provinces() -> None:
    by_id = {f["id"]: f["properties"] for f in shapes.provinces()["features"]}
    inset = shapes.south_china_sea()["features"]
    assert {"440000", "450000", "460000", "710000"} <= {f["id"] for f in inset}
    for feature in inset:
        assert feature["properties"] == by_id[feature["id"]]


@pytest.mark.parametrize("name", ARTEFACTS)
def test_every_geometry_is_valid_and_non_empty(name: str) -> None:
    features = _file_features(name)
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.is_valid, (feature["id"], shapely.is_valid_reason(geometry))
        assert not geometry.is_empty, feature["id"]
        assert geometry.geom_type in {"MultiPolygon", "MultiLineString"}


@pytest.mark.parametrize("name", ARTEFACTS)
def test_coordinates_are_rounded_to_three_decimals(name: str) -> None:
    features = _file_features(name)
    coords = shapely.get_coordinates([shapely.geometry.shape(f["geometry"]) for f in features])
    assert np.array_equal(coords, np.round(coords, 3))


@pytest.mark.parametrize("document", [shapes.provinces, shapes.south_china_sea], ids=["provinces", "inset"])
def test_exterior_rings_are_clockwise_and_holes_counter_clockwise(document: Any) -> None:
    # plotly geo (d3-geo) fills the whole globe but the polygon when an exterior runs counter-clockwise.
    for polygon in _polygons(document()):
        assert not polygon.exterior.is_ccw
        assert all(ring.is_ccw for ring in polygon.interiors)


def test_neighbours_do_not_overlap(built_geometries: dict[str, shapely.Geometry]) -> None:
    geometries = list(built_geometries.values())
    total = sum(g.area for g in geometries)
    tree = shapely.STRtree(geometries)
    overlap = sum(
        geometries[i].intersection(geometries[j]).area
        for i, g in enumerate(geometries)
        for j in tree.query(g, predicate="intersects")
        if j > i
    )
    assert overlap / total < OVERLAP_MAX
    assert shapely.coverage_is_valid(np.asarray(geometries, dtype=object))


def test_no_gaps_open_between_provinces(
    source_union: shapely.Geometry, built_geometries: dict[str, shapely.Geometry]
) -> None:
    # A sliver between neighbours shows up as a hole in the union that the source's union does not have.
    def holes(union: shapely.Geometry) -> int:
        return sum(len(polygon.interiors) for polygon in shapely.get_parts(union))

    assert holes(shapely.union_all(list(built_geometries.values()))) <= holes(source_union)


def test_union_stays_within_tolerance_of_the_source(
    source_union: shapely.Geometry, built_geometries: dict[str, shapely.Geometry]
) -> None:
    built = shapely.union_all(list(built_geometries.values()))
    assert shapely.symmetric_difference(source_union, built).area / source_union.area < UNION_SYMDIFF_MAX


def test_each_province_stays_within_tolerance_of_the_source(
    source_geometries: dict[str, shapely.Geometry], built_geometries: dict[str, shapely.Geometry]
) -> None:
    for code, source in source_geometries.items():
        built = built_geometries[code]
        if source.area >= SMALL_PROVINCE_DEG2:
            assert shapely.symmetric_difference(source, built).area / source.area < PROVINCE_SYMDIFF_MAX, code
        else:
            shift = source.centroid.distance(built.centroid)
            assert shift < SMALL_PROVINCE_CENTROID_SHIFT_MAX_DEG, code


@pytest.mark.parametrize(("code", "lon", "lat"), ISLANDS.values(), ids=ISLANDS.keys())
def test_islands_on_chinese_maps_are_kept(
    built_geometries: dict[str, shapely.Geometry], code: str, lon: float, lat: float
) -> None:
    assert built_geometries[code].distance(shapely.Point(lon, lat)) <= ISLAND_DISTANCE_MAX_DEG


@pytest.mark.parametrize(("code", "lon", "lat"), INSET_ISLANDS.values(), ids=INSET_ISLANDS.keys())
def test_inset_shows_the_south_china_sea_islands(code: str, lon: float, lat: float) -> None:
    inset = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in shapes.south_china_sea()["features"]}
    assert inset[code].distance(shapely.Point(lon, lat)) <= ISLAND_DISTANCE_MAX_DEG


def test_inset_geometry_and_maritime_line_fit_the_inset_frame() -> None:
    assert shapes.inset_bbox() == INSET_BBOX
    frame = shapely.box(*INSET_BBOX).buffer(1e-9)
    for polygon in _polygons(shapes.south_china_sea()):
        assert frame.contains(polygon)
    line = shapely.geometry.shape(shapes.maritime_line()["geometry"])
    assert frame.contains(line)


def test_maritime_line_has_ten_dashes() -> None:
    line = shapely.geometry.shape(shapes.maritime_line()["geometry"])
    assert len(line.geoms) == 10


def test_shapes_parses_each_file_once() -> None:
    assert shapes.provinces() is shapes.provinces()
    assert shapes.south_china_sea() is shapes.south_china_sea()
    assert shapes.maritime_line() is shapes.maritime_line()
    assert shapes.province_codes() == tuple(sorted(_config_provinces()))


def test_neighbours_in_the_source_still_share_most_of_their_border(
    source_geometries: dict[str, shapely.Geometry], built_geometries: dict[str, shapely.Geometry],
) -> None:
    """A gap opening between two coastal neighbours (open to the sea, so no hole) would shorten their border."""
    codes = list(source_geometries)
    tree = shapely.STRtree([source_geometries[c] for c in codes])
    left, right = tree.query([source_geometries[c] for c in codes], predicate="intersects")
    shrunk = []
    for p, q in {(codes[i], codes[j]) for i, j in zip(left, right, strict=True) if i < j}:
        before = shapely.length(shapely.intersection(source_geometries[p].boundary, source_geometries[q].boundary))
        if before < 0.1:  # a corner or a few hundred metres: simplification may fairly drop it
            continue
        after = shapely.length(shapely.intersection(built_geometries[p].boundary, built_geometries[q].boundary))
        if after < 0.4 * before:  # simplified borders are straighter, hence shorter, but not by more than this
            shrunk.append((p, q, round(before, 2), round(after, 2)))
    assert shrunk == []


@pytest.mark.parametrize("name", ARTEFACTS)
def test_committed_artefacts_equal_a_fresh_build(fresh_build: Path, name: str) -> None:
    out = fresh_build
    assert (out / name).read_bytes() == (GEO_DIR / name).read_bytes(), f"run `python -m geo build` ({name})"


def test_build_is_deterministic(fresh_build: Path, tmp_path: Path) -> None:
    build(tmp_path)
    for name in ARTEFACTS:
        assert (tmp_path / name).read_bytes() == (fresh_build / name).read_bytes(), name


def test_map_files_fit_the_size_budget() -> None:
    assert sum((GEO_DIR / name).stat().st_size for name in MAP_FILES) <= SIZE_BUDGET_BYTES


@pytest.mark.parametrize("name", ARTEFACTS)
def test_readme_records_actual_sizes(name: str) -> None:
    readme = (GEO_DIR / "README.md").read_text(encoding="utf-8")
    data = (GEO_DIR / name).read_bytes()
    row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}`")), None)
    assert row is not None, f"geo/README.md has no size row for {name}"
    assert f"{len(data):,}" in row
    assert f"{len(gzip.compress(data, compresslevel=9, mtime=0)):,}" in row


def test_cli_rejects_regions_that_do_not_match_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = yaml.safe_load(REGIONS_YAML.read_text(encoding="utf-8"))
    regions = tmp_path / "regions.yaml"
    regions.write_text(yaml.safe_dump([e for e in entries if e["region_code"] != "820000"]), encoding="utf-8")
    assert geo_cli(["build", "--out", str(tmp_path / "out"), "--regions", str(regions)]) == 1
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
