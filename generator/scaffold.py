"""`init` and `new`: create a working site folder, or one content stub, never overwriting anything."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from generator.detect.gazetteer import lookup
from generator.frontmatter import dump_front_matter
from generator.theme import bundled_theme_dir
from generator.urls import slugify

ItemKind = Literal["article", "actor", "location"]
ITEM_KINDS: tuple[ItemKind, ...] = ("article", "actor", "location")

SITE_YAML = """\
# newsgloss site configuration. Every option is listed here with its default;
# README.md ("Configuration") explains each one. Unknown options are errors.

# Site title, shown in the header and in feeds.
title: {title}

# One line for the footer, feeds and meta tags.
description: ""

# Absolute URL of the published site. Used only for feeds, the sitemap,
# canonical/OpenGraph URLs and 404.html; every other link is relative.
base_url: https://example.org/

# Language tag of the content (<html lang>).
language: en

# themes/<name>/ in this folder; files it lacks come from the bundled default theme.
theme: default

# Output folder (generated; never edit it by hand).
output: output

# true: drop index.html from internal links (for hosts that serve folder indexes).
pretty_links: false

# Entries in each Atom feed.
feed_entries: 20

# Build the client-side search index (pagefind) into output/pagefind/.
search: true

# Articles per page on the home page and on entity pages before page/N/.
per_page: 50

annotations:
  # first: footnote at each entity's first link; all: at every link; none: no entity footnotes.
  entity_footnotes: first

# Names entity detection must never turn into entities, one per line, e.g.:
#   - Mercado da Ribeira
reject: []
"""

EXAMPLE_SEED = """\
Riverside Market Reopens in Lisbon After Two-Year Restoration

By Ana Ribeiro

The Mercado da Ribeira in Lisbon reopened on Monday after a two-year restoration, and Mayor \
Carlos Moedas said the city would keep its stalls for local growers rather than chain stores.

Mr. Moedas told reporters that the European Commission had paid for part of the work. Growers \
from across Portugal and from Galicia, in Spain, lined up before dawn.

“It is the same market my grandmother knew,” said Rita Nunes, who sells cheese from the \
Alentejo. Ms. Nunes said prices had not changed.
"""

EXAMPLE_SIDECAR = """\
# Sidecar of example.txt: what the raw text does not say (all keys optional).
date: 2024-03-04
source_url: https://example.org/news/riverside-market
publisher: The Example Post
"""

GITIGNORE = """\
# newsgloss: generated site (and its staging folder and spare), cache, lock, and import backups
output/
.output.*/
.newsgloss/
.newsgloss-*.lock
content/.backups/
"""


class ScaffoldError(Exception):
    """The folder or file cannot be created without overwriting something."""


@dataclass(frozen=True, slots=True)
class Stub:
    """A content file `new` wants to create."""

    path: Path
    """Where it goes (absolute)."""
    text: str
    """Its full text."""


def init_site(folder: Path, title: str | None = None) -> list[Path]:
    """Create a working site folder in `folder` (missing or empty); return what was created."""
    folder = folder.expanduser().absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "a file" if not folder.is_dir() else "not empty"
        raise ScaffoldError(f"{folder} is {what}; `newsgloss init` only creates a site in a new or "
                            f"empty folder")
    if not (bundled_theme_dir() / "templates").is_dir():
        raise ScaffoldError(f"the default theme is missing from this installation ({bundled_theme_dir()}); "
                            f"reinstall newsgloss")
    title = title or folder.name.replace("-", " ").replace("_", " ").strip().title() or "My News"
    files = {
        "site.yaml": SITE_YAML.format(title=_yaml_text(title)),
        ".gitignore": GITIGNORE,
        "seeds/example.txt": EXAMPLE_SEED,
        "seeds/example.yaml": EXAMPLE_SIDECAR,
    }
    created = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        created.append(path)
    for sub in ("articles", "actors", "locations"):
        (folder / "content" / sub).mkdir(parents=True, exist_ok=True)
        created.append(folder / "content" / sub)
    theme = folder / "themes" / "default"
    shutil.copytree(bundled_theme_dir(), theme,
                    ignore=shutil.ignore_patterns("__pycache__", ".*"))
    created.append(theme)
    return created


def _yaml_text(value: str) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()


def _group(kind: ItemKind) -> str:
    return {"article": "articles", "actor": "actors", "location": "locations"}[kind]


def new_stub(content_dir: Path, kind: ItemKind, name: str, *, today: dt.date,
             actor_kind: str = "person") -> Stub:
    """The stub `newsgloss new KIND NAME` writes; raises ScaffoldError if its file exists."""
    name = " ".join(name.split())
    if not any(ch.isalnum() for ch in name):
        raise ScaffoldError(f"NAME {name!r} has no letters or digits: give a title (articles) or a name "
                            f"(actors, locations)")
    slug = slugify(name)
    path = content_dir / _group(kind) / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; newsgloss never overwrites content "
                            f"(edit that file, or choose another name)")
    fields: dict[str, Any]
    body = ""
    if kind == "article":
        fields = {"title": name, "slug": slug, "date": today, "actors": [], "locations": [],
                  "summary": ""}
        body = "Write the article here.\n"
    elif kind == "actor":
        fields = {"name": name, "kind": actor_kind, "aliases": [], "role": "", "summary": ""}
    else:
        fields = {"name": name, "kind": "location", "aliases": []}
        place = lookup(name)
        if place is not None:
            fields.update({"place_type": place.place_type, "country": place.country or "",
                           "lat": place.lat, "lon": place.lon})
        else:
            fields.update({"place_type": "", "country": ""})
        fields["summary"] = ""
    return Stub(path, dump_front_matter(fields, body))


def write_stub(stub: Stub) -> None:
    """Create the stub's file; never replaces an existing one (ScaffoldError instead)."""
    stub.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with stub.path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(stub.text)
    except FileExistsError:
        raise ScaffoldError(f"{stub.path} already exists; newsgloss never overwrites content") from None
