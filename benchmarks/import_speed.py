"""Time `newsgloss import` of a whole folder of seeds into a fresh site; print wall, CPU and docs/s.

    python benchmarks/import_speed.py PATH [--runs N] [--limit N] [--workers N] [--keep DIR]

PATH is a folder of seed files (searched recursively, e.g. ../shared/corpus/bbc). Each run copies
the seeds into a new site folder (a `site.yaml` with a title only, no registry, sub-folders kept,
file times kept) and runs `python -m generator import --quiet --site SITE SEED...` in a fresh
process, so the figures include start-up, loading the model and the gazetteer, detection, and
writing every article and stub. CPU time is user + system of that process and all its workers.
With `--keep DIR` the last run's site stays in DIR (to compare `content/` trees with `diff -r`).
Exit status: 0, 1 when an import failed, 2 when PATH is missing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_build import copy_seeds  # noqa: E402
from generator.seeds import SEED_SUFFIXES  # noqa: E402


def children_cpu() -> float:
    """User + system seconds of every finished child process (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(source: Path, site: Path, limit: int | None, env: dict[str, str]) -> tuple[int, float, float, int]:
    """Copy the seeds into `site` and import them; return (seeds, wall s, CPU s, files written)."""
    count = copy_seeds(source, site, limit)
    (site / "site.yaml").write_text(f"title: {source.name} corpus\n", encoding="utf-8")
    seeds = sorted(str(p.relative_to(site)) for p in (site / "seeds").rglob("*") if p.suffix in SEED_SUFFIXES)
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "import", "--quiet", "--site", str(site), *seeds],
                          cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        raise SystemExit(1)
    files = sum(1 for p in (site / "content").rglob("*.md"))
    return count, wall, cpu, files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="folder of seed files, e.g. ../shared/corpus/bbc")
    parser.add_argument("--runs", type=int, default=3, help="how many times to import (default 3)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N seeds (sorted by path)")
    parser.add_argument("--workers", type=int, default=None, help="set NEWSGLOSS_WORKERS (default: all CPUs)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="leave the last run's site in this (new or empty) folder")
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        print(f"import_speed: {args.path}: no such folder (give the path to a folder of seeds, "
              f"e.g. ../shared/corpus/bbc)", file=sys.stderr)
        return 2
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        print(f"import_speed: {args.keep} is not empty", file=sys.stderr)
        return 2
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if args.workers is not None:
        env["NEWSGLOSS_WORKERS"] = str(args.workers)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, workers "
          f"{env.get('NEWSGLOSS_WORKERS', 'all CPUs')}")
    walls, cpus = [], []
    # Every run's site is deleted only after the last run: on some file systems (ext4 without a
    # journal, as here) creating files right after deleting ten thousand costs several times the
    # CPU, which would charge one run for the clean-up of the one before.
    with tempfile.TemporaryDirectory(prefix="newsgloss-import-") as tmp:
        for run in range(1, args.runs + 1):
            site = Path(tmp) / f"site-{run}"
            count, wall, cpu, files = one_run(args.path.resolve(), site, args.limit, env)
            if args.keep is not None and run == args.runs:
                shutil.copytree(site, args.keep, dirs_exist_ok=True, symlinks=True)
            walls.append(wall)
            cpus.append(cpu)
            print(f"run {run}: {count} seeds, {files} files in content/: wall {wall:.2f} s, CPU {cpu:.2f} s, "
                  f"{count / wall:.0f} docs/s wall, {count / cpu:.0f} docs/s CPU")
    best, median = min(walls), statistics.median(walls)
    print(f"import of {count} seeds: wall best {best:.2f} s / median {median:.2f} s, "
          f"CPU best {min(cpus):.2f} s / median {statistics.median(cpus):.2f} s, "
          f"{count / best:.0f} docs/s (best wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
