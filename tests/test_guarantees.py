"""SPEC §7: one named test per guarantee, each trying hard to break it.

Deeper variations live in test_writer.py (faults and kills at every step), test_hostile.py (bad and
hostile input) and test_properties.py / test_fuzz.py (generated input).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.config import load_config
from generator.errors import ContentError
from generator.linkcheck import check_folder
from generator.render import RenderedFile
from generator.writer import OutputError, write_site
from conftest import REPO, SITES, copy_site, is_theme_element


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes; the search index (pagefind/, SPEC §6's one exception) left out."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "pagefind" not in p.relative_to(root).parts}


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# 1 ---------------------------------------------------------------------------------------------

def test_guarantee_1_a_failed_build_never_modifies_output_and_a_good_one_replaces_it_whole(site_dir: Path) -> None:
    assert cli("build", "--site", str(site_dir))[0] == 0
    before = tree(site_dir / "output")
    # A template that fails half-way through rendering (after several pages were already written).
    templates = site_dir / "themes/default/templates"
    templates.mkdir(parents=True)
    original = (REPO / "themes/default/templates/entity.html").read_text(encoding="utf-8")
    (templates / "entity.html").write_text(
        "{% if page.ref.key == 'locations/valparaiso' %}{{ page.no_such_field }}{% endif %}" + original,
        encoding="utf-8")
    code, output = cli("build", "--site", str(site_dir))
    assert code == 1 and "template error" in output and "no_such_field" in output
    assert tree(site_dir / "output") == before
    (templates / "entity.html").unlink()
    # A content error.
    (site_dir / "content/articles/bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert cli("build", "--site", str(site_dir))[0] == 1
    assert tree(site_dir / "output") == before
    # A good build replaces the site whole: a page whose article is gone does not linger.
    (site_dir / "content/articles/bad.md").unlink()
    (site_dir / "content/articles/ferry-strike.md").unlink()
    assert cli("build", "--site", str(site_dir))[0] == 0
    after = tree(site_dir / "output")
    assert "articles/ferry-strike/index.html" not in after
    assert json.loads(after[".newsgloss-manifest.json"])["files"] == sorted(
        f for f in after if f != ".newsgloss-manifest.json")
    assert sorted(p.name for p in site_dir.iterdir() if p.name.startswith(".output")) == []


# 2 ---------------------------------------------------------------------------------------------

def test_guarantee_2_never_deletes_a_folder_it_did_not_create(site_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("years of work", encoding="utf-8")
    (site_dir / "seeds").mkdir()
    before_site, before_home = tree(site_dir), tree(tmp_path / "mine")
    for output in (".", "~", "content", "seeds", "themes", "..", str(tmp_path / "mine"), "/"):
        (site_dir / "site.yaml").write_text(f"output: {json.dumps(output)}\n", encoding="utf-8")
        code, message = cli("build", "--site", str(site_dir))
        assert code == 2, (output, message)
        assert "refusing to write the site into" in message
        (site_dir / "site.yaml").unlink()
        assert tree(site_dir) == {k: v for k, v in before_site.items() if k != "site.yaml"}
        assert tree(tmp_path / "mine") == before_home  # the user's folder in "home": not one byte changed
        assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "site"]
        (site_dir / "site.yaml").write_bytes(before_site["site.yaml"])


# 3 ---------------------------------------------------------------------------------------------

def test_guarantee_3_import_never_overwrites_what_an_editor_wrote(site_dir: Path) -> None:
    seeds = site_dir / "seeds"
    seeds.mkdir()
    (seeds / "quake.txt").write_text("Quake Shakes Lima\n\nMarch 3, 2024\n\nA quake shook Lima in Peru.\n",
                                     encoding="utf-8")
    # An editor's half-written place file, invalid for now, so the registry cannot know it yet.
    lima = site_dir / "content/locations/lima.md"
    lima.write_text("---\nname: Lima\nlat: south\n---\nMy notes on Lima, half done.\n", encoding="utf-8")
    assert cli("build", "--site", str(site_dir))[0] == 1  # the import ran; the invalid file stopped the build
    assert lima.read_text(encoding="utf-8").endswith("My notes on Lima, half done.\n")
    lima.write_text(lima.read_text(encoding="utf-8").replace("lat: south", "lat: -12.05"), encoding="utf-8")
    shutil.rmtree(site_dir / "content/articles")
    copy_site(SITES / "minimal", site_dir.parent / "again")
    shutil.copytree(site_dir.parent / "again/content/articles", site_dir / "content/articles")
    # An editor already has an unrelated article at the slug the import would choose.
    squatter = site_dir / "content/articles/quake-shakes-lima.md"
    squatter.write_text("---\ntitle: Quake Shakes Lima\ndate: 2020-01-01\n---\nThe editor's own piece.\n",
                        encoding="utf-8")
    assert cli("build", "--site", str(site_dir))[0] == 0
    assert squatter.read_text(encoding="utf-8").endswith("The editor's own piece.\n")
    imported = site_dir / "content/articles/quake-shakes-lima-2.md"
    assert "source: seeds/quake.txt" in imported.read_text(encoding="utf-8")
    # Edits to the imported article and to the stubs survive build and import.
    edited = {p: p.read_text(encoding="utf-8") + "\nEdited by hand.\n"
              for p in [imported, *(site_dir / "content/locations").glob("*.md")]}
    for path, text in edited.items():
        path.write_text(text, encoding="utf-8")
    assert cli("build", "--site", str(site_dir))[0] == 0
    assert cli("import", "--site", str(site_dir), str(seeds / "quake.txt"))[0] == 0
    assert {p: p.read_text(encoding="utf-8") for p in edited} == edited
    # A changed seed is reported, never re-imported by build.
    (seeds / "quake.txt").write_text("Quake Shakes Lima Again\n\nMarch 4, 2024\n\nAn aftershock.\n", encoding="utf-8")
    code, output = cli("build", "--site", str(site_dir))
    assert code == 0 and "seeds/quake.txt: warning: seed changed since it was imported" in output
    assert imported.read_text(encoding="utf-8") == edited[imported]
    # --reimport keeps the editor's version in content/.backups/, which is never loaded as content.
    assert cli("import", "--reimport", "--site", str(site_dir), str(seeds / "quake.txt"))[0] == 0
    backups = list((site_dir / "content/.backups").iterdir())
    assert [b.read_text(encoding="utf-8") for b in backups] == [edited[imported]]
    assert cli("build", "--site", str(site_dir))[0] == 0


# 4 ---------------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self, page: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.targets: list[str] = []
        self.tags: set[str] = set()
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        if not is_theme_element(tag, dict(attrs), self.page):
            self.tags.add(tag)
        self.targets += [v or "" for k, v in attrs if k in ("href", "src")]
        self.handlers += [k for k, _ in attrs if k.startswith("on")]


def _assert_safe_html(html: str, where: Path) -> None:
    parsed = _Links(where)
    parsed.feed(html)
    for target in parsed.targets:
        scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):", target)
        assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto"), (where, target)
    assert not parsed.tags & {"svg", "iframe", "object", "embed", "style", "script"}, where
    assert parsed.handlers == [], where
    assert html.count("</script>") == parsed.scripts, where  # no script closed early


def test_guarantee_4_text_is_escaped_and_unsafe_links_never_reach_a_page(site_dir: Path) -> None:
    disguises = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                 "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
                 "%6Aavascript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
                 "file:///etc/passwd", "\x01javascript:alert(1)",
                 "ms-msdt:/id PCWDiagnostic", "view-source:https://example.com", "jar:https://x!/y",
                 "intent://scan/#Intent;scheme=zxing;end"]
    body = "\n".join(f"[l{i}]({d}) ![i{i}]({d}) [r{i}] <{d}>\n\n[r{i}]: {d}\n" for i, d in enumerate(disguises))
    body += "\n<script>alert('raw')</script> <img src=x onerror=alert(1)> <a href='javascript:x'>a</a>\n"
    (site_dir / "content/articles/hostile.md").write_text(
        "---\ntitle: '<script>alert(\"title\")</script>'\ndate: 2024-05-01\nactors: [maria-lopez]\n"
        "summary: '</script><script>alert(1)</script>'\n---\n" + body, encoding="utf-8")
    (site_dir / "content/actors/maria-lopez.md").write_text(
        "---\nname: 'María </script><script>alert(1)</script>'\nkind: person\n"
        "summary: '<img src=x onerror=alert(1)> \" onmouseover=\"alert(1)'\n---\n" + body, encoding="utf-8")
    assert cli("build", "--site", str(site_dir))[0] == 0
    out = site_dir / "output"
    for page in out.rglob("*.html"):
        _assert_safe_html(page.read_text(encoding="utf-8"), page)
    feeds = [*out.rglob("feed.xml")]
    for feed in feeds:  # the HTML inside each Atom entry, once the XML is parsed
        for content in ET.parse(feed).getroot().iter("{http://www.w3.org/2005/Atom}content"):
            _assert_safe_html(content.text or "", feed)
    assert len(feeds) >= 3


# 5 ---------------------------------------------------------------------------------------------

def test_guarantee_5_nothing_writes_outside_output_and_one_url_is_never_shared(site_dir: Path, tmp_path: Path) -> None:
    for name, slug in (("a.md", "../../../escaped"), ("b.md", "/etc/cron.d/x"), ("c.md", "ok/../../x"),
                       ("d.md", "..\\\\..\\\\x"), ("e.md", "harbour-reopens")):
        (site_dir / "content/articles" / name).write_text(
            f"---\ntitle: T\nslug: {json.dumps(slug)}\ndate: 2024-01-01\n---\nBody.\n", encoding="utf-8")
    before = tree(tmp_path)
    code, output = cli("build", "--site", str(site_dir))
    assert code == 1
    for name in ("a.md", "b.md", "c.md", "d.md"):
        assert f"content/articles/{name}:3: slug: " in output
    assert re.search(r"content/articles/(e|harbour-reopens)\.md: slug 'harbour-reopens' is also used by "
                     r"content/articles/(harbour-reopens|e)\.md", output)
    assert tree(tmp_path) == before  # not one file anywhere: no output/, nothing "escaped"
    # The writer refuses such paths itself, should any stage ever produce one.
    output_dir = site_dir / "output"
    for bad in ("../x.html", "/abs.html", "a/../../x.html"):
        with pytest.raises(OutputError, match="unsafe output path"):
            write_site([RenderedFile(PurePosixPath(bad), b"x")], output_dir, site_dir)
    with pytest.raises(OutputError, match="two items would both be written"):
        write_site([RenderedFile(PurePosixPath("a.html"), b"1")] * 2, output_dir, site_dir)
    lock = "site/.newsgloss-output.lock"  # the writer's lock beside output/: its only trace
    assert {k: v for k, v in tree(tmp_path).items() if k != lock} == before


# 6 ---------------------------------------------------------------------------------------------

def test_guarantee_6_yaml_is_loaded_safely_and_errors_name_file_and_line(site_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = {
        "site.yaml": f"title: ok\nlanguage: en\ndescription: !!python/object/apply:os.system ['touch {marker}']\n",
        "content/articles/x.md": f"---\ntitle: x\ndate: 2024-01-01\nsummary: !!python/object/apply:os.system "
                                 f"['touch {marker}']\n---\n",
        "content/actors/y.md": "---\nname: y\nkind: person\nrole: !!python/name:os.system\n---\n",
    }
    expected = {"site.yaml": 3, "content/articles/x.md": 4, "content/actors/y.md": 4}
    for path, text in payloads.items():
        target = site_dir / path
        saved = target.read_bytes() if target.exists() else None
        target.write_text(text, encoding="utf-8")
        code, output = cli("build", "--site", str(site_dir))
        assert code == 1
        assert f"{path}:{expected[path]}: invalid YAML: could not determine a constructor for the tag" in output
        assert not marker.exists()
        target.unlink()
        if saved is not None:
            target.write_bytes(saved)
    (site_dir / "content/articles/dup.md").write_text("---\ntitle: a\ndate: 2024-01-01\ntitle: b\n---\n",
                                                      encoding="utf-8")
    assert "content/articles/dup.md:4: duplicate key 'title' (first on line 2)" in cli("build", "--site",
                                                                                       str(site_dir))[1]


# 7 ---------------------------------------------------------------------------------------------

_BUILD_IN_CHILD = """
import os, sys
from pathlib import Path
if os.environ.get("REVERSE_FS_ORDER") == "1":  # the file system lists folders in the opposite order
    real_scandir, real_listdir = os.scandir, os.listdir
    class _Reversed:
        def __init__(self, it): self.entries = list(it)[::-1]; self.it = real_scandir
        def __iter__(self): return iter(self.entries)
        def __enter__(self): return self
        def __exit__(self, *a): return False
        def close(self): pass
    os.scandir = lambda *a, **k: _Reversed(real_scandir(*a, **k))
    os.listdir = lambda *a, **k: real_listdir(*a, **k)[::-1]
import time
time.tzset()
from generator.build import build
from generator.config import load_config
build(load_config(Path(sys.argv[1])))
"""


def _child_build(site: Path, **env: str) -> None:
    subprocess.run([sys.executable, "-c", _BUILD_IN_CHILD, str(site)], check=True, cwd=REPO,
                   env={**os.environ, **env}, capture_output=True, timeout=600)


def test_guarantee_7_builds_are_byte_identical_across_hash_seeds_time_zones_locales_and_fs_order(
        tmp_path: Path) -> None:
    envs = [dict(PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C", LANG="C"),
            dict(PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati", LC_ALL="C.UTF-8", LANG="C.UTF-8",
                 REVERSE_FS_ORDER="1"),
            dict(PYTHONHASHSEED="77", TZ="America/Adak", LC_ALL="POSIX", LANG="de_DE.UTF-8", LC_TIME="fr_FR.UTF-8")]
    results = []
    for i, env in enumerate(envs):
        site = copy_site(REPO, tmp_path / f"site{i}")
        shutil.rmtree(site / "content")  # the import (stubs, slugs, dates) must be deterministic too
        copy_site(SITES / "minimal", tmp_path / f"minimal{i}")
        shutil.copytree(tmp_path / f"minimal{i}" / "content" / "articles", site / "content" / "articles",
                        dirs_exist_ok=True)
        shutil.copytree(tmp_path / f"minimal{i}" / "content" / "actors", site / "content" / "actors",
                        dirs_exist_ok=True)
        shutil.copytree(tmp_path / f"minimal{i}" / "content" / "locations", site / "content" / "locations",
                        dirs_exist_ok=True)
        _child_build(site, **env)
        results.append((tree(site / "output"), tree(site / "content")))
    first_output, first_content = results[0]
    assert len(first_output) > 40
    for output, content in results[1:]:
        assert sorted(output) == sorted(first_output)
        assert [k for k in output if output[k] != first_output[k]] == []
        assert content == first_content


# 8 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pretty", [False, True], ids=["index.html-links", "pretty-links"])
def test_guarantee_8_every_internal_link_and_anchor_resolves(seed_site: Path, site_dir: Path, pretty: bool) -> None:
    for site in (seed_site, site_dir):
        config = site / "site.yaml"
        text = re.sub(r"(?m)^pretty_links:.*\n", "", config.read_text(encoding="utf-8"))
        config.write_text(text + f"pretty_links: {'true' if pretty else 'false'}\n", encoding="utf-8")
        report = build(load_config(site))
        assert report.files > 10
        assert check_folder(site / "output") == []
        assert cli("check", "--site", str(site))[0] == 0


def test_guarantee_8_the_link_check_does_find_a_broken_link(site_dir: Path) -> None:
    build(load_config(site_dir))
    page = site_dir / "output/articles/ferry-strike/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('#p-1"', '#p-404"', 1)
                    .replace('href="../../actors/port-authority/index.html"',
                             'href="../../actors/nobody/index.html"', 1),
                    encoding="utf-8")
    problems = {p.message for p in check_folder(site_dir / "output")}
    assert any("broken link '../../actors/nobody/index.html'" in m for m in problems)


def test_content_error_is_a_click_exception_with_exit_1(site_dir: Path) -> None:
    (site_dir / "content/articles/x.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        build(load_config(site_dir))
    assert info.value.exit_code == 1


def test_guarantee_8_holds_on_continuation_pages_and_for_links_editors_write(site_dir: Path) -> None:
    (site_dir / "site.yaml").write_text((site_dir / "site.yaml").read_text(encoding="utf-8") + "per_page: 1\n",
                                        encoding="utf-8")
    place = site_dir / "content/locations/valparaiso.md"
    place.write_text(place.read_text(encoding="utf-8")
                     + "\nSee [the port](actor:port-authority), [home](../../index.html) and [top](#p-1).\n",
                     encoding="utf-8")
    assert cli("build", "--site", str(site_dir))[0] == 0
    assert (site_dir / "output/locations/valparaiso/page/2/index.html").is_file()  # paginated
    assert check_folder(site_dir / "output") == []
    before = tree(site_dir / "output")
    article = site_dir / "content/articles/ferry-strike.md"
    article.write_text(article.read_text(encoding="utf-8")
                       + "\n[gone](../../actors/nobody/index.html) [fine](../harbour-reopens/index.html)\n",
                       encoding="utf-8")
    code, output = cli("build", "--site", str(site_dir))
    assert code == 1
    assert output.splitlines()[0] == ("content/articles/ferry-strike.md:12: link '../../actors/nobody/index.html' "
                                      "leads to actors/nobody/index.html, which the built site does not have")
    assert tree(site_dir / "output") == before
