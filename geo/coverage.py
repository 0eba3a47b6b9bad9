"""Making a polygon coverage web-sized: simplified as one coverage, specks dropped, snapped, rings clockwise.

Provinces and the per-province city and county files go through the same steps with their own parameters
(geo/README.md, "How it is built"), so the choices below are made once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

# ~2,000 offshore specks (mostly Zhejiang/Fujian/Liaoning islets) are what make the source heavy; parts
# smaller than this many squared tolerances that touch no neighbour are dropped. 0.4 is the provinces'
# 0.001 deg² at their 0.05° tolerance. Area alone is not enough: some small parts are exclaves that fill a
# neighbour's hole, so dropping them would open gaps.
SPECK_AREA_IN_TOLERANCES = 0.4
# Gaps this many grid steps wide or narrower are snapping artefacts, not borders (see _fill_pinholes).
PINHOLE_WIDTH_IN_GRID = 2


@dataclass(frozen=True)
class Simplification:
    """How hard one coverage is simplified; ``grid`` is a power of ten (0.001° ≈ 100 m)."""

    tolerance: float
    grid: float

    @property
    def decimals(self) -> int:
        return round(-math.log10(self.grid))

    @property
    def min_isolated_area(self) -> float:
        return SPECK_AREA_IN_TOLERANCES * self.tolerance**2


def web_coverage(
    geometries: gpd.GeoSeries, how: Simplification, keep: Mapping[str, Sequence[shapely.Polygon]] | None = None
) -> gpd.GeoSeries:
    """Simplify the coverage, drop isolated specks, snap (filling the pinholes snapping opens), orient clockwise.

    ``keep`` maps an index label to frames whose parts that unit keeps whatever their size (the islands
    Chinese published maps must show).

    ``simplify_coverage`` simplifies each shared border once, so neighbours stay gap- and overlap-free
    (per-polygon ``simplify`` opens hundreds of slivers).
    """
    simplified = geometries.simplify_coverage(how.tolerance)
    kept = _drop_isolated_specks(simplified, how.min_isolated_area, keep or {})
    return snap(kept, how.decimals, fill_pinholes=True)


def snap(geometries: gpd.GeoSeries, decimals: int, *, fill_pinholes: bool = False) -> gpd.GeoSeries:
    """Snap to the grid, keeping shared vertices shared, and orient exteriors clockwise, as MultiPolygons.

    ``set_precision`` repairs what snapping breaks (collapsed rings, spikes); the ``np.round`` after it only
    makes the JSON text short (116.789, not 116.78900000000002) and moves nothing by more than one ulp.
    plotly geo (d3-geo) reads a counter-clockwise exterior as "everything but this polygon".
    """
    snapped = geometries.set_precision(10.0**-decimals)
    rounded = gpd.GeoSeries(
        shapely.transform(np.asarray(snapped), lambda xy: np.round(xy, decimals)),
        index=geometries.index,
        crs=geometries.crs,
    )
    if fill_pinholes:
        rounded = _fill_pinholes(rounded, decimals)
    return rounded.orient_polygons(exterior_cw=True).apply(as_multipolygon)


def _fill_pinholes(geometries: gpd.GeoSeries, decimals: int) -> gpd.GeoSeries:
    """Merge gaps narrower than two grid steps into the neighbour sharing the longest border with them.

    Snapping polygons one by one can collapse a sliver of one and leave a pinhole between its neighbours
    (measured: one each in the Fujian and Henan county files, ~0.02–0.1 km²). Polygons ``coverage_clean``
    does not change are kept as they were, so files without pinholes come out byte-identical.
    """
    before = np.asarray(geometries)
    cleaned = shapely.coverage_clean(before, gap_width=PINHOLE_WIDTH_IN_GRID * 10.0**-decimals, snapping_distance=0)
    changed = ~shapely.equals(cleaned, before)
    if not changed.any():
        return geometries
    result = before.copy()
    result[changed] = shapely.transform(cleaned[changed], lambda xy: np.round(xy, decimals))
    return gpd.GeoSeries(result, index=geometries.index, crs=geometries.crs)


def as_multipolygon(geometry: shapely.Geometry) -> shapely.MultiPolygon:
    """The polygonal parts of ``geometry`` (snapping can leave a stray line or point) as one MultiPolygon."""
    polygons = [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon) and not p.is_empty]
    return shapely.MultiPolygon(polygons)


def _drop_isolated_specks(
    geometries: gpd.GeoSeries, min_area: float, keep: Mapping[str, Sequence[shapely.Polygon]]
) -> gpd.GeoSeries:
    """Keep each unit's largest part, parts of ``min_area`` or more, parts touching a neighbour or in ``keep``."""
    tree = shapely.STRtree(geometries.values)
    result = []
    for index, (label, geometry) in enumerate(geometries.items()):
        frames = keep.get(label, ())
        parts = shapely.get_parts(geometry)
        largest = int(np.argmax(shapely.area(parts)))
        result.append(
            shapely.MultiPolygon(
                [
                    part
                    for i, part in enumerate(parts)
                    if i == largest
                    or part.area >= min_area
                    or any(frame.contains(part) for frame in frames)
                    or any(other != index for other in tree.query(part, predicate="intersects"))
                ]
            )
        )
    return gpd.GeoSeries(result, index=geometries.index, crs=geometries.crs)
