"""The plain-Markdown fast path (`plainmd`) makes exactly what markdown-it makes, or gives way to it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.build import _resolver
from generator.config import load_config
from generator.content import MarkdownSource, load_content
from conftest import entity_resolver
from generator.markdown import AnnotatedBody, annotate, make_parser
from generator.model import GROUPS, Site, build_site, page_path
from generator.plainmd import annotate_plain

REPO = Path(__file__).resolve().parent.parent
SOURCE = "content/articles/a.md"
ENTITIES = {
    ("actor", "ann-lee"): ("actors", "person", "Ann <b>Lee</b>", "Mayor of \"Oslo\" & <script>x</script>."),
    ("actor", "un"): ("actors", "organisation", "United Nations", "An international body."),
    ("actor", "rome"): ("actors", "organisation", "Rome FC", "A club with the slug of a city."),
    ("location", "oslo"): ("locations", "location", "Oslo", ""),
    ("location", "rome"): ("locations", "location", "Rome", "Capital of Italy."),
}


resolve = entity_resolver(ENTITIES, "?a=1&b=2")


def markdown_it() -> object:
    """The configured parser with the fast path turned off: markdown-it does everything."""
    md = make_parser()
    md.options["plain_fast_path"] = False
    return md


SLOW = markdown_it()


def same(fast: AnnotatedBody, slow: AnnotatedBody) -> bool:
    return fast == slow and str(fast.html) == str(slow.html)


def check(text: str, mode: str = "first", doc: str = "a") -> AnnotatedBody | None:
    """The fast path's body for `text` (None if it gave way), asserted equal to markdown-it's."""
    fast = annotate_plain(text, SOURCE, 7, resolve, mode, doc)  # type: ignore[arg-type]
    slow = annotate(SLOW, text, SOURCE, 7, resolve, mode, doc)  # type: ignore[arg-type]
    if fast is not None:
        assert str(fast.html) == str(slow.html)
        assert fast == slow
    return fast


ARTICLE = """\
OSLO — [Ann Lee](actor:ann-lee), the mayor, said on *Monday* that the [United Nations](actor:un)
would "review" the plan.[^1] Officials in [Oslo](location:oslo) were **less optimistic** & said so.

## Pressure from [Rome](location:rome)

> “We will not accept a deal.”
>
> — [Ann Lee](actor:ann-lee), in 2\\. *“Quoted”*

A [report](https://example.org/r?id=3&x=y%20z) and [another](../other/) mention [Rome](actor:rome) and
[Nobody](actor:nobody), again [Rome](location:rome) and [^1] and [^note-2]. C:\\path \\q ends.

[^1]: The coast guard, “Echoes,” report, 2018.
[^note-2]: A second *note* > first.
[^unused]: Never referenced.
"""


@pytest.mark.parametrize("mode", ["first", "all", "none"])
def test_a_typical_article_takes_the_fast_path_and_matches_markdown_it(mode: str) -> None:
    fast = check(ARTICLE, mode)
    assert fast is not None
    html = str(fast.html)
    assert "<blockquote>" in html and "<h2>" in html and "<em>Monday</em>" in html
    assert [p.anchor for p in fast.paragraphs] == ["p-1", "p-2"]  # not the quote's, nor the notes'
    assert fast.problems and "unknown actor 'nobody'" in fast.problems[0].message
    assert fast.problems[0].line == 7 + 9  # the line its paragraph starts on
    assert ("footnote-ref-entity" in html) == (mode != "none")


@pytest.mark.parametrize("text", [
    "Some `code` here.",
    "- a list\n- of items",
    "1. first\n2. second",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "A paragraph\n> interrupted by a quote",
    "> a quote\nwith a lazy line",
    "Title\n=====",
    "Some _emphasis_ here.",
    "An &amp; entity.",
    "An ![image](https://example.org/a.png).",
    "An inline note^[like this].",
    "[ref]: https://example.org\n\nA [ref] link.",
    "Text.[^1]\n\n[^1]: A note with [Ann Lee](actor:ann-lee) in it.",
    "Text.[^1]\n\n[^1]: One.\n[^1]: Twice.",
    "A hard  \nbreak.",
    "Indented\n\n    code",
    "A\ttab.",
    "Unbalanced *emphasis.",
    "*** \n\nA rule above.",
    "A [link](https://example.org \"with a title\").",
    "A [link](javascript:alert(1)).",
    "An [entity link](location:) with no slug, [another](Actor:un) in capitals.",
    "[^1]: Interrupting\na lazy line.\n\nText.[^1]",
    "Text[^missing] with no definition.",
    "<div>html</div>",
    "x\\\ny",
])
def test_markup_outside_the_subset_gives_way_to_markdown_it(text: str) -> None:
    assert annotate_plain(text, SOURCE, 7, resolve, "first", "a") is None
    default = annotate(make_parser(), text, SOURCE, 7, resolve, "first", "a")
    assert same(default, annotate(SLOW, text, SOURCE, 7, resolve, "first", "a"))  # type: ignore[arg-type]


FRAGMENTS = st.sampled_from([
    "word", "words here", " ", ".", ",", "“", "”", "—", "(", ")", "'", '"', ">", "&", "#", "!", "^", ":",
    "*", "**", "*em*", "**strong**", "\\", "\\*", "\\[", "\\a", "[", "]", "[^1]", "[^2]", "[^x y]",
    "[Ann Lee](actor:ann-lee)", "[Rome](location:rome)", "[Rome](actor:rome)", "[X](actor:nobody)",
    "[UN](actor:un)", "[a *b*](actor:un)", "[r](https://e.org/p?q=1)", "[r](../x/)", "[r](javascript:x)",
    "[e](location:)", "[e](Actor:un)", "[e](actor:UN)", "[e](actor:un#x)", "[e](mailto:a@b.c)", "[e](LOCATION:rome)",
    "&amp;", "`", "_", "~~", "|", "<", "\u00a0", "\t", "1.", "2)", "-", "+", "=",
])
LINE_STARTS = st.sampled_from(["", "", "", "", "## ", "# ", "> ", ">", "[^1]: ", "[^2]: ", "[^1]:", "- ", "1. ",
                               "    ", " ", "===", "---", "***", "**", "*"])
LINES = st.builds(lambda start, parts: start + "".join(parts), LINE_STARTS, st.lists(FRAGMENTS, max_size=8))
DOCUMENTS = st.builds("\n".join, st.lists(st.one_of(LINES, st.just("")), max_size=12))


PLAIN_FRAGMENTS = st.sampled_from([
    "word", "more words", " ", ".", ",", "“", "”", "—", "(", ")", "'", '"', ">", "&", "#", "!", "^", ":", "]",
    "*em*", "**strong**", " *em* ", " **strong**.", "*“q”*", "\\*", "\\.", "\\a", "\\[", "[^1]", "[^2]",
    "[Ann Lee](actor:ann-lee)", "[Rome](location:rome)", "[Rome](actor:rome)", "[X](actor:nobody)",
    "[UN](actor:un)", "[r](https://e.org/p?q=1&r=2)", "[r](../x/)", "\u00a0", "1.", "2)", "-", "+", "=",
    "[e](location:)", "[e](Actor:un)", "[e](actor:un#x)", "[e](mailto:a@b.c)",
])
PLAIN_STARTS = st.sampled_from(["", "", "", "", "", "## ", "> ", ">", "[^1]: ", "[^2]: ", "*", "**", "1"])
PLAIN_LINES = st.builds(lambda start, parts: start + "".join(parts), PLAIN_STARTS,
                        st.lists(PLAIN_FRAGMENTS, min_size=1, max_size=8))
NEAR_PLAIN = st.builds("\n".join, st.lists(st.one_of(PLAIN_LINES, st.just(""), st.just("")), max_size=12))
"""Documents near the edges of the fast path's subset (about a quarter of them are inside it)."""


@settings(max_examples=600, deadline=None)
@given(st.one_of(DOCUMENTS, NEAR_PLAIN), st.sampled_from(["first", "all", "none"]))
@example("[^1]: note\n\nText.[^1] and [Ann Lee](actor:ann-lee).[^1]", "first")
@example("**a** *b*\n\n> “*c*”\n>\n> d\n\n## [UN](actor:un) e", "all")
@example("A [UN](actor:un)[^2]\n\n[^2]: two\n[^1]: one", "first")
def test_generated_documents_match_markdown_it(text: str, mode: str) -> None:
    check(text, mode)


def _bodies(site_dir: Path) -> tuple[Site, list[tuple[MarkdownSource, PurePosixPath, str]]]:
    """A site's model and its bodies: (body, page, document id) of every article and entity."""
    cfg = load_config(site_dir)
    content, _ = load_content(cfg)
    site, _ = build_site(content, cfg)
    found = [(a.body, page_path("articles", a.slug), a.slug) for a in (*site.articles, *site.drafts)]
    for group in GROUPS:
        entities = site.actors if group == "actors" else site.locations
        found += [(e.body, page_path(group, slug), f"{group[:-1]}-{slug}") for slug, e in entities.items()]
    return site, found


def _compare_site(site_dir: Path) -> int:
    """Compare every body of a site in every footnote mode; how many took the fast path."""
    taken = 0
    site, bodies = _bodies(site_dir)
    for body, page, doc in bodies:
        for mode in ("first", "all", "none"):
            args = (body.text, body.path, body.first_line, _resolver(site, page), mode, doc)
            fast = annotate_plain(*args)  # type: ignore[arg-type]
            if fast is not None:
                taken += 1
                assert same(fast, annotate(SLOW, *args)), f"{body.path} ({mode})"  # type: ignore[arg-type]
    return taken


@pytest.mark.parametrize("site", [REPO, REPO / "tests" / "sites" / "minimal"], ids=["repo", "minimal"])
def test_every_body_of_the_fixture_sites_matches(site: Path) -> None:
    assert _compare_site(site) > 0


def test_every_body_of_the_imported_bbc_sample_matches(corpus_built: Path) -> None:
    """200 BBC stories through the real importer: most take the fast path, all match."""
    bodies = len(_bodies(corpus_built.parent)[1])
    assert _compare_site(corpus_built.parent) > 3 * bodies * 0.8
