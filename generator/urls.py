"""URL rules: slugs, routes and relative links (SPEC §6)."""

from __future__ import annotations

import functools
import os
import posixpath
import re
import unicodedata
from posixpath import normpath, relpath
from pathlib import Path, PurePosixPath
from typing import NewType

from slugify import slugify as _slugify

from generator.errors import Problem, problem

Slug = NewType("Slug", str)

_ACRONYM_DOTS = re.compile(r"\b((?:[A-Za-z]\.){2,})")
_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80


def slugify(text: str) -> Slug:
    """Make a URL slug: dots inside acronyms dropped (`U.S.` -> `us`), then python-slugify."""
    text = unicodedata.normalize("NFC", text)
    text = _ACRONYM_DOTS.sub(lambda m: m.group(1).replace(".", ""), text)
    text = text.replace("’", "").replace("'", "")
    return Slug(_slugify(text, max_length=MAX_SLUG, word_boundary=True) or "untitled")


def is_valid_slug(text: str) -> bool:
    """True for a slug that is safe as one path segment (lowercase ASCII words and hyphens)."""
    return len(text) <= 200 and _SLUG_OK.fullmatch(text) is not None


def slug_advice(text: str) -> str:
    """Why `text` is not a slug, with the slug newsgloss would make of it."""
    made = slugify(text)
    hint = f" (for example {made!r})" if made != text and made != "untitled" else ""
    return f"use lowercase ASCII letters, digits and single hyphens{hint}"


def check_slug(text: str) -> Slug:
    """Return `text` as a Slug, or raise ValueError naming why it is unsafe."""
    if not is_valid_slug(text):
        raise ValueError(f"invalid slug {text!r}: {slug_advice(text)}")
    return Slug(text)


def relative_url(target: PurePosixPath | str, page: PurePosixPath | str) -> str:
    """Link from the file `page` to the file `target`, both site-root relative paths."""
    target, page = str(target), str(page)
    # the common case, called for every link of every page: a link to another section
    to, at = _plain(target), _plain(page)
    if to is not None and at is not None and (not at[1] or to[0] != at[0]):
        return "../" * at[1] + target
    if ".." in target or ".." in page or "//" in target or "//" in page or "./" in target or "./" in page:
        start = posixpath.dirname(page) or "."
        return relpath(target, start)
    up = page.split("/")[:-1]
    down = target.strip("/").split("/") if target not in ("", ".") else []
    common = 0
    for a, b in zip(up, down):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(up) - common) + down[common:]
    return "/".join(parts) or "."


@functools.lru_cache(maxsize=1 << 14)  # a page links to a few hundred targets; each page asks ~20 times
def _plain(path: str) -> tuple[str, int] | None:
    """(first segment, number of folders) of a path with nothing `relpath` would resolve (no `..`,
    `//`, `./`, no leading or trailing `/`, not empty or `.`), else None."""
    if (not path or path == "." or path[0] == "/" or path[-1] == "/" or ".." in path or "//" in path
            or "./" in path):
        return None
    return path.partition("/")[0], path.count("/")


def page_link(target: PurePosixPath | str, page: PurePosixPath | str, pretty_links: bool) -> str:
    """The link from `page` to the page `target` as the site writes it: relative, and without
    `index.html` when `pretty_links` is on (SPEC §6). Every internal link of a page is one."""
    return pretty(relative_url(target, page), pretty_links)


def page_url(base_url: str, target: PurePosixPath | str, pretty_links: bool) -> str:
    """The absolute URL of the page `target` under `base_url`, without `index.html` when
    `pretty_links` is on: feeds, sitemap, canonical and schema.org URLs, the mentions export."""
    return pretty(join_url(base_url, target), pretty_links)


def pretty(url: str, pretty_links: bool) -> str:
    """Drop a trailing `index.html` when `pretty_links` is on."""
    if pretty_links and (url == "index.html" or url.endswith("/index.html")):
        stripped = url[: -len("index.html")]
        return stripped or "./"
    return url


def join_url(base: str, path: PurePosixPath | str) -> str:
    """Absolute URL of a site path under `base_url`."""
    return base.rstrip("/") + "/" + normpath(str(path)).lstrip("/")


def outside_site(path: Path, site_dir: Path) -> Problem | None:
    """A problem when `path` is a symbolic link (or sits under one) leading out of the site folder."""
    real, site = os.path.realpath(path), os.path.realpath(site_dir)
    if real == site or real.startswith(site.rstrip(os.sep) + os.sep):
        return None
    shown = os.path.relpath(os.path.abspath(path), os.path.abspath(site_dir))
    what = "is a symbolic link to" if os.path.islink(path) else "leads to"
    return problem(shown, 0, f"{what} {real}, outside the site folder; newsgloss does not follow "
                             f"links out of the site (copy the file in instead)")
