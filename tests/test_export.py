"""The mentions export (data/mentions.csv, data/mentions.json): joined from per-article rows, it must
be exactly what csv.DictWriter and json.dumps(indent=1) write for the whole table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.build import build, prepare
from generator.config import SiteConfig, load_config
from conftest import age_inputs
from generator.export import FIELDS, export_data, index_rows, write_exports

text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
row = st.fixed_dictionaries({f: text for f in FIELDS})


def _reference(cfg: SiteConfig, articles: list[list[dict[str, str]]]) -> tuple[bytes, bytes]:
    rows = [{f: r[f] for f in FIELDS} for rows in articles for r in rows]
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    doc = {"site": cfg.title, "base_url": cfg.base_url, "fields": list(FIELDS), "mentions": rows}
    return table.getvalue().encode("utf-8"), (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _fragments(articles: list[list[dict[str, str]]]) -> list[tuple[bytes, bytes]]:
    """Per-article rows formatted the way export.article_rows formats them."""
    from json.encoder import encode_basestring  # type: ignore[attr-defined]
    out = []
    for rows in articles:
        table = io.StringIO(newline="")
        csv.writer(table, lineterminator="\r\n").writerows([[r[f] for f in FIELDS] for r in rows])
        objects = ",\n".join("  {\n" + ",\n".join(f'   "{f}": {encode_basestring(r[f])}' for f in FIELDS) + "\n  }"
                             for r in rows)
        out.append((table.getvalue().encode("utf-8"), objects.encode("utf-8")))
    return out


@settings(max_examples=200)
@given(st.lists(st.lists(row, max_size=3), max_size=4), text, text)
@example([[], [{f: 'a "quoted", comma\nnew line\u2028' for f in FIELDS}], []], "Ü & <site>", "https://x/")
def test_joined_rows_are_byte_identical_to_whole_table_dumps(articles: list[list[dict[str, str]]], title: str,
                                                            base: str) -> None:
    cfg = SiteConfig(site_dir=Path("."), title=title, base_url=base)
    expected = _reference(cfg, articles)
    assert tuple(data for _, data in export_data(cfg, _fragments(articles))) == expected


@settings(max_examples=300)
@given(st.lists(text, min_size=8, max_size=8))
@example([""] * 8)
@example(['a "q"', "x,y", "\r\n", "\n", " lead", "", "\u2028", "tail\r"])
def test_csv_records_made_of_parts_are_the_whole_rows(fields: list[str]) -> None:
    """article_rows formats an article's, an entity's and a sentence's fields apart and joins them."""
    from generator.export import _record as record

    whole = io.StringIO(newline="")
    csv.writer(whole, lineterminator="\r\n").writerow(fields)
    assert f"{record(fields[:3])},{record(fields[3:6])},{record(fields[6:])}\r\n" == whole.getvalue()


def test_a_site_export_matches_its_mention_index(site_dir: Path, tmp_path: Path) -> None:
    cfg = load_config(site_dir)
    site, index, *_ = prepare(cfg, import_new=False)
    (csv_path, csv_file), (json_path, json_file) = write_exports(cfg, index_rows(site, index, cfg), tmp_path)
    assert (str(csv_path), str(json_path)) == ("data/mentions.csv", "data/mentions.json")
    doc = json.loads(json_file.read_text(encoding="utf-8"))
    with csv_file.open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == doc["mentions"]
    by_article = [r["article"] for r in doc["mentions"]]
    assert by_article == sorted(by_article, key=[a.slug for a in site.articles].index)  # newest article first
    expected = sorted((m.article, m.entity, m.sentence) for ms in index.mentions.values() for m in ms)
    assert sorted((r["article"], r["entity"], r["sentence"]) for r in doc["mentions"]) == expected
    assert all(dt.date.fromisoformat(r["date"]) and r["url"].startswith(cfg.base_url) for r in doc["mentions"])


def test_an_incremental_build_exports_what_a_clean_build_does(site_dir: Path) -> None:
    with (site_dir / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("search: false\n")  # the build that renders in workers and joins cached rows
    age_inputs(site_dir)
    cfg = load_config(site_dir)
    build(cfg)
    path = site_dir / "content/articles/ferry-strike.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe Port Authority spoke again.\n", encoding="utf-8")
    build(cfg)  # from the cache: unchanged articles' rows come from the body pack
    cached = [(cfg.output_dir / "data" / n).read_bytes() for n in ("mentions.csv", "mentions.json")]
    site, index, *_ = prepare(cfg, import_new=False)
    assert "The Port Authority spoke again." in cached[1].decode("utf-8")
    assert cached == [data for _, data in export_data(cfg, index_rows(site, index, cfg))]


def test_an_edit_that_names_no_one_keeps_the_export_as_it_was(site_dir: Path) -> None:
    with (site_dir / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("search: false\n")
    age_inputs(site_dir)
    cfg = load_config(site_dir)
    build(cfg)
    before = (cfg.output_dir / "data/mentions.json").stat().st_ino
    path = site_dir / "content/articles/ferry-strike.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe weather was calm.\n", encoding="utf-8")
    build(cfg)
    assert "The weather was calm." in (cfg.output_dir / "articles/ferry-strike/index.html").read_text("utf-8")
    assert (cfg.output_dir / "data/mentions.json").stat().st_ino == before  # staged as a hard link
    site, index, *_ = prepare(cfg, import_new=False)
    assert [(cfg.output_dir / p).read_bytes() for p in ("data/mentions.csv", "data/mentions.json")] == \
        [data for _, data in export_data(cfg, index_rows(site, index, cfg))]
