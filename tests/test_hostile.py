"""Hostile and broken input: exact `path:line: message` errors, exit 1, nothing lost, nothing unsafe on a page."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.config import load_config
from generator.errors import ContentError
from conftest import SITES, copy_site, is_theme_element

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
SAFE_SCHEMES = ("http:", "https:", "mailto:")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_build(site: Path) -> tuple[int, list[str]]:
    """`newsgloss build` as a user runs it: exit code and the lines it printed."""
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output.splitlines()


@pytest.fixture
def built_site(site_dir: Path) -> tuple[Path, dict[str, bytes]]:
    """The minimal site, built once; returns (site, its output tree)."""
    assert run_build(site_dir)[0] == 0
    return site_dir, tree(site_dir / "output")


# --- bad files: every problem reported at once, exactly, with output/ untouched -------------------

def expected_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_every_bad_article_is_reported_at_once_and_output_is_untouched(
        built_site: tuple[Path, dict[str, bytes]]) -> None:
    site, before = built_site
    for fixture in BAD.glob("*.md"):
        shutil.copy(fixture, site / "content/articles" / fixture.name)
    code, lines = run_build(site)
    assert code == 1
    expected = expected_lines(BAD / "expected.txt")
    assert lines[:-1] == expected  # sorted, every one of them, nothing else
    assert lines[-1] == f"{len(expected)} errors; nothing was written."
    assert tree(site / "output") == before


@pytest.mark.parametrize("fixture", sorted(p.name for p in BAD.glob("*.md")))
def test_each_bad_article_alone_gives_exactly_its_own_errors(site_dir: Path, fixture: str) -> None:
    shutil.copy(BAD / fixture, site_dir / "content/articles" / fixture)
    code, lines = run_build(site_dir)
    assert code == 1
    own = [line for line in expected_lines(BAD / "expected.txt") if line.startswith(f"content/articles/{fixture}")]
    assert own and lines[:-1] == own
    assert not (site_dir / "output").exists()


@pytest.mark.parametrize("case", ["bad-config", "bad-registry"])
def test_bad_sites_report_exact_lines(tmp_path: Path, case: str) -> None:
    site = copy_site(SITES / case, tmp_path / case)
    code, lines = run_build(site)
    assert code == 1
    assert lines[:-1] == expected_lines(SITES / case / "expected.txt")
    assert not (site / "output").exists()


# --- hostile text never becomes markup or a script ------------------------------------------------

HOSTILE_ARTICLE = """---
title: "Evil </script><script>alert('t')</script> & <b>bold</b> \\" onmouseover=\\"alert(1)"
slug: evil
date: 2024-05-10
source_url: "https://example.com/story?a=1&b=2"
publisher: "<img src=x onerror=alert('p')>"
byline: "Eve </script><!--"
actors: [maria-lopez, eve]
summary: "</script><script>alert('s')</script> ]]> --> <![CDATA["
---
[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1)) [d](java&#x09;script:alert(1))
[e](%6aavascript:alert(1)) [f]( javascript:alert(1)) <javascript:alert(1)> ![i](javascript:alert(1))
[ref][r] [g](vbscript:x) [h](data:text/html,<script>alert(1)</script>) [k](java%0ascript:alert(1))
[l](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)) [m](javascript&colon;alert(1))
![img](javascript:alert(1) "t") <a href="javascript:alert(1)">raw</a> <script>alert(2)</script>
<img src=x onerror=alert(3)> <style>body{display:none}</style> <iframe src="https://evil.example"></iframe>
[n](actor:maria-lopez "t\\" onmouseover=\\"x") [o](file:///etc/passwd) [p](//evil.example/x)

<svg onload=alert(4)>

    <script>alert('indented code is shown, not run')</script>

[r]: javascript:alert(1)
"""

HOSTILE_ACTOR = """---
name: "Eve </script><script>alert('n')</script>\\" onx=\\"y"
kind: person
role: "<b>role</b>"
summary: "</script><!-- <script> ]]> & javascript:alert(1) \\" onmouseover=\\"z"
aliases: ["<i>Evie</i>"]
---
[x](javascript:alert(1)) <script>alert('body')</script>
"""


class _Attrs(HTMLParser):
    """Every tag and attribute of an HTML page, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture
def hostile_output(site_dir: Path) -> Path:
    (site_dir / "content/articles/evil.md").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    (site_dir / "content/actors/eve.md").write_text(HOSTILE_ACTOR, encoding="utf-8")
    code, lines = run_build(site_dir)
    assert code == 0, lines
    return site_dir / "output"


def test_no_unsafe_link_target_reaches_any_page(hostile_output: Path) -> None:
    checked = 0
    for page in hostile_output.rglob("*.html"):
        parsed = _Attrs()
        parsed.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert tag not in ("iframe", "img", "svg", "style", "object", "embed", "script") or tag == "img" and \
                str(attrs.get("src", "")).startswith(SAFE_SCHEMES) or is_theme_element(tag, attrs, page), \
                (page, tag, attrs)
            for name in ("href", "src", "action", "formaction", "xlink:href"):
                value = attrs.get(name)
                if value is None:
                    continue
                checked += 1
                scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", value)
                assert scheme is None or value.strip().lower().startswith(SAFE_SCHEMES), (page, tag, value)
    assert checked > 50


def test_raw_html_in_markdown_is_shown_as_text(hostile_output: Path) -> None:
    page = (hostile_output / "articles/evil/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg" not in page
    assert "&lt;script&gt;alert('indented code is shown, not run')&lt;/script&gt;" in page \
        or "&lt;script&gt;alert(&#x27;indented code is shown, not run&#x27;)&lt;/script&gt;" in page
    entity = (hostile_output / "actors/eve/index.html").read_text(encoding="utf-8")
    assert "<script>alert('body')" not in entity and "&lt;script&gt;" in entity


def test_front_matter_text_is_escaped_in_html_text_and_attributes(hostile_output: Path) -> None:
    page = (hostile_output / "articles/evil/index.html").read_text(encoding="utf-8")
    parsed = _Attrs()
    parsed.feed(page)
    metas = {a.get("property") or a.get("name"): a.get("content") for t, a in parsed.tags if t == "meta"}
    title = "Evil </script><script>alert('t')</script> & <b>bold</b> \" onmouseover=\"alert(1)"
    assert metas["og:title"] == title  # the attribute holds exactly the text, quotes and all
    assert metas["description"] == "</script><script>alert('s')</script> ]]> --> <![CDATA["
    source = [a for t, a in parsed.tags if t == "a" and "source-link" in str(a.get("class"))]
    assert source and source[0]["href"] == "https://example.com/story?a=1&b=2"
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    actor = (hostile_output / "actors/eve/index.html").read_text(encoding="utf-8")
    assert "<b>role</b>" not in actor and "&lt;b&gt;role&lt;/b&gt;" in actor


def test_json_ld_cannot_be_closed_by_a_summary(hostile_output: Path) -> None:
    page = (hostile_output / "articles/evil/index.html").read_text(encoding="utf-8")
    parsed = _Attrs()
    parsed.feed(page)
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert all(is_theme_element("script", a, Path("page.html")) for a in scripts)  # no injected <script>
    assert [a.get("type") for a in scripts].count("application/ld+json") == 1
    assert page.count("</script>") == len(scripts)  # nothing closed a script early
    data = json.loads(parsed.scripts[0])
    assert data["headline"].startswith("Evil </script><script>alert('t')</script>")
    assert data["description"] == "</script><script>alert('s')</script> ]]> --> <![CDATA["
    assert any(m["name"].startswith("Eve </script>") for m in data["mentions"])
    assert "</" not in parsed.scripts[0] and "<!--" not in parsed.scripts[0]


def test_feeds_are_well_formed_and_carry_hostile_text_as_text(hostile_output: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in [hostile_output / "feed.xml", *hostile_output.glob("*/*/feed.xml")]:
        root = ET.parse(feed).getroot()  # raises on anything not well-formed
        for entry in root.iter(f"{atom}entry"):
            title = entry.findtext(f"{atom}title") or ""
            if title.startswith("Evil"):
                assert title.endswith("\" onmouseover=\"alert(1)")
                assert entry.findtext(f"{atom}summary") == "</script><script>alert('s')</script> ]]> --> <![CDATA["
                html = entry.findtext(f"{atom}content") or ""
                assert "<script>" not in html and "&lt;script&gt;" in html
                assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # only in text, never a tag


# --- paths: nothing from content writes outside output/ --------------------------------------------

def test_a_symlink_out_of_the_site_is_an_error_not_followed(built_site: tuple[Path, dict[str, bytes]],
                                                            tmp_path: Path) -> None:
    site, before = built_site
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\ndate: 2024-01-01\n---\nprivate notes\n", encoding="utf-8")
    (site / "content/articles/leak.md").symlink_to(secret)
    (site / "seeds").mkdir(exist_ok=True)
    (site / "seeds/leak.txt").symlink_to(secret)
    (site / "themes/default/templates").mkdir(parents=True)
    (site / "themes/default/templates/robots.txt").symlink_to("/etc/passwd")
    code, lines = run_build(site)
    assert code == 1
    assert any(line.startswith("content/articles/leak.md: is a symbolic link to") for line in lines)
    assert any(line.startswith("seeds/leak.txt: is a symbolic link to") for line in lines)
    assert any(line.startswith("themes/default/templates/robots.txt: is a symbolic link to /etc/passwd")
               for line in lines)
    assert tree(site / "output") == before
    assert not list((site / "content/articles").glob("secret*"))


def test_a_symlink_inside_the_site_is_followed(site_dir: Path) -> None:
    (site_dir / "drafts").mkdir()
    shutil.move(site_dir / "content/articles/ferry-strike.md", site_dir / "drafts/ferry-strike.md")
    (site_dir / "content/articles/ferry-strike.md").symlink_to(site_dir / "drafts/ferry-strike.md")
    assert run_build(site_dir)[0] == 0
    assert (site_dir / "output/articles/ferry-strike/index.html").is_file()


def test_odd_file_names_never_become_paths(site_dir: Path) -> None:
    body = "---\ntitle: Odd\ndate: 2024-01-01\n---\nText.\n"
    for name in ("..md", "a b.md", "Über.md", "x\nnewline.md", "semi;colon.md"):
        (site_dir / "content/articles" / name).write_text(body, encoding="utf-8")
    code, lines = run_build(site_dir)
    assert code == 1
    assert "content/articles/a b.md: file name 'a b.md' (used as the slug): 'a b' is not a valid slug: " \
           "use lowercase ASCII letters, digits and single hyphens (for example 'a-b'); rename the file or " \
           "add a slug" in lines
    assert any("'Über' is not a valid slug" in line and "'uber'" in line for line in lines)
    assert any("'x\\nnewline' is not a valid slug" in line for line in lines)
    assert not (site_dir / "output").exists()
    assert sorted(p.name for p in site_dir.parent.iterdir()) == ["site"]


def test_two_entities_with_the_same_url_name_both_files(site_dir: Path) -> None:
    shutil.copy(site_dir / "content/articles/ferry-strike.md", site_dir / "content/articles/ferry-strike-copy.md")
    code, lines = run_build(site_dir)
    assert code == 1
    assert ("content/articles/ferry-strike.md: slug 'ferry-strike' is also used by "
            "content/articles/ferry-strike-copy.md: two articles would share the URL articles/ferry-strike/"
            in lines) or ("content/articles/ferry-strike-copy.md: slug 'ferry-strike' is also used by "
                          "content/articles/ferry-strike.md: two articles would share the URL "
                          "articles/ferry-strike/" in lines)


def test_sidecar_with_a_script_source_url_is_refused(site_dir: Path) -> None:
    (site_dir / "seeds").mkdir()
    (site_dir / "seeds/story.txt").write_text("Storm Hits Lisbon\n\nMarch 3, 2024\n\nThe storm hit Lisbon.\n",
                                              encoding="utf-8")
    (site_dir / "seeds/story.yaml").write_text("source_url: 'javascript:alert(1)'\npublisher: yes\n",
                                               encoding="utf-8")
    code, lines = run_build(site_dir)
    assert code == 1
    assert "seeds/story.yaml:1: source_url: expected an absolute http(s) URL such as " \
           "https://example.com/story, got 'javascript:alert(1)'" in lines
    assert 'seeds/story.yaml:2: publisher: YAML reads yes as true, not as text; put it in quotes: ' \
           'publisher: "yes"' in lines


# --- the command line: no tracebacks, clear exit codes ---------------------------------------------

def test_an_os_error_is_one_line_not_a_traceback(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def broken(cfg: object, *args: object) -> object:  # (the build cache passes its own file reader)
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(site_dir / "content"))

    monkeypatch.setattr("generator.build.load_content", broken)
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {site_dir / 'content'}: Input/output error"


def test_ctrl_c_is_one_line_and_exit_130(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("generator.build.render_site", interrupted)
    monkeypatch.setattr("generator.build.render_files", interrupted)  # the parallel renderer (search: false)
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 130
    assert result.output.strip() == "newsgloss: interrupted; the previous output/ was left as it was"


def test_content_errors_exit_1_and_usage_errors_exit_2(site_dir: Path) -> None:
    assert CliRunner().invoke(main, ["build", "--site", str(site_dir), "--output", "/"]).exit_code == 2
    assert CliRunner().invoke(main, ["build", "--bogus"]).exit_code == 2
    (site_dir / "site.yaml").write_text("title: yes\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == \
        'site.yaml:1: title: YAML reads yes as true, not as text; put it in quotes: title: "yes"'


def test_build_api_raises_content_error_with_all_problems(site_dir: Path) -> None:
    for name in ("a", "b", "c"):
        (site_dir / f"content/articles/{name}.md").write_text(f"---\ntitle: no\ndate: x{name}\n---\n",
                                                              encoding="utf-8")
    with pytest.raises(ContentError) as info:
        build(load_config(site_dir))
    assert len([p for p in info.value.problems if p.level == "error"]) == 6


# --- encodings: whatever the bytes, the same article or a clear error --------------------------------

SEED_TEXT = ("Café Owners in Valparaíso Protest “Unfair” Rents\n\nMarch 3, 2024\n\nBy Ana Muñoz\n\n"
             "Café owners marched on Monday — again — in Valparaíso.\nThey said rents doubled.\n\n"
             "The mayor, José Pérez, said talks would continue.\n")


def _import_text(tmp_path: Path, name: str, data: bytes) -> tuple[str, list[str]]:
    from generator.content import Content
    from generator.importer import import_seed
    from generator.seeds import read_seed

    site = tmp_path / name
    (site / "seeds").mkdir(parents=True)
    seed_path = site / "seeds" / "story.txt"
    seed_path.write_bytes(data)
    seed, problems = read_seed(seed_path, site)
    assert seed is not None, problems
    article = import_seed(seed, Content().lexicon(), set()).article.text
    kept = [line for line in article.splitlines() if not line.startswith(("seed_sha256:", "source:"))]
    return "\n".join(kept), [str(p) for p in problems]


@pytest.mark.parametrize("variant", ["lf", "crlf", "cr", "bom-crlf", "utf-16-le", "utf-16-be", "cp1252"])
def test_every_encoding_and_line_end_gives_the_same_article(tmp_path: Path, variant: str) -> None:
    reference, _ = _import_text(tmp_path, "reference", SEED_TEXT.encode("utf-8"))
    data = {
        "lf": SEED_TEXT.encode("utf-8"),
        "crlf": SEED_TEXT.replace("\n", "\r\n").encode("utf-8"),
        "cr": SEED_TEXT.replace("\n", "\r").encode("utf-8"),
        "bom-crlf": b"\xef\xbb\xbf" + SEED_TEXT.replace("\n", "\r\n").encode("utf-8"),
        "utf-16-le": "\ufeff".encode("utf-16-le") + SEED_TEXT.encode("utf-16-le"),
        "utf-16-be": "\ufeff".encode("utf-16-be") + SEED_TEXT.encode("utf-16-be"),
        "cp1252": SEED_TEXT.encode("cp1252"),
    }[variant]
    article, problems = _import_text(tmp_path, variant, data)
    assert article == reference
    assert "title: Café Owners in Valparaíso Protest “Unfair” Rents" in article and "\ufeff" not in article
    if variant == "cp1252":  # a warning that names the file, the line and the first odd byte
        assert problems == ["seeds/story.txt:1: warning: not UTF-8 (byte 0xe9 at offset 3); read as "
                            "Windows-1252/Latin-1 (save it as UTF-8 to silence this)"]
    else:
        assert problems == []


@pytest.mark.parametrize("data, message", [
    (b"Headline\n\nBody text\n\x00\x01\x02binary", "seeds/story.txt:4: binary file (NUL byte at offset 20); expected text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "seeds/story.txt:3: binary file (NUL byte at offset 8); expected text"),
    (b"Headline\r\n\r\nCaf\xc3 \x81 bad\r\n", "seeds/story.txt:3: cannot decode byte 0x81 at offset 17: neither "
                                             "UTF-8 nor Windows-1252; save the file as UTF-8"),
], ids=["nul", "png", "undecodable"])
def test_binary_and_undecodable_seeds_are_clear_errors(built_site: tuple[Path, dict[str, bytes]],
                                                       data: bytes, message: str) -> None:
    site, before = built_site
    (site / "seeds").mkdir(exist_ok=True)
    (site / "seeds/story.txt").write_bytes(data)
    code, lines = run_build(site)
    assert code == 1
    assert lines == [message, "1 error; nothing was written."]
    assert tree(site / "output") == before
    assert not list((site / "content/articles").glob("*story*"))


def test_control_characters_become_spaces_with_a_warning(site_dir: Path) -> None:
    (site_dir / "seeds").mkdir()
    (site_dir / "seeds/story.txt").write_bytes(b"Storm \x0cHits Lisbon\n\nMarch 3, 2024\n\nThe storm\x1b hit.\n")
    code, lines = run_build(site_dir)
    assert code == 0
    assert "seeds/story.txt:1: warning: control character U+000C (2 in the file) replaced by a space" in lines
    article = (site_dir / "content/articles/storm-hits-lisbon.md").read_text(encoding="utf-8")
    assert "title: Storm Hits Lisbon\n" in article and article.endswith("The storm  hit.\n")


def test_a_10_mb_seed_builds(tmp_path: Path) -> None:
    """A whole book pasted as one seed still builds (entity detection dominates the time: ~30 s here)."""
    import random

    rng = random.Random(10)
    words = ("the ferry workers said on Monday that talks would resume after a long strike in the harbour "
             "while the union and the city argued about pay and hours").split()
    names = ("María López", "the Port Authority", "Valparaíso", "Chile", "John Smith", "Paris")
    paragraphs, size = [], 0
    while size < 10_000_000:
        text = " ".join(rng.choice(words) for _ in range(70)) + f", {rng.choice(names)} said."
        paragraphs.append(text)
        size += len(text) + 2
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (site / "seeds/book.txt").write_text("Harbour Strike Enters Its Tenth Week\n\nMarch 3, 2024\n\n"
                                         + "\n\n".join(paragraphs) + "\n\nThe last paragraph.\n", encoding="utf-8")
    assert (site / "seeds/book.txt").stat().st_size >= 10_000_000
    report = build(load_config(site))
    page = site / "output/articles/harbour-strike-enters-its-tenth-week/index.html"
    assert report.articles == 1 and page.stat().st_size > 10_000_000
    assert "The last paragraph." in page.read_text(encoding="utf-8")


def test_a_markdown_seed_front_matter_is_checked_like_a_sidecar(site_dir: Path) -> None:
    (site_dir / "seeds").mkdir()
    (site_dir / "seeds/story.md").write_text(
        "---\ntitle: yes\nsource_url: 'vbscript:msgbox(1)'\ncolour: red\n---\nStorm Hits Lisbon\n\n"
        "March 3, 2024\n\nThe storm hit Lisbon.\n", encoding="utf-8")
    code, lines = run_build(site_dir)
    assert code == 1
    assert lines[:3] == [
        'seeds/story.md:2: title: YAML reads yes as true, not as text; put it in quotes: title: "yes"',
        "seeds/story.md:3: source_url: expected an absolute http(s) URL such as https://example.com/story, "
        "got 'vbscript:msgbox(1)'",
        "seeds/story.md:4: warning: unknown seed front matter key 'colour' (known: title, date, source_url, "
        "byline, publisher)"]


@pytest.mark.parametrize("base", ['https://example.com/"><script>alert(1)</script>', "https:///nohost",
                                  "javascript://example.com/%0aalert(1)", "https://exa mple.com/"])
def test_base_url_must_be_a_plain_absolute_url(site_dir: Path, base: str) -> None:
    (site_dir / "site.yaml").write_text(f"title: T\nbase_url: '{base}'\n", encoding="utf-8")
    code, lines = run_build(site_dir)
    assert code == 1
    assert lines[0] == "site.yaml:2: base_url: expected an absolute http(s) URL"


def test_non_utf8_site_yaml_theme_yaml_and_templates_are_clear_errors(site_dir: Path) -> None:
    templates = site_dir / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "robots.txt").write_bytes(b"User-agent: *\ncaf\xe9 {{ page.title }}\n")
    code, lines = run_build(site_dir)
    assert code == 1
    assert lines[0] == ("themes/default/templates/robots.txt:2: template is not UTF-8 (byte 0xe9 at offset 17); "
                        "save it as UTF-8")
    (site_dir / "site.yaml").write_bytes(b"title: Gazette\ndescription: Caf\xe9 news\n")
    code, lines = run_build(site_dir)
    assert code == 1
    assert lines[0] == "site.yaml:2: not UTF-8 (byte 0xe9 at offset 31); save site.yaml as UTF-8"


def test_a_seed_with_a_broken_sidecar_is_not_imported_until_it_is_fixed(site_dir: Path) -> None:
    (site_dir / "seeds").mkdir()
    (site_dir / "seeds/story.txt").write_text("Storm Hits Lisbon\n\nThe storm hit Lisbon.\n", encoding="utf-8")
    (site_dir / "seeds/story.yaml").write_text("date: 2024-02-30\n", encoding="utf-8")
    code, lines = run_build(site_dir)
    assert code == 1 and lines[0].startswith("seeds/story.yaml:1: invalid YAML: '2024-02-30' is not a real date")
    assert not list((site_dir / "content/articles").glob("storm*"))  # no article with a made-up date
    (site_dir / "seeds/story.yaml").write_text("date: 2024-02-29\n", encoding="utf-8")
    assert run_build(site_dir)[0] == 0
    assert "date: 2024-02-29" in (site_dir / "content/articles/storm-hits-lisbon.md").read_text(encoding="utf-8")
