"""Offline maps drawn at build time: bundled country outlines + coordinates -> inline SVG.

The outlines are Natural Earth's public-domain 1:110m countries (see generator/data/world-110m.json
and tools/make_world_data.py). No tiles, no API key, no request leaves the page.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from markupsafe import Markup, escape

DATA = Path(__file__).resolve().parent / "data" / "world-110m.json"
WIDTH, HEIGHT = 300, 200
WORLD_LAT = (-57.0, 84.0)
WORLD_SCALE = 2.5
_HALF_HEIGHT = {"city": 4.0, "town": 3.0, "village": 3.0, "region": 14.0, "territory": 8.0,
                "state": 8.0, "province": 8.0, "continent": 35.0}


@dataclass(frozen=True, slots=True)
class Country:
    """One country outline."""

    id: str
    """ISO 3166-1 numeric code (empty for a few disputed areas)."""
    name: str
    """Short name as Natural Earth writes it."""
    rings: tuple[tuple[tuple[float, float], ...], ...]
    """Outer and inner rings as (lon, lat) points."""
    bbox: tuple[float, float, float, float]
    """(west, south, east, north) of its largest ring."""


@dataclass(frozen=True, slots=True)
class World:
    """All country outlines, looked up by numeric code or name."""

    countries: tuple[Country, ...]
    source: str


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A place on the overview map."""

    name: str
    lat: float
    lon: float
    href: str
    """Link to its page, relative to the map's page."""
    weight: int
    """Mentions: sets the dot size."""


@functools.lru_cache(maxsize=4)
def load_world(path: Path = DATA) -> World:
    """Read the bundled outlines (once per process)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    countries = []
    for item in data["countries"]:
        rings = tuple(_unwrap(tuple((flat[i] / 100, flat[i + 1] / 100) for i in range(0, len(flat), 2)))
                      for polygon in item["polygons"] for flat in polygon)
        largest = max(rings, key=len)
        lons, lats = [p[0] for p in largest], [p[1] for p in largest]
        countries.append(Country(item["id"], item["name"], rings, (min(lons), min(lats), max(lons), max(lats))))
    return World(tuple(countries), data["source"])


def _unwrap(ring: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    """A ring that crosses the antimeridian (Fiji, Chukotka) continues past 180° instead of
    jumping back across the whole map; the part beyond the edge is simply cut off by the viewBox."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:])):
        return ring
    return tuple((lon + 360 if lon < 0 else lon, lat) for lon, lat in ring)


def find_country(world: World, name: str) -> Country | None:
    """The outline of a country named in content (`United States`, `Palestine`, `UK` …)."""
    if not name:
        return None
    folded = name.casefold()
    for country in world.countries:
        if country.name.casefold() == folded:
            return country
    import pycountry  # here, not at the top: ~45 ms of imports a build without place pages never needs

    try:
        numeric = pycountry.countries.lookup(name).numeric
    except LookupError:
        try:
            numeric = pycountry.countries.search_fuzzy(name)[0].numeric
        except LookupError:
            return None
    return next((c for c in world.countries if c.id == numeric), None)


def _path(points: Iterable[tuple[float, float]]) -> str:
    out: list[str] = []
    last: tuple[float, float] | None = None
    for x, y in points:
        if last is not None and abs(x - last[0]) < 0.6 and abs(y - last[1]) < 0.6:
            continue
        out.append(f"{x:.1f} {y:.1f}")
        last = (x, y)
    return ("M" + "L".join(out) + "Z") if len(out) > 2 else ""


def _window(lat: float, lon: float, place_type: str, country: Country | None,
            is_country: bool) -> tuple[float, float, float]:
    """(centre lat, centre lon, half height in degrees) of the locator map."""
    if is_country and country is not None:
        west, south, east, north = country.bbox
        cos = max(0.2, math.cos(math.radians((south + north) / 2)))
        half = max((north - south) / 2, (east - west) * cos / 3) * 1.35
        return (south + north) / 2, (west + east) / 2, min(max(half, 3.0), 40.0)
    return lat, lon, _HALF_HEIGHT.get(place_type, 6.0)


def locator_svg(world: World, name: str, lat: float, lon: float, place_type: str = "",
                country_name: str = "") -> Markup:
    """A small map centred on a place: countries around it, its country shaded, a dot on the spot."""
    is_country = place_type == "country"
    country = find_country(world, name if is_country else country_name)
    if is_country and country is None:
        country = find_country(world, country_name)
    c_lat, c_lon, half = _window(lat, lon, place_type, country, is_country)
    c_lat = max(min(c_lat, 80.0), -80.0)
    cos = max(0.2, math.cos(math.radians(c_lat)))
    scale = (HEIGHT / 2) / half
    half_lon = (WIDTH / 2) / (scale * cos)

    def project(p: tuple[float, float]) -> tuple[float, float]:
        return (WIDTH / 2 + (p[0] - c_lon) * cos * scale, HEIGHT / 2 - (p[1] - c_lat) * scale)

    shapes = []
    for item in world.countries:
        rings = [r for r in item.rings if _meets(r, c_lon - half_lon, c_lat - half, c_lon + half_lon, c_lat + half)]
        data = "".join(_path(project(p) for p in r) for r in rings)
        if data:
            cls = "map-focus" if country is not None and item is country else "map-land"
            shapes.append(f'<path class="{cls}" d="{data}"/>')
    x, y = project((lon, lat))
    label = f"Map: {name}" + (f", {country.name}" if country is not None and not is_country else "")
    marker = "" if is_country else (f'<circle class="map-dot-halo" cx="{x:.1f}" cy="{y:.1f}" r="9"/>'
                                    f'<circle class="map-dot" cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>')
    return Markup(f'<svg class="locator-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
                  f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
                  f'<rect class="map-sea" width="{WIDTH}" height="{HEIGHT}"/>{"".join(shapes)}{marker}</svg>')


def _meets(ring: tuple[tuple[float, float], ...], west: float, south: float, east: float, north: float) -> bool:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return min(lons) <= east and max(lons) >= west and min(lats) <= north and max(lats) >= south


def overview_svg(world: World, points: Iterable[MapPoint], label: str) -> Markup:
    """The whole world with a linked dot per place, sized by mentions (biggest drawn first)."""
    top, bottom = WORLD_LAT[1], WORLD_LAT[0]
    width, height = 360 * WORLD_SCALE, (top - bottom) * WORLD_SCALE

    def project(p: tuple[float, float]) -> tuple[float, float]:
        return ((p[0] + 180) * WORLD_SCALE, (top - p[1]) * WORLD_SCALE)

    land = "".join(_path(project(p) for p in ring) for item in world.countries
                   if item.name != "Antarctica" for ring in item.rings)
    dots = []
    for point in sorted(points, key=lambda p: (-p.weight, p.name)):
        x, y = project((point.lon, point.lat))
        r = 3 + 2.2 * math.sqrt(max(point.weight, 1))
        r = min(r, 16.0)
        dots.append(f'<a href="{escape(point.href)}" aria-label="{escape(point.name)}">'
                    f'<circle class="map-dot" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
                    f'<title>{escape(point.name)}</title></circle></a>')
    return Markup(f'<svg class="overview-map" viewBox="0 0 {width:.0f} {height:.0f}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
                  f'<rect class="map-sea" width="{width:.0f}" height="{height:.0f}"/>'
                  f'<path class="map-land" d="{land}"/>{"".join(dots)}</svg>')
