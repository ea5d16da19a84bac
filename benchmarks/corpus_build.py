"""Import and build a whole folder of seeds in a throw-away site; print problem counts and timings.

    python benchmarks/corpus_build.py PATH [--limit N] [--keep DIR]

PATH is a folder of seed files (searched recursively, e.g. ../shared/corpus/bbc). The seeds are
copied into a temporary site folder (sub-folders kept), imported, and built; the script prints the
number of errors and warnings grouped by kind of message, a few examples of each, and how long
each stage took. Exit status: 0 when the build had no errors, 1 otherwise, 2 when PATH is missing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build import build  # noqa: E402
from generator.importing import import_seeds  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.content import load_content  # noqa: E402
from generator.errors import ContentError, Problem  # noqa: E402
from generator.linkcheck import check_folder  # noqa: E402
from generator.seeds import SEED_SUFFIXES  # noqa: E402

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)")
_NUMBER = re.compile(r"\d+")
_NOT_SEEDS = re.compile(r"^(?:README|SOURCE|LICEN[CS]E|COPYING)\b", re.IGNORECASE)  # a corpus's own notes


def kind_of(message: str) -> str:
    """A message with its particulars (quoted values, numbers, file names) blanked out."""
    return _NUMBER.sub("N", _QUOTED.sub("…", message))


def copy_seeds(source: Path, site: Path, limit: int | None) -> int:
    """Copy seed files (and their sidecars) from `source` into `site/seeds/`; return how many."""
    seeds = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in SEED_SUFFIXES
                   and not _NOT_SEEDS.match(p.name))
    if limit is not None:
        seeds = seeds[:limit]
    for path in seeds:
        dest = site / "seeds" / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        sidecar = path.with_suffix(".yaml")
        if sidecar.is_file():
            shutil.copy2(sidecar, dest.with_suffix(".yaml"))
    return len(seeds)


def tracked(paths: Iterable[Path], current: list[Path]) -> Iterator[Path]:
    """Yield `paths`, remembering the one being worked on (to name it if something crashes)."""
    for path in paths:
        current[:] = [path]
        yield path


def summarise(title: str, problems: list[Problem], examples: int = 3) -> None:
    """Print counts of problems by kind of message, with a few examples of each."""
    groups: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        groups[kind_of(p.message)].append(p)
    print(f"{title}: {len(problems)}")
    for kind, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {len(items):6d}  {kind}")
        for p in items[:examples]:
            print(f"          e.g. {p}")


def run(source: Path, site: Path, limit: int | None) -> int:
    """Copy, import and build; print the report; return the exit status."""
    started = time.perf_counter()
    count = copy_seeds(source, site, limit)
    (site / "site.yaml").write_text(f"title: {source.name} corpus\n", encoding="utf-8")
    cfg = load_config(site)
    print(f"{count} seeds from {source} in {site}")
    problems: list[Problem] = []
    timings: dict[str, float] = {"copy": time.perf_counter() - started}

    t = time.perf_counter()
    content, found = load_content(cfg)
    problems += found
    current: list[Path] = []
    seeds = sorted((site / "seeds").rglob("*"))
    try:
        written, found = import_seeds(cfg, content, tracked((p for p in seeds if p.suffix in SEED_SUFFIXES),
                                                            current))
    except Exception:  # noqa: BLE001 - the point is to name the input that crashed
        print(f"CRASH while importing {current[0] if current else '?'}:", file=sys.stderr)
        traceback.print_exc()
        return 1
    problems += found
    timings["import"] = time.perf_counter() - t
    print(f"imported: {sum(1 for w in written if w.startswith('content/articles/'))} articles, "
          f"{sum(1 for w in written if not w.startswith('content/articles/'))} entity stubs")

    t = time.perf_counter()
    errors: list[Problem] = []
    try:
        report = build(cfg)
        build_problems = list(report.problems)
        print(f"built: {report.articles} articles, {report.actors} actors, {report.locations} locations, "
              f"{report.files} files")
    except ContentError as exc:
        build_problems = list(exc.problems)
        print("build FAILED")
    timings["build"] = time.perf_counter() - t
    if cfg.output_dir.is_dir():
        t = time.perf_counter()
        broken = check_folder(cfg.output_dir)
        timings["link check"] = time.perf_counter() - t
        print(f"link check: {len(broken)} broken internal links or anchors")
        build_problems += broken
    errors = [p for p in problems + build_problems if p.level == "error"]
    warnings = [p for p in problems + build_problems if p.level == "warning"]
    summarise("errors", errors)
    summarise("warnings", warnings)
    by_file = Counter(p.path for p in warnings)
    print(f"files with warnings: {len(by_file)}")
    timings["total"] = time.perf_counter() - started
    print("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
          + (f" ({timings['import'] / max(count, 1) * 1000:.0f} ms/seed import)" if count else ""))
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="folder of seed files, e.g. ../shared/corpus/bbc")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N seeds (sorted by path)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build in this (new or empty) folder and keep it, instead of a temporary one")
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        print(f"corpus_build: {args.path}: no such folder (give the path to a folder of seeds, "
              f"e.g. ../shared/corpus/bbc)", file=sys.stderr)
        return 2
    if args.keep is not None:
        if args.keep.exists() and any(args.keep.iterdir()):
            print(f"corpus_build: {args.keep} is not empty", file=sys.stderr)
            return 2
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.path.resolve(), args.keep.resolve(), args.limit)
    with tempfile.TemporaryDirectory(prefix="newsgloss-corpus-") as tmp:
        return run(args.path.resolve(), Path(tmp) / "site", args.limit)


if __name__ == "__main__":
    sys.exit(main())
