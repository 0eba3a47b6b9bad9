"""geo/groups.geojson: one outline per macro-region and cluster, the union of its members as the map draws them."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import yaml

from geo import shapes
from geo.build import GEO_DIR, REGIONS_YAML
from pipelines.slices import CLUSTERS, MACRO_REGIONS

GROUPS_RAW_BUDGET = 150_000  # bytes; ~33 KB gzipped, fetched only by group views
UNION_SYMDIFF_MAX = 1e-9  # of the group's area: dissolved from the same vertices, so equal up to float noise

ENTRIES = [e for e in yaml.safe_load(REGIONS_YAML.read_text(encoding="utf-8")) if e["level"] == "province"]
FEATURES = {f["id"]: f for f in shapes.groups()["features"]}
PROVINCES = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in shapes.provinces()["features"]}


def test_ids_are_the_group_tokens_the_api_accepts() -> None:
    assert set(FEATURES) == set(MACRO_REGIONS) | set(CLUSTERS)
    for token, feature in FEATURES.items():
        kind = "macro_region" if token in MACRO_REGIONS else "cluster"
        assert feature["properties"]["group"] == token
        assert feature["properties"]["kind"] == kind


@pytest.mark.parametrize("token", sorted(FEATURES))
def test_members_are_the_provinces_regions_yaml_puts_in_the_group(token: str) -> None:
    kind = FEATURES[token]["properties"]["kind"]
    expected = sorted(str(e["region_code"]) for e in ENTRIES if e.get(kind) == token)
    assert FEATURES[token]["properties"]["members"] == expected


@pytest.mark.parametrize("token", sorted(FEATURES))
def test_outline_equals_the_union_of_its_members(token: str) -> None:
    feature = FEATURES[token]
    outline = shapely.geometry.shape(feature["geometry"])
    assert outline.geom_type == "MultiPolygon" and outline.is_valid
    union = shapely.union_all([PROVINCES[code] for code in feature["properties"]["members"]])
    assert shapely.symmetric_difference(outline, union).area / union.area < UNION_SYMDIFF_MAX
    coords = shapely.get_coordinates(outline)
    assert np.array_equal(coords, np.round(coords, 3))
    for polygon in shapely.get_parts(outline):
        assert not polygon.exterior.is_ccw and all(ring.is_ccw for ring in polygon.interiors)


@pytest.mark.parametrize("kind", ["macro_region", "cluster"])
def test_groups_of_one_kind_do_not_overlap(kind: str) -> None:
    outlines = [shapely.geometry.shape(f["geometry"]) for f in FEATURES.values() if f["properties"]["kind"] == kind]
    assert shapely.coverage_is_valid(np.asarray(outlines, dtype=object))


def test_groups_file_fits_its_budget() -> None:
    data = (GEO_DIR / shapes.GROUPS_FILE).read_bytes()
    assert len(data) <= GROUPS_RAW_BUDGET
