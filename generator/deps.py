"""The dependency map: Site + mention index + article digests -> a digest per output page.

A page whose digest is the same as in the last build would render to the same bytes, so an
incremental build renders only the pages whose digest changed. Each digest names everything
`render.contexts` puts into that page: of each article, as much as the page shows of it
(`ArticleDigests`: the whole file, the front matter, or the sentences naming entities), the
neighbours an article page links, and the numbers of every entity it shows. Whatever the whole site shares (code, theme, configuration, entity registry)
is not in these digests: a change there makes a full build (see `cache.py`).
Keep this in step with `render.contexts`; tests/test_incremental.py compares against clean builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Mapping

from generator.config import SiteConfig
from generator.model import GROUPS, MentionIndex, Site, page_file
from generator.contexts import HOME_ENTITIES, RANKED_NAME


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class ArticleDigests:
    """Digests of one article, by what a page may show of it."""

    whole: str
    """Its file: front matter and body (its own page, the site's feed)."""
    front: str
    """Its front matter (lists and neighbours show only the Article, which holds no body text)."""
    said: str
    """Its sentences and quotes naming entities (what entity pages quote of its body)."""


def page_digests(site: Site, index: MentionIndex, article_digests: Mapping[str, ArticleDigests],
                 cfg: SiteConfig) -> dict[str, str]:
    """Output path -> digest of what the page shows, for every page and feed `contexts` yields.

    A page depends on as little of each article as it shows: an edit to a sentence that names no
    one changes the article's page (and feeds holding it), not its entities' pages nor the lists.
    """
    articles = site.articles
    ref = {key: f"{key}:{index.counts.get(key, 0)}:{len(slugs)}" for key, slugs in index.articles_of.items()}
    ref_of = {slug: [ref[k] for k in keys if k in ref] for slug, keys in index.entities_of.items()}
    art = {a.slug: f"{a.slug}:{article_digests[a.slug].whole}" for a in articles}
    front = {a.slug: f"{a.slug}:{article_digests[a.slug].front}" for a in articles}
    # what an entity page shows of each of its articles: its sentences, and the numbers of the
    # entities it names (its co-mentions); one string per article, not a set per entity
    said = {a.slug: _digest([front[a.slug], article_digests[a.slug].said, *ref_of[a.slug]]) for a in articles}
    pages: dict[str, str] = {}
    places = _place_index(site)
    _home(pages, site, index, ref, front, cfg)
    for i, article in enumerate(articles):
        near = [front[articles[j].slug] for j in (i - 1, i + 1) if 0 <= j < len(articles)]
        pages[page_file("articles", article.slug)] = _digest([art[article.slug], *near, *ref_of[article.slug]])
    for group in GROUPS:
        registry = site.registry(group)
        keys = sorted(f"{group}/{slug}" for slug in registry)
        pages[f"{group}/index.html"] = pages[f"{group}/{RANKED_NAME}"] = _digest(ref.get(k, k) for k in keys)
        for key in keys:
            _entity(pages, key, index, ref, art, said, ref_of, cfg, _places(site, key, places))
    pages["feed.xml"] = _digest(_entries([a.slug for a in articles[: cfg.feed_entries]], art, ref_of))
    return pages


def _home(pages: dict[str, str], site: Site, index: MentionIndex, ref: Mapping[str, str],
          front: Mapping[str, str], cfg: SiteConfig) -> None:
    top = sorted(index.articles_of, key=lambda k: (-index.counts.get(k, 0), site.entity(k).name  # type: ignore[union-attr]
                                                   if site.entity(k) else ""))
    actors = [ref[k] for k in top if k.startswith("actors/")][:HOME_ENTITIES]
    places = [ref[k] for k in top if k.startswith("locations/")][:HOME_ENTITIES]
    total = max(1, math.ceil(len(site.articles) / cfg.per_page))
    for number in range(1, total + 1):
        chunk = site.articles[(number - 1) * cfg.per_page: number * cfg.per_page]
        path = "index.html" if number == 1 else f"page/{number}/index.html"
        pages[path] = _digest([str(total), *(front[a.slug] for a in chunk), *actors, *places])


def _place_index(site: Site) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(country name -> its places' keys, name or alias -> keys of countries so named), made once."""
    inside: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    for slug, place in sorted(site.locations.items()):
        if place.country:
            inside.setdefault(place.country, []).append(f"locations/{slug}")
        if place.place_type == "country":
            for name in (place.name, *place.aliases):
                countries.setdefault(name, []).append(f"locations/{slug}")
    return inside, countries


def _places(site: Site, key: str, index: tuple[dict[str, list[str]], dict[str, list[str]]]) -> list[str]:
    """The other places a place's page shows: its country, or (a country) the places in it."""
    group, _, slug = key.partition("/")
    e = site.locations.get(slug) if group == "locations" else None
    if e is None:
        return []
    inside, countries = index
    found = set(countries.get(e.country, ())) if e.country else set()
    if e.place_type == "country":
        for name in (e.name, *e.aliases):
            found.update(inside.get(name, ()))
    found.discard(key)
    return sorted(found)


def _entity(pages: dict[str, str], key: str, index: MentionIndex, ref: Mapping[str, str], art: Mapping[str, str],
            said: Mapping[str, str], ref_of: Mapping[str, list[str]], cfg: SiteConfig, places: list[str]) -> None:
    slugs = index.articles_of.get(key, ())
    digest = _digest([ref.get(key, key), *map(said.__getitem__, slugs), *(ref.get(k, k) for k in places)])
    total = max(1, math.ceil(len(slugs) / cfg.per_page))
    first = PurePosixPath(key, "index.html")
    for number in range(1, total + 1):
        path = first if number == 1 else first.parent / "page" / str(number) / "index.html"
        pages[str(path)] = digest
    # its feed shows each of its latest articles' front matter, tags and sentences naming it
    pages[f"{key}/feed.xml"] = _digest([*map(said.__getitem__, slugs[: cfg.feed_entries])])


def _entries(slugs: list[str], art: Mapping[str, str], ref_of: Mapping[str, list[str]]) -> list[str]:
    return [part for slug in slugs for part in (art[slug], *ref_of[slug])]


def sitemap_pages(site: Site, pages: Mapping[str, str]) -> list[tuple[str, dt.date | None]]:
    """The sitemap's (path, date) list in `contexts` order, from the page digests' keys."""
    dates = {page_file("articles", a.slug): a.date for a in site.articles}
    return [(p, dates.get(p)) for p in pages if p.endswith(".html")]


def sitemap_digest(entries: list[tuple[str, dt.date | None]]) -> str:
    """Digest of the sitemap's entries."""
    return _digest(f"{path} {date}" for path, date in entries)
