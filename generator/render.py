"""Stage 5: Site + mention index + annotated bodies + Theme -> RenderedFile stream (nothing written)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Mapping

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined,
                    TemplateError, pass_context, select_autoescape)
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup, escape

from generator import __version__
from generator.config import SiteConfig
from generator.contexts import contexts
from generator.export import export_data, index_rows
from generator.jsontext import json_text
from generator.marks import escape_output, marker as _marker
from generator.markdown import AnnotatedBody
from generator.model import MentionIndex, Site
from generator.pages import ArticleContext, PlainContext, SiteView
from generator.redirects import render_redirects
from generator.theme import Theme, static_files
from generator.urls import page_link, page_url


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
    placed: bool = False
    """Written already, in its place in the staging folder (`writer.place`, by a render process)."""


@functools.lru_cache(maxsize=8192)  # entity pages show the same dates thousands of times
def _date_long(value: dt.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def _json_script(value: Any) -> Markup:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` escaped, keys sorted."""
    text = json_text(value)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class _Generator(CodeGenerator):
    """Jinja's code generator, with `{{ … }}` escaped by `escape_output`: its output is only ever
    joined into the page (or a block, macro or filter body, which Jinja marks safe as a whole)."""

    def _output_child_pre(self, node: Any, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Environment(Environment):
    code_generator_class = _Generator
    escape_output = staticmethod(escape_output)


def make_env(theme: Theme, cfg: SiteConfig) -> Environment:
    """Jinja2 environment: theme lookup order, autoescape for HTML and XML, strict undefined."""
    env = _Environment(loader=ChoiceLoader([FileSystemLoader(str(d)) for d in theme.template_dirs]),
                      autoescape=select_autoescape(["html", "xml"]), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)  # one environment per build: no file time checked per page

    def abs_url(target: PurePosixPath | str) -> str:
        return page_url(cfg.base_url, target, cfg.pretty_links)

    @pass_context
    def url(ctx: Any, target: PurePosixPath | str) -> str:
        page = ctx["page"]
        if page.template == "404.html":  # served at any depth: only absolute links work
            return abs_url(target)
        return page_link(target, page.path, cfg.pretty_links)

    @pass_context
    def root(ctx: Any) -> str:
        """The site root relative to the page (`../../`), for scripts that build URLs."""
        if ctx["page"].template == "404.html":
            return cfg.base_url
        depth = len(PurePosixPath(ctx["page"].path).parts) - 1
        return "../" * depth or "./"

    env.globals.update(url=url, abs_url=abs_url, root=root, site=SiteView(
        cfg.title, cfg.description, cfg.language, cfg.base_url, cfg.pretty_links,
        f"newsgloss {__version__}", cfg.search))
    env.filters.update(date_long=_date_long, iso=lambda d: d.isoformat(),
                       xml_html=lambda m: escape(str.__str__(m)) if isinstance(m, Markup) else escape(m),
                       atom_date=lambda d: f"{d.isoformat()}T00:00:00Z",
                       json_script=_json_script, mark=_marker())
    return env


def _stylesheet(theme: Theme) -> str:
    for rel, source in static_files(theme):
        if rel == "css/site.css":
            return source.read_text(encoding="utf-8").replace("</", "<\\/")
    return ""


def render_page(env: Environment, ctx: Any) -> RenderedFile:
    """Render one page or feed context with its template."""
    return RenderedFile(ctx.path, env.get_template(ctx.template).render(page=ctx).encode("utf-8"))


def sitemap_entry(ctx: Any) -> tuple[PurePosixPath, dt.date | None] | None:
    """What the sitemap lists for a context (None for feeds)."""
    if ctx.path.suffix != ".html":
        return None
    return ctx.path, ctx.article.date if isinstance(ctx, ArticleContext) else None


def render_extras(env: Environment, theme: Theme, site: Site, cfg: SiteConfig,
                  pages: list[tuple[PurePosixPath, dt.date | None]] | None,
                  searchable: list[tuple[PurePosixPath, str]]) -> Iterator[RenderedFile]:
    """Everything but the page contexts and the mentions export: 404, robots, search page, sitemap
    of `pages` (none when None: the last one still holds), redirects, .nojekyll, static files and
    (with `search`) the index of `searchable`."""
    for name, title in (("404.html", "Page not found"), ("robots.txt", "robots.txt"), ("search.html", "Search")):
        plain = PlainContext(PurePosixPath("search", "index.html") if name == "search.html" else PurePosixPath(name),
                             title, name)
        css = Markup(_stylesheet(theme)) if name == "404.html" else ""  # served at any depth: style inline
        yield RenderedFile(plain.path, env.get_template(name).render(page=plain, inline_css=css).encode("utf-8"))
    if pages is not None:
        sitemap = PlainContext(PurePosixPath("sitemap.xml"), "sitemap", "sitemap.xml", tuple(pages))
        yield RenderedFile(sitemap.path, env.get_template("sitemap.xml").render(page=sitemap).encode("utf-8"))
    for path, data in render_redirects(site, env):
        yield RenderedFile(path, data)
    yield RenderedFile(PurePosixPath(".nojekyll"), b"")
    for rel, source in static_files(theme):
        yield RenderedFile(PurePosixPath("static", rel), source=source)
    if cfg.search:
        from generator.search import index_pages  # pagefind brings asyncio: imported only with search on

        for path, data in index_pages(searchable, cfg.language):
            yield RenderedFile(path, data)


def render_site(site: Site, index: MentionIndex, bodies: Mapping[str, AnnotatedBody],
                entity_bodies: Mapping[str, AnnotatedBody], cfg: SiteConfig,
                theme: Theme) -> Iterator[RenderedFile]:
    """Render every page, feed and extra file; yield them one by one, in a fixed order."""
    from generator.maps import load_world

    env = make_env(theme, cfg)
    world = load_world()
    pages: list[tuple[PurePosixPath, dt.date | None]] = []
    searchable: list[tuple[PurePosixPath, str]] = []
    for ctx in contexts(site, index, bodies, entity_bodies, cfg, world):
        file = render_page(env, ctx)
        entry = sitemap_entry(ctx)
        if entry is not None:
            pages.append(entry)
            searchable.append((ctx.path, (file.data or b"").decode("utf-8")))
        yield file
    for path, data in export_data(cfg, index_rows(site, index, cfg)):
        yield RenderedFile(path, data)
    yield from render_extras(env, theme, site, cfg, pages, searchable)


__all__ = ["RenderedFile", "make_env", "render_site", "render_page", "render_extras", "sitemap_entry", "contexts",
           "TemplateError"]
