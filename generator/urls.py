"""URL rules: slugs, routes and relative links (SPEC §6)."""

from __future__ import annotations

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
    if ".." in target or ".." in page or "//" in target or "//" in page or "./" in target or "./" in page:
        start = posixpath.dirname(page) or "."
        return relpath(target, start)
    # the common case, called for every link of every page: plain string work, same result as relpath
    first, slash, _ = page.partition("/")
    if target and target != "." and target[0] != "/" and target[-1] != "/" and (
            not slash or target.partition("/")[0] != first):
        return "../" * page.count("/") + target  # no folder in common (a link to another section)
    up = page.split("/")[:-1]
    down = target.strip("/").split("/") if target not in ("", ".") else []
    common = 0
    for a, b in zip(up, down):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(up) - common) + down[common:]
    return "/".join(parts) or "."


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
