"""The pipeline: seeds -> content -> site model -> annotated bodies -> pages -> output/."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator, Mapping

from jinja2 import TemplateError, TemplateSyntaxError

from generator.checks import drift
from generator.config import SiteConfig
from generator.content import Content, load_content
from generator.detect import KnownEntity, Lexicon
from generator.errors import ContentError, Problem, errors_in, problem
from generator.importer import import_seed, save
from generator.linkcheck import check_body_links
from generator.linker import EntityTarget
from generator.markdown import AnnotatedBody, annotate, make_parser
from generator.model import GROUPS, MentionIndex, Site, build_site, index_mentions, page_path
from generator.redirects import redirect_problems
from generator.render import RenderedFile, render_site
from generator.seeds import find_seeds, read_seed
from generator.theme import load_theme
from generator.urls import relative_url
from generator.writer import OutputError, write_site

Log = Callable[[str], None]
Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) while a long stage runs (the CLI draws a bar)."""


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line."""

    articles: int
    actors: int
    locations: int
    files: int
    seconds: float
    imported: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    pages: int = 0
    """HTML pages among the files."""


def import_seeds(cfg: SiteConfig, content: Content, paths: Iterable[Path], *, reimport: bool = False,
                 date: dt.date | None = None, log: Log = lambda _: None,
                 progress: Progress = _no_progress) -> tuple[list[str], list[Problem]]:
    """Import seeds into content/: new articles and entity stubs; never overwrites (but `reimport`)."""
    problems: list[Problem] = []
    written: list[str] = []
    by_source = {a.source: a for a in content.articles if a.source}
    taken = {a.slug for a in content.articles} | {
        p.stem for p in (cfg.content_dir / "articles").glob("*.md")}
    lexicon = content.lexicon(cfg.reject)
    paths = list(paths)
    for done, path in enumerate(paths):
        progress("importing seeds", done, len(paths))
        seed, found = read_seed(path, cfg.site_dir)
        problems += found
        if seed is None:
            continue
        existing = by_source.get(seed.source)
        if existing is not None and not reimport:
            continue
        result = import_seed(seed, lexicon, taken, date, slug=existing.slug if existing else None)
        problems += result.problems
        taken.add(PurePosixPath(result.article.path).stem)
        new = save(result, cfg.site_dir, reimport=existing is not None)
        written += new
        for item in new:
            log(f"wrote {item}")
        lexicon = Lexicon(lexicon.entities + tuple(
            KnownEntity(g.slug, g.name, g.kind, g.aliases) for g in result.detection.entities
            if not g.known), lexicon.rejects)
    progress("importing seeds", len(paths), len(paths))
    return written, problems


def changed_seeds(cfg: SiteConfig, content: Content) -> list[Problem]:
    """Warn about seeds whose bytes changed since import (they are never re-imported by build)."""
    import hashlib

    problems = []
    for article in content.articles:
        if not article.source or not article.seed_sha256:
            continue
        path = cfg.site_dir / article.source
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != article.seed_sha256:
            problems.append(problem(article.source, 0, f"seed changed since it was imported into "
                                                       f"{article.body.path}; run `newsgloss import --reimport "
                                                       f"{article.source}` to convert it again", "warning"))
    return problems


def _resolver(site: Site, page: PurePosixPath) -> Callable[[str, str], EntityTarget | None]:
    def resolve(scheme: str, slug: str) -> EntityTarget | None:
        group = "actors" if scheme == "actor" else "locations"
        entity = (site.actors if group == "actors" else site.locations).get(slug)
        if entity is None:
            return None
        href = relative_url(page_path(group, slug), page)
        return EntityTarget(slug, group, entity.kind, entity.name, entity.summary, href)
    return resolve


def annotate_all(site: Site, cfg: SiteConfig) -> tuple[dict[str, AnnotatedBody], dict[str, AnnotatedBody]]:
    """Render every article body (drafts too, to check them) and every entity annotation."""
    md = make_parser()
    mode = cfg.annotations.entity_footnotes
    bodies = {}
    for article in (*site.articles, *site.drafts):
        page = page_path("articles", article.slug)
        bodies[article.slug] = annotate(md, article.body.text, article.body.path, article.body.first_line,
                                        _resolver(site, page), mode, article.slug)
    entity_bodies = {}
    for group in GROUPS:
        for slug, entity in (site.actors if group == "actors" else site.locations).items():
            page = page_path(group, slug)
            entity_bodies[f"{group}/{slug}"] = annotate(md, entity.body.text, entity.body.path,
                                                        entity.body.first_line, _resolver(site, page),
                                                        mode, f"{group[:-1]}-{slug}")
    return bodies, entity_bodies


def _template_problem(exc: TemplateError) -> Problem:
    if isinstance(exc, TemplateSyntaxError):
        return problem(f"templates/{exc.name or exc.filename}", exc.lineno, f"template error: {exc.message}")
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return problem(frame.filename, frame.lineno or 0, f"template error: {exc}")
    return problem("templates", 0, f"template error: {exc}")


def prepare(cfg: SiteConfig, *, import_new: bool = True, log: Log = lambda _: None,
            progress: Progress = _no_progress) -> tuple[Site, MentionIndex, dict[str, AnnotatedBody], dict[str, AnnotatedBody], list[Problem], list[str]]:
    """Stages 1-4: import new seeds, load content, build the model, annotate, index mentions."""
    content, problems = load_content(cfg)
    imported: list[str] = []
    if import_new:
        named = {a.source for a in content.articles if a.source}
        new = [p for p in find_seeds(cfg.seeds_dir)
               if p.absolute().relative_to(cfg.site_dir.absolute()).as_posix() not in named]
        if new:
            imported, found = import_seeds(cfg, content, new, log=log, progress=progress)
            problems += found
            content, problems_after = load_content(cfg)
            problems = [p for p in problems if p.path.startswith("seeds")] + problems_after
    problems += changed_seeds(cfg, content)
    site, found = build_site(content, cfg)
    problems += found
    bodies, entity_bodies = annotate_all(site, cfg)
    for body in (*bodies.values(), *entity_bodies.values()):
        problems += body.problems
    problems += drift(site, bodies) + redirect_problems(site)
    index = index_mentions(site, bodies)
    return site, index, bodies, entity_bodies, problems, imported


def _tracked(files: Iterable[RenderedFile], site: Site, progress: Progress,
             pages: list[PurePosixPath]) -> Iterator[RenderedFile]:
    """Pass files through, noting HTML pages and reporting progress per article or entity page."""
    total = len(site.articles) + len(site.actors) + len(site.locations)
    done = 0
    progress("rendering", 0, total)
    for item in files:
        if item.path.suffix == ".html":
            pages.append(item.path)
            parts = item.path.parts
            if len(parts) == 3 and parts[0] in ("articles", *GROUPS) and parts[2] == "index.html":
                done += 1
                progress("rendering", done, total)
        yield item
    progress("rendering", total, total)


def build(cfg: SiteConfig, *, log: Log = lambda _: None, progress: Progress = _no_progress) -> BuildReport:
    """Import, load, model, annotate, render and write; raise ContentError if anything is wrong."""
    started = time.perf_counter()
    site, index, bodies, entity_bodies, problems, imported = prepare(cfg, log=log, progress=progress)
    theme, found = load_theme(cfg.site_dir, cfg.theme)
    problems += found
    if errors_in(problems):
        raise ContentError(problems)
    pages: list[PurePosixPath] = []
    files = _tracked(render_site(site, index, bodies, entity_bodies, cfg, theme), site, progress, pages)

    def verify(written: list[str]) -> None:
        broken = check_body_links(_body_pages(site, bodies, entity_bodies), written)
        if errors_in(broken):
            raise ContentError([*problems, *broken])

    try:
        report = write_site(files, cfg.output_dir, cfg.site_dir, verify)
    except TemplateError as exc:
        raise ContentError([*problems, _template_problem(exc)]) from None
    except OutputError as exc:
        raise ContentError([*problems, problem(str(cfg.output_dir), 0, str(exc))]) from None
    return BuildReport(len(site.articles), len(site.actors), len(site.locations), report.files,
                       time.perf_counter() - started, tuple(imported), tuple(problems), len(pages))


def _body_pages(site: Site, bodies: Mapping[str, AnnotatedBody], entity_bodies: Mapping[str, AnnotatedBody]
                ) -> Iterator[tuple[str, str, str]]:
    """(source file, page, body HTML) of every published Markdown body, for the link check."""
    for article in site.articles:
        yield article.body.path, str(page_path("articles", article.slug)), str(bodies[article.slug].html)
    for group in GROUPS:
        for slug, entity in (site.actors if group == "actors" else site.locations).items():
            yield entity.body.path, str(page_path(group, slug)), str(entity_bodies[f"{group}/{slug}"].html)


def render_only(cfg: SiteConfig) -> tuple[list[RenderedFile], list[Problem]]:
    """Stages 2-5 without writing anything (for `check`)."""
    site, index, bodies, entity_bodies, problems, _ = prepare(cfg, import_new=False)
    theme, found = load_theme(cfg.site_dir, cfg.theme)
    problems += found
    if errors_in(problems):
        return [], problems
    try:
        # no search index: nothing links to pagefind/ and check writes nothing
        return list(render_site(site, index, bodies, entity_bodies, replace(cfg, search=False), theme)), problems
    except TemplateError as exc:
        return [], [*problems, _template_problem(exc)]


def iter_pages(files: Iterable[RenderedFile]) -> Iterator[RenderedFile]:
    """The HTML files of a rendered site."""
    return (f for f in files if f.path.suffix == ".html")
