"""Read-only access to the committed GeoJSON: each file is parsed once per process, never per callback.

The returned dicts are shared between callers (plotly copies what it serialises); treat them as read-only.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_GEO_DIR = Path(__file__).resolve().parent

PROVINCES_FILE = "provinces.geojson"
INSET_FILE = "south_china_sea.geojson"
MARITIME_FILE = "maritime_line.geojson"


@cache
def raw(name: str) -> bytes:
    """A committed file's bytes, read once: the dashboard serves them as they are."""
    return (_GEO_DIR / name).read_bytes()


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads(raw(name))


def provinces() -> dict[str, Any]:
    """FeatureCollection of the 34 provincial-level units; ``id`` = ``properties.region_code`` (adcode).

    Hainan (460000) includes the South China Sea islands, which lie outside the main map's frame.
    """
    return _load(PROVINCES_FILE)


def south_china_sea() -> dict[str, Any]:
    """FeatureCollection for the South China Sea inset: provinces cut to its frame, same ids and properties.

    The frame (lon_min, lat_min, lon_max, lat_max) is the collection's GeoJSON ``bbox`` member.
    """
    return _load(INSET_FILE)


def maritime_line() -> dict[str, Any]:
    """Feature with the ten-dash maritime boundary as a MultiLineString (one line per dash)."""
    return _load(MARITIME_FILE)


def province_codes() -> tuple[str, ...]:
    """The 34 region codes in file order (sorted)."""
    return tuple(f["id"] for f in provinces()["features"])


def inset_bbox() -> tuple[float, float, float, float]:
    """The inset frame as (lon_min, lat_min, lon_max, lat_max)."""
    lon_min, lat_min, lon_max, lat_max = south_china_sea()["bbox"]
    return (lon_min, lat_min, lon_max, lat_max)
