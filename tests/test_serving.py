"""The built site works served over HTTP under a random sub-path (no root-relative links)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import serve_under_sub_path
from generator.linkcheck import scan_html


@pytest.fixture
def served(built: Path, tmp_path: Path) -> Iterator[str]:
    """The built seed site at http://127.0.0.1:PORT/<random>/site/ ."""
    yield from serve_under_sub_path(built, tmp_path / "www")


def test_every_link_resolves_under_a_sub_path(served: str) -> None:
    seen: set[str] = set()
    queue = [urljoin(served, "index.html")]
    origin = urlsplit(served)
    while queue and len(seen) < 400:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            pytest.fail(f"{url}: HTTP {exc.code}")
        assert urlsplit(url).path.startswith(origin.path), url
        if kind == "text/html":
            for link, _ in scan_html(body.decode("utf-8"))[1]:
                target = urljoin(url, link).split("#")[0]
                parts = urlsplit(target)
                if parts.netloc == origin.netloc and target not in seen:
                    queue.append(target)
    assert len(seen) > 30  # article, entity pages, lists, feeds, static files were all fetched
