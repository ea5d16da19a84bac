"""Site + mentions -> output/data/mentions.csv and mentions.json, for researchers.

Each article's rows are formatted on their own (`article_rows`, in the annotating workers, and
kept in the build cache), so a build only joins them: the files are whole-site, but an edit to
one article re-formats only that article's rows.
"""

from __future__ import annotations

import io
from json.encoder import encode_basestring  # the C string encoder when there is one
from pathlib import Path, PurePosixPath
from typing import IO, Iterable, Iterator, Sequence

from generator.config import SiteConfig
from generator.content import Article
from generator.model import ArticleMention, MentionIndex, Site, page_file
from generator.urls import page_url

FIELDS = ("date", "article", "title", "entity", "name", "kind", "sentence", "url")
CSV_PATH = PurePosixPath("data", "mentions.csv")
JSON_PATH = PurePosixPath("data", "mentions.json")
EXPORTS = (CSV_PATH, JSON_PATH)


def article_rows(site: Site, cfg: SiteConfig, article: Article, mentions: Iterable[ArticleMention]) -> tuple[bytes, bytes]:
    """(CSV lines, JSON objects), UTF-8, of one article's sentences: by paragraph, then entity key, then text order.

    The JSON objects are formatted as `json.dumps(..., indent=1, ensure_ascii=False)` formats them
    inside the document's `mentions` list (`tests/test_export.py` holds the two together).
    """
    url = page_url(cfg.base_url, page_file("articles", article.slug), cfg.pretty_links)
    date = article.date.isoformat()
    lines: list[str] = []
    objects: list[str] = []
    # the fields an article or entity shares are formatted once: JSON as "   \"name\": value" lines, CSV as fields
    head = "  {\n" + "".join(f'   "{k}": {encode_basestring(v)},\n'
                              for k, v in zip(FIELDS, (date, article.slug, article.title)))
    row_head = _record((date, article.slug, article.title))
    shared: dict[str, tuple[str, str]] = {}
    for m in sorted(mentions, key=lambda m: (int(m.anchor.rpartition("-")[2] or 0), m.entity)):
        entity = site.entity(m.entity)
        if entity is None:
            continue
        anchored = f"{url}#{m.anchor}"
        if m.entity not in shared:
            shared[m.entity] = ("".join(f'   "{k}": {encode_basestring(v)},\n'
                                        for k, v in zip(FIELDS[3:6], (m.entity, entity.name, entity.kind))),
                                _record((m.entity, entity.name, entity.kind)))
        fields, row_part = shared[m.entity]
        lines.append(f"{row_head},{row_part},{_field(m.sentence)},{_field(anchored)}\r\n")
        objects.append(f'{head}{fields}   "{FIELDS[6]}": {encode_basestring(m.sentence)},\n'
                       f'   "{FIELDS[7]}": {encode_basestring(anchored)}\n  }}')
    return "".join(lines).encode("utf-8"), ",\n".join(objects).encode("utf-8")


def _field(text: str) -> str:
    """A field as csv.writer writes it in a record of two or more (`tests/test_export.py` holds the
    two together): a writer call a row cost three times as much, for ~20 rows an article. It is
    quoted when it holds what makes csv.writer (excel dialect, CRLF line ends) quote a field:
    the delimiter, the quote character, a line-end character (four `in` tests: 3x faster than `re`)."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return f'"{text.replace(chr(34), 2 * chr(34))}"'
    return text


def _record(fields: Sequence[str]) -> str:
    """Fields as csv.writer formats them in a record, line end left out: joined with commas, the
    parts of a record make the record (each field is quoted on its own), so an article's and an
    entity's fields are formatted once, not once per sentence."""
    return ",".join(map(_field, fields))


def index_rows(site: Site, index: MentionIndex, cfg: SiteConfig) -> Iterator[tuple[bytes, bytes]]:
    """`article_rows` of every published article, newest first, from a whole mention index."""
    by_article: dict[str, list[ArticleMention]] = {}
    for entity_key in sorted(index.mentions):
        for m in index.mentions[entity_key]:
            by_article.setdefault(m.article, []).append(m)
    for article in site.articles:
        yield article_rows(site, cfg, article, by_article.get(article.slug, ()))


def _write(cfg: SiteConfig, rows: Iterable[tuple[bytes, bytes]], table: IO[bytes], doc: IO[bytes]) -> None:
    table.write((",".join(FIELDS) + "\r\n").encode("utf-8"))
    doc.write(("{\n" + "".join(f' {encode_basestring(k)}: {encode_basestring(v)},\n'
                                for k, v in (("site", cfg.title), ("base_url", cfg.base_url)))
               + ' "fields": [\n' + ",\n".join(f"  {encode_basestring(f)}" for f in FIELDS)
               + '\n ],\n "mentions": [').encode("utf-8"))
    first = True
    for lines, objects in rows:
        table.write(lines)
        if objects:
            doc.write(b"\n" if first else b",\n")
            doc.write(objects)
            first = False
    doc.write(b"]\n}\n" if first else b"\n ]\n}\n")


def write_exports(cfg: SiteConfig, rows: Iterable[tuple[bytes, bytes]], folder: Path) -> list[tuple[PurePosixPath, Path]]:
    """Write data/mentions.csv (RFC 4180, UTF-8) and data/mentions.json into `folder`, from each
    published article's `article_rows` in order; return (output path, file written) of both."""
    csv_file, json_file = folder / "mentions.csv", folder / "mentions.json"
    with open(csv_file, "wb") as table, open(json_file, "wb") as doc:
        _write(cfg, rows, table, doc)
    return [(CSV_PATH, csv_file), (JSON_PATH, json_file)]


def export_data(cfg: SiteConfig, rows: Iterable[tuple[bytes, bytes]]) -> list[tuple[PurePosixPath, bytes]]:
    """`write_exports` in memory: (output path, bytes) of both files."""
    table, doc = io.BytesIO(), io.BytesIO()
    _write(cfg, rows, table, doc)
    return [(CSV_PATH, table.getvalue()), (JSON_PATH, doc.getvalue())]
