"""Incremental builds (issue #6): whatever was edited, the result is byte-identical to a clean build.

Each test edits a small but paginated site (per_page 4, 3-entry feeds), rebuilds with the cache
of the previous build, and compares the output with a clean build of the same inputs.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import SITES, age_inputs, copy_site
from generator.build import build
from generator.config import load_config

PEOPLE = ("maria-lopez", "port-authority")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _inodes(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _age(site: Path) -> None:
    age_inputs(site)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The minimal site plus 18 generated articles, paginated, short feeds, no search index (not
    byte-identical by design, and with it on every page is rendered again anyway)."""
    site = copy_site(SITES / "minimal", tmp_path / "archive")
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8")
                                    + "per_page: 4\nfeed_entries: 3\nsearch: false\n", encoding="utf-8")
    for i in range(18):
        who = PEOPLE[i % 2]
        name = "María López" if who == "maria-lopez" else "Port Authority"
        (site / "content" / "articles" / f"report-{i:02d}.md").write_text(
            f"---\ntitle: Harbour report {i}\nslug: report-{i:02d}\ndate: 2024-04-{i + 1:02d}\n"
            f"actors: [{who}]\nlocations: [valparaiso]\nsummary: Report number {i}.\n---\n"
            f"[{name}](actor:{who}) spoke in [Valparaíso](location:valparaiso) on day {i}.\n\n"
            f"Later {name} said the harbour was calm.\n", encoding="utf-8")
    _age(site)
    build(load_config(site))
    return site


def _clean_build(site: Path, tmp_path: Path) -> dict[str, bytes]:
    clean = copy_site(site, tmp_path / f"clean-{time.monotonic_ns()}")
    build(load_config(clean))
    return _tree(clean / "output")


def _edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1, flags=re.M)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


ARTICLES = "content/articles"
EDITS: dict[str, Callable[[Path], None]] = {
    "body sentence": lambda s: _edit(s / ARTICLES / "report-07.md", r"said the harbour was calm",
                                     "said the harbour was busy again"),
    "sentence naming no one": lambda s: _edit(s / ARTICLES / "report-07.md", r"\Z", "\nThe tide turned at noon.\n"),
    "title": lambda s: _edit(s / ARTICLES / "report-07.md", r"^title: .*$", "title: A new headline"),
    "date (moves it to the top)": lambda s: _edit(s / ARTICLES / "report-03.md", r"^date: .*$", "date: 2024-06-30"),
    "entity added": lambda s: _edit(s / ARTICLES / "report-04.md", r"^actors: \[maria-lopez\]",
                                    "actors: [maria-lopez, port-authority]"),
    "article added": lambda s: (s / ARTICLES / "new.md").write_text(
        "---\ntitle: Brand new\nslug: brand-new\ndate: 2024-05-05\nactors: [port-authority]\n"
        "summary: New.\n---\nThe [Port Authority](actor:port-authority) spoke.\n", encoding="utf-8"),
    "article deleted": lambda s: (s / ARTICLES / "report-10.md").unlink(),
    "entity summary": lambda s: _edit(s / "content/actors/maria-lopez.md", r"^summary: .*$",
                                      "summary: Harbour master since 2019."),
    "template": lambda s: (s / "themes/default/templates").mkdir(parents=True) or shutil.copy(
        Path(__file__).resolve().parents[1] / "themes/default/templates/robots.txt",
        s / "themes/default/templates/robots.txt") or _edit(
        s / "themes/default/templates/robots.txt", r"\A", "# edited\n"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_incremental_build_is_byte_identical_to_a_clean_build(archive: Path, tmp_path: Path, edit: str) -> None:
    EDITS[edit](archive)
    build(load_config(archive))
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)


def _made_again(archive: Path, edit: str) -> set[str]:
    """Output files written afresh (a new inode or time) by a build after `edit`."""
    before = _inodes(archive / "output")
    EDITS[edit](archive)
    build(load_config(archive))
    after = _inodes(archive / "output")
    return {path for path in after if after[path] != before.get(path)}


def test_editing_one_article_rerenders_it_and_its_entity_pages_only(archive: Path) -> None:
    changed = _made_again(archive, "body sentence")
    page = (archive / "output/articles/report-07/index.html").read_text(encoding="utf-8")
    assert "busy again" in page
    entity_pages = sorted((archive / "output/actors/port-authority").rglob("index.html"))
    assert len(entity_pages) > 1  # paginated: the sentence is quoted on one of its pages
    assert any("busy again" in p.read_text(encoding="utf-8") for p in entity_pages)
    assert "articles/report-07/index.html" in changed
    assert {"actors/port-authority/index.html", "actors/port-authority/page/2/index.html",
            "locations/valparaiso/index.html"} <= changed
    # an article on the other side of the archive, and the other actor, were left alone
    assert "articles/report-16/index.html" not in changed
    assert "actors/maria-lopez/index.html" not in changed


def test_a_sentence_naming_no_one_rerenders_only_its_article_page(archive: Path) -> None:
    changed = _made_again(archive, "sentence naming no one")
    assert "The tide turned at noon." in (archive / "output/articles/report-07/index.html").read_text(encoding="utf-8")
    # its entity pages quote only sentences naming them, lists show only front matter, the
    # export holds only mentions: none of them changed, so none is made again
    pages = {p for p in changed if p.startswith(("articles/", "actors/", "locations/", "page/", "data/"))
             or p in ("index.html", "feed.xml")}
    assert pages == {"articles/report-07/index.html"}


def test_deleting_an_article_removes_its_pages(archive: Path) -> None:
    assert (archive / "output/articles/report-10").is_dir()
    EDITS["article deleted"](archive)
    build(load_config(archive))
    assert not (archive / "output/articles/report-10").exists()
    assert "report-10" not in (archive / "output/sitemap.xml").read_text(encoding="utf-8")
    assert "report-10" not in (archive / "output/actors/port-authority/index.html").read_text(encoding="utf-8")


def test_no_op_build_does_not_touch_output(archive: Path) -> None:
    build(load_config(archive))  # records a fingerprint now that nothing is recent
    before = _inodes(archive / "output")
    report = build(load_config(archive))
    assert _inodes(archive / "output") == before
    assert report.articles == 20 and report.files == len(before) - 1  # all but the manifest


@pytest.mark.parametrize("damage", ["garbage", "other version", "empty", "pack missing"])
def test_a_damaged_or_foreign_cache_is_ignored(archive: Path, tmp_path: Path, damage: str) -> None:
    cache = archive / ".newsgloss"
    for name in ("state.pickle", "build.pickle"):
        path = cache / name
        if damage == "garbage":
            path.write_bytes(b"\x80\x05not a pickle at all")
        elif damage == "other version":
            path.write_bytes(pickle.dumps((999, "0.0.0")) + path.read_bytes()[40:])
        elif damage == "empty":
            path.write_bytes(b"")
    if damage == "pack missing":
        for pack in cache.glob("bodies-*.pack"):
            pack.unlink()
    EDITS["body sentence"](archive)
    build(load_config(archive))
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)


def test_output_changed_behind_our_back_means_a_full_build(archive: Path, tmp_path: Path) -> None:
    shutil.rmtree(archive / "output")
    build(load_config(archive))
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)


def test_a_failed_incremental_build_leaves_output_untouched(archive: Path) -> None:
    from generator.errors import ContentError

    before = _tree(archive / "output")
    EDITS["body sentence"](archive)
    (archive / ARTICLES / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(load_config(archive))
    assert _tree(archive / "output") == before


def test_a_full_disk_while_workers_write_the_body_pack_fails_naming_it_and_keeps_output_and_cache(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotate workers write the body pack themselves: a write that fails there stops the build
    with the pack's name, leaves output/ and the cache as they were, and the next build works."""
    import errno

    from click.testing import CliRunner

    from generator import parallel
    from generator.cli import main

    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    monkeypatch.setenv("NEWSGLOSS_WORKERS", "2")
    before = _tree(archive / "output")
    packs = {p.name: p.stat().st_size for p in (archive / ".newsgloss").glob("bodies-*.pack")}
    for i in range(8):  # edits enough articles for the workers to share them
        _edit(archive / ARTICLES / f"report-{i:02d}.md", r"said the harbour was calm", f"said the harbour was calm {i}")
    real_pwrite = os.pwrite

    def full_disk(fd: int, data: bytes, offset: int) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".pack"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", full_disk)
    result = CliRunner().invoke(main, ["build", "--site", str(archive)])
    assert result.exit_code == 1
    assert re.search(r"\.newsgloss/bodies-[^ ]*\.pack: No space left on device", result.output), result.output
    assert _tree(archive / "output") == before
    assert {p.name: p.stat().st_size for p in (archive / ".newsgloss").glob("bodies-*.pack")} == packs
    monkeypatch.setattr(os, "pwrite", real_pwrite)
    build(load_config(archive))
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)


def test_parallel_cached_build_equals_the_one_process_reference_renderer(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked workers, the body pack and deps' sitemap give exactly what render_site gives."""
    from generator import parallel
    from generator.build import prepare
    from generator.render import render_site
    from generator.theme import load_theme
    from generator.writer import MANIFEST

    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    monkeypatch.setenv("NEWSGLOSS_WORKERS", "2")
    site = copy_site(archive, tmp_path / "parallel")
    cfg = load_config(site)
    build(cfg)
    built = _tree(site / "output")
    built.pop(MANIFEST)
    monkeypatch.setenv("NEWSGLOSS_WORKERS", "1")
    parts = prepare(cfg, import_new=False)
    theme, _ = load_theme(cfg.site_dir, cfg.theme)
    reference = {str(f.path): f.data if f.source is None else f.source.read_bytes()
                 for f in render_site(*parts[:4], cfg, theme)}
    assert built == reference


def test_a_chain_of_edits_is_journalled_and_each_build_equals_a_clean_one(archive: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Small builds append what changed to `.newsgloss/state.journal` instead of rewriting the whole
    state; a damaged last record costs only work; a long journal is folded into a new state file."""
    from generator import cache

    monkeypatch.setattr(cache, "JOURNAL_SHARE", 2.0)  # a tiny site: every edit touches a large share of it
    state, journal = archive / ".newsgloss/state.pickle", archive / ".newsgloss/state.journal"
    base = state.read_bytes()
    for i, edit in enumerate(["body sentence", "title", "entity added"]):
        EDITS[edit](archive)
        age_inputs(archive)
        build(load_config(archive))
        assert state.read_bytes() == base and journal.stat().st_size > 0, edit  # journalled
        assert _tree(archive / "output") == _clean_build(archive, tmp_path), edit
    with journal.open("r+b") as handle:  # a crash cut the last record short
        handle.truncate(journal.stat().st_size - 7)
    EDITS["article added"](archive)
    age_inputs(archive)
    build(load_config(archive))
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)
    assert state.read_bytes() == base
    monkeypatch.setattr(cache, "JOURNAL_SHARE", 0.2)  # the journal now holds more than that share
    _edit(archive / ARTICLES / "report-01.md", r"harbour was calm", "harbour was quiet")
    age_inputs(archive)
    build(load_config(archive))
    assert state.read_bytes() != base and not journal.exists()
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)


def test_builds_straight_after_saves_stay_incremental_and_never_miss_an_edit(archive: Path, tmp_path: Path) -> None:
    """As under `serve`: each save is built at once (its time stamp is "racy"). The next build must
    still patch the output rather than render everything, and an edit made within the same tick
    of the file's time stamp (same size, same time) must not be missed."""
    page = archive / "output/articles/report-02/index.html"
    untouched = page.stat().st_ino
    path = archive / ARTICLES / "report-07.md"
    for word in ("busy", "full", "calm"):  # same length each time
        _edit(path, r"harbour was \w+", f"harbour was {word}")
        build(load_config(archive))
        assert page.stat().st_ino == untouched, word  # incremental: an unrelated page is not rendered again
        assert f"harbour was {word}" in (archive / "output/articles/report-07/index.html").read_text("utf-8")
    stamp = path.stat()
    _edit(path, r"harbour was calm", "harbour was damp")  # same size, and the clock shows the same time
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    build(load_config(archive))
    assert "harbour was damp" in (archive / "output/articles/report-07/index.html").read_text("utf-8")
    assert _tree(archive / "output") == _clean_build(archive, tmp_path)


def test_a_racy_start_is_checked_again_only_once_it_can_have_settled(archive: Path, monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    from generator import cache

    cfg = load_config(archive)
    newest = [0]
    print_ = cache.fingerprint(cfg, None, newest)
    assert newest[0] > 0 and not print_.startswith(cache.RACY)  # the fixture's files are aged
    assert cache.settled(cfg, print_, newest[0]) == print_
    racy = cache.RACY + print_
    calls: list[int] = []
    real = cache.fingerprint
    monkeypatch.setattr(cache, "fingerprint", lambda *a, **k: calls.append(1) or real(*a, **k))
    # the newest input is still within the racy window: no scan can vouch for it yet
    assert cache.settled(cfg, racy, time.time_ns()) is None and calls == []
    # once it is old enough, the inputs are scanned again: unchanged, the fingerprint is recorded
    assert cache.settled(cfg, racy, newest[0]) == print_ and calls == [1]
    EDITS["title"](archive)
    _age(archive)
    assert cache.settled(cfg, racy, newest[0]) is None  # changed during the build: nothing vouches


def test_a_second_build_of_the_same_site_waits_for_the_first_instead_of_sharing_its_cache(site_dir: Path) -> None:
    """Two builds of one site at once (a `serve` rebuilding while `build` runs) both appended to the
    body pack, and each dropped the packs the other's state named: the second now waits its turn."""
    import subprocess
    import sys

    from conftest import REPO, running_build

    with running_build(site_dir):
        second = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site_dir)], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)
        assert second.poll() is None  # still waiting
        assert not (site_dir / "output").exists() and not (site_dir / ".newsgloss").exists()
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out
    assert out.startswith(f"another build of {site_dir} is running: waiting for it to finish\n"), out
    assert (site_dir / "output" / "index.html").is_file()
    build(load_config(site_dir))  # and the lock is free again: the next build does not wait


def test_articles_read_before_an_import_are_annotated_again_with_the_entities_it_adds(seed_site: Path,
                                                                                      tmp_path: Path) -> None:
    """Articles are annotated as they are read, with the registry as it is then; a build that then
    imports a seed whose stubs add to the registry annotates them again (their links to the new
    entity resolve), and gives what a build of the imported site gives."""
    (seed_site / "content/actors/benjamin-netanyahu.md").unlink()
    for suffix in (".txt", ".yaml"):  # a second copy of the seed: its import adds the stub again
        shutil.copy(next((seed_site / "seeds").glob(f"*{suffix}")), seed_site / "seeds" / f"copy{suffix}")
    report = build(load_config(seed_site))
    assert "content/actors/benjamin-netanyahu.md" in report.imported
    page = seed_site / "output/articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html"
    assert 'href="../../actors/benjamin-netanyahu/index.html"' in page.read_text(encoding="utf-8")
    searchless = [{k: v for k, v in tree.items() if not k.startswith("pagefind/")}  # not byte-identical by design
                  for tree in (_tree(seed_site / "output"), _clean_build(seed_site, tmp_path))]
    assert searchless[0] == searchless[1]
