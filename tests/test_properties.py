"""Property tests (Hypothesis): slugs, relative URLs, output paths and the linker, for any input.

No generated input may yield an unsafe href/src or a path outside output/.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from generator.linker import EntityTarget, LinkContext, is_safe_url
from generator.linkcheck import link_targets, scan_html
from generator.markdown import annotate, make_parser
from generator.model import page_path
from generator.urls import is_valid_slug, relative_url, slugify
from generator.writer import OutputError, _target

SAFE = ("http", "https", "mailto")
KNOWN = {("actor", "maria-lopez"): ("actors", "person", "María López", "Head of the port."),
         ("location", "valparaiso"): ("locations", "location", "Valparaíso", "")}

slug_text = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
site_path = st.builds(lambda parts, name: PurePosixPath(*parts, name),
                      st.lists(slug_text, min_size=0, max_size=4),
                      st.sampled_from(["index.html", "feed.xml", "a.css"]))


# --- slugs and paths ---------------------------------------------------------------------------------

@given(st.text())
@example("../../etc/passwd")
@example("U.S. & C.I.A. — Ça va?")
@example("\u0000\n\r\t")
@example("ｆｕｌｌｗｉｄｔｈ Ｕ．Ｓ．")
@example("e\u0301te\u0301")  # NFD: é as e + combining accent
def test_slugify_always_gives_a_safe_single_segment(text: str) -> None:
    slug = slugify(text)
    assert is_valid_slug(slug)
    assert slug.isascii() and "/" not in slug and ".." not in slug
    assert slugify(slug) == slug  # a slug is its own slug: slugs are stable once made


@given(st.text())
def test_nfc_and_nfd_spellings_give_the_same_slug(text: str) -> None:
    import unicodedata

    assert slugify(unicodedata.normalize("NFD", text)) == slugify(unicodedata.normalize("NFC", text))


@given(st.text(max_size=40))
@example("abc\n")
@example("a/b")
@example("..")
def test_a_valid_slug_can_only_name_a_folder_inside_its_group(text: str) -> None:
    if is_valid_slug(text):
        path = page_path("articles", text)
        assert path.parts == ("articles", text, "index.html")
        assert posixpath.normpath(str(path)) == str(path)
        assert re.fullmatch(r"[a-z0-9-]+", text)


@given(st.lists(st.one_of(st.sampled_from(["..", ".", "", "/", "\\", "\x00", "a", "b.html"]), st.text(max_size=6)),
                max_size=6))
def test_the_writer_never_resolves_a_path_outside_its_folder(parts: list[str]) -> None:
    root = Path("/srv/out/.staging")
    rel = PurePosixPath(*parts) if parts else PurePosixPath()
    try:
        target = _target(root, rel)
    except OutputError:
        return
    resolved = Path(posixpath.normpath(str(target)))
    assert resolved.is_relative_to(root) and resolved != root


@given(site_path, site_path)
def test_relative_url_round_trips(target: PurePosixPath, page: PurePosixPath) -> None:
    rel = relative_url(target, page)
    assert not rel.startswith("/") and "://" not in rel
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(str(page)), rel))
    assert joined == str(target)


_SEGMENTS = st.sampled_from(["a", "b", "ab", "articles", "actors", "index.html", "feed.xml", "page", "2"])


@given(st.lists(_SEGMENTS, min_size=1, max_size=4), st.lists(_SEGMENTS, min_size=1, max_size=4))
@example(["a"], ["a", "a"])  # a file named like the page's folder: not in that folder
@example(["articles", "x", "index.html"], ["actors", "y", "index.html"])
def test_relative_url_is_the_path_from_the_page_folder(target: list[str], page: list[str]) -> None:
    """Same answer as `posixpath.relpath`, on folders in common (a few segments, so they often
    are) as on links to another section (its fast path)."""
    assert relative_url("/".join(target), "/".join(page)) == posixpath.relpath(
        "/".join(target), posixpath.dirname("/".join(page)) or ".")


# --- the linker and the Markdown renderer -----------------------------------------------------------

def _resolve(page: PurePosixPath):  # type: ignore[no-untyped-def]
    def resolve(scheme: str, slug: str) -> EntityTarget | None:
        found = KNOWN.get((scheme, slug))
        if found is None:
            return None
        group, kind, name, summary = found
        return EntityTarget(slug, group, kind, name, summary, relative_url(page_path(group, slug), page))
    return resolve


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [(tag, v or "") for k, v in attrs if k in ("href", "src")]
        assert not any(k.startswith("on") for k, _ in attrs)
        assert tag not in ("script", "iframe", "svg", "style", "object", "embed")


def _scheme(url: str) -> str | None:
    # How a browser reads it: entities decoded, tabs/newlines dropped, leading controls/space stripped.
    cleaned = re.sub(r"[\t\n\r]", "", html.unescape(url)).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                                 "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                                                 "\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return m.group(1).lower() if m else None


def _disguise(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(["javascript", "vbscript", "data", "file", "livescript", "jar"]))
    out = []
    for ch in word:
        style = draw(st.integers(0, 6))
        out.append({0: ch, 1: ch.upper(), 2: f"&#{ord(ch)};", 3: f"&#x{ord(ch):x};", 4: f"%{ord(ch):02x}",
                    5: ch + draw(st.sampled_from(["\t", "\n", "&#9;", "&Tab;", "%09", "\x00", "\u200b"])),
                    6: f"&#x{ord(ch.upper()):X};"}[style])
    colon = draw(st.sampled_from([":", "&#58;", "&colon;", "%3a", "&#x3A;"]))
    lead = draw(st.sampled_from(["", " ", "\x01", "&#32;", "%20"]))
    return lead + "".join(out) + colon + "alert(1)"


hrefs = st.one_of(
    st.composite(_disguise)(),
    st.sampled_from(["actor:maria-lopez", "location:valparaiso", "actor:ghost", "location:", "actor:../x",
                     "https://example.com/a?b=1&c=2", "mailto:a@example.com", "#p-1", "../x/index.html",
                     "//example.com", "HTTP://EXAMPLE.COM", "actor:Maria-Lopez"]),
    st.text(max_size=20),
)


@st.composite
def markdown_doc(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        href = draw(hrefs).replace("\n", " ")
        text = draw(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12))
        form = draw(st.integers(0, 6))
        pieces.append({
            0: f"[{text}]({href})", 1: f"![{text}]({href})", 2: f"<{href}>", 3: f"[{text}][r]\n\n[r]: {href}\n",
            4: f"<a href=\"{href}\">{text}</a>", 5: f"[{text}](<{href}> \"t\")", 6: f"{text}[^n]\n\n[^n]: [{text}]({href})\n",
        }[form])
    return draw(st.sampled_from(["", "Para ", "# H\n\n", "> "])) + " ".join(pieces)


@st.composite
def entity_link_doc(draw: st.DrawFn) -> str:
    """Text around links that look like entity links: labels with markup, brackets, escapes."""
    label = st.text(alphabet=st.sampled_from(list("ab \\[]*_`~!^<>&()\n#:-é")), max_size=10)
    href = st.sampled_from(["actor:maria-lopez", "location:valparaiso", "actor:ghost", "actor:Maria", "actor:a-",
                            "actor:a--b", "location:x y", " actor:maria-lopez", "actor:maria-lopez \"t\"", ""])
    pieces = [draw(st.sampled_from(["[{}]({})", "[[{}]({})](https://e.org)", "*[{}]({})*", "[{}]({})[^1]",
                                    "![{}]({})", "\\[{}]({})", "`[{}]({})`", "[{}]({}))"])).format(draw(label), draw(href))
              for _ in range(draw(st.integers(1, 4)))]
    return draw(st.sampled_from(["", "# ", "> ", "- "])) + draw(st.sampled_from([" ", "\n", ""])).join(pieces) + \
        "\n\n[^1]: Note."


@settings(max_examples=300)
@given(st.one_of(entity_link_doc(), markdown_doc()), st.sampled_from(["first", "all", "none"]))
@example("[María López](actor:maria-lopez) met [[x](actor:ghost)](https://e.org)", "first")
@example("[*María* López](actor:maria-lopez) [_a_](actor:ghost) [~~a~~](actor:ghost)", "first")
@example("[`a`](actor:ghost) [a\\#b](actor:maria-lopez) [a&amp;b](actor:ghost) [<b@e.org>](actor:ghost)", "first")
@example("[a\nb](actor:ghost) [![i](x.png)](actor:ghost) [a^[n]](actor:ghost)", "all")
def test_the_quick_rule_for_plain_entity_links_changes_no_token(text: str, mode: str) -> None:
    """`linker._plain_entity_link` makes what markdown-it's own `link` rule makes, or leaves it to it."""
    page = PurePosixPath("articles/some-story/index.html")
    quick, slow = make_parser(), make_parser()
    slow.inline.ruler.disable("plain_entity_link")

    def tokens(md: Any) -> tuple[list[dict[str, Any]], str]:
        env = {"links": LinkContext(_resolve(page), "x.md", 1, mode), "docId": "x"}  # type: ignore[arg-type]
        found = md.parse(text, env)
        return [t.as_dict() for t in found], md.renderer.render(found, md.options, env)

    assert tokens(quick) == tokens(slow)


@given(markdown_doc(), st.sampled_from(["first", "all", "none"]))
@example("[x](javascript:alert(1)) [y](actor:maria-lopez) [z](actor:ghost)", "first")
def test_no_markdown_yields_an_unsafe_href_or_a_dangling_entity_link(text: str, mode: str) -> None:
    page = PurePosixPath("articles/some-story/index.html")
    body = annotate(make_parser(), text, "content/articles/x.md", 6, _resolve(page), mode, "x")  # type: ignore[arg-type]
    parser = _Tags()
    parser.feed(str(body.html))
    for tag, url in parser.urls:
        scheme = _scheme(url)
        assert scheme is None or scheme in SAFE, (tag, url)
        if tag == "a" and not url.startswith(("#", "http", "mailto")) and scheme is None and url.endswith("index.html"):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(str(page)), url))
            assert not joined.startswith("..")
    entity_hrefs = [u for t, u in parser.urls if "actors/" in u or "locations/" in u]
    for url in entity_hrefs:
        if url.startswith("../../actors/") or url.startswith("../../locations/"):
            assert url in ("../../actors/maria-lopez/index.html", "../../locations/valparaiso/index.html")
    for problem in body.problems:
        assert problem.path == "content/articles/x.md" and problem.line >= 6


@given(markdown_doc(), st.sampled_from(["first", "all", "none"]))
@example("[a](../x/index.html) ![i](img/p.png) [b](actor:maria-lopez)[^1]\n\n[^1]: [c](../y/)", "all")
def test_the_links_read_off_the_tokens_are_the_links_in_the_html(text: str, mode: str) -> None:
    """The build checks body links from `AnnotatedBody.hrefs`; they must be exactly what the HTML links to."""
    page = "articles/some-story/index.html"
    body = annotate(make_parser(), text, "content/articles/x.md", 6, _resolve(PurePosixPath(page)), mode, "x")  # type: ignore[arg-type]
    in_html = link_targets(page, [(link, 0) for link, _ in scan_html(str(body.html))[1]])
    assert {(link, target) for link, target, _ in link_targets(page, body.hrefs)} == \
        {(link, target) for link, target, _ in in_html}
    assert all(line >= 6 for _, line in body.hrefs)


@given(markdown_doc(), st.sampled_from(["first", "all", "none"]))
@example("A[^a] and ^[inline *note* with [^b]] [M](actor:maria-lopez) `<span>`\n\n[^a]: One ^[nested]\n\n[^b]: Two",
         "all")
def test_feed_html_is_the_body_rendered_without_sidenotes(text: str, mode: str) -> None:
    """Feeds cut the sidenote copies out of the page HTML; that must equal rendering with endnotes only."""
    page = PurePosixPath("articles/some-story/index.html")
    md = make_parser()
    body = annotate(md, text, "x.md", 1, _resolve(page), mode, "x")  # type: ignore[arg-type]
    ctx = LinkContext(resolve=_resolve(page), source="x.md", first_line=1, footnotes=mode)  # type: ignore[arg-type]
    env = {"links": ctx, "docId": "x", "endnotes_only": True}
    assert str(body.feed_html) == md.renderer.render(md.parse(text, env), md.options, env)
    assert 'class="sidenote"' not in str(body.feed_html)


@given(st.composite(_disguise)())
def test_is_safe_url_refuses_every_disguised_script_scheme(url: str) -> None:
    assume(_scheme(url) is not None)
    assert not is_safe_url(url) or _scheme(url) in SAFE


@given(st.text(max_size=30))
def test_unknown_entity_links_give_one_problem_and_no_link(slug: str) -> None:
    assume("]" not in slug and ")" not in slug and "\n" not in slug and " " not in slug and "<" not in slug)
    assume(("actor", slug) not in KNOWN and slug and "\\" not in slug)
    page = PurePosixPath("articles/s/index.html")
    body = annotate(make_parser(), f"See [her](actor:{slug}).", "a.md", 3, _resolve(page), "first", "s")
    assert 'class="entity' not in str(body.html)
    unknown = [p for p in body.problems if "unknown actor" in p.message]
    assert len(unknown) <= 1
    assert all(p.line == 3 for p in unknown)


@pytest.mark.parametrize("text", ["[a](actor:maria-lopez) and [b](location:valparaiso)"])
def test_known_entity_links_resolve_to_their_pages(text: str) -> None:
    page = PurePosixPath("articles/s/index.html")
    body = annotate(make_parser(), text, "a.md", 1, _resolve(page), "first", "s")
    assert 'href="../../actors/maria-lopez/index.html"' in str(body.html)
    assert 'href="../../locations/valparaiso/index.html"' in str(body.html)
    assert body.problems == ()


# --- mention scanning: the longest-word index finds what one regex alternation would -------------

_NAME_PIECES = st.sampled_from(["Mr", "Mr ", "Smith", "Smiths", "Ana", "Ana Smith", "U.S.", "U", "S", ".", " ", "-",
                                "al-", "Al", "(", ")", "é", "Ö", "٣", "_", "1", "’s", "O'", "Brien", "\n", ""])


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(_NAME_PIECES, min_size=1, max_size=3).map("".join), min_size=1, max_size=8),
       st.lists(_NAME_PIECES, max_size=30).map("".join))
def test_mention_scan_matches_the_regex_it_replaces(forms: list[str], text: str) -> None:
    from generator.model import _scan, index_forms

    indexed = index_forms(set(forms))
    ranked = indexed.ranked
    if all(ranked):  # the regex alternation below cannot hold an empty form
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in ranked) + r")(?!\w)")
        assert [(a, b, f) for a, b, f in _scan(text, indexed)] == \
            [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


_TITLED_PIECES = st.sampled_from(["Mr", "Mr.", "Mrs.", "Dr", "Dr.", "Sir", "Lady", "Messrs.", "Smith", "Smiths",
                                  "Li", "Ana", "Ana Smith", "Mr Smith", "Mr. Li", ".", " ", "  ", "-", "é", "_",
                                  "\x00", "(", "’s", "x", "Mr .", "Dr. é"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["Smith", "Li", "Ana Smith", "Mr Smith", "Mr. Li", "Dr", "Ana", "é", ".", "-"]),
                min_size=1, max_size=6),
       st.lists(st.sampled_from(["Smith", "Li", "Ana", ".", "é"]), max_size=3),
       st.lists(_TITLED_PIECES, max_size=30).map("".join))
def test_titled_surnames_find_what_their_listed_title_forms_would(forms: list[str], titled: list[str],
                                                                  text: str) -> None:
    """A surname standing for its title forms (`Mr. Smith`, `Dr Smith`…) finds the same mentions,
    for the same owners, as the title forms listed among the others (a person's surname owns
    its title forms unless another entity has the same form)."""
    from generator.markdown import Paragraph
    from generator.model import _find_all, _Owners, index_forms, title_forms

    owner = {form: f"actors/a{i}" for i, form in enumerate(dict.fromkeys(forms + titled))}
    surnames = {last: f"actors/p{i}" for i, last in enumerate(dict.fromkeys(titled))}
    listed = dict(owner)
    for last, person in surnames.items():
        for form in title_forms(last):
            listed.setdefault(form, person)
    paragraphs = [Paragraph(f"p-{i}", part, ()) for i, part in enumerate(text.split("\n"))]
    lazy = _find_all(paragraphs, index_forms(owner, surnames), _Owners(owner, surnames))
    assert lazy == _find_all(paragraphs, index_forms(listed), listed)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["actor", "location"]),
       st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8), min_size=1, max_size=4))
def test_entity_links_skip_a_normalisation_and_a_safety_check_that_would_leave_them_as_they_are(
        scheme: str, words: list[str]) -> None:
    from markdown_it import MarkdownIt

    from generator import linker

    url = f"{scheme}:{'-'.join(words)}"
    assert make_parser().normalizeLink(url) == MarkdownIt("commonmark").normalizeLink(url) == url
    assert linker.ENTITY_URL.fullmatch(url)
    cleaned = linker._CONTROL.sub("", html.unescape(unquote(url)))  # what the full check looks at
    assert cleaned == url and linker._SCHEME.match(cleaned) and scheme in linker.ENTITY_SCHEMES


_MARK_PIECES = st.sampled_from(["Ana", "Ana Smith", "Smith", "AT&T", "&", "amp", "lt", "39", "#", ";", "<", ">",
                                "'", '"', " ", ".", "é", "_", "R&D", "D", "x"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(_MARK_PIECES, min_size=1, max_size=3).map("".join), min_size=1, max_size=4),
       st.lists(_MARK_PIECES, max_size=25).map("".join))
@example(["amp;D"], "R&D")  # found by this test: the form matched from inside `&amp;`
def test_marking_names_on_escaped_text_equals_marking_then_escaping(names: list[str], sentence: str) -> None:
    from markupsafe import Markup, escape

    from generator.content import Entity, MarkdownSource
    from generator.render import _marker

    entity = Entity("e", "organisation", names[0], MarkdownSource("", "x.md", 1), aliases=tuple(names[1:]))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in sorted(set(names), key=lambda f: (-len(f), f)))
                         + r")(?!\w)")
    out, last = [], 0
    for found in pattern.finditer(sentence):
        out += [str(escape(sentence[last:found.start()])), "<mark>", str(escape(found.group(0))), "</mark>"]
        last = found.end()
    out.append(str(escape(sentence[last:])))
    expected = Markup("".join(out))
    assert _marker()(sentence, entity) == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1000), max_size=200), st.integers(min_value=1, max_value=50))
def test_weighted_spans_cover_every_item_once_in_chunks_of_bounded_cost(weights: list[float], chunks: int) -> None:
    from generator.parallel import weighted_spans

    spans = weighted_spans(weights, chunks)
    assert [i for a, b in spans for i in range(a, b)] == list(range(len(weights)))  # all, once, in order
    assert all(b > a for a, b in spans)
    target = sum(weights) / chunks
    # a span closes as soon as it reaches the target: without its last item it is lighter than that
    assert all(sum(weights[a:b - 1]) < target + 1e-9 for a, b in spans)
    assert len(spans) <= chunks + 1 or not weights


_TITLE_PIECES = st.sampled_from(["Ana", "Ana Smith", "Smith", "Smiths", "O'Neil", "São Paulo", "Paulo", " ", "-", ",",
                                 "'", "é", "x", "1", "_", ".", "AT&T"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_TITLE_PIECES, max_size=12).map("".join), _TITLE_PIECES.filter(lambda f: f.strip() != ""))
def test_names_finds_whole_word_forms_as_the_pattern_did(title: str, form: str) -> None:
    """contexts._about asked `re.search` with a pattern per form; a form is now looked up without one."""
    from generator.model import names

    assert names(title, form) == bool(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", title))


_PARAGRAPH_PIECES = st.sampled_from(["Mr ", "Smith", "Ana Smith", "U.S.", " ", ".", "-", "é", "\n", "\x00", "’s", "x"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(_NAME_PIECES | st.just("\x00"), min_size=1, max_size=3).map("".join), min_size=1, max_size=6),
       st.lists(st.tuples(st.lists(_PARAGRAPH_PIECES, max_size=12).map("".join), st.booleans()), max_size=5))
def test_one_scan_of_an_articles_paragraphs_finds_what_a_scan_of_each_finds(forms: list[str],
                                                                             texts: list[tuple[str, bool]]) -> None:
    """mentions_in scans an article's paragraphs joined once: each paragraph's matches (and its
    links, which win over names they overlap) are those `_find` gives for it alone."""
    from generator.markdown import Paragraph
    from generator.model import _find, _find_all, index_forms

    owner = {form: f"actors/a{i}" for i, form in enumerate(dict.fromkeys(forms))}
    indexed = index_forms(owner)
    paragraphs = [Paragraph(f"p-{i}", text, ((0, min(4, len(text)), "actors/link"),) if linked and text else ())
                  for i, (text, linked) in enumerate(texts)]
    assert _find_all(paragraphs, indexed, owner) == [_find(p, indexed, owner) for p in paragraphs]


# --- embedded JSON: objects formatted once are written as json.dumps writes them -----------------

_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)


def _json_values(objects: bool) -> st.SearchStrategy[object]:
    from generator.jsontext import JsonObject

    def nest(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
        members = st.dictionaries(st.text(max_size=4), children, max_size=4)
        made = members | st.lists(children, max_size=4) | st.lists(children, max_size=3).map(tuple)
        return made | members.map(JsonObject) if objects else made
    return st.recursive(_JSON_LEAVES, nest, max_leaves=20)


@settings(max_examples=800, deadline=None)
@given(_json_values(objects=True))
def test_embedded_json_is_what_json_dumps_writes_without_nulls(value: object) -> None:
    """Pages embed JSON-LD and entity cards with `json_text`, which writes the objects many pages
    share (JsonObject) from text formatted once: the same text as json.dumps of the whole, with
    null members and empty lists left out (sorted keys, no spaces), asked once or twice."""
    from generator.jsontext import drop_none, json_text

    whole = json.dumps(drop_none(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert json_text(value) == whole
    assert json_text(value) == whole


_MARKUP_PIECES = st.sampled_from(["a", " ", "\n", "\r", "\0", "\t", "\x0b", "\x0c", "`", "<", "_", "~", "|", "!", "[",
                                  "^", "&", "#", "amp", "x1F", ";", "\\", "é", "—", "\x01", "\x1f", "\x7f", "\ufffe",
                                  "\uffff", "\ufffd", "\x85"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
def test_str_searches_find_what_the_patterns_they_replace_find(text: str) -> None:
    """Two whole-text tests made with `str` searches instead of `re` (3-4x faster on a body): the
    plain Markdown reader's `beyond` (markup it leaves to markdown-it) and a seed's control
    characters (replaced by spaces, with a warning naming the line)."""
    from generator.plainmd import _BEYOND, beyond
    from generator.seeds import _CONTROL, _controls_to_spaces

    assert beyond(text) == (_BEYOND.search(text) is not None)
    problems: list[Any] = []
    assert _controls_to_spaces(text, "x.txt", problems) == _CONTROL.sub(" ", text)
    assert bool(problems) == (_CONTROL.search(text) is not None)


_LINK_PIECES = st.sampled_from(["../", "..", ".", "./", "/", "//", "actors", "x", "index.html", "a b", "%20", "%",
                                ":", "?q", "#p-1", "\t", " ", "é", "\\", "\u2028", "\xa0", "mailto:", "http://h/"])


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(["index.html", "articles/a/index.html", "actors/b/page/2/index.html", "x.html", "",
                        "./a/index.html", "a//b/index.html", "/a/index.html", "/index.html", "a/./b/index.html",
                        "a/../b/index.html", "../a/index.html", "a/"]),
       st.lists(st.lists(_LINK_PIECES, max_size=8).map("".join), max_size=4))
@example("./a/index.html", ["../../0"])  # found by review: pages whose folder is not a plain path
@example("a//b/index.html", ["../../../x/y.html"])
@example("/a/index.html", ["../../x/y.html"])
@example("a/../b/index.html", ["../../../x/y.html"])
@example("../a/index.html", ["../../x/y.html"])
def test_link_targets_read_plain_links_as_urlsplit_and_normpath_do(page: str, links: list[str]) -> None:
    """`link_targets` takes a link that climbs to the site root and then names a plain path
    (every entity link) without parsing it: the same targets as parsing every link."""
    from urllib.parse import urlsplit

    base = posixpath.dirname(page) or "."
    expected = []
    for line, link in enumerate(links):
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or link.startswith("//") or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if target.endswith("/") or parts.path.endswith("/"):
            target = target.rstrip("/") + "/index.html"
        expected.append((link, target, line))
    assert link_targets(page, [(link, line) for line, link in enumerate(links)]) == tuple(expected)
