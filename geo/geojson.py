"""Canonical GeoJSON for the committed files: same input, same bytes; and the sizes the README records."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

_JSON_OPTS: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}


@dataclass(frozen=True)
class ArtefactStats:
    """Size and complexity of one written file, for the README and the size-budget tests."""

    name: str
    raw_bytes: int
    gzip_bytes: int
    vertices: int
    features: int


def feature(code: str, geometry: shapely.Geometry, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A Feature whose ``id`` is the region code (plotly's default ``featureidkey``)."""
    geojson = shapely.geometry.mapping(geometry)
    return {"type": "Feature", "id": code, "properties": dict(properties), "geometry": geojson}


def collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """A FeatureCollection; ``members`` are foreign members such as ``source`` or ``bbox``."""
    return {"type": "FeatureCollection", **members, "features": features}


def dumps(document: Mapping[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, no whitespace, UTF-8, final newline — identical on every build."""
    return (json.dumps(document, **_JSON_OPTS) + "\n").encode("utf-8")


def gzip_size(data: bytes) -> int:
    """Bytes on the wire when served gzipped (level 9, no timestamp, so the figure is reproducible)."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def count_vertices(document: Mapping[str, Any]) -> int:
    """Coordinate pairs in a Feature or FeatureCollection (closing ring vertices included, as in the file)."""
    features = document["features"] if document["type"] == "FeatureCollection" else [document]
    return sum(int(shapely.get_num_coordinates(shapely.geometry.shape(f["geometry"]))) for f in features)


def write(out_dir: Path, documents: Mapping[str, Mapping[str, Any]]) -> list[ArtefactStats]:
    """Write each document to ``out_dir / name`` (creating subdirectories) and return its sizes."""
    stats = []
    for name, document in documents.items():
        data = dumps(document)
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stats.append(
            ArtefactStats(
                name=name,
                raw_bytes=len(data),
                gzip_bytes=gzip_size(data),
                vertices=count_vertices(document),
                features=len(document.get("features", [document])),
            )
        )
    return stats
