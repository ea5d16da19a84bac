"""Fuzzing seeds and front matter: for any bytes, problems or a valid article, never a traceback.

Runs FUZZ_EXAMPLES generated inputs per test: at least 10,000 in CI (CI or NEWSGLOSS_REQUIRE_ALL set),
a few hundred in a plain local run; NEWSGLOSS_FUZZ_EXAMPLES overrides both.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.content import Content, load_article, load_entity
from generator.detect import Lexicon
from generator.importer import import_seed
from generator.markdown import annotate, make_parser
from generator.seeds import read_seed
from conftest import FUZZ_EXAMPLES

fuzz = settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
LEXICON: Lexicon = Content().lexicon()
MD = make_parser()

LINES = [
    "Blinken Meets With Netanyahu as U.S.-Israel Tensions Rise", "Back to top button", "Advertisement",
    "Supported by", "Share this article", "By Michael Crowley and Edward Wong", "By", "March 22, 2024",
    "Published: 22 March 2024 10:15 GMT", "2024-02-30", "Updated 31 September 2024", "Mr. Blinken met Mr. Gantz.",
    "The U.N. Security Council and the C.I.A. met in Tel Aviv.", "# not a heading", "1. not a list", "- nor this",
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "[y](actor:../../etc)", "![i](location:x)",
    "&amp; &#0; &#x110000; &bogus;", "*emphasis* _under_ `code` ~~strike~~ | table |", "[^1] and [^1]: note",
    "---", "...", "title: yes", "“Quoted” — dash – en ‘single’", "Ünïcödé Ελληνικά 中文 العربية",
    "e\u0301te\u0301", "\u202eRTL override", "\u200b\u200d\ufeff", "    indented code", "> quote", "\t\ttabs",
    "a" * 300, "São Paulo, Zürich and Kraków", "O'Brien’s C.E.O. said Mrs. O’Neill", "http://example.com/<x>",
]

line = st.one_of(st.sampled_from(LINES), st.text(max_size=60))
ending = st.sampled_from(["\n", "\r\n", "\r"])
encoding = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "raw"])


@st.composite
def seed_bytes(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=200))
    nl = draw(ending)
    lines = draw(st.lists(st.one_of(line, st.just("")), min_size=0, max_size=14))
    text = nl.join(lines)
    codec = draw(encoding)
    if codec == "raw":  # bytes of no encoding at all spliced into UTF-8
        data = text.encode("utf-8", "surrogatepass")
        cut = draw(st.integers(0, len(data)))
        return data[:cut] + draw(st.binary(min_size=1, max_size=4)) + data[cut:]
    return text.encode(codec, "replace") if codec != "utf-8" else text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "site"
    for sub in ("seeds", "content/articles", "content/actors", "content/locations"):
        (folder / sub).mkdir(parents=True)
    return folder


@fuzz
@given(seed_bytes())
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe")
@example(b"Headline\r\rBody\r")
@example(b"---\ntitle: [\n---\nHeadline\n\nBody\n")
@example("Café\n\nNaïve text\n".encode("cp1252"))
def test_any_seed_gives_problems_or_an_article_that_loads_cleanly(site: Path, data: bytes) -> None:
    path = site / "seeds" / "fuzz.txt"
    path.write_bytes(data)
    seed, problems = read_seed(path, site)
    for p in problems:
        assert p.path == "seeds/fuzz.txt" and p.line >= 0 and p.message
    if seed is None:
        assert any(p.level == "error" for p in problems)
        return
    result = import_seed(seed, LEXICON, set(), fallback_date=None)
    article_path = site / "content/articles/fuzz.md"
    article_path.write_text(result.article.text, encoding="utf-8", newline="\n")
    article, found = load_article(article_path, "content/articles/fuzz.md")
    # What import writes is always valid content: it loads with no error and keeps the headline.
    assert article is not None, [str(p) for p in found]
    assert [p for p in found if p.level == "error"] == []
    assert article.title == unicodedata.normalize("NFC", " ".join(seed.headline.split())).strip()
    body = annotate(MD, article.body.text, article.body.path, article.body.first_line,
                    lambda scheme, slug: None, "first", article.slug)
    html = str(body.html)
    assert "<script" not in html and "javascript:" not in re.sub(r">[^<]*<", "><", html)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug)


KEYS = ["title", "slug", "date", "summary", "actors", "locations", "source_url", "byline", "draft", "name",
        "kind", "aliases", "lat", "lon", "wikidata", "role", "country", "title"]
VALUES = ["yes", "no", "~", "", "1:30", "0x1F", "1_000", "2024-01-01", "2024-02-30", "2024-01-01 10:00:00",
          ".nan", "-.inf", "1e400", "[a, b]", "[yes, no]", "{a: 1}", "&a x", "*a", "*undefined", "!!binary aGk=",
          "!!python/object/apply:os.system ['true']", "'quoted'", '"esc \\x01 \\u202e"', "|\n  block\n  text",
          "javascript:alert(1)", "https://example.com/x", "../../etc", "café-society", "person", "location",
          "Q42", "Q1\" onx=\"y", "[", "]", "{", "? complex", "- item", "a: b: c", "%TAG", "@reserved", "`tick`"]


@st.composite
def front_matter_file(draw: st.DrawFn) -> bytes:
    pairs = draw(st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)),
                                    st.one_of(st.sampled_from(VALUES), st.text(max_size=30))), max_size=10))
    fm = "\n".join(f"{k}: {v}" for k, v in pairs)
    body = draw(st.one_of(st.sampled_from(LINES), st.text(max_size=80)))
    fence = draw(st.sampled_from(["---", "--- ", "---\t", "...", ""]))
    return f"---\n{fm}\n{fence}\n{body}\n".encode("utf-8", "surrogatepass")


@fuzz
@given(front_matter_file(), st.sampled_from(["articles", "actors", "locations"]))
@example(b"---\ntitle: a\ntitle: b\n---\n", "articles")
@example(b"---\na: &a [*a]\n---\n", "articles")
@example(b"---\n" + b"[" * 2000 + b"\n---\n", "actors")
def test_any_front_matter_gives_problems_with_lines_or_a_valid_item(site: Path, data: bytes, group: str) -> None:
    path = site / "content" / group / "fuzz-item.md"
    path.write_bytes(data)
    shown = f"content/{group}/fuzz-item.md"
    if group == "articles":
        item, problems = load_article(path, shown)
    else:
        item, problems = load_entity(path, shown, group)  # type: ignore[assignment]
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1  # CR alone ends a line too
    for p in problems:
        assert p.path == shown and 0 <= p.line <= lines + 1 and p.message, str(p)
        assert "Traceback" not in p.message
    if item is None:
        assert any(p.level == "error" for p in problems)
    else:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item.slug)
        if group == "articles":
            assert isinstance(item.title, str) and item.title  # type: ignore[union-attr]
            assert item.source_url is None or item.source_url.startswith(("http://", "https://"))  # type: ignore[union-attr]
        else:
            assert isinstance(item.name, str) and item.name  # type: ignore[union-attr]
    assert PurePosixPath("articles", item.slug).parts[0] == "articles" if item else True
