"""Make (not build) a site folder from 200 BBC corpus articles: python tools/corpus_site.py SHARED DEST."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import make_corpus_site  # noqa: E402

if __name__ == "__main__":
    make_corpus_site(Path(sys.argv[1]), Path(sys.argv[2]))
