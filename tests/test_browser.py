"""The built site in a real browser (Debian's Chromium through Playwright): served under a random
sub-path over loopback http and opened from file://; entity cards, search, and axe-core checks."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from conftest import chromium_path, require, serve_under_sub_path

ARTICLE = "articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html"
SEED_PAGES = ("index.html", ARTICLE, "actors/benjamin-netanyahu/index.html", "actors/hamas/index.html",
              "locations/rafah/index.html", "locations/israel/index.html", "actors/index.html",
              "actors/by-mentions.html", "locations/index.html", "locations/by-mentions.html",
              "search/index.html?q=Rafah", "404.html")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        require(False, "playwright is not installed (pip install -e '.[test]')")
        raise
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed site over http under a random sub-path."""
    yield from serve_under_sub_path(built, tmp_path_factory.mktemp("www"))


@pytest.fixture(scope="session")
def corpus_served(corpus_built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The 200-article corpus site over http under a random sub-path."""
    yield from serve_under_sub_path(corpus_built, tmp_path_factory.mktemp("www-corpus"))


def _open(browser: object, base: str, rel: str, scheme: str = "light", **options: object) -> tuple[object, list[str]]:
    """A new page at base+rel; returns it and the list of problems seen (errors, outside requests)."""
    context = browser.new_context(color_scheme=scheme, **options)  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    origin = base.split("/")[0] + "//" + base.split("/")[2] if base.startswith("http") else "file://"
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc} ({(exc.stack or '').strip()[:300]})"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("request", lambda req: problems.append(f"outside request: {req.url}")
            if not (req.url.startswith(origin) or req.url.startswith(("data:", "blob:"))) else None)
    # A load cut short by the test's own next navigation (net::ERR_ABORTED) is not a broken file.
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url} ({req.failure})")
            if req.failure != "net::ERR_ABORTED" else None)
    response = page.goto(base + rel)
    if base.startswith("http") and rel != "404.html":
        assert response is not None and response.ok, f"{rel}: HTTP {response.status if response else '?'}"
    return page, problems


def _close(page: object) -> None:
    page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("rel", [p for p in SEED_PAGES if p != "404.html"])
def test_pages_render_under_a_random_sub_path(browser: object, served: str, rel: str) -> None:
    page, problems = _open(browser, served, rel)
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.is_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""  # the stylesheet loaded
    assert page.evaluate("document.styleSheets.length") >= 1
    assert problems == []
    _close(page)


def test_hover_card_opens_on_keyboard_focus_and_closes_on_escape(browser: object, served: str) -> None:
    page, problems = _open(browser, served, ARTICLE)
    link = page.locator('.article-body a.entity[data-entity="actors/benny-gantz"]').first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # arrive by keyboard, as a reader does
    card = page.locator("#entity-card")
    card.wait_for(state="visible")
    text = card.inner_text()
    assert "Benny Gantz" in text and "Named" in text and "1 article" in text
    assert card.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == "entity-card"
    assert card.locator("a").get_attribute("href") == "../../actors/benny-gantz/index.html"
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None
    assert problems == []
    _close(page)


def test_a_tap_on_a_touch_screen_follows_the_link(browser: object, served: str) -> None:
    page, problems = _open(browser, served, ARTICLE, has_touch=True, is_mobile=True,
                           viewport={"width": 390, "height": 800})
    page.locator('.article-body a.entity[data-entity="locations/rafah"]').first.tap()
    page.wait_for_url("**/locations/rafah/index.html")
    assert page.locator("h1").inner_text() == "Rafah"
    assert problems == []
    _close(page)


def test_search_finds_an_article_by_an_actors_name(browser: object, served: str) -> None:
    page, problems = _open(browser, served, "search/index.html?q=Gantz")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=60000)
    assert page.locator("[data-search-unavailable]").is_hidden()
    links = page.locator(".pagefind-ui__result-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(h.endswith(ARTICLE) for h in hrefs), hrefs
    sub = served.split("/", 3)[3]
    assert all(h.startswith("/" + sub) for h in hrefs), hrefs  # results stay under the sub-path
    filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"actor", "location"} <= {f.strip().lower() for f in filters}
    links.filter(has_text="Blinken Meets").first.click()
    page.wait_for_url("**/" + ARTICLE)
    assert "Blinken Meets With Netanyahu" in page.locator("h1").inner_text()
    assert problems == []
    _close(page)


def test_header_search_box_leads_to_results(browser: object, served: str) -> None:
    page, problems = _open(browser, served, "locations/rafah/index.html")
    box = page.locator("#site-search-q")
    assert box.is_visible()
    box.fill("Netanyahu")
    box.press("Enter")
    page.wait_for_url("**/search/index.html?q=Netanyahu")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=60000)
    assert problems == []
    _close(page)


def test_site_works_from_file_urls_and_hides_search(browser: object, built: Path) -> None:
    base = built.resolve().as_uri() + "/"
    page, problems = _open(browser, base, "index.html")
    assert page.locator("form[data-search]").is_hidden()
    page.locator("a.article-item-title, .article-item-title a").first.click()
    page.wait_for_url("**/" + ARTICLE)
    page.locator('.article-body a.entity[data-entity="actors/hamas"]').first.click()
    page.wait_for_url("**/actors/hamas/index.html")
    assert page.locator("h1").inner_text() == "Hamas"
    page.goto(base + "search/index.html")
    assert page.locator("[data-search-unavailable]").is_visible()
    assert page.locator("[data-search-ui]").is_hidden()
    assert [p for p in problems if not p.startswith("console")] == []
    _close(page)


def _axe(page: object) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
            f"{', '.join(str(n['target']) for n in v['nodes'][:3])})" for v in results.response["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations_on_any_page_type(browser: object, served: str, scheme: str) -> None:
    found = {}
    for rel in SEED_PAGES:
        page, _ = _open(browser, served, rel, scheme)
        page.wait_for_load_state("networkidle")
        if rel.startswith("search/"):
            page.locator(".pagefind-ui__result mark").first.wait_for(timeout=60000)  # results shown
        violations = _axe(page)
        if violations:
            found[rel] = violations
        _close(page)
    assert found == {}


def test_axe_on_an_open_entity_card(browser: object, served: str) -> None:
    page, _ = _open(browser, served, ARTICLE, "dark")
    page.locator(".article-body a.entity").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.locator("#entity-card").wait_for(state="visible")
    assert _axe(page) == []
    _close(page)


def _corpus_pages(output: Path) -> list[str]:
    articles = sorted(p.parent.name for p in (output / "articles").glob("*/index.html"))
    ranked = (output / "actors/by-mentions.html").read_text(encoding="utf-8")
    import re

    top_actor = re.search(r'<td><a href="([^"]+)/index.html"', ranked).group(1)
    places = (output / "locations/by-mentions.html").read_text(encoding="utf-8")
    top_place = re.search(r'<td><a href="([^"]+)/index.html"', places).group(1)
    return ["index.html", "page/2/index.html", f"articles/{articles[0]}/index.html",
            f"articles/{articles[-1]}/index.html", f"actors/{top_actor}/index.html",
            f"locations/{top_place}/index.html", "actors/index.html", "locations/index.html",
            "actors/by-mentions.html", "search/index.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_corpus_site_renders_and_passes_axe(browser: object, corpus_built: Path, corpus_served: str,
                                            scheme: str) -> None:
    found = {}
    for rel in _corpus_pages(corpus_built):
        page, problems = _open(browser, corpus_served, rel, scheme)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible(), rel
        assert problems == [], rel
        violations = _axe(page)
        if violations:
            found[rel] = violations
        _close(page)
    assert found == {}


def test_corpus_search_finds_articles_by_actor_name(browser: object, corpus_served: str) -> None:
    page, problems = _open(browser, corpus_served, "search/index.html?q=Tony%20Blair")
    page.wait_for_load_state("networkidle")
    # A generous wait, not a speed check: pagefind loads its WASM and index chunks, slow on a busy 2-core CI.
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=90000)
    assert page.locator(".pagefind-ui__result-link").count() >= 3
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all("els => els.map(e => e.href)")
    assert any("/articles/" in h for h in hrefs)
    assert problems == []
    _close(page)


def _overflow(browser: object, base: str, pages: list[str]) -> dict[str, int]:
    """Pages wider than a 390 px phone screen (a reader would have to scroll sideways)."""
    wide = {}
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    for rel in pages:
        page.goto(base + rel)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[rel] = width
    context.close()
    return wide


def test_no_page_scrolls_sideways_on_a_phone(browser: object, served: str, corpus_built: Path,
                                            corpus_served: str) -> None:
    assert _overflow(browser, served, [p for p in SEED_PAGES if p != "404.html"]) == {}
    assert _overflow(browser, corpus_served, _corpus_pages(corpus_built)) == {}
