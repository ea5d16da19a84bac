"""What a reader gets without a browser: feeds, JSON-LD, OpenGraph, quotes, maps, lists, export, search switch."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from generator.build import build
from generator.config import load_config
from generator.maps import find_country, load_world, locator_svg
from generator.quotes import find_quotes

ARTICLE = "articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html"


class _Resources(HTMLParser):
    """Every URL a page would fetch by itself (scripts, styles, images, frames, icons)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.fetched.append(a["src"] or "")
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload") and a.get("href"):
            self.fetched.append(a["href"] or "")


def _html(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def _check_feed(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    assert feed.version == "atom10", path
    assert feed.feed.id.startswith("http") and feed.feed.updated
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)), f"{path}: duplicate entry ids"
    for entry in feed.entries:
        assert entry.id.startswith("http") and entry.updated and entry.published and entry.link
    return feed


def test_every_feed_of_the_seed_site_parses_with_ids_dates_and_entity_categories(built: Path) -> None:
    feeds = sorted(built.rglob("feed.xml"))
    assert len(feeds) == 1 + 8 + 10  # site, 8 actors (Joe Biden included), 10 places
    for path in feeds:
        feed = _check_feed(path)
        assert len(feed.entries) == 1, path
    site = _check_feed(built / "feed.xml")
    terms = {t.term for t in site.entries[0].tags}
    assert {"actors/benjamin-netanyahu", "locations/rafah"} <= terms
    assert site.entries[0].id.startswith("http") and site.entries[0].id.endswith(ARTICLE)
    labels = {t.label for t in site.entries[0].tags}
    assert "Benjamin Netanyahu" in labels


def test_an_entity_feed_entry_shows_the_sentences_naming_it_and_links_the_article(built: Path) -> None:
    """An entity's feed says why each article is in it: the article's summary and the sentences
    that name the entity (the name marked), each linked to its paragraph (the entry links the
    article); the article's whole text stays in the site's feed. The seed site has its own copy of
    the theme, as `newsgloss init` makes one: the entries are made for the feed template as it was."""
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.parse(built / "actors/hamas/feed.xml").getroot()
    html = root.find(f"{atom}entry/{atom}content").text  # as written (feedparser drops <mark>)
    url = "https://example.org/newsgloss/" + ARTICLE
    assert html.startswith("<p>The Biden administration accelerated efforts")  # the summary
    assert html.count("<li>") == html.count("<mark>Hamas</mark>") == 5
    assert f'<a href="{url}#p-5">“We have no way to defeat <mark>Hamas</mark> without going into Rafah' in html
    assert html.endswith("striking a deal would be difficult.</a></li></ul>")
    assert "footnote" not in html and "Tel Aviv" not in html.split("</p>", 1)[1].split("<li>")[0]
    site = ElementTree.parse(built / "feed.xml").getroot().find(f"{atom}entry/{atom}content").text
    assert 'class="footnotes"' in site and len(site) > 4 * len(html)


def test_pretty_links_leave_index_html_out_of_every_link_and_url(seed_site: Path) -> None:
    """With `pretty_links: true` every internal link and page URL drops `index.html`: the entity
    links and notes of an article's text, its hover cards, its schema.org URLs, the map of places
    and the mentions export too (they kept it)."""
    config = seed_site / "site.yaml"
    config.write_text(re.sub(r"(?m)^pretty_links:.*$", "pretty_links: true", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    build(load_config(seed_site))
    html = (seed_site / "output" / ARTICLE).read_text(encoding="utf-8")
    assert 'href="../../actors/benjamin-netanyahu/"' in html
    assert re.findall(r'href="[^"]*index\.html[^"]*"', html) == []
    cards = json.loads(re.search(r'<script type="application/json" id="entity-cards">(.*?)</script>', html, re.S).group(1))
    assert cards["actors/benjamin-netanyahu"]["href"] == "../../actors/benjamin-netanyahu/"
    data = _json_ld(html)
    assert data["url"].endswith("/articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/")
    assert all(not m["url"].endswith("index.html") for m in data["mentions"])
    places = (seed_site / "output/locations/index.html").read_text(encoding="utf-8")
    assert "<svg" in places and re.findall(r'href="[^"]*index\.html', places) == []
    export = (seed_site / "output/data/mentions.csv").read_text(encoding="utf-8")
    assert "rise/#p-1" in export and "index.html" not in export


def test_feeds_keep_their_ids_between_builds(seed_site: Path) -> None:
    cfg = load_config(seed_site)
    build(cfg)
    first = feedparser.parse((seed_site / "output/actors/hamas/feed.xml").read_bytes())
    build(cfg)
    again = feedparser.parse((seed_site / "output/actors/hamas/feed.xml").read_bytes())
    assert [e.id for e in first.entries] == [e.id for e in again.entries]
    assert first.feed.id == again.feed.id and first.feed.updated == again.feed.updated == "2024-03-22T00:00:00Z"


def test_article_json_ld_has_about_mentions_and_content_location(built: Path) -> None:
    data = _json_ld(_html(built, ARTICLE))
    assert data["@type"] == "NewsArticle" and data["datePublished"] == "2024-03-22"
    names = {m["name"] for m in data["mentions"]}
    assert {"Antony J. Blinken", "Benjamin Netanyahu", "Hamas", "Rafah", "Qatar"} <= names
    # what the headline names: "Blinken Meets With Netanyahu as U.S.-Israel Tensions Rise"
    assert {a["name"] for a in data["about"]} == {"Antony J. Blinken", "Benjamin Netanyahu", "United States",
                                                  "Israel"}
    places = data["contentLocation"]
    assert places and all(p["@type"] == "Place" and "geo" in p for p in places)
    assert {m["@type"] for m in data["mentions"]} == {"Person", "Organization", "Place"}


def test_article_has_opengraph_cards_data_and_the_panel(built: Path) -> None:
    html = _html(built, ARTICLE)
    for prop in ("og:type", "og:title", "og:description", "og:url", "og:site_name", "article:published_time"):
        assert f'property="{prop}"' in html, prop
    cards = json.loads(re.search(r'<script type="application/json" id="entity-cards">(.*?)</script>', html, re.S)
                       .group(1))
    gantz = cards["actors/benny-gantz"]
    assert gantz["name"] == "Benny Gantz" and gantz["href"] == "../../actors/benny-gantz/index.html"
    assert gantz["mentions"] >= 2 and gantz["articles"] == 1 and gantz["summary"]
    assert "People and places in this article" in html
    assert re.search(r'data-pagefind-filter="actor">Benjamin Netanyahu</a>', html)
    assert re.search(r'data-pagefind-filter="location">Rafah</a>', html)


def test_no_page_fetches_anything_from_outside_the_site(built: Path) -> None:
    pages = [p for p in built.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 20
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        if page.name == "404.html":
            continue  # 404.html uses base_url on purpose (served at any depth)
        outside = [u for u in parser.fetched if re.match(r"^[a-z]+:|^//", u)]
        assert not outside, f"{page}: {outside}"
    css = (built / "static/css/site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css


def test_actor_page_attributes_quotes_with_links_to_the_paragraph(built: Path) -> None:
    html = _html(built, "actors/benjamin-netanyahu/index.html")
    section = html[html.index('id="said-title"'):html.index('id="appearances-title"')]
    assert "We have no way to defeat Hamas without going into Rafah" in section
    assert "But if we must — we will do it alone." in section  # the quote that continues after “said.”
    assert re.search(r'href="\.\./\.\./' + re.escape(ARTICLE) + r'#p-\d+"', section)
    blinken = _html(built, "actors/antony-j-blinken/index.html")
    assert "We have no way to defeat Hamas" not in blinken  # quoted by Netanyahu, not by Blinken


@pytest.mark.parametrize("text, speaker, words", [
    ('“We will not stop,” said Foreign Secretary Jack Straw.', "Jack Straw", "We will not stop"),
    ('"Our results were strong," chairman and chief executive Richard Parsons said.', "Richard Parsons",
     "Our results were strong"),
    ('Ms Hewitt told the seminar: "We will win this one."', "Ms Hewitt", "We will win this one."),
])
def test_quote_patterns(text: str, speaker: str, words: str) -> None:
    start = text.index(speaker)
    found = find_quotes(text, [(start, start + len(speaker), "actors/x")])
    assert [(q.entity, q.text) for q in found] == [("actors/x", words)]


def test_he_said_goes_to_the_one_person_named_before_it_in_the_paragraph() -> None:
    text = 'Mr Blair met union leaders. "We have listened and we will act," he said.'
    found = find_quotes(text, [(0, 8, "actors/tb")], frozenset({"actors/tb"}))
    assert [(q.entity, q.text) for q in found] == [("actors/tb", "We have listened and we will act")]
    two = 'Mr Blair met Mr Brown. "We have listened and we will act," he said.'
    assert find_quotes(two, [(0, 8, "actors/tb"), (13, 21, "actors/gb")], frozenset({"actors/tb", "actors/gb"})) == []
    assert find_quotes(text, [(0, 8, "actors/tb")]) == []  # an organisation is never "he"


def test_a_quote_is_not_given_to_someone_merely_named_near_it() -> None:
    text = '“It was a dreadful day,” the spokesman said, adding that Jack Straw had left.'
    start = text.index("Jack Straw")
    assert find_quotes(text, [(start, start + 10, "actors/js")]) == []


def test_location_pages_have_coordinates_country_link_and_a_locator_map(built: Path) -> None:
    html = _html(built, "locations/rafah/index.html")
    assert "31.2972° N, 34.2436° E" in html
    svg = re.search(r'<svg class="locator-map".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-label="Map: Rafah, Palestine"' in svg
    assert 'class="map-focus"' in svg and 'class="map-dot"' in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # drawn, not fetched
    israel = _html(built, "locations/israel/index.html")
    assert "Places in Israel" in israel and "tel-aviv/index.html" in israel  # Tel Aviv lies in Israel


def test_maps_know_countries_and_draw_across_the_antimeridian() -> None:
    world = load_world()
    assert find_country(world, "United States").name == "United States of America"
    assert find_country(world, "Palestine").name == "Palestine"
    assert find_country(world, "Atlantis") is None
    fiji = find_country(world, "Fiji")
    assert all(max(p[0] for p in r) - min(p[0] for p in r) < 180 for r in fiji.rings)
    svg = locator_svg(world, "Suva", -18.14, 178.44, "city", "Fiji")
    assert 'class="map-focus"' in svg and "Fiji" in svg


def test_places_list_has_an_overview_map_and_country_groups(built: Path) -> None:
    html = _html(built, "locations/index.html")
    svg = re.search(r'<svg class="overview-map".*?</svg>', html, re.S).group(0)
    assert svg.count('class="map-dot"') == 10  # every place has coordinates (the Middle East too)
    assert 'href="rafah/index.html"' in svg
    assert re.search(r'<h2 id="section-\d+">Palestine <span', html)


def test_actor_lists_go_a_to_z_and_by_mentions(built: Path) -> None:
    az = _html(built, "actors/index.html")
    letters = re.findall(r'<h2 id="section-\d+">(.) <span', az)
    assert letters == sorted(letters) and {"A", "B", "C", "H", "U", "W"} <= set(letters)
    ranked = _html(built, "actors/by-mentions.html")
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td></tr>', ranked)]
    assert len(counts) == 8 and counts == sorted(counts, reverse=True)
    assert 'aria-current="page">By mentions' in ranked


def test_mentions_export_matches_the_entity_pages(built: Path) -> None:
    with (built / "data/mentions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    doc = json.loads((built / "data/mentions.json").read_text(encoding="utf-8"))
    assert rows == doc["mentions"]
    assert set(rows[0]) == {"date", "article", "title", "entity", "name", "kind", "sentence", "url"}
    rafah = [r for r in rows if r["entity"] == "locations/rafah"]
    assert len(rafah) == 4 and all(r["kind"] == "location" and r["date"] == "2024-03-22" for r in rafah)
    assert all("Rafah" in r["sentence"] for r in rafah)
    assert {r["kind"] for r in rows} == {"person", "organisation", "location"}


def test_search_index_is_built_and_can_be_switched_off(built: Path, site_dir: Path) -> None:
    assert (built / "pagefind/pagefind-ui.js").is_file() and (built / "pagefind/pagefind-entry.json").is_file()
    assert (built / "search/index.html").is_file()
    assert 'data-search hidden' in _html(built, "index.html")  # shown by site.js only where it works
    (site_dir / "site.yaml").write_text((site_dir / "site.yaml").read_text() + "search: false\n")
    build(load_config(site_dir))
    assert not (site_dir / "output/pagefind").exists()
    assert "data-search" not in (site_dir / "output/index.html").read_text(encoding="utf-8")


def test_long_entity_pages_continue_on_numbered_pages(site_dir: Path) -> None:
    (site_dir / "site.yaml").write_text((site_dir / "site.yaml").read_text() + "per_page: 1\nsearch: false\n")
    build(load_config(site_dir))
    out = site_dir / "output/locations/valparaiso"
    first, second = (out / "index.html").read_text(), (out / "page/2/index.html").read_text()
    assert 'rel="next" href="page/2/index.html"' in first
    assert "Page 2 of 2" in second and 'href="../../index.html"' in second


def test_print_stylesheet_and_dark_mode_exist(built: Path) -> None:
    css = (built / "static/css/site.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css
    assert ".sidenote { display: none !important; }" in css  # print: notes as endnotes, never in the margin


def test_feed_entries_carry_each_note_once_as_an_endnote(built: Path) -> None:
    feed = (built / "feed.xml").read_text(encoding="utf-8")
    html = feed.split("<content", 1)[1]
    assert "sidenote" not in html  # feed readers have no margin CSS: no inline copy of each note
    assert "fn-blinken-meets-with-netanyahu-as-us-israel-tensions-rise-1" in html  # the endnotes remain
