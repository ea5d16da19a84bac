"""Benchmark helper: the synthetic corpus of shared/bench/make_corpus.py -> a newsgloss site folder.

Same articles and the same 300 people / 200 places as the peers build; the first mention of each
tagged entity in an article body becomes an `actor:`/`location:` link, as import would write it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

SITE_YAML = """\
title: Benchmark Wire
description: The synthetic news corpus of shared/bench, annotated.
base_url: https://example.org/bench/
language: en
# no pagination and 20-entry feeds, as in the peers' build (PEERS.md); no search index (the
# peers build none; issue #6 allows it off for the timed comparison)
per_page: 100000
feed_entries: 20
search: false
"""


def load_make_corpus(bench_dir: Path) -> ModuleType:
    """Import shared/bench/make_corpus.py (for its fixed people, roles and places)."""
    spec = importlib.util.spec_from_file_location("make_corpus", bench_dir / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_corpus(bench_dir: Path, n: int, root: Path, seed: int = 42) -> Path:
    """Generate (or reuse) the corpus of `n` articles in `root`, the folder peers.sh uses."""
    manifest = root / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("n") == n and data.get("seed") == seed and (root / "hugo").is_dir():
            return root
    subprocess.run([sys.executable, str(bench_dir / "make_corpus.py"), "--n", str(n), "--seed", str(seed),
                    "--out", str(root), "--clean", "--layouts", "plain,hugo,pelican"],
                   check=True, stdout=subprocess.DEVNULL)
    return root


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    import yaml

    end = text.index("\n---\n", 4)
    return yaml.load(text[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), text[end + 5:]


def _link_first(body: str, name: str, scheme: str) -> str:
    """Turn the first whole-word mention of `name` (outside headings and footnote lines) into a link."""
    pattern = re.compile(r"(?<![\w\[])" + re.escape(name) + r"(?!\w)")
    offset = 0
    for line in body.split("\n"):
        if not line.startswith(("#", "[^")):
            match = pattern.search(line)
            if match:
                at = offset + match.start()
                return f"{body[:at]}[{name}]({scheme}:{_slug(name)}){body[at + len(name):]}"
        offset += len(line) + 1
    return body


def convert_article(text: str) -> tuple[str, str]:
    """One plain corpus article -> (slug, newsgloss article Markdown)."""
    fm, body = _front_matter(text)
    tags = fm["tags"]
    assert isinstance(tags, dict)
    actors, locations = list(tags["actors"]), list(tags["locations"])
    for name in actors:
        body = _link_first(body, name, "actor")
    for name in locations:
        body = _link_first(body, name, "location")
    date = str(fm["date"])[:10]
    slug = str(fm["slug"])
    head = (f"---\ntitle: {_yaml_str(str(fm['title']))}\nslug: {slug}\ndate: {date}\n"
            f"actors: [{', '.join(_slug(a) for a in actors)}]\n"
            f"locations: [{', '.join(_slug(p) for p in locations)}]\n"
            f"summary: {_yaml_str(str(fm['summary']))}\n---\n")
    return slug, head + body


def make_site(bench_dir: Path, corpus: Path, site: Path) -> Path:
    """Write site.yaml, content/articles/ (one per corpus article) and the registry into `site`."""
    done = site / ".converted"
    manifest = (corpus / "manifest.json").read_text(encoding="utf-8")
    if done.is_file() and done.read_text(encoding="utf-8") == manifest:
        if (site / "site.yaml").read_text(encoding="utf-8") != SITE_YAML:
            (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        return site
    if site.exists():
        shutil.rmtree(site)
    mc = load_make_corpus(bench_dir)
    gen = mc.Generator(json.loads(manifest)["seed"])
    (site / "content" / "articles").mkdir(parents=True)
    (site / "content" / "actors").mkdir()
    (site / "content" / "locations").mkdir()
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for name, role in gen.people:
        (site / "content" / "actors" / f"{_slug(name)}.md").write_text(
            f"---\nname: {_yaml_str(name)}\nkind: person\nrole: {_yaml_str(role)}\n"
            f"summary: {_yaml_str(f'{name}, {role}.')}\n---\n", encoding="utf-8")
    for place in gen.places:
        (site / "content" / "locations" / f"{_slug(place)}.md").write_text(
            f"---\nname: {_yaml_str(place)}\nkind: location\nsummary: {_yaml_str(f'{place}, a place in the news.')}\n"
            f"---\n", encoding="utf-8")
    for path in sorted((corpus / "plain").glob("*.md")):
        slug, text = convert_article(path.read_text(encoding="utf-8"))
        (site / "content" / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
    done.write_text(manifest, encoding="utf-8")
    return site
