"""Shared fixtures: a ladder from site folder to built output, and the skip rules for optional tools.

Tests that need something a fresh machine lacks (Chromium, Java, ../shared) skip with the reason,
unless NEWSGLOSS_REQUIRE_ALL=1 (set by .ci/run), which turns every such skip into a failure.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import secrets
import shutil
import threading
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

import pytest
from hypothesis import HealthCheck, settings

from generator.config import SiteConfig, load_config
from generator.linker import EntityTarget

# Hypothesis: no per-example deadline (a busy 2-core CI machine must not make tests flaky). The
# profile follows the environment: `ci` when CI or NEWSGLOSS_REQUIRE_ALL (set by .ci/run) is set.
IN_CI = bool(os.environ.get("CI")) or os.environ.get("NEWSGLOSS_REQUIRE_ALL") == "1"
settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("ci", deadline=None, max_examples=300, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))
FUZZ_EXAMPLES = int(os.environ.get("NEWSGLOSS_FUZZ_EXAMPLES", 10_000 if IN_CI else 400))
"""Generated inputs per fuzz test: at least 10,000 in CI, fewer in a plain local run."""

REPO = Path(__file__).resolve().parent.parent
COMPILED_MODULES = tuple(path.removesuffix(".py").replace("/", ".") for path in
                         tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["newsgloss"]["compiled"])
"""The modules a wheel compiles with mypyc (pyproject's `[tool.newsgloss] compiled`, as setup.py reads it)."""

if os.environ.get("NEWSGLOSS_EXPECT_COMPILED") == "1":  # set by test_compiled.py's run of the tests on compiled code
    import generator.model

    assert not generator.model.__file__.endswith(".py"), f"expected compiled modules, got {generator.model.__file__}"
elif list((REPO / "generator").glob("*.so")):  # they shadow the sources: edits would not run
    pytest.exit(f"compiled modules beside the sources in {REPO / 'generator'} (left by `setup.py build_ext "
                f"--inplace`?) would be tested instead of the code: delete them (generator/*.so)", returncode=2)


def age_inputs(site: Path, seconds: float = 3600) -> None:
    """Make every input edited in the last minute look edited an hour ago (so nothing is "racy":
    see cache.fingerprint), as on a real site, where an editor saves a file more than a few seconds
    before building. Older files keep their times (a build reads a file again when its time moves)."""
    now = time.time()
    for path in site.rglob("*"):
        if ".newsgloss" not in path.parts and "output" not in path.parts and path.stat().st_mtime > now - 60:
            os.utime(path, (now - seconds, now - seconds))


SITES = Path(__file__).resolve().parent / "sites"
SITE_PARTS = ("site.yaml", "seeds", "content", "themes")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current build (review the diff by eye!)")


def require(condition: bool, reason: str) -> None:
    """Skip (or, with NEWSGLOSS_REQUIRE_ALL=1, fail) when an optional tool or data set is missing."""
    if condition:
        return
    if os.environ.get("NEWSGLOSS_REQUIRE_ALL") == "1":
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason)


def shared_path() -> Path:
    """../shared as named by NEWSGLOSS_SHARED (skips when absent)."""
    value = os.environ.get("NEWSGLOSS_SHARED", "")
    require(bool(value) and Path(value).is_dir(),
            "NEWSGLOSS_SHARED is not set to the shared data folder (../shared)")
    return Path(value)


def chromium_path() -> str:
    """Debian's Chromium (skips when absent)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    require(found is not None, "Chromium is not installed (apt-get install chromium)")
    assert found is not None
    return found


def copy_site(source: Path, dest: Path) -> Path:
    """Copy a site folder's inputs (not its output) to `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


def entity_resolver(entities: Mapping[tuple[str, str], tuple[str, str, str, str]], query: str = ""
                    ) -> Callable[[str, str], EntityTarget | None]:
    """An annotation resolver over `entities` ((scheme, slug) -> (group, kind, name, summary)),
    linking each to its page from an article page (with `query` after the address)."""
    def resolve(scheme: str, slug: str) -> EntityTarget | None:
        found = entities.get((scheme, slug))
        if found is None:
            return None
        group, kind, name, summary = found
        return EntityTarget(slug, group, kind, name, summary, f"../../{group}/{slug}/index.html{query}")
    return resolve


@contextmanager
def running_build(site: Path) -> Iterator[None]:
    """Hold the lock a build of `site` holds while it runs (cache.site_lock), as another one would."""
    holder = os.open(site, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A copy of tests/sites/minimal to work in."""
    return copy_site(SITES / "minimal", tmp_path / "site")


@pytest.fixture
def config(site_dir: Path) -> SiteConfig:
    """The minimal site's configuration."""
    return load_config(site_dir)


@pytest.fixture
def seed_site(tmp_path: Path) -> Path:
    """A copy of the repository's own site (the seed article and its curated content)."""
    return copy_site(REPO, tmp_path / "seed-site")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The repository's own site, built once per test session; yields the output folder."""
    from generator.build import build

    site = copy_site(REPO, tmp_path_factory.mktemp("built") / "site")
    build(load_config(site))
    yield site / "output"


CORPUS_FOLDERS = ("business", "entertainment", "politics", "sport", "tech")


def make_corpus_site(shared: Path, dest: Path, count: int = 200) -> Path:
    """A site folder with `count` BBC corpus articles as seeds, each with a sidecar date (Nov 2004 on)."""
    import datetime as dt

    seeds = dest / "seeds"
    seeds.mkdir(parents=True)
    per = count // len(CORPUS_FOLDERS)
    start = dt.date(2004, 11, 1)
    n = 0
    for folder in CORPUS_FOLDERS:
        for source in sorted((shared / "corpus" / "bbc" / folder).glob("*.txt"))[:per]:
            name = f"{folder}-{source.stem}"
            shutil.copyfile(source, seeds / f"{name}.txt")
            day = start + dt.timedelta(days=(n * 7) % 150)
            (seeds / f"{name}.yaml").write_text(f"date: {day.isoformat()}\npublisher: BBC News\n", encoding="utf-8")
            n += 1
    (dest / "site.yaml").write_text("title: BBC sample\ndescription: 200 BBC News stories from 2004-05, "
                                    "annotated\nbase_url: https://example.org/bbc/\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def corpus_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 articles of the shared BBC corpus, imported and built once per session; yields output/."""
    from generator.build import build

    site = make_corpus_site(shared_path(), tmp_path_factory.mktemp("corpus") / "site")
    build(load_config(site))
    return site / "output"


def is_theme_element(tag: str, attrs: dict[str, str | None], page: Path) -> bool:
    """True for the few script, svg and style elements the default theme itself writes.

    Hostile-input tests allow exactly these and nothing else: JSON-LD, the embedded card data, the
    theme's own script file, the build-time maps, and 404.html's inline stylesheet.
    """
    if tag == "script":
        kind, ident, src = attrs.get("type"), attrs.get("id"), attrs.get("src") or ""
        return (kind == "application/ld+json" and ident is None and not src
                or kind == "application/json" and ident == "entity-cards" and not src
                or kind is None and src.endswith("static/js/site.js") and "defer" in attrs)
    if tag == "svg":
        return attrs.get("class") in ("locator-map", "overview-map")
    if tag == "style":
        return page.name == "404.html"
    return False


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_under_sub_path(output: Path, root: Path) -> Iterator[str]:
    """Copy `output` to a random sub-path under `root`, serve `root` on 127.0.0.1; yield the site's URL."""
    sub = f"news-{secrets.token_hex(4)}/site"
    shutil.copytree(output, root / sub)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{sub}/"
    finally:
        server.shutdown()
        server.server_close()
