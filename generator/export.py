"""Site + mention index -> output/data/mentions.csv and mentions.json, for researchers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import PurePosixPath
from typing import Any, Iterator

from generator.config import SiteConfig
from generator.model import MentionIndex, Site
from generator.urls import join_url

FIELDS = ("date", "article", "title", "entity", "name", "kind", "sentence", "url")


def mention_rows(site: Site, index: MentionIndex, cfg: SiteConfig) -> list[dict[str, Any]]:
    """One row per sentence naming an entity: newest article first, then in text order."""
    order = {a.slug: i for i, a in enumerate(site.articles)}
    by_slug = {a.slug: a for a in site.articles}
    rows: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    for entity_key in sorted(index.mentions):
        entity = site.entity(entity_key)
        if entity is None:
            continue
        for m in index.mentions[entity_key]:
            article = by_slug[m.article]
            url = join_url(cfg.base_url, PurePosixPath("articles", article.slug, "index.html")) + f"#{m.anchor}"
            paragraph = int(m.anchor.rpartition("-")[2] or 0)
            rows.append(((order[m.article], paragraph, entity_key), {
                "date": article.date.isoformat(), "article": article.slug, "title": article.title,
                "entity": entity_key, "name": entity.name, "kind": entity.kind, "sentence": m.sentence,
                "url": url}))
    rows.sort(key=lambda r: r[0])
    return [row for _, row in rows]


def export_mentions(site: Site, index: MentionIndex, cfg: SiteConfig) -> Iterator[tuple[PurePosixPath, bytes]]:
    """(path, bytes) of data/mentions.csv (RFC 4180, UTF-8) and data/mentions.json."""
    rows = mention_rows(site, index, cfg)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    yield PurePosixPath("data", "mentions.csv"), buffer.getvalue().encode("utf-8")
    doc = {"site": cfg.title, "base_url": cfg.base_url, "fields": list(FIELDS), "mentions": rows}
    yield PurePosixPath("data", "mentions.json"), (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
