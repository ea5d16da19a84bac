"""Golden site test: the built minimal site must equal the reviewed tree in tests/golden/minimal.

After a deliberate change: `python -m pytest tests/test_golden.py --update-golden`, review the diff
by eye, and commit it saying it was reviewed.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config

GOLDEN = Path(__file__).parent / "golden"
VOLATILE = ("pagefind/",)  # written by an external indexer; not part of the byte-identical promise


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith(VOLATILE)}


@pytest.mark.parametrize("case", ["minimal"])
def test_golden_site(case: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from conftest import SITES, copy_site

    site = copy_site(SITES / case, tmp_path / case)
    build(load_config(site))
    got = _tree(site / "output")
    golden_dir = GOLDEN / case
    if request.config.getoption("--update-golden"):
        shutil.rmtree(golden_dir, ignore_errors=True)
        for rel, data in got.items():
            (golden_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / rel).write_bytes(data)
    expected = _tree(golden_dir)
    assert sorted(got) == sorted(expected), "file lists differ"
    diffs = []
    for rel in sorted(got):
        if got[rel] != expected[rel]:
            diffs.append("".join(difflib.unified_diff(
                expected[rel].decode("utf-8", "replace").splitlines(True),
                got[rel].decode("utf-8", "replace").splitlines(True), f"golden/{rel}", f"built/{rel}", n=2)))
    assert not diffs, f"{len(diffs)} files differ:\n" + "\n".join(diffs[:3])
