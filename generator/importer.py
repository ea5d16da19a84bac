"""Stage 1: Seed + registry -> ImportResult (article Markdown and entity stubs); save() writes new files."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from generator.detect import Detection, EntityGuess, Lexicon, Mention, detect, tag
from generator.detect.titles import HONORIFICS
from generator.errors import Problem, problem
from generator.frontmatter import dump_front_matter
from generator.seeds import Seed
from generator.urls import slugify

if TYPE_CHECKING:
    from generator.detect.pipeline import Tagged

SUMMARY_CHARS = 300
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+=](?=\s|$)|(\d{1,9})([.)])(?=\s|$))")


@dataclass(frozen=True, slots=True)
class NewFile:
    """A content file the importer wants to create (relative to the site folder)."""

    path: str
    """e.g. `content/actors/antony-j-blinken.md`."""
    text: str
    """Full file text."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one seed produces, before anything is written."""

    article: NewFile
    """The article file."""
    stubs: tuple[NewFile, ...]
    """Registry stubs for entities not in the registry yet."""
    detection: Detection
    """What detection found in the seed."""
    problems: tuple[Problem, ...] = ()
    """Warnings about the seed (date from file time, encoding)."""
    tagged: Tagged | None = None
    """The tagger's half of detection (no lexicon in it): import again against another lexicon
    with `import_seed(..., tagged=result.tagged)` without tagging again."""


def escape_markdown(text: str) -> str:
    """Escape seed text so Markdown shows it literally (no emphasis, links, HTML or lists)."""
    lines = []
    for line in text.split("\n"):
        line = _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", line))
        line = _MD_LINE_START.sub(lambda m: m.group(1) + (
            m.group(3) + "\\" + m.group(4) if m.group(3) else "\\" + m.group(2)), line)
        lines.append(line)
    return "\n".join(lines)


def _link(mention: Mention) -> str:
    scheme = "location" if mention.kind == "location" else "actor"
    return f"[{escape_markdown(mention.text)}]({scheme}:{mention.entity})"


def _linked_paragraphs(text: str, body_start: int, mentions: Iterable[Mention]) -> str:
    """Body Markdown: text escaped, the first body mention of each entity made a link."""
    out: list[str] = []
    pos = body_start
    linked: set[str] = set()
    for m in mentions:
        if m.start < body_start or m.entity in linked:
            continue
        linked.add(m.entity)
        out.append(escape_markdown(text[pos:m.start]))
        out.append(_link(m))
        pos = m.end
    out.append(escape_markdown(text[pos:]))
    return "".join(out)


def summarise(paragraphs: tuple[str, ...], limit: int = SUMMARY_CHARS) -> str:
    """The opening of the first paragraph, cut at a sentence end (else a word) within `limit`."""
    first = " ".join(paragraphs[0].split()) if paragraphs else ""
    if len(first) <= limit:
        return first
    cut = first[:limit]
    sentence = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence > limit // 3:
        return cut[: sentence + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:—–- ") + "…"


def _entity_summary(guess: EntityGuess) -> str:
    if guess.kind == "location":
        where = f" in {guess.country}" if guess.country and guess.country != guess.name else ""
        return f"{guess.name}, a {guess.place_type}{where}." if guess.place_type else ""
    return f"{guess.name}, {guess.role}." if guess.role else ""


def stub_aliases(guess: EntityGuess, mentions: Iterable[Mention]) -> list[str]:
    """Other full forms the text used for an entity; never a bare surname or title + surname."""
    forms = list(guess.aliases)
    for m in mentions:
        if m.entity != guess.slug or m.text == guess.name or m.text in forms:
            continue
        if guess.kind == "person" and (len(m.text.split()) < 2 or m.text.split()[0] in HONORIFICS):
            continue
        forms.append(m.text)
    return forms


def entity_stub(guess: EntityGuess, mentions: Iterable[Mention] = ()) -> NewFile:
    """A registry stub for a newly found entity, with what detection could derive."""
    group = "locations" if guess.kind == "location" else "actors"
    fields: dict[str, Any] = {"name": guess.name, "kind": guess.kind,
                              "aliases": stub_aliases(guess, mentions)}
    if guess.kind == "location":
        fields.update({k: v for k, v in (("place_type", guess.place_type), ("country", guess.country),
                                         ("lat", guess.lat), ("lon", guess.lon)) if v is not None})
    elif guess.role:
        fields["role"] = guess.role
    fields["summary"] = _entity_summary(guess)
    return NewFile(f"content/{group}/{guess.slug}.md", dump_front_matter(fields, ""))


def unique_slug(title: str, taken: set[str]) -> str:
    """Slug for a new article: made from the title, suffixed -2, -3 … when taken."""
    base: str = slugify(title)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_text(seed: Seed) -> str:
    """The text detection reads: the headline on one line, then the paragraphs."""
    return " ".join(seed.headline.split()) + "\n\n" + "\n\n".join(seed.paragraphs)


def import_seed(seed: Seed, lexicon: Lexicon, taken_slugs: set[str],
                fallback_date: dt.date | None = None, slug: str | None = None,
                tagged: Tagged | None = None) -> ImportResult:
    """Convert one seed into an article draft and stubs for entities the registry lacks.

    `tagged`, if given, is `tag(article_text(seed))` (from a worker, or an earlier result's `tagged`).
    """
    problems: list[Problem] = []
    headline = " ".join(seed.headline.split())
    text = article_text(seed)
    if tagged is None:
        tagged = tag(text)
    detection = detect(text, lexicon, tagged=tagged)
    body_start = len(headline) + 2
    body = "\n\n".join(_linked_paragraphs(text, body_start, detection.mentions).split("\n\n"))
    date, date_source = seed.date, None
    if date is None and fallback_date is not None:
        date = fallback_date
    if date is None:
        date = dt.datetime.fromtimestamp(seed.path.stat().st_mtime, dt.timezone.utc).date()
        date_source = "file"
        problems.append(problem(seed.source, 0, "no date line or sidecar date: using the file's "
                                                "modification time (date_source: file)", "warning"))
    slug = slug or unique_slug(headline, taken_slugs)
    fields: dict[str, Any] = {"title": headline, "slug": slug, "date": date}
    if date_source:
        fields["date_source"] = date_source
    fields["source"] = seed.source
    fields["seed_sha256"] = seed.sha256
    for key in ("byline", "source_url", "publisher"):
        value = seed.byline if key == "byline" else seed.meta.get(key)
        if isinstance(value, str) and value:
            fields[key] = value
    fields["actors"] = [g.slug for g in detection.entities if g.kind != "location"]
    fields["locations"] = [g.slug for g in detection.entities if g.kind == "location"]
    fields["summary"] = summarise(seed.paragraphs)
    article = NewFile(f"content/articles/{slug}.md", dump_front_matter(fields, body + "\n"))
    stubs = tuple(entity_stub(g, detection.mentions) for g in detection.entities if not g.known)
    return ImportResult(article, stubs, detection, tuple(problems), tagged)


def save(result: ImportResult, site_dir: Path, reimport: bool = False) -> list[str]:
    """Write the article and stubs that do not exist yet; return the paths written.

    Never overwrites: with `reimport` the existing article is first copied to content/.backups/.
    """
    written: list[str] = []
    article_path = site_dir / result.article.path
    if reimport and article_path.exists():
        backups = site_dir / "content" / ".backups"
        backups.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        shutil.copy2(article_path, backups / f"{article_path.stem}.{stamp}.md")
        _write_new(article_path, result.article.text, replace=True)
        written.append(result.article.path)
    elif _write_new(article_path, result.article.text):
        written.append(result.article.path)
    for stub in result.stubs:
        if _write_new(site_dir / stub.path, stub.text):
            written.append(stub.path)
    return written


def _write_new(path: Path, text: str, replace: bool = False) -> bool:
    """Create `path` with `text` unless it exists (or replace it atomically when asked)."""
    if replace:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
        return True
    # Written whole to a temporary name, then linked in: a kill midway never leaves a half-written
    # article that later imports would take for the editor's file, and link() refuses to replace one.
    # (No existence check first: link() makes it, and imports create thousands of files.)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        try:
            _create(tmp, text)
        except OSError:
            if path.exists() or path.is_symlink():
                return False
            raise
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create is the next best
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _create(path: Path, text: str) -> None:
    """Write `text` to `path` (truncating), creating its folders only when they are missing."""
    try:
        handle = open(path, "w", encoding="utf-8", newline="\n")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "w", encoding="utf-8", newline="\n")
    with handle:
        handle.write(text)
