"""Typed template contexts: one dataclass per kind of page, each knowing its own path."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Mapping

from markupsafe import Markup

from generator.content import Article, Entity
from generator.model import ArticleMention, Quote


@dataclass(frozen=True, slots=True)
class SiteView:
    """What templates may know about the site (not the config object itself)."""

    title: str
    description: str
    language: str
    base_url: str
    pretty_links: bool
    generator: str
    search: bool = True
    """Whether the site has a search index (pagefind/)."""


@functools.lru_cache(maxsize=1 << 14)  # asked for on every page that names the entity
def _entity_page(key: str) -> PurePosixPath:
    return PurePosixPath(key, "index.html")


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as listed on other pages: link target, name and numbers."""

    key: str
    """`actors/<slug>` or `locations/<slug>`."""
    entity: Entity
    """The registry entry."""
    count: int = 0
    """Times named (site-wide on lists, in the article on article pages)."""
    articles: int = 0
    """Number of articles mentioning it."""

    @property
    def path(self) -> PurePosixPath:
        """Its page."""
        return _entity_page(self.key)


@dataclass(frozen=True, slots=True)
class Pager:
    """Position in a paginated listing."""

    number: int
    """1-based page number."""
    total: int
    """Number of pages."""
    first: PurePosixPath
    """Path of page 1 (the others are `<dir>/page/N/index.html`)."""

    def path_of(self, n: int) -> PurePosixPath:
        """Path of page `n`."""
        return self.first if n == 1 else self.first.parent / "page" / str(n) / "index.html"

    @property
    def prev(self) -> PurePosixPath | None:
        """Previous page, if any."""
        return self.path_of(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> PurePosixPath | None:
        """Next page, if any."""
        return self.path_of(self.number + 1) if self.number < self.total else None


@dataclass(frozen=True, slots=True)
class IndexContext:
    """The home page (and its continuation pages)."""

    path: PurePosixPath
    title: str
    articles: tuple[Article, ...]
    actors: tuple[EntityRef, ...]
    locations: tuple[EntityRef, ...]
    pager: Pager
    template: str = "index.html"


@dataclass(frozen=True, slots=True)
class ArticleContext:
    """One article page."""

    path: PurePosixPath
    title: str
    article: Article
    body: Markup
    people: tuple[EntityRef, ...]
    organisations: tuple[EntityRef, ...]
    places: tuple[EntityRef, ...]
    json_ld: dict[str, Any]
    newer: Article | None = None
    older: Article | None = None
    cards: Mapping[str, Mapping[str, Any]] | None = None
    """Entity key -> hover-card data (name, role, summary, counts, href), embedded as JSON."""
    template: str = "article.html"


@dataclass(frozen=True, slots=True)
class Appearance:
    """One article on an entity page, with the sentences that name the entity."""

    article: Article
    sentences: tuple[ArticleMention, ...]
    href: str = ""
    """The link from the page to the article (made in Python: a template's `url()` cost ~5 us an
    article, ~100,000 a 10,000-article site)."""


@dataclass(frozen=True, slots=True)
class EntityContext:
    """An actor or location page (one page of it, when paginated)."""

    path: PurePosixPath
    title: str
    ref: EntityRef
    body: Markup
    appearances: tuple[Appearance, ...]
    co_actors: tuple[tuple[EntityRef, int], ...]
    co_locations: tuple[tuple[EntityRef, int], ...]
    first_date: dt.date | None
    last_date: dt.date | None
    feed: PurePosixPath
    pager: Pager
    quotes: tuple[Quote, ...] = ()
    """Quotes attributed to this actor (first page only)."""
    map: Markup | None = None
    """Locator map (locations with coordinates)."""
    country: EntityRef | None = None
    """The location page of the country this place lies in, if there is one."""
    within: tuple[EntityRef, ...] = ()
    """For a country: the places in it that have pages."""
    titles: dict[str, str] | None = None
    """Article slug -> title, for the quotes section."""
    template: str = "entity.html"


@dataclass(frozen=True, slots=True)
class ListContext:
    """actors/index.html or locations/index.html."""

    path: PurePosixPath
    title: str
    group: str
    sections: tuple[tuple[str, tuple[EntityRef, ...]], ...]
    view: str = "az"
    """`az` (grouped by letter or country) or `ranked` (by mentions)."""
    map: Markup | None = None
    """Overview map (locations)."""
    total: int = 0
    """Number of entities listed."""
    template: str = "entities.html"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article in a feed."""

    article: Article
    html: Markup
    """The site's feed: the article's HTML, without sidenotes. An entity's feed: the article's
    summary and its sentences that name the entity, names marked, each linked to its paragraph."""
    tags: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class FeedContext:
    """An Atom feed (site-wide or one entity's)."""

    path: PurePosixPath
    title: str
    page: PurePosixPath
    """The HTML page the feed belongs to."""
    entries: tuple[FeedEntry, ...]
    updated: dt.date | None
    template: str = "feed.xml"


@dataclass(frozen=True, slots=True)
class PlainContext:
    """Pages with no data of their own: 404.html, robots.txt, sitemap.xml."""

    path: PurePosixPath
    title: str
    template: str
    items: tuple[tuple[PurePosixPath, dt.date | None], ...] = ()
