"""The whole pipeline on the repository's own seed site: issue #2's acceptance, checked end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config
from generator.errors import ContentError
from generator.linkcheck import check_folder


def _tree(root: Path) -> dict[str, bytes]:
    """Every file's bytes, but pagefind/ (the one exception to byte-identical output, SPEC §6),
    whose hashed file names are also left out of the manifest."""
    tree = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not rel.startswith("pagefind/"):
            data = p.read_bytes()
            if rel == ".newsgloss-manifest.json":
                data = b"\n".join(line for line in data.splitlines() if b'"pagefind/' not in line)
            tree[rel] = data
    return tree


def test_seed_site_has_the_expected_pages(built: Path) -> None:
    assert (built / "articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html").is_file()
    for slug in ("antony-j-blinken", "benjamin-netanyahu", "benny-gantz", "william-j-burns", "hamas", "cia",
                 "un-security-council"):
        assert (built / "actors" / slug / "index.html").is_file(), slug
        assert (built / "actors" / slug / "feed.xml").is_file(), slug
    for slug in ("gaza", "israel", "tel-aviv", "qatar", "rafah", "cairo", "saudi-arabia", "egypt",
                 "middle-east", "united-states"):
        assert (built / "locations" / slug / "index.html").is_file(), slug
    for name in ("index.html", "actors/index.html", "locations/index.html", "feed.xml", "sitemap.xml",
                 "404.html", "robots.txt", ".nojekyll"):
        assert (built / name).is_file(), name


def test_no_page_for_weekdays_months_titles_or_chrome(built: Path) -> None:
    pages = {p.parent.name for p in built.glob("*/*/index.html")}
    for bad in ("friday", "thursday", "wednesday", "october", "prime-minister", "secretary-of-state",
                "back-to-top-button", "mr-blinken", "gazans", "israeli", "but", "in"):
        assert bad not in pages


def test_mr_blinken_leads_to_the_same_page_as_antony_j_blinken(built: Path) -> None:
    page = (built / "actors/antony-j-blinken/index.html").read_text(encoding="utf-8")
    page = re.sub(r"</?mark>", "", page)  # the entity's names are marked inside quoted sentences
    assert "Mr. Blinken met with Prime Minister Benjamin Netanyahu of Israel" in page
    assert "Speaking to reporters in Cairo on Thursday, Mr. Blinken said" in page
    assert not (built / "actors/blinken").exists()


def test_entity_page_lists_article_with_sentence_linking_to_paragraph(built: Path) -> None:
    page = (built / "locations/rafah/index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./\.\./articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/'
                     r'index\.html#p-2"', page)


def test_article_links_entities_relatively_with_footnotes(built: Path) -> None:
    html = (built / "articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html").read_text(
        encoding="utf-8")
    assert '<a href="../../actors/antony-j-blinken/index.html" class="entity entity-person"' in html
    assert 'href="../../locations/united-states/index.html"' in html
    assert 'role="doc-endnotes"' in html and 'role="doc-backlink"' in html
    assert 'href="/' not in html  # nothing root-relative: works from disk and any sub-path


def test_every_internal_link_and_anchor_resolves(built: Path) -> None:
    assert check_folder(built) == []


def test_build_twice_is_byte_identical_and_leaves_content_alone(seed_site: Path) -> None:
    cfg = load_config(seed_site)
    content_before = _tree(seed_site / "content")
    build(cfg)
    first = _tree(seed_site / "output")
    build(cfg)
    assert _tree(seed_site / "output") == first
    assert _tree(seed_site / "content") == content_before


def test_editing_a_summary_changes_the_footnote(seed_site: Path) -> None:
    path = seed_site / "content/actors/antony-j-blinken.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^summary:.*$", "summary: America’s top diplomat & chief negotiator.", text),
                    encoding="utf-8")
    build(load_config(seed_site))
    html = (seed_site / "output/articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html"
            ).read_text(encoding="utf-8")
    assert "America’s top diplomat &amp; chief negotiator." in html


def test_editor_body_change_survives_the_next_build(seed_site: Path) -> None:
    article = seed_site / "content/articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nAn editor’s closing line.\n", encoding="utf-8")
    edited = article.read_bytes()
    build(load_config(seed_site))
    build(load_config(seed_site))
    assert article.read_bytes() == edited
    assert "An editor’s closing line." in (
        seed_site / "output/articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html"
    ).read_text(encoding="utf-8")


def test_fresh_import_of_the_seed_builds_the_same_pages(tmp_path: Path, seed_site: Path) -> None:
    import shutil

    shutil.rmtree(seed_site / "content")
    build(load_config(seed_site))
    out = seed_site / "output"
    actors = {p.parent.name for p in out.glob("actors/*/index.html")}
    locations = {p.parent.name for p in out.glob("locations/*/index.html")}
    required = {"antony-j-blinken", "benjamin-netanyahu", "benny-gantz", "william-j-burns", "hamas", "cia",
                "un-security-council"}
    assert required <= actors and actors - required <= {"biden", "biden-administration"}  # optional in the key
    assert locations == {"gaza", "israel", "tel-aviv", "qatar", "rafah", "cairo", "saudi-arabia", "egypt",
                         "middle-east", "united-states"}


def test_content_error_leaves_previous_output_untouched(seed_site: Path) -> None:
    cfg = load_config(seed_site)
    build(cfg)
    before = _tree(seed_site / "output")
    bad = seed_site / "content/articles/broken.md"
    bad.write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        build(cfg)
    assert "content/articles/broken.md:2: invalid YAML" in str(info.value.message)
    assert _tree(seed_site / "output") == before


def test_no_staging_or_set_aside_folder_is_left_behind(built: Path) -> None:
    assert sorted(p.name for p in built.parent.iterdir() if p.name.startswith(".output")) == []
