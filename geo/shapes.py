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
GROUPS_FILE = "groups.geojson"
UNITS_DIR = "units"
UNIT_LEVELS = ("city", "county")


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


def groups() -> dict[str, Any]:
    """FeatureCollection of the group outlines: ``id`` = the group token the API accepts (``east``, ``长三角``).

    ``properties``: ``group`` (= id), ``kind`` (``macro_region`` or ``cluster``) and ``members`` (region codes).
    Each outline is the union of its members' shapes in ``provinces()``, so it lines up with the map.
    """
    return _load(GROUPS_FILE)


def unit_file(province_code: str, level: str) -> str:
    """The path of a province's city or county file, relative to geo/ (the dashboard serves it under /geo/)."""
    if level not in UNIT_LEVELS:
        raise LookupError(f"level {level!r}: expected one of {UNIT_LEVELS}")
    return f"{UNITS_DIR}/{province_code}_{level}.geojson"


@cache
def unit_province_codes() -> tuple[str, ...]:
    """Provinces that have city and county files (all but Taiwan, which the source does not subdivide)."""
    return tuple(sorted({path.name.split("_")[0] for path in (_GEO_DIR / UNITS_DIR).glob("*_county.geojson")}))


def units(province_code: str, level: str) -> dict[str, Any]:
    """FeatureCollection of one province's cities (``level="city"``) or counties (``"county"``), read on first use.

    ``city`` holds every unit directly under the province, ``county`` every unit with nothing below it; each
    covers the province without gaps (geo/README.md). ``id`` = ``properties.region_code`` (config/units.csv),
    with ``name_zh``, ``level`` and ``parent_code``. Unknown provinces or levels raise ``LookupError``.
    """
    name = unit_file(province_code, level)
    if province_code not in unit_province_codes():
        raise LookupError(f"region {province_code!r}: no {level} geometry (see geo/README.md)")
    return _load(name)


def province_codes() -> tuple[str, ...]:
    """The 34 region codes in file order (sorted)."""
    return tuple(f["id"] for f in provinces()["features"])


def inset_bbox() -> tuple[float, float, float, float]:
    """The inset frame as (lon_min, lat_min, lon_max, lat_max)."""
    lon_min, lat_min, lon_max, lat_max = south_china_sea()["bbox"]
    return (lon_min, lat_min, lon_max, lat_max)
