"""site.yaml -> SiteConfig: one typed, frozen configuration object, validated in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal
from urllib.parse import urlsplit

from generator.errors import ContentError, Problem, problem
from generator.frontmatter import YamlDoc, load_yaml, read_number, read_text

FootnoteMode = Literal["first", "all", "none"]
FOOTNOTE_MODES: tuple[FootnoteMode, ...] = ("first", "all", "none")
CONFIG_NAME = "site.yaml"
_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class AnnotationsConfig:
    """How entity mentions are annotated."""

    entity_footnotes: FootnoteMode = "first"
    """`first`: a footnote at the first linked mention of each entity; `all`: at every link; `none`."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything that shapes a build; made once by load_config, passed to every stage."""

    site_dir: Path
    """The site folder (holds site.yaml, seeds/, content/, themes/)."""
    title: str = "newsgloss"
    """Site title, shown in the header and feeds."""
    description: str = ""
    """One-line description for the home page, feeds and meta tags."""
    base_url: str = "http://localhost:8000/"
    """Absolute URL the site is served from; used for feeds, sitemap, canonical links, 404.html."""
    language: str = "en"
    """BCP 47 language tag of the content (`<html lang>`)."""
    theme: str = "default"
    """Theme name: themes/<name>/ in the site folder, falling back to the bundled default."""
    output: str = "output"
    """Output folder, relative to the site folder."""
    pretty_links: bool = False
    """Drop `index.html` from internal links (needs a host that serves folder indexes)."""
    feed_entries: int = 20
    """How many of the latest articles each Atom feed holds."""
    per_page: int = 50
    """Articles per entity page before it continues at page/N/."""
    search: bool = True
    """Build a client-side search index (pagefind) into output/pagefind/; off speeds up benchmarks."""
    annotations: AnnotationsConfig = field(default_factory=AnnotationsConfig)
    """Entity annotation options."""
    reject: frozenset[str] = frozenset()
    """Names that entity detection must never turn into entities."""

    @property
    def output_dir(self) -> Path:
        """The output folder as an absolute path."""
        return (self.site_dir / Path(self.output).expanduser()).absolute()

    @property
    def content_dir(self) -> Path:
        """content/ in the site folder."""
        return self.site_dir / "content"

    @property
    def seeds_dir(self) -> Path:
        """seeds/ in the site folder."""
        return self.site_dir / "seeds"


def _text(doc: YamlDoc, key: str, value: Any, problems: list[Problem]) -> str | None:
    return read_text(doc, key, value, problems)


def _bool(doc: YamlDoc, key: str, value: Any, problems: list[Problem]) -> bool | None:
    if isinstance(value, bool):
        return value
    problems.append(doc.problem(key, f"{key}: expected true or false"))
    return None


def _int(doc: YamlDoc, key: str, value: Any, problems: list[Problem]) -> int | None:
    number = read_number(doc, key, value, 1, 100_000, problems, whole=True)
    return None if number is None else int(number)


_FIELDS: dict[str, Callable[[YamlDoc, str, Any, list[Problem]], Any]] = {
    "title": _text, "description": _text, "base_url": _text, "language": _text,
    "theme": _text, "output": _text, "pretty_links": _bool, "search": _bool,
    "feed_entries": _int, "per_page": _int,
}


def _annotations(doc: YamlDoc, value: Any, problems: list[Problem]) -> AnnotationsConfig | None:
    if value is None:
        return AnnotationsConfig()
    if not isinstance(value, dict):
        problems.append(doc.problem("annotations", "annotations: expected a mapping"))
        return None
    for key in value:
        if key != "entity_footnotes":
            problems.append(doc.problem(f"annotations.{key}", f"unknown option annotations.{key}"))
    mode = value.get("entity_footnotes", "first")
    if mode is False:  # YAML 1.1 reads a bare `none`-like `no`/`off` as false
        mode = "none"
    if mode not in FOOTNOTE_MODES:
        problems.append(doc.problem("annotations.entity_footnotes",
                                    f"annotations.entity_footnotes: expected one of "
                                    f"{', '.join(FOOTNOTE_MODES)}, got {mode!r}"))
        return None
    return AnnotationsConfig(entity_footnotes=mode)


def _reject(doc: YamlDoc, value: Any, problems: list[Problem]) -> frozenset[str] | None:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(doc.problem("reject", "reject: expected a list of names (text); quote names "
                                              "that YAML reads otherwise, such as \"No\", \"On\" or \"1984\""))
        return None
    return frozenset(v.strip() for v in value if v.strip())


def parse_config(doc: YamlDoc, site_dir: Path) -> tuple[SiteConfig, list[Problem]]:
    """Validate a loaded site.yaml in one pass; return the config and every problem found."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in doc.data.items():
        if key in _FIELDS:
            checked = _FIELDS[key](doc, key, value, problems)
            if checked is not None:
                values[key] = checked
        elif key == "annotations":
            ann = _annotations(doc, value, problems)
            if ann is not None:
                values[key] = ann
        elif key == "reject":
            rej = _reject(doc, value, problems)
            if rej is not None:
                values[key] = rej
        else:
            problems.append(doc.problem(key, f"unknown option {key!r}"))
    theme = values.get("theme")
    if theme is not None and not _THEME_NAME.fullmatch(theme):
        problems.append(doc.problem("theme", f"theme: {theme!r} is not a theme name (a folder name under "
                                             f"themes/, such as `default`)"))
        values.pop("theme")
    language = values.get("language")
    if language is not None and not _LANGUAGE.fullmatch(language):
        problems.append(doc.problem("language", f"language: {language!r} is not a language tag such as "
                                                f"en, pt-BR or zh-Hant"))
        values.pop("language")
    base = values.get("base_url")
    if base is not None and (not base.startswith(("http://", "https://")) or not urlsplit(base).netloc
                             or any(c.isspace() or c in "\"'<>`" for c in base)):
        problems.append(doc.problem("base_url", "base_url: expected an absolute http(s) URL"))
        values.pop("base_url")
    if "base_url" in values and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return SiteConfig(site_dir=site_dir, **values), problems


def load_config(site_dir: Path) -> SiteConfig:
    """Read `site_dir/site.yaml` (defaults when absent); raise ContentError on any problem."""
    site_dir = site_dir.absolute()
    path = site_dir / CONFIG_NAME
    if not path.exists():
        return SiteConfig(site_dir=site_dir)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError([problem(CONFIG_NAME, 0, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ContentError([problem(CONFIG_NAME, line, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                                                       f"{exc.start}); save site.yaml as UTF-8")]) from None
    doc, problems = load_yaml(text, CONFIG_NAME)
    if doc is None:
        raise ContentError(problems)
    cfg, more = parse_config(doc, site_dir)
    problems += more
    if problems:
        raise ContentError(problems)
    return cfg
