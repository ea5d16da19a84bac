"""Site + mention index + annotated bodies -> the typed context of every page, in a fixed order."""

from __future__ import annotations

import math
from pathlib import PurePosixPath
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Protocol, cast

from markupsafe import Markup

from generator.config import SiteConfig
from generator.content import Article, Entity
from generator.jsontext import JsonObject
from generator.marks import escape_output, marker
from generator.markdown import AnnotatedBody
from generator.model import GROUPS, ArticleMention, MentionIndex, Site, names, page_file, page_path, surface_forms
from generator.pages import (Appearance, ArticleContext, EntityContext, EntityRef, FeedContext,
                             FeedEntry, IndexContext, ListContext, Pager)
from generator.urls import page_link, page_url

if TYPE_CHECKING:  # maps and transliteration are imported where a page needs them
    from generator.maps import World


class SentencesOf(Protocol):
    """Mentions that read only the sentences asked for (the build cache's `incremental.LazyMentions`):
    an entity's feed shows those of its latest articles, not of every article naming it."""

    def of_articles(self, key: str, slugs: Iterable[str]) -> dict[str, tuple[ArticleMention, ...]]: ...


HOME_ENTITIES = 12
RANKED_NAME = "by-mentions.html"
_SCHEMA_TYPES = {"person": "Person", "organisation": "Organization", "location": "Place"}


def refs(site: Site, index: MentionIndex, keys: tuple[str, ...] | list[str],
         made: dict[str, EntityRef | None] | None = None) -> list[EntityRef]:
    """EntityRefs (site-wide counts) for the keys that name a registry entry; `made` keeps them
    (for one site and index) for the next call (every article page and feed entry asks)."""
    out = []
    for entity_key in keys:
        if made is not None and entity_key in made:
            ref = made[entity_key]
        else:
            entity = site.entity(entity_key)
            ref = None if entity is None else EntityRef(entity_key, entity, index.counts.get(entity_key, 0),
                                                        len(index.articles_of.get(entity_key, ())))
            if made is not None:
                made[entity_key] = ref
        if ref is not None:
            out.append(ref)
    return out


def _thing(ref: EntityRef, cfg: SiteConfig, kept: dict[Any, JsonObject] | None = None) -> JsonObject:
    """The entity as a schema.org Thing (`kept`, by entity key, holds those made for one site)."""
    thing = kept.get(ref.key) if kept is not None else None
    if thing is not None:
        return thing
    thing = JsonObject({"@type": _SCHEMA_TYPES[ref.entity.kind], "name": ref.entity.name,
                        "url": page_url(cfg.base_url, ref.path, cfg.pretty_links)})
    if ref.entity.wikidata:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{ref.entity.wikidata}"
    if ref.entity.kind == "location" and ref.entity.lat is not None and ref.entity.lon is not None:
        thing["geo"] = {"@type": "GeoCoordinates", "latitude": ref.entity.lat, "longitude": ref.entity.lon}
    if kept is not None:
        kept[ref.key] = thing
    return thing


def _about(article: Article, found: list[EntityRef], local: Mapping[str, int]) -> list[EntityRef]:
    """What the article is about: entities named in the headline, else the three named most."""
    named = [r for r in found if any(names(article.title, f) for f in surface_forms(r.entity))]
    if named:
        return named
    return sorted(found, key=lambda r: -local.get(r.key, 0))[:3]


def _card(ref: EntityRef, page: PurePosixPath, kept: dict[Any, JsonObject] | None = None,
          pretty_links: bool = False) -> JsonObject:
    """The entity's hover card on `page` (`kept`, by entity key and link, holds those made for one
    site: every article page links an entity the same way)."""
    href = page_link(ref.path, page, pretty_links)
    card = kept.get((ref.key, href)) if kept is not None else None
    if card is not None:
        return card
    e = ref.entity
    role = e.role or (f"{e.place_type}{' in ' + e.country if e.country and e.country != e.name else ''}"
                      if e.place_type else "")
    card = JsonObject({"name": e.name, "kind": e.kind, "role": role, "summary": e.summary, "mentions": ref.count,
                       "articles": ref.articles, "href": href})
    if kept is not None:
        kept[(ref.key, href)] = card
    return card


def _article_context(site: Site, index: MentionIndex, article: Article, body: AnnotatedBody, cfg: SiteConfig,
                     local: Mapping[str, int], newer: Article | None, older: Article | None,
                     made: dict[str, EntityRef | None] | None = None,
                     kept: dict[Any, JsonObject] | None = None) -> ArticleContext:
    path = page_path("articles", article.slug)
    found = refs(site, index, index.entities_of.get(article.slug, ()), made)
    here = [EntityRef(r.key, r.entity, local.get(r.key, 0), r.articles) for r in found]
    by_kind = {kind: tuple(r for r in here if r.entity.kind == kind) for kind in ("person", "organisation", "location")}
    url = page_url(cfg.base_url, path, cfg.pretty_links)
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": article.date.isoformat(), "dateModified": article.date.isoformat(), "url": url,
        "mainEntityOfPage": url, "inLanguage": cfg.language, "description": article.summary,
        "publisher": {"@type": "Organization", "name": article.publisher or cfg.title},
        "about": [_thing(r, cfg, kept) for r in _about(article, found, local)],
        "mentions": [_thing(r, cfg, kept) for r in found],
    }
    if article.byline:
        json_ld["author"] = {"@type": "Person", "name": article.byline}
    if by_kind["location"]:
        top = sorted(by_kind["location"], key=lambda r: -r.count)
        json_ld["contentLocation"] = [_thing(r, cfg, kept) for r in top[:3]]
    if article.source_url:
        json_ld["isBasedOn"] = article.source_url
    cards = {r.key: _card(r, path, kept, cfg.pretty_links) for r in found}
    return ArticleContext(path, article.title, article, body.html, by_kind["person"], by_kind["organisation"],
                          by_kind["location"], json_ld, newer, older, cards)


def _place_extras(site: Site, index: MentionIndex, ref: EntityRef, world: World | None
                  ) -> tuple[Any, EntityRef | None, tuple[EntityRef, ...]]:
    e = ref.entity
    if e.kind != "location":
        return None, None, ()
    from generator.maps import locator_svg

    svg = (locator_svg(world, e.name, e.lat, e.lon, e.place_type, e.country)
           if world is not None and e.lat is not None and e.lon is not None else None)
    country = None
    if e.country and e.country != e.name:
        match = [s for s, other in site.locations.items()
                 if other.place_type == "country" and (e.country == other.name or e.country in other.aliases)]
        country = next(iter(refs(site, index, [f"locations/{match[0]}"])), None) if match else None
    within: tuple[EntityRef, ...] = ()
    if e.place_type == "country":
        names = {e.name, *e.aliases}
        inside = [f"locations/{s}" for s, other in site.locations.items()
                  if other.country in names and other is not e]
        within = tuple(sorted(refs(site, index, inside), key=lambda r: (-r.count, r.entity.name)))
    return svg, country, within


def _entity_pages(site: Site, index: MentionIndex, ref: EntityRef, body: AnnotatedBody, cfg: SiteConfig,
                  articles: Mapping[str, Article], world: Callable[[], World | None],
                  made: dict[str, EntityRef | None] | None = None) -> Iterator[EntityContext]:
    slugs = index.articles_of.get(ref.key, ())
    sentences: dict[str, list[Any]] = {}
    for mention in index.mentions.get(ref.key, ()):
        sentences.setdefault(mention.article, []).append(mention)
    co_pairs = index.co_mentions(ref.key)
    co_refs = {r.key: r for r in refs(site, index, [k for k, _ in co_pairs], made)}
    co = [(co_refs[k], n) for k, n in co_pairs if k in co_refs]
    dates = [articles[s].date for s in slugs]
    svg, country, within = _place_extras(site, index, ref, world() if ref.entity.kind == "location" else None)
    quotes = index.quotes.get(ref.key, ())
    titles = {q.article: articles[q.article].title for q in quotes}
    total = max(1, math.ceil(len(slugs) / cfg.per_page))
    for number in range(1, total + 1):
        pager = Pager(number, total, ref.path)
        at = pager.path_of(number)
        chunk = [Appearance(articles[s], tuple(sentences.get(s, ())),
                            page_link(page_file("articles", s), at, cfg.pretty_links))
                 for s in slugs[(number - 1) * cfg.per_page: number * cfg.per_page]]
        first = number == 1
        # The annotation's links are relative to page 1; later pages sit deeper, so it shows only there.
        yield EntityContext(at, ref.entity.name, ref,
                            body.html if number == 1 else Markup(""), tuple(chunk),
                            tuple(c for c in co if c[0].entity.is_actor)[:24],
                            tuple(c for c in co if not c[0].entity.is_actor)[:24],
                            min(dates) if dates else None, max(dates) if dates else None,
                            PurePosixPath(ref.key, "feed.xml"), pager, quotes if first else (), svg,
                            country, within if first else (), titles)


def _feed(path: PurePosixPath, title: str, page: PurePosixPath, articles: list[Article],
          bodies: Mapping[str, AnnotatedBody], site: Site, index: MentionIndex, cfg: SiteConfig,
          shared: SiteLookups, entity: EntityRef | None = None) -> FeedContext:
    """The site's feed (`entity` None: each article whole), or an entity's: each article's
    summary and the sentences that name the entity, as its page shows them (with the article's
    HTML, the entity feeds were a quarter of the output's bytes at 10,000 articles)."""
    latest = articles[: cfg.feed_entries]
    said = {} if entity is None else sentences_of(index, entity.key, [a.slug for a in latest])
    entries = tuple(FeedEntry(a, bodies[a.slug].feed_html if entity is None else
                              _excerpt(a, said.get(a.slug, ()), entity.entity, shared.mark, cfg),
                              tuple(refs(site, index, index.entities_of.get(a.slug, ()), shared.made)))
                    for a in latest)
    return FeedContext(path, title, page, entries, max((a.date for a in latest), default=None))


def _excerpt(article: Article, said: tuple[ArticleMention, ...], entity: Entity,
             mark: Callable[[str, Entity], Markup], cfg: SiteConfig) -> Markup:
    """An entry of an entity's feed, as HTML: the article's summary, then its sentences that name
    the entity (names marked), each linked to its paragraph. Made here, not in the feed template,
    so that a site's own copy of an older `feed.xml` (`newsgloss init` copies the theme) shows it."""
    href = escape_output(page_url(cfg.base_url, page_file("articles", article.slug), cfg.pretty_links))
    html = f"<p>{escape_output(article.summary)}</p>" if article.summary else ""
    if said:  # (plain strings, each value escaped: Markup.format cost ten times as much)
        html += "<ul>" + "".join(f'<li><a href="{href}#{escape_output(m.anchor)}">{mark(m.sentence, entity)}</a></li>'
                                 for m in said) + "</ul>"
    return Markup(html)


def sentences_of(index: MentionIndex, key: str, slugs: Iterable[str]) -> dict[str, tuple[ArticleMention, ...]]:
    """Article slug -> its sentences naming the entity `key`, for the articles `slugs`."""
    if hasattr(index.mentions, "of_articles"):  # (no runtime_checkable Protocol: mypyc compiles this module)
        return cast(SentencesOf, index.mentions).of_articles(key, slugs)
    wanted = set(slugs)
    found: dict[str, list[ArticleMention]] = {}
    for mention in index.mentions.get(key, ()):
        if mention.article in wanted:
            found.setdefault(mention.article, []).append(mention)
    return {slug: tuple(said) for slug, said in found.items()}


def letter(name: str) -> str:
    """The A–Z heading a name files under (`#` for digits and symbols)."""
    from text_unidecode import unidecode

    first = unidecode(name.strip()[:1]).upper()[:1]
    return first if first.isalpha() else "#"


def _lists(site: Site, index: MentionIndex, group: str, get_world: Callable[[], World | None],
           pretty_links: bool = False) -> Iterator[ListContext]:
    from text_unidecode import unidecode

    from generator.maps import MapPoint, overview_svg

    registry = site.registry(group)
    found = sorted(refs(site, index, [f"{group}/{s}" for s in registry]),
                   key=lambda r: (unidecode(r.entity.name).casefold(), r.key))
    title = "People & organisations" if group == "actors" else "Places"
    if group == "actors":
        letters = sorted({letter(r.entity.name) for r in found}, key=lambda c: (c == "#", c))
        sections = tuple((c, tuple(r for r in found if letter(r.entity.name) == c)) for c in letters)
        svg = None
    else:
        countries = sorted({r.entity.country or "Elsewhere" for r in found}, key=lambda c: (c == "Elsewhere", c))
        sections = tuple((c, tuple(r for r in found if (r.entity.country or "Elsewhere") == c)) for c in countries)
        points = [MapPoint(r.entity.name, r.entity.lat, r.entity.lon,
                           page_link(r.path, PurePosixPath(group, "index.html"), pretty_links), r.count)
                  for r in found if r.entity.lat is not None and r.entity.lon is not None and r.articles]
        world = get_world() if points else None
        svg = overview_svg(world, points, "Map of the places in the news") if world else None
    yield ListContext(PurePosixPath(group, "index.html"), title, group, sections, "az", svg, len(found))
    ranked = tuple(sorted(found, key=lambda r: (-r.count, -r.articles, r.entity.name.casefold())))
    yield ListContext(PurePosixPath(group, RANKED_NAME), title, group, (("By mentions", ranked),), "ranked",
                      None, len(found))


@dataclass(frozen=True, slots=True)
class SiteLookups:
    """What every call of `contexts` for one site and index looks up: made once, before the render
    workers fork, instead of once per share of pages (~4 ms each at 10,000 articles)."""

    articles: tuple[Article, ...]
    by_slug: dict[str, Article]
    at: dict[str, int]
    """Article page path -> the article's position in `articles`."""
    made: dict[str, EntityRef | None]
    """`refs` of this site and index, each made once."""
    registry: dict[str, list[EntityRef]]
    """Each group's entities, by key."""
    json: dict[Any, JsonObject] = field(default_factory=dict)
    """The entities' schema.org Things and cards, each made (and formatted) once: see `_thing`, `_card`."""
    mark: Callable[[str, Entity], Markup] = field(default_factory=marker)
    """Marks an entity's names in a sentence (its patterns made once)."""


def site_lookups(site: Site, index: MentionIndex) -> SiteLookups:
    """The lookups `contexts` makes for `site` and `index`."""
    made: dict[str, EntityRef | None] = {}
    registry = {group: sorted(refs(site, index, [f"{group}/{s}" for s in site.registry(group)], made),
                              key=lambda r: r.key) for group in GROUPS}
    return SiteLookups(site.articles, {a.slug: a for a in site.articles},
                       {page_file("articles", a.slug): i for i, a in enumerate(site.articles)}, made, registry)


def contexts(site: Site, index: MentionIndex, bodies: Mapping[str, AnnotatedBody],
             entity_bodies: Mapping[str, AnnotatedBody], cfg: SiteConfig,
             world: World | None | Callable[[], World | None],
             wanted: Callable[[str], bool] | AbstractSet[str] = lambda _: True,
             lookups: SiteLookups | None = None) -> Iterator[Any]:
    """Every page and feed context of the site, in a fixed order.

    With `wanted` (a test or a set of paths), only the contexts whose path (as a string) it
    accepts (the build renders a share of the pages in each worker, or only the pages that
    changed); an entity's pages go by its first page's path. `lookups` (`site_lookups` of the same
    site and index) saves making them again.
    """
    get_world = world if callable(world) else lambda: world  # a loader: called only when a map is drawn
    shared = lookups or site_lookups(site, index)
    articles, by_slug, made = shared.articles, shared.by_slug, shared.made
    want = wanted.__contains__ if isinstance(wanted, AbstractSet) else wanted
    total = max(1, math.ceil(len(articles) / cfg.per_page))
    ranked: list[EntityRef] = []
    for number in range(1, total + 1):
        pager = Pager(number, total, PurePosixPath("index.html"))
        if not want(str(pager.path_of(number))):
            continue
        ranked = ranked or sorted(refs(site, index, list(index.articles_of), made), key=lambda r: (-r.count, r.entity.name))
        yield IndexContext(pager.path_of(number), cfg.title,
                           tuple(articles[(number - 1) * cfg.per_page: number * cfg.per_page]),
                           tuple(r for r in ranked if r.entity.is_actor)[:HOME_ENTITIES],
                           tuple(r for r in ranked if not r.entity.is_actor)[:HOME_ENTITIES], pager)
    if isinstance(wanted, AbstractSet):  # a share of pages: look its articles up, not every article
        positions: Iterable[int] = sorted(i for path in wanted if (i := shared.at.get(path)) is not None)
    else:
        positions = (i for i, article in enumerate(articles) if want(page_file("articles", article.slug)))
    for i in positions:
        article = articles[i]
        yield _article_context(site, index, article, bodies[article.slug], cfg, index.local.get(article.slug, {}),
                               articles[i - 1] if i > 0 else None,
                               articles[i + 1] if i + 1 < len(articles) else None, made, shared.json)
    for group in GROUPS:
        if want(f"{group}/index.html") or want(f"{group}/{RANKED_NAME}"):
            yield from (c for c in _lists(site, index, group, get_world, cfg.pretty_links) if want(str(c.path)))
        for ref in shared.registry[group]:
            if want(str(ref.path)):
                yield from _entity_pages(site, index, ref, entity_bodies[ref.key], cfg, by_slug, get_world, made)
            if not want(f"{ref.key}/feed.xml"):
                continue
            yield _feed(PurePosixPath(ref.key, "feed.xml"), f"{ref.entity.name} — {cfg.title}", ref.path,
                        [by_slug[s] for s in index.articles_of.get(ref.key, ())], bodies, site, index, cfg, shared, ref)
    if want("feed.xml"):
        yield _feed(PurePosixPath("feed.xml"), cfg.title, PurePosixPath("index.html"), list(articles), bodies,
                    site, index, cfg, shared)
