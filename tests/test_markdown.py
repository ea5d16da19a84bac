"""Markdown rendering: entity links, safe URLs, footnote numbering shared with entity notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from conftest import entity_resolver
from generator.linker import is_safe_url
from generator.markdown import annotate, make_parser

FIXTURES = Path(__file__).parent / "fixtures"
ENTITIES = {
    ("actor", "ann-lee"): ("actors", "person", "Ann Lee", ""),
    ("actor", "un"): ("actors", "organisation", "United Nations", "An international body."),
    ("location", "oslo"): ("locations", "location", "Oslo", ""),
    ("location", "rome"): ("locations", "location", "Rome", "Capital of Italy."),
}


resolve = entity_resolver(ENTITIES)


def render(text: str, mode: str = "first"):  # type: ignore[no-untyped-def]
    return annotate(make_parser(), text, "content/articles/a.md", 7, resolve, mode, "a")  # type: ignore[arg-type]


@pytest.mark.parametrize("line,title,text,expected", read_fixture_file(FIXTURES / "linker.md"),
                         ids=[f[1] for f in read_fixture_file(FIXTURES / "linker.md")])
def test_linker_fixtures(line: int, title: str, text: str, expected: str) -> None:
    assert render(text).html.strip() == expected.strip()


def test_unknown_entity_is_a_problem_with_file_and_line() -> None:
    body = render("Intro.\n\nHello [X](actor:nobody).\n")
    assert [str(p) for p in body.problems] == [
        "content/articles/a.md:9: unknown actor 'nobody' in link 'actor:nobody'"]


def test_entity_and_editor_footnotes_share_one_numbering() -> None:
    body = render("The [UN](actor:un) met.[^x] Then [Rome](location:rome).\n\n"
                  "[^x]: Editor note.\n")
    html = str(body.html)
    refs = re.findall(r'role="doc-noteref" aria-label="Note (\d+)"', html)
    assert refs == ["1", "2", "3"]
    items = re.findall(r'<li id="fn-a-(\d+)" class="footnote-item"><p>(.*?) <a', html)
    assert [(n, re.sub("<[^>]+>", "", t)) for n, t in items] == [
        ("1", "United Nations: An international body."), ("2", "Editor note."), ("3", "Rome: Capital of Italy.")]
    assert 'role="doc-backlink" aria-label="Back to reference 2"' in html


@pytest.mark.parametrize("text", ["Text.[^1]\n\n[^1]: See [^1].", "Text.[^1]\n\n[^1]: See [^2].\n[^2]: And [^1]."])
def test_a_note_that_refers_to_itself_renders_without_endless_copies(text: str) -> None:
    """It used to recurse until Python gave up (a RecursionError, no build); now the reference
    inside a note's own margin copy is shown without a second copy."""
    html = str(render(text).html)
    assert 'aria-label="Note 1">1</a></sup><span class="sidenote"' in html  # the reference in the text
    side = html[html.index('<span class="sidenote"'):html.index("</p>")]
    assert side.count('<span class="sidenote"') == html.count("footnote-item")  # each note copied once
    assert '<li id="fn-a-1" class="footnote-item">' in html


def test_entity_footnote_modes() -> None:
    text = "[UN](actor:un) and [the UN](actor:un) again.\n"
    assert str(render(text, "first").html).count('role="doc-noteref"') == 1
    assert str(render(text, "all").html).count('role="doc-noteref"') == 2
    assert 'role="doc-noteref"' not in str(render(text, "none").html)


def test_paragraphs_record_entity_link_spans() -> None:
    body = render("Met [Ann Lee](actor:ann-lee) in [Oslo](location:oslo).\n")
    (para,) = body.paragraphs
    assert para.text == "Met Ann Lee in Oslo."
    assert [(para.text[s:e], k) for s, e, k in para.links] == [("Ann Lee", "actors/ann-lee"),
                                                               ("Oslo", "locations/oslo")]
    assert body.linked == ("actors/ann-lee", "locations/oslo")


@pytest.mark.parametrize("url", ["javascript:x", " JavaScript:x", "java\tscript:x", "&#x6A;avascript:x",
                                 "%6Aavascript:x", "vbscript:x", "data:text/html;base64,x", "file:///etc/passwd"])
def test_unsafe_urls_refused(url: str) -> None:
    assert not is_safe_url(url)
