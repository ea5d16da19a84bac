"""Stage 2: content/ folder -> Content (articles and the entity registry), with problems."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.errors import Problem, problem
from generator.frontmatter import YamlDoc, load_yaml, read_number, read_text, split_front_matter
from generator.seeds import decode_seed
from generator.urls import is_valid_slug, outside_site, slug_advice

if TYPE_CHECKING:
    from generator.detect import Lexicon

EntityKind = Literal["person", "organisation", "location"]
ACTOR_KINDS = ("person", "organisation")
ARTICLE_KEYS = frozenset({"title", "slug", "date", "date_source", "source", "seed_sha256", "actors",
                          "locations", "summary", "byline", "source_url", "publisher", "draft"})
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f<>\"'`]")
_WIKIDATA = re.compile(r"Q[1-9][0-9]{0,11}")
ENTITY_KEYS = frozenset({"name", "slug", "kind", "aliases", "summary", "role", "place_type",
                         "country", "lat", "lon", "wikidata", "redirect_from"})


@dataclass(frozen=True, slots=True)
class MarkdownSource:
    """A Markdown body and where it sits in its file."""

    text: str
    """The Markdown text after the front matter."""
    path: str
    """File it came from, relative to the site folder."""
    first_line: int
    """Line of the body's first line in that file."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article from content/articles/<slug>.md."""

    slug: str
    """URL slug (front matter `slug`, else the file name)."""
    title: str
    """Headline."""
    date: dt.date
    """Publication date."""
    body: MarkdownSource
    """Markdown body with `actor:`/`location:` links."""
    actors: tuple[str, ...] = ()
    """Actor slugs from front matter."""
    locations: tuple[str, ...] = ()
    """Location slugs from front matter."""
    summary: str = ""
    """One-paragraph summary (feeds, lists, meta description)."""
    source: str | None = None
    """Seed path it was imported from."""
    seed_sha256: str | None = None
    """The seed's digest at import."""
    date_source: str | None = None
    """`file` when the date came from the seed file's modification time."""
    byline: str | None = None
    """Author line."""
    source_url: str | None = None
    """Where the original was published."""
    publisher: str | None = None
    """Who published the original."""
    draft: bool = False
    """Drafts are loaded and checked but not published."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One actor or location from content/actors/ or content/locations/."""

    slug: str
    """URL slug (the file name)."""
    kind: EntityKind
    """`person` or `organisation` (actors) or `location`."""
    name: str
    """Canonical name."""
    body: MarkdownSource
    """The editor's long annotation (Markdown)."""
    aliases: tuple[str, ...] = ()
    """Other names that mean this entity."""
    summary: str = ""
    """One or two sentences, used in footnotes and cards."""
    role: str = ""
    """For actors: role in the text's own words."""
    place_type: str = ""
    """For locations: city, country, region, territory …"""
    country: str = ""
    """For locations: the country it lies in."""
    lat: float | None = None
    """Latitude."""
    lon: float | None = None
    """Longitude."""
    wikidata: str = ""
    """Optional Wikidata id (Q…)."""
    redirect_from: tuple[str, ...] = ()
    """Slugs of entities merged into this one; each old page becomes a redirect here."""

    @property
    def is_actor(self) -> bool:
        """People and organisations are actors."""
        return self.kind in ACTOR_KINDS


@dataclass(frozen=True, slots=True)
class Content:
    """Everything loaded from content/: the articles and the registry."""

    articles: tuple[Article, ...] = ()
    """Articles, sorted by slug."""
    actors: Mapping[str, Entity] = field(default_factory=dict)
    """Actor slug -> Entity."""
    locations: Mapping[str, Entity] = field(default_factory=dict)
    """Location slug -> Entity."""

    def lexicon(self, rejects: frozenset[str] = frozenset()) -> Lexicon:
        """The registry as detection sees it."""
        from generator.detect import KnownEntity, Lexicon  # detection is imported only to import seeds

        known = [KnownEntity(e.slug, e.name, e.kind, e.aliases)
                 for group in (self.actors, self.locations) for e in group.values()]
        return Lexicon(tuple(known), rejects)


def _str(doc: YamlDoc, key: str, problems: list[Problem], required: bool = False) -> str:
    value = doc.data.get(key)
    if value is None:
        if required:
            problems.append(doc.problem(key, f"missing required field {key!r}"))
        return ""
    text = read_text(doc, key, value, problems)
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", text).strip()
    if required and not text:
        problems.append(doc.problem(key, f"{key}: is empty"))
    return text


def _url(doc: YamlDoc, key: str, problems: list[Problem]) -> str | None:
    """An absolute http(s) URL: the only kind a page may link to from front matter (SPEC §7.4)."""
    text = _str(doc, key, problems)
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _UNSAFE_URL_CHARS.search(text):
        problems.append(doc.problem(key, f"{key}: expected an absolute http(s) URL such as "
                                         f"https://example.com/story, got {text!r}"))
        return None
    return text


def _wikidata(doc: YamlDoc, problems: list[Problem]) -> str:
    text = _str(doc, "wikidata", problems)
    if text and not _WIKIDATA.fullmatch(text):
        problems.append(doc.problem("wikidata", f"wikidata: expected an item id such as Q42, got {text!r}"))
        return ""
    return text


def _str_list(doc: YamlDoc, key: str, problems: list[Problem]) -> tuple[str, ...]:
    value = doc.data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(doc.problem(key, f"{key}: expected a list such as [first, second]"))
        return ()
    texts = []
    for i, item in enumerate(value):
        raw = doc.raw.get(f"{key}[{i}]")
        if isinstance(item, str):
            if read_text(doc, key, item, problems) is not None:
                texts.append(item)
        elif raw is not None and not isinstance(item, (list, dict)):
            read = {True: "true", False: "false"}.get(item) if isinstance(item, bool) else repr(item)
            problems.append(doc.problem(key, f"{key}: YAML reads {raw} (item {i + 1}) as {read}, not as "
                                             f"text; put it in quotes: \"{raw}\""))
        else:
            problems.append(doc.problem(key, f"{key}: item {i + 1} is not text"))
    return tuple(unicodedata.normalize("NFC", v).strip() for v in texts if v.strip())


def _slug_list(doc: YamlDoc, key: str, problems: list[Problem]) -> tuple[str, ...]:
    slugs = _str_list(doc, key, problems)
    for slug in slugs:
        if not is_valid_slug(slug):
            problems.append(doc.problem(key, f"{key}: {slug!r} is not a valid slug: {slug_advice(slug)}"))
    return tuple(s for s in dict.fromkeys(slugs) if is_valid_slug(s))


def _date(doc: YamlDoc, problems: list[Problem]) -> dt.date | None:
    value = doc.data.get("date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if value is None:
        problems.append(doc.problem("date", "missing required field 'date' (YYYY-MM-DD)"))
    else:
        problems.append(doc.problem("date", f"date: cannot read {value!r} as a date (use YYYY-MM-DD)"))
    return None


def _float(doc: YamlDoc, key: str, limit: float, problems: list[Problem]) -> float | None:
    value = doc.data.get(key)
    if value is None:
        return None
    number = read_number(doc, key, value, -limit, limit, problems)
    return None if number is None else float(number)


def _split(data: bytes, shown: str) -> tuple[str | None, str, int, list[Problem]]:
    """(front matter text, body, body's first line, problems) of a content file's bytes; None
    front matter when it cannot be read (the problems say why)."""
    text, problems = decode_seed(data, shown)  # same rules as seeds: BOM, UTF-16, cp1252 with a warning
    if any(p.level == "error" for p in problems):
        return None, "", 0, problems
    fm, body, body_line = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    if fm is None:
        return None, "", 0, [*problems, problem(shown, 1, "missing front matter (a `---` line, YAML, and `---`)")]
    return fm, body, body_line, problems


def _read(path: Path, shown: str, data: bytes | None = None) -> tuple[YamlDoc | None, str, int, list[Problem]]:
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return None, "", 0, [problem(shown, 0, f"cannot read: {exc.strerror or exc}")]
    fm, body, body_line, problems = _split(data, shown)
    if fm is None:
        return None, "", 0, problems
    doc, found = load_yaml(fm, shown, 1)
    return doc, body, body_line, problems + found


def read_body(path: Path, shown: str) -> str | None:
    """The Markdown body of a content file, read as `load_article` reads it (None if unreadable)."""
    try:
        fm, body, _, _ = _split(path.read_bytes(), shown)
    except OSError:
        return None
    return body if fm is not None else None


def _unknown_keys(doc: YamlDoc, known: frozenset[str], problems: list[Problem]) -> None:
    for key in doc.data:
        if key not in known:
            problems.append(doc.problem(key, f"unknown field {key!r}", "warning"))


def load_article(path: Path, shown: str, data: bytes | None = None) -> tuple[Article | None, list[Problem]]:
    """Read one article file (or parse its bytes, `data`, read already); None when it has errors."""
    doc, body, body_line, problems = _read(path, shown, data)
    if doc is None:
        return None, problems
    errors_before = len(problems)
    _unknown_keys(doc, ARTICLE_KEYS, problems)
    title = _str(doc, "title", problems, required=True)
    slug = _str(doc, "slug", problems) or path.stem
    if not is_valid_slug(slug):
        if "slug" in doc.data:
            problems.append(doc.problem("slug", f"slug: {slug!r} is not a valid slug: {slug_advice(slug)}"))
        else:
            problems.append(problem(shown, 0, f"file name {path.name!r} (used as the slug): {slug!r} is not a "
                                              f"valid slug: {slug_advice(slug)}; rename the file or add a slug"))
    date = _date(doc, problems)
    draft = doc.data.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(doc.problem("draft", "draft: expected true or false"))
    article = Article(
        slug=slug, title=title, date=date or dt.date.min,
        body=MarkdownSource(body, shown, body_line),
        actors=_slug_list(doc, "actors", problems), locations=_slug_list(doc, "locations", problems),
        summary=_str(doc, "summary", problems), source=_str(doc, "source", problems) or None,
        seed_sha256=_str(doc, "seed_sha256", problems) or None,
        date_source=_str(doc, "date_source", problems) or None,
        byline=_str(doc, "byline", problems) or None,
        source_url=_url(doc, "source_url", problems),
        publisher=_str(doc, "publisher", problems) or None, draft=draft is True,
    )
    failed = any(p.level == "error" for p in problems[errors_before:])
    return (None if failed else article), problems


def load_entity(path: Path, shown: str, group: str) -> tuple[Entity | None, list[Problem]]:
    """Read one registry file (group is `actors` or `locations`); None when it has errors."""
    doc, body, body_line, problems = _read(path, shown)
    if doc is None:
        return None, problems
    _unknown_keys(doc, ENTITY_KEYS, problems)
    name = _str(doc, "name", problems, required=True)
    kind = doc.data.get("kind", "location" if group == "locations" else None)
    allowed = ACTOR_KINDS if group == "actors" else ("location",)
    if kind not in allowed:
        problems.append(doc.problem("kind", f"kind: expected {' or '.join(allowed)}, got {kind!r}"))
    slug = path.stem
    if not is_valid_slug(slug):
        problems.append(problem(shown, 0, f"file name {path.name!r} is not a valid slug: "
                                          f"{slug_advice(slug)}; rename the file"))
    entity = Entity(
        slug=slug, kind=kind if kind in allowed else "location", name=name,
        body=MarkdownSource(body, shown, body_line), aliases=_str_list(doc, "aliases", problems),
        summary=_str(doc, "summary", problems), role=_str(doc, "role", problems),
        place_type=_str(doc, "place_type", problems), country=_str(doc, "country", problems),
        lat=_float(doc, "lat", 90, problems), lon=_float(doc, "lon", 180, problems),
        wikidata=_wikidata(doc, problems),
        redirect_from=_slug_list(doc, "redirect_from", problems),
    )
    failed = any(p.level == "error" for p in problems)
    return (None if failed else entity), problems


def _markdown_files(folder: Path, site_dir: Path, problems: list[Problem]) -> list[tuple[str, str]]:
    """(path, file name) of the Markdown files in `folder`, by name; paths as strings (10,000
    articles are listed per build, and most are never opened)."""
    if not folder.is_dir():
        return []
    folder_outside = outside_site(folder, site_dir) is not None
    found = []
    with os.scandir(folder) as entries:  # one listing with file types
        named = sorted((e for e in entries if e.name.endswith(".md") and not e.name.startswith(".")),
                       key=lambda e: e.name)
    for entry in named:
        if not entry.is_file():
            continue
        outside = outside_site(Path(entry.path), site_dir) if folder_outside or entry.is_symlink() else None
        if outside is not None:
            problems.append(outside)
        else:
            found.append((entry.path, entry.name))
    return found


ArticleLoader = Callable[[list[tuple[str, str]]], list[tuple["Article | None", list[Problem]]]]
"""Loads articles given as (path, shown path): load_article for each, or the build cache's reader."""


EntityLoader = Callable[[str, str, str], tuple["Entity | None", list[Problem]]]
"""Loads one registry file given as (path, shown path, group): load_entity, or the build cache's reader."""


Registry = tuple[dict[str, dict[str, "Entity"]], list[Problem]]
"""The entity registry ({"actors": {slug: Entity}, "locations": {…}}) and the problems found reading it."""


def load_registry(cfg: SiteConfig, read_entity: EntityLoader | None = None) -> Registry:
    """Load every registry file under content/actors and content/locations."""
    problems: list[Problem] = []
    registry: dict[str, dict[str, Entity]] = {"actors": {}, "locations": {}}
    for group, entities in registry.items():
        for path, name in _markdown_files(cfg.content_dir / group, cfg.site_dir, problems):
            shown = f"content/{group}/{name}"
            entity, found = (read_entity(path, shown, group) if read_entity is not None
                             else load_entity(Path(path), shown, group))
            problems += found
            if entity is not None:
                entities[entity.slug] = entity
    return registry, problems


def load_content(cfg: SiteConfig, read_articles: ArticleLoader | None = None,
                 read_entity: EntityLoader | None = None, registry: Registry | None = None
                 ) -> tuple[Content, list[Problem]]:
    """Load every article and registry file under content/; gather all problems.

    `read_articles` and `read_entity` replace `load_article` and `load_entity` (the build cache
    passes readers that skip unchanged files); `registry` is `load_registry`'s, when read already.
    """
    problems: list[Problem] = []
    articles: list[Article] = []
    files = [(path, f"content/articles/{name}")
             for path, name in _markdown_files(cfg.content_dir / "articles", cfg.site_dir, problems)]
    for article, found in (read_articles or (lambda items: [load_article(Path(p), s) for p, s in items]))(files):
        problems += found
        if article is not None:
            articles.append(article)
    entities, found = registry if registry is not None else load_registry(cfg, read_entity)
    problems += found
    articles.sort(key=lambda a: a.slug)
    return Content(tuple(articles), entities["actors"], entities["locations"]), problems


def parse_fields(text: str) -> dict[str, Any]:
    """Front matter of a Markdown text as a dict (empty when absent or invalid)."""
    fm, _, _ = split_front_matter(text)
    if fm is None:
        return {}
    doc, _ = load_yaml(fm, "")
    return dict(doc.data) if doc else {}
