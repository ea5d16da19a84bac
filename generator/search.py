"""Rendered pages -> pagefind search bundle files (output/pagefind/), through pagefind's Python API.

Pages mark what is indexed: `data-pagefind-body` on the main text, `data-pagefind-filter="actor"` /
`"location"` on the people and places of an article, `data-pagefind-sort="date"` on its date.
The bundle is the one part of the output that is not byte-identical between builds (SPEC §6).
"""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

BUNDLE = PurePosixPath("pagefind")


async def _index(pages: Path, language: str, out: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(keep_index_url=True, force_language=language.split("-")[0].lower(),
                         output_path=str(out),  # notes repeat the entity summaries: keep them out of excerpts
                         exclude_selectors=[".sidenote", ".footnote-ref", ".footnotes"])
    async with PagefindIndex(config=config) as index:  # leaving the block writes the bundle to `out`
        await index.add_directory(str(pages))


def index_pages(pages: Iterable[tuple[PurePosixPath, str]], language: str) -> Iterator[tuple[PurePosixPath, bytes]]:
    """(path inside output/, bytes) of every pagefind bundle file, sorted by path.

    URLs are indexed root-relative (`/articles/x/index.html`); the search page prefixes them with the
    site's real location at run time, so the site still works under any sub-path.
    """
    with tempfile.TemporaryDirectory(prefix="newsgloss-pagefind-") as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "pagefind"
        for path, html in pages:  # one directory walk in pagefind beats a request per page
            target = site.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        # in its own thread: the caller may already run an event loop (a server, a test driving a browser)
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(lambda: asyncio.run(_index(site, language, out))).result()
        files = sorted(p for p in out.rglob("*") if p.is_file())
        loaded = [(BUNDLE / p.relative_to(out).as_posix(), p.read_bytes()) for p in files]
    yield from loaded
