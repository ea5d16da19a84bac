"""Entity maintenance: `merge OLD NEW` and `reject:` in site.yaml."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.content import load_content
from generator.config import load_config

ARTICLE = """\
---
title: Dockers Vote to Strike
date: 2024-05-09
# the editor's comment stays
actors:
  - port-authority
  - harbour-board
locations: [valparaiso]
summary: Dockers voted.
---
The [Harbour Board](actor:harbour-board) met in [Valparaíso](location:valparaiso).
Later the [board][hb] said more.\r
Plain text naming actor:harbour-boardroom stays.

[hb]: actor:harbour-board
"""

BOARD = """\
---
name: Harbour Board
kind: organisation
aliases: [Valparaíso Harbour Board]
role: harbour regulator
---
The board was dissolved in 2024.
"""


def _site(site_dir: Path) -> Path:
    (site_dir / "content/actors/harbour-board.md").write_text(BOARD, encoding="utf-8")
    (site_dir / "content/articles/dockers.md").write_bytes(ARTICLE.encode("utf-8"))
    return site_dir


def test_merge_rewrites_links_and_lists_and_keeps_the_rest(site_dir: Path) -> None:
    _site(site_dir)
    result = CliRunner().invoke(main, ["merge", "--site", str(site_dir), "actors/harbour-board", "port-authority"])
    assert result.exit_code == 0, result.output
    text = (site_dir / "content/articles/dockers.md").read_bytes().decode("utf-8")
    expected = (ARTICLE.replace("  - port-authority\n  - harbour-board\n", "  - port-authority\n")
                .replace("(actor:harbour-board)", "(actor:port-authority)")
                .replace("[hb]: actor:harbour-board", "[hb]: actor:port-authority"))
    assert text == expected  # byte for byte, CR and comment included
    assert not (site_dir / "content/actors/harbour-board.md").exists()
    assert list((site_dir / "content/.backups").glob("actors-harbour-board.*.md"))
    content, problems = load_content(load_config(site_dir))
    assert not problems
    authority = content.actors["port-authority"]
    assert authority.aliases == ("Harbour Board", "Valparaíso Harbour Board")
    assert authority.redirect_from == ("harbour-board",)
    assert authority.role == "harbour regulator"  # NEW had none: taken from OLD
    assert authority.summary == "The public body that runs the harbour."  # NEW's own value wins
    assert "The board was dissolved in 2024." in authority.body.text  # OLD's annotation is not lost
    assert {a.slug: a.actors for a in content.articles}["dockers"] == ("port-authority",)


def test_merge_leaves_a_redirect_page_at_the_old_url(site_dir: Path) -> None:
    _site(site_dir)
    runner = CliRunner()
    assert runner.invoke(main, ["merge", "--site", str(site_dir), "harbour-board", "port-authority"]).exit_code == 0
    build = runner.invoke(main, ["build", "--site", str(site_dir)])
    assert build.exit_code == 0, build.output
    page = (site_dir / "output/actors/harbour-board/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../port-authority/index.html">' in page
    assert '<link rel="canonical" href="https://news.example.com/gazette/actors/port-authority/index.html">' in page
    assert '<a href="../port-authority/index.html">Port Authority</a>' in page
    assert "actors/harbour-board/" not in (site_dir / "output/sitemap.xml").read_text(encoding="utf-8")
    check = runner.invoke(main, ["check", "--site", str(site_dir)])
    assert check.exit_code == 0, check.output


def test_merge_refuses_mismatched_or_unknown_entities_and_writes_nothing(site_dir: Path) -> None:
    _site(site_dir)
    before = {p: p.read_bytes() for p in site_dir.rglob("*.md")}
    runner = CliRunner()
    for args, message in ((["valparaiso", "port-authority"], "both must be actors or both locations"),
                          (["ghost", "port-authority"], "no such entity"),
                          (["port-authority", "port-authority"], "cannot be merged into itself")):
        result = runner.invoke(main, ["merge", "--site", str(site_dir), *args])
        assert result.exit_code == 1 and message in result.output
    dry = runner.invoke(main, ["merge", "-n", "--site", str(site_dir), "harbour-board", "port-authority"])
    assert dry.exit_code == 0 and "would rewrite content/articles/dockers.md" in dry.output
    assert {p: p.read_bytes() for p in site_dir.rglob("*.md")} == before


def test_redirect_onto_a_live_entity_is_an_error(site_dir: Path) -> None:
    _site(site_dir)
    path = site_dir / "content/actors/port-authority.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nredirect_from: [harbour-board]\n", 1),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 1
    assert "redirect_from: 'harbour-board' is a live entity" in result.output


def test_a_rejected_name_stays_rejected_across_imports(seed_site: Path) -> None:
    runner = CliRunner()
    cia = seed_site / "content/actors/cia.md"
    assert cia.is_file()
    config = seed_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("reject: []", "reject:\n  - C.I.A."),
                      encoding="utf-8")
    cia.unlink()
    for article in (seed_site / "content/articles").glob("*.md"):
        article.unlink()  # delete the article too: the next build imports the seed afresh
    result = runner.invoke(main, ["build", "--site", str(seed_site)])
    assert result.exit_code == 0, result.output
    assert not cia.exists()
    article = next((seed_site / "content/articles").glob("*.md")).read_text(encoding="utf-8")
    assert "actor:cia" not in article and "cia" not in article.split("---")[1]
    assert (seed_site / "content/actors/antony-j-blinken.md").is_file()
    seed = next((seed_site / "seeds").glob("*.txt"))
    again = runner.invoke(main, ["import", "--reimport", "--site", str(seed_site), str(seed)])
    assert again.exit_code == 0, again.output
    assert not cia.exists()
