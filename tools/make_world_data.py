"""Decode world-atlas' 110m country TopoJSON once into generator/data/world-110m.json.

Source: the npm package `world-atlas` 2.0.2 (countries-110m.json), made by Mike Bostock from
Natural Earth's 1:110m Admin 0 countries, which are in the public domain (naturalearthdata.com);
world-atlas itself is ISC-licensed. Run once, commit the output:

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    python tools/make_world_data.py package/countries-110m.json generator/data/world-110m.json

The output keeps each country's ISO 3166-1 numeric id and name, and its rings as flat lists of
longitude/latitude pairs in hundredths of a degree (plenty for a locator map 300 px wide).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SOURCE = ("Natural Earth 1:110m Admin 0 countries (public domain), via the npm package "
          "world-atlas 2.0.2 (ISC licence, Mike Bostock), decoded by tools/make_world_data.py")


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Quantised, delta-encoded arcs -> lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[int]:
    """One ring from arc indexes (negative = reversed), as flat hundredths of a degree."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    flat: list[int] = []
    last = None
    for lon, lat in points:
        pair = (round(lon * 100), round(lat * 100))
        if pair != last:
            flat.extend(pair)
            last = pair
    return flat


def main(src: Path, dest: Path) -> None:
    topo = json.loads(src.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        countries.append({"id": geometry.get("id") or "", "name": geometry["properties"]["name"],
                          "polygons": [[ring(r, arcs) for r in polygon] for polygon in polygons]})
    countries.sort(key=lambda c: (c["name"], c["id"]))
    data = {"source": SOURCE, "units": "hundredths of a degree, [lon, lat, lon, lat, ...]",
            "countries": countries}
    dest.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
