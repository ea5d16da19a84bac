"""Site + mentions -> output/data/mentions.csv and mentions.json, for researchers.

Each article's rows are formatted on their own (`article_rows`, in the annotating workers, and
kept in the build cache), so a build only joins them: the files are whole-site, but an edit to
one article re-formats only that article's rows.
"""

from __future__ import annotations

import csv
import io
from json.encoder import encode_basestring  # the C string encoder when there is one
from pathlib import Path, PurePosixPath
from typing import IO, Callable, Iterable, Iterator, Sequence

from generator.config import SiteConfig
from generator.content import Article
from generator.model import ArticleMention, MentionIndex, Site, page_file
from generator.urls import join_url

FIELDS = ("date", "article", "title", "entity", "name", "kind", "sentence", "url")
CSV_PATH = PurePosixPath("data", "mentions.csv")
JSON_PATH = PurePosixPath("data", "mentions.json")
EXPORTS = (CSV_PATH, JSON_PATH)


def article_rows(site: Site, cfg: SiteConfig, article: Article, mentions: Iterable[ArticleMention]) -> tuple[bytes, bytes]:
    """(CSV lines, JSON objects), UTF-8, of one article's sentences: by paragraph, then entity key, then text order.

    The JSON objects are formatted as `json.dumps(..., indent=1, ensure_ascii=False)` formats them
    inside the document's `mentions` list (`tests/test_export.py` holds the two together).
    """
    url = join_url(cfg.base_url, page_file("articles", article.slug))
    date = article.date.isoformat()
    lines: list[str] = []
    objects: list[str] = []
    record = _records()
    # the fields an article or entity shares are formatted once: JSON as "   \"name\": value" lines, CSV as fields
    head = "  {\n" + "".join(f'   "{k}": {encode_basestring(v)},\n'
                              for k, v in zip(FIELDS, (date, article.slug, article.title)))
    row_head = record((date, article.slug, article.title))
    shared: dict[str, tuple[str, str]] = {}
    for m in sorted(mentions, key=lambda m: (int(m.anchor.rpartition("-")[2] or 0), m.entity)):
        entity = site.entity(m.entity)
        if entity is None:
            continue
        anchored = f"{url}#{m.anchor}"
        if m.entity not in shared:
            shared[m.entity] = ("".join(f'   "{k}": {encode_basestring(v)},\n'
                                        for k, v in zip(FIELDS[3:6], (m.entity, entity.name, entity.kind))),
                                record((m.entity, entity.name, entity.kind)))
        fields, row_part = shared[m.entity]
        lines.append(f"{row_head},{row_part},{record((m.sentence, anchored))}\r\n")
        objects.append(f'{head}{fields}   "{FIELDS[6]}": {encode_basestring(m.sentence)},\n'
                       f'   "{FIELDS[7]}": {encode_basestring(anchored)}\n  }}')
    return "".join(lines).encode("utf-8"), ",\n".join(objects).encode("utf-8")


class _Sink(list[str]):
    """What a csv.writer writes to: each record, in one `write` call, as an item."""

    write = list.append


def _records() -> Callable[[Sequence[str]], str]:
    """A function formatting fields (at least two) as csv.writer formats them in a record, line end
    left out: joined with commas, the parts of a record make the record (each field is quoted on
    its own), so an article's and an entity's fields are formatted once, not once per sentence."""
    sink = _Sink()
    writer = csv.writer(sink, lineterminator="\r\n")  # its line end decides quoting (\r and \n are quoted)

    def record(fields: Sequence[str]) -> str:
        writer.writerow(fields)
        return sink.pop()[:-2]
    return record


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
