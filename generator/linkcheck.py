"""Internal link and anchor check over a built site (files in memory or an output folder)."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from posixpath import normpath
from typing import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from generator.errors import Problem, problem


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif name in ("href", "src") and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append((value, self.getpos()[0]))


def scan_html(html: str) -> tuple[set[str], list[tuple[str, int]]]:
    """(ids, [(link, line)]) of one HTML document."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.ids, collector.links


def check_links(pages: Mapping[str, str], files: Iterable[str]) -> list[Problem]:
    """Every relative href/src in `pages` (path -> html) must name a file in `files`, with its anchor."""
    existing = set(files)
    scanned = {path: scan_html(html) for path, html in pages.items()}
    problems: list[Problem] = []
    for path, (_, links) in sorted(scanned.items()):
        if path == "404.html":
            continue  # its links are absolute (base_url), checked through the other pages
        base = PurePosixPath(path).parent
        for link, line in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//"):
                continue
            target = path if not parts.path else normpath(str(base / unquote(parts.path)))
            if target.endswith("/") or target in (".", ""):
                target = (target.rstrip("/") + "/index.html").lstrip("/") if target not in (".", "") else "index.html"
            elif target not in existing and f"{target}/index.html" in existing:
                target = f"{target}/index.html"
            if target.startswith("../") or target not in existing:
                problems.append(problem(f"output/{path}", line, f"broken link {link!r}"))
                continue
            if parts.fragment and target in scanned and unquote(parts.fragment) not in scanned[target][0]:
                problems.append(problem(f"output/{path}", line, f"broken anchor {link!r}"))
    return problems


def check_folder(output: Path) -> list[Problem]:
    """Check every HTML file under a built output folder."""
    files = [p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()]
    pages = {f: (output / f).read_text(encoding="utf-8") for f in files if f.endswith(".html")}
    return check_links(pages, files)


def link_targets(page: str, links: Iterable[tuple[str, int]]) -> tuple[tuple[str, str, int], ...]:
    """(link, target path, line) of the relative ones among `links`, the (href or src, line in the
    source file) of a body shown on `page`."""
    base = posixpath.dirname(page) or "."
    # the climb from the page's folder to the site root, when that folder is a plain path (pages
    # are `page_file`s: always, but a `..`, `.` or empty segment would change the count)
    up = "" if base == "." else "../" * (base.count("/") + 1) if _plain_path(base) else None
    found = []
    for link, line in links:
        if up is not None and link.startswith(up) and _plain_path(link[len(up):]):
            # `../../actors/x/index.html` from `articles/<slug>/`: what climbs to the root and then
            # names a plain path needs no parsing (an entity link: ~15 an article)
            rest = link[len(up):]
            found.append((link, rest.rstrip("/") + "/index.html" if rest.endswith("/") else rest, line))
            continue
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or link.startswith("//") or not parts.path:
            continue
        target = normpath(posixpath.join(base, unquote(parts.path)))
        if target.endswith("/") or parts.path.endswith("/"):
            target = target.rstrip("/") + "/index.html"
        found.append((link, target, line))
    return tuple(found)


def _plain_path(path: str) -> bool:
    """Whether `path` (a page's folder, or what a link names after its climb to the site root) is
    a relative path as it stands: no scheme, query, fragment, escape, empty, `.` or `..` segment
    (`urlsplit`, `unquote` and `normpath` would leave it as it is)."""
    if not path or path[0] == "/" or ":" in path or "?" in path or "#" in path or "%" in path or "//" in path:
        return False
    if "\\" in path or not path.isprintable() or path != path.strip():
        return False
    inner = f"/{path.rstrip('/')}/"
    return "/./" not in inner and "/../" not in inner


def check_link_targets(bodies: Iterable[tuple[str, tuple[tuple[str, str, int], ...]]],
                       files: Iterable[str]) -> list[Problem]:
    """Links written in Markdown bodies must lead to a file of the site (SPEC §7.8).

    `bodies` holds (source file, its `link_targets`); only relative links are checked (their page
    part; anchors inside bodies are checked by `newsgloss check`).
    """
    existing = set(files)
    problems: list[Problem] = []
    for source, links in bodies:
        for link, target, line in links:
            if target not in existing and f"{target}/index.html" in existing:
                target = f"{target}/index.html"
            if target.startswith("../") or target not in existing:
                problems.append(problem(source, line, f"link {link!r} leads to {target}, which the built site "
                                                      f"does not have"))
    return sorted(set(problems))
