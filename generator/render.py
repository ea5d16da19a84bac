"""Stage 5: Site + mention index + annotated bodies + Theme -> RenderedFile stream (nothing written)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Mapping

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined,
                    TemplateError, pass_context, select_autoescape)
from markupsafe import Markup, escape

from generator import __version__
from generator.config import SiteConfig
from generator.content import Article
from generator.markdown import AnnotatedBody
from generator.model import GROUPS, MentionIndex, Site
from generator.pages import (Appearance, ArticleContext, EntityContext, EntityRef, FeedContext,
                             FeedEntry, IndexContext, ListContext, Pager, PlainContext, SiteView)
from generator.redirects import render_redirects
from generator.theme import Theme, static_files
from generator.urls import join_url, pretty, relative_url

HOME_ENTITIES = 12


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One file of the built site: bytes to write, or a static file to copy."""

    path: PurePosixPath
    """Path inside output/."""
    data: bytes | None = None
    """Content, for generated files."""
    source: Path | None = None
    """File to copy, for theme static files."""
    move: bool = False
    """`source` is a scratch file the writer may move into place instead of copying."""
    link: bool = False
    """`source` is the same file in the previous output: the writer hard-links it (incremental builds)."""


def _date_long(value: dt.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def make_env(theme: Theme, cfg: SiteConfig) -> Environment:
    """Jinja2 environment: theme lookup order, autoescape for HTML and XML, strict undefined."""
    env = Environment(loader=ChoiceLoader([FileSystemLoader(str(d)) for d in theme.template_dirs]),
                      autoescape=select_autoescape(["html", "xml"]), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)

    def abs_url(target: PurePosixPath | str) -> str:
        return pretty(join_url(cfg.base_url, target), cfg.pretty_links)

    @pass_context
    def url(ctx: Any, target: PurePosixPath | str) -> str:
        if ctx["page"].template == "404.html":  # served at any depth: only absolute links work
            return abs_url(target)
        return pretty(relative_url(target, ctx["page"].path), cfg.pretty_links)

    env.globals.update(url=url, abs_url=abs_url, site=SiteView(
        cfg.title, cfg.description, cfg.language, cfg.base_url, cfg.pretty_links,
        f"newsgloss {__version__}"))
    env.filters.update(date_long=_date_long, iso=lambda d: d.isoformat(),
                       xml_html=lambda m: escape(str.__str__(m)) if isinstance(m, Markup) else escape(m),
                       atom_date=lambda d: f"{d.isoformat()}T00:00:00Z")
    return env


def _refs(site: Site, index: MentionIndex, keys: tuple[str, ...] | list[str]) -> list[EntityRef]:
    out = []
    for entity_key in keys:
        entity = site.entity(entity_key)
        if entity is not None:
            out.append(EntityRef(entity_key, entity, index.counts.get(entity_key, 0),
                                 len(index.articles_of.get(entity_key, ()))))
    return out


def _article_context(site: Site, index: MentionIndex, article: Article, body: AnnotatedBody,
                     cfg: SiteConfig, newer: Article | None, older: Article | None) -> ArticleContext:
    refs = _refs(site, index, index.entities_of.get(article.slug, ()))
    path = PurePosixPath("articles", article.slug, "index.html")
    by_kind = {kind: tuple(r for r in refs if r.entity.kind == kind)
               for kind in ("person", "organisation", "location")}
    url = join_url(cfg.base_url, path)
    json_ld: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "datePublished": article.date.isoformat(), "url": url, "mainEntityOfPage": url,
        "inLanguage": cfg.language, "description": article.summary,
        "publisher": {"@type": "Organization", "name": article.publisher or cfg.title},
        "mentions": [_thing(r, cfg) for r in refs],
    }
    if article.byline:
        json_ld["author"] = {"@type": "Person", "name": article.byline}
    if by_kind["location"]:
        json_ld["contentLocation"] = _thing(by_kind["location"][0], cfg)
    return ArticleContext(path, article.title, article, body.html, by_kind["person"],
                          by_kind["organisation"], by_kind["location"], json_ld, newer, older)


def _thing(ref: EntityRef, cfg: SiteConfig) -> dict[str, Any]:
    kind = {"person": "Person", "organisation": "Organization", "location": "Place"}[ref.entity.kind]
    thing: dict[str, Any] = {"@type": kind, "name": ref.entity.name, "url": join_url(cfg.base_url, ref.path)}
    if ref.entity.wikidata:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{ref.entity.wikidata}"
    return thing


def _entity_pages(site: Site, index: MentionIndex, ref: EntityRef, body: AnnotatedBody,
                  cfg: SiteConfig, articles: Mapping[str, Article]) -> Iterator[EntityContext]:
    slugs = index.articles_of.get(ref.key, ())
    sentences: dict[str, list[Any]] = {}
    for mention in index.mentions.get(ref.key, ()):
        sentences.setdefault(mention.article, []).append(mention)
    appearances = [Appearance(articles[s], tuple(sentences.get(s, ()))) for s in slugs]
    shared = index.co_mentions(ref.key)
    co = list(zip(_refs(site, index, [k for k, _ in shared]), [n for _, n in shared]))
    dates = [a.article.date for a in appearances]
    total = max(1, math.ceil(len(appearances) / cfg.per_page))
    for number in range(1, total + 1):
        pager = Pager(number, total, ref.path)
        chunk = appearances[(number - 1) * cfg.per_page: number * cfg.per_page]
        # The annotation's links are relative to page 1; later pages sit deeper, so it shows only there.
        yield EntityContext(pager.path_of(number), ref.entity.name, ref,
                            body.html if number == 1 else Markup(""), tuple(chunk),
                            tuple(c for c in co if c[0].entity.is_actor),
                            tuple(c for c in co if not c[0].entity.is_actor),
                            min(dates) if dates else None, max(dates) if dates else None,
                            PurePosixPath(ref.key, "feed.xml"), pager)


def _feed(path: PurePosixPath, title: str, page: PurePosixPath, articles: list[Article],
          bodies: Mapping[str, AnnotatedBody], site: Site, index: MentionIndex, cfg: SiteConfig) -> FeedContext:
    latest = articles[: cfg.feed_entries]
    entries = tuple(FeedEntry(a, bodies[a.slug].html, tuple(_refs(site, index, index.entities_of.get(a.slug, ()))))
                    for a in latest)
    return FeedContext(path, title, page, entries, latest[0].date if latest else None)


def contexts(site: Site, index: MentionIndex, bodies: Mapping[str, AnnotatedBody],
             entity_bodies: Mapping[str, AnnotatedBody], cfg: SiteConfig,
             wanted: Callable[[PurePosixPath], bool] = lambda _: True) -> Iterator[Any]:
    """Every page context of the site, in a fixed order (only those `wanted` by path, if given;
    an entity's pages are wanted or not together, by the path of its first page)."""
    articles = list(site.articles)
    by_slug = {a.slug: a for a in articles}
    ranked = sorted(_refs(site, index, list(index.articles_of)), key=lambda r: (-r.count, r.entity.name))
    total = max(1, math.ceil(len(articles) / cfg.per_page))
    for number in range(1, total + 1):
        pager = Pager(number, total, PurePosixPath("index.html"))
        if not wanted(pager.path_of(number)):
            continue
        yield IndexContext(pager.path_of(number), cfg.title,
                           tuple(articles[(number - 1) * cfg.per_page: number * cfg.per_page]),
                           tuple(r for r in ranked if r.entity.is_actor)[:HOME_ENTITIES],
                           tuple(r for r in ranked if not r.entity.is_actor)[:HOME_ENTITIES], pager)
    for i, article in enumerate(articles):
        if not wanted(PurePosixPath("articles", article.slug, "index.html")):
            continue
        yield _article_context(site, index, article, bodies[article.slug], cfg,
                               articles[i - 1] if i > 0 else None,
                               articles[i + 1] if i + 1 < len(articles) else None)
    for group in GROUPS:
        registry = site.actors if group == "actors" else site.locations
        refs = sorted(_refs(site, index, [f"{group}/{s}" for s in registry]),
                      key=lambda r: (r.entity.name.casefold(), r.key))
        if group == "actors":
            sections = (("People", tuple(r for r in refs if r.entity.kind == "person")),
                        ("Organisations", tuple(r for r in refs if r.entity.kind == "organisation")))
        else:
            countries = sorted({r.entity.country or "Elsewhere" for r in refs},
                               key=lambda c: (c == "Elsewhere", c))
            sections = tuple((c, tuple(r for r in refs if (r.entity.country or "Elsewhere") == c))
                             for c in countries)
        if wanted(PurePosixPath(group, "index.html")):
            yield ListContext(PurePosixPath(group, "index.html"), group.capitalize(), group, sections)
        for ref in refs:
            if wanted(ref.path):
                yield from _entity_pages(site, index, ref, entity_bodies[ref.key], cfg, by_slug)
            if not wanted(PurePosixPath(ref.key, "feed.xml")):
                continue
            yield _feed(PurePosixPath(ref.key, "feed.xml"), f"{ref.entity.name} — {cfg.title}", ref.path,
                        [by_slug[s] for s in index.articles_of.get(ref.key, ())], bodies, site, index, cfg)
    if wanted(PurePosixPath("feed.xml")):
        yield _feed(PurePosixPath("feed.xml"), cfg.title, PurePosixPath("index.html"), articles, bodies,
                    site, index, cfg)


def render_page(env: Environment, ctx: Any) -> RenderedFile:
    """Render one page context with its template."""
    return RenderedFile(ctx.path, env.get_template(ctx.template).render(page=ctx).encode("utf-8"))


def sitemap_entry(ctx: Any) -> tuple[PurePosixPath, dt.date | None] | None:
    """What the sitemap lists for a page context (None for feeds)."""
    if ctx.path.suffix != ".html":
        return None
    return ctx.path, ctx.article.date if isinstance(ctx, ArticleContext) else None


def render_sitemap(env: Environment, pages: list[tuple[PurePosixPath, dt.date | None]]) -> RenderedFile:
    """sitemap.xml listing `pages` (path, last modified)."""
    sitemap = PlainContext(PurePosixPath("sitemap.xml"), "sitemap", "sitemap.xml", tuple(pages))
    return RenderedFile(sitemap.path, env.get_template("sitemap.xml").render(page=sitemap).encode("utf-8"))


def render_extras(env: Environment, theme: Theme, pages: list[tuple[PurePosixPath, dt.date | None]],
                  site: Site) -> Iterator[RenderedFile]:
    """404.html, robots.txt, the sitemap of `pages`, redirects, .nojekyll and the theme's static files."""
    for name in ("404.html", "robots.txt"):
        plain = PlainContext(PurePosixPath(name), "Page not found" if name == "404.html" else name, name)
        yield RenderedFile(plain.path, env.get_template(name).render(page=plain).encode("utf-8"))
    yield render_sitemap(env, pages)
    for path, data in render_redirects(site, env):
        yield RenderedFile(path, data)
    yield RenderedFile(PurePosixPath(".nojekyll"), b"")
    for rel, source in static_files(theme):
        yield RenderedFile(PurePosixPath("static", rel), source=source)


def render_site(site: Site, index: MentionIndex, bodies: Mapping[str, AnnotatedBody],
                entity_bodies: Mapping[str, AnnotatedBody], cfg: SiteConfig,
                theme: Theme) -> Iterator[RenderedFile]:
    """Render every page, feed and extra file; yield them one by one, in a fixed order."""
    env = make_env(theme, cfg)
    pages: list[tuple[PurePosixPath, dt.date | None]] = []
    for ctx in contexts(site, index, bodies, entity_bodies, cfg):
        entry = sitemap_entry(ctx)
        if entry is not None:
            pages.append(entry)
        yield render_page(env, ctx)
    yield from render_extras(env, theme, pages, site)


__all__ = ["RenderedFile", "make_env", "render_site", "render_page", "render_extras", "render_sitemap",
           "sitemap_entry",
           "contexts", "TemplateError"]
