"""The pipeline: seeds -> content -> site model -> annotated bodies -> pages -> output/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

from jinja2 import TemplateError, TemplateSyntaxError

from generator.cache import (UNSETTLED, BuildRecord, fingerprint, load_record, load_state, output_stamp, save_record,
                             save_state, settled, site_lock, unchanged)
from generator.checks import drift
from generator.config import SiteConfig
from generator.content import Article, Content, load_content, load_registry
from generator.deps import page_digests, sitemap_digest, sitemap_pages
from generator.export import EXPORTS, article_rows, write_exports
from generator.errors import ContentError, Problem, errors_in, problem
from generator.incremental import (ArticleCache, LazyBodies, PackedArticle, cached_index, pack_article, site_key,
                                   write_packed)
from generator.linkcheck import check_link_targets, link_targets
from generator.markdown import AnnotatedBody, annotate, make_parser
from generator.model import (GROUPS, ArticleMentions, MentionIndex, Site, build_site, front_keys, merge_mentions,
                             mentions_in, page_file, page_path)
from generator.parallel import MIN_PARALLEL, map_chunks, map_shared, paused_gc, trim_memory, weighted_spans
from generator.redirects import redirect_problems
from generator.contexts import contexts, site_lookups
from generator.render import RenderedFile, make_env, render_extras, render_page, render_site
from generator.seeds import find_seeds
from generator.theme import Theme, load_theme
from generator.urls import page_link
from generator.writer import ForeignWalk, OutputError, check_output_dir, place, write_site

if TYPE_CHECKING:  # imported where used: a build with nothing to annotate or import skips them
    from markdown_it import MarkdownIt

    from generator.linker import EntityTarget

Log = Callable[[str], None]
Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) while a long stage runs (the CLI draws a bar)."""

EXPORT_UNIT = str(EXPORTS[0])
"""The mentions export as one unit of the page plan (rendered by whichever process takes it)."""


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
    stages: tuple[tuple[str, float], ...] = ()
    """(stage, seconds) in pipeline order."""


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


def _resolver(site: Site, page: PurePosixPath, pretty_links: bool = False) -> Callable[[str, str], EntityTarget | None]:
    """Entity links of a body shown on `page`, as relative links (without `index.html` with `pretty_links`)."""
    from generator.linker import EntityTarget

    here = str(page)

    def resolve(scheme: str, slug: str) -> EntityTarget | None:
        group = "actors" if scheme == "actor" else "locations"
        entity = site.registry(group).get(slug)
        if entity is None:
            return None
        href = page_link(page_file(group, slug), here, pretty_links)  # a string: ten links an article
        return EntityTarget(slug, group, entity.kind, entity.name, entity.summary, href)
    return resolve


def _annotate_article(md: MarkdownIt, site: Site, cfg: SiteConfig, article: Article) -> AnnotatedBody:
    page = page_path("articles", article.slug)
    return annotate(md, article.body.text, article.body.path, article.body.first_line,
                    _resolver(site, page, cfg.pretty_links), cfg.annotations.entity_footnotes, article.slug)


Annotated = tuple[AnnotatedBody, ArticleMentions, tuple[tuple[str, str, int], ...], tuple[bytes, bytes]]
"""An annotated article: body, mentions, (link, target, line) of its relative links, its export rows."""


def annotate_articles(site: Site, cfg: SiteConfig, articles: Sequence[Article]) -> Iterator[Annotated]:
    """Render article bodies, find their mentions and links, format their export rows, in parallel;
    results in the order given.

    The paragraphs, needed only to find mentions, are dropped before the bodies come back.
    """
    def task(chunk: Sequence[Article]) -> list[Annotated]:
        md = make_parser()
        return [_annotated(md, site, cfg, article) for article in chunk]

    return map_chunks(task, articles)


def _annotated(md: MarkdownIt, site: Site, cfg: SiteConfig, article: Article) -> Annotated:
    body = _annotate_article(md, site, cfg, article)
    found = mentions_in(site, article, body)
    links = tuple(link for link in link_targets(page_file("articles", article.slug), body.hrefs)
                  if not _entity_page(site, link[1]))
    return replace(body, paragraphs=()), found, links, article_rows(site, cfg, article, found.mentions)


def _entity_page(site: Site, target: str) -> bool:
    """True for the page of a registry entity: every one has its page, and the registry is part of
    the site key, so a link there needs no check on every build (entity links are most links)."""
    group, _, rest = target.partition("/")
    slug, _, name = rest.partition("/")
    return name == "index.html" and group in GROUPS and slug in site.registry(group)


def packed_articles(site: Site, cfg: SiteConfig, articles: Sequence[Article],
                    cache: ArticleCache) -> Iterator[PackedArticle]:
    """`annotate_articles` for the cache: each worker reads the Markdown of its articles
    (`cache.with_text`) and pickles what it made into the cache's body pack, with the drift
    warnings."""
    def task(chunk: Sequence[Article]) -> list[PackedArticle]:
        md = make_parser()
        return write_packed(cache.pack, [_pack_one(md, site, cfg, article) for article in map(cache.with_text, chunk)])

    return map_chunks(task, articles)


def _pack_one(md: MarkdownIt, site: Site, cfg: SiteConfig, article: Article) -> tuple[PackedArticle, bytes]:
    """Annotate one article (with its Markdown) and pickle it for the body pack, with its drift warnings."""
    body, found, links, rows = _annotated(md, site, cfg, article)
    warned = drift(replace(site, articles=(article,), drafts=()), {article.slug: body})
    return pack_article(body, found, warned, links, rows)


def _packer(site: Site, cfg: SiteConfig) -> Callable[[Article], tuple[PackedArticle, bytes]]:
    """`ArticleCache.annotate` for a site whose registry is `site`'s (it has no articles yet):
    `_pack_one` in the worker that has just read the article."""
    parser: list[MarkdownIt] = []  # one per process, made where first needed

    def pack(article: Article) -> tuple[PackedArticle, bytes]:
        if not parser:
            parser.append(make_parser())
        keys = {article.slug: front_keys(article, site.actors, site.locations)}
        return _pack_one(parser[0], replace(site, entities_of=keys), cfg, article)
    return pack


def annotate_entities(site: Site, cfg: SiteConfig) -> dict[str, AnnotatedBody]:
    """Render every entity's annotation (its page body)."""
    md = make_parser()
    entity_bodies = {}
    for group in GROUPS:
        for slug, entity in site.registry(group).items():
            page = page_path(group, slug)
            entity_bodies[f"{group}/{slug}"] = annotate(md, entity.body.text, entity.body.path,
                                                        entity.body.first_line, _resolver(site, page, cfg.pretty_links),
                                                        cfg.annotations.entity_footnotes, f"{group[:-1]}-{slug}")
    return entity_bodies


def _template_problem(exc: TemplateError) -> Problem:
    if isinstance(exc, TemplateSyntaxError):
        return problem(f"templates/{exc.name or exc.filename}", exc.lineno, f"template error: {exc.message}")
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return problem(frame.filename, frame.lineno or 0, f"template error: {exc}")
    return problem("templates", 0, f"template error: {exc}")


class Stopwatch:
    """Wall time per pipeline stage, in order, for the `--verbose` summary and the benchmarks."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - started


class RenderFailure(Exception):
    """A template failed while rendering (in a worker process, so it carries the Problem itself)."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.message)
        self.problem = found


def annotate_site(site: Site, cfg: SiteConfig, cache: ArticleCache | None
                  ) -> tuple[Mapping[str, AnnotatedBody], dict[str, ArticleMentions], list[Problem], list[Problem]]:
    """Annotate every article the cache does not hold already: (bodies, mentions, problems, drift).

    With a cache, bodies go to its body pack and come back lazily, one page at a time; the
    problems and drift warnings of an unchanged article are the cached ones.
    """
    articles = (*site.articles, *site.drafts)
    todo = [a for a in articles if cache is None or cache.cached(a) is None]
    bodies: dict[str, AnnotatedBody] = {}
    records: dict[str, ArticleMentions] = {}
    if cache is not None:
        for article, packed in zip(todo, packed_articles(site, cfg, todo, cache)):
            cache.add(article, packed)
    else:
        for article, (body, record, _, _) in zip(todo, annotate_articles(site, cfg, todo)):
            bodies[article.slug] = body
            records[article.slug] = record
    if cache is None:
        return bodies, records, [p for a in articles for p in bodies[a.slug].problems], drift(site, bodies)
    entries = [cache.bodies[a.slug] for a in articles]
    return (LazyBodies(cache.pack, cache.bodies), records, [p for e in entries for p in e.problems],
            [p for e in entries for p in e.drift])


def prepare(cfg: SiteConfig, *, import_new: bool = True, log: Log = lambda _: None,
            progress: Progress = _no_progress, timer: Stopwatch | None = None,
            cache: ArticleCache | None = None, theme: Theme | None = None) -> tuple[Site, MentionIndex, Mapping[str, AnnotatedBody], dict[str, AnnotatedBody], list[Problem],
                       list[str]]:
    """Stages 1-4: import new seeds, load content, build the model, annotate, index mentions.

    With a `cache` (and the `theme`, part of its key), unchanged articles are neither read nor
    annotated again.
    """
    timer = timer or Stopwatch()
    read = cache.read_all if cache is not None else None
    read_entity = cache.read_entity if cache is not None else None

    def load() -> tuple[Content, list[Problem]]:
        registry = load_registry(cfg, read_entity)
        if cache is not None and theme is not None:  # the site key first: articles are annotated as read
            early = Site(articles=(), actors=registry[0]["actors"], locations=registry[0]["locations"], entities_of={})
            cache.reuse(site_key(cfg, early, theme))
            cache.annotate = _packer(early, cfg)
        return load_content(cfg, read, read_entity, registry)

    with timer("load"):
        content, problems = load()
    imported: list[str] = []
    if import_new:
        with timer("import"):
            named = {a.source for a in content.articles if a.source}
            new = [p for p in find_seeds(cfg.seeds_dir)
                   if p.absolute().relative_to(cfg.site_dir.absolute()).as_posix() not in named]
            if new:
                from generator.importing import import_seeds

                imported, found = import_seeds(cfg, content, new, log=log, progress=progress)
                problems += found
                content, problems_after = load()
                problems = [p for p in problems if p.path.startswith("seeds")] + problems_after
    with timer("model"):
        problems += changed_seeds(cfg, content)
        site, found = build_site(content, cfg)
        problems += found
    with timer("annotate"):
        bodies, records, found, drifted = annotate_site(site, cfg, cache)
        entity_bodies = (annotate_entities(site, cfg) if cache is None or theme is None
                         else cache.entity_bodies(lambda: annotate_entities(site, cfg)))
    problems += found
    for body in entity_bodies.values():
        problems += body.problems
    problems += drifted + redirect_problems(site)
    with timer("index"):
        index = merge_mentions(site, records) if cache is None else cached_index(site, cache.bodies, cache.pack)
    return site, index, bodies, entity_bodies, problems, imported


def render_files(site: Site, index: MentionIndex, bodies: Mapping[str, AnnotatedBody],
                 entity_bodies: Mapping[str, AnnotatedBody], cfg: SiteConfig, theme: Theme,
                 scratch: Path, plan: Plan, rows: Callable[[], Iterable[tuple[bytes, bytes]]]) -> Iterator[RenderedFile]:
    """Stage 5 across processes: the plan's pages, this process and its workers each taking shares.

    Each builds its own page contexts (`render.contexts` with `wanted`) and writes each page into
    the writer's staging folder (`writer.place`), so no page waits in memory for its turn. The
    files are the same whatever process renders them (the order they are written in does not
    matter). The mentions export is made in `scratch`.
    """
    from generator.maps import load_world

    env = make_env(theme, cfg)
    units = [p for p in plan.order if p in plan.dirty and not _continued(p)]
    export = EXPORT_UNIT
    if plan.export:  # whole-site, but joined from cached rows, and only when one of them changed
        units.append(export)  # rendered like a page, by whichever process takes it
    if len(units) >= MIN_PARALLEL:
        load_world()  # before the workers fork, so that they share it (loaded once per process)
        trim_memory()  # before the render workers fork: they count what they inherit

    lookups = site_lookups(site, index)  # before the workers fork: each share of pages uses them

    def task(share: Sequence[str]) -> list[RenderedFile]:
        wanted = set(share)
        out = []
        if export in wanted:
            out += [RenderedFile(path, source=saved, move=True) for path, saved in write_exports(cfg, rows(), scratch)]
        try:
            for ctx in contexts(site, index, bodies, entity_bodies, cfg, load_world, wanted, lookups):
                file = render_page(env, ctx)
                place(cfg.output_dir, file.path, file.data or b"")  # not held in memory or piped
                out.append(RenderedFile(file.path, placed=True))
        except TemplateError as exc:
            raise RenderFailure(_template_problem(exc)) from None
        return [out]  # type: ignore[list-item]  # one result per chunk: its files

    # this process renders too (map_shared): one forked worker fewer, whose memory would count again;
    # the costliest pages first, in chunks of about equal cost, so that neither process waits for
    # the other's last chunk (an entity page can cost as much as a thousand article pages)
    weights = {unit: _cost(unit, site, index, cfg) for unit in units}
    units.sort(key=lambda unit: -weights[unit])
    spans = weighted_spans([weights[unit] for unit in units], RENDER_CHUNKS)
    for files in map_shared(task, units, spans=spans, ordered=False):  # the writer takes them in any order
        yield from files  # type: ignore[misc]
    try:  # the other files are cheap: always made
        sitemap = [(PurePosixPath(p), d) for p, d in plan.sitemap] if "sitemap.xml" in plan.dirty else None
        yield from render_extras(env, theme, site, cfg, sitemap, [])
    except TemplateError as exc:
        raise RenderFailure(_template_problem(exc)) from None


RENDER_CHUNKS = 96
"""Chunks the pages of a build are rendered in (each builds its contexts: ~5 ms at 10,000 articles)."""


def _cost(unit: str, site: Site, index: MentionIndex, cfg: SiteConfig) -> float:
    """Rough cost of rendering a page, in article pages (an entity's pages list its articles)."""
    group, _, rest = unit.partition("/")
    if group == "articles":
        return 1.0
    if group in GROUPS and rest.count("/") == 1:
        slug, _, name = rest.partition("/")
        return 2.0 if name == "feed.xml" else 1.0 + len(index.articles_of.get(f"{group}/{slug}", ())) / 30
    if unit == "index.html" or group == "page":
        return 1.0 + min(cfg.per_page, len(site.articles)) / 30
    if unit == EXPORT_UNIT:  # the mentions export: ~0.3 s at 10,000 articles
        return 1.0 + len(site.articles) / 20
    return 20.0  # the lists of entities, the site's feed


def _continued(path: str) -> bool:
    """Page 2, 3 … of an entity: rendered with its first page."""
    return path.startswith(GROUPS) and "/page/" in path


@dataclass(frozen=True, slots=True)
class Plan:
    """What an incremental build renders and removes."""

    full: bool
    """Everything is rendered and written afresh (no usable previous output)."""
    order: tuple[str, ...]
    """Every page and feed, in `render.contexts` order."""
    dirty: frozenset[str]
    """Output paths to render again (their digest changed, or they are new)."""
    removed: tuple[str, ...]
    """Output files of the last build that no longer exist."""
    listing: tuple[str, ...]
    """Every output file after this build."""
    sitemap: list[tuple[str, dt.date | None]]
    """The sitemap's entries."""
    export: bool = True
    """The mentions export is written again (else the last one is staged as it is)."""


def plan_pages(site: Site, index: MentionIndex, cfg: SiteConfig, cache: ArticleCache
               ) -> tuple[dict[str, str], Plan]:
    """Digest every page; compare with the last build's digests when its output can be patched."""
    digests = page_digests(site, index, {a.slug: cache.digests(a) for a in site.articles}, cfg)
    order = tuple(digests)
    sitemap = sitemap_pages(site, digests)
    digests["sitemap.xml"] = sitemap_digest(sitemap)
    digests[EXPORT_UNIT] = cache.export_digest(site.articles)
    old = cache.state
    if cfg.search or old is None or old.key != cache.key or not old.pages:
        return digests, Plan(True, order, frozenset(digests), (), (), sitemap)
    dirty = frozenset(p for p, d in digests.items() if old.pages.get(p) != d)
    listing: tuple[str, ...]
    removed: tuple[str, ...]
    if digests.keys() == old.pages.keys():  # the same pages (an edit): the same files as last time
        listing, removed = old.listing, ()
    else:
        extras = [f for f in old.listing if f not in old.pages]
        listing = tuple(sorted({*digests, *extras}))
        removed = tuple(sorted(set(old.listing) - set(listing)))
    return digests, Plan(False, order, dirty, removed, listing, sitemap, EXPORT_UNIT in dirty)


def _listed(files: Iterable[RenderedFile], into: list[str]) -> Iterator[RenderedFile]:
    for item in files:
        into.append(str(item.path))
        yield item


def _tracked(files: Iterable[RenderedFile], total: int, progress: Progress) -> Iterator[RenderedFile]:
    """Pass files through, reporting progress per article or entity page (the CLI draws a bar)."""
    done = 0
    progress("rendering", 0, total)
    for item in files:
        parts = item.path.parts
        if len(parts) == 3 and parts[0] in ("articles", *GROUPS) and parts[2] == "index.html":
            done += 1
            progress("rendering", done, total)
        yield item
    progress("rendering", total, total)


def build(cfg: SiteConfig, *, log: Log = lambda _: None, progress: Progress = _no_progress,
          waiting: Log | None = None) -> BuildReport:
    """Import, load, model, annotate, render and write; raise ContentError if anything is wrong.

    Nothing is done when no input changed since the last build; otherwise only what changed is
    read, annotated and rendered again (`.newsgloss/` holds what the last build learnt).
    A build of the same site already running is waited for (`waiting` is told, else `log`).
    """
    with site_lock(cfg.site_dir, waiting or log), paused_gc():
        return _build(cfg, log, progress)


def _build(cfg: SiteConfig, log: Log, progress: Progress) -> BuildReport:
    started = time.perf_counter()
    timer = Stopwatch()
    stats: dict[str, tuple[int, int, int]] = {}
    newest = [0]
    with timer("fingerprint"):
        inputs = fingerprint(cfg, stats, newest)
        record = load_record(cfg)
    if unchanged(cfg, record, inputs):
        assert record is not None
        log("nothing changed since the last build: output/ left as it is")
        last: BuildReport = record.report
        return replace(last, seconds=time.perf_counter() - started, imported=(), stages=tuple(timer.stages.items()))
    # a refused output: nothing written anywhere, cache included (its files are checked by write_site)
    check_output_dir(cfg.output_dir, cfg.site_dir, foreign=False)
    walk = ForeignWalk(Path(os.path.abspath(cfg.output_dir)))  # checked by write_site: meanwhile, the build goes on
    try:
        with timer("cache"):
            intact = record is not None and output_stamp(cfg.output_dir) == record.output
            cache = ArticleCache(cfg, load_state(cfg), patchable=intact, stats=stats)
        try:
            result = _rebuild(cfg, cache, timer, log, progress, walk)
        except BaseException:
            cache.close(failed=True)
            raise
        cache.close()
    finally:
        walk.close()  # the walking child is waited for, whatever happened
    result = replace(result, seconds=time.perf_counter() - started, stages=tuple(timer.stages.items()))
    stamp = output_stamp(cfg.output_dir)
    recorded = None if result.imported else settled(cfg, inputs, newest[0])  # imports changed content/ after it was read
    if stamp is not None:  # with no fingerprint to vouch for the inputs, the next build still patches output/
        save_record(cfg, BuildRecord(recorded if recorded is not None else UNSETTLED, stamp, result))
    return result


def _rebuild(cfg: SiteConfig, cache: ArticleCache, timer: Stopwatch, log: Log, progress: Progress,
             walk: ForeignWalk | None = None) -> BuildReport:
    """The stages, re-doing what the cache cannot vouch for; the cache learns for the next build."""
    theme, found = load_theme(cfg.site_dir, cfg.theme)
    site, index, bodies, entity_bodies, problems, imported = prepare(cfg, log=log, progress=progress, timer=timer,
                                                                     cache=cache, theme=theme)
    problems += found
    if errors_in(problems):
        raise ContentError(problems)
    with timer("plan"):
        digests, plan = plan_pages(site, index, cfg, cache)
    _drop_stale_scratch(cfg.output_dir)
    scratch = cfg.output_dir.with_name(f".{cfg.output_dir.name}.scratch-{os.getpid()}")
    listing: list[str] = list(plan.listing)

    def verify(written: list[str]) -> None:  # the last word before output/ changes
        broken = check_link_targets(_body_links(site, cache, entity_bodies), written)
        if errors_in(broken):
            raise ContentError([*problems, *broken])

    try:
        scratch.mkdir(parents=True, exist_ok=True)
        with timer("render+write"):
            rendered = (render_files(site, index, bodies, entity_bodies, cfg, theme, scratch, plan,
                                     lambda: (cache.rows(a) for a in site.articles))
                        if not cfg.search else render_site(site, index, bodies, entity_bodies, cfg, theme))
            files = _tracked(rendered, _units(plan), progress)
            unchanged = _unchanged(plan)
            if not plan.full:
                log(f"incremental build: {len(plan.dirty)} pages rendered, {len(plan.removed)} removed")
            listing = []
            write_site(_listed(files, listing), cfg.output_dir, cfg.site_dir, verify, unchanged, walk)
            listing += unchanged
    except RenderFailure as exc:
        raise ContentError([*problems, exc.problem]) from None
    except TemplateError as exc:
        raise ContentError([*problems, _template_problem(exc)]) from None
    except OutputError as exc:
        raise ContentError([*problems, problem(str(cfg.output_dir), 0, str(exc))]) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with timer("save"):
        save_state(cfg, cache.state_for(digests, tuple(sorted(listing))), cache.loaded)
    return BuildReport(len(site.articles), len(site.actors), len(site.locations), len(listing), 0.0,
                       tuple(imported), tuple(problems), sum(1 for f in listing if f.endswith(".html")))


def _body_links(site: Site, cache: ArticleCache, entity_bodies: Mapping[str, AnnotatedBody]
                ) -> Iterator[tuple[str, tuple[tuple[str, str, int], ...]]]:
    """(source file, its links) of every published Markdown body, for the link check."""
    for article in site.articles:
        yield article.body.path, cache.bodies[article.slug].links
    for group in GROUPS:
        for slug, entity in site.registry(group).items():
            yield entity.body.path, link_targets(page_file(group, slug), entity_bodies[f"{group}/{slug}"].hrefs)


def _drop_stale_scratch(output: Path) -> None:
    """Remove the scratch folders of builds that were killed (their process is gone)."""
    for folder in output.parent.glob(f".{output.name}.scratch-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or folder.is_symlink():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _unchanged(plan: Plan) -> list[str]:
    """Pages and feeds of the last output that this build does not render again (and the mentions
    export, when unchanged): the writer stages them as hard links to the live output's files."""
    if plan.full:
        return []
    kept = () if plan.export else tuple(str(p) for p in EXPORTS)
    return [p for p in (*plan.order, "sitemap.xml", *kept) if p not in plan.dirty]


def _units(plan: Plan) -> int:
    """Article and entity pages a plan renders (what the progress bar counts)."""
    return sum(1 for p in plan.dirty if p.count("/") == 2 and p.endswith("/index.html")
               and p.startswith(("articles/", *GROUPS)))
